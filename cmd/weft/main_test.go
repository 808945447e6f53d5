package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/weftrun/weft/internal/testmodules"
)

func fixture(name string) string {
	return filepath.Join("..", "..", "runtime", "testdata", name+".wasm")
}

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	t.Setenv("WEFT_CACHE_DIR", "off")
	var out, errb bytes.Buffer
	c := cli{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	code := c.run(context.Background(), args)
	return result{code, out.String(), errb.String()}
}

func TestNodeRun(t *testing.T) {
	dir := t.TempDir()
	items := filepath.Join(dir, "items.json")
	if err := os.WriteFile(items, []byte(`[{"name":"ada"},{"json":{"name":"grace"}}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		stdin      string
		args       []string
		code       int
		stdout     string // substring
		stderr     string // substring
		jsonResult bool
	}{
		{name: "default input", args: []string{"node", "run", fixture("wrap")}, code: exitOK, stdout: `"inputs": [`, stderr: "[info] wrapped the task"},
		{name: "items file wrapped into a task", args: []string{"node", "run", fixture("wrap"), "--input", items}, code: exitOK, stdout: `"name": "grace"`},
		{name: "bare objects become items", args: []string{"node", "run", fixture("wrap"), "--input", items}, code: exitOK, stdout: `"json": {
                  "name": "ada"`},
		{name: "task on stdin", stdin: `{"inputs":[[{"json":{"x":1}}]],"node":{"name":"a","type":"b"}}`, args: []string{"node", "run", "--input", "-", fixture("wrap")}, code: exitOK, stdout: `"abi": 1`},
		{name: "json envelope", args: []string{"node", "run", fixture("wrap"), "--json"}, code: exitOK, jsonResult: true},
		{name: "fuel limit", args: []string{"node", "run", fixture("spin"), "--fuel", "1000"}, code: exitLimit, stderr: "weft: fuel exhausted (budget 1000 units)"},
		{name: "deadline", args: []string{"node", "run", fixture("spin"), "--timeout", "50ms", "--fuel", "1000000000000000"}, code: exitLimit, stderr: "weft: deadline exceeded (50ms)"},
		{name: "memory cap at load", args: []string{"node", "run", fixture("bigmem"), "--memory", "16MiB"}, code: exitLimit, stderr: "memory limit exceeded (16 MiB)"},
		{name: "memory grow bomb", args: []string{"node", "run", fixture("grow"), "--memory", "512KiB"}, code: exitLimit, stderr: "weft: memory limit exceeded (512 KiB)"},
		{name: "output limit", args: []string{"node", "run", fixture("bigout")}, code: exitLimit, stderr: "output too large"},
		{name: "unknown import", args: []string{"node", "run", fixture("unknownimport")}, code: exitInvalid, stderr: "weft: unknown import weft_v1.teleport"},
		{name: "trap", args: []string{"node", "run", fixture("badalloc")}, code: exitFailed, stderr: "node trapped: weft_alloc"},
		{name: "not a module", args: []string{"node", "run", items}, code: exitInvalid, stderr: "weft: invalid module: "},
		{name: "missing module", args: []string{"node", "run", filepath.Join(dir, "nope.wasm")}, code: exitUsage, stderr: "no such file"},
		{name: "two modules", args: []string{"node", "run", fixture("wrap"), fixture("spin")}, code: exitUsage, stderr: "want exactly one MODULE.wasm, got 2"},
		{name: "bad memory size", args: []string{"node", "run", fixture("wrap"), "--memory", "lots"}, code: exitUsage, stderr: `--memory: invalid size "lots"`},
		{name: "unknown flag", args: []string{"node", "run", fixture("wrap"), "--fuell", "3"}, code: exitUsage, stderr: "flag provided but not defined: -fuell"},
		{name: "invalid input JSON", stdin: `[{"a":`, args: []string{"node", "run", fixture("wrap"), "--input", "-"}, code: exitUsage, stderr: "input: not valid JSON"},
		{name: "unknown task ABI", stdin: `{"abi":2,"inputs":[[]]}`, args: []string{"node", "run", fixture("wrap"), "--input", "-"}, code: exitUsage, stderr: "task abi 2 is not supported (this runtime speaks version 1)"},
		{name: "task without inputs", stdin: `{"abi":1}`, args: []string{"node", "run", fixture("wrap"), "--input", "-"}, code: exitUsage, stderr: `a task needs an "inputs" array`},
		{name: "item that is not an object", stdin: `[1]`, args: []string{"node", "run", fixture("wrap"), "--input", "-"}, code: exitUsage, stderr: "input: item 0: not a JSON object"},
		{name: "unknown command", args: []string{"frobnicate"}, code: exitUsage, stderr: `unknown command "frobnicate"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.stdin, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Fatalf("stdout %q does not contain %q", r.stdout, tt.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Fatalf("stderr %q does not contain %q", r.stderr, tt.stderr)
			}
			if tt.jsonResult {
				var doc struct {
					Result   map[string]any `json:"result"`
					FuelUsed uint64         `json:"fuelUsed"`
					Logs     []struct{ Level, Message string }
				}
				if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
					t.Fatalf("--json output is not JSON: %v\n%s", err, r.stdout)
				}
				if doc.Result["outputs"] == nil || doc.FuelUsed == 0 || len(doc.Logs) != 1 || doc.Logs[0].Message != "wrapped the task" {
					t.Fatalf("--json document = %+v", doc)
				}
			}
		})
	}
}

func TestNodeInspect(t *testing.T) {
	r := runCLI(t, "", "node", "inspect", fixture("wrap"))
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"digest   sha256:", "size     281 bytes", "profile  reactor", "weft_v1.log (func)", "memory   64 KiB initial, 256 MiB max", "  weft_run\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "refill") || strings.Contains(r.stdout, "weft_fuel") {
		t.Errorf("inspect shows what the runtime injected:\n%s", r.stdout)
	}
	r = runCLI(t, "", "node", "inspect", "--json", fixture("wasiopen"))
	var info struct {
		Profile string
		Imports []struct{ Module, Name string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &info); err != nil || info.Profile != "command" || len(info.Imports) != 3 {
		t.Fatalf("inspect --json = %s (%v)", r.stdout, err)
	}
}

func TestNodeRun_goExample(t *testing.T) {
	mod := testmodules.GoUppercase(t)
	r := runCLI(t, `[{"name":"ada","city":"london"}]`, "node", "run", mod, "--input", "-")
	if r.code != exitOK || !strings.Contains(r.stdout, `"name": "ADA"`) || !strings.Contains(r.stderr, "[info] uppercase: processed 1 items") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	task := `{"abi":1,"node":{"name":"U","type":"u","parameters":{"fields":"name"}},"inputs":[[{"json":{"name":"ada"}}]]}`
	r = runCLI(t, task, "node", "run", mod, "--input", "-")
	if r.code != exitFailed || !strings.Contains(r.stderr, "weft: node error: parameter fields must be an array of strings") {
		t.Fatalf("node error: exit %d, stderr %s", r.code, r.stderr)
	}
}

func TestGCPercent(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	setGCPercent(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("without GOGC the GC percent is %d, want %d", got, gcPercent)
	}
	setGCPercent(func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set the GC percent was changed to %d", got)
	}
}
