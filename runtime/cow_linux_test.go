//go:build linux

package runtime

import (
	"errors"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// TestWrittenPagesAgree writes some pages of a private mapping of a
// snapshot and checks that PAGEMAP_SCAN and the pagemap file both report
// exactly those pages as written.
func TestWrittenPagesAgree(t *testing.T) {
	const pages = 64
	snap, err := newCOWSnapshot(make([]byte, pages*pageSizeOS))
	if err != nil {
		t.Fatal(err)
	}
	defer snap.close()
	a := &cowAllocator{}
	mem := a.Allocate(0, uint64(pages*pageSizeOS)).(*cowMemory)
	defer mem.Free()
	mem.Reallocate(uint64(pages * pageSizeOS))
	if err := mem.mapSnapshot(snap); err != nil {
		t.Fatal(err)
	}
	region := mem.region[:pages*pageSizeOS]
	_ = region[5*pageSizeOS] // read only: stays a file page
	for _, p := range []int{0, 1, 2, 7, 40, 63} {
		region[p*pageSizeOS+17] = 1
	}
	want := []pageRange{{0, 3}, {7, 8}, {40, 41}, {63, 64}}
	read, err := readWritten(region, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(read, want) {
		t.Errorf("pagemap: written pages %v, want %v", read, want)
	}
	scanned, err := scanWritten(region, nil)
	if errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.EINVAL) {
		t.Skipf("this kernel has no PAGEMAP_SCAN (%v): resets read pagemap", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(scanned, want) {
		t.Errorf("PAGEMAP_SCAN: written pages %v, want %v", scanned, want)
	}
}
