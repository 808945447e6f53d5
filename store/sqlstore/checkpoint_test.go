package sqlstore

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
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

// TestCheckpointerAsksTheWriterToCatchUp: a pass that finds the log at
// the restart length or longer asks the writer to catch up; a shorter
// log is left alone.
func TestCheckpointerAsksTheWriterToCatchUp(t *testing.T) {
	s := openSQLite(t)
	defer s.Close()
	migrated(t, s)
	w, _ := workflowWithExecution(t, s)
	asked := 0
	c := &checkpointer{db: s.ckpt.db, restart: 1 << 30, catchUp: func() { asked++ }}
	if _, err := s.CreateExecution(ctx, running(w)); err != nil {
		t.Fatal(err)
	}
	c.pass(ctx)
	if asked != 0 {
		t.Fatalf("asked the writer to catch up %d times with a short log", asked)
	}
	if _, err := s.CreateExecution(ctx, running(w)); err != nil {
		t.Fatal(err)
	}
	c.restart = 1
	if !c.pass(ctx) {
		t.Fatal("a pass after a commit reported nothing committed")
	}
	if asked != 1 {
		t.Fatalf("asked the writer to catch up %d times with a long log, want once", asked)
	}
	// Nothing committed since: the pass does nothing and says so.
	if c.pass(ctx) || asked != 1 {
		t.Fatalf("a pass with nothing committed since the last reported a commit or asked the writer to catch up (asked %d times)", asked)
	}
}

// TestTheLogStaysShortUnderSteadyWrites: with writers never pausing, the
// checkpointer and the writer between them keep the log file near
// restartPages instead of letting it grow to writerCheckpointPages.
func TestTheLogStaysShortUnderSteadyWrites(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(ctx, "sqlite:"+filepath.Join(dir, "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	migrated(t, s)
	w, _ := workflowWithExecution(t, s)
	var pageSize int64
	if err := s.db.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	limit := 2 * restartPages * (pageSize + 24)
	wal := filepath.Join(dir, "weft.db-wal")
	var written int64
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	// Writes for eight restart lengths of log, run by 8 writers at once.
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				stop := written > 8*restartPages*pageSize || firstErr != nil
				mu.Unlock()
				if stop {
					return
				}
				e, err := s.CreateExecution(ctx, running(w))
				if err == nil {
					err = s.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "n", json.RawMessage(`{"n":[1,2,3]}`), nil)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				// About ten pages of log an execution (docs/benchmarks.md).
				written += 10 * pageSize
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	fi, err := os.Stat(wal)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("log file: %d pages", fi.Size()/pageSize)
	if fi.Size() > limit {
		t.Fatalf("the log file grew to %d bytes (%d pages); want at most about %d pages", fi.Size(), fi.Size()/pageSize, 2*restartPages)
	}
}
