package nodes_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/runtime"
)

func TestSpecsAndLookup(t *testing.T) {
	c := loadCore(t)
	want := []string{"aggregate", "code", "crypto", "dateTime", "executeWorkflow", "executeWorkflowTrigger",
		"filter", "if", "limit", "manualTrigger", "merge", "noOp", "removeDuplicates", "renameKeys", "set",
		"sort", "splitInBatches", "splitOut", "stopAndError", "summarize", "switch", "wait"}
	have := map[string]bool{}
	for _, s := range c.Specs() {
		have[s.Type] = true
		if s.DisplayName == "" || len(s.Versions) == 0 {
			t.Errorf("%s: spec without display name or versions: %+v", s.Type, s)
		}
	}
	for _, w := range want {
		if !have["n8n-nodes-base."+w] {
			t.Errorf("no spec for n8n-nodes-base.%s", w)
		}
	}
	if _, err := c.Lookup("n8n-nodes-base.sett", 1); !errors.As(err, new(*api.UnknownNodeTypeError)) {
		t.Errorf("unknown type: got %v", err)
	}
	var uv *api.UnsupportedVersionError
	if _, err := c.Lookup("n8n-nodes-base.set", 99); !errors.As(err, &uv) || len(uv.Supported) == 0 {
		t.Errorf("unsupported version: got %v", err)
	}
	info, err := c.Lookup("n8n-nodes-base.if", 2.2)
	if err != nil || info.Outputs(nil) != 2 {
		t.Errorf("If 2.2: want 2 outputs, err %v", err)
	}
}

func TestSwitchOutputsFollowParameters(t *testing.T) {
	c := loadCore(t)
	info, err := c.Lookup("n8n-nodes-base.switch", 3.2)
	if err != nil {
		t.Fatal(err)
	}
	rules := `{"mode":"rules","rules":{"values":[{"conditions":{}},{"conditions":{}},{"conditions":{}}]},"options":{"fallbackOutput":"extra"}}`
	if got := info.Outputs([]byte(rules)); got != 4 {
		t.Errorf("three rules and a fallback output: %d outputs, want 4", got)
	}
	if got := info.Outputs([]byte(`{"mode":"expression","numberOutputs":5}`)); got != 5 {
		t.Errorf("expression mode with numberOutputs 5: %d outputs, want 5", got)
	}
}

func TestValidateNamesNodeAndParameter(t *testing.T) {
	c := loadCore(t)
	wf := chain(t, node{"Fields", "n8n-nodes-base.set", 3.4, `{"mode":"sideways"}`})
	errs := api.FatalErrors(c.Validate(context.Background(), wf))
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `"Fields"`) || !strings.Contains(errs[0].Error(), "mode") {
		t.Fatalf("got %v, want one problem naming node Fields and parameter mode", errs)
	}
	var ve *api.ValidationError
	if !errors.As(errs[0], &ve) || ve.Node != "Fields" || ve.Field != "parameters" {
		t.Errorf("got %#v", errs[0])
	}
}

func TestWaitAsksTheHostToSleep(t *testing.T) {
	var slept []time.Duration
	c := loadCore(t, nodes.WithSleep(func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		return nil
	}))
	wf := chain(t, node{"Wait", "n8n-nodes-base.wait", 1.1, `{"amount":2,"unit":"minutes"}`})
	e := run(t, c, wf, items(2))
	if e.Status != engine.StatusSuccess {
		t.Fatalf("status %s: %+v", e.Status, e.Error)
	}
	if len(slept) != 1 || slept[0] != 2*time.Minute {
		t.Errorf("slept %v, want [2m0s]", slept)
	}
	if got := outputJSON(t, e, "Wait", 0); len(got) != 2 {
		t.Errorf("Wait output %v, want its 2 input items", got)
	}
}

// waitRecorder runs tasks on a core and keeps the waits they hand back.
type waitRecorder struct {
	c     *nodes.Core
	waits map[string]*engine.Wait
}

func (r *waitRecorder) Run(ctx context.Context, t *engine.NodeTask) (*engine.NodeResult, error) {
	res, err := r.c.Run(ctx, t)
	if err == nil && res.Wait != nil {
		r.waits[t.Node.Name] = res.Wait
	}
	return res, err
}

// TestWaitsHandedOff: with HandOff, a Wait node's wait, however short,
// goes back to the dispatcher, so no runner slot is held while it lasts.
func TestWaitsHandedOff(t *testing.T) {
	var slept []time.Duration
	c := loadCore(t, nodes.WithSleep(func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		return nil
	}))
	c.HandOff()
	rec := &waitRecorder{c: c, waits: map[string]*engine.Wait{}}
	before := time.Now()
	wf := chain(t, node{"Wait", "n8n-nodes-base.wait", 1.1, `{"amount":2,"unit":"seconds"}`})
	if _, err := engine.New(rec, engine.WithSpec(c.NodeSpec)).Run(context.Background(), wf, engine.StartOptions{ExecutionID: "x", StartData: [][]api.Item{items(1)}}); err != nil {
		t.Fatal(err)
	}
	w := rec.waits["Wait"]
	if w == nil || w.Webhook || w.Until < before.Add(2*time.Second).UnixMilli() || len(slept) != 0 {
		t.Fatalf("a 2 s wait: handed back %+v, slept %v; want it handed back, not slept", w, slept)
	}
}

// subRunRecorder runs tasks on a core and keeps the sub-runs they hand
// back, with the items they take.
type subRunRecorder struct {
	c     *nodes.Core
	runs  []*engine.SubRun
	items [][]api.Item
}

func (r *subRunRecorder) Run(ctx context.Context, t *engine.NodeTask) (*engine.NodeResult, error) {
	res, err := r.c.Run(ctx, t)
	if err == nil && res.SubRun != nil {
		r.runs = append(r.runs, res.SubRun)
		r.items = append(r.items, res.Outputs[0])
	}
	return res, err
}

// TestSubWorkflowsHandedOff: with HandOff, an Execute Workflow node hands
// its sub-workflows' runs back, the items they take as its outputs:
// saved workflows by id (one per item when the id depends on the item),
// the others as checked documents, named after the caller when they have
// no name.
func TestSubWorkflowsHandedOff(t *testing.T) {
	c := loadCore(t)
	c.HandOff()
	rec := &subRunRecorder{c: c}
	start := []api.Item{{JSON: json.RawMessage(`{"wf":"a"}`)}, {JSON: json.RawMessage(`{"wf":"b"}`)}}
	inline := `{"nodes":[{"parameters":{},"name":"In","type":"n8n-nodes-base.executeWorkflowTrigger","typeVersion":1,"position":[0,0]}],"connections":{}}`
	quoted, _ := json.Marshal(inline)
	run := func(params string) *engine.Execution {
		t.Helper()
		wf := chain(t, node{"Call", "n8n-nodes-base.executeWorkflow", 1, params})
		e, err := engine.New(rec, engine.WithSpec(c.NodeSpec)).Run(context.Background(), wf, engine.StartOptions{ExecutionID: "x", StartData: [][]api.Item{start}})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	before := time.Now().UnixMilli()
	for _, params := range []string{
		`{"source":"database","workflowId":"w1"}`,
		`{"source":"database","workflowId":"={{ $json.wf }}","mode":"each","options":{"waitForSubWorkflow":false}}`,
		`{"source":"database","workflowId":"w1","mode":"each"}`,
		`{"source":"parameter","workflowJson":` + string(quoted) + `}`,
	} {
		run(params)
	}
	after := time.Now().UnixMilli()
	want := []engine.SubRun{{Workflows: []string{"w1"}}, {Workflows: []string{"a", "b"}, Each: true, NoWait: true}, {Workflows: []string{"w1"}, Each: true}, {Workflows: []string{""}}}
	if len(rec.runs) != len(want) {
		t.Fatalf("%d sub-runs handed back, want %d", len(rec.runs), len(want))
	}
	for i, sr := range rec.runs {
		if sr.At < before || sr.At > after {
			t.Errorf("sub-run %d asked at %d, not between %d and %d", i, sr.At, before, after)
		}
		got := *sr
		got.At, got.Documents = 0, nil
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("sub-run %d = %+v, want %+v", i, got, want[i])
		}
		if len(rec.items[i]) != 2 || string(rec.items[i][1].JSON) != `{"wf":"b"}` {
			t.Errorf("sub-run %d takes %v, want the node's input", i, rec.items[i])
		}
	}
	if docs := rec.runs[3].Documents; len(docs) != 1 || !strings.Contains(string(docs[0]), `"name":"test"`) || !strings.Contains(string(docs[0]), `"name":"In"`) {
		t.Errorf("the inline sub-workflow handed back as %s, want its document named after its caller", docs)
	}
	if rec.runs[0].Documents != nil {
		t.Errorf("a saved workflow handed back with documents %s", rec.runs[0].Documents)
	}

	// A document that is no workflow fails the node, and nothing is
	// handed back.
	rec.runs = nil
	e := run(`{"source":"parameter","workflowJson":"{\"nodes\":[{\"name\":\"X\",\"type\":\"n8n-nodes-base.noSuchNode\"}]}"}`)
	if e.Status != engine.StatusError || !strings.Contains(e.Error.Message, "not valid") || len(rec.runs) != 0 {
		t.Fatalf("an invalid inline workflow: %s %+v, %d handed back", e.Status, e.Error, len(rec.runs))
	}
}

// TestSubWorkflowRunsIntegrated: a sub-workflow runs in n8n's integrated
// mode: its pinned data is not used, and $execution.mode is production.
func TestSubWorkflowRunsIntegrated(t *testing.T) {
	c := loadCore(t)
	doc := `{"nodes":[{"parameters":{"inputSource":"passthrough"},"name":"In","type":"n8n-nodes-base.executeWorkflowTrigger","typeVersion":1.1,"position":[0,0]},` +
		`{"parameters":{"jsCode":"return [{json: {mode: $execution.mode, real: true}}]"},"name":"Look","type":"n8n-nodes-base.code","typeVersion":2,"position":[200,0]}],` +
		`"connections":{"In":{"main":[[{"node":"Look","type":"main","index":0}]]}},"pinData":{"Look":[{"json":{"pinned":true}}]}}`
	quoted, _ := json.Marshal(doc)
	wf := chain(t, node{"Call", "n8n-nodes-base.executeWorkflow", 1.2, `{"source":"parameter","workflowJson":` + string(quoted) + `,"options":{}}`})
	if got := outputJSON(t, run(t, c, wf, items(1)), "Call", 0); strings.Join(got, ",") != `{"mode":"production","real":true}` {
		t.Fatalf("the sub-workflow gave %v", got)
	}
}

func TestWaitIsCanceledWithTheExecution(t *testing.T) {
	c := loadCore(t)
	wf := chain(t, node{"Wait", "n8n-nodes-base.wait", 1.1, `{"amount":1,"unit":"hours"}`})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	e, err := c.Executor().Run(ctx, wf, engine.StartOptions{})
	if !errors.Is(err, context.DeadlineExceeded) || e.Status != engine.StatusCanceled {
		t.Fatalf("got status %v, err %v; want canceled with the deadline", e.Status, err)
	}
}

func TestCodeConsoleLogGoesToTheExecutionLogs(t *testing.T) {
	c := loadCore(t)
	wf := chain(t, node{"Code", "n8n-nodes-base.code", 2, `{"jsCode":"console.log('seen', $input.all().length, {a: 1});\nreturn $input.all();"}`})
	e := run(t, c, wf, items(3))
	if e.Status != engine.StatusSuccess {
		t.Fatalf("status %s: %+v", e.Status, e.Error)
	}
	if len(e.Logs) != 1 || e.Logs[0].Node != "Code" || e.Logs[0].Message != `seen 3 {"a":1}` {
		t.Fatalf("logs %+v", e.Logs)
	}
}

// TestRunawayCodeHitsTheDeadline: the core module's fuel slice
// (nodes.FuelSlice) is far larger than the runtime's, yet a spinning Code
// node is still stopped by the deadline, long before its fuel (about 2 s of
// such a loop) runs out.
func TestRunawayCodeHitsTheDeadline(t *testing.T) {
	c := loadCore(t, nodes.WithLimits(runtime.Limits{Timeout: 100 * time.Millisecond}))
	wf := chain(t, node{"Code", "n8n-nodes-base.code", 2, `{"jsCode":"while (true) {}"}`})
	e := run(t, c, wf, items(1))
	if e.Status != engine.StatusError || e.Error == nil || !strings.Contains(e.Error.Message, "deadline exceeded (100ms)") {
		t.Fatalf("got %s %+v, want the node to fail with the deadline", e.Status, e.Error)
	}
}

// TestNodeTaskTakesOneFuelSlice: a node task on one item runs on the fuel
// handed out with it, without calling the host for more.
func TestNodeTaskTakesOneFuelSlice(t *testing.T) {
	var tasks [][]byte
	c := loadCore(t, nodes.WithTaskRecorder(func(_ string, task []byte) { tasks = append(tasks, bytes.Clone(task)) }))
	wf := benchWorkflow(t)
	if e := run(t, c, wf, items(7)[6:]); e.Status != engine.StatusSuccess {
		t.Fatalf("status %s: %+v", e.Status, e.Error)
	}
	if len(tasks) != 3 {
		t.Fatalf("%d tasks, want 3", len(tasks))
	}
	for _, task := range tasks {
		out, err := nodes.ModuleOf(c).Run(context.Background(), task, runtime.Limits{Fuel: nodes.DefaultFuel})
		if err != nil {
			t.Fatal(err)
		}
		if out.FuelUsed == 0 || out.Refills != 0 {
			t.Fatalf("task used %d units in %d refills, want one slice of %d: %.80s", out.FuelUsed, out.Refills, nodes.FuelSlice, task)
		}
	}
}

func TestRunawayCodeHitsTheFuelLimit(t *testing.T) {
	c := loadCore(t, nodes.WithLimits(runtime.Limits{Fuel: 2_000_000_000}))
	wf := chain(t, node{"Code", "n8n-nodes-base.code", 2, `{"jsCode":"while (true) {}"}`})
	e := run(t, c, wf, items(1))
	if e.Status != engine.StatusError || e.Error == nil || !strings.Contains(e.Error.Message, "fuel exhausted") {
		t.Fatalf("got %s %+v, want the node to fail with fuel exhausted", e.Status, e.Error)
	}
	// The module keeps working after an instance was thrown away.
	wf = chain(t, node{"Code", "n8n-nodes-base.code", 2, `{"jsCode":"return [{json: {ok: true}}]"}`})
	e = run(t, c, wf, items(1))
	if e.Error != nil {
		t.Fatalf("after the limit: %+v", e.Error)
	}
	if got := outputJSON(t, e, "Code", 0); len(got) != 1 || got[0] != `{"ok":true}` {
		t.Fatalf("after the limit: %v", got)
	}
}

func TestTasksDrawDifferentRandomNumbers(t *testing.T) {
	c := loadCore(t)
	wf := chain(t, node{"Code", "n8n-nodes-base.code", 2, `{"jsCode":"return [{json: {r: Math.random()}}]"}`})
	a := outputJSON(t, run(t, c, wf, items(1)), "Code", 0)
	b := outputJSON(t, run(t, c, wf, items(1)), "Code", 0)
	if a[0] == b[0] {
		t.Fatalf("two tasks from one snapshot drew the same number %s", a[0])
	}
}

func TestExecuteWorkflowFromLocalFile(t *testing.T) {
	c := loadCore(t)
	sub := chain(t, node{"Double", "n8n-nodes-base.code", 2, `{"jsCode":"return $input.all().map(i => ({json: {x2: i.json.n * 2}}))"}`})
	sub.Nodes[0].Type = "n8n-nodes-base.executeWorkflowTrigger"
	sub.Nodes[0].TypeVersion = 1.1
	data, err := sub.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sub.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	wf := chain(t, node{"Call", "n8n-nodes-base.executeWorkflow", 1.2, `{"source":"localFile","workflowPath":"` + path + `","options":{}}`})
	got := outputJSON(t, run(t, c, wf, items(3)), "Call", 0)
	if strings.Join(got, ",") != `{"x2":0},{"x2":2},{"x2":4}` {
		t.Fatalf("got %v", got)
	}
}

func TestExecuteWorkflowOncePerItem(t *testing.T) {
	c := loadCore(t)
	sub := `{"nodes":[{"parameters":{"inputSource":"passthrough"},"name":"In","type":"n8n-nodes-base.executeWorkflowTrigger","typeVersion":1.1,"position":[0,0]},` +
		`{"parameters":{"jsCode":"return [{json: {count: $input.all().length, n: $input.first().json.n}}]"},"name":"Count","type":"n8n-nodes-base.code","typeVersion":2,"position":[200,0]}],` +
		`"connections":{"In":{"main":[[{"node":"Count","type":"main","index":0}]]}}}`
	quoted, _ := json.Marshal(sub)
	wf := chain(t, node{"Call", "n8n-nodes-base.executeWorkflow", 1.2, `{"source":"parameter","mode":"each","workflowJson":` + string(quoted) + `,"options":{}}`})
	e := run(t, c, wf, items(3))
	got := outputJSON(t, e, "Call", 0)
	if strings.Join(got, ",") != `{"count":1,"n":0},{"count":1,"n":1},{"count":1,"n":2}` {
		t.Fatalf("mode each: %v (%+v)", got, e.Error)
	}
	out := e.RunData["Call"][0].Outputs()[0]
	if string(out[2].PairedItem) != `{"item":2}` {
		t.Errorf("pairedItem of the third result: %s", out[2].PairedItem)
	}
	noWait := chain(t, node{"Call", "n8n-nodes-base.executeWorkflow", 1.2, `{"source":"parameter","workflowJson":` + string(quoted) + `,"options":{"waitForSubWorkflow":false}}`})
	if got := outputJSON(t, run(t, c, noWait, items(2)), "Call", 0); len(got) != 2 || !strings.Contains(got[1], `"name":"item 1"`) {
		t.Errorf("without waiting the node outputs its input items: %v", got)
	}
}

func TestReferenceToANodeThatHasNotRun(t *testing.T) {
	c := loadCore(t)
	wf := chain(t,
		node{"Fields", "n8n-nodes-base.set", 3.4, `{"mode":"manual","assignments":{"assignments":[{"id":"a","name":"x","value":"={{ $('Later').first().json.n }}","type":"string"}]},"options":{}}`},
		node{"Later", "n8n-nodes-base.noOp", 1, `{}`},
	)
	e := run(t, c, wf, items(1))
	if e.Status != engine.StatusError || e.Error.Node != "Fields" || !strings.Contains(e.Error.Message, "hasn't been executed") {
		t.Fatalf("got %s %+v, want Fields to fail saying Later hasn't been executed", e.Status, e.Error)
	}
	wf = chain(t, node{"Fields", "n8n-nodes-base.set", 3.4, `{"mode":"manual","assignments":{"assignments":[{"id":"a","name":"x","value":"={{ $('Nowhere').item.json.n }}","type":"string"}]},"options":{}}`})
	if e := run(t, c, wf, items(1)); e.Error == nil || e.Error.Message != "Referenced node doesn't exist" {
		t.Fatalf("missing node: got %+v", e.Error)
	}
}

// TestDefaultFuelCoversBusyCode runs a Code node with 1.5 million loop
// iterations (about 150 ms of JavaScript) under the default
// limits: the budget is meant for about 2 s of busy JavaScript, whatever
// the engine charges per operation.
func TestDefaultFuelCoversBusyCode(t *testing.T) {
	c := loadCore(t)
	wf := chain(t, node{"Code", "n8n-nodes-base.code", 2, `{"jsCode":"let x = 0;\nfor (let i = 0; i < 1.5e6; i++) x += i % 7;\nreturn [{json: {x}}];"}`})
	e := run(t, c, wf, items(1))
	if e.Error != nil {
		t.Fatalf("busy code failed under the default limits: %+v", e.Error)
	}
	if got := outputJSON(t, e, "Code", 0); len(got) != 1 || got[0] != `{"x":4499995}` {
		t.Fatalf("output %v", got)
	}
}

// TestCodeAllocatingMuch runs Code nodes that allocate past the engine's
// task arena, and past its heap limit: the first works, the second fails
// with the engine's error, and the module keeps working.
func TestCodeAllocatingMuch(t *testing.T) {
	c := loadCore(t)
	big := chain(t, node{"Code", "n8n-nodes-base.code", 2, `{"jsCode":"const rows = [];\nfor (let i = 0; i < 100000; i++) rows.push({i, name: 'row ' + i});\nreturn [{json: {n: rows.length, last: rows[rows.length - 1].name}}];"}`})
	for range 2 {
		e := run(t, c, big, items(1))
		if e.Error != nil {
			t.Fatalf("allocating 100,000 objects: %+v", e.Error)
		}
		if got := outputJSON(t, e, "Code", 0); len(got) != 1 || got[0] != `{"n":100000,"last":"row 99999"}` {
			t.Fatalf("output %v", got)
		}
	}
	bomb := chain(t, node{"Code", "n8n-nodes-base.code", 2, `{"jsCode":"const a = [];\nwhile (true) a.push('x'.repeat(1 << 20) + a.length);"}`})
	e := run(t, c, bomb, items(1))
	if e.Error == nil || !strings.Contains(e.Error.Message, "out of memory") {
		t.Fatalf("got %+v, want the node to fail with the engine's out of memory error", e.Error)
	}
	e = run(t, c, big, items(1))
	if e.Error != nil {
		t.Fatalf("after running out of memory: %+v", e.Error)
	}
}

// TestParameterExpressionsFoundInTheModule runs Edit Fields with
// expressions where the module finds them natively
// (__weft_expression_keys): in an assignment's name and value, in a value
// nested inside an object, and nowhere.
func TestParameterExpressionsFoundInTheModule(t *testing.T) {
	c := loadCore(t)
	wf := chain(t, node{"Set", "n8n-nodes-base.set", 3.4, `{"assignments":{"assignments":[
		{"id":"1","name":"={{ 'k' + $json.n }}","value":"={{ $json.n * 10 }}","type":"number"},
		{"id":"2","name":"plain","value":"no expression","type":"string"},
		{"id":"3","name":"obj","value":{"x":"={{ $json.n + 1 }}","y":["={{ $json.n }}",1]},"type":"object"}]},"options":{}}`})
	e := run(t, c, wf, []api.Item{{JSON: json.RawMessage(`{"n":2}`)}, {JSON: json.RawMessage(`{"n":5}`)}})
	got := outputJSON(t, e, "Set", 0)
	want := []string{`{"k2":20,"plain":"no expression","obj":{"x":3,"y":[2,1]}}`, `{"k5":50,"plain":"no expression","obj":{"x":6,"y":[5,1]}}`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

// TestNestedParameterExpressionsPerItem routes items with an If whose
// conditions hold expressions at several depths, side by side with
// constants (the module finds them in one walk, __weft_expression_paths):
// every item is judged on its own values, so no item's resolved
// parameters leak into the next one's.
func TestNestedParameterExpressionsPerItem(t *testing.T) {
	c := loadCore(t)
	wf := chain(t, node{"If", "n8n-nodes-base.if", 2.2, `{"conditions":{
		"options":{"caseSensitive":true,"leftValue":"","typeValidation":"strict","version":2},
		"conditions":[
			{"id":"1","leftValue":"={{ $json.a }}","rightValue":"={{ $json.b }}","operator":{"type":"number","operation":"gt"}},
			{"id":"2","leftValue":"={{ $json.s }}","rightValue":"x","operator":{"type":"string","operation":"equals"}}],
		"combinator":"and"},"options":{}}`})
	items := []api.Item{
		{JSON: json.RawMessage(`{"a":3,"b":1,"s":"x"}`)},
		{JSON: json.RawMessage(`{"a":1,"b":3,"s":"x"}`)},
		{JSON: json.RawMessage(`{"a":5,"b":4,"s":"y"}`)},
		{JSON: json.RawMessage(`{"a":9,"b":2,"s":"x"}`)},
	}
	e := run(t, c, wf, items)
	pass, fail := outputJSON(t, e, "If", 0), outputJSON(t, e, "If", 1)
	wantPass := []string{`{"a":3,"b":1,"s":"x"}`, `{"a":9,"b":2,"s":"x"}`}
	wantFail := []string{`{"a":1,"b":3,"s":"x"}`, `{"a":5,"b":4,"s":"y"}`}
	if !reflect.DeepEqual(pass, wantPass) || !reflect.DeepEqual(fail, wantFail) {
		t.Errorf("true %v, false %v\nwant true %v, false %v", pass, fail, wantPass, wantFail)
	}
}
