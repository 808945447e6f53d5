package runtime

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	goruntime "runtime"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	wapi "github.com/weftrun/weft/api"
)

// instance is one reactor instance. It serves one task at a time and is
// either reset to the module's snapshot afterwards or closed.
type instance struct {
	mod        api.Module
	mem        api.Memory
	alloc, run api.Function
	fuel, oom  api.Global
	globals    []api.MutableGlobal
	stdout     *streamLog
	stderr     *streamLog
	stack      [2]uint64
	// cow is the instance's memory when it is backed by a copy-on-write
	// mapping of the module's snapshot (Linux); nil otherwise.
	cow *cowMemory
	// faults is the page-fault count of the thread using the instance when
	// its task began, if watched (see watch).
	faults  uint64
	watched bool
}

// watch notes the calling thread's page-fault count before a task, so that
// the reset after it can tell whether the task took any. The caller keeps
// the goroutine on its thread (runtime.LockOSThread) until the reset.
func (inst *instance) watch() {
	if inst.cow != nil {
		inst.faults, inst.watched = faultCount()
	}
}

// quiet says whether the thread took no page fault since watch, and ends
// the watch.
func (inst *instance) quiet() bool {
	if !inst.watched {
		return false
	}
	inst.watched = false
	n, ok := faultCount()
	return ok && n == inst.faults
}

// snapshot is the state of a freshly initialised instance: its memory and
// every mutable global. Restoring it into an instance of the same module
// erases whatever a task left behind.
type snapshot struct {
	mem     []byte
	globals []uint64
	cow     *cowSnapshot
	// users counts the resets from this snapshot under way (holdSnapshot);
	// retired is set once the module replaced it (Resnapshot) or closed.
	// Its copy-on-write descriptor is closed when both say that nothing
	// will map it again. Both are guarded by the module's mu.
	users   int
	retired bool
}

// holdSnapshot returns the module's snapshot for a reset, or nil when it
// has none (or is closing); a snapshot returned must be given back with
// dropSnapshot.
func (m *Module) holdSnapshot() *snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.snap
	if s == nil || s.retired {
		return nil
	}
	s.users++
	return s
}

func (m *Module) dropSnapshot(s *snapshot) {
	m.mu.Lock()
	s.users--
	done := s.retired && s.users == 0
	m.mu.Unlock()
	if done && s.cow != nil {
		s.cow.close()
	}
}

// retireSnapshot marks s replaced, with m.mu held; it reports whether its
// descriptor can be closed now (the caller does, after unlocking).
func retireSnapshot(s *snapshot) bool {
	s.retired = true
	return s.users == 0 && s.cow != nil
}

// warm instantiates the first instance, checks the ABI version it reports
// and takes the module's snapshot from it.
func (m *Module) warm(ctx context.Context) error {
	inst, err := m.newInstance(ctx)
	if err != nil {
		return err
	}
	st := m.newTaskState(ctx, m.initLimits())
	res, err := inst.mod.ExportedFunction(exportABIVersion).Call(withTask(ctx, st))
	if err != nil {
		inst.close(ctx)
		return &ModuleError{Message: "invalid module: " + exportABIVersion + " failed: " + m.classify(st, inst.mod, err, "").Error(), err: err}
	}
	if v := api.DecodeI32(res[0]); v != wapi.ABIVersion {
		inst.close(ctx)
		return &ModuleError{Message: fmt.Sprintf("invalid module: unsupported ABI version %d (this runtime speaks version %d)", v, wapi.ABIVersion)}
	}
	if m.resettable {
		// Snapshot after one warm-up task rather than straight after
		// initialisation: a Go guest's first call grows its stacks and heap
		// and fills lazy caches, and every task reset to a cold snapshot
		// would pay for that again. The warm-up task carries no data.
		m.warmUp(ctx, inst)
		m.snap = m.moduleSnapshot(inst)
	}
	m.release(ctx, inst)
	return nil
}

// warmUpTask is what a reactor runs once before its snapshot is taken: a
// task with no items, marked in its context so a node can tell.
var warmUpTask = []byte(`{"abi":1,"node":{"name":"warm-up","type":"weft.warmUp","typeVersion":1,"parameters":{}},"inputs":[[]],"context":{"warmUp":true}}`)

// warmUp runs warmUpTask on inst. Whatever the node answers is dropped; if it
// traps, the instance is left as initialisation made it.
func (m *Module) warmUp(ctx context.Context, inst *instance) {
	st := m.newTaskState(ctx, m.initLimits())
	before := inst.takeSnapshot()
	if _, err := m.callReactor(withTask(ctx, st), st, inst, warmUpTask); err != nil {
		inst.reset(before)
	}
	if oom, ok := inst.oom.(api.MutableGlobal); ok {
		oom.Set(0)
	}
}

func (m *Module) newInstance(ctx context.Context) (*instance, error) {
	inst := &instance{stdout: &streamLog{level: "info"}, stderr: &streamLog{level: "warn"}}
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions("_initialize").
		WithStdout(inst.stdout).
		WithStderr(inst.stderr).
		WithRandSource(rand.Reader).
		WithSysWalltime().
		WithSysNanotime()
	// Initialisation runs under the engine's default limits, not those of
	// the task that happened to need a new instance.
	st := m.newTaskState(ctx, m.initLimits())
	inst.stderr.st = st
	ictx := withTask(ctx, st)
	var alloc *cowAllocator
	if cowSupported && m.resettable && !m.eng.cfg.copyReset {
		alloc = &cowAllocator{}
		ictx = experimental.WithMemoryAllocator(ictx, alloc)
	}
	mod, err := m.eng.rt.InstantiateModule(ictx, m.compiled, cfg)
	inst.stderr.flush()
	if err == nil && alloc != nil && alloc.err != nil {
		_ = mod.Close(ctx)
		err = alloc.err
	}
	if err != nil {
		cause := m.classify(st, nil, err, logTail(st))
		if _, ok := cause.(*LimitError); ok {
			return nil, cause
		}
		return nil, &ModuleError{Message: "instantiate: " + cause.Error(), err: err}
	}
	inst.mod = mod
	inst.mem = mod.Memory()
	if alloc != nil {
		inst.cow = alloc.mem
	}
	inst.alloc = mod.ExportedFunction(exportAlloc)
	inst.run = mod.ExportedFunction(exportRun)
	inst.fuel = mod.ExportedGlobal(globalFuel)
	inst.oom = mod.ExportedGlobal(globalOOM)
	for _, name := range m.globals {
		g, ok := mod.ExportedGlobal(name).(api.MutableGlobal)
		if !ok {
			inst.close(ctx)
			return nil, fmt.Errorf("runtime: instrumented global %s is not exported as mutable", name)
		}
		inst.globals = append(inst.globals, g)
	}
	// Later instances start from the snapshot, as reset instances do,
	// rather than from initialisation: the warm-up's work is not paid again
	// inside some task's limits.
	if s := m.holdSnapshot(); s != nil {
		defer m.dropSnapshot(s)
		if want := uint32(len(s.mem)); inst.mem != nil && inst.mem.Size() < want {
			if _, ok := inst.mem.Grow((want - inst.mem.Size()) / pageSize); !ok {
				inst.close(ctx)
				return nil, &ModuleError{Message: fmt.Sprintf("instantiate: cannot grow memory to the snapshot's %d bytes", want)}
			}
		}
		if !inst.reset(s) {
			inst.close(ctx)
			return nil, &ModuleError{Message: "instantiate: cannot restore the snapshot"}
		}
	}
	return inst, nil
}

// moduleSnapshot takes inst's state as a snapshot every instance of the
// module can be reset to: with a copy-on-write memfd where it can.
func (m *Module) moduleSnapshot(inst *instance) *snapshot {
	s := inst.takeSnapshot()
	if cowSupported && inst.cow != nil && !m.eng.cfg.copyReset {
		if c, err := newCOWSnapshot(s.mem); err == nil {
			s.cow = c
		}
	}
	return s
}

func (inst *instance) takeSnapshot() *snapshot {
	s := &snapshot{globals: make([]uint64, len(inst.globals))}
	if inst.mem != nil {
		b, _ := inst.mem.Read(0, inst.mem.Size())
		s.mem = bytes.Clone(b)
	}
	for i, g := range inst.globals {
		s.globals[i] = g.Get()
	}
	return s
}

// reset restores the snapshot. It fails when the memory grew, since linear
// memory cannot shrink; the instance is then closed instead.
func (inst *instance) reset(s *snapshot) bool {
	if inst.mem != nil {
		if inst.mem.Size() != uint32(len(s.mem)) {
			return false
		}
		quiet := inst.quiet()
		if s.cow == nil || inst.cow == nil || inst.cow.revert(s.cow, s.mem, quiet) != nil {
			b, _ := inst.mem.Read(0, inst.mem.Size())
			copy(b, s.mem)
		}
	}
	for i, g := range inst.globals {
		g.Set(s.globals[i])
	}
	if oom, ok := inst.oom.(api.MutableGlobal); ok {
		oom.Set(0)
	}
	return true
}

func (inst *instance) close(ctx context.Context) {
	_ = inst.mod.Close(ctx)
}

func (m *Module) acquire(ctx context.Context) (*instance, error) {
	m.mu.Lock()
	if n := len(m.idle); n > 0 {
		inst := m.idle[n-1]
		m.idle = m.idle[:n-1]
		m.mu.Unlock()
		return inst, nil
	}
	m.mu.Unlock()
	return m.newInstance(ctx)
}

// release resets inst and keeps it warm, or closes it when it cannot be
// reset or enough instances are idle already.
func (m *Module) release(ctx context.Context, inst *instance) {
	s := m.holdSnapshot()
	if s == nil {
		inst.close(ctx)
		return
	}
	ok := inst.reset(s)
	m.dropSnapshot(s)
	if !ok {
		inst.close(ctx)
		return
	}
	maxIdle := m.eng.cfg.maxIdle
	if maxIdle == 0 {
		maxIdle = 2 * goruntime.GOMAXPROCS(0)
	}
	m.mu.Lock()
	if len(m.idle) < maxIdle {
		m.idle = append(m.idle, inst)
		inst = nil
	}
	m.mu.Unlock()
	if inst != nil {
		inst.close(ctx)
	}
}

func (m *Module) closeIdle(ctx context.Context) {
	m.mu.Lock()
	idle := m.idle
	m.idle = nil
	// Instances still running keep their own mapping of the snapshot, so
	// the descriptor can go once no reset is using it.
	snap := m.snap
	closeSnap := snap != nil && !snap.retired && retireSnapshot(snap)
	m.mu.Unlock()
	for _, inst := range idle {
		inst.close(ctx)
	}
	if closeSnap {
		snap.cow.close()
	}
}

// Resnapshot runs task on an instance started from the module's snapshot,
// under the limits of the module's warm-up, and when the task succeeds
// (its result holds no error) makes the state it leaves the snapshot
// every later task starts from. A host uses it to keep work that every
// task would otherwise repeat, such as compiling code that many tasks run;
// whatever the task leaves behind, every later task sees, so it must carry
// nothing that belongs to one execution. Tasks running meanwhile finish on
// the snapshot they started from. Only for reactor modules whose instances
// are reset between tasks; calls are serialised.
func (m *Module) Resnapshot(ctx context.Context, task []byte) (*Outcome, error) {
	if m.info.Profile != ProfileReactor || !m.resettable {
		return nil, &ModuleError{Message: "resnapshot: the module is not a reactor reset between tasks"}
	}
	m.resnap.Lock()
	defer m.resnap.Unlock()
	inst, err := m.acquire(ctx)
	if err != nil {
		return nil, err
	}
	st := m.newTaskState(ctx, m.initLimits())
	inst.stdout.st, inst.stderr.st = st, st
	out, err := m.callReactor(withTask(ctx, st), st, inst, task)
	inst.stdout.flush()
	inst.stderr.flush()
	if err == nil {
		var res *wapi.Result
		if res, err = out.Decode(); err == nil && res.Error != nil {
			err = &TrapError{Message: "resnapshot task failed: " + res.Error.Message}
		}
	}
	if err != nil {
		inst.close(ctx)
		return out, err
	}
	s := m.moduleSnapshot(inst)
	m.mu.Lock()
	old := m.snap
	if old == nil || old.retired {
		m.mu.Unlock()
		if s.cow != nil {
			s.cow.close()
		}
		inst.close(ctx)
		return out, ErrClosed
	}
	m.snap = s
	closeOld := retireSnapshot(old)
	idle := m.idle
	m.idle = nil
	m.mu.Unlock()
	if closeOld {
		old.cow.close()
	}
	// The idle instances move to the new snapshot now rather than on
	// their next task's reset.
	m.release(ctx, inst)
	for _, i := range idle {
		m.release(ctx, i)
	}
	return out, nil
}

func (m *Module) runReactor(ctx context.Context, st *taskState, task []byte) (*Outcome, error) {
	// One thread from the task's first write to the instance to its reset,
	// so that the thread's page faults are all the task's (instance.watch).
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	inst, err := m.acquire(ctx)
	if err != nil {
		return nil, err
	}
	inst.watch()
	inst.stdout.st, inst.stderr.st = st, st
	out, err := m.callReactor(ctx, st, inst, task)
	inst.stdout.flush()
	inst.stderr.flush()
	if err != nil {
		// Never reuse an instance after a trap or a limit: its state is
		// whatever the guest left when it was stopped.
		inst.close(ctx)
		return out, err
	}
	m.release(ctx, inst)
	return out, nil
}

func (m *Module) callReactor(ctx context.Context, st *taskState, inst *instance, task []byte) (*Outcome, error) {
	fuel, _ := inst.fuel.(api.MutableGlobal)
	if fuel != nil {
		fuel.Set(uint64(st.grant()))
	}
	stack := inst.stack[:]
	stack[0] = api.EncodeU32(uint32(len(task)))
	if err := inst.alloc.CallWithStack(ctx, stack); err != nil {
		return nil, m.classify(st, inst.mod, err, logTail(st))
	}
	ptr := api.DecodeU32(stack[0])
	if !inst.mem.Write(ptr, task) {
		return nil, &TrapError{Message: fmt.Sprintf("%s(%d) returned %d, outside guest memory of %d bytes", exportAlloc, len(task), ptr, inst.mem.Size())}
	}
	stack[0], stack[1] = api.EncodeU32(ptr), api.EncodeU32(uint32(len(task)))
	if err := inst.run.CallWithStack(ctx, stack); err != nil {
		return nil, m.classify(st, inst.mod, err, logTail(st))
	}
	rptr, rlen := uint32(stack[0]>>32), uint32(stack[0])
	out := &Outcome{Refills: st.refills}
	if fuel != nil {
		out.FuelUsed = st.used(int64(fuel.Get()))
	}
	if int64(rlen) > int64(st.lim.MaxOutputBytes) {
		return out, &LimitError{Kind: LimitOutput, Limit: uint64(st.lim.MaxOutputBytes), Got: uint64(rlen)}
	}
	b, ok := inst.mem.Read(rptr, rlen)
	if !ok {
		return out, &TrapError{Message: fmt.Sprintf("%s returned result [%d, %d+%d), outside guest memory of %d bytes", exportRun, rptr, rptr, rlen, inst.mem.Size())}
	}
	out.Result = bytes.Clone(b)
	return out, nil
}

// logTail is the last few warning and error lines a task logged (standard
// error included), for trap messages.
func logTail(st *taskState) string {
	var b []byte
	for i := len(st.logs) - 1; i >= 0 && len(b) < 2048; i-- {
		if l := st.logs[i].Level; l == "warn" || l == "error" {
			b = append([]byte(st.logs[i].Message+"\n"), b...)
		}
	}
	return string(bytes.TrimSpace(b))
}
