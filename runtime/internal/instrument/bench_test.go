package instrument

import (
	"context"
	"io"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// BenchmarkInstrument measures rewrite throughput on a real Go wasip1
// module of a few MiB.
func BenchmarkInstrument(b *testing.B) {
	in := goProgram(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Instrument(in, Config{Fuel: true, MaxMemoryPages: 16384}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFuelOverhead runs CPU-bound workloads with and without fuel
// metering (refill granting 100000 units per call); compare the plain and
// fuel sub-benchmarks of each workload to get the overhead ratio.
func BenchmarkFuelOverhead(b *testing.B) {
	variants := []struct {
		name string
		cfg  *Config
	}{{"plain", nil}, {"fuel", &Config{Fuel: true}}}

	b.Run("wat-primes", func(b *testing.B) {
		in := readFixture(b, "cpu.wasm")
		for _, v := range variants {
			b.Run(v.name, func(b *testing.B) {
				ctx := context.Background()
				wasm := in
				if v.cfg != nil {
					wasm = mustInstrument(b, in, *v.cfg).Wasm
				}
				rt := newTestRuntime(b, ctx, wazero.NewRuntimeConfig(), &fuelHost{grant: 100000})
				fn := instantiate(b, ctx, rt, wasm).ExportedFunction("primes")
				for b.Loop() {
					res, err := fn.Call(ctx, 200000)
					if err != nil || res[0] != 17984 {
						b.Fatalf("primes = %v, %v", res, err)
					}
				}
			})
		}
	})

	b.Run("c-kernel", func(b *testing.B) {
		in := cProgram(b)
		for _, v := range variants {
			b.Run(v.name, func(b *testing.B) {
				ctx := context.Background()
				wasm := in
				if v.cfg != nil {
					wasm = mustInstrument(b, in, *v.cfg).Wasm
				}
				rt := newTestRuntime(b, ctx, wazero.NewRuntimeConfig(), &fuelHost{grant: 100000})
				wasi_snapshot_preview1.MustInstantiate(ctx, rt)
				cm, err := rt.CompileModule(ctx, wasm)
				if err != nil {
					b.Fatal(err)
				}
				cfg := wazero.NewModuleConfig().WithName("").WithStdout(io.Discard).WithArgs("prog", "20")
				for b.Loop() {
					mod, err := rt.InstantiateModule(ctx, cm, cfg)
					if err != nil {
						b.Fatal(err)
					}
					_ = mod.Close(ctx)
				}
			})
		}
	})
}
