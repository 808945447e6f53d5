package runtime

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/weftrun/weft/hostfuncs"
	"github.com/weftrun/weft/runtime/internal/instrument"
)

const pageSize = 64 << 10

// Engine compiles and runs node modules. It is safe for concurrent use; one
// Engine per process is the intended shape, since compiled code and warm
// instances are cached in it.
type Engine struct {
	cfg   Config
	rt    wazero.Runtime
	cache wazero.CompilationCache
	wasi  map[string]bool

	mu      sync.Mutex
	modules map[moduleKey]*loading
	closed  bool
}

type moduleKey struct {
	digest    [32]byte
	memPages  uint32
	initFuel  uint64
	fuelSlice int64
}

type loading struct {
	done chan struct{}
	mod  *Module
	err  error
}

// NewEngine starts a wazero runtime in compiler mode with the weft_v1 and
// WASI host modules defined.
func NewEngine(ctx context.Context, cfg Config) (*Engine, error) {
	// Guests never block the Go scheduler for long: metered code calls refill
	// every fuel slice, and refill checks the deadline. Closing modules on
	// context cancellation would make every guest poll a flag instead, at a
	// measured cost of 4 to 53 times the run time (RATIONALE.md).
	rc := wazero.NewRuntimeConfigCompiler().
		WithCloseOnContextDone(cfg.closeOnDone).
		WithMemoryLimitPages(65536)
	var cache wazero.CompilationCache
	if cfg.cacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(cfg.cacheDir)
		if err != nil {
			return nil, fmt.Errorf("runtime: compilation cache %s: %w", cfg.cacheDir, err)
		}
		cache = c
		rc = rc.WithCompilationCache(c)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		_ = rt.Close(ctx)
		return nil, fmt.Errorf("runtime: instantiate WASI: %w", err)
	}
	if err := hostfuncs.Instantiate(ctx, rt); err != nil {
		_ = rt.Close(ctx)
		return nil, err
	}
	e := &Engine{
		cfg:     cfg,
		rt:      rt,
		cache:   cache,
		wasi:    map[string]bool{},
		modules: map[moduleKey]*loading{},
	}
	if wasi := rt.Module(wasiModule); wasi != nil {
		for name := range wasi.ExportedFunctionDefinitions() {
			e.wasi[name] = true
		}
	}
	return e, nil
}

// Close releases every module, instance and compiled artefact of the Engine.
// Tasks still running fail.
func (e *Engine) Close(ctx context.Context) error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	mods := e.modules
	e.modules = nil
	e.mu.Unlock()
	for _, l := range mods {
		<-l.done
		if l.mod != nil {
			l.mod.closeIdle(ctx)
		}
	}
	err := e.rt.Close(ctx)
	if e.cache != nil {
		err = errors.Join(err, e.cache.Close(ctx))
	}
	return err
}

// LoadOption adjusts how one module is loaded.
type LoadOption func(*loadOptions)

type loadOptions struct {
	memoryBytes uint64
	initFuel    uint64
	fuelSlice   int64
}

// WithInitFuel sets the fuel budget of this module's initialisation and
// warm-up task instead of the Engine's default task budget: for modules
// whose start-up runs far more code than any task (an interpreter loading
// its scripts).
func WithInitFuel(units uint64) LoadOption {
	return func(o *loadOptions) { o.initFuel = units }
}

// WithModuleFuelSlice sets how much fuel this module's tasks get between
// two refill calls instead of the Engine's slice (Config.WithFuelSlice).
// The refill is where the host checks the deadline, so the slice should
// be about what the guest burns in a millisecond: for an interpreter, whose
// dispatch loop charges its whole body on every operation, far more units
// than for compiled code. Values below 1 keep the Engine's slice.
func WithModuleFuelSlice(units int64) LoadOption {
	return func(o *loadOptions) { o.fuelSlice = units }
}

// WithModuleMemoryLimit caps this module's linear memory at bytes (rounded
// down to whole 64 KiB pages) instead of the Engine's default.
func WithModuleMemoryLimit(bytes uint64) LoadOption {
	return func(o *loadOptions) { o.memoryBytes = bytes }
}

// Load validates, instruments and compiles a module, or returns the cached
// Module for the same bytes and memory limit. Errors are *ModuleError, or a
// *LimitError when the module's initial memory exceeds the limit.
func (e *Engine) Load(ctx context.Context, wasm []byte, opts ...LoadOption) (*Module, error) {
	o := loadOptions{memoryBytes: e.cfg.memoryBytes}
	for _, opt := range opts {
		opt(&o)
	}
	if e.cfg.maxModuleBytes > 0 && len(wasm) > e.cfg.maxModuleBytes {
		return nil, &ModuleError{Message: fmt.Sprintf("invalid module: %d bytes exceeds the module size limit of %s",
			len(wasm), FormatBytes(uint64(e.cfg.maxModuleBytes)))}
	}
	pages := uint32(min(o.memoryBytes/pageSize, 65536))
	if pages == 0 {
		return nil, fmt.Errorf("runtime: memory limit %d bytes is less than one 64 KiB page", o.memoryBytes)
	}
	if o.fuelSlice < 1 {
		o.fuelSlice = e.cfg.fuelSlice
	}
	key := moduleKey{digest: sha256.Sum256(wasm), memPages: pages, initFuel: o.initFuel, fuelSlice: o.fuelSlice}

	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil, ErrClosed
	}
	if l, ok := e.modules[key]; ok {
		e.mu.Unlock()
		select {
		case <-l.done:
			return l.mod, l.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	l := &loading{done: make(chan struct{})}
	e.modules[key] = l
	e.mu.Unlock()

	l.mod, l.err = e.compile(ctx, wasm, key)
	if l.err != nil {
		// Failures are not cached: a cancelled compile must not poison
		// the module, and invalid bytes are cheap to refuse again.
		e.mu.Lock()
		if e.modules != nil {
			delete(e.modules, key)
		}
		e.mu.Unlock()
	}
	close(l.done)
	return l.mod, l.err
}

func (e *Engine) compile(ctx context.Context, wasm []byte, key moduleKey) (*Module, error) {
	out, err := instrument.Instrument(wasm, instrument.Config{Fuel: e.cfg.metering, MaxMemoryPages: key.memPages})
	if err != nil {
		var big *instrument.MemoryTooLargeError
		if errors.As(err, &big) {
			return nil, &LimitError{Kind: LimitMemory, Limit: uint64(big.CapPages) * pageSize, Got: uint64(big.DeclaredPages) * pageSize}
		}
		return nil, &ModuleError{Message: "invalid module: " + err.Error(), err: err}
	}
	compiled, err := e.rt.CompileModule(ctx, out.Wasm)
	if err != nil {
		return nil, &ModuleError{Message: "invalid module: " + err.Error(), err: err}
	}
	m := &Module{
		eng:        e,
		compiled:   compiled,
		memPages:   key.memPages,
		initFuel:   key.initFuel,
		fuelSlice:  key.fuelSlice,
		resettable: out.Resettable,
		globals:    out.GlobalExports,
	}
	m.info, err = e.describe(wasm, key.digest, compiled, out)
	if err != nil {
		_ = compiled.Close(ctx)
		return nil, err
	}
	if err := m.checkImports(); err != nil {
		_ = compiled.Close(ctx)
		return nil, err
	}
	if m.info.Profile == ProfileReactor {
		if err := m.warm(ctx); err != nil {
			_ = compiled.Close(ctx)
			return nil, err
		}
	}
	return m, nil
}

// describe builds the ModuleInfo users see from weft node inspect.
func (e *Engine) describe(wasm []byte, digest [32]byte, c wazero.CompiledModule, out *instrument.Output) (ModuleInfo, error) {
	info := ModuleInfo{
		Digest: "sha256:" + hex.EncodeToString(digest[:]),
		Size:   len(wasm),
	}
	for _, f := range c.ImportedFunctions() {
		mod, name, _ := f.Import()
		if mod == hostfuncs.ModuleName && name == hostfuncs.NameRefill && e.cfg.metering {
			continue // added by the metering rewrite, not by the author
		}
		info.Imports = append(info.Imports, Import{Module: mod, Name: name, Kind: "func"})
	}
	for _, m := range c.ImportedMemories() {
		mod, name, _ := m.Import()
		info.Imports = append(info.Imports, Import{Module: mod, Name: name, Kind: "memory"})
	}
	for name := range c.ExportedFunctions() {
		info.Exports = append(info.Exports, name)
	}
	for name := range c.ExportedMemories() {
		info.Exports = append(info.Exports, name)
	}
	info.Exports = removeInjected(info.Exports)
	sort.Strings(info.Exports)
	if out.HasMemory {
		info.Memory = &MemoryInfo{MinBytes: uint64(out.MemoryMinPages) * pageSize, MaxBytes: uint64(out.MemoryMaxPages) * pageSize}
	}
	fns := c.ExportedFunctions()
	switch {
	case fns[exportRun] != nil && fns[exportAlloc] != nil && fns[exportABIVersion] != nil:
		info.Profile = ProfileReactor
	case fns[exportRun] != nil || fns[exportAlloc] != nil || fns[exportABIVersion] != nil:
		return info, invalidModule("a reactor module must export all of %s, %s and %s", exportABIVersion, exportAlloc, exportRun)
	case fns["_start"] != nil:
		info.Profile = ProfileCommand
	default:
		return info, invalidModule("module exports neither %s (reactor profile) nor _start (command profile)", exportRun)
	}
	if info.Profile == ProfileReactor && c.ExportedMemories()["memory"] == nil {
		return info, invalidModule("a reactor module must export its memory as \"memory\"")
	}
	return info, nil
}

func removeInjected(names []string) []string {
	kept := names[:0]
	for _, n := range names {
		if !isInjectedName(n) {
			kept = append(kept, n)
		}
	}
	return kept
}
