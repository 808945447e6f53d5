package instrument

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

func TestInstrument_Compiles(t *testing.T) {
	ctx := context.Background()
	configs := []Config{{}, {Fuel: true}, {Fuel: true, MaxMemoryPages: 4}, {MaxMemoryPages: 1024}}
	for _, name := range fixtureNames(t) {
		for _, cfg := range configs {
			t.Run(name, func(t *testing.T) {
				in := readFixture(t, name)
				out, err := Instrument(in, cfg)
				var tooLarge *MemoryTooLargeError
				if errors.As(err, &tooLarge) && name == "bigmem.wasm" {
					return
				}
				if err != nil {
					t.Fatalf("Instrument(%+v): %v", cfg, err)
				}
				rt := newTestRuntime(t, ctx, testRuntimeConfig(), nil)
				if _, err := rt.CompileModule(ctx, out.Wasm); err != nil {
					t.Fatalf("compile instrumented (%+v): %v", cfg, err)
				}
			})
		}
	}
}

// call runs an exported function on a fresh instance and returns results.
type callCase struct {
	file, fn string
	params   []uint64
	want     []uint64 // nil: only compare with the original module
}

func i32(v int32) uint64 { return api.EncodeI32(v) }

func TestInstrument_SameResults(t *testing.T) {
	cases := []callCase{
		{"control.wasm", "fact20", nil, []uint64{2432902008176640000}},
		{"control.wasm", "fact", []uint64{5}, []uint64{120}},
		{"control.wasm", "fib20", nil, []uint64{6765}},
		{"control.wasm", "fib", []uint64{10}, []uint64{55}},
		{"control.wasm", "nested", nil, []uint64{4950 * 4950}},
		{"control.wasm", "classify", []uint64{2}, []uint64{102}},
		{"control.wasm", "classify_sum", nil, []uint64{100 + 101 + 102 + 3*999}},
		{"control.wasm", "multi", nil, []uint64{i32(-2)}},
		{"control.wasm", "gcd_sum", nil, []uint64{27}},
		{"control.wasm", "collatz", nil, []uint64{111}},
		{"elem.wasm", "t0_0", nil, []uint64{10}},
		{"elem.wasm", "t0_1", nil, []uint64{20}},
		{"elem.wasm", "t0_2", nil, []uint64{30}},
		{"elem.wasm", "t0_4", nil, []uint64{50}},
		{"elem.wasm", "t1_0", nil, []uint64{30}},
		{"elem.wasm", "t1_1", nil, []uint64{40}},
		{"elem.wasm", "null_e", nil, []uint64{0}},
		{"elem.wasm", "direct_d", nil, []uint64{40}},
		{"tables.wasm", "set_get", nil, []uint64{3}},
		{"tables.wasm", "init", nil, []uint64{234}},
		{"tables.wasm", "grow_fill", nil, []uint64{10}},
		{"tables.wasm", "is_null", nil, []uint64{1}},
		{"bulk.wasm", "bulk", nil, []uint64{uint64(uint32(0x35343332 + 0x07070707))}},
		{"bulk.wasm", "sat", nil, []uint64{2147483647}},
		{"bulk.wasm", "sext", nil, []uint64{i32(-32769)}},
		{"simd.wasm", "lanes", nil, nil},
		{"simd.wasm", "arith", nil, []uint64{126 + 126}},
		{"simd.wasm", "floats", nil, nil},
		{"tailcall.wasm", "sum", nil, []uint64{5000050000}},
		{"start.wasm", "get", nil, []uint64{42}},
		{"memory.wasm", "peek", nil, []uint64{0x74666577}},
		{"memory.wasm", "size", nil, []uint64{1}},
		{"cpu.wasm", "primes_small", nil, []uint64{303}},
		{"cpu.wasm", "primes", []uint64{100}, []uint64{25}},
		{"globals.wasm", "bump", nil, []uint64{2}},
	}
	for _, tc := range cases {
		t.Run(strings.TrimSuffix(tc.file, ".wasm")+"/"+tc.fn, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			in := readFixture(t, tc.file)
			out := mustInstrument(t, in, Config{Fuel: true})

			rt := newTestRuntime(t, ctx, testRuntimeConfig(), nil)
			want, err := instantiate(t, ctx, rt, in).ExportedFunction(tc.fn).Call(ctx, tc.params...)
			if err != nil {
				t.Fatalf("original: %v", err)
			}
			if tc.want != nil && !equalU64(want, tc.want) {
				t.Fatalf("original %s = %v, test expects %v", tc.fn, want, tc.want)
			}

			h := &fuelHost{grant: 1000}
			rt2 := newTestRuntime(t, ctx, testRuntimeConfig(), h)
			got, err := instantiate(t, ctx, rt2, out.Wasm).ExportedFunction(tc.fn).Call(ctx, tc.params...)
			if err != nil {
				t.Fatalf("instrumented: %v", err)
			}
			if !equalU64(got, want) {
				t.Fatalf("instrumented %s = %v, original %v", tc.fn, got, want)
			}
			if h.calls.Load() == 0 {
				t.Fatal("refill was never called")
			}
		})
	}
}

func equalU64(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestInstrument_FuelExhaustion(t *testing.T) {
	for _, fn := range []string{"spin", "spin_calls"} {
		t.Run(fn, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out := mustInstrument(t, readFixture(t, "spin.wasm"), Config{Fuel: true})
			h := &fuelHost{grant: 10000, maxCalls: 5}
			rt := newTestRuntime(t, ctx, testRuntimeConfig(), h)
			mod := instantiate(t, ctx, rt, out.Wasm)
			_, err := mod.ExportedFunction(fn).Call(ctx)
			if !errors.Is(err, errOutOfFuel) {
				t.Fatalf("want out-of-fuel trap, got %v", err)
			}
			if got := h.calls.Load(); got != 6 {
				t.Fatalf("refill called %d times, want 6", got)
			}
		})
	}
}

// TestInstrument_FuelCost pins the charge of one function entry: fact(n)
// runs its 14-instruction body n times and contains no loop.
func TestInstrument_FuelCost(t *testing.T) {
	ctx := context.Background()
	out := mustInstrument(t, readFixture(t, "control.wasm"), Config{Fuel: true})
	rt := newTestRuntime(t, ctx, testRuntimeConfig(), &fuelHost{grant: 1})
	mod := instantiate(t, ctx, rt, out.Wasm)
	fuel, ok := mod.ExportedGlobal(FuelExport).(api.MutableGlobal)
	if !ok {
		t.Fatal("weft_fuel missing or immutable")
	}
	for _, n := range []int64{1, 3, 10} {
		fuel.Set(1 << 40)
		if _, err := mod.ExportedFunction("fact").Call(ctx, uint64(n)); err != nil {
			t.Fatal(err)
		}
		if used := int64(1<<40) - int64(fuel.Get()); used != 14*n {
			t.Errorf("fact(%d) used %d fuel, want %d", n, used, 14*n)
		}
	}
}

// TestInstrument_FuelCheckShape checks the exact bytes injected into
// `(func (loop (br 0)))`: the function region holds loop and end (cost 2),
// the loop region holds br and end (cost 2).
func TestInstrument_FuelCheckShape(t *testing.T) {
	in := []byte{
		0, 'a', 's', 'm', 1, 0, 0, 0,
		1, 4, 1, 0x60, 0, 0, // type () -> ()
		3, 2, 1, 0, // one function
		10, 9, 1, 7, 0, 0x03, 0x40, 0x0C, 0, 0x0B, 0x0B, // loop br 0 end end
	}
	out := mustInstrument(t, in, Config{Fuel: true})
	check := func(cost byte) []byte {
		return []byte{
			0x23, 0, 0x42, cost, 0x7D, 0x24, 0,
			0x23, 0, 0x42, 0, 0x53,
			0x04, 0x40, 0x23, 0, 0x10, 0, 0x24, 0, 0x0B,
		}
	}
	var body []byte
	body = append(body, 0) // no locals
	body = append(body, check(2)...)
	body = append(body, 0x03, 0x40)
	body = append(body, check(2)...)
	body = append(body, 0x0C, 0, 0x0B, 0x0B)
	want := append([]byte{10, byte(len(body) + 2), 1, byte(len(body))}, body...)
	if !bytes.Contains(out.Wasm, want) {
		t.Fatalf("code section not as expected:\n got % x\nwant % x", out.Wasm, want)
	}
	imp := []byte{2, 18, 1, 7, 'w', 'e', 'f', 't', '_', 'v', '1', 6, 'r', 'e', 'f', 'i', 'l', 'l', 0, 1}
	if !bytes.Contains(out.Wasm, imp) {
		t.Fatalf("refill import not as expected: % x", out.Wasm)
	}
}

func TestInstrument_StartFunction(t *testing.T) {
	ctx := context.Background()
	out := mustInstrument(t, readFixture(t, "start.wasm"), Config{Fuel: true})
	h := &fuelHost{grant: 100}
	rt := newTestRuntime(t, ctx, testRuntimeConfig(), h)
	mod := instantiate(t, ctx, rt, out.Wasm)
	if h.calls.Load() == 0 {
		t.Fatal("start function did not consume fuel")
	}
	res, err := mod.ExportedFunction("get").Call(ctx)
	if err != nil || res[0] != 42 {
		t.Fatalf("get() = %v, %v; want 42", res, err)
	}
}

func TestInstrument_MemoryCap(t *testing.T) {
	type step struct {
		fn     string
		arg    uint64
		want   int32
		oomSet bool
	}
	cases := []struct {
		name     string
		file     string
		cap      uint32
		min, max uint32
		steps    []step
	}{
		{"cap below declared max", "memory.wasm", 4, 1, 4, []step{
			{"grow", 3, 1, false}, {"grow", 1, -1, true}, {"size", 0, 4, true},
		}},
		{"cap above declared max", "memory.wasm", 16, 1, 8, []step{
			{"grow", 7, 1, false}, {"grow", 1, -1, true},
		}},
		{"no cap", "memory.wasm", 0, 1, 8, []step{
			{"grow", 8, -1, true}, {"grow", 2, 1, true},
		}},
		{"grow loop", "memory.wasm", 5, 1, 5, []step{
			{"grow_all", 0, 4, true},
		}},
		{"no declared max", "nomax.wasm", 3, 2, 3, []step{
			{"grow", 1, 2, false}, {"grow", 1, -1, true},
		}},
		{"unbounded", "nomax.wasm", 0, 2, 0, []step{
			{"grow", 10, 2, false},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			out := mustInstrument(t, readFixture(t, tc.file), Config{MaxMemoryPages: tc.cap})
			if !out.HasMemory || out.MemoryMinPages != tc.min || out.MemoryMaxPages != tc.max {
				t.Fatalf("memory = %v %d..%d, want %d..%d", out.HasMemory, out.MemoryMinPages, out.MemoryMaxPages, tc.min, tc.max)
			}
			rt := newTestRuntime(t, ctx, testRuntimeConfig(), nil)
			mod := instantiate(t, ctx, rt, out.Wasm)
			oom, ok := mod.ExportedGlobal(OOMExport).(api.MutableGlobal)
			if !ok {
				t.Fatal("weft_oom missing or immutable")
			}
			for _, s := range tc.steps {
				var args []uint64
				if s.fn == "grow" {
					args = []uint64{s.arg}
				}
				res, err := mod.ExportedFunction(s.fn).Call(ctx, args...)
				if err != nil {
					t.Fatal(err)
				}
				if got := api.DecodeI32(res[0]); got != s.want {
					t.Fatalf("%s(%v) = %d, want %d", s.fn, args, got, s.want)
				}
				if got := oom.Get() == 1; got != s.oomSet {
					t.Fatalf("after %s(%v): weft_oom = %d, want set=%v", s.fn, args, oom.Get(), s.oomSet)
				}
			}
		})
	}
}

func TestInstrument_ImportedMemory(t *testing.T) {
	ctx := context.Background()
	out := mustInstrument(t, readFixture(t, "importmem.wasm"), Config{Fuel: true, MaxMemoryPages: 2})
	if out.HasMemory || out.MemoryMinPages != 0 || out.MemoryMaxPages != 0 {
		t.Fatalf("imported memory reported as defined: %+v", out)
	}
	rt := newTestRuntime(t, ctx, testRuntimeConfig(), &fuelHost{grant: 100})
	if _, err := rt.InstantiateWithConfig(ctx, readFixture(t, "memory.wasm"), wazero.NewModuleConfig().WithName("mem")); err != nil {
		t.Fatal(err)
	}
	mod := instantiate(t, ctx, rt, out.Wasm)
	grow := mod.ExportedFunction("grow")
	for _, step := range []struct {
		n    uint64
		want int32
		oom  uint64
	}{{7, 1, 0}, {1, -1, 1}} {
		res, err := grow.Call(ctx, step.n)
		if err != nil {
			t.Fatal(err)
		}
		if api.DecodeI32(res[0]) != step.want || mod.ExportedGlobal(OOMExport).Get() != step.oom {
			t.Fatalf("grow(%d) = %d, weft_oom %d", step.n, api.DecodeI32(res[0]), mod.ExportedGlobal(OOMExport).Get())
		}
	}
}

func TestInstrument_MemoryTooLarge(t *testing.T) {
	in := readFixture(t, "bigmem.wasm")
	_, err := Instrument(in, Config{Fuel: true, MaxMemoryPages: 256})
	var tooLarge *MemoryTooLargeError
	if !errors.As(err, &tooLarge) {
		t.Fatalf("want *MemoryTooLargeError, got %v", err)
	}
	if tooLarge.DeclaredPages != 512 || tooLarge.CapPages != 256 {
		t.Fatalf("got %+v", tooLarge)
	}
	if want := "initial memory 32 MiB exceeds limit 16 MiB"; err.Error() != want {
		t.Fatalf("message %q, want %q", err.Error(), want)
	}
	if msg := (&MemoryTooLargeError{DeclaredPages: 17, CapPages: 1}).Error(); msg != "initial memory 1088 KiB exceeds limit 64 KiB" {
		t.Fatalf("message %q", msg)
	}
	out := mustInstrument(t, in, Config{MaxMemoryPages: 512})
	if out.MemoryMinPages != 512 || out.MemoryMaxPages != 512 {
		t.Fatalf("memory %d..%d", out.MemoryMinPages, out.MemoryMaxPages)
	}
}

func TestInstrument_GlobalExports(t *testing.T) {
	ctx := context.Background()
	out := mustInstrument(t, readFixture(t, "globals.wasm"), Config{Fuel: true})
	if want := []string{"weft_g0", "weft_g2", "weft_g3"}; strings.Join(out.GlobalExports, ",") != strings.Join(want, ",") {
		t.Fatalf("GlobalExports = %v, want %v", out.GlobalExports, want)
	}
	rt := newTestRuntime(t, ctx, testRuntimeConfig(), &fuelHost{grant: 100})
	mod := instantiate(t, ctx, rt, out.Wasm)
	for _, name := range append([]string{FuelExport}, out.GlobalExports...) {
		if _, ok := mod.ExportedGlobal(name).(api.MutableGlobal); !ok {
			t.Fatalf("%s missing or immutable", name)
		}
	}
	if mod.ExportedGlobal(OOMExport) != nil {
		t.Fatal("weft_oom exported by a module without memory")
	}
	if _, err := mod.ExportedFunction("bump").Call(ctx); err != nil {
		t.Fatal(err)
	}
	if g := mod.ExportedGlobal("weft_g0").Get(); g != 2 {
		t.Fatalf("weft_g0 = %d after bump, want 2", g)
	}
	if g := mod.ExportedGlobal("weft_g3").Get(); g != 15 {
		t.Fatalf("weft_g3 = %d after bump, want 15", g)
	}
	mod.ExportedGlobal("weft_g2").(api.MutableGlobal).Set(api.EncodeF64(9.25))
	if g := api.DecodeF64(mod.ExportedGlobal("c").Get()); g != 9.25 {
		t.Fatalf("c = %v, want the value set through weft_g2", g)
	}

	// Imported globals take the first indices.
	out = mustInstrument(t, readFixture(t, "importglobal.wasm"), Config{})
	if got := strings.Join(out.GlobalExports, ","); got != "weft_g2,weft_g4" {
		t.Fatalf("GlobalExports = %s", got)
	}
	exp := exportsOf(t, out.Wasm)
	if exp["weft_g2"] != [2]uint32{3, 2} || exp["weft_g4"] != [2]uint32{3, 4} {
		t.Fatalf("exports = %v", exp)
	}
	rt2 := newTestRuntime(t, ctx, testRuntimeConfig(), nil)
	if _, err := rt2.CompileModule(ctx, out.Wasm); err != nil {
		t.Fatal(err)
	}
}

func TestInstrument_Resettable(t *testing.T) {
	for file, want := range map[string]bool{
		"control.wasm": true, "elem.wasm": true, "memory.wasm": true, "simd.wasm": true,
		"tables.wasm": false, "bulk.wasm": false,
	} {
		out := mustInstrument(t, readFixture(t, file), Config{Fuel: true})
		if out.Resettable != want {
			t.Errorf("%s: Resettable = %v, want %v", file, out.Resettable, want)
		}
	}
}

func TestInstrument_NameSection(t *testing.T) {
	ctx := context.Background()
	in := readFixture(t, "names.wasm")
	funcs, locals := debugNames(t, in)
	if funcs[1] != "first" || funcs[3] != "third" || locals[1][1] != "tmp" {
		t.Fatalf("fixture names unexpected: %v %v", funcs, locals)
	}
	out := mustInstrument(t, in, Config{Fuel: true})
	funcs, locals = debugNames(t, out.Wasm)
	wantFuncs := map[uint32]string{0: "log", 1: "weft_v1.refill", 2: "first", 3: "second", 4: "third"}
	for idx, name := range wantFuncs {
		if funcs[idx] != name {
			t.Errorf("function %d named %q, want %q (all: %v)", idx, funcs[idx], name, funcs)
		}
	}
	if locals[2][0] != "x" || locals[2][1] != "tmp" || locals[4][0] != "y" {
		t.Errorf("local names not renumbered: %v", locals)
	}
	rt := newTestRuntime(t, ctx, testRuntimeConfig(), nil)
	cm, err := rt.CompileModule(ctx, out.Wasm)
	if err != nil {
		t.Fatal(err)
	}
	if n := cm.ExportedFunctions()["second"].Name(); n != "second" {
		t.Errorf("wazero sees export second named %q", n)
	}

	// A module without a name section does not get one.
	out = mustInstrument(t, readFixture(t, "memory.wasm"), Config{Fuel: true})
	if funcs, _ := debugNames(t, out.Wasm); len(funcs) != 0 {
		t.Errorf("names invented for a module without a name section: %v", funcs)
	}
}

func TestInstrument_NoFuel(t *testing.T) {
	ctx := context.Background()
	out := mustInstrument(t, readFixture(t, "control.wasm"), Config{})
	exp := exportsOf(t, out.Wasm)
	if _, ok := exp[FuelExport]; ok {
		t.Fatal("weft_fuel exported without Config.Fuel")
	}
	rt := newTestRuntime(t, ctx, testRuntimeConfig(), nil) // no weft_v1 module
	res, err := instantiate(t, ctx, rt, out.Wasm).ExportedFunction("fib20").Call(ctx)
	if err != nil || res[0] != 6765 {
		t.Fatalf("fib20 = %v, %v", res, err)
	}
}

// TestInstrument_Idempotent guards against instrumenting twice: the second
// pass must refuse instead of double counting.
func TestInstrument_Idempotent(t *testing.T) {
	out := mustInstrument(t, readFixture(t, "control.wasm"), Config{Fuel: true})
	if _, err := Instrument(out.Wasm, Config{Fuel: true}); !errors.Is(err, ErrReserved) {
		t.Fatalf("second pass: want ErrReserved, got %v", err)
	}
}
