//go:build !linux

package runtime

import (
	"errors"

	"github.com/tetratelabs/wazero/experimental"
)

// Without Linux's pagemap, instances are reset by copying the whole snapshot
// back (instance.reset).

type cowSnapshot struct{}

func newCOWSnapshot([]byte) (*cowSnapshot, error) { return nil, errors.ErrUnsupported }

func (*cowSnapshot) close() {}

type cowMemory struct{}

func (*cowMemory) mapSnapshot(*cowSnapshot) error          { return errors.ErrUnsupported }
func (*cowMemory) revert(*cowSnapshot, []byte, bool) error { return errors.ErrUnsupported }

func faultCount() (uint64, bool) { return 0, false }

type cowAllocator struct {
	mem *cowMemory
	err error
}

func (*cowAllocator) Allocate(uint64, uint64) experimental.LinearMemory { return nil }

const cowSupported = false
