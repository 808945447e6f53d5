package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	wapi "github.com/weftrun/weft/api"
	"github.com/weftrun/weft/hostfuncs"
)

// Profile is how a module receives tasks.
type Profile string

// The two node profiles of the weft_v1 ABI (docs/abi.md).
const (
	// ProfileReactor modules export weft_abi_version, weft_alloc and
	// weft_run; one instance serves many tasks, one at a time.
	ProfileReactor Profile = "reactor"
	// ProfileCommand modules are WASI commands: the task on standard input,
	// the result on standard output, a fresh instance per task.
	ProfileCommand Profile = "command"
)

const (
	exportABIVersion = "weft_abi_version"
	exportAlloc      = "weft_alloc"
	exportRun        = "weft_run"

	globalFuel   = "weft_fuel"
	globalOOM    = "weft_oom"
	globalPrefix = "weft_g"
)

func isInjectedName(n string) bool {
	return n == globalFuel || n == globalOOM || strings.HasPrefix(n, globalPrefix)
}

// ModuleInfo describes a loaded module.
type ModuleInfo struct {
	Digest  string      `json:"digest"`
	Size    int         `json:"size"`
	Profile Profile     `json:"profile"`
	Imports []Import    `json:"imports"`
	Exports []string    `json:"exports"`
	Memory  *MemoryInfo `json:"memory,omitempty"`
}

// Import is one import of a module.
type Import struct {
	Module string `json:"module"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
}

// MemoryInfo is a module's linear memory after the limit was applied.
// MaxBytes is zero when unbounded.
type MemoryInfo struct {
	MinBytes uint64 `json:"minBytes"`
	MaxBytes uint64 `json:"maxBytes"`
}

// Module is a compiled node module, ready to run tasks. It is safe for
// concurrent use: each task gets an instance of its own.
type Module struct {
	eng        *Engine
	compiled   wazero.CompiledModule
	info       ModuleInfo
	memPages   uint32
	initFuel   uint64 // 0: the engine's default task budget
	fuelSlice  int64  // fuel between two refill calls
	resettable bool
	globals    []string

	mu   sync.Mutex
	idle []*instance
	snap *snapshot
	// resnap serialises Resnapshot.
	resnap sync.Mutex
}

// initLimits are the limits of instantiation and the warm-up task.
func (m *Module) initLimits() Limits {
	l := m.eng.cfg.limits
	if m.initFuel > 0 {
		l.Fuel = m.initFuel
	}
	return l
}

// Info describes the module.
func (m *Module) Info() ModuleInfo { return m.info }

// MemoryLimit is the cap on the module's linear memory in bytes.
func (m *Module) MemoryLimit() uint64 { return uint64(m.memPages) * pageSize }

func (m *Module) checkImports() error {
	for _, imp := range m.info.Imports {
		switch {
		case imp.Kind != "func":
			return &ModuleError{Message: fmt.Sprintf("unknown import %s.%s: Weft provides no imported %s", imp.Module, imp.Name, imp.Kind)}
		case imp.Module == hostfuncs.ModuleName:
			known := false
			for _, n := range hostfuncs.Exported {
				known = known || n == imp.Name
			}
			if !known {
				return &ModuleError{Message: fmt.Sprintf("unknown import %s.%s", imp.Module, imp.Name)}
			}
		case imp.Module == wasiModule:
			if !m.eng.wasi[imp.Name] {
				return &ModuleError{Message: fmt.Sprintf("unknown import %s.%s", imp.Module, imp.Name)}
			}
		default:
			return &ModuleError{Message: fmt.Sprintf("unknown import %s.%s", imp.Module, imp.Name)}
		}
	}
	return nil
}

const wasiModule = "wasi_snapshot_preview1"

// Outcome is what one task produced.
type Outcome struct {
	// Result is the result document exactly as the node wrote it.
	Result []byte
	// FuelUsed is the fuel the task consumed, in units.
	FuelUsed uint64
	// Refills counts the times the task ran out of its slice of fuel and
	// called the host for more (WithModuleFuelSlice).
	Refills int
	// Logs holds what the node logged through weft_v1.log and its standard
	// streams, up to the log cap.
	Logs []wapi.LogEntry
	// LogsTruncated reports that the log cap cut logs off.
	LogsTruncated bool
	// Duration is the wall time of the task inside the runtime.
	Duration time.Duration
}

// Decode parses the result document. A result that is not a JSON object with
// an outputs array is a *TrapError: the node broke the ABI.
func (o *Outcome) Decode() (*wapi.Result, error) {
	var r wapi.Result
	if err := json.Unmarshal(o.Result, &r); err != nil {
		return nil, &TrapError{Message: "result is not a valid result document: " + err.Error(), err: err}
	}
	if r.Outputs == nil && r.Error == nil {
		return nil, &TrapError{Message: "result has neither outputs nor error"}
	}
	return &r, nil
}

// Run runs one task. task is the task document (docs/abi.md). The error is a
// *LimitError, *TrapError or *ModuleError; a node that reports an error of its
// own does so inside the result, with a nil error here.
func (m *Module) Run(ctx context.Context, task []byte, lim Limits) (*Outcome, error) {
	lim = lim.withDefaults(m.eng.cfg.limits)
	st := m.newTaskState(ctx, lim)
	ctx = hostfuncs.WithTask(ctx, st)
	start := time.Now()
	var out *Outcome
	var err error
	if m.info.Profile == ProfileReactor {
		out, err = m.runReactor(ctx, st, task)
	} else {
		out, err = m.runCommand(ctx, st, task)
	}
	if out == nil {
		out = &Outcome{}
	}
	out.Duration = time.Since(start)
	out.Logs, out.LogsTruncated = st.logs, st.logsTruncated
	return out, err
}

// classify turns an error from a guest call into the runtime's typed errors.
// The task state is consulted first: a limit that trapped from a host
// function is the real cause, whatever wazero wrapped around it.
func (m *Module) classify(st *taskState, mod api.Module, err error, stderr string) error {
	if st.limit != nil {
		return st.limit
	}
	if mod != nil {
		if g := mod.ExportedGlobal(globalOOM); g != nil && g.Get() != 0 {
			return &LimitError{Kind: LimitMemory, Limit: m.MemoryLimit()}
		}
	}
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		return &TrapError{Message: fmt.Sprintf("exited with code %d", exit.ExitCode()), ExitCode: exit.ExitCode(), Stderr: stderr, err: err}
	}
	var gm *hostfuncs.GuestMemoryError
	if errors.As(err, &gm) {
		return &TrapError{Message: gm.Error(), Stderr: stderr, err: err}
	}
	msg := err.Error()
	if i := strings.Index(msg, "\nwasm stack trace"); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.TrimPrefix(msg, "wasm error: ")
	if strings.Contains(msg, "stack overflow") {
		return &LimitError{Kind: LimitStack}
	}
	return &TrapError{Message: msg, Stderr: stderr, err: err}
}
