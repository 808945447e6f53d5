package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMakeRunBuildsWhatTheServerNeeds dry-runs `make run` from scratch and
// checks that it builds the core module before starting the server: a
// newcomer's first command must not stop at "core module not found".
func TestMakeRunBuildsWhatTheServerNeeds(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		if os.Getenv("WEFT_REQUIRE_SERVICES") == "1" {
			t.Fatal("make is not installed and WEFT_REQUIRE_SERVICES=1")
		}
		t.Skip("make is not installed (apt-get install make); the README's commands need it")
	}
	cmd := exec.Command("make", "-n", "-B", "run")
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make -n -B run: %v\n%s", err, out)
	}
	plan := string(out)
	core := strings.Index(plan, "-o bin/nodes/core.wasm")
	server := strings.Index(plan, "bin/weft server")
	if server < 0 {
		t.Fatalf("make run does not start the server:\n%s", plan)
	}
	if core < 0 || core > server {
		t.Fatalf("make run starts the server without building bin/nodes/core.wasm first:\n%s", plan)
	}
}
