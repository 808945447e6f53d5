package sqlstore

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/store"
)

// testBlobRefsBatches reads every table in batches of two rows, so that
// each one, workflow versions with their two-column key included, takes
// several queries, and checks that no row is skipped or read twice.
func testBlobRefsBatches(t *testing.T, s *Store) {
	defer s.Close()
	migrated(t, s)
	// None of the references names a stored blob; BlobRefs looks.
	blobs, err := blob.OpenDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	s.UseBlobs(blobs, 1<<20)
	old := refBatch
	refBatch = 2
	t.Cleanup(func() { refBatch = old })

	want := map[string]int{}
	ref := func(format string, args ...any) string {
		r := string(blob.RefOf(fmt.Appendf(nil, format, args...)))
		want[r] = 0
		return r
	}
	doc := func(r string) json.RawMessage {
		return json.RawMessage(`{"nodes":[],"connections":{},"pinData":{"ref":"` + r + `"}}`)
	}
	for i := range 3 {
		w, err := s.CreateWorkflow(ctx, "w", doc(ref("workflow %d version 1", i)))
		if err != nil {
			t.Fatal(err)
		}
		for v := 1; v < 3; v++ {
			if _, err := s.UpdateWorkflow(ctx, w.ID, v, "w", doc(ref("workflow %d version %d", i, v+1))); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetStaticData(ctx, w.ID, json.RawMessage(`{"ref":"`+ref("static %d", i)+`"}`)); err != nil {
			t.Fatal(err)
		}
		for j := range 3 {
			e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 3, Mode: "manual", Status: store.StatusRunning,
				StartData: json.RawMessage(`["` + ref("start %d/%d", i, j) + `"]`)})
			if err != nil {
				t.Fatal(err)
			}
			var rs []store.TaskResult
			for k := range 3 {
				rs = append(rs, store.TaskResult{TaskID: fmt.Sprintf("%s/N/%d/0", e.ID, k), ExecutionID: e.ID, Result: json.RawMessage(`"` + ref("result %d/%d/%d", i, j, k) + `"`)})
			}
			if err := s.SaveTaskResults(ctx, rs); err != nil {
				t.Fatal(err)
			}
			if err := s.FinishExecution(ctx, e.ID, store.StatusError, nil, "N", json.RawMessage(`"`+ref("run data %d/%d", i, j)+`"`), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	err = s.BlobRefs(ctx, func(r string) error {
		n, ok := want[r]
		if !ok {
			t.Errorf("BlobRefs reported %s, which nothing references", r)
		}
		want[r] = n + 1
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for r, n := range want {
		if n != 1 {
			t.Errorf("BlobRefs reported %s %d times, want once", r, n)
		}
	}
}

func TestBlobRefsBatchesSQLite(t *testing.T) { testBlobRefsBatches(t, openSQLite(t)) }

func TestBlobRefsBatchesPostgres(t *testing.T) { testBlobRefsBatches(t, openPostgres(t)) }
