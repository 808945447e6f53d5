package hostfuncs

import (
	"context"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Level is the severity of a logged message.
type Level int32

// Levels a guest passes to log.
const (
	LevelDebug Level = 0
	LevelInfo  Level = 1
	LevelWarn  Level = 2
	LevelError Level = 3
)

// String returns the level's name as it appears in a result's logs.
func (l Level) String() string {
	switch l {
	case LevelDebug:
		return "debug"
	case LevelInfo:
		return "info"
	case LevelWarn:
		return "warn"
	case LevelError:
		return "error"
	}
	return "info"
}

// defineLog defines weft_v1.log.
//
//	log(level i32, ptr i32, len i32)
//
// Parameters:
//   - level: 0 debug, 1 info, 2 warn, 3 error; any other value is logged as info.
//   - ptr, len: the message, UTF-8 bytes at guest memory [ptr, ptr+len).
//
// Results: none.
//
// Traps when [ptr, ptr+len) is outside guest memory, or when the task's
// host-call budget is spent. A message longer than the task's log cap is
// truncated; the host never copies more than that cap, whatever len says.
func defineLog(b wazero.HostModuleBuilder) {
	b.NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(hostLog),
			[]api.ValueType{api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32}, nil).
		WithParameterNames("level", "ptr", "len").
		Export(NameLog)
}

func hostLog(ctx context.Context, mod api.Module, stack []uint64) {
	t := TaskFrom(ctx)
	if t == nil {
		trap(ErrNoTask)
	}
	if err := t.HostCall(); err != nil {
		trap(err)
	}
	level := Level(api.DecodeI32(stack[0]))
	ptr, n := api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	msg, err := read(mod, NameLog, ptr, n)
	if err != nil {
		trap(err)
	}
	if limit := t.MaxLogBytes(); len(msg) > limit {
		msg = msg[:limit]
	}
	t.Log(level, msg)
}
