package sqlstore

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

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

// TestPruningForgetsOldPruningEntries: each pruning records one change
// log entry; those older than the age retention go with the next one.
func TestPruningForgetsOldPruningEntries(t *testing.T) {
	bothDialects(t, func(t *testing.T, s *Store) {
		w, _ := workflowWithExecution(t, s)
		finished := func(at time.Time) {
			t.Helper()
			s.now = func() time.Time { return at }
			e, err := s.CreateExecution(ctx, running(w))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "n", json.RawMessage(`{}`), nil); err != nil {
				t.Fatal(err)
			}
		}
		r := store.Retention{MaxAge: 24 * time.Hour}
		start := time.Now().Add(-72 * time.Hour)
		// Two days ago, an execution from three days ago is pruned.
		finished(start)
		s.now = func() time.Time { return start.Add(24*time.Hour + time.Minute) }
		if n, err := s.PruneExecutions(ctx, r); err != nil || n != 1 {
			t.Fatalf("first pruning: %d, %v; want 1 execution", n, err)
		}
		// Now another: the first pruning's entry is past the retention.
		finished(time.Now().Add(-25 * time.Hour))
		s.now = time.Now
		if n, err := s.PruneExecutions(ctx, r); err != nil || n != 1 {
			t.Fatalf("second pruning: %d, %v; want 1 execution", n, err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM events WHERE kind = 'executions.pruned'`); n != 1 {
			t.Fatalf("%d pruning entries in the change log, want the latest one", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM events WHERE kind = 'executions.pruned' AND at > ?`, ms(time.Now().Add(-time.Hour))); n != 1 {
			t.Fatalf("the latest pruning entry is gone (%d recent ones)", n)
		}
	})
}
