// Package testmodules builds the example node modules in nodes-wasm for
// tests. Each module is built at most once per test binary, into a
// directory under os.TempDir() named weft-testmodules-*, and its path is
// returned.
package testmodules

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// MainModule is the module path of the repository's main go.mod.
const MainModule = "github.com/weftrun/weft"

// RepoRoot returns the directory holding the main module's go.mod, found by
// walking up from the working directory (go test runs a package's tests in
// its own directory) or, failing that, from this source file.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	root, err := repoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	return root
}

var (
	rootOnce sync.Once
	root     string
	rootErr  error
)

func repoRoot() (string, error) {
	rootOnce.Do(func() {
		var starts []string
		if wd, err := os.Getwd(); err == nil {
			starts = append(starts, wd)
		}
		if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
			starts = append(starts, filepath.Dir(file))
		}
		for _, dir := range starts {
			if r, ok := findMainModule(dir); ok {
				root = r
				return
			}
		}
		rootErr = fmt.Errorf("testmodules: no go.mod for module %s above %q", MainModule, starts)
	})
	return root, rootErr
}

// findMainModule walks up from dir to the go.mod that declares MainModule,
// stepping over nested modules such as nodes-wasm.
func findMainModule(dir string) (string, bool) {
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && modulePath(data) == MainModule {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func modulePath(gomod []byte) string {
	for line := range strings.SplitSeq(string(gomod), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

var (
	dirOnce sync.Once
	dir     string
	dirErr  error
)

// outDir returns the directory the modules of this test binary go to.
func outDir() (string, error) {
	dirOnce.Do(func() { dir, dirErr = os.MkdirTemp("", "weft-testmodules-*") })
	return dir, dirErr
}

// build is one module built at most once.
type build struct {
	once sync.Once
	path string
	err  error
	skip string // why the module cannot be built here, if it cannot
}

var goUppercase, cPassthrough build

// GoUppercase builds nodes-wasm/examples/uppercase, a reactor module written
// with the Go SDK, with the Go toolchain running the tests, and returns the
// path of the .wasm file. A failed build fails the test with the compiler's
// output.
func GoUppercase(tb testing.TB) string {
	tb.Helper()
	goUppercase.once.Do(func() {
		goUppercase.path, goUppercase.err = buildGo("uppercase")
	})
	if goUppercase.err != nil {
		tb.Fatal(goUppercase.err)
	}
	return goUppercase.path
}

func buildGo(example string) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	out, err := outDir()
	if err != nil {
		return "", err
	}
	// go test puts the toolchain that runs it first on PATH.
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("testmodules: no go command: %v", err)
	}
	wasm := filepath.Join(out, example+".wasm")
	cmd := exec.Command(goTool, "build", "-buildmode=c-shared", "-buildvcs=false", "-o", wasm, ".")
	cmd.Dir = filepath.Join(root, "nodes-wasm", "examples", example)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOWORK=off", "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("testmodules: building %s: %v\n%s", cmd.Dir, err, msg)
	}
	return wasm, nil
}

// CPassthrough builds nodes-wasm/examples/c-passthrough, a WASI command
// module written in C, with clang, and returns the path of the .wasm file.
// Without clang, wasm-ld and wasi-libc it skips the test, or fails it when
// WEFT_REQUIRE_SERVICES=1. The WASI sysroot is /usr (Debian's wasi-libc)
// unless WEFT_WASI_SYSROOT names another.
func CPassthrough(tb testing.TB) string {
	tb.Helper()
	cPassthrough.once.Do(func() {
		cPassthrough.path, cPassthrough.skip, cPassthrough.err = buildC("c-passthrough", "passthrough.c")
	})
	if cPassthrough.skip != "" {
		if os.Getenv("WEFT_REQUIRE_SERVICES") == "1" {
			tb.Fatalf("C toolchain missing (%s) and WEFT_REQUIRE_SERVICES=1: run `make deps` (installs clang, lld, wasi-libc)", cPassthrough.skip)
		}
		tb.Log(cPassthrough.skip)
		tb.Skip("C toolchain missing: run `make deps` (installs clang, lld, wasi-libc)")
	}
	if cPassthrough.err != nil {
		tb.Fatal(cPassthrough.err)
	}
	return cPassthrough.path
}

// buildC compiles one C file of an example; skip says what is missing when
// the toolchain is not there.
func buildC(example, file string) (path, skip string, err error) {
	clang, err := exec.LookPath("clang")
	if err != nil {
		return "", "no clang", nil
	}
	if _, err := exec.LookPath("wasm-ld"); err != nil {
		return "", "no wasm-ld", nil
	}
	sysroot := os.Getenv("WEFT_WASI_SYSROOT")
	if sysroot == "" {
		sysroot = "/usr"
	}
	libc := filepath.Join(sysroot, "lib", "wasm32-wasi", "libc.a")
	if _, err := os.Stat(libc); err != nil {
		return "", "no wasi-libc: " + libc + " is missing", nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", "", err
	}
	out, err := outDir()
	if err != nil {
		return "", "", err
	}
	wasm := filepath.Join(out, strings.TrimSuffix(file, ".c")+".wasm")
	src := filepath.Join(root, "nodes-wasm", "examples", example, file)
	cmd := exec.Command(clang, "--target=wasm32-wasi", "--sysroot="+sysroot, "-O2", src, "-o", wasm)
	var msg bytes.Buffer
	cmd.Stdout, cmd.Stderr = &msg, &msg
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return "", "", fmt.Errorf("testmodules: running clang: %v", err)
		}
		return "", "", fmt.Errorf("testmodules: building %s: %v\n%s", src, err, msg.Bytes())
	}
	return wasm, "", nil
}

var core build

// Core builds the core module (nodes-wasm/core) with `make core` in the
// repository, at most once per test binary and under a file lock so test
// binaries running in parallel do not build it twice at once, and returns
// the path of bin/nodes/core.wasm. make rebuilds only what changed. Without
// make, clang, wasi-libc or npm it skips the test, or fails it when
// WEFT_REQUIRE_SERVICES=1.
func Core(tb testing.TB) string {
	tb.Helper()
	core.once.Do(func() { core.path, core.skip, core.err = buildCore() })
	if core.skip != "" {
		if os.Getenv("WEFT_REQUIRE_SERVICES") == "1" {
			tb.Fatalf("cannot build the core module (%s) and WEFT_REQUIRE_SERVICES=1: run `make deps` and install npm", core.skip)
		}
		tb.Skipf("cannot build the core module: %s (run `make deps`; npm is needed too)", core.skip)
	}
	if core.err != nil {
		tb.Fatal(core.err)
	}
	return core.path
}

func buildCore() (path, skip string, err error) {
	for _, tool := range []string{"make", "clang", "wasm-ld", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", "no " + tool, nil
		}
	}
	root, err := repoRoot()
	if err != nil {
		return "", "", err
	}
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		return "", "", err
	}
	unlock, err := lockFile(filepath.Join(root, "bin", ".core.lock"))
	if err != nil {
		return "", "", err
	}
	defer unlock()
	cmd := exec.Command("make", "--no-print-directory", "core")
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("testmodules: make core: %v\n%s", err, msg)
	}
	return filepath.Join(root, "bin", "nodes", "core.wasm"), "", nil
}
