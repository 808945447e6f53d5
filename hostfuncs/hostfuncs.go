// Package hostfuncs defines the host module weft_v1: the only door a Weft node
// has to the world outside its sandbox. There is one file per capability; each
// function's doc comment gives its parameters, results and memory layout.
//
// Host functions reach the state of the task that called them through the
// context (see WithTask). Every pointer and length a guest supplies is checked
// against its memory before the host reads it or allocates for it; a bad one
// traps the guest with an error, never a panic that escapes to the host.
package hostfuncs

import (
	"context"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// ModuleName is the import module name guests use for every host function.
const ModuleName = "weft_v1"

// Names of the functions in ModuleName. Refill is reserved for the code the
// runtime injects to meter fuel; a guest that imports it is refused at load.
const (
	NameLog    = "log"
	NameRefill = "refill"
)

// Exported lists every function of the weft_v1 module a guest may import.
var Exported = []string{NameLog}

// Task is the state of the node task on whose behalf a host function runs.
// The runtime implements it; host functions find it with TaskFrom.
type Task interface {
	// Refill is called by metered code when its fuel counter drops below
	// zero. It returns the counter's new value, or an error (a limit) that
	// aborts the task.
	Refill(current int64) (int64, error)
	// HostCall counts one call against the task's host-call budget.
	HostCall() error
	// Log records one message the guest logged.
	Log(level Level, msg []byte)
	// MaxLogBytes is the most bytes of one log message the host copies.
	MaxLogBytes() int
}

type taskKey struct{}

// WithTask returns a context that carries t to the host functions a guest
// calls while running under that context.
func WithTask(ctx context.Context, t Task) context.Context {
	return context.WithValue(ctx, taskKey{}, t)
}

// TaskFrom returns the Task the context carries, or nil.
func TaskFrom(ctx context.Context) Task {
	t, _ := ctx.Value(taskKey{}).(Task)
	return t
}

// ErrNoTask is the trap raised when a host function runs outside a task, for
// example from a start function instantiated without one.
var ErrNoTask = errors.New("hostfuncs: host function called outside a task")

// GuestMemoryError reports a pointer or length from the guest that falls
// outside its linear memory.
type GuestMemoryError struct {
	Func      string
	Ptr, Len  uint32
	MemoryLen uint32
}

func (e *GuestMemoryError) Error() string {
	return fmt.Sprintf("%s.%s: range [%d, %d+%d) is outside guest memory of %d bytes",
		ModuleName, e.Func, e.Ptr, e.Ptr, e.Len, e.MemoryLen)
}

// read returns a view of guest memory [ptr, ptr+n) without copying, or a
// GuestMemoryError. It never allocates on the guest's say-so.
func read(mod api.Module, fn string, ptr, n uint32) ([]byte, error) {
	mem := mod.Memory()
	if mem == nil {
		return nil, &GuestMemoryError{Func: fn, Ptr: ptr, Len: n}
	}
	b, ok := mem.Read(ptr, n)
	if !ok {
		return nil, &GuestMemoryError{Func: fn, Ptr: ptr, Len: n, MemoryLen: mem.Size()}
	}
	return b, nil
}

// Instantiate defines the weft_v1 host module in rt. Call it once per
// runtime, before instantiating guests.
func Instantiate(ctx context.Context, rt wazero.Runtime) error {
	b := rt.NewHostModuleBuilder(ModuleName)
	defineLog(b)
	defineRefill(b)
	if _, err := b.Instantiate(ctx); err != nil {
		return fmt.Errorf("hostfuncs: instantiate %s: %w", ModuleName, err)
	}
	return nil
}

// trap aborts the calling guest with err. wazero recovers the panic and
// returns it from the guest call that is in progress.
func trap(err error) {
	panic(err)
}
