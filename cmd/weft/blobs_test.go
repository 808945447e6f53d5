package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/store"
	"github.com/weftrun/weft/store/sqlstore"
)

// TestBlobsGC runs `weft blobs gc` on the data directory of `weft server`
// holding an execution whose run data is a blob referencing another, and
// an orphan.
func TestBlobsGC(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	gcCLI := func(args ...string) result {
		t.Helper()
		return runCLI(t, "", append([]string{"blobs", "gc", "--data", dir}, args...)...)
	}

	// Nothing there: an empty database would reference nothing.
	if r := gcCLI(); r.code != exitUsage || !strings.Contains(r.stderr, "no database at "+filepath.Join(dir, "weft.db")) {
		t.Fatalf("without a database: exit %d, %s", r.code, r.stderr)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Fatalf("blobs gc created %s", dir)
	}
	if r := runCLI(t, "", "migrate", "--data", dir); r.code != exitOK {
		t.Fatalf("migrate: exit %d, %s", r.code, r.stderr)
	}
	if r := gcCLI(); r.code != exitUsage || !strings.Contains(r.stderr, "no blob directory at "+filepath.Join(dir, "blobs")) {
		t.Fatalf("without a blob directory: exit %d, %s", r.code, r.stderr)
	}

	blobs, err := blob.OpenDir(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(dir, "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.UseBlobs(blobs, 1024)
	used, err := blobs.Put(ctx, []byte("a file an execution produced"))
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := blobs.Put(ctx, []byte("a file nothing references"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := st.CreateWorkflow(ctx, "files", json.RawMessage(`{"name":"files","nodes":[],"connections":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := st.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "manual", Status: store.StatusRunning})
	if err != nil {
		t.Fatal(err)
	}
	runData := `{"N":[{"data":{"main":[[{"json":{},"binary":{"data":{"data":"weft-blob:` + string(used) + `"}}}]]}}],"pad":"` + strings.Repeat("x", 2000) + `"}`
	if err := st.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "N", json.RawMessage(runData), nil); err != nil {
		t.Fatal(err)
	}
	st.Close()
	runDataBlob := blob.RefOf([]byte(runData))
	exists := func(ref blob.Ref) bool {
		t.Helper()
		ok, err := blobs.Exists(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !exists(runDataBlob) {
		t.Fatal("the run data is not in the blob store")
	}

	r := gcCLI("--grace", "0", "--dry-run")
	if r.code != exitOK {
		t.Fatalf("dry run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"2 blob references found",
		"would delete " + string(orphan) + " (25 bytes, stored ",
		"3 blobs scanned: would delete 1 (0.0 MiB), kept 2 (2 in use, 0 too recent, 0 failed)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, string(used)) || strings.Contains(r.stdout, string(runDataBlob)) {
		t.Errorf("dry run would delete a blob in use:\n%s", r.stdout)
	}
	if !exists(orphan) {
		t.Fatal("a dry run deleted the orphan")
	}

	// An hour's grace, the default, spares blobs stored just now.
	r = gcCLI()
	if r.code != exitOK || !strings.Contains(r.stdout, "deleted 0 (0.0 MiB), kept 3 (2 in use, 1 too recent, 0 failed)") || !exists(orphan) {
		t.Fatalf("with the default grace: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	r = gcCLI("--grace", "0")
	if r.code != exitOK || !strings.Contains(r.stdout, "deleted "+string(orphan)) || !strings.Contains(r.stdout, "deleted 1 (0.0 MiB), kept 2") {
		t.Fatalf("collecting: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if exists(orphan) || !exists(used) || !exists(runDataBlob) {
		t.Fatalf("after collecting: orphan %v, in use %v, run data %v; want false, true, true", exists(orphan), exists(used), exists(runDataBlob))
	}
}

func TestBlobsGCUsage(t *testing.T) {
	notWeft := t.TempDir()
	if err := os.WriteFile(filepath.Join(notWeft, "weft.db"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"blobs"}, exitUsage, "blobs: want a subcommand: gc"},
		{[]string{"blobs", "sweep"}, exitUsage, `blobs: unknown subcommand "sweep" (want gc)`},
		{[]string{"blobs", "gc", "--grace", "-1s"}, exitUsage, "--grace -1s: must not be negative"},
		{[]string{"blobs", "gc", "extra"}, exitUsage, "blobs gc: unexpected arguments [extra]"},
		{[]string{"blobs", "gc", "--data", notWeft}, exitFailed, filepath.Join(notWeft, "weft.db") + ": not a Weft database, or never migrated"},
		{[]string{"server", "--data", t.TempDir(), "--blob-gc-grace", "0s"}, exitUsage, "--blob-gc-grace 0s: must be positive"},
		{[]string{"server", "--data", t.TempDir(), "--blob-gc-every", "-1h"}, exitUsage, "--blob-gc-every -1h0m0s: must not be negative (0 turns blob collection off)"},
	} {
		r := runCLI(t, "", tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
			t.Errorf("weft %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), r.code, r.stderr, tc.code, tc.stderr)
		}
	}
}
