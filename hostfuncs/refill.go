package hostfuncs

import (
	"context"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// defineRefill defines weft_v1.refill, the fuel meter's slow path.
//
//	refill(current i64) -> i64
//
// The runtime rewrites every guest so that each function entry and loop
// header subtracts the cost of the code it covers from a fuel counter (a
// global the rewrite adds) and calls refill once the counter drops below zero.
//
// Parameters:
//   - current: the counter's value, zero or negative: how far the guest has
//     overdrawn the slice it was last given.
//
// Results: the counter's new value, the next slice of fuel.
//
// Traps when the task's fuel budget is spent, its deadline has passed or its
// context is cancelled; the trap's error names the limit. Because every loop
// iteration passes a fuel check, refill is also where a spinning guest returns
// to Go often enough for the scheduler and garbage collector to run.
// Guests never import refill themselves; the runtime refuses those that do.
func defineRefill(b wazero.HostModuleBuilder) {
	b.NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(hostRefill),
			[]api.ValueType{api.ValueTypeI64}, []api.ValueType{api.ValueTypeI64}).
		WithParameterNames("current").
		WithResultNames("next").
		Export(NameRefill)
}

func hostRefill(ctx context.Context, _ api.Module, stack []uint64) {
	t := TaskFrom(ctx)
	if t == nil {
		trap(ErrNoTask)
	}
	next, err := t.Refill(int64(stack[0]))
	if err != nil {
		trap(err)
	}
	stack[0] = api.EncodeI64(next)
}
