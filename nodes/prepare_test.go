package nodes_test

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
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
