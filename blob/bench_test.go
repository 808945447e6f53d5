package blob_test

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/blob/blobtest"
)

// BenchmarkPutGet stores a new blob and reads it back per iteration. Each
// iteration's content differs, so no Put is skipped as already stored.
// Reported: µs/put and µs/get wall time, and MB/s over both.
func BenchmarkPutGet(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) blob.Store
	}{
		{"dir", func(b *testing.B) blob.Store {
			d, err := blob.OpenDir(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			return d
		}},
		{"s3", func(b *testing.B) blob.Store {
			s, err := blob.NewS3(context.Background(), s3Config(b))
			if err != nil {
				b.Fatal(err)
			}
			return s
		}},
	}
	sizes := []struct {
		name string
		n    int
	}{{"4KiB", 4 << 10}, {"1MiB", 1 << 20}}
	for _, st := range stores {
		for _, size := range sizes {
			b.Run(st.name+"/"+size.name, func(b *testing.B) {
				ctx := context.Background()
				s := st.open(b)
				data := blobtest.Payload(9, size.n)
				var put, get time.Duration
				var n int
				b.SetBytes(int64(size.n))
				for b.Loop() {
					n++
					binary.LittleEndian.PutUint64(data, uint64(n))
					t0 := time.Now()
					ref, err := s.Put(ctx, data)
					if err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					got, err := s.Get(ctx, ref)
					if err != nil {
						b.Fatal(err)
					}
					put += t1.Sub(t0)
					get += time.Since(t1)
					if len(got) != len(data) {
						b.Fatalf("Get returned %d bytes, want %d", len(got), len(data))
					}
				}
				b.ReportMetric(float64(put.Microseconds())/float64(n), "µs/put")
				b.ReportMetric(float64(get.Microseconds())/float64(n), "µs/get")
			})
		}
	}
}
