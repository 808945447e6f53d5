package sqlstore

import (
	"encoding/json"
	"testing"

	"github.com/weftrun/weft/store"
)

// TestCheckpointer: the writer leaves the WAL to the checkpointer up to
// writerCheckpointPages, and a checkpoint from the checkpointer's own
// connection copies everything committed back into the database while the
// store stays open.
func TestCheckpointer(t *testing.T) {
	s := openSQLite(t)
	defer s.Close()
	migrated(t, s)
	var auto int
	if err := s.db.QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil {
		t.Fatal(err)
	}
	if auto != writerCheckpointPages {
		t.Fatalf("the writer checkpoints past %d pages, want %d", auto, writerCheckpointPages)
	}
	w, _ := workflowWithExecution(t, s)
	for range 50 {
		e, err := s.CreateExecution(ctx, running(w))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "n", json.RawMessage(`{"n":[1,2,3]}`), nil); err != nil {
			t.Fatal(err)
		}
	}
	log, done, err := s.ckpt.checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if log <= 0 || done != log {
		t.Fatalf("checkpoint: %d of %d log pages in the database, want all of at least one", done, log)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM executions WHERE status = 'success'`); n != 50 {
		t.Fatalf("%d finished executions after the checkpoint, want 50", n)
	}
}
