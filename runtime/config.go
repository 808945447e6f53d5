// Package runtime runs Weft nodes: WebAssembly modules under wazero, each task
// inside a fuel budget, a memory cap, a deadline, an output cap and a
// host-call budget, with no filesystem, no sockets and no state shared between
// executions.
//
// An Engine compiles modules once (cached in memory by digest and on disk
// across restarts) and runs tasks on them:
//
//	eng, err := runtime.NewEngine(ctx, runtime.NewConfig())
//	mod, err := eng.Load(ctx, wasmBytes)
//	out, err := mod.Run(ctx, taskJSON, runtime.Limits{})
//
// Errors are typed: *LimitError when a limit stopped the task, *TrapError when
// the guest failed, *ModuleError when the module cannot be used at all.
package runtime

import (
	"time"
)

// Defaults applied where a Config or Limits leaves a value at zero.
const (
	DefaultFuel           = 5_000_000_000
	DefaultMemoryBytes    = 256 << 20
	DefaultTimeout        = 30 * time.Second
	DefaultMaxOutputBytes = 16 << 20
	DefaultMaxHostCalls   = 100_000
	DefaultMaxModuleBytes = 64 << 20
	DefaultMaxLogBytes    = 64 << 10
	DefaultFuelSlice      = 1_000_000
)

// Limits bound one task. A zero field takes the Engine's default.
type Limits struct {
	// Fuel is the instruction budget in fuel units (see RATIONALE.md for how
	// units relate to instructions).
	Fuel uint64
	// Timeout is the task's wall-clock budget.
	Timeout time.Duration
	// MaxOutputBytes caps the result document.
	MaxOutputBytes int
	// MaxHostCalls caps calls to weft_v1 functions other than refill.
	MaxHostCalls int
}

func (l Limits) withDefaults(d Limits) Limits {
	if l.Fuel == 0 {
		l.Fuel = d.Fuel
	}
	if l.Timeout == 0 {
		l.Timeout = d.Timeout
	}
	if l.MaxOutputBytes == 0 {
		l.MaxOutputBytes = d.MaxOutputBytes
	}
	if l.MaxHostCalls == 0 {
		l.MaxHostCalls = d.MaxHostCalls
	}
	return l
}

// Config is the Engine's immutable configuration. Each With method returns a
// copy, so a Config can be shared and specialised freely.
type Config struct {
	cacheDir       string
	maxModuleBytes int
	memoryBytes    uint64
	limits         Limits
	maxLogBytes    int
	fuelSlice      int64
	metering       bool
	maxIdle        int
	// closeOnDone exists so benchmarks can measure what wazero's
	// WithCloseOnContextDone would cost; see RATIONALE.md.
	closeOnDone bool
	// copyReset makes instances reset by copying the whole snapshot even
	// where copy-on-write is available, so tests cover both paths.
	copyReset bool
}

// NewConfig returns the default configuration: no disk cache, metering on,
// the Default* limits.
func NewConfig() Config {
	return Config{
		maxModuleBytes: DefaultMaxModuleBytes,
		memoryBytes:    DefaultMemoryBytes,
		limits: Limits{
			Fuel:           DefaultFuel,
			Timeout:        DefaultTimeout,
			MaxOutputBytes: DefaultMaxOutputBytes,
			MaxHostCalls:   DefaultMaxHostCalls,
		},
		maxLogBytes: DefaultMaxLogBytes,
		fuelSlice:   DefaultFuelSlice,
		metering:    true,
	}
}

// WithCacheDir keeps compiled machine code in dir so a restarted process
// loads modules without compiling them again. Empty disables the disk cache.
func (c Config) WithCacheDir(dir string) Config { c.cacheDir = dir; return c }

// WithMaxModuleBytes refuses modules larger than n bytes before compiling them.
func (c Config) WithMaxModuleBytes(n int) Config { c.maxModuleBytes = n; return c }

// WithMemoryLimit sets the default cap on a module's linear memory, rounded
// down to whole 64 KiB pages. Load can override it per module.
func (c Config) WithMemoryLimit(bytes uint64) Config { c.memoryBytes = bytes; return c }

// WithDefaultLimits sets the limits applied where a task's Limits are zero.
// Zero fields here keep the built-in defaults.
func (c Config) WithDefaultLimits(l Limits) Config { c.limits = l.withDefaults(c.limits); return c }

// WithMaxLogBytes caps the bytes of logs and standard streams kept per task.
func (c Config) WithMaxLogBytes(n int) Config { c.maxLogBytes = n; return c }

// WithFuelSlice sets how much fuel a guest gets between two refill calls.
// Smaller slices bound the time between deadline checks more tightly and cost
// more host calls.
func (c Config) WithFuelSlice(n int64) Config { c.fuelSlice = n; return c }

// WithMetering turns fuel metering off (false) or on. Without it only the
// deadline's refill checks are lost too, so a spinning guest cannot be
// stopped: it exists to measure metering's cost, never for production.
func (c Config) WithMetering(on bool) Config { c.metering = on; return c }

// WithMaxIdleInstances bounds the warm instances kept per module. Zero means
// twice GOMAXPROCS.
func (c Config) WithMaxIdleInstances(n int) Config { c.maxIdle = n; return c }
