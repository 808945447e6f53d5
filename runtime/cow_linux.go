//go:build linux

package runtime

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

// Copy-on-write reset. A reactor instance's linear memory is an mmap region
// whose first part is a private mapping of a memfd holding the module's
// snapshot. A task's writes copy the pages they touch (the kernel does the
// tracking); a reset asks the kernel which pages are no longer file-backed
// (PAGEMAP_SCAN, or /proc/self/pagemap) and copies just those back from the
// snapshot. The cost follows
// the pages tasks write, not the size of the memory: a Go guest of 3 MiB
// writes about 60 pages per task. Asking the kernel costs about as much as
// comparing the pages, so it is skipped after a task that took no page
// fault: only a fault turns a page anonymous, so the set is as last found.

var pageSizeOS = os.Getpagesize()

// cowSnapshot is a module's snapshot memory in a memfd.
type cowSnapshot struct {
	fd   int
	size int
}

func newCOWSnapshot(mem []byte) (*cowSnapshot, error) {
	if len(mem)%pageSizeOS != 0 {
		return nil, fmt.Errorf("runtime: snapshot of %d bytes is not page aligned", len(mem))
	}
	fd, err := unix.MemfdCreate("weft-snapshot", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("runtime: memfd_create: %w", err)
	}
	for off := 0; off < len(mem); {
		n, err := unix.Pwrite(fd, mem[off:], int64(off))
		if err != nil {
			unix.Close(fd)
			return nil, fmt.Errorf("runtime: write snapshot: %w", err)
		}
		off += n
	}
	return &cowSnapshot{fd: fd, size: len(mem)}, nil
}

func (s *cowSnapshot) close() { _ = unix.Close(s.fd) }

// cowMemory is one instance's linear memory: max bytes of address space
// reserved up front, so it never moves as the guest grows it.
type cowMemory struct {
	region []byte
	size   uint64
	// mapped is the snapshot now mapped at the start of region, if any.
	mapped *cowSnapshot
	// reverts counts resets, for the periodic fresh mapping.
	reverts int
	// known is what the last look at the page tables found written, while
	// knownOK. Only a page fault turns a page of the mapping anonymous, so
	// after a task that took none the set is unchanged and a revert reuses
	// known instead of asking the kernel again (about as costly as
	// comparing the pages).
	known   []pageRange
	knownOK bool
	// scans counts the looks at the page tables, for tests.
	scans int
}

// cowAllocator hands wazero the memory of one instance and remembers it.
type cowAllocator struct {
	mem *cowMemory
	err error
}

// Allocate implements experimental.MemoryAllocator.
func (a *cowAllocator) Allocate(_, max uint64) experimental.LinearMemory {
	reserve := (max + uint64(pageSizeOS) - 1) &^ uint64(pageSizeOS-1)
	if reserve == 0 {
		reserve = uint64(pageSizeOS)
	}
	region := regions.get(int(reserve))
	if region == nil {
		var err error
		region, err = unix.Mmap(-1, 0, int(reserve), unix.PROT_READ|unix.PROT_WRITE,
			unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
		if err != nil {
			a.err = fmt.Errorf("runtime: reserve %d bytes of linear memory: %w", reserve, err)
			return failedMemory{}
		}
	}
	a.mem = &cowMemory{region: region}
	return a.mem
}

// regionPool keeps freed regions for reuse, so a command instance per task
// does not cost an mmap and a munmap each time. A region is handed out again
// only after MADV_DONTNEED has dropped every page the last user touched, so
// it reads as zeroes, exactly like a fresh mapping.
type regionPool struct {
	mu   sync.Mutex
	free map[int][][]byte
	n    int
}

const maxPooledRegions = 16

var regions = regionPool{free: map[int][][]byte{}}

func (p *regionPool) get(size int) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	list := p.free[size]
	if len(list) == 0 {
		return nil
	}
	r := list[len(list)-1]
	p.free[size] = list[:len(list)-1]
	p.n--
	return r
}

// put returns a region whose first used bytes may hold data. The region is
// unmapped instead when the pool is full or the pages cannot be dropped.
func (p *regionPool) put(r []byte, used int) {
	if used > 0 && unix.Madvise(r[:used], unix.MADV_DONTNEED) != nil {
		_ = unix.Munmap(r)
		return
	}
	p.mu.Lock()
	if p.n < maxPooledRegions {
		p.free[len(r)] = append(p.free[len(r)], r)
		p.n++
		r = nil
	}
	p.mu.Unlock()
	if r != nil {
		_ = unix.Munmap(r)
	}
}

// Reallocate implements experimental.LinearMemory. The address never changes.
func (m *cowMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.region)) {
		return nil
	}
	m.size = size
	return m.region[:size:size]
}

// Free implements experimental.LinearMemory.
func (m *cowMemory) Free() {
	if m.region == nil {
		return
	}
	if m.mapped != nil {
		// A region with a file mapping in it is not plain anonymous
		// memory any more; it is not reused.
		_ = unix.Munmap(m.region)
	} else {
		used := (int(m.size) + pageSizeOS - 1) &^ (pageSizeOS - 1)
		regions.put(m.region, used)
	}
	m.region = nil
}

// mapSnapshot replaces the first s.size bytes of the memory with a private
// mapping of the snapshot: whatever was there reads as the snapshot now.
func (m *cowMemory) mapSnapshot(s *cowSnapshot) error {
	if m.size != uint64(s.size) {
		return errSizeChanged
	}
	m.knownOK = false
	if s.size == 0 {
		m.mapped = s
		return nil
	}
	_, err := unix.MmapPtr(s.fd, 0, unsafePointer(m.region), uintptr(s.size),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_FIXED)
	if err != nil {
		return fmt.Errorf("runtime: map snapshot: %w", err)
	}
	m.mapped = s
	return nil
}

// revert restores every page written since the snapshot was mapped. A
// written page of a private file mapping becomes anonymous, and the kernel
// says so (PAGEMAP_SCAN, or /proc/self/pagemap on kernels without it);
// revert copies those pages back from snap (the same bytes as the memfd)
// and leaves them mapped, so the next task takes no page faults on them.
// The set of written pages only grows, so once it covers more than half the
// memory, and every remapEvery resets, the snapshot is mapped afresh and the
// kernel starts tracking anew. quiet says that since the last revert only a
// thread that took no page fault meanwhile touched the memory (faultCount):
// the written pages are then those found last time.
func (m *cowMemory) revert(s *cowSnapshot, snap []byte, quiet bool) error {
	if m.mapped != s {
		return m.mapSnapshot(s)
	}
	if m.size != uint64(s.size) || len(snap) != s.size {
		return errSizeChanged
	}
	pages := s.size / pageSizeOS
	if pages == 0 {
		return nil
	}
	written := m.known
	if !quiet || !m.knownOK {
		var err error
		m.scans++
		written, err = writtenPages(m.region[:s.size], m.known[:0])
		if err != nil {
			// Mapping the snapshot again is still correct; it only costs
			// a fault on every page the next task touches.
			return m.mapSnapshot(s)
		}
		m.known, m.knownOK = written, true
	}
	n := 0
	for _, r := range written {
		n += r.end - r.start
	}
	// The set of written pages only grows: pages one large task wrote are
	// compared after every later task. Mapping the snapshot afresh now and
	// then bounds it by what recent tasks wrote, for a round of page faults.
	m.reverts++
	if n > pages/2 || m.reverts%remapEvery == 0 {
		return m.mapSnapshot(s)
	}
	for _, r := range written {
		for i := r.start; i < r.end; i++ {
			off := i * pageSizeOS
			dst, src := m.region[off:off+pageSizeOS], snap[off:off+pageSizeOS]
			// Comparing reads a page; copying would also write it, and
			// most pages some earlier task wrote are unchanged.
			if !bytes.Equal(dst, src) {
				copy(dst, src)
			}
		}
	}
	return nil
}

// faultCount is how many page faults the calling thread has taken, or
// false when the kernel does not say.
func faultCount() (uint64, bool) {
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_THREAD, &ru) != nil {
		return 0, false
	}
	return uint64(ru.Minflt) + uint64(ru.Majflt), true
}

// remapEvery is how many resets an instance makes between fresh mappings of
// its snapshot.
const remapEvery = 256

// pageRange is the pages [start, end) of a memory, by index.
type pageRange struct{ start, end int }

// writtenPages appends to out the pages of mem (a private file mapping)
// that are anonymous now: written since they were mapped.
func writtenPages(mem []byte, out []pageRange) ([]pageRange, error) {
	if !scanMissing.Load() {
		r, err := scanWritten(mem, out)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, unix.ENOTTY) && !errors.Is(err, unix.EINVAL) {
			return nil, err
		}
		// A kernel before 6.7: read pagemap from now on.
		scanMissing.Store(true)
	}
	return readWritten(mem, out)
}

// PAGEMAP_SCAN (Linux 6.7): the kernel reports the pages of a range whose
// categories match, as ranges, without an entry per page.
const (
	pagemapScan   = 0xc0606610 // _IOWR('f', 16, struct pm_scan_arg)
	pageIsFile    = 1 << 2
	pageIsPresent = 1 << 3
	pageIsSwapped = 1 << 4
)

// pmScanArg is the kernel's struct pm_scan_arg.
type pmScanArg struct {
	size, flags, start, end, walkEnd, vec, vecLen, maxPages       uint64
	categoryInverted, categoryMask, categoryAnyofMask, returnMask uint64
}

// pageRegion is the kernel's struct page_region.
type pageRegion struct{ start, end, categories uint64 }

var (
	// scanMissing is set once the kernel refused PAGEMAP_SCAN.
	scanMissing atomic.Bool
	scanBufs    = sync.Pool{New: func() any { b := make([]pageRegion, 256); return &b }}
)

// scanWritten asks PAGEMAP_SCAN for the pages of mem that are not file
// pages and are present or swapped out: the anonymous copies written pages
// became.
func scanWritten(mem []byte, out []pageRange) ([]pageRange, error) {
	pagemapOnce.Do(openPagemap)
	if pagemapErr != nil {
		return nil, pagemapErr
	}
	vp := scanBufs.Get().(*[]pageRegion)
	defer scanBufs.Put(vp)
	vec := *vp
	base := uint64(uintptr(unsafePointer(mem)))
	arg := pmScanArg{
		size:  uint64(unsafe.Sizeof(pmScanArg{})),
		start: base, end: base + uint64(len(mem)),
		vec: uint64(uintptr(unsafe.Pointer(&vec[0]))), vecLen: uint64(len(vec)),
		categoryInverted: pageIsFile, categoryMask: pageIsFile,
		categoryAnyofMask: pageIsPresent | pageIsSwapped, returnMask: pageIsPresent | pageIsSwapped,
	}
	for arg.start < arg.end {
		n, _, errno := unix.Syscall(unix.SYS_IOCTL, pagemapFD, pagemapScan, uintptr(unsafe.Pointer(&arg)))
		if errno != 0 {
			return nil, errno
		}
		for _, r := range vec[:n] {
			out = append(out, pageRange{int((r.start - base) / uint64(pageSizeOS)), int((r.end - base) / uint64(pageSizeOS))})
		}
		if arg.walkEnd <= arg.start {
			break
		}
		arg.start = arg.walkEnd
	}
	goruntime.KeepAlive(vec)
	return out, nil
}

var (
	pagemapOnce sync.Once
	pagemapFile *os.File
	pagemapFD   uintptr
	pagemapErr  error
	pagemapBufs = sync.Pool{New: func() any { b := make([]byte, 0); return &b }}
)

func openPagemap() {
	pagemapFile, pagemapErr = os.Open("/proc/self/pagemap")
	if pagemapErr == nil {
		pagemapFD = pagemapFile.Fd()
	}
}

// readWritten reads an entry per page of mem from /proc/self/pagemap.
func readWritten(mem []byte, out []pageRange) ([]pageRange, error) {
	pagemapOnce.Do(openPagemap)
	if pagemapErr != nil {
		return nil, pagemapErr
	}
	pages := len(mem) / pageSizeOS
	bp := pagemapBufs.Get().(*[]byte)
	defer pagemapBufs.Put(bp)
	if cap(*bp) < pages*8 {
		*bp = make([]byte, pages*8)
	}
	*bp = (*bp)[:pages*8]
	off := int64(uintptr(unsafePointer(mem))/uintptr(pageSizeOS)) * 8
	if _, err := pagemapFile.ReadAt(*bp, off); err != nil {
		return nil, err
	}
	const present, swapped, fileOrShared = 1 << 63, 1 << 62, 1 << 61
	for i := 0; i < pages; i++ {
		e := binary.LittleEndian.Uint64((*bp)[i*8:])
		if (e&present != 0 && e&fileOrShared == 0) || e&swapped != 0 {
			if n := len(out); n > 0 && out[n-1].end == i {
				out[n-1].end++
			} else {
				out = append(out, pageRange{i, i + 1})
			}
		}
	}
	return out, nil
}

// failedMemory is returned when reserving address space failed: every
// allocation fails, and instantiation reports the allocator's error.
type failedMemory struct{}

func (failedMemory) Reallocate(uint64) []byte { return nil }
func (failedMemory) Free()                    {}

const cowSupported = true
