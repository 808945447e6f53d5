package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/control-plane/orchestrator"
	"github.com/weftrun/weft/control-plane/service"
	"github.com/weftrun/weft/internal/conformance"
	"github.com/weftrun/weft/internal/coretest"
	"github.com/weftrun/weft/internal/natstest"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/runner"
	"github.com/weftrun/weft/store"
	"github.com/weftrun/weft/store/sqlstore"
)

// loadCore loads the core module once per test binary; the Wait node does
// not really wait.
func loadCore(t testing.TB) *nodes.Core { return coretest.Load(t) }

// sqliteStore opens a migrated SQLite store in a temporary directory.
func sqliteStore(t testing.TB, dir string) store.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(dir, "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// save stores a workflow and returns its id.
func save(t testing.TB, st store.Store, doc string) string {
	t.Helper()
	var head struct{ Name string }
	_ = json.Unmarshal([]byte(doc), &head)
	w, err := st.CreateWorkflow(context.Background(), head.Name, json.RawMessage(doc))
	if err != nil {
		t.Fatal(err)
	}
	return w.ID
}

// start starts an execution and returns its handle.
func start(t testing.TB, svc *service.Service, req orchestrator.StartRequest) *orchestrator.Handle {
	t.Helper()
	h, err := svc.Orchestrator.Start(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// finish waits for an execution run on svc and returns its outcome.
func finish(t testing.TB, h *orchestrator.Handle) *engine.Execution {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	x, err := h.Wait(ctx)
	if x == nil {
		t.Fatalf("execution %s: %v", h.ID, err)
	}
	return x
}

// embedded starts the embedded mode: SQLite, in-process NATS, one runner;
// payloads above threshold bytes go through the blob store.
func embedded(t testing.TB, threshold int) *service.Service {
	t.Helper()
	return embeddedWith(t, threshold, nil)
}

// embeddedWith starts the embedded mode as embedded does, its
// configuration changed by with first.
func embeddedWith(t testing.TB, threshold int, with func(*service.Config)) *service.Service {
	t.Helper()
	dir := t.TempDir()
	st := sqliteStore(t, dir)
	cfg := service.Config{
		Store: st, Core: loadCore(t), DataDir: dir, Runners: 1, RunnerConcurrency: 4, Alone: true,
		PayloadThreshold: threshold, Logf: t.Logf,
	}
	if with != nil {
		with(&cfg)
	}
	svc, err := service.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Close()
		st.Close()
	})
	return svc
}

// TestConformanceOverTheBus runs every conformance case through the whole
// embedded system: the execution is committed to the store, every node
// task crosses NATS JetStream to a runner and back, the outcome is read
// back from the store, and it must match what n8n produced.
func TestConformanceOverTheBus(t *testing.T) {
	t.Run("inline", func(t *testing.T) { conformanceOverTheBus(t, 0) })
	// Every payload above 200 bytes goes through the blob store.
	t.Run("blobs", func(t *testing.T) { conformanceOverTheBus(t, 200) })
}

func conformanceOverTheBus(t *testing.T, threshold int) {
	svc := embedded(t, threshold)
	cases, err := conformance.Load("../../api/testdata/conformance")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no conformance cases")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	type started struct {
		c *conformance.Case
		h *orchestrator.Handle
	}
	var runs []started
	for i := range cases {
		c := &cases[i]
		w, err := svc.Store.CreateWorkflow(ctx, c.Name, c.Workflow)
		if err != nil {
			t.Fatal(err)
		}
		h, err := svc.Orchestrator.Start(ctx, orchestrator.StartRequest{WorkflowID: w.ID, Mode: "manual"})
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		runs = append(runs, started{c, h})
	}
	for _, r := range runs {
		if _, err := r.h.Wait(ctx); err != nil && !strings.Contains(r.c.Name, "error") {
			t.Logf("%s: %v", r.c.Name, err)
		}
		saved, err := svc.Store.GetExecution(ctx, r.h.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := outcomeFromStore(t, saved)
		if diffs := conformance.Compare(r.c.Expected, got); len(diffs) > 0 {
			t.Errorf("%s over the bus:\n%s", r.c.Name, strings.Join(diffs, "\n"))
		}
	}
	if n := svc.Runners[0].Done(); n == 0 {
		t.Fatal("the runner ran no task: nodes did not go over the bus")
	}
	// With a control plane answering, results are handed straight to it:
	// the results stream is the fallback and stays unused.
	_, js := natstest.JetStream(t, svc.NATS, "test")
	results, err := js.Stream(ctx, bus.ResultsStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := results.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.LastSeq != 0 {
		t.Fatalf("results stream: %d results published there, want none", info.State.LastSeq)
	}
	// The control plane acknowledged each task once it had committed its
	// result: none is left pending, none was delivered twice.
	cons, err := js.Consumer(ctx, bus.TasksStream, bus.RunnersConsumer)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		ci, err := cons.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ci.NumAckPending == 0 && ci.NumRedelivered == 0 && ci.Delivered.Consumer > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tasks: %d delivered, %d unacknowledged, %d redelivered; want every one acknowledged once", ci.Delivered.Consumer, ci.NumAckPending, ci.NumRedelivered)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var blobs int
	_ = filepath.WalkDir(svc.Blobs.(*blob.Dir).Path(), func(_ string, d fs.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			blobs++
		}
		return nil
	})
	if (threshold > 0) != (blobs > 0) {
		t.Fatalf("threshold %d: %d payloads went through the blob store", threshold, blobs)
	}
	t.Logf("%d payloads went through the blob store", blobs)
}

// outcomeFromStore rebuilds an engine execution from what the store kept.
func outcomeFromStore(t *testing.T, e *store.Execution) conformance.Outcome {
	t.Helper()
	x := &engine.Execution{ID: e.ID, Status: e.Status, LastNodeExecuted: e.LastNodeExecuted}
	if err := json.Unmarshal(e.RunData, &x.RunData); err != nil {
		t.Fatalf("execution %s run data: %v", e.ID, err)
	}
	if len(e.Error) > 0 {
		x.Error = &engine.ExecError{}
		if err := json.Unmarshal(e.Error, x.Error); err != nil {
			t.Fatal(err)
		}
	}
	return conformance.FromExecution(x)
}

const chainWorkflow = `{"name":"chain","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Set","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[200,0],"parameters":{"assignments":{"assignments":[
   {"id":"a","name":"n","value":"={{ $json.n * 2 }}","type":"number"}]},"includeOtherFields":true,"options":{}}},
 {"name":"Code","type":"n8n-nodes-base.code","typeVersion":2,"position":[400,0],"parameters":{"jsCode":"return $input.all().map(i => ({json: {n: i.json.n + 1, from: $('Set').first().json.n}}));"}}
],"connections":{"Start":{"main":[[{"node":"Set","type":"main","index":0}]]},"Set":{"main":[[{"node":"Code","type":"main","index":0}]]}}}`

// TestResumeReplaysCommittedResults stops a control plane while an
// execution is half done and starts another one on the same store and
// NATS data: it must finish the execution, reusing the node results that
// were committed and dispatching the rest.
func TestResumeReplaysCommittedResults(t *testing.T) {
	dir := t.TempDir()
	st := sqliteStore(t, dir)
	defer st.Close()
	ctx := context.Background()
	wID := save(t, st, chainWorkflow)
	// A control plane without runners: the first task waits in the stream.
	svc, err := service.Start(ctx, service.Config{Store: st, Core: loadCore(t), DataDir: dir, Alone: true})
	if err != nil {
		t.Fatal(err)
	}
	input := [][]api.Item{{{JSON: json.RawMessage(`{"n":20}`)}}}
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: wID, Mode: "manual", StartData: input})
	// Commit the Set node's result by hand, as a runner would have before
	// the crash, and stop the control plane.
	setID := h.ID + "/Set/0/0"
	res := fmt.Sprintf(`{"id":%q,"executionId":%q,"outputs":[[{"json":{"n":40,"replayed":true},"pairedItem":{"item":0}}]]}`, setID, h.ID)
	if err := st.SaveTaskResults(ctx, []store.TaskResult{{TaskID: setID, ExecutionID: h.ID, Result: json.RawMessage(res)}}); err != nil {
		t.Fatal(err)
	}
	svc.Close()
	if e, _ := st.GetExecution(ctx, h.ID); e.Status != store.StatusRunning {
		t.Fatalf("after shutdown the execution is %q, want it still running", e.Status)
	}

	svc2, err := service.Start(ctx, service.Config{Store: st, Core: loadCore(t), DataDir: dir, Runners: 1, RunnerConcurrency: 2, Alone: true})
	if err != nil {
		t.Fatal(err)
	}
	defer svc2.Close()
	e := waitFinished(t, st, h.ID)
	if e.Status != store.StatusSuccess {
		t.Fatalf("status %q, error %s", e.Status, e.Error)
	}
	var runData map[string][]engine.TaskData
	if err := json.Unmarshal(e.RunData, &runData); err != nil {
		t.Fatal(err)
	}
	set := runData["Set"][0].Outputs()[0][0].JSON
	if !strings.Contains(string(set), `"replayed":true`) {
		t.Errorf("Set output %s: the committed result was not replayed", set)
	}
	code := runData["Code"][0].Outputs()[0][0].JSON
	var got struct{ N, From float64 }
	if err := json.Unmarshal(code, &got); err != nil || got.N != 41 || got.From != 40 {
		t.Errorf("Code output %s, want n 41 from 40", code)
	}
	if left, _ := st.TaskResults(ctx, h.ID); len(left) != 0 {
		t.Errorf("%d task results left after the execution finished", len(left))
	}
}

func waitFinished(t *testing.T, st store.Store, id string) *store.Execution {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		e, err := st.GetExecution(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != store.StatusRunning && e.Status != store.StatusNew {
			return e
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("execution %s did not finish in a minute", id)
	return nil
}

// TestExecuteWorkflowByID runs a sub-workflow saved in the store, looked
// up by id from the runner through the control plane.
func TestExecuteWorkflowByID(t *testing.T) {
	svc := embedded(t, 0)
	subID := save(t, svc.Store, `{"name":"times ten","nodes":[
 {"name":"In","type":"n8n-nodes-base.executeWorkflowTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Times","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[200,0],"parameters":{"assignments":{"assignments":[
   {"id":"a","name":"m","value":"={{ $json.n * 10 }}","type":"number"},
   {"id":"b","name":"wf","value":"={{ $workflow.id }}","type":"string"}]},"options":{}}}
],"connections":{"In":{"main":[[{"node":"Times","type":"main","index":0}]]}}}`)
	main := fmt.Sprintf(`{"name":"caller","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Call","type":"n8n-nodes-base.executeWorkflow","typeVersion":1.1,"position":[200,0],"parameters":{"source":"database","workflowId":{"__rl":true,"value":%q,"mode":"id"},"options":{}}}
],"connections":{"Start":{"main":[[{"node":"Call","type":"main","index":0}]]}}}`, subID)
	wID := save(t, svc.Store, main)
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: wID, StartData: [][]api.Item{{{JSON: json.RawMessage(`{"n":7}`)}}}})
	x := finish(t, h)
	if x.Status != "success" {
		t.Fatalf("status %s: %+v", x.Status, x.Error)
	}
	got := string(x.RunData["Call"][0].Outputs()[0][0].JSON)
	if want := fmt.Sprintf(`{"m":70,"wf":%q}`, subID); got != want {
		t.Fatalf("Call output %s, want %s", got, want)
	}

	// An unknown id is the node's error, naming the id.
	bad := strings.Replace(main, subID, "nope", 1)
	w2ID := save(t, svc.Store, bad)
	h = start(t, svc, orchestrator.StartRequest{WorkflowID: w2ID})
	x = finish(t, h)
	if x.Status != "error" || x.Error == nil || !strings.Contains(x.Error.Message, `"nope"`) {
		t.Fatalf("unknown id: %s %+v", x.Status, x.Error)
	}
}

// TestResumeURL checks that $execution.resumeUrl, read by a node task
// that crossed the bus, is built on the public URL when there is one, and
// on n8n's default otherwise.
func TestResumeURL(t *testing.T) {
	const doc = `{"name":"resume url","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Set","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[200,0],"parameters":{"assignments":{"assignments":[
   {"id":"a","name":"resume","value":"={{ $execution.resumeUrl }}","type":"string"},
   {"id":"b","name":"form","value":"={{ $execution.resumeFormUrl }}","type":"string"}]},"options":{}}}
],"connections":{"Start":{"main":[[{"node":"Set","type":"main","index":0}]]}}}`
	for public, base := range map[string]string{
		"https://weft.example.com/automation/": "https://weft.example.com/automation",
		"":                                     "http://localhost:5678",
	} {
		svc := embeddedWith(t, 0, func(c *service.Config) { c.PublicURL = public })
		h := start(t, svc, orchestrator.StartRequest{WorkflowID: save(t, svc.Store, doc)})
		x := finish(t, h)
		if x.Status != "success" {
			t.Fatalf("public URL %q: %s %+v", public, x.Status, x.Error)
		}
		got := string(x.RunData["Set"][0].Outputs()[0][0].JSON)
		if want := fmt.Sprintf(`{"resume":"%[1]s/webhook-waiting/%[2]s","form":"%[1]s/form-waiting/%[2]s"}`, base, h.ID); got != want {
			t.Errorf("public URL %q: Set gave %s, want %s", public, got, want)
		}
	}
}

// TestErrorWorkflow checks that a failing workflow starts the error
// workflow its settings name, with n8n's payload (the execution's link
// on the public URL).
func TestErrorWorkflow(t *testing.T) {
	svc := embeddedWith(t, 0, func(c *service.Config) { c.PublicURL = "https://weft.example.com/automation/" })
	ctx := context.Background()
	handlerID := save(t, svc.Store, `{"name":"on error","nodes":[
 {"name":"Error Trigger","type":"n8n-nodes-base.errorTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Note","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[200,0],"parameters":{"assignments":{"assignments":[
   {"id":"a","name":"summary","value":"={{ $json.workflow.name + ' failed at ' + $json.execution.lastNodeExecuted + ': ' + $json.execution.error.message }}","type":"string"}]},"options":{}}}
],"connections":{"Error Trigger":{"main":[[{"node":"Note","type":"main","index":0}]]}}}`)
	failing := fmt.Sprintf(`{"name":"fragile","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Boom","type":"n8n-nodes-base.code","typeVersion":2,"position":[200,0],"parameters":{"jsCode":"throw new Error('kaput');"}}
],"connections":{"Start":{"main":[[{"node":"Boom","type":"main","index":0}]]}},"settings":{"errorWorkflow":%q}}`, handlerID)
	wID := save(t, svc.Store, failing)
	// A manual run's failure is seen by whoever ran it: no error workflow.
	if x, _ := start(t, svc, orchestrator.StartRequest{WorkflowID: wID, Mode: "manual"}).Wait(ctx); x == nil || x.Status != "error" {
		t.Fatalf("the failing workflow did not fail: %+v", x)
	}
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: wID, Mode: "trigger"})
	if x, _ := h.Wait(ctx); x == nil || x.Status != "error" {
		t.Fatalf("the failing workflow did not fail: %+v", x)
	}
	var errExec *store.Execution
	deadline := time.Now().Add(time.Minute)
	for errExec == nil && time.Now().Before(deadline) {
		es, _, err := svc.Store.ListExecutions(ctx, store.ExecutionFilter{WorkflowID: handlerID}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) > 1 {
			t.Fatalf("%d error workflow executions, want 1 (none for the manual run)", len(es))
		}
		if len(es) == 1 && es[0].Status != store.StatusRunning {
			errExec = es[0]
		}
		time.Sleep(20 * time.Millisecond)
	}
	if errExec == nil {
		t.Fatal("the error workflow did not run")
	}
	if errExec.Mode != "error" || errExec.ParentID != h.ID || errExec.Status != store.StatusSuccess {
		t.Fatalf("error workflow execution: mode %s parent %s status %s", errExec.Mode, errExec.ParentID, errExec.Status)
	}
	full, err := svc.Store.GetExecution(ctx, errExec.ID)
	if err != nil {
		t.Fatal(err)
	}
	var rd map[string][]engine.TaskData
	if err := json.Unmarshal(full.RunData, &rd); err != nil {
		t.Fatal(err)
	}
	var payload struct {
		Execution struct {
			ID, Mode, LastNodeExecuted, URL string
			Error                           struct{ Message string }
		}
		Workflow struct{ ID, Name string }
	}
	if err := json.Unmarshal(rd["Error Trigger"][0].Outputs()[0][0].JSON, &payload); err != nil {
		t.Fatal(err)
	}
	if payload.Execution.ID != h.ID || payload.Execution.Mode != "trigger" || payload.Execution.LastNodeExecuted != "Boom" ||
		payload.Execution.URL != "https://weft.example.com/automation/api/v1/executions/"+h.ID ||
		!strings.Contains(payload.Execution.Error.Message, "kaput") || payload.Workflow.ID != wID || payload.Workflow.Name != "fragile" {
		t.Fatalf("error payload %+v", payload)
	}
	note := string(rd["Note"][0].Outputs()[0][0].JSON)
	if !strings.Contains(note, "fragile failed at Boom: kaput") {
		t.Fatalf("Note output %s", note)
	}
}

const webhookWaitWorkflow = `{"name":"approval","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Wait","type":"n8n-nodes-base.wait","typeVersion":1.1,"position":[200,0],"parameters":{"resume":"webhook","httpMethod":"POST"%s}},
 {"name":"After","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[400,0],"parameters":{"assignments":{"assignments":[
   {"id":"a","name":"seen","value":"={{ JSON.stringify($json) }}","type":"string"}]},"options":{}}}
],"connections":{"Start":{"main":[[{"node":"Wait","type":"main","index":0}]]},"Wait":{"main":[[{"node":"After","type":"main","index":0}]]}}}`

// waitStatus polls the store until the execution has the status.
func waitStatus(t *testing.T, st store.Store, id, status string) *store.Execution {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		e, err := st.GetExecution(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status == status {
			return e
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("execution %s never became %s", id, status)
	return nil
}

// TestWaitParksAndResumes parks executions at Wait nodes in the store and
// resumes them through the waiting webhook and by time.
func TestWaitParksAndResumes(t *testing.T) {
	svc := embedded(t, 0)
	ctx := context.Background()
	input := [][]api.Item{{{JSON: json.RawMessage(`{"order":1}`)}}}

	wID := save(t, svc.Store, fmt.Sprintf(webhookWaitWorkflow, ""))
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: wID, StartData: input})
	parked := waitStatus(t, svc.Store, h.ID, store.StatusWaiting)
	if !parked.WaitWebhook || !parked.WaitUntil.IsZero() {
		t.Fatalf("parked execution: webhook %v until %v", parked.WaitWebhook, parked.WaitUntil)
	}
	<-h.Done()
	if svc.Orchestrator.Running() != 0 {
		t.Fatal("a parked execution still holds a goroutine")
	}
	call := api.Item{JSON: json.RawMessage(`{"body":{"approved":true}}`)}
	parkedAgain, err := svc.Store.GetExecution(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	resumedAt := time.Now().UnixMilli()
	h2, err := svc.Orchestrator.ResumeWebhook(ctx, parkedAgain, "POST", call)
	if err != nil {
		t.Fatal(err)
	}
	if h2 == nil {
		t.Fatal("the resumed execution does not run here")
	}
	x, err := h2.Wait(ctx)
	if err != nil || x.Status != "success" {
		t.Fatalf("resumed execution: %v %+v", err, x)
	}
	if got := string(x.RunData["After"][0].Outputs()[0][0].JSON); !strings.Contains(got, `approved`) {
		t.Fatalf("After saw %s, want the webhook call's data", got)
	}
	// The runs replayed on resuming keep the times they ran at.
	if start, wait := x.RunData["Start"][0].StartTime, x.RunData["Wait"][0].StartTime; start != parked.StartedAt.UnixMilli() || wait >= resumedAt || wait < start {
		t.Fatalf("after resuming at %d, Start ran at %d and Wait at %d; want them at %d and between it and the resume", resumedAt, start, wait, parked.StartedAt.UnixMilli())
	}
	// Once more with what was read before the first resume: the store
	// refuses it, and with what it holds now, so does the check.
	if _, err := svc.Orchestrator.ResumeWebhook(ctx, parkedAgain, "POST", call); !errors.Is(err, orchestrator.ErrNotWaiting) {
		t.Fatalf("second call, as read before: %v, want ErrNotWaiting", err)
	}
	if now, err := svc.Store.GetExecution(ctx, h.ID); err != nil {
		t.Fatal(err)
	} else if _, err := svc.Orchestrator.ResumeWebhook(ctx, now, "POST", call); !errors.Is(err, orchestrator.ErrNotWaiting) {
		t.Fatalf("second call: %v, want ErrNotWaiting", err)
	}

	// With a time limit and no call, the execution resumes by time with
	// the Wait node's input.
	w2ID := save(t, svc.Store, fmt.Sprintf(webhookWaitWorkflow,
		`,"limitWaitTime":true,"limitType":"afterTimeInterval","resumeAmount":2,"resumeUnit":"seconds"`))
	h = start(t, svc, orchestrator.StartRequest{WorkflowID: w2ID, StartData: input})
	parked = waitStatus(t, svc.Store, h.ID, store.StatusWaiting)
	if parked.WaitUntil.IsZero() {
		t.Fatal("a limited wait has no time")
	}
	deadline := time.Now().Add(time.Minute)
	for {
		if err := svc.Orchestrator.WakeDue(ctx); err != nil {
			t.Fatal(err)
		}
		e, _ := svc.Store.GetExecution(ctx, h.ID)
		if e.Status == store.StatusSuccess {
			var rd map[string][]engine.TaskData
			_ = json.Unmarshal(e.RunData, &rd)
			if got := string(rd["After"][0].Outputs()[0][0].JSON); !strings.Contains(got, `order`) {
				t.Fatalf("After saw %s, want the Wait node's input", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not resumed by time: %s", e.Status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestWaitHoldsNoRunnerSlot runs a quick workflow while another waits four
// seconds, on a runner with one slot: the quick one does not wait for the
// wait (it takes less than half of it), and the waiting one then finishes.
func TestWaitHoldsNoRunnerSlot(t *testing.T) {
	svc := embeddedWith(t, 0, func(c *service.Config) { c.RunnerConcurrency = 1 })
	const wait = 4 * time.Second
	waits := save(t, svc.Store, `{"name":"pause","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Pause","type":"n8n-nodes-base.wait","typeVersion":1.1,"position":[200,0],"parameters":{"amount":4,"unit":"seconds"}},
 {"name":"After","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[400,0],"parameters":{}}],
 "connections":{"Start":{"main":[[{"node":"Pause","type":"main","index":0}]]},"Pause":{"main":[[{"node":"After","type":"main","index":0}]]}}}`)
	quick := save(t, svc.Store, `{"name":"quick","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Note","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[200,0],"parameters":{}}],
 "connections":{"Start":{"main":[[{"node":"Note","type":"main","index":0}]]}}}`)
	started := time.Now()
	hw := start(t, svc, orchestrator.StartRequest{WorkflowID: waits})
	time.Sleep(300 * time.Millisecond) // its Pause task has gone out
	began := time.Now()
	if x := finish(t, start(t, svc, orchestrator.StartRequest{WorkflowID: quick})); x.Status != "success" {
		t.Fatalf("quick execution: %s", x.Status)
	}
	if took := time.Since(began); took > wait/2 {
		t.Fatalf("the quick execution took %v: it waited for the other's %v wait", took, wait)
	}
	if x := finish(t, hw); x.Status != "success" || len(x.RunData["After"]) != 1 {
		t.Fatalf("waiting execution: %s", x.Status)
	}
	if took := time.Since(started); took < wait {
		t.Fatalf("the waiting execution finished after %v, before its %v wait was over", took, wait)
	}
}

// TestPayloadTooLargeWithoutBlobs runs on a NATS server of its own with
// no blob store: a node whose output, or whose input, is over what a NATS
// message carries fails with an error that says so, instead of its
// execution hanging.
func TestPayloadTooLargeWithoutBlobs(t *testing.T) {
	nats := natstest.Start(t)
	svc := embeddedWith(t, 0, func(c *service.Config) { c.NATSURL, c.DataDir = nats.URL(), "" })
	if svc.Blobs != nil {
		t.Fatal("the service has a blob store")
	}
	big := save(t, svc.Store, `{"name":"big","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Make","type":"n8n-nodes-base.code","typeVersion":2,"position":[200,0],"parameters":{"jsCode":"return [{json: {s: 'a'.repeat(9000000)}}];"}}],
 "connections":{"Start":{"main":[[{"node":"Make","type":"main","index":0}]]}}}`)
	x := finish(t, start(t, svc, orchestrator.StartRequest{WorkflowID: big}))
	if x.Status != "error" || x.Error == nil || x.Error.Node != "Make" || !strings.Contains(x.Error.Message, "output is too large for the message bus") {
		t.Fatalf("a 9 MB output: %s %+v", x.Status, x.Error)
	}
	input := [][]api.Item{{{JSON: json.RawMessage(`{"s":"` + strings.Repeat("b", 9000000) + `"}`)}}}
	x = finish(t, start(t, svc, orchestrator.StartRequest{WorkflowID: big, StartData: input}))
	if x.Status != "error" || x.Error == nil || !strings.Contains(x.Error.Message, "input is too large for the message bus") {
		t.Fatalf("a 9 MB input: %s %+v", x.Status, x.Error)
	}
}

// TestParkedWaitWakesOnItsOwn parks an execution for five seconds on a
// service whose lease is an hour (so its lease upkeep never runs here) and
// does not wake it by hand: the service resumes it once its time comes.
func TestParkedWaitWakesOnItsOwn(t *testing.T) {
	svc := embeddedWith(t, 0, func(c *service.Config) { c.Lease = time.Hour })
	wID := save(t, svc.Store, fmt.Sprintf(webhookWaitWorkflow,
		`,"limitWaitTime":true,"limitType":"afterTimeInterval","resumeAmount":5,"resumeUnit":"seconds"`))
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: wID, StartData: [][]api.Item{{{JSON: json.RawMessage(`{"order":1}`)}}}})
	parked := waitStatus(t, svc.Store, h.ID, store.StatusWaiting)
	done := waitStatus(t, svc.Store, h.ID, store.StatusSuccess)
	if !done.FinishedAt.After(parked.WaitUntil) && !done.FinishedAt.Equal(parked.WaitUntil) {
		t.Fatalf("finished at %v, before its wait ended at %v", done.FinishedAt, parked.WaitUntil)
	}
}

// TestStopParkedByTime stops an execution parked until a time: it ends as
// canceled at its Wait node with the run data before it, and its time
// coming no longer resumes it.
func TestStopParkedByTime(t *testing.T) {
	svc := embedded(t, 0)
	ctx := context.Background()
	wID := save(t, svc.Store, fmt.Sprintf(webhookWaitWorkflow,
		`,"limitWaitTime":true,"limitType":"afterTimeInterval","resumeAmount":6,"resumeUnit":"seconds"`))
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: wID, StartData: [][]api.Item{{{JSON: json.RawMessage(`{"order":1}`)}}}})
	waitStatus(t, svc.Store, h.ID, store.StatusWaiting)
	h2, err := svc.Orchestrator.StopWaiting(ctx, h.ID)
	if err != nil || h2 == nil {
		t.Fatalf("StopWaiting = %v, %v", h2, err)
	}
	if _, err := h2.Wait(ctx); err == nil {
		t.Fatal("the stopped execution's walk ended without an error")
	}
	e, err := svc.Store.GetExecution(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	var rd map[string]json.RawMessage
	_ = json.Unmarshal(e.RunData, &rd)
	if e.Status != store.StatusCanceled || rd["Start"] == nil || rd["After"] != nil || e.FinishedAt.IsZero() {
		t.Fatalf("stopped execution: %s, run data %s", e.Status, e.RunData)
	}
	if _, err := svc.Orchestrator.StopWaiting(ctx, h.ID); !errors.Is(err, orchestrator.ErrNotWaiting) {
		t.Fatalf("second stop: %v, want ErrNotWaiting", err)
	}
	time.Sleep(6 * time.Second)
	if err := svc.Orchestrator.WakeDue(ctx); err != nil {
		t.Fatal(err)
	}
	if e, _ := svc.Store.GetExecution(ctx, h.ID); e.Status != store.StatusCanceled {
		t.Fatalf("after its time: %s", e.Status)
	}
}

const everySecond = `{"name":"ticker","nodes":[
 {"id":"t1","name":"Every second","type":"n8n-nodes-base.scheduleTrigger","typeVersion":1.2,"position":[0,0],
  "parameters":{"rule":{"interval":[{"field":"seconds","secondsInterval":1}]}}},
 {"id":"t2","name":"Note","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[200,0],"parameters":{}}
],"connections":{"Every second":{"main":[[{"node":"Note","type":"main","index":0}]]}},"settings":{"timezone":"Europe/Berlin"}}`

// TestScheduleFiresOncePerInstant runs two control planes on one store
// with a workflow that fires every second: each instant starts exactly one
// execution, with n8n's trigger item.
func TestScheduleFiresOncePerInstant(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var svcs []*service.Service
	var stores []store.Store
	for i := range 2 {
		st := sqliteStore(t, dir)
		stores = append(stores, st)
		svc, err := service.Start(ctx, service.Config{Store: st, Core: loadCore(t), DataDir: filepath.Join(dir, fmt.Sprint(i)), Runners: 1, RunnerConcurrency: 2})
		if err != nil {
			t.Fatal(err)
		}
		svcs = append(svcs, svc)
	}
	defer func() {
		for i := range svcs {
			svcs[i].Close()
			stores[i].Close()
		}
	}()
	st := stores[0]
	wID := save(t, st, everySecond)
	if _, err := st.SetActiveVersion(ctx, wID, 1); err != nil {
		t.Fatal(err)
	}
	if err := svcs[0].Orchestrator.SyncSchedules(ctx, wID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3500 * time.Millisecond)
	if _, err := st.SetActiveVersion(ctx, wID, 0); err != nil {
		t.Fatal(err)
	}
	if err := svcs[1].Orchestrator.SyncSchedules(ctx, wID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // let started executions finish
	es, _, err := st.ListExecutions(ctx, store.ExecutionFilter{WorkflowID: wID}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) < 2 || len(es) > 5 {
		t.Fatalf("%d executions in about 3.5 seconds of a once-a-second schedule", len(es))
	}
	seen := map[string]bool{}
	for _, e := range es {
		full, err := st.GetExecution(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if full.Mode != "trigger" || full.Status != store.StatusSuccess {
			t.Fatalf("execution %s: mode %s status %s %s", e.ID, full.Mode, full.Status, full.Error)
		}
		var rd map[string][]engine.TaskData
		if err := json.Unmarshal(full.RunData, &rd); err != nil {
			t.Fatal(err)
		}
		var item struct {
			Timestamp string `json:"timestamp"`
			Timezone  string `json:"Timezone"`
		}
		if err := json.Unmarshal(rd["Every second"][0].Outputs()[0][0].JSON, &item); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(item.Timezone, "Europe/Berlin") || item.Timestamp == "" {
			t.Fatalf("trigger item %+v", item)
		}
		if seen[item.Timestamp] {
			t.Fatalf("instant %s fired twice", item.Timestamp)
		}
		seen[item.Timestamp] = true
	}
}

// TestStaticDataAndLogs checks that a Code node's static data carries over
// between production executions (not manual ones, as in n8n) and that
// console.log lines are saved with the execution.
func TestStaticDataAndLogs(t *testing.T) {
	svc := embedded(t, 0)
	ctx := context.Background()
	wID := save(t, svc.Store, `{"name":"counter","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Count","type":"n8n-nodes-base.code","typeVersion":2,"position":[200,0],"parameters":{"jsCode":"const g = $getWorkflowStaticData('global'); g.runs = (g.runs || 0) + 1; console.log('run', g.runs); return [{json: {runs: g.runs}}];"}}
],"connections":{"Start":{"main":[[{"node":"Count","type":"main","index":0}]]}}}`)
	runs := func(mode string) (int, *store.Execution) {
		t.Helper()
		h := start(t, svc, orchestrator.StartRequest{WorkflowID: wID, Mode: mode})
		x, err := h.Wait(ctx)
		if err != nil || x.Status != "success" {
			t.Fatalf("%v %+v", err, x)
		}
		var out struct{ Runs int }
		_ = json.Unmarshal(x.RunData["Count"][0].Outputs()[0][0].JSON, &out)
		saved, err := svc.Store.GetExecution(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		return out.Runs, saved
	}
	if n, _ := runs("trigger"); n != 1 {
		t.Fatalf("first run counted %d", n)
	}
	n, saved := runs("trigger")
	if n != 2 {
		t.Fatalf("second run counted %d, want 2: static data was not kept", n)
	}
	if !strings.Contains(string(saved.Logs), `"message":"run 2"`) || !strings.Contains(string(saved.Logs), `"node":"Count"`) {
		t.Fatalf("saved logs %s", saved.Logs)
	}
	if n, _ := runs("manual"); n != 3 {
		t.Fatalf("a manual run counted %d, want 3", n)
	}
	if n, _ := runs("trigger"); n != 3 {
		t.Fatalf("after a manual run the count is %d, want 3: manual runs do not keep static data", n)
	}
	wf, _ := svc.Store.GetWorkflow(ctx, wID)
	if string(wf.StaticData) != `{"global":{"runs":3}}` {
		t.Fatalf("stored static data %s", wf.StaticData)
	}
}

// TestRetentionPrunes checks the service prunes finished executions beyond
// the retention count.
func TestRetentionPrunes(t *testing.T) {
	dir := t.TempDir()
	st := sqliteStore(t, dir)
	defer st.Close()
	ctx := context.Background()
	svc, err := service.Start(ctx, service.Config{Store: st, Core: loadCore(t), DataDir: dir, Runners: 1, Alone: true,
		Retention: store.Retention{MaxCount: 2}, PruneEvery: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	wID := save(t, st, chainWorkflow)
	for range 5 {
		h := start(t, svc, orchestrator.StartRequest{WorkflowID: wID, StartData: [][]api.Item{{{JSON: json.RawMessage(`{"n":1}`)}}}})
		if _, err := h.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		es, _, err := st.ListExecutions(ctx, store.ExecutionFilter{WorkflowID: wID}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d executions kept, want 2", len(es))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// hangingExec stands for a node that never finishes on any runner (as a
// runner crashing on it would): it holds each task until its context ends.
type hangingExec struct{ calls atomic.Int32 }

func (h *hangingExec) Run(ctx context.Context, _ *engine.NodeTask) (*engine.NodeResult, error) {
	h.calls.Add(1)
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestDeadLetter checks that a task delivered MaxDeliver times without a
// result fails its execution with the reason, and lands on the dead-letter
// stream.
func TestDeadLetter(t *testing.T) {
	dir := t.TempDir()
	st := sqliteStore(t, dir)
	defer st.Close()
	ctx := context.Background()
	svc, err := service.Start(ctx, service.Config{Store: st, Core: loadCore(t), DataDir: dir, Alone: true,
		Bus: bus.Config{AckWait: time.Second, MaxDeliver: 2}})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	nc, err := svc.NATS.Connect("hanging-runner")
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	stub := &hangingExec{}
	// Two slots hang on the task's two deliveries; the third keeps a pull
	// open, and JetStream gives up on the task when it would deliver it to
	// that pull once more.
	r := &runner.Runner{NC: nc, Exec: stub, ID: "hanging", Concurrency: 3, InProgressEvery: time.Hour, DrainTimeout: time.Second}
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	go r.Run(rctx)

	wID := save(t, st, chainWorkflow)
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: wID, StartData: [][]api.Item{{{JSON: json.RawMessage(`{"n":1}`)}}}})
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	x, _ := h.Wait(wctx)
	if x == nil || x.Status != "error" || x.Error == nil || !strings.Contains(x.Error.Message, "delivered to runners 2 times") || !strings.Contains(x.Error.Message, `"Set"`) {
		t.Fatalf("execution: %+v", x)
	}
	if n := stub.calls.Load(); n != 2 {
		t.Fatalf("the task was run %d times, want 2 (MaxDeliver)", n)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.Stream(ctx, bus.DeadStream)
	if err != nil {
		t.Fatal(err)
	}
	m, err := stream.GetLastMsgForSubject(ctx, bus.DeadSubject)
	if err != nil {
		t.Fatalf("nothing on the dead-letter subject: %v", err)
	}
	if reason := m.Header.Get("Weft-Reason"); !strings.Contains(reason, "2 times") {
		t.Fatalf("dead letter reason %q", reason)
	}
}

// gatedStore holds FinishExecution until its gate opens, and says when
// one is waiting there.
type gatedStore struct {
	store.Store
	gate, entered chan struct{}
	once          *sync.Once
}

func (g gatedStore) open() { g.once.Do(func() { close(g.gate) }) }

func (g gatedStore) FinishExecution(ctx context.Context, id, status string, errDoc json.RawMessage, lastNode string, runData, logs json.RawMessage) error {
	g.entered <- struct{}{}
	<-g.gate
	return g.Store.FinishExecution(ctx, id, status, errDoc, lastNode, runData, logs)
}

// gated starts the embedded mode on a store whose FinishExecution waits
// for the returned store's gate.
func gated(t *testing.T) (*service.Service, store.Store, gatedStore) {
	dir := t.TempDir()
	st := sqliteStore(t, dir)
	gs := gatedStore{Store: st, gate: make(chan struct{}), entered: make(chan struct{}, 1), once: new(sync.Once)}
	svc, err := service.Start(context.Background(), service.Config{Store: gs, Core: loadCore(t), DataDir: dir, Runners: 1, Alone: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Close()
		st.Close()
	})
	// A test that fails before opening the gate must not hold Close.
	t.Cleanup(gs.open)
	return svc, st, gs
}

// TestOutcomeKnownBeforeRecorded checks that a handle reports a failed
// outcome (Ran) as soon as the walk ends, every node result in it
// committed, while Done waits for the outcome's commit.
func TestOutcomeKnownBeforeRecorded(t *testing.T) {
	svc, st, gs := gated(t)
	ctx := context.Background()
	wID := save(t, st, strings.Replace(chainWorkflow, `"jsCode":"return`, `"jsCode":"throw new Error('boom'); return`, 1))
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: wID, StartData: [][]api.Item{{{JSON: json.RawMessage(`{"n":1}`)}}}})
	select {
	case <-h.Ran():
	case <-time.After(time.Minute):
		t.Fatal("the outcome was not reported")
	}
	if x := h.Execution(); x == nil || x.Status != "error" {
		t.Fatalf("outcome %+v", x)
	}
	select {
	case <-h.Done():
		t.Fatal("Done before the outcome was recorded")
	default:
	}
	if e, _ := st.GetExecution(ctx, h.ID); e.Status != store.StatusRunning {
		t.Fatalf("stored status %s before the commit", e.Status)
	}
	if rs, _ := st.TaskResults(ctx, h.ID); len(rs) != 2 {
		t.Fatalf("%d node results committed when the outcome was reported, want both", len(rs))
	}
	<-gs.entered
	gs.open()
	<-h.Done()
	if e, _ := st.GetExecution(ctx, h.ID); e.Status != store.StatusError {
		t.Fatalf("stored status %s after the commit", e.Status)
	}
}

// TestLastResultCommittedWithTheOutcome checks that a successful
// execution's last node result is not written on its own: it is committed
// with the outcome, which holds it, and its task stays unacknowledged
// until then. The outcome is reported before that commit. Results that
// later tasks depend on are committed before those tasks go out.
func TestLastResultCommittedWithTheOutcome(t *testing.T) {
	svc, st, gs := gated(t)
	ctx := context.Background()
	wID := save(t, st, chainWorkflow)
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: wID, StartData: [][]api.Item{{{JSON: json.RawMessage(`{"n":1}`)}}}})
	select {
	case <-gs.entered:
	case <-time.After(time.Minute):
		t.Fatal("the execution did not reach its outcome")
	}
	rs, err := st.TaskResults(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rs[h.ID+"/Set/0/0"]; !ok || len(rs) != 1 {
		t.Fatalf("committed results %v while the outcome is being recorded, want only Set's (Code's goes with the outcome)", keys(rs))
	}
	select {
	case <-h.Ran():
	case <-time.After(time.Minute):
		t.Fatal("the outcome was not reported while it was being recorded")
	}
	if x := h.Execution(); x == nil || x.Status != "success" || !strings.Contains(string(x.RunData["Code"][0].Outputs()[0][0].JSON), `"n":3`) {
		t.Fatalf("outcome %+v, want success with Code's n 3", x)
	}
	// Set's task is acknowledged (its result committed); Code's waits for
	// the outcome's commit.
	_, js := natstest.JetStream(t, svc.NATS, "test")
	cons, err := js.Consumer(ctx, bus.TasksStream, bus.RunnersConsumer)
	if err != nil {
		t.Fatal(err)
	}
	acked := func(want uint64) *jetstream.ConsumerInfo {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; {
			ci, err := cons.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ci.AckFloor.Consumer >= want {
				return ci
			}
			if time.Now().After(deadline) {
				t.Fatalf("tasks: %d of %d acknowledged, want %d", ci.AckFloor.Consumer, ci.Delivered.Consumer, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if ci := acked(1); ci.NumAckPending != 1 || ci.Delivered.Consumer != 2 {
		t.Fatalf("tasks while the outcome is being recorded: %d delivered, %d unacknowledged; want 2 and 1 (Code's)", ci.Delivered.Consumer, ci.NumAckPending)
	}
	gs.open()
	<-h.Done()
	if ci := acked(2); ci.NumAckPending != 0 {
		t.Fatalf("%d tasks unacknowledged after the outcome's commit", ci.NumAckPending)
	}
	e, err := st.GetExecution(ctx, h.ID)
	if err != nil || e.Status != store.StatusSuccess {
		t.Fatalf("stored execution %+v (%v)", e, err)
	}
	var runData map[string][]engine.TaskData
	if err := json.Unmarshal(e.RunData, &runData); err != nil {
		t.Fatal(err)
	}
	if code := runData["Code"][0].Outputs()[0][0].JSON; !strings.Contains(string(code), `"n":3`) {
		t.Fatalf("Code output %s, want n 3", code)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
