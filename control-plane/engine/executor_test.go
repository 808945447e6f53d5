package engine

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
)

const (
	trigger = "n8n-nodes-base.manualTrigger"
	noOp    = "n8n-nodes-base.noOp"
	setT    = "n8n-nodes-base.set"
	ifT     = "n8n-nodes-base.if"
	mergeT  = "n8n-nodes-base.merge"
	codeT   = "n8n-nodes-base.code"
	loopT   = "n8n-nodes-base.splitInBatches"
)

// threeItems is a code node's parameters emitting three items.
const threeItems = `{"items":[{"id":1,"ok":true},{"id":2,"ok":false},{"id":3,"ok":true}]}`

// execute runs a workflow with a fresh fake dispatcher.
func execute(t *testing.T, wf *api.Workflow, opts ...Option) (*Execution, *fakeDispatcher) {
	t.Helper()
	f := &fakeDispatcher{}
	ex, err := New(f, opts...).Run(context.Background(), wf, StartOptions{ExecutionID: "e1"})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return ex, f
}

func TestOrder(t *testing.T) {
	tests := []struct {
		name  string
		nodes []tn
		edges []string
		want  []string
	}{
		{
			name: "branch runs to its end before its sibling; top first",
			nodes: []tn{
				{name: "T", typ: trigger},
				{name: "Low", typ: noOp, x: 200, y: 200},
				{name: "Low2", typ: noOp, x: 400, y: 200},
				{name: "High", typ: noOp, x: 200, y: 0},
				{name: "High2", typ: noOp, x: 400, y: 0},
			},
			edges: []string{"T->Low", "T->High", "Low->Low2", "High->High2"},
			want:  []string{"T", "High", "High2", "Low", "Low2"},
		},
		{
			name: "same row: left first, whatever the connection order",
			nodes: []tn{
				{name: "T", typ: trigger},
				{name: "Right", typ: noOp, x: 400},
				{name: "Left", typ: noOp, x: 200},
				{name: "Mid", typ: noOp, x: 300},
			},
			edges: []string{"T->Right", "T->Left", "T->Mid"},
			want:  []string{"T", "Left", "Mid", "Right"},
		},
		{
			name: "merge waits for both inputs",
			nodes: []tn{
				{name: "T", typ: trigger},
				{name: "A", typ: codeT, x: 200, params: `{"items":[{"a":1}]}`},
				{name: "B", typ: codeT, x: 200, y: 200, params: `{"items":[{"b":1}]}`},
				{name: "M", typ: mergeT, x: 400},
				{name: "After", typ: noOp, x: 600},
			},
			edges: []string{"T->A", "T->B", "A->M:0", "B->M:1", "M->After"},
			want:  []string{"T", "A", "B", "M", "After"},
		},
		{
			name: "empty output stops the branch (041)",
			nodes: []tn{
				{name: "T", typ: trigger},
				{name: "Data", typ: codeT, x: 200, params: `{"items":[{"ok":false}]}`},
				{name: "If", typ: ifT, x: 400, params: `{"field":"ok"}`},
				{name: "Neg", typ: noOp, x: 600},
				{name: "Pos", typ: noOp, x: 800},
				{name: "After Neg", typ: noOp, x: 1000},
			},
			edges: []string{"T->Data", "Data->If", "If:0->Neg", "If:1->Pos", "Neg->After Neg"},
			want:  []string{"T", "Data", "If", "Pos"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex, _ := execute(t, buildWorkflow(t, tc.nodes, tc.edges, ""))
			if ex.Status != StatusSuccess {
				t.Fatalf("status %q, error %+v", ex.Status, ex.Error)
			}
			if got := runOrder(ex); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("run order %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMergeAppendOrder(t *testing.T) {
	wf := buildWorkflow(t, []tn{
		{name: "T", typ: trigger},
		{name: "A", typ: codeT, x: 200, params: `{"items":[{"a":1}]}`},
		{name: "B", typ: codeT, x: 200, y: 200, params: `{"items":[{"b":1},{"b":2}]}`},
		{name: "M", typ: mergeT, x: 400},
	}, []string{"T->A", "T->B", "B->M:1", "A->M:0"}, "")
	ex, f := execute(t, wf)
	if got, want := outputsOf(t, ex, "M", 0), mustJSON(t, `[[{"a":1},{"b":1},{"b":2}]]`); !reflect.DeepEqual(got, want) {
		t.Errorf("merge output %v, want %v", got, want)
	}
	m := f.tasks[len(f.tasks)-1]
	want := []*SourceRef{{PreviousNode: "A"}, {PreviousNode: "B"}}
	if !reflect.DeepEqual(m.Source, want) {
		t.Errorf("merge source %+v", m.Source)
	}
	if string(m.Inputs[1][1].PairedItem) != `{"item":1,"input":1}` {
		t.Errorf("input 1 item 1 pairedItem %s", m.Inputs[1][1].PairedItem)
	}
}

// TestMergeOneInputEmpty mirrors case 017: the branch to input 1 ends with
// zero items, and Merge still runs once the stack is empty, with input 1
// empty.
func TestMergeOneInputEmpty(t *testing.T) {
	wf := buildWorkflow(t, []tn{
		{name: "Manual Trigger", typ: trigger},
		{name: "Left", typ: codeT, x: 220, params: `{"items":[{"id":1},{"id":2},{"id":3}]}`},
		{name: "Right", typ: codeT, x: 440, params: `{"items":[{"id":2,"y":"two"}]}`},
		{name: "Drop All", typ: ifT, x: 660, params: `{"field":"keep"}`},
		{name: "Merge", typ: mergeT, x: 880, extra: `"typeVersion":3.2`},
		{name: "After", typ: noOp, x: 1100},
	}, []string{"Manual Trigger->Left", "Manual Trigger->Right", "Right->Drop All", "Left->Merge:0", "Drop All->Merge:1", "Merge->After"}, "")
	ex, f := execute(t, wf)
	want := []string{"Manual Trigger", "Left", "Right", "Drop All", "Merge", "After"}
	if got := runOrder(ex); !reflect.DeepEqual(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	if got, want := outputsOf(t, ex, "Merge", 0), mustJSON(t, `[[{"id":1},{"id":2},{"id":3}]]`); !reflect.DeepEqual(got, want) {
		t.Errorf("merge output %v", got)
	}
	m := f.tasks[len(f.tasks)-2]
	if m.Node.Name != "Merge" || len(m.Inputs) != 2 || m.Inputs[1] == nil || len(m.Inputs[1]) != 0 {
		t.Errorf("merge inputs %+v", m.Inputs)
	}
	if ex.LastNodeExecuted != "After" {
		t.Errorf("last node %q", ex.LastNodeExecuted)
	}
}

// TestMergeChooseBranchNeedsBoth: a Merge that requires both inputs never
// runs with one missing.
func TestMergeChooseBranchNeedsBoth(t *testing.T) {
	wf := buildWorkflow(t, []tn{
		{name: "T", typ: trigger},
		{name: "Left", typ: codeT, x: 200, params: `{"items":[{"id":1}]}`},
		{name: "Right", typ: codeT, x: 200, y: 200, params: `{"items":[]}`},
		{name: "Merge", typ: mergeT, x: 400, params: `{"mode":"chooseBranch"}`, extra: `"typeVersion":3`},
	}, []string{"T->Left", "T->Right", "Left->Merge:0", "Right->Merge:1"}, "")
	ex, _ := execute(t, wf)
	if _, ran := ex.RunData["Merge"]; ran {
		t.Errorf("merge ran: %v", runOrder(ex))
	}
}

func TestAlwaysOutputData(t *testing.T) {
	wf := buildWorkflow(t, []tn{
		{name: "T", typ: trigger},
		{name: "Data", typ: codeT, x: 200, params: `{"items":[{"ok":false},{"ok":false}]}`},
		{name: "Filter", typ: ifT, x: 400, params: `{"field":"ok"}`, extra: `"alwaysOutputData":true`},
		{name: "After", typ: setT, x: 600, params: `{"field":"ran","value":true}`},
	}, []string{"T->Data", "Data->Filter", "Filter->After"}, "")
	ex, _ := execute(t, wf)
	if got, want := outputsOf(t, ex, "Filter", 0), mustJSON(t, `[[{}],[{"ok":false},{"ok":false}]]`); !reflect.DeepEqual(got, want) {
		t.Errorf("filter outputs %v", got)
	}
	if got := string(ex.RunData["Filter"][0].Outputs()[0][0].PairedItem); got != `[{"item":0,"input":0},{"item":1,"input":0}]` {
		t.Errorf("empty item pairedItem %s", got)
	}
	if got, want := outputsOf(t, ex, "After", 0), mustJSON(t, `[[{"ran":true}]]`); !reflect.DeepEqual(got, want) {
		t.Errorf("after outputs %v", got)
	}
}

func TestExecuteOnce(t *testing.T) {
	wf := buildWorkflow(t, []tn{
		{name: "T", typ: trigger},
		{name: "Data", typ: codeT, x: 200, params: threeItems},
		{name: "Once", typ: setT, x: 400, params: `{"field":"seen","value":"x","count":"count"}`, extra: `"executeOnce":true`},
	}, []string{"T->Data", "Data->Once"}, "")
	ex, f := execute(t, wf)
	once := f.tasks[len(f.tasks)-1]
	if len(once.Inputs[0]) != 1 || len(once.ConnectionInput) != 3 {
		t.Errorf("inputs %d items, connection input %d", len(once.Inputs[0]), len(once.ConnectionInput))
	}
	if got, want := outputsOf(t, ex, "Once", 0), mustJSON(t, `[[{"id":1,"ok":true,"seen":"x","count":3}]]`); !reflect.DeepEqual(got, want) {
		t.Errorf("outputs %v", got)
	}
}

func TestDisabledNode(t *testing.T) {
	wf := buildWorkflow(t, []tn{
		{name: "T", typ: trigger},
		{name: "Data", typ: codeT, x: 200, params: threeItems},
		{name: "Off", typ: setT, x: 400, params: `{"field":"no","value":1}`, extra: `"disabled":true`},
		{name: "After", typ: noOp, x: 600},
	}, []string{"T->Data", "Data->Off", "Off->After"}, "")
	ex, f := execute(t, wf)
	if got := f.seen(); !reflect.DeepEqual(got, []string{"Data", "After"}) {
		t.Errorf("dispatched %v", got)
	}
	if got, want := outputsOf(t, ex, "Off", 0), outputsOf(t, ex, "Data", 0); !reflect.DeepEqual(got, want) {
		t.Errorf("disabled outputs %v, want %v", got, want)
	}
}

func TestPinData(t *testing.T) {
	wf := buildWorkflow(t, []tn{
		{name: "T", typ: trigger},
		{name: "Data", typ: "test.fail", x: 200, params: `{"message":"should be pinned"}`},
		{name: "Use", typ: noOp, x: 400},
	}, []string{"T->Data", "Data->Use"}, `{"Data":[{"json":{"pinned":"p1"}},{"pinned":"p2"}]}`)
	ex, f := execute(t, wf)
	if got := f.seen(); !reflect.DeepEqual(got, []string{"Use"}) {
		t.Errorf("dispatched %v", got)
	}
	if got, want := outputsOf(t, ex, "Use", 0), mustJSON(t, `[[{"pinned":"p1"},{"pinned":"p2"}]]`); !reflect.DeepEqual(got, want) {
		t.Errorf("outputs %v", got)
	}
	if got := string(ex.RunData["Data"][0].Outputs()[0][1].PairedItem); got != `{"item":0}` {
		t.Errorf("pinned pairedItem %s", got)
	}
	// Outside manual mode pinned data is ignored.
	f2 := &fakeDispatcher{}
	ex2, err := New(f2).Run(context.Background(), wf, StartOptions{IgnorePinData: true})
	if err != nil || ex2.Status != StatusError || ex2.Error.Message != "should be pinned" {
		t.Errorf("ignore pin data: %v %+v", err, ex2)
	}
}

func TestStopWorkflow(t *testing.T) {
	wf := buildWorkflow(t, []tn{
		{name: "T", typ: trigger},
		{name: "Data", typ: codeT, x: 200, params: threeItems},
		{name: "Fails", typ: "test.fail", x: 400, params: `{"message":"boom"}`},
		{name: "Never", typ: noOp, x: 600},
		{name: "Sibling", typ: noOp, y: 300},
	}, []string{"T->Data", "T->Sibling", "Data->Fails", "Fails->Never"}, "")
	ex, _ := execute(t, wf)
	if ex.Status != StatusError || ex.Error == nil || ex.Error.Node != "Fails" || ex.Error.Message != "boom" {
		t.Fatalf("status %q error %+v", ex.Status, ex.Error)
	}
	if ex.LastNodeExecuted != "Fails" {
		t.Errorf("last node %q", ex.LastNodeExecuted)
	}
	runs := ex.RunData["Fails"]
	if len(runs) != 1 || runs[0].Data != nil || runs[0].Error == nil || runs[0].ExecutionStatus != StatusError {
		t.Errorf("failing run %+v", runs)
	}
	for _, n := range []string{"Never", "Sibling"} {
		if _, ran := ex.RunData[n]; ran {
			t.Errorf("%s ran", n)
		}
	}
	b, _ := json.Marshal(runs[0])
	if strings.Contains(string(b), `"data"`) || !strings.Contains(string(b), `"source":[{"previousNode":"Data","previousNodeOutput":0,"previousNodeRun":0}]`) {
		t.Errorf("failing run JSON %s", b)
	}
}

func TestContinueRegularOutput(t *testing.T) {
	wf := buildWorkflow(t, []tn{
		{name: "T", typ: trigger},
		{name: "Data", typ: codeT, x: 200, params: threeItems},
		{name: "Fails", typ: "test.fail", x: 400, params: `{"message":"boom"}`, extra: `"onError":"continueRegularOutput"`},
		{name: "Next", typ: noOp, x: 600},
	}, []string{"T->Data", "Data->Fails", "Fails->Next"}, "")
	ex, _ := execute(t, wf)
	if ex.Status != StatusSuccess {
		t.Fatalf("status %q", ex.Status)
	}
	run := ex.RunData["Fails"][0]
	if run.Error == nil || run.ExecutionStatus != StatusError {
		t.Errorf("run %+v", run)
	}
	if got, want := outputsOf(t, ex, "Next", 0), outputsOf(t, ex, "Data", 0); !reflect.DeepEqual(got, want) {
		t.Errorf("next got %v, want input passed through %v", got, want)
	}
}

func TestContinueErrorOutput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra bool
		want  string
	}{
		{"error items go to the error output merged with their input (048)", false,
			`[[{"id":1},{"id":3}],[{"id":2,"bad":true,"error":"bad item 1"}]]`},
		{"an error item with other keys stays on the success output (035)", true,
			`[[{"id":1},{"error":"bad item 1","pairedItem":{"item":1}},{"id":3}],[]]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wf := buildWorkflow(t, []tn{
				{name: "T", typ: trigger},
				{name: "Data", typ: codeT, x: 200, params: `{"items":[{"id":1},{"id":2,"bad":true},{"id":3}]}`},
				{name: "Check", typ: "test.errItems", x: 400, params: `{"extra":` + map[bool]string{true: "true", false: "false"}[tc.extra] + `}`, extra: `"onError":"continueErrorOutput"`},
				{name: "Good", typ: noOp, x: 600},
				{name: "Bad", typ: noOp, x: 600, y: 200},
			}, []string{"T->Data", "Data->Check", "Check:0->Good", "Check:1->Bad"}, "")
			ex, _ := execute(t, wf)
			if got, want := outputsOf(t, ex, "Check", 0), mustJSON(t, tc.want); !reflect.DeepEqual(got, want) {
				t.Errorf("outputs %v, want %v", got, want)
			}
			_, badRan := ex.RunData["Bad"]
			if badRan == tc.extra {
				t.Errorf("Bad ran: %v", badRan)
			}
		})
	}
}

func TestRetry(t *testing.T) {
	tests := []struct {
		name      string
		extra     string
		params    string
		calls     int
		waits     []time.Duration
		status    string
		errorNode string
	}{
		{"fails every try (039)", `"retryOnFail":true,"maxTries":2,"waitBetweenTries":10`, `{"message":"permanent"}`,
			2, []time.Duration{10 * time.Millisecond}, StatusError, "Fails"},
		{"clamped to 5 tries, default wait 1s", `"retryOnFail":true,"maxTries":10`, `{"message":"x"}`,
			5, []time.Duration{time.Second, time.Second, time.Second, time.Second}, StatusError, "Fails"},
		{"succeeds on the second try", `"retryOnFail":true,"waitBetweenTries":6000`, `{"message":"x","failTries":1}`,
			2, []time.Duration{5 * time.Second}, StatusSuccess, ""},
		{"no retry without retryOnFail", `"maxTries":4`, `{"message":"x"}`, 1, nil, StatusError, "Fails"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wf := buildWorkflow(t, []tn{
				{name: "T", typ: trigger},
				{name: "Fails", typ: "test.fail", x: 200, params: tc.params, extra: tc.extra},
			}, []string{"T->Fails"}, "")
			var waits []time.Duration
			ex, f := execute(t, wf, WithSleep(recordSleep(&waits)))
			if len(f.tasks) != tc.calls {
				t.Errorf("%d calls, want %d", len(f.tasks), tc.calls)
			}
			if !reflect.DeepEqual(waits, tc.waits) {
				t.Errorf("waits %v, want %v", waits, tc.waits)
			}
			if ex.Status != tc.status || (tc.errorNode != "" && ex.Error.Node != tc.errorNode) {
				t.Errorf("status %q error %+v", ex.Status, ex.Error)
			}
			if n := len(ex.RunData["Fails"]); n != 1 {
				t.Errorf("%d runs recorded", n)
			}
		})
	}
}

func TestLoopOverItems(t *testing.T) {
	// Case 027: batch size 2 over 5 items, loop back from Mark.
	wf := buildWorkflow(t, []tn{
		{name: "Manual Trigger", typ: trigger},
		{name: "Data", typ: codeT, x: 220, params: `{"items":[{"n":1},{"n":2},{"n":3},{"n":4},{"n":5}]}`},
		{name: "Loop", typ: loopT, x: 440, params: `{"batchSize":2}`},
		{name: "Mark", typ: noOp, x: 660},
		{name: "Done", typ: noOp, x: 880},
	}, []string{"Manual Trigger->Data", "Data->Loop", "Loop:0->Done", "Loop:1->Mark", "Mark->Loop"}, "")
	ex, f := execute(t, wf)
	want := []string{"Manual Trigger", "Data", "Loop", "Mark", "Loop", "Mark", "Loop", "Mark", "Loop", "Done"}
	if got := runOrder(ex); !reflect.DeepEqual(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	wantLoop := []string{
		`[[],[{"n":1},{"n":2}]]`, `[[],[{"n":3},{"n":4}]]`, `[[],[{"n":5}]]`,
		`[[{"n":1},{"n":2},{"n":3},{"n":4},{"n":5}],[]]`,
	}
	for i, w := range wantLoop {
		if got := outputsOf(t, ex, "Loop", i); !reflect.DeepEqual(got, mustJSON(t, w)) {
			t.Errorf("loop run %d: %v, want %s", i, got, w)
		}
	}
	var runIdx []int
	for _, task := range f.tasks {
		if task.Node.Name == "Mark" {
			runIdx = append(runIdx, task.RunIndex)
		}
	}
	if !reflect.DeepEqual(runIdx, []int{0, 1, 2}) {
		t.Errorf("Mark run indexes %v", runIdx)
	}
	if src := ex.RunData["Loop"][1].Source; len(src) != 1 || *src[0] != (SourceRef{PreviousNode: "Mark"}) {
		t.Errorf("loop run 1 source %+v", src)
	}
}

func TestRunCap(t *testing.T) {
	wf := buildWorkflow(t, []tn{
		{name: "T", typ: trigger},
		{name: "A", typ: noOp, x: 200},
		{name: "B", typ: noOp, x: 400},
	}, []string{"T->A", "A->B", "B->A"}, "")
	ex, f := execute(t, wf, WithMaxNodeRuns(7))
	if ex.Status != StatusError || !strings.Contains(ex.Error.Message, "7 node runs") {
		t.Fatalf("status %q error %+v", ex.Status, ex.Error)
	}
	if len(f.tasks) != 6 {
		t.Errorf("%d dispatches, want 6", len(f.tasks))
	}
}

func TestPairedItem(t *testing.T) {
	wf := buildWorkflow(t, []tn{
		{name: "T", typ: trigger},
		{name: "Three", typ: codeT, x: 200, params: threeItems},
		{name: "Set", typ: setT, x: 400, params: `{"field":"f","value":1}`},
		{name: "Two", typ: codeT, x: 600, params: `{"items":[{"a":1},{"a":2}]}`},
	}, []string{"T->Three", "Three->Set", "Set->Two"}, "")
	ex, f := execute(t, wf)
	pairs := func(node string) []string {
		var out []string
		for _, it := range ex.RunData[node][0].Outputs()[0] {
			out = append(out, string(it.PairedItem))
		}
		return out
	}
	if got := pairs("Three"); !reflect.DeepEqual(got, []string{`{"item":0}`, `{"item":0}`, `{"item":0}`}) {
		t.Errorf("one input item: %v", got)
	}
	if got := pairs("Set"); !reflect.DeepEqual(got, []string{`{"item":0}`, `{"item":1}`, `{"item":2}`}) {
		t.Errorf("same count: %v", got)
	}
	if got := pairs("Two"); !reflect.DeepEqual(got, []string{"", ""}) {
		t.Errorf("not inferable: %v", got)
	}
	if got := string(f.tasks[1].Inputs[0][2].PairedItem); got != `{"item":2}` {
		t.Errorf("stamped input %s", got)
	}
}

type failingDispatcher struct{}

func (failingDispatcher) Run(context.Context, *NodeTask) (*NodeResult, error) {
	return nil, errors.New("runner gone")
}

func TestDispatcherFailure(t *testing.T) {
	wf := buildWorkflow(t, []tn{{name: "T", typ: trigger}, {name: "A", typ: noOp, x: 200}}, []string{"T->A"}, "")
	ex, err := New(failingDispatcher{}).Run(context.Background(), wf, StartOptions{})
	if err == nil || !strings.Contains(err.Error(), "runner gone") {
		t.Fatalf("err %v", err)
	}
	if ex == nil || ex.Status != StatusError || ex.Error.Node != "A" {
		t.Errorf("execution %+v", ex)
	}
}

func TestCanceled(t *testing.T) {
	wf := buildWorkflow(t, []tn{{name: "T", typ: trigger}, {name: "A", typ: noOp, x: 200}}, []string{"T->A"}, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ex, err := New(&fakeDispatcher{}).Run(ctx, wf, StartOptions{})
	if !errors.Is(err, context.Canceled) || ex.Status != StatusCanceled {
		t.Errorf("err %v status %q", err, ex.Status)
	}
}

func TestStartNode(t *testing.T) {
	wf := buildWorkflow(t, []tn{{name: "A", typ: noOp}}, nil, "")
	if _, err := New(&fakeDispatcher{}).Run(context.Background(), wf, StartOptions{}); err == nil {
		t.Error("no start node: want error")
	}
	ex, err := New(&fakeDispatcher{}).Run(context.Background(), wf, StartOptions{StartNode: "A"})
	if err != nil || ex.Status != StatusSuccess || len(ex.RunData["A"]) != 1 {
		t.Errorf("explicit start: %v %+v", err, ex)
	}
}

// TestRetryOnErrorItem: n8n also retries a node that returned normally when
// output 0's first item has json.error.
func TestRetryOnErrorItem(t *testing.T) {
	wf := buildWorkflow(t, []tn{
		{name: "T", typ: trigger},
		{name: "Code", typ: codeT, x: 200, params: `{"items":[{"error":"soft"}]}`, extra: `"retryOnFail":true,"maxTries":3,"waitBetweenTries":0`},
	}, []string{"T->Code"}, "")
	var waits []time.Duration
	ex, f := execute(t, wf, WithSleep(recordSleep(&waits)))
	if len(f.tasks) != 3 || ex.Status != StatusSuccess || len(ex.RunData["Code"]) != 1 {
		t.Errorf("%d calls, status %q, %d runs", len(f.tasks), ex.Status, len(ex.RunData["Code"]))
	}
	if got := f.tasks[2].Try; got != 2 {
		t.Errorf("last try %d", got)
	}
}

func TestTriggerDispatch(t *testing.T) {
	wf := buildWorkflow(t, []tn{{name: "T", typ: trigger}}, nil, "")
	ex, f := execute(t, wf, WithTriggerDispatch())
	if got := f.seen(); !reflect.DeepEqual(got, []string{"T"}) || len(ex.RunData["T"]) != 1 {
		t.Errorf("dispatched %v", got)
	}
}

// TestRunDataJSON checks the n8n field names of run data.
func TestRunDataJSON(t *testing.T) {
	wf := buildWorkflow(t, []tn{{name: "T", typ: trigger}, {name: "A", typ: noOp, x: 200}}, []string{"T->A"}, "")
	ex, _ := execute(t, wf)
	b, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Status  string `json:"status"`
		RunData map[string][]map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.RunData["A"][0]
	for _, k := range []string{"startTime", "executionIndex", "executionTime", "executionStatus", "data", "source"} {
		if _, ok := run[k]; !ok {
			t.Errorf("run data lacks %q: %s", k, b)
		}
	}
	if got := string(run["data"]); got != `{"main":[[{"json":{},"pairedItem":{"item":0}}]]}` {
		t.Errorf("data %s", got)
	}
	if got := string(run["source"]); got != `[{"previousNode":"T","previousNodeOutput":0,"previousNodeRun":0}]` {
		t.Errorf("source %s", got)
	}
}

// TestAlwaysOutputDataNoOutputs: a node returning zero outputs still emits
// the empty item on output 0.
func TestAlwaysOutputDataNoOutputs(t *testing.T) {
	outs := alwaysOutput([][]api.Item{}, [][]api.Item{{{JSON: emptyJSON}}})
	if len(outs) != 1 || len(outs[0]) != 1 || string(outs[0][0].PairedItem) != `[{"item":0,"input":0}]` {
		t.Errorf("outputs %+v", outs)
	}
}

// timedDispatcher times every result as if each try started a second
// after the one before and took 7 ms.
type timedDispatcher struct{ fakeDispatcher }

func (d *timedDispatcher) Run(ctx context.Context, t *NodeTask) (*NodeResult, error) {
	res, err := d.fakeDispatcher.Run(ctx, t)
	if res != nil {
		res.StartTime, res.ExecutionTime = int64(1_700_000_000_000+1000*t.Try), 7
	}
	return res, err
}

// TestRunsTimedByTheirResults: a node's run takes its start and duration
// from its results when they carry them (a result replayed after a resume
// keeps when it ran), spanning its tries; the first node's run starts
// when the execution did.
func TestRunsTimedByTheirResults(t *testing.T) {
	wf := buildWorkflow(t, []tn{
		{name: "T", typ: trigger},
		{name: "Fails", typ: "test.fail", x: 200, params: `{"message":"x","failTries":1}`, extra: `"retryOnFail":true,"waitBetweenTries":0`},
	}, []string{"T->Fails"}, "")
	clock := time.UnixMilli(1_800_000_000_000)
	began := time.UnixMilli(1_600_000_000_000)
	ex, err := New(&timedDispatcher{}, WithSleep(func(context.Context, time.Duration) error { return nil }),
		WithClock(func() time.Time { return clock })).Run(context.Background(), wf, StartOptions{ExecutionID: "e1", StartedAt: began})
	if err != nil || ex.Status != StatusSuccess {
		t.Fatalf("run: %v %+v", err, ex)
	}
	if run := ex.RunData["Fails"][0]; run.StartTime != 1_700_000_000_000 || run.ExecutionTime != 1007 {
		t.Errorf("Fails ran at %d for %d ms, want at 1700000000000 for 1007 ms (both tries)", run.StartTime, run.ExecutionTime)
	}
	if run := ex.RunData["T"][0]; run.StartTime != began.UnixMilli() || run.ExecutionTime != 0 {
		t.Errorf("the trigger ran at %d for %d ms, want when the execution started, for no time", run.StartTime, run.ExecutionTime)
	}
}
