// Package blobtest is the suite every blob.Store passes: Run it with a
// function that opens an empty store.
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftrun/weft/blob"
)

// Tamper replaces the bytes stored under ref with data behind the store's
// back, as a disk fault or a stray edit would.
type Tamper func(t *testing.T, ref blob.Ref, data []byte)

// Run runs the suite. open returns an empty store and a way to tamper with
// its objects; each subtest opens its own. A store that refreshes the
// modification time of existing content only past some age (S3, see
// blob.RefreshAge) must be opened with that age under a second.
func Run(t *testing.T, open func(t *testing.T) (blob.Store, Tamper)) {
	tests := []struct {
		name string
		f    func(*testing.T, blob.Store, Tamper)
	}{
		{"RoundTrip", testRoundTrip},
		{"SameContentSameRef", testSameContentSameRef},
		{"IdempotentPut", testIdempotentPut},
		{"NotFound", testNotFound},
		{"Delete", testDelete},
		{"Exists", testExists},
		{"BadRefs", testBadRefs},
		{"Large", testLarge},
		{"ConcurrentPuts", testConcurrentPuts},
		{"Corruption", testCorruption},
		{"CanceledContext", testCanceledContext},
		{"List", testList},
		{"DeleteIfOlder", testDeleteIfOlder},
		{"PutRefreshesModTime", testPutRefreshes},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, tamper := open(t)
			tc.f(t, s, tamper)
		})
	}
}

var ctx = context.Background()

// Payload returns n pseudo-random bytes determined by seed.
func Payload(seed uint64, n int) []byte {
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), byte(seed >> 24), byte(seed >> 32)})
	b := make([]byte, n)
	r.Read(b)
	return b
}

func mustPut(t *testing.T, s blob.Store, data []byte) blob.Ref {
	t.Helper()
	ref, err := s.Put(ctx, data)
	if err != nil {
		t.Fatalf("Put(%d bytes): %v", len(data), err)
	}
	if want := blob.RefOf(data); ref != want {
		t.Fatalf("Put returned %s, want %s", ref, want)
	}
	return ref
}

func mustGet(t *testing.T, s blob.Store, ref blob.Ref, want []byte) {
	t.Helper()
	got, err := s.Get(ctx, ref)
	if err != nil {
		t.Fatalf("Get(%s): %v", ref, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%s) returned %d bytes that differ from the %d put", ref, len(got), len(want))
	}
}

func mustExist(t *testing.T, s blob.Store, ref blob.Ref, want bool) {
	t.Helper()
	ok, err := s.Exists(ctx, ref)
	if err != nil {
		t.Fatalf("Exists(%s): %v", ref, err)
	}
	if ok != want {
		t.Fatalf("Exists(%s) = %v, want %v", ref, ok, want)
	}
}

func mustBeMissing(t *testing.T, s blob.Store, ref blob.Ref) {
	t.Helper()
	got, err := s.Get(ctx, ref)
	if !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Get(%s) = %d bytes, %v; want ErrNotFound", ref, len(got), err)
	}
	if !strings.Contains(err.Error(), ref.String()) {
		t.Errorf("error %q does not name the ref", err)
	}
}

func testRoundTrip(t *testing.T, s blob.Store, _ Tamper) {
	for _, data := range [][]byte{
		{},
		{0},
		[]byte(`[{"json":{"id":1,"name":"Ada"}},{"json":{"id":2,"name":"Grace"}}]`),
		Payload(1, 4096),
		append(bytes.Repeat([]byte{0}, 100), 0xff),
	} {
		ref := mustPut(t, s, data)
		if _, err := blob.ParseRef(ref.String()); err != nil {
			t.Fatalf("Put returned a ref ParseRef rejects: %v", err)
		}
		mustGet(t, s, ref, data)
	}

	// The store holds its own copy: changing the caller's slice after Put
	// changes nothing stored.
	data := []byte("original content")
	ref := mustPut(t, s, data)
	copy(data, "CHANGED")
	mustGet(t, s, ref, []byte("original content"))
}

func testSameContentSameRef(t *testing.T, s blob.Store, _ Tamper) {
	a := mustPut(t, s, []byte("hello, weft"))
	b := mustPut(t, s, []byte("hello, weft"))
	if a != b {
		t.Fatalf("equal content, different refs: %s and %s", a, b)
	}
	c := mustPut(t, s, []byte("hello, weft!"))
	if c == a {
		t.Fatalf("different content, same ref %s", a)
	}
	mustGet(t, s, a, []byte("hello, weft"))
	mustGet(t, s, c, []byte("hello, weft!"))
}

func testIdempotentPut(t *testing.T, s blob.Store, _ Tamper) {
	data := Payload(2, 10_000)
	ref := mustPut(t, s, data)
	for range 3 {
		if again := mustPut(t, s, data); again != ref {
			t.Fatalf("second Put returned %s, first %s", again, ref)
		}
	}
	mustExist(t, s, ref, true)
	mustGet(t, s, ref, data)
}

func testNotFound(t *testing.T, s blob.Store, _ Tamper) {
	ref := blob.RefOf([]byte("never stored"))
	mustBeMissing(t, s, ref)
	mustExist(t, s, ref, false)
	if err := s.Delete(ctx, ref); err != nil {
		t.Fatalf("Delete of a missing blob: %v", err)
	}
}

func testDelete(t *testing.T, s blob.Store, _ Tamper) {
	keep := mustPut(t, s, []byte("keep me"))
	gone := mustPut(t, s, []byte("delete me"))
	if err := s.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	mustBeMissing(t, s, gone)
	mustExist(t, s, gone, false)
	mustGet(t, s, keep, []byte("keep me"))
	if err := s.Delete(ctx, gone); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	// Deleted content can be stored again.
	mustPut(t, s, []byte("delete me"))
	mustGet(t, s, gone, []byte("delete me"))
}

func testExists(t *testing.T, s blob.Store, _ Tamper) {
	data := []byte("exists?")
	ref := blob.RefOf(data)
	mustExist(t, s, ref, false)
	mustPut(t, s, data)
	mustExist(t, s, ref, true)
	// A neighbour in the same fan-out directory is another blob.
	other := blob.Ref(ref.String()[:len(ref)-1] + flipHex(ref.String()[len(ref)-1]))
	mustExist(t, s, other, false)
}

func flipHex(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

func testBadRefs(t *testing.T, s blob.Store, _ Tamper) {
	hex64 := strings.Repeat("ab", 32)
	tests := []struct {
		ref  string
		want string // in the error message
	}{
		{"", "empty"},
		{hex64, `want "sha256:" followed by 64 hex digits`},
		{"md5:" + hex64[:32], `unsupported hash "md5"`},
		{"SHA256:" + hex64, `unsupported hash "SHA256"`},
		{"sha256:", "digest has 0 characters, want 64"},
		{"sha256:" + hex64[:63], "digest has 63 characters, want 64"},
		{"sha256:" + hex64 + "0", "digest has 65 characters, want 64"},
		{"sha256:" + strings.ToUpper(hex64), "must be lowercase hex"},
		{"sha256:" + hex64[:60] + "xyz0", `non-hex character 'x' at offset 60`},
		{"sha256:../../" + hex64[:58], `non-hex character '.' at offset 0`},
		{"sha256:" + hex64[:63] + "/", `non-hex character '/' at offset 63`},
	}
	for _, tc := range tests {
		ref := blob.Ref(tc.ref)
		_, getErr := s.Get(ctx, ref)
		_, existsErr := s.Exists(ctx, ref)
		deleteErr := s.Delete(ctx, ref)
		_, olderErr := s.DeleteIfOlder(ctx, ref, time.Now())
		for op, err := range map[string]error{"Get": getErr, "Exists": existsErr, "Delete": deleteErr, "DeleteIfOlder": olderErr} {
			if !errors.Is(err, blob.ErrInvalidRef) {
				t.Errorf("%s(%q) = %v, want ErrInvalidRef", op, tc.ref, err)
				continue
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s(%q) error %q does not say %q", op, tc.ref, err, tc.want)
			}
		}
	}
}

func testLarge(t *testing.T, s blob.Store, _ Tamper) {
	data := Payload(3, 5<<20+7)
	ref := mustPut(t, s, data)
	mustGet(t, s, ref, data)
}

func testConcurrentPuts(t *testing.T, s blob.Store, _ Tamper) {
	same := Payload(4, 1<<20)
	const n = 8
	refs := make([]blob.Ref, 2*n)
	errs := make([]error, 2*n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { refs[i], errs[i] = s.Put(ctx, same) })
		wg.Go(func() { refs[n+i], errs[n+i] = s.Put(ctx, Payload(100+uint64(i), 1000)) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Put %d: %v", i, err)
		}
	}
	for i := range n {
		if refs[i] != blob.RefOf(same) {
			t.Fatalf("Put %d of the shared content returned %s, want %s", i, refs[i], blob.RefOf(same))
		}
		mustGet(t, s, refs[n+i], Payload(100+uint64(i), 1000))
	}
	mustGet(t, s, refs[0], same)
}

func testCorruption(t *testing.T, s blob.Store, tamper Tamper) {
	for _, tc := range []struct {
		name string
		edit func([]byte) []byte
	}{
		{"FlippedBit", func(b []byte) []byte { b[len(b)/2] ^= 0x10; return b }},
		{"Truncated", func(b []byte) []byte { return b[:len(b)-1] }},
		{"Replaced", func([]byte) []byte { return []byte("something else entirely") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(fmt.Sprintf("precious data for %s, not to be altered", tc.name))
			ref := mustPut(t, s, data)
			tamper(t, ref, tc.edit(bytes.Clone(data)))
			got, err := s.Get(ctx, ref)
			if !errors.Is(err, blob.ErrCorrupt) {
				t.Fatalf("Get of a tampered blob = %q, %v; want ErrCorrupt", got, err)
			}
			if got != nil {
				t.Errorf("Get returned %d bytes with the error", len(got))
			}
			if !strings.Contains(err.Error(), ref.String()) {
				t.Errorf("error %q does not name the ref", err)
			}
		})
	}
}

func testCanceledContext(t *testing.T, s blob.Store, _ Tamper) {
	c, cancel := context.WithCancel(ctx)
	cancel()
	data := []byte("too late")
	if ref, err := s.Put(c, data); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with a canceled context = %s, %v; want context.Canceled", ref, err)
	}
	mustExist(t, s, blob.RefOf(data), false)
	if _, err := s.Get(c, blob.RefOf(data)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Get with a canceled context: %v; want context.Canceled", err)
	}
}

// list returns what s.List reports, by reference, failing the test on a
// blob reported twice.
func list(t *testing.T, s blob.Store) map[blob.Ref]blob.Info {
	t.Helper()
	got := map[blob.Ref]blob.Info{}
	err := s.List(ctx, func(i blob.Info) error {
		if _, dup := got[i.Ref]; dup {
			t.Errorf("List reported %s twice", i.Ref)
		}
		got[i.Ref] = i
		return nil
	})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	return got
}

func testList(t *testing.T, s blob.Store, _ Tamper) {
	if got := list(t, s); len(got) != 0 {
		t.Fatalf("List of an empty store reported %v", got)
	}
	// A minute either way: S3 keeps times to the second, and an external
	// server has a clock of its own.
	before := time.Now().Add(-time.Minute)
	want := map[blob.Ref]int{}
	for _, data := range [][]byte{{}, []byte("a"), Payload(10, 1000), Payload(11, 70_000), Payload(12, 3)} {
		want[mustPut(t, s, data)] = len(data)
	}
	after := time.Now().Add(time.Minute)
	got := list(t, s)
	if len(got) != len(want) {
		t.Errorf("List reported %d blobs, want %d", len(got), len(want))
	}
	for ref, size := range want {
		i, ok := got[ref]
		switch {
		case !ok:
			t.Errorf("List did not report %s", ref)
		case i.Size != int64(size):
			t.Errorf("List reported %s with size %d, want %d", ref, i.Size, size)
		case i.ModTime.Before(before) || i.ModTime.After(after):
			t.Errorf("List reported %s modified at %v, want between %v and %v", ref, i.ModTime, before, after)
		}
	}

	gone := blob.RefOf(Payload(10, 1000))
	if err := s.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if _, ok := list(t, s)[gone]; ok {
		t.Errorf("List reported %s after Delete", gone)
	}

	// The callback's error stops the listing and comes back as is.
	stop := errors.New("enough")
	calls := 0
	err := s.List(ctx, func(blob.Info) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Fatalf("List with a failing callback = %v after %d calls, want %v after 1", err, calls, stop)
	}
}

func testDeleteIfOlder(t *testing.T, s blob.Store, _ Tamper) {
	keep := mustPut(t, s, []byte("neighbour"))
	ref := mustPut(t, s, []byte("old enough?"))
	// Stored just now: not older than an hour ago.
	deleted, err := s.DeleteIfOlder(ctx, ref, time.Now().Add(-time.Hour))
	if err != nil || deleted {
		t.Fatalf("DeleteIfOlder(an hour ago) of a new blob = %v, %v; want false, nil", deleted, err)
	}
	mustGet(t, s, ref, []byte("old enough?"))

	deleted, err = s.DeleteIfOlder(ctx, ref, time.Now().Add(time.Hour))
	if err != nil || !deleted {
		t.Fatalf("DeleteIfOlder(in an hour) = %v, %v; want true, nil", deleted, err)
	}
	mustBeMissing(t, s, ref)
	mustExist(t, s, ref, false)
	if _, ok := list(t, s)[ref]; ok {
		t.Errorf("List reported %s after DeleteIfOlder", ref)
	}
	mustGet(t, s, keep, []byte("neighbour"))

	deleted, err = s.DeleteIfOlder(ctx, ref, time.Now().Add(time.Hour))
	if err != nil || deleted {
		t.Fatalf("DeleteIfOlder of a missing blob = %v, %v; want false, nil", deleted, err)
	}
	// Only the blob's own entry went: the store takes it again, and its
	// listing shows nothing left over from the deletion.
	mustPut(t, s, []byte("old enough?"))
	mustGet(t, s, ref, []byte("old enough?"))
	if got := list(t, s); len(got) != 2 {
		t.Errorf("after deleting and putting again, List reports %v, want 2 blobs", got)
	}
}

// testPutRefreshes: putting content already stored makes it new again for
// a collector, which spares blobs modified after its cutoff.
func testPutRefreshes(t *testing.T, s blob.Store, _ Tamper) {
	data := []byte("put, then put again")
	ref := mustPut(t, s, data)
	// S3 keeps modification times to the second.
	time.Sleep(1100 * time.Millisecond)
	cutoff := time.Now()
	mustPut(t, s, data)
	if i := list(t, s)[ref]; i.ModTime.Before(cutoff.Truncate(time.Second)) {
		t.Errorf("after a second Put at %v, List reports %s modified at %v", cutoff, ref, i.ModTime)
	}
	deleted, err := s.DeleteIfOlder(ctx, ref, cutoff)
	if err != nil || deleted {
		t.Fatalf("DeleteIfOlder(%v) after a Put at that time = %v, %v; want false, nil", cutoff, deleted, err)
	}
	mustGet(t, s, ref, data)
}

// OpenDir returns a Dir store in a fresh temporary directory.
func OpenDir(t testing.TB) *blob.Dir {
	t.Helper()
	d, err := blob.OpenDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}
