package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
)

const testTask = `{"abi":1,"node":{"name":"n","type":"t"},"inputs":[[{"json":{"a":1}}]]}`

func fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".wasm"))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func newEngine(tb testing.TB, cfg Config) *Engine {
	tb.Helper()
	eng, err := NewEngine(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = eng.Close(context.Background()) })
	return eng
}

func load(tb testing.TB, eng *Engine, name string, opts ...LoadOption) *Module {
	tb.Helper()
	m, err := eng.Load(context.Background(), fixture(tb, name), opts...)
	if err != nil {
		tb.Fatalf("Load(%s): %v", name, err)
	}
	return m
}

// runDecoded runs task on m with default limits and decodes the result,
// failing the test on any error.
func runDecoded(tb testing.TB, m *Module, task string) (*Outcome, *api.Result) {
	tb.Helper()
	out, err := m.Run(context.Background(), []byte(task), Limits{})
	if err != nil {
		tb.Fatal(err)
	}
	res, err := out.Decode()
	if err != nil {
		tb.Fatal(err)
	}
	return out, res
}

// assertHealthy runs a well-behaved task, proving the engine still works
// after whatever the test did to it.
func assertHealthy(tb testing.TB, eng *Engine) {
	tb.Helper()
	m := load(tb, eng, "wrap")
	out, err := m.Run(context.Background(), []byte(testTask), Limits{})
	if err != nil {
		tb.Fatalf("engine unhealthy: %v", err)
	}
	if want := `{"outputs":[[{"json":` + testTask + `}]]}`; string(out.Result) != want {
		tb.Fatalf("engine unhealthy: result %s, want %s", out.Result, want)
	}
}

func TestModule_Run_reactor(t *testing.T) {
	eng := newEngine(t, NewConfig())
	m := load(t, eng, "wrap")
	if m.Info().Profile != ProfileReactor {
		t.Fatalf("profile = %s, want reactor", m.Info().Profile)
	}
	for i := 0; i < 3; i++ { // the second and third runs reuse the reset instance
		out, res := runDecoded(t, m, testTask)
		if len(res.Outputs) != 1 || len(res.Outputs[0]) != 1 || !strings.Contains(string(res.Outputs[0][0].JSON), `"abi":1`) {
			t.Fatalf("outputs = %s", out.Result)
		}
		if len(out.Logs) != 1 || out.Logs[0].Message != "wrapped the task" || out.Logs[0].Level != "info" {
			t.Fatalf("logs = %+v", out.Logs)
		}
		if out.FuelUsed == 0 {
			t.Fatal("no fuel reported")
		}
	}
}

func TestModule_Run_limits(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		mem     uint64
		lim     Limits
		kind    LimitKind
		msg     string
	}{
		{"infinite loop stopped by fuel", "spin", 0, Limits{Fuel: 1_000_000}, LimitFuel, "fuel exhausted (budget 1000000 units)"},
		{"infinite loop stopped by deadline", "spin", 0, Limits{Fuel: 1 << 62, Timeout: 300 * time.Millisecond}, LimitDeadline, "deadline exceeded (300ms)"},
		{"memory.grow bomb", "grow", 1 << 20, Limits{}, LimitMemory, "memory limit exceeded (1 MiB)"},
		{"unbounded recursion", "recurse", 0, Limits{}, LimitStack, "stack overflow"},
		{"oversized output refused before copying", "bigout", 0, Limits{}, LimitOutput, "output too large (2147483647 bytes > 16777216)"},
		{"host-call flood", "flood", 0, Limits{MaxHostCalls: 1000}, LimitHostCalls, "host-call budget exceeded (1000 calls)"},
		{"start function loop", "startloop", 0, Limits{Fuel: 1_000_000}, LimitFuel, "fuel exhausted (budget 1000000 units)"},
	}
	eng := newEngine(t, NewConfig())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []LoadOption
			if tt.mem != 0 {
				opts = append(opts, WithModuleMemoryLimit(tt.mem))
			}
			m := load(t, eng, tt.fixture, opts...)
			_, err := m.Run(context.Background(), []byte(testTask), tt.lim)
			var lim *LimitError
			if !errors.As(err, &lim) {
				t.Fatalf("Run = %v (%T), want *LimitError", err, err)
			}
			if lim.Kind != tt.kind || err.Error() != tt.msg {
				t.Fatalf("Run = %q (%s), want %q (%s)", err, lim.Kind, tt.msg, tt.kind)
			}
			assertHealthy(t, eng)
		})
	}
}

func TestEngine_Load_initialMemoryAboveCap(t *testing.T) {
	eng := newEngine(t, NewConfig().WithMemoryLimit(16<<20))
	_, err := eng.Load(context.Background(), fixture(t, "bigmem"))
	var lim *LimitError
	if !errors.As(err, &lim) || lim.Kind != LimitMemory {
		t.Fatalf("Load = %v, want memory *LimitError", err)
	}
	if want := "memory limit exceeded (16 MiB): module declares 32 MiB of initial memory"; err.Error() != want {
		t.Fatalf("Load = %q, want %q", err, want)
	}
	// The same module loads under a cap that fits it.
	if _, err := eng.Load(context.Background(), fixture(t, "bigmem"), WithModuleMemoryLimit(64<<20)); err != nil {
		t.Fatal(err)
	}
}

func TestModule_Run_traps(t *testing.T) {
	tests := []struct {
		fixture string
		want    string
	}{
		{"badalloc", "weft_alloc(70) returned 4294967280, outside guest memory of 65536 bytes"},
		{"badresult", "weft_run returned result [65520, 65520+4096), outside guest memory of 65536 bytes"},
		{"badlog", "weft_v1.log: range [65000, 65000+100000) is outside guest memory of 65536 bytes"},
	}
	eng := newEngine(t, NewConfig())
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			m := load(t, eng, tt.fixture)
			_, err := m.Run(context.Background(), []byte(testTask), Limits{})
			var trap *TrapError
			if !errors.As(err, &trap) {
				t.Fatalf("Run = %v (%T), want *TrapError", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Run = %q, want it to contain %q", err, tt.want)
			}
			assertHealthy(t, eng)
		})
	}
}

func TestEngine_Load_invalid(t *testing.T) {
	tests := []struct {
		name string
		wasm []byte
		cfg  Config
		want string
	}{
		{"unknown import named", fixture(t, "unknownimport"), NewConfig(), "unknown import weft_v1.teleport"},
		{"unsupported ABI version", fixture(t, "abi7"), NewConfig(), "invalid module: unsupported ABI version 7 (this runtime speaks version 1)"},
		{"not wasm", []byte("#!/bin/sh\necho hi\n"), NewConfig(), "invalid module: "},
		{"oversized module refused before compiling", fixture(t, "wrap"), NewConfig().WithMaxModuleBytes(100), "invalid module: 281 bytes exceeds the module size limit of 100 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := newEngine(t, tt.cfg)
			_, err := eng.Load(context.Background(), tt.wasm)
			var me *ModuleError
			if !errors.As(err, &me) {
				t.Fatalf("Load = %v (%T), want *ModuleError", err, err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("Load = %q, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestModule_Run_noFilesystem(t *testing.T) {
	eng := newEngine(t, NewConfig())
	m := load(t, eng, "wasiopen")
	if m.Info().Profile != ProfileCommand {
		t.Fatalf("profile = %s, want command", m.Info().Profile)
	}
	// The fixture traps if either open succeeds, and prints a result only
	// when both fail.
	out, err := m.Run(context.Background(), []byte(testTask), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if string(out.Result) != `{"outputs":[[]]}` {
		t.Fatalf("result = %q", out.Result)
	}
}

func TestModule_Run_randomDiffers(t *testing.T) {
	draw := func(m *Module) string {
		_, res := runDecoded(t, m, testTask)
		return string(res.Outputs[0][0].JSON)
	}
	a := draw(load(t, newEngine(t, NewConfig()), "random"))
	b := draw(load(t, newEngine(t, NewConfig()), "random"))
	m := load(t, newEngine(t, NewConfig()), "random")
	c, d := draw(m), draw(m) // the second draw runs on the reset instance
	seen := map[string]bool{}
	for _, r := range []string{a, b, c, d} {
		if len(r) != len(`{"r":"`)+32+len(`"}`) {
			t.Fatalf("draw = %s", r)
		}
		if seen[r] {
			t.Fatalf("the same random bytes twice: %s", r)
		}
		seen[r] = true
	}
}

func TestModule_Run_isolation(t *testing.T) {
	for _, copyReset := range []bool{false, true} {
		t.Run(fmt.Sprintf("copyReset=%v", copyReset), func(t *testing.T) {
			cfg := NewConfig().WithMaxIdleInstances(1)
			cfg.copyReset = copyReset
			testIsolation(t, newEngine(t, cfg))
		})
	}
}

// runLogs runs task on m and returns what it logged, one message a line.
func runLogs(tb testing.TB, m *Module, task string) string {
	tb.Helper()
	out, err := m.Run(context.Background(), []byte(task), Limits{})
	if err != nil {
		tb.Fatal(err)
	}
	return logText(out)
}

func logText(out *Outcome) string {
	var logs []string
	for _, l := range out.Logs {
		logs = append(logs, l.Message)
	}
	return strings.Join(logs, "\n")
}

func testIsolation(t *testing.T, eng *Engine) {
	m := load(t, eng, "stash")
	if want := cowSupported && !eng.cfg.copyReset; (m.snap.cow != nil) != want {
		t.Fatalf("copy-on-write snapshot present = %v, want %v", m.snap.cow != nil, want)
	}
	run := func(task string) string { return runLogs(t, m, task) }
	// Control: within one task the fixture does read back what it kept.
	if got := run(`{"abi":1,"inputs":[],"context":{"execution":"e0","secret":"!B SECRET-0"}}`); !strings.Contains(got, "SECRET-0") {
		t.Fatalf("control: logs %q do not show the kept task", got)
	}
	run(`{"abi":1,"inputs":[],"context":{"execution":"e1","secret":"!P SECRET-1"}}`)
	m.mu.Lock()
	if len(m.idle) != 1 {
		m.mu.Unlock()
		t.Fatalf("%d idle instances, want the one instance kept warm", len(m.idle))
	}
	warm := m.idle[0]
	m.mu.Unlock()
	got := run(`{"abi":1,"inputs":[],"context":{"execution":"e2","mode":"!G"}}`)
	if strings.Contains(got, "SECRET") {
		t.Fatalf("a task of execution e2 read what e1 left in guest memory: %q", got)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.idle) != 1 || m.idle[0] != warm {
		t.Fatal("the second task did not run on the same warm instance, so the test proved nothing")
	}
}

func TestEngine_cacheDir(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		eng, err := NewEngine(ctx, NewConfig().WithCacheDir(dir))
		if err != nil {
			t.Fatal(err)
		}
		m, err := eng.Load(ctx, fixture(t, "wrap"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Run(ctx, []byte(testTask), Limits{}); err != nil {
			t.Fatal(err)
		}
		if err := eng.Close(ctx); err != nil {
			t.Fatal(err)
		}
		var files int
		_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, _ error) error {
			if d != nil && !d.IsDir() {
				files++
			}
			return nil
		})
		if files == 0 {
			t.Fatalf("run %d: no compiled code in %s", i, dir)
		}
	}
}

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		err  string
	}{
		{"16MiB", 16 << 20, ""},
		{"512KiB", 512 << 10, ""},
		{"65536", 65536, ""},
		{"1 GiB", 1 << 30, ""},
		{"64k", 64 << 10, ""},
		{"", 0, "want a number"},
		{"12 parsecs", 0, `unknown unit "parsecs"`},
		{"99999999999999999999", 0, "out of range"},
	}
	for _, tt := range tests {
		got, err := ParseBytes(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseBytes(%q) = %v, want error containing %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

// TestModule_Run_commandIsolation runs a command many times; each run would
// see the marker an earlier one left if memory were ever handed on without
// being cleared (command instances reuse reserved address space).
func TestModule_Run_commandIsolation(t *testing.T) {
	eng := newEngine(t, NewConfig())
	m := load(t, eng, "markcmd")
	for i := 0; i < 50; i++ {
		out, err := m.Run(context.Background(), []byte(testTask), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if string(out.Result) != `{"outputs":[[{"json":{"leak":false}}]]}` {
			t.Fatalf("run %d saw an earlier run's memory: %s", i, out.Result)
		}
	}
}

// TestModule_Resnapshot checks that the state a successful Resnapshot task
// leaves is where every later task starts, on warm and new instances, and
// that a failed one changes nothing.
func TestModule_Resnapshot(t *testing.T) {
	for _, copyReset := range []bool{false, true} {
		t.Run(fmt.Sprintf("copyReset=%v", copyReset), func(t *testing.T) {
			cfg := NewConfig().WithMaxIdleInstances(1)
			cfg.copyReset = copyReset
			m := load(t, newEngine(t, cfg), "stash", WithInitFuel(200_000))
			run := func(task string) string { return runLogs(t, m, task) }
			run(`{"abi":1,"context":{"mode":"!G"}}`) // an instance goes idle
			if _, err := m.Resnapshot(context.Background(), []byte(`{"abi":1,"context":{"kept":"!P KEPT"}}`)); err != nil {
				t.Fatal(err)
			}
			if got := run(`{"abi":1,"context":{"mode":"!G"}}`); !strings.Contains(got, "KEPT") {
				t.Fatalf("a task after the resnapshot does not see its state: %q", got)
			}
			// The next task starts from the new snapshot again, not from
			// what the one before it left.
			run(`{"abi":1,"context":{"secret":"!P SECRET"}}`)
			if got := run(`{"abi":1,"context":{"mode":"!G"}}`); strings.Contains(got, "SECRET") || !strings.Contains(got, "KEPT") {
				t.Fatalf("after a task that kept a secret, the next one read %q", got)
			}
			// Two instances at once: the second is a new one, restored from
			// the new snapshot.
			var wg sync.WaitGroup
			seen := make([]string, 2)
			for i := range seen {
				wg.Go(func() {
					out, err := m.Run(context.Background(), []byte(`{"abi":1,"context":{"mode":"!G"}}`), Limits{})
					if err == nil {
						seen[i] = logText(out)
					}
				})
			}
			wg.Wait()
			for i, got := range seen {
				if !strings.Contains(got, "KEPT") {
					t.Fatalf("concurrent task %d read %q", i, got)
				}
			}
			// Out of fuel before it keeps anything: an error, and the
			// snapshot stays as it was.
			pad := strings.Repeat("x", 1<<20)
			if _, err := m.Resnapshot(context.Background(), []byte(`{"abi":1,"context":{"pad":"`+pad+`","kept":"!P LOST"}}`)); err == nil {
				t.Fatal("a resnapshot task that ran out of fuel succeeded")
			}
			if got := run(`{"abi":1,"context":{"mode":"!G"}}`); strings.Contains(got, "LOST") || !strings.Contains(got, "KEPT") {
				t.Fatalf("after a failed resnapshot a task read %q", got)
			}
		})
	}
}

// TestModule_Resnapshot_errorResult checks that a task whose result is an
// error does not become the snapshot.
func TestModule_Resnapshot_errorResult(t *testing.T) {
	m := load(t, newEngine(t, NewConfig()), "echo")
	_, err := m.Resnapshot(context.Background(), []byte(`{"outputs":null,"error":{"message":"cannot prepare"}}`))
	if err == nil || !strings.Contains(err.Error(), "cannot prepare") {
		t.Fatalf("Resnapshot error = %v, want the task's error", err)
	}
	runDecoded(t, m, `{"outputs":[[]]}`)
}

// TestModuleFuelSlice: a module's own fuel slice sets how often its tasks
// call back for fuel; the same bytes loaded with the engine's slice are a
// module of their own.
func TestModuleFuelSlice(t *testing.T) {
	eng := newEngine(t, NewConfig().WithFuelSlice(100_000))
	small := load(t, eng, "count")
	large := load(t, eng, "count", WithModuleFuelSlice(1<<40))
	if small == large {
		t.Fatal("the same module for two fuel slices")
	}
	outSmall, _ := runDecoded(t, small, testTask)
	outLarge, _ := runDecoded(t, large, testTask)
	if outSmall.FuelUsed != outLarge.FuelUsed {
		t.Fatalf("fuel used %d with the engine's slice, %d with the module's", outSmall.FuelUsed, outLarge.FuelUsed)
	}
	if want := int(outSmall.FuelUsed / 100_000); outSmall.Refills < want-1 || outSmall.Refills > want+1 {
		t.Fatalf("%d refills for %d units in slices of 100,000, want about %d", outSmall.Refills, outSmall.FuelUsed, want)
	}
	if outLarge.Refills != 0 {
		t.Fatalf("%d refills for %d units in one slice", outLarge.Refills, outLarge.FuelUsed)
	}
}
