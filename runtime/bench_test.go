package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/weftrun/weft/internal/testmodules"
)

// benchTask is a task whose input items total about 1 KiB of JSON.
func benchTask(tb testing.TB) []byte {
	tb.Helper()
	items := make([]map[string]any, 0, 8)
	for i := range 8 {
		items = append(items, map[string]any{"json": map[string]any{
			"id": i, "name": "ada lovelace", "city": "london",
			"note": "analytical engine notes, translated and extended",
			"tags": []string{"math", "computing"}, "active": i%2 == 0,
		}})
	}
	b, err := json.Marshal(map[string]any{
		"abi":    1,
		"node":   map[string]any{"name": "Bench", "type": "bench", "typeVersion": 1, "parameters": map[string]any{"fields": []string{"name", "city"}}},
		"inputs": [][]map[string]any{items},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

type benchModule struct {
	name string
	wasm func(tb testing.TB) []byte
}

func benchModules() []benchModule {
	read := func(path func(testing.TB) string) func(testing.TB) []byte {
		return func(tb testing.TB) []byte {
			b, err := os.ReadFile(path(tb))
			if err != nil {
				tb.Fatal(err)
			}
			return b
		}
	}
	return []benchModule{
		{"wat", func(tb testing.TB) []byte { return fixture(tb, "wrap") }},
		{"c", read(testmodules.CPassthrough)},
		{"go", read(testmodules.GoUppercase)},
	}
}

// BenchmarkTask measures the per-task overhead on a warm runner: module
// compiled and cached, instances warm, a 1 KiB task in and out. The metered
// and unmetered variants of the same module give the cost of fuel metering.
func BenchmarkTask(b *testing.B) {
	task := benchTask(b)
	ctx := context.Background()
	for _, bm := range benchModules() {
		for _, metered := range []bool{true, false} {
			name := bm.name
			if !metered {
				name += "/unmetered"
			} else {
				name += "/metered"
			}
			b.Run(name, func(b *testing.B) {
				eng := newEngine(b, NewConfig().WithMetering(metered))
				m, err := eng.Load(ctx, bm.wasm(b))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := m.Run(ctx, task, Limits{}); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(task)))
				b.ResetTimer()
				start := time.Now()
				for i := 0; i < b.N; i++ {
					if _, err := m.Run(ctx, task, Limits{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N), "µs/task")
			})
		}
	}
}

// BenchmarkCompile measures a cold compile of the Go example (instrumenting
// included) and a load of the same module from the on-disk cache by a fresh
// engine, as a restarted process would.
func BenchmarkCompile(b *testing.B) {
	wasm := benchModules()[2].wasm(b)
	ctx := context.Background()
	mib := float64(len(wasm)) / (1 << 20)
	b.Run("cold", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			eng := newEngine(b, NewConfig())
			if _, err := eng.Load(ctx, wasm); err != nil {
				b.Fatal(err)
			}
			_ = eng.Close(ctx)
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/mib, "ms/MiB")
	})
	b.Run("disk-cache", func(b *testing.B) {
		dir := b.TempDir()
		warm := newEngine(b, NewConfig().WithCacheDir(dir))
		if _, err := warm.Load(ctx, wasm); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			eng := newEngine(b, NewConfig().WithCacheDir(dir))
			if _, err := eng.Load(ctx, wasm); err != nil {
				b.Fatal(err)
			}
			_ = eng.Close(ctx)
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/mib, "ms/MiB")
	})
	b.Logf("module size %.2f MiB", mib)
}

// BenchmarkInstance compares the two ways to give a task clean guest state:
// a fresh instance, or a reset of a warm one from its snapshot.
func BenchmarkInstance(b *testing.B) {
	ctx := context.Background()
	for _, bm := range benchModules() {
		if bm.name == "c" {
			continue // the C example is a command: always a fresh instance
		}
		eng := newEngine(b, NewConfig())
		m, err := eng.Load(ctx, bm.wasm(b))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%s/fresh", bm.name), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				inst, err := m.newInstance(ctx)
				if err != nil {
					b.Fatal(err)
				}
				inst.close(ctx)
			}
		})
		b.Run(fmt.Sprintf("%s/reset", bm.name), func(b *testing.B) {
			inst, err := m.acquire(ctx)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(m.snap.mem)))
			for i := 0; i < b.N; i++ {
				if !inst.reset(m.snap) {
					b.Fatal("reset failed")
				}
			}
			m.release(ctx, inst)
		})
	}
}

// BenchmarkLoop runs a tight integer loop of 5,000,000 iterations three ways:
// metered (the default), unmetered, and unmetered with wazero closing modules
// on context cancellation, the alternative way to stop a spinning guest.
func BenchmarkLoop(b *testing.B) {
	ctx := context.Background()
	variants := []struct {
		name string
		cfg  Config
	}{
		{"metered", NewConfig()},
		{"unmetered", NewConfig().WithMetering(false)},
		{"close-on-context-done", func() Config { c := NewConfig().WithMetering(false); c.closeOnDone = true; return c }()},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			eng := newEngine(b, v.cfg)
			m := load(b, eng, "count")
			runCtx, cancel := context.WithTimeout(ctx, time.Hour)
			defer cancel()
			for i := 0; i < b.N; i++ {
				if _, err := m.Run(runCtx, []byte(testTask), Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
