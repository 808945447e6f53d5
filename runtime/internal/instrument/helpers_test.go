package instrument

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// The committed fixtures are rebuilt from their .wat sources with wabt; the
// same command is repeated on the first line of every .wat file.
//go:generate wat2wasm testdata/bigmem.wat -o testdata/bigmem.wasm
//go:generate wat2wasm testdata/bulk.wat -o testdata/bulk.wasm
//go:generate wat2wasm testdata/control.wat -o testdata/control.wasm
//go:generate wat2wasm testdata/cpu.wat -o testdata/cpu.wasm
//go:generate wat2wasm testdata/elem.wat -o testdata/elem.wasm
//go:generate wat2wasm testdata/globals.wat -o testdata/globals.wasm
//go:generate wat2wasm testdata/importglobal.wat -o testdata/importglobal.wasm
//go:generate wat2wasm testdata/importmem.wat -o testdata/importmem.wasm
//go:generate wat2wasm testdata/memory.wat -o testdata/memory.wasm
//go:generate wat2wasm --debug-names testdata/names.wat -o testdata/names.wasm
//go:generate wat2wasm testdata/nomax.wat -o testdata/nomax.wasm
//go:generate wat2wasm testdata/simd.wat -o testdata/simd.wasm
//go:generate wat2wasm testdata/spin.wat -o testdata/spin.wasm
//go:generate wat2wasm testdata/start.wat -o testdata/start.wasm
//go:generate wat2wasm testdata/tables.wat -o testdata/tables.wasm
//go:generate wat2wasm --enable-tail-call testdata/tailcall.wat -o testdata/tailcall.wasm

var errOutOfFuel = errors.New("out of fuel")

// fuelHost implements weft_v1.refill for tests: every call grants `grant`
// units, and after maxCalls calls (when non-zero) it stops the guest.
type fuelHost struct {
	grant    int64
	maxCalls int64
	calls    atomic.Int64
}

func (h *fuelHost) refill(_ context.Context, _ int64) int64 {
	n := h.calls.Add(1)
	if h.maxCalls > 0 && n > h.maxCalls {
		panic(errOutOfFuel)
	}
	return h.grant
}

// testRuntimeConfig enables everything the fixtures use, including tail
// calls, and makes context cancellation interrupt running guests.
func testRuntimeConfig() wazero.RuntimeConfig {
	return wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesTailCall).
		WithCloseOnContextDone(true)
}

// newTestRuntime returns a runtime with the refill host module (when h is
// not nil) and an "env" module providing double(i32)i32 and log(i32).
func newTestRuntime(tb testing.TB, ctx context.Context, cfg wazero.RuntimeConfig, h *fuelHost) wazero.Runtime {
	tb.Helper()
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	tb.Cleanup(func() { _ = rt.Close(context.Background()) })
	if h != nil {
		_, err := rt.NewHostModuleBuilder(ImportModule).
			NewFunctionBuilder().WithFunc(h.refill).Export(ImportRefill).
			Instantiate(ctx)
		if err != nil {
			tb.Fatal(err)
		}
	}
	_, err := rt.NewHostModuleBuilder("env").
		NewFunctionBuilder().WithFunc(func(x int32) int32 { return 2 * x }).Export("double").
		NewFunctionBuilder().WithFunc(func(int32) {}).Export("log").
		Instantiate(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return rt
}

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func fixtureNames(tb testing.TB) []string {
	tb.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "*.wasm"))
	if err != nil {
		tb.Fatal(err)
	}
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	sort.Strings(names)
	return names
}

func mustInstrument(tb testing.TB, wasm []byte, cfg Config) *Output {
	tb.Helper()
	out, err := Instrument(wasm, cfg)
	if err != nil {
		tb.Fatalf("Instrument: %v", err)
	}
	return out
}

// instantiate compiles and instantiates wasm under a fresh module name.
func instantiate(tb testing.TB, ctx context.Context, rt wazero.Runtime, wasm []byte) api.Module {
	tb.Helper()
	mod, err := rt.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		tb.Fatalf("instantiate: %v", err)
	}
	return mod
}

// exportsOf decodes the export section of an instrumented module into
// name -> (kind, index).
func exportsOf(tb testing.TB, wasm []byte) map[string][2]uint32 {
	tb.Helper()
	res := map[string][2]uint32{}
	forSections(tb, wasm, func(id byte, r *reader) {
		if id != secExport {
			return
		}
		n := r.count(3)
		for i := 0; i < n; i++ {
			name := string(r.name())
			kind := r.u8()
			res[name] = [2]uint32{uint32(kind), r.u32()}
		}
	})
	return res
}

// forSections calls fn with a reader over the content of every section.
func forSections(tb testing.TB, wasm []byte, fn func(id byte, r *reader)) {
	tb.Helper()
	r := &reader{b: wasm, pos: 8, end: len(wasm)}
	for r.pos < r.end && r.err == nil {
		id := r.u8()
		size := int(r.u32())
		sub := &reader{b: wasm, pos: r.pos, end: r.pos + size}
		r.skip(size)
		fn(id, sub)
		if sub.err != nil {
			tb.Fatalf("section %d: %v", id, sub.err)
		}
	}
	if r.err != nil {
		tb.Fatal(r.err)
	}
}

// debugNames decodes the function names (subsection 1) and local names
// (subsection 2) of a module's name section.
func debugNames(tb testing.TB, wasm []byte) (funcs map[uint32]string, locals map[uint32]map[uint32]string) {
	tb.Helper()
	funcs = map[uint32]string{}
	locals = map[uint32]map[uint32]string{}
	forSections(tb, wasm, func(id byte, r *reader) {
		if id != secCustom || string(r.name()) != "name" {
			return
		}
		for r.pos < r.end && r.err == nil {
			sub := r.u8()
			size := int(r.u32())
			s := &reader{b: wasm, pos: r.pos, end: r.pos + size}
			r.skip(size)
			switch sub {
			case 1:
				for n := s.count(2); n > 0; n-- {
					idx := s.u32()
					funcs[idx] = string(s.name())
				}
			case 2:
				for n := s.count(2); n > 0; n-- {
					f := s.u32()
					locals[f] = map[uint32]string{}
					for k := s.count(2); k > 0; k-- {
						idx := s.u32()
						locals[f][idx] = string(s.name())
					}
				}
			}
			if s.err != nil {
				tb.Fatalf("name subsection %d: %v", sub, s.err)
			}
		}
	})
	return funcs, locals
}

// Real programs compiled once per test binary run.
var (
	buildDir     string
	buildDirOnce sync.Once
	goWasmOnce   sync.Once
	goWasm       []byte
	goWasmErr    error
	cWasmOnce    sync.Once
	cWasm        []byte
	cWasmErr     error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func scratchDir(tb testing.TB) string {
	buildDirOnce.Do(func() {
		d, err := os.MkdirTemp("", "instrument-test-")
		if err != nil {
			tb.Fatal(err)
		}
		buildDir = d
	})
	return buildDir
}

// goProgram builds testdata/goprog for GOOS=wasip1 with the toolchain that
// runs the tests.
func goProgram(tb testing.TB) []byte {
	tb.Helper()
	if testing.Short() {
		tb.Skip("building a Go wasip1 program is slow; skipped with -short")
	}
	goWasmOnce.Do(func() {
		out := filepath.Join(scratchDir(tb), "goprog.wasm")
		gobin := "go" // go test puts its own toolchain first on PATH
		cmd := exec.Command(gobin, "build", "-o", out, ".")
		cmd.Dir = filepath.Join("testdata", "goprog")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			goWasmErr = errors.New(strings.TrimSpace(string(msg)) + ": " + err.Error())
			return
		}
		goWasm, goWasmErr = os.ReadFile(out)
	})
	if goWasmErr != nil {
		tb.Fatalf("building Go wasip1 program: %v", goWasmErr)
	}
	return goWasm
}

// cProgram builds testdata/cprog/main.c with clang for wasm32-wasi, or
// skips when no usable clang is installed.
func cProgram(tb testing.TB) []byte {
	tb.Helper()
	if testing.Short() {
		tb.Skip("building a C program is slow; skipped with -short")
	}
	clang, err := exec.LookPath("clang")
	if err != nil {
		tb.Skip("clang not installed; skipping the C wasm32-wasi program")
	}
	cWasmOnce.Do(func() {
		out := filepath.Join(scratchDir(tb), "cprog.wasm")
		cmd := exec.Command(clang, "--target=wasm32-wasi", "--sysroot=/usr", "-O2",
			"-o", out, filepath.Join("testdata", "cprog", "main.c"))
		if msg, err := cmd.CombinedOutput(); err != nil {
			cWasmErr = errors.New(strings.TrimSpace(string(msg)) + ": " + err.Error())
			return
		}
		cWasm, cWasmErr = os.ReadFile(out)
	})
	if cWasmErr != nil {
		tb.Skipf("clang cannot build for wasm32-wasi here: %v", cWasmErr)
	}
	return cWasm
}
