package runtime

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"

	"github.com/weftrun/weft/hostfuncs"
)

func withTask(ctx context.Context, st *taskState) context.Context {
	return hostfuncs.WithTask(ctx, st)
}

// runCommand runs a command-profile module: a fresh instance per task, the
// task on standard input, the result from standard output.
func (m *Module) runCommand(ctx context.Context, st *taskState, task []byte) (*Outcome, error) {
	stdout := &limitedBuffer{max: st.lim.MaxOutputBytes}
	stderr := &streamLog{st: st, level: "warn"}
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions().
		WithStdin(bytes.NewReader(task)).
		WithStdout(stdout).
		WithStderr(stderr).
		WithRandSource(rand.Reader).
		WithSysWalltime().
		WithSysNanotime()
	ictx := ctx
	var alloc *cowAllocator
	if cowSupported {
		// Address space reserved up front: growing memory costs no copy,
		// and the kernel supplies zeroed pages only as they are touched.
		alloc = &cowAllocator{}
		ictx = experimental.WithMemoryAllocator(ctx, alloc)
	}
	mod, err := m.eng.rt.InstantiateModule(ictx, m.compiled, cfg)
	if err == nil && alloc != nil && alloc.err != nil {
		_ = mod.Close(ctx)
		err = alloc.err
	}
	if err != nil {
		stderr.flush()
		return nil, m.classify(st, nil, err, logTail(st))
	}
	defer mod.Close(ctx)
	_, err = mod.ExportedFunction("_start").Call(ctx)
	stderr.flush()
	out := &Outcome{Refills: st.refills}
	if g := mod.ExportedGlobal(globalFuel); g != nil {
		out.FuelUsed = st.used(int64(g.Get()))
	}
	var exit *sys.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 0) {
		if stdout.written > uint64(stdout.max) {
			return out, &LimitError{Kind: LimitOutput, Limit: uint64(stdout.max), Got: stdout.written}
		}
		return out, m.classify(st, mod, err, logTail(st))
	}
	if stdout.written > uint64(stdout.max) {
		return out, &LimitError{Kind: LimitOutput, Limit: uint64(stdout.max), Got: stdout.written}
	}
	out.Result = stdout.buf
	return out, nil
}
