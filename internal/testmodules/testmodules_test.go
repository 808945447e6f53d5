package testmodules

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRepoRoot(t *testing.T) {
	root := RepoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || modulePath(data) != MainModule {
		t.Fatalf("RepoRoot = %q, whose go.mod declares %q (%v)", root, modulePath(data), err)
	}
	if _, err := os.Stat(filepath.Join(root, "nodes-wasm", "go.mod")); err != nil {
		t.Fatalf("RepoRoot = %q has no nodes-wasm module: %v", root, err)
	}
}

func TestFindMainModuleSkipsNestedModules(t *testing.T) {
	root := RepoRoot(t)
	got, ok := findMainModule(filepath.Join(root, "nodes-wasm", "examples", "uppercase"))
	if !ok || got != root {
		t.Fatalf("findMainModule from nodes-wasm = %q, %v; want %q", got, ok, root)
	}
}

func TestModules(t *testing.T) {
	for name, build := range map[string]func(testing.TB) string{
		"GoUppercase":  GoUppercase,
		"CPassthrough": CPassthrough,
	} {
		t.Run(name, func(t *testing.T) {
			path := build(t)
			if !strings.HasPrefix(filepath.Base(filepath.Dir(path)), "weft-testmodules-") {
				t.Errorf("module built into %q, want a weft-testmodules-* directory", path)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte("\x00asm\x01\x00\x00\x00")) {
				t.Fatalf("%s does not start with the wasm magic and version 1: % x", path, data[:min(8, len(data))])
			}
			if again := build(t); again != path {
				t.Errorf("second build returned %q, want the cached %q", again, path)
			}
		})
	}
}
