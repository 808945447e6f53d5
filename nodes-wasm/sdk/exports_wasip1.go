//go:build wasip1

package sdk

import "unsafe"

// The weft_v1 reactor ABI. The host writes a task into memory obtained from
// weft_alloc, calls weft_run, and reads the result from the pointer and
// length it returns. Both buffers stay valid until the next weft_run returns.

// inBuf holds the task being written by the host; outBuf the last result.
var inBuf, outBuf []byte

//go:wasmimport weft_v1 log
func hostLog(level int32, ptr unsafe.Pointer, n int32)

func defaultLogOutput(level Level, msg string) {
	hostLog(int32(level), unsafe.Pointer(unsafe.StringData(msg)), int32(len(msg)))
}

//go:wasmexport weft_abi_version
func weftABIVersion() int32 { return ABIVersion }

//go:wasmexport weft_alloc
func weftAlloc(n int32) uint32 {
	if n < 0 {
		return 0
	}
	if cap(inBuf) < int(n) || cap(inBuf) == 0 {
		inBuf = make([]byte, n, max(int(n)+int(n)/4, 4096))
	}
	inBuf = inBuf[:n]
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(inBuf[:cap(inBuf)]))))
}

//go:wasmexport weft_run
func weftRun(ptr uint32, n int32) uint64 {
	base := uint32(uintptr(unsafe.Pointer(unsafe.SliceData(inBuf[:cap(inBuf)]))))
	outBuf = outBuf[:0]
	if cap(inBuf) == 0 || n < 0 || ptr < base || uint64(ptr-base)+uint64(n) > uint64(cap(inBuf)) {
		outBuf = appendResult(outBuf, nil, &Error{Message: "weft_run: the task was not written to memory from weft_alloc"})
	} else {
		off := ptr - base
		outBuf = appendExecute(outBuf, inBuf[off:off+uint32(n)])
	}
	if cap(outBuf) > 1<<20 && len(outBuf) < cap(outBuf)/4 {
		// Let an unusually large buffer go once results are small again.
		outBuf = append([]byte(nil), outBuf...)
	}
	return uint64(uintptr(unsafe.Pointer(unsafe.SliceData(outBuf))))<<32 | uint64(len(outBuf))
}
