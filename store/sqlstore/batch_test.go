package sqlstore

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/weftrun/weft/store"
)

// bothDialects runs f on a fresh, migrated SQLite store and, when
// WEFT_TEST_POSTGRES_URL is set, on a Postgres one.
func bothDialects(t *testing.T, f func(t *testing.T, s *Store)) {
	for name, open := range map[string]func(*testing.T) *Store{"sqlite": openSQLite, "postgres": openPostgres} {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			migrated(t, s)
			f(t, s)
		})
	}
}

// stallBatcher replaces s's committers with none, so that writes wait in
// the queue until the test takes them.
func stallBatcher(s *Store) *batcher {
	s.batch.close()
	s.batch = &batcher{s: s, ops: make(chan *writeOp, 4096), stop: make(chan struct{})}
	return s.batch
}

// queue starts calls, each in a goroutine, and returns the operations they
// queued once all are waiting, and a function that waits for the calls'
// errors.
func queue(t *testing.T, b *batcher, calls ...func() error) ([]*writeOp, func() []error) {
	t.Helper()
	errs := make([]error, len(calls))
	done := make(chan struct{})
	for i, call := range calls {
		go func() {
			errs[i] = call()
			done <- struct{}{}
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(b.ops) < len(calls) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d writes queued", len(b.ops), len(calls))
		}
		time.Sleep(time.Millisecond)
	}
	ops := make([]*writeOp, len(calls))
	for i := range ops {
		ops[i] = <-b.ops
	}
	return ops, func() []error {
		for range calls {
			<-done
		}
		return errs
	}
}

func count(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(s.q(query), args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func running(w *store.Workflow) *store.Execution {
	return &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "webhook", Status: store.StatusRunning}
}

// emptyWorkflow stores a workflow with no nodes.
func emptyWorkflow(t *testing.T, s *Store) *store.Workflow {
	t.Helper()
	w, err := s.CreateWorkflow(ctx, "w", json.RawMessage(`{"name":"w","nodes":[],"connections":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// workflowWithExecution stores a workflow and one running execution of it.
func workflowWithExecution(t *testing.T, s *Store) (*store.Workflow, *store.Execution) {
	t.Helper()
	w := emptyWorkflow(t, s)
	x, err := s.CreateExecution(ctx, running(w))
	if err != nil {
		t.Fatal(err)
	}
	return w, x
}

// TestBatch_FailedCheckFailsOnlyItsOperation: finishing a missing
// execution in a batch fails that call alone, changes nothing, and the
// batch commits as one.
func TestBatch_FailedCheckFailsOnlyItsOperation(t *testing.T) {
	bothDialects(t, func(t *testing.T, s *Store) {
		w, x := workflowWithExecution(t, s)
		b := stallBatcher(s)
		var a *store.Execution
		ops, wait := queue(t, b,
			func() (err error) { a, err = s.CreateExecution(ctx, running(w)); return err },
			func() error {
				return s.FinishExecution(ctx, x.ID, store.StatusSuccess, nil, "n", json.RawMessage(`{"x":1}`), nil)
			},
			func() error {
				return s.FinishExecution(ctx, "missing", store.StatusSuccess, nil, "n", json.RawMessage(`{"m":1}`), json.RawMessage(`[]`))
			},
		)
		errs, err := s.commit(ctx, ops)
		if err != nil {
			t.Fatalf("the batch failed: %v", err)
		}
		for i, op := range ops {
			op.done <- errs[i]
		}
		got := wait()
		if got[0] != nil || got[1] != nil || !errors.Is(got[2], store.ErrNotFound) {
			t.Fatalf("outcomes %v, want nil, nil, ErrNotFound", got)
		}
		if e, err := s.GetExecution(ctx, a.ID); err != nil || e.Status != store.StatusRunning {
			t.Fatalf("created execution: %+v, %v", e, err)
		}
		if e, err := s.GetExecution(ctx, x.ID); err != nil || e.Status != store.StatusSuccess || string(e.RunData) != `{"x":1}` {
			t.Fatalf("finished execution: %+v, %v", e, err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM events WHERE execution_id = ?`, "missing"); n != 0 {
			t.Errorf("%d events for the missing execution", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM execution_data WHERE execution_id = ?`, "missing"); n != 0 {
			t.Errorf("%d run data rows for the missing execution", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM events WHERE kind = 'execution.finished' AND execution_id = ? AND workflow_id = ?`, x.ID, w.ID); n != 1 {
			t.Errorf("%d execution.finished events for the finished execution, want 1", n)
		}
	})
}

// TestBatch_FailedStatementRollsBackTheBatch: one statement that fails
// undoes the statements of every operation committed with it, those
// before it included.
func TestBatch_FailedStatementRollsBackTheBatch(t *testing.T) {
	bothDialects(t, func(t *testing.T, s *Store) {
		w, err := s.CreateWorkflow(ctx, "w", json.RawMessage(`{"name":"w","nodes":[],"connections":{}}`))
		if err != nil {
			t.Fatal(err)
		}
		b := stallBatcher(s)
		ops, wait := queue(t, b,
			func() error { _, err := s.CreateExecution(ctx, running(w)); return err },
		)
		bad := &writeOp{stmts: []statement{{query: sqlInsertExecution, args: []any{"bad", "no-such-workflow", 1, store.StatusRunning, "webhook", int64(1), "", "", "", nil, "", int64(0)}}}}
		if _, err := s.commit(ctx, append(ops, bad)); err == nil {
			t.Fatal("a batch with an execution of a missing workflow committed")
		}
		if n := count(t, s, `SELECT COUNT(*) FROM executions`); n != 0 {
			t.Fatalf("%d executions after the batch rolled back", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM events WHERE kind = 'execution.created'`); n != 0 {
			t.Fatalf("%d execution.created events after the batch rolled back", n)
		}
		ops[0].done <- nil
		wait()
	})
}

// TestBatch_FallbackGivesEachCallerItsOutcome: after a batch fails, each
// operation runs alone; the good ones commit and the bad one's caller gets
// its own error.
func TestBatch_FallbackGivesEachCallerItsOutcome(t *testing.T) {
	bothDialects(t, func(t *testing.T, s *Store) {
		w, x := workflowWithExecution(t, s)
		b := stallBatcher(s)
		var a *store.Execution
		ops, wait := queue(t, b,
			func() (err error) { a, err = s.CreateExecution(ctx, running(w)); return err },
			func() error {
				_, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: "no-such-workflow", WorkflowVersion: 1, Mode: "webhook"})
				return err
			},
			func() error {
				return s.FinishExecution(ctx, x.ID, store.StatusError, json.RawMessage(`{"message":"m"}`), "n", nil, nil)
			},
			func() error { return s.FinishExecution(ctx, "missing", store.StatusSuccess, nil, "n", nil, nil) },
			func() error {
				return s.SaveTaskResults(ctx, []store.TaskResult{{TaskID: "t1", ExecutionID: x.ID, Result: json.RawMessage(`1`)}, {TaskID: "t2", ExecutionID: x.ID, Result: json.RawMessage(`2`)}})
			},
		)
		if errs, err := s.commit(ctx, ops); err == nil {
			t.Fatalf("the batch committed: %v", errs)
		}
		b.run(ops)
		got := wait()
		if got[0] != nil || got[1] == nil || errors.Is(got[1], store.ErrNotFound) || got[2] != nil || !errors.Is(got[3], store.ErrNotFound) || got[4] != nil {
			t.Fatalf("outcomes %v, want nil, a foreign key error, nil, ErrNotFound, nil", got)
		}
		if _, err := s.GetExecution(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if e, err := s.GetExecution(ctx, x.ID); err != nil || e.Status != store.StatusError {
			t.Fatalf("finished execution: %+v, %v", e, err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM executions`); n != 2 {
			t.Fatalf("%d executions, want 2", n)
		}
	})
}

// TestLazyWritesWaitForCompany: a batch of writes nobody waits on holds
// its commit for another write, and goes as soon as one that is waited on
// joins it.
func TestLazyWritesWaitForCompany(t *testing.T) {
	b := &batcher{ops: make(chan *writeOp, 16), stop: make(chan struct{}), lazyWait: time.Hour}
	lazy := func() *writeOp { return &writeOp{lazy: true} }
	got := make(chan []*writeOp, 1)
	first, second, urgent := lazy(), lazy(), &writeOp{}
	go func() { got <- b.fill([]*writeOp{first}) }()
	b.ops <- second
	select {
	case batch := <-got:
		t.Fatalf("a batch of %d lazy writes was committed without waiting for company", len(batch))
	case <-time.After(50 * time.Millisecond):
	}
	b.ops <- urgent
	batch := <-got
	if len(batch) != 3 || batch[0] != first || batch[1] != second || batch[2] != urgent {
		t.Fatalf("batch = %v, want the two lazy writes and the urgent one", batch)
	}

	// A write that is waited on never waits.
	b.lazyWait = time.Hour
	if batch := b.fill([]*writeOp{urgent}); len(batch) != 1 {
		t.Fatalf("batch = %v, want the urgent write alone", batch)
	}
	// Nor does a lazy write for ever.
	b.lazyWait = time.Millisecond
	if batch := b.fill([]*writeOp{first}); len(batch) != 1 {
		t.Fatalf("batch = %v, want the lazy write alone", batch)
	}
}

// TestBusyWritersShareCommits: a write alone is committed at once however
// long the busy wait; a batch that found company waits for one more write
// and takes what came with it.
func TestBusyWritersShareCommits(t *testing.T) {
	b := &batcher{ops: make(chan *writeOp, maxBatch), stop: make(chan struct{}), busyWait: time.Hour}
	alone := make(chan []*writeOp, 1)
	go func() { alone <- b.fill([]*writeOp{{}}) }()
	select {
	case batch := <-alone:
		if len(batch) != 1 {
			t.Fatalf("batch = %v, want the one write", batch)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a write alone waited for company")
	}

	first, second, later := &writeOp{}, &writeOp{}, &writeOp{}
	b.ops <- second
	got := make(chan []*writeOp, 1)
	go func() { got <- b.fill([]*writeOp{first}) }()
	select {
	case batch := <-got:
		t.Fatalf("a batch of %d writes with company was committed without waiting for another", len(batch))
	case <-time.After(50 * time.Millisecond):
	}
	b.ops <- later
	batch := <-got
	if len(batch) != 3 || batch[0] != first || batch[1] != second || batch[2] != later {
		t.Fatalf("batch = %v, want the two writes and the one that came", batch)
	}
}

// TestFinishExecution_UnhurriedIsLazy: recording an outcome whose caller
// marked it unhurried queues a lazy write; otherwise it is committed at
// once. Both commit the same rows.
func TestFinishExecution_UnhurriedIsLazy(t *testing.T) {
	bothDialects(t, func(t *testing.T, s *Store) {
		w, x := workflowWithExecution(t, s)
		y, err := s.CreateExecution(ctx, running(w))
		if err != nil {
			t.Fatal(err)
		}
		b := stallBatcher(s)
		ops, wait := queue(t, b, func() error {
			return s.FinishExecution(store.Unhurried(ctx), x.ID, store.StatusSuccess, nil, "n", json.RawMessage(`{"x":1}`), nil)
		})
		more, waitMore := queue(t, b, func() error {
			return s.FinishExecution(ctx, y.ID, store.StatusSuccess, nil, "n", json.RawMessage(`{"y":1}`), nil)
		})
		if !ops[0].lazy || more[0].lazy {
			t.Fatalf("lazy: unhurried %v, plain %v; want true, false", ops[0].lazy, more[0].lazy)
		}
		b.run(append(ops, more...))
		if errs := append(wait(), waitMore()...); errs[0] != nil || errs[1] != nil {
			t.Fatalf("finishing: %v", errs)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM executions WHERE status = 'success'`); n != 2 {
			t.Fatalf("%d executions finished, want 2", n)
		}
	})
}

// TestDriverValue: arguments reach the driver as database/sql would pass
// them.
func TestDriverValue(t *testing.T) {
	for _, c := range []struct {
		in   any
		want driver.Value
	}{
		{nil, nil}, {"s", "s"}, {int64(7), int64(7)}, {7, int64(7)}, {int32(7), int64(7)}, {true, true}, {1.5, 1.5},
		{[]byte("b"), []byte("b")}, {json.RawMessage(`{"a":1}`), []byte(`{"a":1}`)},
		{sql.NullString{String: "v", Valid: true}, "v"}, {sql.NullString{}, nil},
	} {
		got, err := driverValue(c.in)
		if err != nil {
			t.Fatalf("driverValue(%#v): %v", c.in, err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Fatalf("driverValue(%#v) = %#v, want %#v", c.in, got, c.want)
		}
	}
	if _, err := driverValue(struct{}{}); err == nil {
		t.Fatal("driverValue(struct{}{}) succeeded, want an error")
	}
}

// TestStandbyCommitterTakesOverAStuckCommit: with Postgres, one committer
// gathers the writes, and while its commit is held up (here by a row lock
// another transaction keeps) the standby commits the writes queued behind
// it; once the commit goes through, the one committer takes them again.
func TestStandbyCommitterTakesOverAStuckCommit(t *testing.T) {
	s := openPostgres(t)
	defer s.Close()
	migrated(t, s)
	w := emptyWorkflow(t, s)
	var ids []string
	for range 2 {
		e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "manual", Status: store.StatusRunning})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	lock, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	if _, err := lock.ExecContext(ctx, `SELECT id FROM executions WHERE id = $1 FOR UPDATE`, ids[0]); err != nil {
		t.Fatal(err)
	}
	commits0, _ := s.WriteStats()
	stuck := make(chan error, 1)
	go func() {
		stuck <- s.FinishExecution(ctx, ids[0], store.StatusSuccess, nil, "", json.RawMessage(`{}`), nil)
	}()
	// The committer is held on the lock: its commit has begun.
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, _ := s.WriteStats(); c > commits0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first write was never committed")
		}
		time.Sleep(time.Millisecond)
	}
	second := make(chan error, 1)
	go func() {
		second <- s.FinishExecution(ctx, ids[1], store.StatusSuccess, nil, "", json.RawMessage(`{}`), nil)
	}()
	select {
	case err := <-second:
		if err != nil {
			t.Fatalf("a write queued behind a stuck commit: %v", err)
		}
	case <-time.After(10 * time.Second):
		_ = lock.Rollback()
		<-stuck
		<-second
		t.Fatal("a write queued behind a stuck commit waited for it")
	}
	select {
	case err := <-stuck:
		t.Fatalf("the stuck write finished before its lock was released: %v", err)
	default:
	}
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-stuck; err != nil {
		t.Fatalf("the stuck write: %v", err)
	}
	for _, id := range ids {
		if e, err := s.GetExecution(ctx, id); err != nil || e.Status != store.StatusSuccess {
			t.Fatalf("execution %s: %+v, %v", id, e, err)
		}
	}
}
