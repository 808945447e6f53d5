package sqlstore

import (
	"testing"
	"time"

	"github.com/weftrun/weft/store"
)

// TestManyRowUpdatesSkipLockedExecutions holds one execution's row in an
// open transaction, as a group commit finishing it does, and renews leases
// and wakes waiting executions meanwhile. They must take the other rows
// and leave the held one: had they waited for it, a commit that goes on
// to lock another of their rows deadlocks with them, and Postgres stalls
// both for deadlock_timeout before failing one.
func TestManyRowUpdatesSkipLockedExecutions(t *testing.T) {
	s := openPostgres(t)
	defer s.Close()
	migrated(t, s)
	w := emptyWorkflow(t, s)
	now := time.Now()
	mk := func() string {
		e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "trigger", Status: store.StatusRunning,
			Owner: "cp", LeaseUntil: now.Add(time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		return e.ID
	}
	held, free := mk(), mk()
	heldWait, freeWait := mk(), mk()
	for _, id := range []string{heldWait, freeWait} {
		if err := s.SuspendExecution(ctx, id, now.Add(-time.Second), id+"/Wait/0", false, "", nil); err != nil {
			t.Fatal(err)
		}
	}

	lock, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	for _, id := range []string{held, heldWait} {
		if _, err := lock.ExecContext(ctx, `UPDATE executions SET last_node_executed = 'N' WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
	}

	type outcome struct {
		n   int
		err error
	}
	within := func(what string, f func() (int, error)) int {
		t.Helper()
		done := make(chan outcome, 1)
		go func() { n, err := f(); done <- outcome{n, err} }()
		select {
		case o := <-done:
			if o.err != nil {
				t.Fatalf("%s: %v", what, o.err)
			}
			return o.n
		case <-time.After(10 * time.Second):
			_ = lock.Rollback()
			<-done
			t.Fatalf("%s waited for a row another transaction holds", what)
			return 0
		}
	}
	if n := within("RenewLeases", func() (int, error) { return s.RenewLeases(ctx, "cp", []string{held, free}, now.Add(time.Hour)) }); n != 1 {
		t.Fatalf("RenewLeases renewed %d executions, want 1 (the one not held)", n)
	}
	if n := within("WakeExecutions", func() (int, error) { return s.WakeExecutions(ctx, now) }); n != 1 {
		t.Fatalf("WakeExecutions woke %d executions, want 1 (the one not held)", n)
	}
	if err := lock.Commit(); err != nil {
		t.Fatal(err)
	}
	lease := func(id string) time.Time {
		e, err := s.GetExecution(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return e.LeaseUntil
	}
	if lease(free).Before(now.Add(30 * time.Minute)) {
		t.Errorf("the free execution's lease was not renewed: %v", lease(free))
	}
	if lease(held).After(now.Add(30 * time.Minute)) {
		t.Errorf("the held execution's lease was renewed through its lock")
	}
	status := func(id string) string {
		e, err := s.GetExecution(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return e.Status
	}
	if status(freeWait) != store.StatusRunning || status(heldWait) != store.StatusWaiting {
		t.Errorf("after waking: free %s, held %s; want running and waiting", status(freeWait), status(heldWait))
	}
	// Released, the held one is taken the next time.
	if n, err := s.WakeExecutions(ctx, now); err != nil || n != 1 {
		t.Fatalf("WakeExecutions after the lock = %d, %v; want 1", n, err)
	}
}
