package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/control-plane/orchestrator"
	"github.com/weftrun/weft/control-plane/service"
	"github.com/weftrun/weft/store"
)

// timesTen is a sub-workflow that says which execution ran it.
const timesTen = `{"name":"times ten","nodes":[
 {"name":"In","type":"n8n-nodes-base.executeWorkflowTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Times","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[200,0],"parameters":{"assignments":{"assignments":[
   {"id":"a","name":"m","value":"={{ $json.n * 10 }}","type":"number"},
   {"id":"b","name":"exec","value":"={{ $execution.id }}","type":"string"},
   {"id":"c","name":"mode","value":"={{ $execution.mode }}","type":"string"}]},"options":{}}}
],"connections":{"In":{"main":[[{"node":"Times","type":"main","index":0}]]}}}`

// waitEnded polls the store until the execution has ended.
func waitEnded(t *testing.T, st store.Store, id string) *store.Execution {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		e, err := st.GetExecution(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if !e.FinishedAt.IsZero() {
			return e
		}
	}
	t.Fatalf("execution %s did not end in a minute", id)
	return nil
}

// waitingSub is a sub-workflow that waits for a POST to its waiting
// webhook.
func waitingSub() string {
	return strings.Replace(fmt.Sprintf(webhookWaitWorkflow, ""), `"type":"n8n-nodes-base.manualTrigger"`, `"type":"n8n-nodes-base.executeWorkflowTrigger"`, 1)
}

// caller executes the workflow with id sub through a node with these
// extra parameters, then records what it got.
func caller(sub, params string) string {
	return fmt.Sprintf(`{"name":"caller","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Call","type":"n8n-nodes-base.executeWorkflow","typeVersion":1.1,"position":[200,0],"parameters":{"source":"database","workflowId":{"__rl":true,"value":%q,"mode":"id"}%s}},
 {"name":"After","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[400,0],"parameters":{}}
],"connections":{"Start":{"main":[[{"node":"Call","type":"main","index":0}]]},"Call":{"main":[[{"node":"After","type":"main","index":0}]]}}}`, sub, params)
}

// inlineCaller executes the workflow doc, given as JSON, through a node
// with these extra parameters, then records what it got.
func inlineCaller(doc, params string) string {
	quoted, _ := json.Marshal(doc)
	return fmt.Sprintf(`{"name":"inline caller","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Call","type":"n8n-nodes-base.executeWorkflow","typeVersion":1.2,"position":[200,0],"parameters":{"source":"parameter","workflowJson":%s%s}},
 {"name":"After","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[400,0],"parameters":{}}
],"connections":{"Start":{"main":[[{"node":"Call","type":"main","index":0}]]},"Call":{"main":[[{"node":"After","type":"main","index":0}]]}}}`, quoted, params)
}

// children lists the executions id started, oldest first.
func children(t *testing.T, st store.Store, id string) []*store.Execution {
	t.Helper()
	list, _, err := st.ListExecutions(context.Background(), store.ExecutionFilter{ParentID: id}, store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

func numbers(ns ...int) [][]api.Item {
	items := make([]api.Item, len(ns))
	for i, n := range ns {
		items[i] = api.Item{JSON: json.RawMessage(fmt.Sprintf(`{"n":%d}`, n))}
	}
	return [][]api.Item{items}
}

type timesTenOut struct {
	M    int    `json:"m"`
	Exec string `json:"exec"`
	Mode string `json:"mode"`
}

func outputsOf(t *testing.T, items []api.Item) []timesTenOut {
	t.Helper()
	out := make([]timesTenOut, len(items))
	for i, it := range items {
		if err := json.Unmarshal(it.JSON, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// runWithOneSub runs workflow wf with input, expects it to succeed with
// one sub-execution, and returns the three.
func runWithOneSub(t *testing.T, svc *service.Service, wf string, input [][]api.Item) (*orchestrator.Handle, *engine.Execution, *store.Execution) {
	t.Helper()
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: wf, StartData: input})
	x := finish(t, h)
	if x.Status != store.StatusSuccess {
		t.Fatalf("status %s: %+v", x.Status, x.Error)
	}
	kids := children(t, svc.Store, h.ID)
	if len(kids) != 1 {
		t.Fatalf("%d sub-executions, want 1", len(kids))
	}
	kid, err := svc.Store.GetExecution(context.Background(), kids[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return h, x, kid
}

// TestSubWorkflowIsAnExecution: a saved workflow an Execute Workflow node
// runs is an execution of its own, mode integrated, its parent named,
// its run data kept; $execution.id inside it is its own.
func TestSubWorkflowIsAnExecution(t *testing.T) {
	svc := embedded(t, 0)
	subID := save(t, svc.Store, timesTen)

	t.Run("once", func(t *testing.T) {
		h, x, kid := runWithOneSub(t, svc, save(t, svc.Store, caller(subID, `,"options":{}`)), numbers(1, 2))
		if kid.Mode != orchestrator.ModeIntegrated || kid.Status != store.StatusSuccess || kid.WorkflowID != subID || kid.ParentID != h.ID || kid.LastNodeExecuted != "Times" {
			t.Fatalf("sub-execution: %+v", kid)
		}
		var rd map[string][]engine.TaskData
		if err := json.Unmarshal(kid.RunData, &rd); err != nil || len(rd["Times"]) != 1 {
			t.Fatalf("sub-execution run data: %s (%v)", kid.RunData, err)
		}
		got := outputsOf(t, x.RunData["Call"][0].Outputs()[0])
		if len(got) != 2 || got[0].M != 10 || got[1].M != 20 {
			t.Fatalf("Call gave %+v, want m 10 and 20", got)
		}
		for _, g := range got {
			if g.Exec != kid.ID || g.Mode != "production" {
				t.Fatalf("inside the sub-workflow $execution is %s (%s), want %s (production)", g.Exec, g.Mode, kid.ID)
			}
		}
	})

	t.Run("each", func(t *testing.T) {
		h := start(t, svc, orchestrator.StartRequest{WorkflowID: save(t, svc.Store, caller(subID, `,"mode":"each","options":{}`)), StartData: numbers(1, 2, 3)})
		x := finish(t, h)
		if x.Status != store.StatusSuccess {
			t.Fatalf("status %s: %+v", x.Status, x.Error)
		}
		kids := children(t, svc.Store, h.ID)
		if len(kids) != 3 {
			t.Fatalf("%d sub-executions, want 3", len(kids))
		}
		items := x.RunData["Call"][0].Outputs()[0]
		got := outputsOf(t, items)
		for i, g := range got {
			if g.M != 10*(i+1) || g.Exec != kids[i].ID {
				t.Fatalf("item %d: %+v, want m %d from %s", i, g, 10*(i+1), kids[i].ID)
			}
			if p := string(items[i].PairedItem); p != fmt.Sprintf(`{"item":%d}`, i) {
				t.Fatalf("item %d is paired with %s", i, p)
			}
		}
	})

	t.Run("without waiting", func(t *testing.T) {
		h := start(t, svc, orchestrator.StartRequest{WorkflowID: save(t, svc.Store, caller(subID, `,"options":{"waitForSubWorkflow":false}`)), StartData: numbers(4)})
		x := finish(t, h)
		if x.Status != store.StatusSuccess {
			t.Fatalf("status %s: %+v", x.Status, x.Error)
		}
		if got := string(x.RunData["After"][0].Outputs()[0][0].JSON); got != `{"n":4}` {
			t.Fatalf("After got %s, want the node's input", got)
		}
		kids := children(t, svc.Store, h.ID)
		if len(kids) != 1 {
			t.Fatalf("%d sub-executions, want 1", len(kids))
		}
		if e := waitEnded(t, svc.Store, kids[0].ID); e.Status != store.StatusSuccess {
			t.Fatalf("the sub-execution ended %s", e.Status)
		}
	})
}

// TestInlineSubWorkflowIsAnExecution: a sub-workflow given as JSON is an
// execution of its own too, kept with its document and belonging to the
// workflow holding the node.
func TestInlineSubWorkflowIsAnExecution(t *testing.T) {
	svc := embedded(t, 0)
	ctx := context.Background()
	wID := save(t, svc.Store, inlineCaller(timesTen, `,"options":{}`))
	h, x, kid := runWithOneSub(t, svc, wID, numbers(3))
	if kid.WorkflowID != wID || kid.ParentID != h.ID || kid.Mode != orchestrator.ModeIntegrated || kid.Status != store.StatusSuccess || !strings.Contains(string(kid.WorkflowDoc), `"name":"times ten"`) {
		t.Fatalf("sub-execution: %+v, workflow %s", kid, kid.WorkflowDoc)
	}
	got := outputsOf(t, x.RunData["Call"][0].Outputs()[0])
	if len(got) != 1 || got[0].M != 30 || got[0].Exec != kid.ID {
		t.Fatalf("Call gave %+v, want m 30 from %s", got, kid.ID)
	}

	// A failed one, retried, runs its document again, not the workflow
	// it belongs to.
	failing := `{"name":"fails","nodes":[
 {"name":"In","type":"n8n-nodes-base.executeWorkflowTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Boom","type":"n8n-nodes-base.stopAndError","typeVersion":1,"position":[200,0],"parameters":{"errorMessage":"out of stock"}}
],"connections":{"In":{"main":[[{"node":"Boom","type":"main","index":0}]]}}}`
	h = start(t, svc, orchestrator.StartRequest{WorkflowID: save(t, svc.Store, inlineCaller(failing, `,"options":{}`)), StartData: numbers(1)})
	if x := finish(t, h); x.Status != store.StatusError || x.Error.Message != "out of stock" {
		t.Fatalf("caller of a failing sub-workflow: %s %+v", x.Status, x.Error)
	}
	failed := children(t, svc.Store, h.ID)[0]
	h2, err := svc.Orchestrator.Retry(ctx, orchestrator.RetryRequest{ExecutionID: failed.ID, CurrentVersion: true})
	if err != nil {
		t.Fatal(err)
	}
	if x := finish(t, h2); x.Status != store.StatusError || x.Error.Node != "Boom" {
		t.Fatalf("retry: %s %+v, want the document run again", x.Status, x.Error)
	}
	was, _ := svc.Store.GetExecution(ctx, failed.ID)
	if e, _ := svc.Store.GetExecution(ctx, h2.ID); was.WorkflowDoc == nil || string(e.WorkflowDoc) != string(was.WorkflowDoc) || e.ParentID != h.ID {
		t.Fatalf("retry: parent %s, workflow %s; want %s and %s", e.ParentID, e.WorkflowDoc, h.ID, was.WorkflowDoc)
	}
}

// TestSubWorkflowWaitParksItsParent: a sub-execution that waits for a
// webhook call parks, and its parent parks with it, holding nothing;
// the call resumes the sub-execution, whose end resumes the parent with
// its output. So for a saved sub-workflow and one given as JSON.
func TestSubWorkflowWaitParksItsParent(t *testing.T) {
	t.Run("saved", func(t *testing.T) {
		svc := embedded(t, 0)
		subWaitParksItsParent(t, svc, caller(save(t, svc.Store, waitingSub()), `,"options":{}`))
	})
	t.Run("inline", func(t *testing.T) {
		svc := embedded(t, 0)
		subWaitParksItsParent(t, svc, inlineCaller(waitingSub(), `,"options":{}`))
	})
}

func subWaitParksItsParent(t *testing.T, svc *service.Service, callerDoc string) {
	ctx := context.Background()
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: save(t, svc.Store, callerDoc), StartData: numbers(5)})
	parked := waitStatus(t, svc.Store, h.ID, store.StatusWaiting)
	if parked.WaitWebhook || !parked.WaitUntil.IsZero() {
		t.Fatalf("the parent waits for a call or a time: %+v", parked)
	}
	kids := children(t, svc.Store, h.ID)
	if len(kids) != 1 || kids[0].Status != store.StatusWaiting || !kids[0].WaitWebhook {
		t.Fatalf("sub-executions %+v, want one waiting for a call", kids)
	}
	<-h.Done()
	if n := svc.Orchestrator.Running(); n != 0 {
		t.Fatalf("%d executions hold a goroutine while they wait", n)
	}
	// The parent does not take the sub-execution's call, and says why.
	if _, err := svc.Orchestrator.ResumeWebhook(ctx, parked, "POST", api.Item{JSON: json.RawMessage(`{}`)}); !errors.Is(err, orchestrator.ErrNotWaiting) ||
		!strings.Contains(err.Error(), "parentId="+h.ID) {
		t.Fatalf("a call to the parent's waiting webhook: %v, want it refused, naming where its sub-executions are", err)
	}
	kid, err := svc.Store.GetExecution(ctx, kids[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Orchestrator.ResumeWebhook(ctx, kid, "POST", api.Item{JSON: json.RawMessage(`{"body":{"approved":true}}`)}); err != nil {
		t.Fatal(err)
	}
	e := waitEnded(t, svc.Store, h.ID)
	if e.Status != store.StatusSuccess {
		t.Fatalf("parent: %s %s", e.Status, e.Error)
	}
	var rd map[string][]engine.TaskData
	if err := json.Unmarshal(e.RunData, &rd); err != nil {
		t.Fatal(err)
	}
	if got := string(rd["After"][0].Outputs()[0][0].JSON); !strings.Contains(got, "approved") {
		t.Fatalf("the parent's After got %s, want the sub-workflow's output after the call", got)
	}
	if len(children(t, svc.Store, h.ID)) != 1 {
		t.Fatal("resuming the parent started the sub-workflow again")
	}
}

// TestStopParentStopsSubExecution: stopping an execution parked until its
// sub-execution ends stops that one too.
func TestStopParentStopsSubExecution(t *testing.T) {
	svc := embedded(t, 0)
	ctx := context.Background()
	subID := save(t, svc.Store, waitingSub())
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: save(t, svc.Store, caller(subID, `,"options":{}`)), StartData: numbers(6)})
	waitStatus(t, svc.Store, h.ID, store.StatusWaiting)
	kid := children(t, svc.Store, h.ID)[0]
	waitStatus(t, svc.Store, kid.ID, store.StatusWaiting)
	if _, err := svc.Orchestrator.StopWaiting(ctx, h.ID); err != nil {
		t.Fatal(err)
	}
	if e := waitEnded(t, svc.Store, h.ID); e.Status != store.StatusCanceled {
		t.Fatalf("parent: %s", e.Status)
	}
	if e := waitEnded(t, svc.Store, kid.ID); e.Status != store.StatusCanceled {
		t.Fatalf("sub-execution: %s", e.Status)
	}
}

// TestSubWorkflowFailure: a sub-execution that fails is the node's
// error, with its message; one that executes itself ends at the depth
// limit.
func TestSubWorkflowFailure(t *testing.T) {
	svc := embedded(t, 0)
	handler := save(t, svc.Store, `{"name":"on error","nodes":[
 {"name":"Error Trigger","type":"n8n-nodes-base.errorTrigger","typeVersion":1,"position":[0,0],"parameters":{}}],"connections":{}}`)
	failing := save(t, svc.Store, fmt.Sprintf(`{"name":"fails","nodes":[
 {"name":"In","type":"n8n-nodes-base.executeWorkflowTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Boom","type":"n8n-nodes-base.stopAndError","typeVersion":1,"position":[200,0],"parameters":{"errorMessage":"out of stock"}}
],"connections":{"In":{"main":[[{"node":"Boom","type":"main","index":0}]]}},"settings":{"errorWorkflow":%q}}`, handler))
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: save(t, svc.Store, caller(failing, `,"options":{}`)), StartData: numbers(1)})
	x := finish(t, h)
	if x.Status != store.StatusError || x.Error == nil || x.Error.Node != "Call" || x.Error.Message != "out of stock" {
		t.Fatalf("parent: %s %+v, want Call to fail with the sub-workflow's message", x.Status, x.Error)
	}
	kids := children(t, svc.Store, h.ID)
	if len(kids) != 1 || kids[0].Status != store.StatusError || kids[0].LastNodeExecuted != "Boom" {
		t.Fatalf("sub-executions: %+v", kids)
	}
	// The failed sub-execution starts its own error workflow.
	var handled []*store.Execution
	for deadline := time.Now().Add(time.Minute); len(handled) == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		handled = children(t, svc.Store, kids[0].ID)
	}
	if len(handled) != 1 || handled[0].WorkflowID != handler || handled[0].Mode != "error" {
		t.Fatalf("executions the failed sub-execution started: %+v, want its error workflow's", handled)
	}

	self := save(t, svc.Store, `{"name":"forever","nodes":[
 {"name":"In","type":"n8n-nodes-base.executeWorkflowTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Again","type":"n8n-nodes-base.executeWorkflow","typeVersion":1,"position":[200,0],"parameters":{"source":"database","workflowId":"={{ $workflow.id }}"}}
],"connections":{"In":{"main":[[{"node":"Again","type":"main","index":0}]]}}}`)
	h = start(t, svc, orchestrator.StartRequest{WorkflowID: self, Mode: "webhook", StartData: numbers(1)})
	x = finish(t, h)
	if x.Status != store.StatusError || x.Error == nil || !strings.Contains(x.Error.Message, "deeper than 16") {
		t.Fatalf("a workflow executing itself: %s %+v", x.Status, x.Error)
	}
	depth, id := 0, h.ID
	for {
		kids := children(t, svc.Store, id)
		if len(kids) == 0 {
			break
		}
		depth, id = depth+1, kids[0].ID
	}
	if depth != orchestrator.MaxSubDepth {
		t.Fatalf("sub-executions nest %d deep, want %d", depth, orchestrator.MaxSubDepth)
	}
}

// TestSubExecutionSurvivesRestart: a control plane stopped while an
// execution waits for its sub-execution; the next one on the same store
// resumes the sub-execution on its call, and then the parent, which does
// not start the sub-workflow again.
func TestSubExecutionSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	st := sqliteStore(t, dir)
	defer st.Close()
	ctx := context.Background()
	cfg := service.Config{Store: st, Core: loadCore(t), DataDir: dir, Runners: 1, RunnerConcurrency: 2, Alone: true, Logf: t.Logf}
	svc, err := service.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	subID := save(t, st, waitingSub())
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: save(t, st, caller(subID, `,"mode":"each","options":{}`)), StartData: numbers(1, 2)})
	waitStatus(t, st, h.ID, store.StatusWaiting)
	first := children(t, st, h.ID)[0]
	svc.Close()

	svc2, err := service.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer svc2.Close()
	resume := func(id string, n int) {
		t.Helper()
		kid := waitStatus(t, st, id, store.StatusWaiting)
		if _, err := svc2.Orchestrator.ResumeWebhook(ctx, kid, "POST", api.Item{JSON: json.RawMessage(fmt.Sprintf(`{"call":%d}`, n))}); err != nil {
			t.Fatal(err)
		}
	}
	resume(first.ID, 1)
	// The parent goes on to the second item's sub-execution, which waits.
	for deadline := time.Now().Add(time.Minute); len(children(t, st, h.ID)) < 2 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	kids := children(t, st, h.ID)
	if len(kids) != 2 || kids[0].ID != first.ID {
		t.Fatalf("sub-executions %+v, want the first one and one more", kids)
	}
	resume(kids[1].ID, 2)
	e := waitEnded(t, st, h.ID)
	if e.Status != store.StatusSuccess {
		t.Fatalf("parent: %s %s", e.Status, e.Error)
	}
	var rd map[string][]engine.TaskData
	if err := json.Unmarshal(e.RunData, &rd); err != nil {
		t.Fatal(err)
	}
	out := rd["Call"][0].Outputs()[0]
	if len(out) != 2 || !strings.Contains(string(out[0].JSON), `\"call\":1`) || !strings.Contains(string(out[1].JSON), `\"call\":2`) {
		t.Fatalf("Call gave %v", out)
	}
	if n := len(children(t, st, h.ID)); n != 2 {
		t.Fatalf("%d sub-executions, want 2", n)
	}
}

// TestDeletedSubExecutionFailsItsCaller: deleting a waiting sub-execution
// wakes its parked caller, whose node fails saying so.
func TestDeletedSubExecutionFailsItsCaller(t *testing.T) {
	svc := embedded(t, 0)
	ctx := context.Background()
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: save(t, svc.Store, caller(save(t, svc.Store, waitingSub()), `,"options":{}`)), StartData: numbers(7)})
	waitStatus(t, svc.Store, h.ID, store.StatusWaiting)
	kid := waitStatus(t, svc.Store, children(t, svc.Store, h.ID)[0].ID, store.StatusWaiting)
	if err := svc.Store.DeleteExecution(ctx, kid.ID); err != nil {
		t.Fatal(err)
	}
	e := waitEnded(t, svc.Store, h.ID)
	if e.Status != store.StatusError || !strings.Contains(string(e.Error), "deleted") {
		t.Fatalf("caller: %s %s", e.Status, e.Error)
	}
}
