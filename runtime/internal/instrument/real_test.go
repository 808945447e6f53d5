package instrument

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// wasiRun is the outcome of running a WASI command.
type wasiRun struct {
	stdout, stderr string
	exitCode       uint32
	oom            uint64 // weft_oom after the run, if exported
}

// runWASI instantiates a WASI command and runs its _start. h provides the
// refill import; nil runs a module without fuel.
func runWASI(tb testing.TB, wasm []byte, h *fuelHost, args ...string) wasiRun {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rt := newTestRuntime(tb, ctx, testRuntimeConfig(), h)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	var stdout, stderr bytes.Buffer
	cfg := wazero.NewModuleConfig().
		WithStdout(&stdout).WithStderr(&stderr).
		WithArgs(append([]string{"prog"}, args...)...).
		WithStartFunctions() // run _start explicitly to keep the instance
	mod, err := rt.InstantiateWithConfig(ctx, wasm, cfg)
	if err != nil {
		tb.Fatalf("instantiate: %v", err)
	}
	var res wasiRun
	_, err = mod.ExportedFunction("_start").Call(ctx)
	var exit *sys.ExitError
	switch {
	case errors.As(err, &exit):
		res.exitCode = exit.ExitCode()
	case err != nil:
		tb.Fatalf("_start: %v\nstderr: %s", err, stderr.String())
	}
	if g := mod.ExportedGlobal(OOMExport); g != nil {
		res.oom = g.Get()
	}
	res.stdout, res.stderr = stdout.String(), stderr.String()
	return res
}

func TestInstrument_GoWasip1(t *testing.T) {
	in := goProgram(t)
	want := runWASI(t, in, nil)
	if want.exitCode != 0 || want.stdout == "" {
		t.Fatalf("original run failed: exit %d\n%s%s", want.exitCode, want.stdout, want.stderr)
	}
	for _, cfg := range []Config{{Fuel: true}, {Fuel: true, MaxMemoryPages: 16384}} {
		out := mustInstrument(t, in, cfg)
		h := &fuelHost{grant: 100000}
		got := runWASI(t, out.Wasm, h)
		if got.stdout != want.stdout || got.exitCode != 0 {
			t.Fatalf("%+v: output differs (exit %d):\n got %q\nwant %q\nstderr %s", cfg, got.exitCode, got.stdout, want.stdout, got.stderr)
		}
		if h.calls.Load() < 10 {
			t.Fatalf("%+v: refill called %d times; fuel not consumed", cfg, h.calls.Load())
		}
		if got.oom != 0 {
			t.Fatalf("%+v: weft_oom set although memory sufficed", cfg)
		}
		t.Logf("%+v: %d -> %d bytes, %d refills of 100000", cfg, len(in), len(out.Wasm), h.calls.Load())
	}
}

// TestInstrument_GoWasip1OOM caps memory below what the program allocates:
// the Go runtime fails its memory.grow and weft_oom tells the host why.
func TestInstrument_GoWasip1OOM(t *testing.T) {
	in := goProgram(t)
	probe := mustInstrument(t, in, Config{})
	out := mustInstrument(t, in, Config{Fuel: true, MaxMemoryPages: probe.MemoryMinPages + 320}) // +20 MiB
	got := runWASI(t, out.Wasm, &fuelHost{grant: 100000})
	if got.exitCode == 0 {
		t.Fatalf("program survived a 20 MiB heap cap:\n%s", got.stdout)
	}
	if got.oom != 1 {
		t.Fatalf("weft_oom = %d after out-of-memory exit %d (stderr %.200s)", got.oom, got.exitCode, got.stderr)
	}
}

func TestInstrument_CWasi(t *testing.T) {
	in := cProgram(t)
	for _, args := range [][]string{nil, {"3"}} {
		want := runWASI(t, in, nil, args...)
		if want.exitCode != 0 || want.stdout == "" {
			t.Fatalf("original run failed: exit %d\n%s%s", want.exitCode, want.stdout, want.stderr)
		}
		out := mustInstrument(t, in, Config{Fuel: true, MaxMemoryPages: 1024})
		h := &fuelHost{grant: 100000}
		got := runWASI(t, out.Wasm, h, args...)
		if got.stdout != want.stdout || got.exitCode != 0 {
			t.Fatalf("output differs (exit %d):\n got %q\nwant %q", got.exitCode, got.stdout, want.stdout)
		}
		if h.calls.Load() == 0 {
			t.Fatal("refill never called")
		}
	}
}

// TestInstrument_CWasiOutOfFuel stops a real program by refusing refills.
func TestInstrument_CWasiOutOfFuel(t *testing.T) {
	in := cProgram(t)
	out := mustInstrument(t, in, Config{Fuel: true})
	ctx := context.Background()
	h := &fuelHost{grant: 10000, maxCalls: 3}
	rt := newTestRuntime(t, ctx, testRuntimeConfig(), h)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	_, err := rt.InstantiateWithConfig(ctx, out.Wasm, wazero.NewModuleConfig().WithArgs("prog", "1000"))
	if !errors.Is(err, errOutOfFuel) {
		t.Fatalf("want out-of-fuel error, got %v", err)
	}
}
