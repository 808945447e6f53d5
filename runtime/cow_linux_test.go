//go:build linux

package runtime

import (
	"errors"
	"slices"
	"strings"
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

// TestResetAfterQuietTasks checks the shortcut of instance.reset: after
// tasks that took no page fault, a reset reuses the written pages found
// before instead of asking the kernel, and a task that writes a page no
// earlier task wrote is still undone.
func TestResetAfterQuietTasks(t *testing.T) {
	m := load(t, newEngine(t, NewConfig().WithMaxIdleInstances(1)), "stash")
	if m.snap.cow == nil {
		t.Fatal("no copy-on-write snapshot")
	}
	run := func(task string) string { return runLogs(t, m, task) }
	warm := func() *instance {
		t.Helper()
		m.mu.Lock()
		defer m.mu.Unlock()
		if len(m.idle) != 1 {
			t.Fatalf("%d idle instances, want the one kept warm", len(m.idle))
		}
		return m.idle[0]
	}
	run(`{"abi":1,"inputs":[],"context":{"mode":"!G"}}`)
	inst := warm()
	before := inst.cow.scans
	const quietTasks = 50
	for range quietTasks {
		if got := run(`{"abi":1,"inputs":[],"context":{"mode":"!G"}}`); got != "" {
			t.Fatalf("nothing was kept, but the task logged %q", got)
		}
	}
	if warm() != inst {
		t.Fatal("the tasks did not run on the same warm instance")
	}
	if scans := inst.cow.scans - before; scans >= quietTasks {
		t.Fatalf("%d resets after %d tasks that wrote no new page all asked the kernel", scans, quietTasks)
	}
	// The stash at 0x8000 is a page no task wrote yet.
	run(`{"abi":1,"inputs":[],"context":{"execution":"e1","secret":"!P SECRET-1"}}`)
	if got := run(`{"abi":1,"inputs":[],"context":{"execution":"e2","mode":"!G"}}`); strings.Contains(got, "SECRET") {
		t.Fatalf("a task read what the one before left in a newly written page: %q", got)
	}
	if warm() != inst {
		t.Fatal("the tasks did not run on the same warm instance, so the test proved nothing")
	}
}
