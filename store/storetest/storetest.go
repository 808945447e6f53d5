// Package storetest is the test suite every store.Store implementation
// passes: Run it with a function that opens a fresh, migrated store.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/store"
)

// Run runs the suite; open returns an empty, migrated store, closed by the
// suite.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		f    func(*testing.T, store.Store)
	}{
		{"WorkflowVersions", testWorkflowVersions},
		{"ConcurrentUpdatesConflict", testConcurrentUpdates},
		{"DocumentKeptByteForByte", testDocumentBytes},
		{"Activation", testActivation},
		{"ListWorkflowsPages", testListWorkflows},
		{"Executions", testExecutions},
		{"ListExecutionsFilters", testListExecutions},
		{"DeleteCascades", testDeleteCascades},
		{"Events", testEvents},
		{"Retention", testRetention},
		{"RetentionInStartOrder", testRetentionInStartOrder},
		{"NotFound", testNotFound},
		{"TaskResultsIdempotent", testTaskResults},
		{"ClaimAndRenewLeases", testLeases},
		{"WaitingExecutions", testWaiting},
		{"ConcurrentWritesOneFails", testConcurrentWrites},
		{"SchedulesFireOnce", testSchedules},
		{"LogsAndStaticData", testLogsAndStatic},
		{"WebhookRoutesAreExclusive", testWebhookRoutes},
		{"BlobRefs", testBlobRefs},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tc.f(t, s)
		})
	}
}

var ctx = context.Background()

func doc(name string, n int) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"name":%q,"nodes":[{"name":"n%d"}],"connections":{}}`, name, n))
}

func mustCreate(t *testing.T, s store.Store, name string) *store.Workflow {
	t.Helper()
	w, err := s.CreateWorkflow(ctx, name, doc(name, 1))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func testWorkflowVersions(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "orders")
	if w.ID == "" || w.Version != 1 || w.Active() {
		t.Fatalf("created %+v", w)
	}
	w2, err := s.UpdateWorkflow(ctx, w.ID, 1, "orders v2", doc("orders", 2))
	if err != nil {
		t.Fatal(err)
	}
	if w2.Version != 2 || w2.Name != "orders v2" || string(w2.Document) != string(doc("orders", 2)) {
		t.Fatalf("after update: %+v", w2)
	}
	vs, err := s.ListVersions(ctx, w.ID)
	if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[1].Version != 1 {
		t.Fatalf("versions %v, %v", vs, err)
	}
	v1, err := s.GetVersion(ctx, w.ID, 1)
	if err != nil || string(v1.Document) != string(doc("orders", 1)) || v1.Name != "orders" {
		t.Fatalf("version 1 is immutable: %+v, %v", v1, err)
	}
	if _, err := s.UpdateWorkflow(ctx, w.ID, 1, "stale", doc("stale", 9)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("update from a stale version: %v, want ErrConflict", err)
	}
	got, _ := s.GetWorkflow(ctx, w.ID)
	if got.Version != 2 || got.Name != "orders v2" {
		t.Fatalf("a refused update changed the workflow: %+v", got)
	}
}

// testConcurrentUpdates: of several writers starting from one version,
// exactly one wins; the others get ErrConflict and nothing is lost.
func testConcurrentUpdates(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "race")
	const writers = 8
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.UpdateWorkflow(ctx, w.ID, 1, fmt.Sprintf("writer %d", i), doc("race", i+10))
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d writers won, want exactly 1", wins)
	}
	vs, _ := s.ListVersions(ctx, w.ID)
	if len(vs) != 2 {
		t.Fatalf("%d versions, want 2", len(vs))
	}

	// Writers that keep reading and updating each get back the version
	// they wrote, never one written after it: its ETag is what the writer
	// next sends as If-Match.
	var mismatch atomic.Value
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 15 {
				cur, err := s.GetWorkflow(ctx, w.ID)
				if err != nil {
					mismatch.Store(err.Error())
					return
				}
				name := fmt.Sprintf("writer %d edit %d", i, n)
				got, err := s.UpdateWorkflow(ctx, w.ID, cur.Version, name, doc("race", i))
				if err == nil && (got.Version != cur.Version+1 || got.Name != name) {
					mismatch.Store(fmt.Sprintf("update of version %d as %q answered version %d %q", cur.Version, name, got.Version, got.Name))
				}
			}
		}()
	}
	wg.Wait()
	if m := mismatch.Load(); m != nil {
		t.Fatal(m)
	}
}

func testDocumentBytes(t *testing.T, s store.Store) {
	raw := json.RawMessage("{\"z\":1,  \"a\":[1.0, 2e3],\n\"é\":\"\\u00e9\"}")
	w, err := s.CreateWorkflow(ctx, "bytes", raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetWorkflow(ctx, w.ID)
	if err != nil || string(got.Document) != string(raw) {
		t.Fatalf("document changed: %s, %v", got.Document, err)
	}
}

func testActivation(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "active")
	if _, err := s.UpdateWorkflow(ctx, w.ID, 1, "active", doc("active", 2)); err != nil {
		t.Fatal(err)
	}
	a, err := s.SetActiveVersion(ctx, w.ID, 1)
	if err != nil || a.ActiveVersion != 1 || !a.Active() || a.Version != 2 {
		t.Fatalf("activate version 1: %+v, %v", a, err)
	}
	if _, err := s.SetActiveVersion(ctx, w.ID, 7); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("activating a missing version: %v", err)
	}
	d, err := s.SetActiveVersion(ctx, w.ID, 0)
	if err != nil || d.Active() {
		t.Fatalf("deactivate: %+v, %v", d, err)
	}
}

func testListWorkflows(t *testing.T, s store.Store) {
	ids := map[string]bool{}
	for i := range 7 {
		ids[mustCreate(t, s, fmt.Sprintf("w%d", i)).ID] = true
	}
	seen := map[string]bool{}
	cursor, pages := "", 0
	for {
		page, next, err := s.ListWorkflows(ctx, store.Page{After: cursor, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, w := range page {
			if seen[w.ID] {
				t.Fatalf("workflow %s on two pages", w.ID)
			}
			seen[w.ID] = true
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != 7 || pages != 3 {
		t.Fatalf("saw %d workflows on %d pages, want 7 on 3", len(seen), pages)
	}
	for id := range ids {
		if !seen[id] {
			t.Fatalf("workflow %s missing from the pages", id)
		}
	}
}

func testExecutions(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "runs")
	e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "manual", Status: store.StatusRunning})
	if err != nil || e.ID == "" {
		t.Fatalf("create execution: %+v, %v", e, err)
	}
	got, err := s.GetExecution(ctx, e.ID)
	if err != nil || got.Status != store.StatusRunning || got.RunData != nil || !got.FinishedAt.IsZero() {
		t.Fatalf("running execution: %+v, %v", got, err)
	}
	runData := json.RawMessage(`{"Start":[{"startTime":1,"data":{"main":[[{"json":{}}]]}}]}`)
	errDoc := json.RawMessage(`{"node":"Set","message":"boom"}`)
	if err := s.FinishExecution(ctx, e.ID, store.StatusError, errDoc, "Set", runData, nil); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetExecution(ctx, e.ID)
	if err != nil || got.Status != store.StatusError || string(got.RunData) != string(runData) || string(got.Error) != string(errDoc) || got.LastNodeExecuted != "Set" || got.FinishedAt.IsZero() {
		t.Fatalf("finished execution: %+v, %v", got, err)
	}
	retry, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "retry", RetryOf: e.ID})
	if err != nil || retry.Status != store.StatusNew {
		t.Fatal(err)
	}
	if got, _ := s.GetExecution(ctx, retry.ID); got.RetryOf != e.ID {
		t.Fatalf("retry-of lost: %+v", got)
	}
	if err := s.FinishExecution(ctx, "missing", store.StatusSuccess, nil, "", nil, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("finishing a missing execution: %v", err)
	}
}

func testListExecutions(t *testing.T, s store.Store) {
	a, b := mustCreate(t, s, "a"), mustCreate(t, s, "b")
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var created []string
	for i := range 6 {
		w := a
		if i%3 == 2 {
			w = b
		}
		e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "manual", StartedAt: base.Add(time.Duration(i) * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		created = append(created, e.ID)
		status := store.StatusSuccess
		if i%2 == 1 {
			status = store.StatusError
		}
		if err := s.FinishExecution(ctx, e.ID, status, nil, "", nil, nil); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // ids sort by creation time
	}
	all, _, err := s.ListExecutions(ctx, store.ExecutionFilter{}, store.Page{})
	if err != nil || len(all) != 6 || all[0].ID != created[5] || all[5].ID != created[0] {
		t.Fatalf("all executions newest first: %d, %v", len(all), err)
	}
	count := func(f store.ExecutionFilter) int {
		n, cursor := 0, ""
		for {
			page, next, err := s.ListExecutions(ctx, f, store.Page{After: cursor, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			n += len(page)
			if next == "" {
				return n
			}
			cursor = next
		}
	}
	if n := count(store.ExecutionFilter{WorkflowID: a.ID}); n != 4 {
		t.Errorf("workflow a: %d executions, want 4", n)
	}
	if n := count(store.ExecutionFilter{Status: store.StatusError}); n != 3 {
		t.Errorf("status error: %d, want 3", n)
	}
	if n := count(store.ExecutionFilter{StartedAfter: base.Add(2 * time.Hour), StartedBefore: base.Add(4 * time.Hour)}); n != 2 {
		t.Errorf("started in [2h, 4h): %d, want 2", n)
	}
	if n := count(store.ExecutionFilter{WorkflowID: b.ID, Status: store.StatusSuccess}); n != 1 {
		t.Errorf("workflow b, success: %d, want 1", n)
	}
}

func testDeleteCascades(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "gone")
	e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "manual"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "", json.RawMessage(`{}`), nil); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteWorkflow(ctx, w.ID, 5); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("delete with a stale version: %v", err)
	}
	if err := s.DeleteWorkflow(ctx, w.ID, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetWorkflow(ctx, w.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted workflow: %v", err)
	}
	if _, err := s.GetExecution(ctx, e.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("execution of a deleted workflow: %v", err)
	}
	w2 := mustCreate(t, s, "keep")
	e2, _ := s.CreateExecution(ctx, &store.Execution{WorkflowID: w2.ID, WorkflowVersion: 1, Mode: "manual"})
	if err := s.DeleteExecution(ctx, e2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetExecution(ctx, e2.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted execution: %v", err)
	}
	// A running execution stays: it would go on writing for rows gone.
	e3, _ := s.CreateExecution(ctx, &store.Execution{WorkflowID: w2.ID, WorkflowVersion: 1, Mode: "manual", Status: store.StatusRunning})
	if err := s.DeleteExecution(ctx, e3.ID); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("deleting a running execution: %v, want ErrConflict", err)
	}
	if _, err := s.GetExecution(ctx, e3.ID); err != nil {
		t.Fatalf("the running execution after a refused delete: %v", err)
	}
	if _, err := s.GetWorkflow(ctx, w2.ID); err != nil {
		t.Fatalf("deleting an execution deleted its workflow: %v", err)
	}
}

func testEvents(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "log")
	if _, err := s.UpdateWorkflow(ctx, w.ID, 1, "log", doc("log", 2)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetActiveVersion(ctx, w.ID, 2); err != nil {
		t.Fatal(err)
	}
	e, _ := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 2, Mode: "webhook"})
	_ = s.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "", nil, nil)
	evs, err := s.Events(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range evs {
		kinds = append(kinds, ev.Kind)
	}
	want := "workflow.created workflow.updated workflow.activated execution.created execution.finished"
	if fmt.Sprint(kinds) != "["+want+"]" {
		t.Fatalf("events %v, want [%s]", kinds, want)
	}
	more, _ := s.Events(ctx, evs[2].ID, 100)
	if len(more) != 2 || more[0].ExecutionID != e.ID {
		t.Fatalf("events after the third: %+v", more)
	}
	if latest, err := s.LatestEventID(ctx); err != nil || latest != more[1].ID {
		t.Fatalf("latest event %d, %v; want %d", latest, err, more[1].ID)
	}
	// Workflow entries only, passing over the execution's.
	if _, err := s.SetActiveVersion(ctx, w.ID, 0); err != nil {
		t.Fatal(err)
	}
	wevs, err := s.WorkflowEvents(ctx, evs[1].ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	kinds = nil
	for _, ev := range wevs {
		if ev.WorkflowID != w.ID {
			t.Errorf("%s names workflow %q, want %q", ev.Kind, ev.WorkflowID, w.ID)
		}
		kinds = append(kinds, ev.Kind)
	}
	if fmt.Sprint(kinds) != "[workflow.activated workflow.deactivated]" {
		t.Fatalf("workflow events after the second: %v", kinds)
	}
	for i, want := range []map[string]string{{"mode": "webhook"}, {"status": "success"}} {
		var got map[string]string
		if err := json.Unmarshal(more[i].Detail, &got); err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s detail %s (%v), want %v", more[i].Kind, more[i].Detail, err, want)
		}
	}
}

func testNotFound(t *testing.T, s store.Store) {
	if _, err := s.GetWorkflow(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetWorkflow: %v", err)
	}
	if _, err := s.UpdateWorkflow(ctx, "nope", 1, "x", doc("x", 1)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateWorkflow: %v", err)
	}
	if _, err := s.ListVersions(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ListVersions: %v", err)
	}
	if _, err := s.GetVersion(ctx, "nope", 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetVersion: %v", err)
	}
	if _, err := s.SetActiveVersion(ctx, "nope", 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetActiveVersion: %v", err)
	}
	if _, err := s.GetExecution(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetExecution: %v", err)
	}
	if err := s.DeleteExecution(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteExecution: %v", err)
	}
	if err := s.DeleteWorkflow(ctx, "nope", 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteWorkflow: %v", err)
	}
}

func testRetention(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "old")
	now := time.Now()
	var ids []string
	for i := range 10 {
		e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "trigger", StartedAt: now.Add(time.Duration(i-10) * 24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if i != 0 { // the oldest stays running: never pruned
			if err := s.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "", json.RawMessage(`{}`), nil); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, e.ID)
		time.Sleep(2 * time.Millisecond)
	}
	// Older than 7 days: executions 0..3 started 10..7 days ago; 0 runs.
	n, err := s.PruneExecutions(ctx, store.Retention{MaxAge: 7*24*time.Hour - time.Hour, Batch: 2})
	if err != nil || n != 3 {
		t.Fatalf("pruned %d by age, %v; want 3", n, err)
	}
	if _, err := s.GetExecution(ctx, ids[0]); err != nil {
		t.Fatalf("a running execution was pruned: %v", err)
	}
	// Keep the newest 4 of the 7 left: 4..5 go (0 still runs).
	n, err = s.PruneExecutions(ctx, store.Retention{MaxCount: 4, Batch: 1})
	if err != nil || n != 2 {
		t.Fatalf("pruned %d by count, %v; want 2", n, err)
	}
	left, _, _ := s.ListExecutions(ctx, store.ExecutionFilter{}, store.Page{})
	if len(left) != 5 || left[0].ID != ids[9] || left[3].ID != ids[6] || left[4].ID != ids[0] {
		t.Fatalf("%d executions left", len(left))
	}
	// The change log kept the entries of the executions left, and of the
	// workflow, and lost those of the pruned ones.
	evs, err := s.Events(ctx, 0, store.MaxPageSize)
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]int{}
	var pruned []string
	for _, ev := range evs {
		kept[ev.ExecutionID]++
		if ev.Kind == "executions.pruned" {
			pruned = append(pruned, string(ev.Detail))
		}
	}
	// One entry per pruning, not per batch.
	if fmt.Sprint(pruned) != `[{"count":3} {"count":2}]` {
		t.Errorf("pruning entries %v, want one per pruning with its count", pruned)
	}
	for i, id := range ids {
		want := 0
		switch {
		case i == 0:
			want = 1 // created, still running
		case i >= 6:
			want = 2 // created, finished
		}
		if kept[id] != want {
			t.Errorf("execution %d: %d change log entries, want %d", i, kept[id], want)
		}
	}
	if kept[""] == 0 {
		t.Error("pruning removed the workflow's entries")
	}
	if n, err := s.PruneExecutions(ctx, store.Retention{}); err != nil || n != 0 {
		t.Fatalf("an empty retention pruned %d, %v", n, err)
	}
}

func testTaskResults(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "results")
	start := json.RawMessage(`[[{"json":{"a":1}}]]`)
	e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "webhook", Status: store.StatusRunning, StartNode: "Webhook", StartData: start})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetExecution(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.StartNode != "Webhook" || string(got.StartData) != string(start) {
		t.Fatalf("start = %q %s, want Webhook %s", got.StartNode, got.StartData, start)
	}
	first := []store.TaskResult{
		{TaskID: e.ID + "/A/0/0", ExecutionID: e.ID, Result: json.RawMessage(`{"n":1}`)},
		{TaskID: e.ID + "/B/0/0", ExecutionID: e.ID, Result: json.RawMessage(`{"n":2}`)},
	}
	if err := s.SaveTaskResults(ctx, first); err != nil {
		t.Fatal(err)
	}
	// A redelivered result for a committed task keeps the first one; new
	// ones in the same batch are still saved.
	again := []store.TaskResult{
		{TaskID: e.ID + "/A/0/0", ExecutionID: e.ID, Result: json.RawMessage(`{"n":99}`)},
		{TaskID: e.ID + "/C/0/0", ExecutionID: e.ID, Result: json.RawMessage(`{"n":3}`)},
	}
	if err := s.SaveTaskResults(ctx, again); err != nil {
		t.Fatal(err)
	}
	r, err := s.TaskResult(ctx, e.ID+"/A/0/0")
	if err != nil || string(r) != `{"n":1}` {
		t.Fatalf("TaskResult A = %s, %v; want the first result", r, err)
	}
	all, err := s.TaskResults(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || string(all[e.ID+"/C/0/0"]) != `{"n":3}` {
		t.Fatalf("TaskResults = %v", all)
	}
	if _, err := s.TaskResult(ctx, "nope/x/0/0"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing task result: %v, want ErrNotFound", err)
	}
	if err := s.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "C", json.RawMessage(`{}`), nil); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.TaskResults(ctx, e.ID); len(all) != 0 {
		t.Fatalf("results kept after finishing: %v", all)
	}
	// Many results in one batch (several statements).
	e2, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "webhook", Status: store.StatusRunning})
	if err != nil {
		t.Fatal(err)
	}
	var many []store.TaskResult
	for i := range 450 {
		many = append(many, store.TaskResult{TaskID: fmt.Sprintf("%s/N/%d/0", e2.ID, i), ExecutionID: e2.ID, Result: json.RawMessage(fmt.Sprint(i))})
	}
	if err := s.SaveTaskResults(ctx, many); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.TaskResults(ctx, e2.ID); len(all) != 450 || string(all[e2.ID+"/N/449/0"]) != "449" {
		t.Fatalf("got %d results", len(all))
	}
	// A failed execution keeps its results (a retry from the failed node
	// carries them over); deleting the execution takes them.
	if err := s.FinishExecution(ctx, e2.ID, store.StatusError, json.RawMessage(`{"message":"boom"}`), "N", json.RawMessage(`{}`), nil); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.TaskResults(ctx, e2.ID); len(all) != 450 {
		t.Fatalf("%d results kept after the execution failed, want 450", len(all))
	}
	if err := s.DeleteExecution(ctx, e2.ID); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.TaskResults(ctx, e2.ID); len(all) != 0 {
		t.Fatalf("%d results left after deleting the execution", len(all))
	}
	// A late result of the deleted execution is dropped, in a batch with
	// one of a live execution, which is saved.
	e3, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "webhook", Status: store.StatusRunning})
	if err != nil {
		t.Fatal(err)
	}
	late := []store.TaskResult{
		{TaskID: e2.ID + "/N/450/0", ExecutionID: e2.ID, Result: json.RawMessage(`1`)},
		{TaskID: e3.ID + "/A/0/0", ExecutionID: e3.ID, Result: json.RawMessage(`2`)},
	}
	for _, batch := range [][]store.TaskResult{late, late[:1], append(many[:0:0], many[:300]...)} {
		if err := s.SaveTaskResults(ctx, batch); err != nil {
			t.Fatalf("saving %d results, some of a deleted execution: %v", len(batch), err)
		}
	}
	if all, _ := s.TaskResults(ctx, e2.ID); len(all) != 0 {
		t.Fatalf("%d results saved for a deleted execution", len(all))
	}
	if r, err := s.TaskResult(ctx, e3.ID+"/A/0/0"); err != nil || string(r) != `2` {
		t.Fatalf("the live execution's result: %s, %v", r, err)
	}
}

func testLeases(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "leases")
	now := time.Now()
	mk := func(owner string, lease time.Time, status string) string {
		e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "trigger", Status: status, Owner: owner, LeaseUntil: lease})
		if err != nil {
			t.Fatal(err)
		}
		return e.ID
	}
	expired := mk("cp-a", now.Add(-time.Minute), store.StatusRunning)
	live := mk("cp-b", now.Add(time.Hour), store.StatusRunning)
	mk("cp-a", now.Add(-time.Minute), store.StatusSuccess)

	got, err := s.ClaimExecutions(ctx, "cp-c", now.Add(time.Minute), 10, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != expired || got[0].Owner != "cp-c" {
		t.Fatalf("claimed %+v, want only %s", got, expired)
	}
	// Claimed now: nobody else gets it until the lease ends.
	if again, _ := s.ClaimExecutions(ctx, "cp-d", now.Add(time.Minute), 10, false); len(again) != 0 {
		t.Fatalf("claimed twice: %+v", again)
	}
	// Only the running executions among the ids that cp-b holds: not the
	// one cp-c claimed, nor ids of none; past a few hundred ids as well.
	ids := []string{expired, live}
	for i := range 700 {
		ids = append(ids, fmt.Sprintf("missing-%d", i))
	}
	n, err := s.RenewLeases(ctx, "cp-b", ids, now.Add(2*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("RenewLeases = %d, %v; want 1", n, err)
	}
	if c, err := s.GetExecution(ctx, expired); err != nil || c.LeaseUntil.After(now.Add(90*time.Minute)) {
		t.Fatalf("the execution cp-c claimed: lease until %v (%v), want it left alone", c.LeaseUntil, err)
	}
	e, err := s.GetExecution(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	if e.Owner != "cp-b" || e.LeaseUntil.Before(now.Add(90*time.Minute)) {
		t.Fatalf("lease of %s = %s until %v", live, e.Owner, e.LeaseUntil)
	}
	// takeOver claims every running execution, leased or not.
	all, err := s.ClaimExecutions(ctx, "cp-e", now.Add(time.Minute), 10, true)
	if err != nil || len(all) != 2 {
		t.Fatalf("take over = %d executions, %v; want 2", len(all), err)
	}
}

func testWaiting(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "waits")
	now := time.Now()
	mk := func() string {
		e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "manual", Status: store.StatusRunning, Owner: "cp", LeaseUntil: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return e.ID
	}
	timed, hooked := mk(), mk()
	if err := s.SuspendExecution(ctx, timed, now.Add(-time.Second), timed+"/Wait/0/0", false, "", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SuspendExecution(ctx, hooked, time.Time{}, hooked+"/Wait/0/0", true, "POST", json.RawMessage(`{"Start":[{"startTime":1}]}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.SuspendExecution(ctx, hooked, time.Time{}, "x", true, "GET", nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("suspending a waiting execution: %v, want ErrConflict", err)
	}
	e, err := s.GetExecution(ctx, hooked)
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != store.StatusWaiting || !e.WaitWebhook || e.WaitMethod != "POST" || e.WaitTask != hooked+"/Wait/0/0" || e.Owner != "" || !e.WaitUntil.IsZero() {
		t.Fatalf("suspended execution: %+v", e)
	}
	// A parked execution shows the run data of the nodes before its wait.
	if string(e.RunData) != `{"Start":[{"startTime":1}]}` {
		t.Fatalf("suspended execution's run data: %s", e.RunData)
	}
	// Only the one whose time has come wakes, with an ended lease.
	n, err := s.WakeExecutions(ctx, now)
	if err != nil || n != 1 {
		t.Fatalf("WakeExecutions = %d, %v; want 1", n, err)
	}
	claimed, err := s.ClaimExecutions(ctx, "cp2", now.Add(time.Minute), 10, false)
	if err != nil || len(claimed) != 1 || claimed[0].ID != timed {
		t.Fatalf("claimed %v, %v; want %s", claimed, err, timed)
	}
	if err := s.ResumeWaiting(ctx, timed, json.RawMessage(`{}`)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("webhook resume of a running execution: %v, want ErrConflict", err)
	}
	if err := s.SaveTaskResults(ctx, []store.TaskResult{{TaskID: hooked + "/Wait/0/0", ExecutionID: hooked, Result: json.RawMessage(`{"old":true}`)}}); err != nil {
		t.Fatal(err)
	}
	if err := s.ResumeWaiting(ctx, hooked, json.RawMessage(`{"new":true}`)); err != nil {
		t.Fatal(err)
	}
	r, err := s.TaskResult(ctx, hooked+"/Wait/0/0")
	if err != nil || string(r) != `{"new":true}` {
		t.Fatalf("resumed task result = %s, %v", r, err)
	}
	if e, _ := s.GetExecution(ctx, hooked); e.Status != store.StatusRunning || e.WaitWebhook {
		t.Fatalf("resumed execution: %+v", e)
	}
	if err := s.ResumeWaiting(ctx, hooked, json.RawMessage(`{}`)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second webhook resume: %v, want ErrConflict", err)
	}

	// An execution waiting for its sub-executions wakes when told to,
	// once; one waiting for a time or a call does not.
	sub := mk()
	if err := s.SuspendExecution(ctx, sub, time.Time{}, sub+"/Call/0/0", false, "", nil); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{hooked, timed, "no-such-execution"} {
		if woke, err := s.WakeWaiting(ctx, id); woke || err != nil {
			t.Fatalf("WakeWaiting(%s) = %v, %v; want false: it does not wait for sub-executions", id, woke, err)
		}
	}
	if woke, err := s.WakeWaiting(ctx, sub); !woke || err != nil {
		t.Fatalf("WakeWaiting = %v, %v; want true", woke, err)
	}
	if woke, _ := s.WakeWaiting(ctx, sub); woke {
		t.Fatal("WakeWaiting woke an execution twice")
	}
	if e, _ := s.GetExecution(ctx, sub); e.Status != store.StatusRunning || e.LeaseUntil.After(now) || e.WaitTask != sub+"/Call/0/0" {
		t.Fatalf("woken execution: %+v", e)
	}
	// parkWithKid parks an execution of workflowID waiting for a call,
	// and sub, its parent, waiting for it to end; it returns its id.
	parkWithKid := func(workflowID string) string {
		t.Helper()
		kid, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: workflowID, WorkflowVersion: 1, Mode: "integrated", ParentID: sub, Status: store.StatusRunning, Owner: "cp", LeaseUntil: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SuspendExecution(ctx, kid.ID, time.Time{}, kid.ID+"/Wait/0/0", true, "", nil); err != nil {
			t.Fatal(err)
		}
		if err := s.SuspendExecution(ctx, sub, time.Time{}, sub+"/Call/0/0", false, "", nil); err != nil {
			t.Fatal(err)
		}
		return kid.ID
	}
	// Deleting a waiting sub-execution wakes its parked parent.
	if err := s.DeleteExecution(ctx, parkWithKid(w.ID)); err != nil {
		t.Fatal(err)
	}
	if e, _ := s.GetExecution(ctx, sub); e.Status != store.StatusRunning {
		t.Fatalf("after its waiting sub-execution was deleted the parent is %s, want running", e.Status)
	}
	// So does deleting the workflow a waiting sub-execution runs.
	other := mustCreate(t, s, "sub-workflow")
	parkWithKid(other.ID)
	if err := s.DeleteWorkflow(ctx, other.ID, 0); err != nil {
		t.Fatal(err)
	}
	if e, _ := s.GetExecution(ctx, sub); e.Status != store.StatusRunning {
		t.Fatalf("after the workflow of its waiting sub-execution was deleted the parent is %s, want running", e.Status)
	}

	// A waiting execution claimed to be stopped: running, owned, with its
	// start data; once only.
	stopped, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "webhook", Status: store.StatusRunning,
		Owner: "cp", LeaseUntil: now.Add(time.Hour), StartData: json.RawMessage(`[[{"json":{"n":1}}]]`), WorkflowDoc: json.RawMessage(`{"nodes":[],"connections":{}}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimWaiting(ctx, stopped.ID, "cp3", now.Add(time.Minute)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("claiming a running execution as waiting: %v, want ErrConflict", err)
	}
	if err := s.SuspendExecution(ctx, stopped.ID, time.Time{}, stopped.ID+"/Wait/0/0", true, "", nil); err != nil {
		t.Fatal(err)
	}
	c, err := s.ClaimWaiting(ctx, stopped.ID, "cp3", now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != stopped.ID || c.Status != store.StatusRunning || c.Owner != "cp3" || c.Mode != "webhook" || string(c.StartData) != `[[{"json":{"n":1}}]]` ||
		string(c.WorkflowDoc) != `{"nodes":[],"connections":{}}` {
		t.Fatalf("claimed waiting execution: %+v (start data %s, workflow %s)", c, c.StartData, c.WorkflowDoc)
	}
	if e, _ := s.GetExecution(ctx, stopped.ID); string(e.WorkflowDoc) != `{"nodes":[],"connections":{}}` {
		t.Fatalf("stored workflow document: %s", e.WorkflowDoc)
	}
	if e, _ := s.GetExecution(ctx, timed); e.WorkflowDoc != nil {
		t.Fatalf("an execution of a saved version has a workflow document: %s", e.WorkflowDoc)
	}
	if e, _ := s.GetExecution(ctx, stopped.ID); e.Status != store.StatusRunning || e.Owner != "cp3" || e.WaitWebhook || !e.LeaseUntil.After(now) {
		t.Fatalf("stored claimed execution: %+v", e)
	}
	if _, err := s.ClaimWaiting(ctx, stopped.ID, "cp4", now.Add(time.Minute)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second claim: %v, want ErrConflict", err)
	}
	if _, err := s.ClaimWaiting(ctx, "no-such-execution", "cp4", now.Add(time.Minute)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("claiming a missing execution: %v, want ErrConflict", err)
	}
}

// testConcurrentWrites runs many execution writes at once (implementations
// may commit them together) with one that must fail: it fails alone.
func testConcurrentWrites(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "busy")
	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	ids := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "webhook", Status: store.StatusRunning})
			if err != nil {
				errs[i] = err
				return
			}
			ids[i] = e.ID
			id := e.ID
			if i == n/2 {
				id = "no-such-execution"
			}
			errs[i] = s.FinishExecution(ctx, id, store.StatusSuccess, nil, "x", json.RawMessage(fmt.Sprintf(`{"i":%d}`, i)), nil)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if i == n/2 {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("finishing a missing execution: %v, want ErrNotFound", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		e, err := s.GetExecution(ctx, ids[i])
		if err != nil || e.Status != store.StatusSuccess || string(e.RunData) != fmt.Sprintf(`{"i":%d}`, i) {
			t.Fatalf("execution %d: %+v %v", i, e, err)
		}
	}
}

func testSchedules(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "cron")
	t0 := time.Now().Truncate(time.Second).Add(-time.Minute)
	set := func(version int, entries ...store.Schedule) {
		t.Helper()
		if err := s.SetSchedules(ctx, w.ID, version, entries); err != nil {
			t.Fatal(err)
		}
	}
	set(1, store.Schedule{Node: "A", NextAt: t0}, store.Schedule{Node: "B", NextAt: t0.Add(time.Hour)})
	// The same version again keeps the planned instants.
	set(1, store.Schedule{Node: "A", NextAt: t0.Add(time.Hour)}, store.Schedule{Node: "B", NextAt: t0.Add(2 * time.Hour)})
	due, err := s.DueSchedules(ctx, time.Now(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].Node != "A" || !due[0].NextAt.Equal(t0) || due[0].WorkflowVersion != 1 {
		t.Fatalf("due = %+v, want A at %v", due, t0)
	}
	// Two control planes fire the same instant: one wins, one execution.
	var wg sync.WaitGroup
	wins := make([]bool, 2)
	for i := range wins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, won, err := s.FireSchedule(ctx, due[0], t0, t0.Add(time.Hour), &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "trigger", Status: store.StatusRunning, StartNode: "A"})
			if err != nil {
				t.Error(err)
			}
			wins[i] = won
		}()
	}
	wg.Wait()
	if wins[0] == wins[1] {
		t.Fatalf("wins = %v, want exactly one", wins)
	}
	es, _, err := s.ListExecutions(ctx, store.ExecutionFilter{WorkflowID: w.ID}, store.Page{})
	if err != nil || len(es) != 1 || es[0].StartNode != "A" || es[0].Mode != "trigger" {
		t.Fatalf("executions after firing: %+v %v", es, err)
	}
	if due, _ := s.DueSchedules(ctx, time.Now(), 10); len(due) != 0 {
		t.Fatalf("still due after firing: %+v", due)
	}
	// A new version re-plans; a node that is gone loses its schedule.
	set(2, store.Schedule{Node: "B", NextAt: t0})
	due, _ = s.DueSchedules(ctx, time.Now(), 10)
	if len(due) != 1 || due[0].Node != "B" || due[0].WorkflowVersion != 2 {
		t.Fatalf("after version 2: %+v", due)
	}
	set(2)
	if due, _ := s.DueSchedules(ctx, t0.Add(24*time.Hour), 10); len(due) != 0 {
		t.Fatalf("schedules left after removing them: %+v", due)
	}
}

func testLogsAndStatic(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "logger")
	e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "manual", Status: store.StatusRunning})
	if err != nil {
		t.Fatal(err)
	}
	logs := json.RawMessage(`[{"node":"Code","level":"info","message":"hello"}]`)
	if err := s.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "Code", json.RawMessage(`{}`), logs); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetExecution(ctx, e.ID)
	if err != nil || string(got.Logs) != string(logs) {
		t.Fatalf("logs = %s, %v", got.Logs, err)
	}
	if w2, _ := s.GetWorkflow(ctx, w.ID); w2.StaticData != nil {
		t.Fatalf("static data of a new workflow: %s", w2.StaticData)
	}
	if err := s.SetStaticData(ctx, w.ID, json.RawMessage(`{"global":{"n":3}}`)); err != nil {
		t.Fatal(err)
	}
	w2, err := s.GetWorkflow(ctx, w.ID)
	if err != nil || string(w2.StaticData) != `{"global":{"n":3}}` {
		t.Fatalf("static data = %s, %v", w2.StaticData, err)
	}
	if err := s.SetStaticData(ctx, "nope", json.RawMessage(`{}`)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("static data of a missing workflow: %v", err)
	}
}

func testWebhookRoutes(t *testing.T, s store.Store) {
	a, b := mustCreate(t, s, "a"), mustCreate(t, s, "b")
	if err := s.SetWebhooks(ctx, a.ID, []store.WebhookRoute{{Method: "POST", Path: "orders", Node: "Hook"}, {Method: "GET", Path: "orders", Node: "Hook"}}); err != nil {
		t.Fatal(err)
	}
	err := s.SetWebhooks(ctx, b.ID, []store.WebhookRoute{{Method: "PUT", Path: "orders", Node: "H"}, {Method: "POST", Path: "orders", Node: "H"}})
	var rc *store.RouteConflictError
	if !errors.As(err, &rc) || rc.WorkflowID != a.ID || rc.Route.Method != "POST" || !errors.Is(err, store.ErrConflict) {
		t.Fatalf("conflicting routes: %v", err)
	}
	// Nothing of the refused set was kept: PUT is still free.
	if err := s.SetWebhooks(ctx, b.ID, []store.WebhookRoute{{Method: "PUT", Path: "orders", Node: "H"}}); err != nil {
		t.Fatalf("PUT after the refused set: %v", err)
	}
	// Releasing a's routes frees them.
	if err := s.SetWebhooks(ctx, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWebhooks(ctx, b.ID, []store.WebhookRoute{{Method: "POST", Path: "orders", Node: "H"}}); err != nil {
		t.Fatalf("after a released them: %v", err)
	}
}

// blobRefs returns the set of references s.BlobRefs reports.
func blobRefs(t *testing.T, s store.Store) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	if err := s.BlobRefs(ctx, func(ref string) error { got[ref] = true; return nil }); err != nil {
		t.Fatalf("BlobRefs: %v", err)
	}
	return got
}

func sameRefs(t *testing.T, when string, got, want map[string]bool) {
	t.Helper()
	for ref := range want {
		if !got[ref] {
			t.Errorf("%s: BlobRefs did not report %s", when, ref)
		}
	}
	for ref := range got {
		if !want[ref] {
			t.Errorf("%s: BlobRefs reported %s, which nothing references", when, ref)
		}
	}
}

// testBlobRefs stores references everywhere stored data can hold them,
// some only inside blobs, and checks that BlobRefs reports exactly those.
func testBlobRefs(t *testing.T, s store.Store) {
	u, ok := s.(interface{ UseBlobs(blob.Store, int) })
	if !ok {
		t.Skipf("%T cannot keep run data in a blob store", s)
	}
	blobs, err := blob.OpenDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	u.UseBlobs(blobs, 1024)
	if got := blobRefs(t, s); len(got) != 0 {
		t.Fatalf("an empty store holds references %v", got)
	}

	want := map[string]bool{}
	// ref names a blob that need not exist; a reference is kept all the
	// same.
	ref := func(name string) string {
		r := string(blob.RefOf([]byte(name)))
		want[r] = true
		return r
	}
	put := func(data string) string {
		r, err := blobs.Put(ctx, []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		want[string(r)] = true
		return string(r)
	}
	binary := func(r string) string {
		return `{"json":{},"binary":{"data":{"mimeType":"text/plain","data":"weft-blob:` + r + `"}}}`
	}

	// Pinned data in every version of a workflow, and its static data.
	w, err := s.CreateWorkflow(ctx, "refs", json.RawMessage(`{"name":"refs","nodes":[],"connections":{},"pinData":{"A":[`+binary(ref("pinned v1"))+`]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateWorkflow(ctx, w.ID, 1, "refs", json.RawMessage(`{"name":"refs","nodes":[],"connections":{},"pinData":{"A":[`+binary(ref("pinned v2"))+`]}}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetStaticData(ctx, w.ID, json.RawMessage(`{"global":{"last":"weft-blob:`+ref("static")+`"}}`)); err != nil {
		t.Fatal(err)
	}

	// Start data; results, one of them with its payload in a blob that
	// holds the references of its items; an error and logs.
	failed, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 2, Mode: "webhook", Status: store.StatusRunning,
		StartData: json.RawMessage(`[[` + binary(ref("start data")) + `]]`)})
	if err != nil {
		t.Fatal(err)
	}
	payload := put(`{"outputs":[[` + binary(ref("in a payload")) + `]]}`)
	var results []store.TaskResult
	for i := range 250 { // more than one batch
		results = append(results, store.TaskResult{TaskID: fmt.Sprintf("%s/N/%d/0", failed.ID, i), ExecutionID: failed.ID,
			Result: json.RawMessage(`{"outputs":[[` + binary(ref(fmt.Sprint("result ", i))) + `]]}`)})
	}
	results = append(results,
		// A reference to nothing first: the payload after it is read all
		// the same.
		store.TaskResult{TaskID: failed.ID + "/Big/0/0", ExecutionID: failed.ID,
			Result: json.RawMessage(`{"id":"x","note":"` + ref("mentioned, never stored") + `","payloadRef":"` + payload + `"}`)},
		store.TaskResult{TaskID: failed.ID + "/Lost/0/0", ExecutionID: failed.ID, Result: json.RawMessage(`{"id":"y","payloadRef":"` + ref("payload never stored") + `"}`)})
	if err := s.SaveTaskResults(ctx, results); err != nil {
		t.Fatal(err)
	}
	hex63 := strings.Repeat("ab", 31) + "a"
	notRefs := `"sha256:` + hex63 + `", "sha256:` + strings.ToUpper(hex63) + `A", "SHA256:` + hex63 + `b", "sha256 ` + hex63 + `b"`
	if err := s.FinishExecution(ctx, failed.ID, store.StatusError, json.RawMessage(`{"message":"cannot read weft-blob:`+ref("in an error")+`"}`), "N",
		json.RawMessage(`{"N":[{"data":{"main":[[`+binary(ref("small run data"))+`]]}}],"notes":[`+notRefs+`]}`),
		json.RawMessage(`[{"node":"Code","level":"info","message":"got weft-blob:`+ref("logged")+`"}]`)); err != nil {
		t.Fatal(err)
	}

	// Run data above the threshold, kept as a blob, which holds the
	// references of the items in it.
	succeeded, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 2, Mode: "manual", Status: store.StatusRunning})
	if err != nil {
		t.Fatal(err)
	}
	bigRunData := `{"N":[{"data":{"main":[[` + binary(ref("large run data")) + `]]}}],"pad":"` + strings.Repeat("x", 2000) + `"}`
	if err := s.FinishExecution(ctx, succeeded.ID, store.StatusSuccess, nil, "N", json.RawMessage(bigRunData), nil); err != nil {
		t.Fatal(err)
	}
	runDataBlob := string(blob.RefOf([]byte(bigRunData)))
	want[runDataBlob] = true
	if stored, err := blobs.Exists(ctx, blob.Ref(runDataBlob)); err != nil || !stored {
		t.Fatalf("run data of %d bytes is not in the blob store: %v", len(bigRunData), err)
	}
	sameRefs(t, "everything stored", blobRefs(t, s), want)

	// f's error stops BlobRefs and comes back as is.
	stop := errors.New("stop")
	calls := 0
	if err := s.BlobRefs(ctx, func(string) error { calls++; return stop }); err != stop || calls != 1 {
		t.Fatalf("BlobRefs with a failing callback = %v after %d calls, want %v after 1", err, calls, stop)
	}

	// A blob whose references cannot be known fails BlobRefs, naming it.
	d := blob.Ref(payload).Digest()
	path := filepath.Join(blobs.Path(), "sha256", d[:2], d)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = s.BlobRefs(ctx, func(string) error { return nil })
	if !errors.Is(err, blob.ErrCorrupt) || !strings.Contains(err.Error(), "task result "+failed.ID+"/Big/0/0 names blob "+payload) {
		t.Fatalf("BlobRefs with a damaged payload blob: %v", err)
	}
	if err := os.WriteFile(path, orig, 0o600); err != nil {
		t.Fatal(err)
	}

	// Deleted executions hold nothing any more; nor does a deleted workflow.
	if err := s.DeleteExecution(ctx, succeeded.ID); err != nil {
		t.Fatal(err)
	}
	delete(want, runDataBlob)
	delete(want, string(blob.RefOf([]byte("large run data"))))
	sameRefs(t, "after deleting an execution", blobRefs(t, s), want)
	if err := s.DeleteWorkflow(ctx, w.ID, 0); err != nil {
		t.Fatal(err)
	}
	sameRefs(t, "after deleting the workflow", blobRefs(t, s), map[string]bool{})
}

// testRetentionInStartOrder prunes by age executions whose start order is
// not their id order (each created later, started earlier): every one goes,
// with its change log entries.
func testRetentionInStartOrder(t *testing.T, s store.Store) {
	w := mustCreate(t, s, "order")
	now := time.Now()
	var ids []string
	for i := range 5 {
		e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "trigger", StartedAt: now.Add(-time.Duration(20+i) * 24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "", json.RawMessage(`{}`), nil); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	kept, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "trigger"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneExecutions(ctx, store.Retention{MaxAge: 7 * 24 * time.Hour, Batch: 3})
	if err != nil || n != len(ids) {
		t.Fatalf("pruned %d by age, %v; want %d", n, err, len(ids))
	}
	if _, err := s.GetExecution(ctx, kept.ID); err != nil {
		t.Fatalf("the new execution was pruned: %v", err)
	}
	evs, err := s.Events(ctx, 0, store.MaxPageSize)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if slices.Contains(ids, ev.ExecutionID) {
			t.Errorf("change log entry %q of pruned execution %s left behind", ev.Kind, ev.ExecutionID)
		}
	}
}
