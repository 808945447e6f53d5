package runtime

import (
	"errors"
	"fmt"
	"time"
)

// LimitKind names the limit that stopped a task.
type LimitKind string

// The limits a task can hit.
const (
	LimitFuel      LimitKind = "fuel"
	LimitMemory    LimitKind = "memory"
	LimitDeadline  LimitKind = "deadline"
	LimitOutput    LimitKind = "output"
	LimitHostCalls LimitKind = "host-calls"
	LimitStack     LimitKind = "stack"
)

// LimitError reports that a task was stopped by one of its limits. Its
// message names the limit and its value.
type LimitError struct {
	Kind LimitKind
	// Limit is the configured value: fuel units, bytes, nanoseconds or calls.
	Limit uint64
	// Got is what the task asked for, where known: output bytes, or the
	// initial memory a module declares.
	Got uint64
}

func (e *LimitError) Error() string {
	switch e.Kind {
	case LimitFuel:
		return fmt.Sprintf("fuel exhausted (budget %d units)", e.Limit)
	case LimitMemory:
		if e.Got > 0 {
			return fmt.Sprintf("memory limit exceeded (%s): module declares %s of initial memory",
				FormatBytes(e.Limit), FormatBytes(e.Got))
		}
		return fmt.Sprintf("memory limit exceeded (%s)", FormatBytes(e.Limit))
	case LimitDeadline:
		return fmt.Sprintf("deadline exceeded (%s)", time.Duration(e.Limit))
	case LimitOutput:
		return fmt.Sprintf("output too large (%d bytes > %d)", e.Got, e.Limit)
	case LimitHostCalls:
		return fmt.Sprintf("host-call budget exceeded (%d calls)", e.Limit)
	case LimitStack:
		return "stack overflow"
	}
	return fmt.Sprintf("limit %s exceeded", e.Kind)
}

// TrapError reports that the guest failed on its own: an unreachable
// instruction, an out-of-bounds access, a non-zero exit, a broken result.
type TrapError struct {
	Message string
	// ExitCode is set when a command-profile guest exited non-zero.
	ExitCode uint32
	// Stderr holds the tail of what the guest wrote to standard error.
	Stderr string
	err    error
}

func (e *TrapError) Error() string { return "node trapped: " + e.Message }

// Unwrap returns the underlying wazero error, if any.
func (e *TrapError) Unwrap() error { return e.err }

// ModuleError reports a module that cannot run at all: not WebAssembly,
// too large, an import Weft does not provide, no entry point.
type ModuleError struct {
	Message string
	err     error
}

func (e *ModuleError) Error() string { return e.Message }

// Unwrap returns the underlying error, if any.
func (e *ModuleError) Unwrap() error { return e.err }

func invalidModule(format string, args ...any) *ModuleError {
	return &ModuleError{Message: "invalid module: " + fmt.Sprintf(format, args...)}
}

// ErrClosed is returned by an Engine or Module used after Close.
var ErrClosed = errors.New("runtime: engine closed")

// FormatBytes prints n in the largest binary unit that divides it evenly:
// "16 MiB", "512 KiB", "1000 bytes". ParseBytes reads all of these back.
func FormatBytes(n uint64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
