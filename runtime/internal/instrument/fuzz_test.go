package instrument

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// fuzzRuntimeConfig uses the interpreter: it validates exactly like the
// compiler but compiles much faster, which is what fuzzing needs.
func fuzzRuntimeConfig() wazero.RuntimeConfig {
	return runConfig().WithCoreFeatures(api.CoreFeaturesV2 |
		experimental.CoreFeaturesTailCall | experimental.CoreFeaturesExtendedConst)
}

// runConfig is the interpreter configuration used to run modules. It
// leaves tail calls disabled, so modules using them fail to instantiate
// and are not run: the interpreter does not notice a cancelled context in
// an endless chain of tail calls, which would hang the comparison.
func runConfig() wazero.RuntimeConfig {
	return wazero.NewRuntimeConfigInterpreter().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExtendedConst).
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(256)
}

func FuzzInstrument(f *testing.F) {
	for _, name := range fixtureNames(f) {
		f.Add(readFixture(f, name))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Instrument(in, Config{Fuel: true})
		capped, cappedErr := Instrument(in, Config{MaxMemoryPages: 2})

		if err != nil || resourceHeavy(in) || nameSections(in) != nameSections(out.Wasm) {
			// Rejected inputs only had to be rejected without panicking.
			// They are not handed to wazero: past the first error nothing
			// vouches for lengths declared later in the input, and wazero
			// allocates declared lengths before reading them. Huge tables
			// or locals likewise make the engine allocate gigabytes. (The
			// converse, that modules wazero accepts are accepted here, is
			// checked by TestInstrument_SpecCorpus.)
			return
		}
		ctx := context.Background()
		rt := wazero.NewRuntimeWithConfig(ctx, fuzzRuntimeConfig())
		defer rt.Close(ctx)
		if _, cerr := rt.CompileModule(ctx, in); cerr != nil {
			return // invalid input: it only had to not panic
		}
		if _, cerr := rt.CompileModule(ctx, out.Wasm); cerr != nil {
			t.Fatalf("instrumented module does not compile: %v", cerr)
		}
		var tooLarge *MemoryTooLargeError
		switch {
		case cappedErr == nil:
			if _, cerr := rt.CompileModule(ctx, capped.Wasm); cerr != nil {
				t.Fatalf("memory-capped module does not compile: %v", cerr)
			}
		case !errors.As(cappedErr, &tooLarge):
			t.Fatalf("capping fails: %v", cappedErr)
		}
		compareRuns(t, in, out.Wasm)
	})
}

// compareRuns calls every parameterless export of the original and the
// instrumented module in the same order and compares results and traps.
// Comparison stops when either side runs out of time or fuel, since an
// unfinished run says nothing about the other. Each step runs on the
// instrumented module first, which fuel always stops, and then on the
// original only if the instrumented one finished: the interpreter does
// not notice a cancelled context in recursion without loops, so an
// original left to run an endless or exponential recursion would hang.
func compareRuns(t *testing.T, orig, inst []byte) {
	const timeout = 100 * time.Millisecond
	ctx := context.Background()

	rtA := wazero.NewRuntimeWithConfig(ctx, runConfig())
	defer rtA.Close(ctx)
	h := &fuelHost{grant: 100000, maxCalls: 20}
	rtB := newFuzzRuntime(t, ctx, h)
	defer rtB.Close(ctx)

	ctxB, cancelB := context.WithTimeout(ctx, timeout)
	defer cancelB()
	modB, errB := rtB.InstantiateWithConfig(ctxB, inst, wazero.NewModuleConfig().WithName(""))
	if errB != nil && unfinished(ctxB, errB) {
		return
	}
	ctxA, cancelA := context.WithTimeout(ctx, timeout)
	defer cancelA()
	modA, errA := rtA.InstantiateWithConfig(ctxA, orig, wazero.NewModuleConfig().WithName(""))
	if errA != nil && unfinished(ctxA, errA) {
		return
	}
	if (errA == nil) != (errB == nil) {
		t.Fatalf("instantiation differs: original %v, instrumented %v", errA, errB)
	}
	if errA != nil {
		return // e.g. missing imports or a trapping start function
	}
	defs := modA.ExportedFunctionDefinitions()
	names := make([]string, 0, len(defs))
	for name, d := range defs {
		if len(d.ParamTypes()) == 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		resB, errB := modB.ExportedFunction(name).Call(ctxB)
		if errB != nil && unfinished(ctxB, errB) {
			return
		}
		resA, errA := modA.ExportedFunction(name).Call(ctxA)
		if errA != nil && unfinished(ctxA, errA) {
			return
		}
		if (errA == nil) != (errB == nil) {
			t.Fatalf("%s: original error %v, instrumented error %v", name, errA, errB)
		}
		if errA == nil && !equalU64(resA, resB) {
			t.Fatalf("%s: original %v, instrumented %v", name, resA, resB)
		}
	}
}

func newFuzzRuntime(t *testing.T, ctx context.Context, h *fuelHost) wazero.Runtime {
	rt := wazero.NewRuntimeWithConfig(ctx, runConfig())
	_, err := rt.NewHostModuleBuilder(ImportModule).
		NewFunctionBuilder().WithFunc(h.refill).Export(ImportRefill).
		Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// unfinished reports errors that end a run for reasons outside the
// module's semantics: timeouts, fuel exhaustion and stack exhaustion
// (instrumented frames are slightly larger).
func unfinished(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, errOutOfFuel) ||
		strings.Contains(err.Error(), "stack overflow") ||
		strings.Contains(err.Error(), "closed with exit_code")
}

// resourceHeavy reports modules whose tables or locals are large enough to
// make the engine itself allocate gigabytes; they are still instrumented
// but neither compiled nor run.
func resourceHeavy(in []byte) bool {
	const limit = 1 << 16
	r := &reader{b: in, pos: 8, end: len(in)}
	heavy := false
	for r.pos < r.end && r.err == nil && !heavy {
		id := r.u8()
		size := int(r.u32())
		if r.err != nil || size > r.remaining() {
			break
		}
		s := &reader{b: in, pos: r.pos, end: r.pos + size}
		r.skip(size)
		switch id {
		case secImport:
			for n := s.count(4); n > 0 && s.err == nil; n-- {
				s.name()
				s.name()
				switch s.u8() {
				case 0:
					s.u32()
				case 1:
					s.u8()
					_, min, _ := s.limits(false)
					heavy = heavy || min > limit
				case 2:
					s.limits(true)
				case 3:
					s.u8()
					s.u8()
				}
			}
		case secTable:
			for n := s.count(3); n > 0 && s.err == nil; n-- {
				s.u8()
				_, min, _ := s.limits(false)
				heavy = heavy || min > limit
			}
		case secCode:
			for n := s.count(2); n > 0 && s.err == nil; n-- {
				body := int(s.u32())
				if s.err != nil || body > s.remaining() {
					break
				}
				b := &reader{b: in, pos: s.pos, end: s.pos + body}
				s.skip(body)
				var locals uint64
				for k := b.count(2); k > 0 && b.err == nil; k-- {
					locals += uint64(b.u32())
					b.u8()
				}
				heavy = heavy || locals > limit
			}
		}
	}
	return heavy
}

// nameSections counts the custom sections called "name".
func nameSections(b []byte) int {
	n := 0
	r := &reader{b: b, pos: 8, end: len(b)}
	for r.pos < r.end && r.err == nil {
		id := r.u8()
		size := int(r.u32())
		if r.err != nil || size > r.remaining() {
			break
		}
		s := &reader{b: b, pos: r.pos, end: r.pos + size}
		r.skip(size)
		if id == secCustom && string(s.name()) == "name" {
			n++
		}
	}
	return n
}
