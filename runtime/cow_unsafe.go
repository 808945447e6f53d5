package runtime

import (
	"errors"
	"unsafe"
)

var errSizeChanged = errors.New("runtime: memory size differs from the snapshot")

func unsafePointer(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }
