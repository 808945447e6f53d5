package nodes_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/nodes"
)

// TestPrepareHotNodes runs a node with expressions until the Core prepares
// them (compiles them into the module's snapshot) and checks that its
// output does not change, and that a Core seeing the node for the first
// time then finds its expressions compiled: its runs hand back no code,
// so its second task carries none.
func TestPrepareHotNodes(t *testing.T) {
	set := func(expr string) *api.Workflow {
		return chain(t, node{"Set", "n8n-nodes-base.set", 3.4, `{"assignments":{"assignments":[` +
			`{"id":"a","name":"double","value":"={{ $json.n * 2 + ` + expr + ` }}","type":"number"},` +
			`{"id":"b","name":"label","value":"=item ` + expr + ` {{ $json.name.toUpperCase() }}","type":"string"},` +
			`{"id":"c","name":"tpl","value":"={{ ` + "`${$json.id}!" + expr + "`" + ` }}","type":"string"}]}}`})
	}
	wf := set("1")
	start := items(3)
	var mu sync.Mutex
	var last []byte
	a := loadCore(t, nodes.WithTaskRecorder(func(node string, task []byte) {
		if node == "Set" {
			mu.Lock()
			last = bytes.Clone(task)
			mu.Unlock()
		}
	}))
	before := outputJSON(t, run(t, a, wf, start), "Set", 0)
	steady(t, a, func() { run(t, a, wf, start) })
	if rounds, _ := a.PrepareRounds(); rounds == 0 {
		t.Fatal("the Core never prepared the node it ran again and again")
	}
	if after := outputJSON(t, run(t, a, wf, start), "Set", 0); !slices.Equal(after, before) {
		t.Fatalf("output after preparing %v, before %v", after, before)
	}
	mu.Lock()
	doc, _, _ := bytes.Cut(last, []byte{0})
	mu.Unlock()
	if !bytes.Contains(doc, []byte(`"prepared":"`)) || bytes.Contains(doc, []byte(`"parameters"`)) {
		t.Fatalf("a prepared node's task still carries its parameters: %s", doc)
	}

	// secondTask runs wf twice on a new Core over the same module and
	// returns the second task it sent.
	secondTask := func(wf *api.Workflow) []byte {
		var mu sync.Mutex
		var tasks [][]byte
		c := loadCore(t, nodes.WithTaskRecorder(func(_ string, task []byte) {
			mu.Lock()
			tasks = append(tasks, bytes.Clone(task))
			mu.Unlock()
		}))
		run(t, c, wf, start)
		run(t, c, wf, start)
		if len(tasks) != 2 {
			t.Fatalf("%d tasks, want 2", len(tasks))
		}
		return tasks[1]
	}
	// The template literal is not plain code, so it is left to the tasks
	// and its bytecode comes back with the second task, prepared or not.
	entries := func(task []byte) int {
		_, trailer, found := bytes.Cut(task, []byte{0})
		if !found {
			return 0
		}
		return bytes.Count(trailer, []byte("anonymous"))
	}
	if got := entries(secondTask(wf)); got != 1 {
		t.Errorf("the prepared node's second task carries %d compiled functions, want 1 (the template literal)", got)
	}
	if got := entries(secondTask(set("2"))); got != 3 {
		t.Errorf("a node never prepared: its second task carries %d compiled functions, want 3", got)
	}
}

// TestUnpreparedParameters checks that a task naming parameters the
// module's snapshot does not keep is sent again with them, and gives the
// node's usual output.
func TestUnpreparedParameters(t *testing.T) {
	wf := chain(t, node{"Set", "n8n-nodes-base.set", 3.4, `{"assignments":{"assignments":[{"id":"a","name":"x","value":"={{ $json.n + 1000 }}","type":"number"}]}}`})
	start := items(2)
	c := loadCore(t, nodes.WithoutPreparing())
	want := outputJSON(t, run(t, c, wf, start), "Set", 0)
	var mu sync.Mutex
	var tasks [][]byte
	c = loadCore(t, nodes.WithoutPreparing(), nodes.WithTaskRecorder(func(_ string, task []byte) {
		mu.Lock()
		tasks = append(tasks, bytes.Clone(task))
		mu.Unlock()
	}))
	nodes.MarkPrepared(c, wf, wf.NodeByName("Set"))
	if got := outputJSON(t, run(t, c, wf, start), "Set", 0); !slices.Equal(got, want) {
		t.Fatalf("output %v, want %v", got, want)
	}
	run(t, c, wf, start)
	if len(tasks) != 3 {
		t.Fatalf("%d tasks sent, want 3 (the one naming parameters, the same with them, the next run's)", len(tasks))
	}
	for i, want := range []bool{true, false, false} {
		if got := bytes.Contains(tasks[i], []byte(`"prepared":"`)); got != want {
			t.Errorf("task %d names prepared parameters: %v, want %v", i, got, want)
		}
	}
}

// TestLargeParametersNotPrepared checks that a node whose parameters are
// too large to keep in every task's memory is not prepared.
func TestLargeParametersNotPrepared(t *testing.T) {
	long := strings.Repeat("x", 70<<10)
	wf := chain(t, node{"Set", "n8n-nodes-base.set", 3.4, `{"assignments":{"assignments":[{"id":"a","name":"x","value":"` + long + `","type":"string"},{"id":"b","name":"n","value":"={{ $json.n }}","type":"number"}]},"options":{}}`})
	c := loadCore(t)
	for range 5 {
		run(t, c, wf, items(1))
	}
	time.Sleep(500 * time.Millisecond)
	if rounds, _ := c.PrepareRounds(); rounds != 0 {
		t.Fatalf("%d rounds of preparing for a node with %d KiB of parameters", rounds, len(long)>>10)
	}
}

// TestPreparedRoutingNodes runs If and Filter nodes, prepared, in the real
// module: their conditions come from the plan made while preparing
// (conditions.js, planFilter) and the items they pass on go back as
// references found in C (glue/core.c, __weft_refs). Every item must go
// where it went before preparing, and a condition that fails on an item
// must fail the same way.
func TestPreparedRoutingNodes(t *testing.T) {
	cond := func(left, typ, op, right string) string {
		return fmt.Sprintf(`{"id":"c","leftValue":%q,"rightValue":%s,"operator":{"type":%q,"operation":%q}}`, left, right, typ, op)
	}
	filter := func(combinator string, conds ...string) string {
		return `{"conditions":{"options":{"caseSensitive":true,"leftValue":"","typeValidation":"strict","version":2},"conditions":[` +
			strings.Join(conds, ",") + `],"combinator":"` + combinator + `"},"options":{}}`
	}
	wf := chain(t,
		node{"If", "n8n-nodes-base.if", 2.2, filter("and", cond("={{ $json.n }}", "number", "gt", "1"), cond("={{ $json.name }}", "string", "contains", `"item"`))},
		node{"Filter", "n8n-nodes-base.filter", 2.2, filter("or", cond("={{ $json.n }}", "number", "lt", `"={{ $json.id - 2 }}"`), cond("={{ $json.n % 2 }}", "number", "equals", "0"))},
	)
	start := items(6)
	c := loadCore(t)
	routes := func() []string {
		e := run(t, c, wf, start)
		if e.Status != engine.StatusSuccess {
			t.Fatalf("status %s: %+v", e.Status, e.Error)
		}
		return append(append(outputJSON(t, e, "If", 0), "|"), append(append(outputJSON(t, e, "If", 1), "|"), outputJSON(t, e, "Filter", 0)...)...)
	}
	before := routes()
	if len(before) != 2+6+2 {
		t.Fatalf("routes before preparing: %v", before)
	}
	steady(t, c, func() { routes() })
	if rounds, _ := c.PrepareRounds(); rounds == 0 {
		t.Fatal("the nodes were never prepared")
	}
	if after := routes(); !slices.Equal(after, before) {
		t.Fatalf("routes after preparing %v, before %v", after, before)
	}

	// a string compared as a number fails the node, prepared or not
	bad := chain(t, node{"If", "n8n-nodes-base.if", 2.2, filter("and", cond("={{ $json.name }}", "number", "gt", "1"))})
	fail := func() string {
		e := run(t, c, bad, start)
		if e.Status != engine.StatusError || e.Error == nil {
			t.Fatalf("status %s: %+v, want the If to fail", e.Status, e.Error)
		}
		return e.Error.Message
	}
	want := fail()
	if !strings.Contains(want, "Wrong type: 'item 0' is a string but was expecting a number [condition 0, item 0]") {
		t.Fatalf("error %q", want)
	}
	steady(t, c, func() { fail() })
	if got := fail(); got != want {
		t.Fatalf("error after preparing %q, before %q", got, want)
	}
}
