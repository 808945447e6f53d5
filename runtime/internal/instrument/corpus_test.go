package instrument

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
)

// TestInstrument_SpecCorpus runs the WebAssembly specification test
// modules that ship with the wazero module: every module wazero accepts
// must be accepted here, its instrumented form must compile, and its
// parameterless exports must return what the original returns.
func TestInstrument_SpecCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("spec corpus skipped with -short")
	}
	gobin := "go" // go test puts its own toolchain first on PATH
	dir, err := exec.Command(gobin, "list", "-m", "-f", "{{.Dir}}", "github.com/tetratelabs/wazero").Output()
	if err != nil || strings.TrimSpace(string(dir)) == "" {
		t.Skipf("wazero module directory not available: %v", err)
	}
	root := filepath.Join(strings.TrimSpace(string(dir)), "internal", "integration_test", "spectest")
	var files []string
	for _, sub := range []string{"v1", "v2", "tail-call", "extended-const"} {
		m, _ := filepath.Glob(filepath.Join(root, sub, "testdata", "*.wasm"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skipf("no spec test modules under %s", root)
	}
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, fuzzRuntimeConfig())
	defer rt.Close(ctx)
	accepted := 0
	for _, f := range files {
		in, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rt.CompileModule(ctx, in); err != nil {
			continue // the spec tests include deliberately invalid modules
		}
		accepted++
		name := filepath.Base(filepath.Dir(filepath.Dir(f))) + "/" + filepath.Base(f)
		out, err := Instrument(in, Config{Fuel: true})
		if err != nil {
			t.Errorf("%s: wazero accepts it, Instrument fails: %v", name, err)
			continue
		}
		if _, err := rt.CompileModule(ctx, out.Wasm); err != nil {
			t.Errorf("%s: instrumented module does not compile: %v", name, err)
			continue
		}
		t.Run(name, func(t *testing.T) { compareRuns(t, in, out.Wasm) })
	}
	t.Logf("%d of %d spec modules valid for wazero, all instrumented", accepted, len(files))
}
