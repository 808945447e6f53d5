package nodes_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/internal/testmodules"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/runtime"
)

var (
	engOnce sync.Once
	eng     *runtime.Engine
	engErr  error
)

// loadCore loads the core module on a shared engine (compiled once per test
// binary) with the given options.
func loadCore(tb testing.TB, opts ...nodes.Option) *nodes.Core {
	tb.Helper()
	path := testmodules.Core(tb)
	engOnce.Do(func() {
		eng, engErr = runtime.NewEngine(context.Background(), runtime.NewConfig().WithMetering(os.Getenv("WEFT_BENCH_NOMETER") == ""))
	})
	if engErr != nil {
		tb.Fatal(engErr)
	}
	if os.Getenv("WEFT_BENCH_NOPREPARE") != "" {
		opts = append(opts, nodes.WithoutPreparing())
	}
	c, err := nodes.LoadFile(context.Background(), eng, path, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// steady runs f (an execution) until the Core has prepared the
// expressions of the nodes it runs (nodes/prepare.go), so that a benchmark
// measures what later executions cost.
func steady(tb testing.TB, c *nodes.Core, f func()) {
	tb.Helper()
	for range 4 {
		f()
	}
	if os.Getenv("WEFT_BENCH_NOPREPARE") != "" {
		return
	}
	deadline := time.Now().Add(10 * time.Second)
	last := -1
	for time.Now().Before(deadline) {
		time.Sleep(300 * time.Millisecond)
		rounds, failed := c.PrepareRounds()
		if failed > 0 {
			tb.Fatalf("%d of %d rounds of preparing failed", failed, rounds)
		}
		if rounds > 0 && rounds == last {
			return
		}
		last = rounds
		f()
	}
	tb.Fatal("the core did not prepare the workflow's nodes")
}

// node is a workflow node for tests: name, type, version, parameters.
type node struct {
	name, typ string
	version   float64
	params    string
}

// chain builds a workflow whose nodes are connected one after the other,
// starting with a Manual Trigger.
func chain(tb testing.TB, ns ...node) *api.Workflow {
	tb.Helper()
	all := append([]node{{"Manual Trigger", "n8n-nodes-base.manualTrigger", 1, `{}`}}, ns...)
	var nodesJSON, conns []string
	for i, n := range all {
		nodesJSON = append(nodesJSON, fmt.Sprintf(`{"id":"%d","name":%q,"type":%q,"typeVersion":%v,"position":[%d,0],"parameters":%s}`, i, n.name, n.typ, n.version, i*200, n.params))
		if i > 0 {
			conns = append(conns, fmt.Sprintf(`%q:{"main":[[{"node":%q,"type":"main","index":0}]]}`, all[i-1].name, n.name))
		}
	}
	doc := fmt.Sprintf(`{"name":"test","nodes":[%s],"connections":{%s},"settings":{"executionOrder":"v1"}}`, strings.Join(nodesJSON, ","), strings.Join(conns, ","))
	wf, err := api.ParseWorkflow([]byte(doc))
	if err != nil {
		tb.Fatal(err)
	}
	return wf
}

// items makes n items {"id": i, "name": "item i", "n": i}.
func items(n int) []api.Item {
	out := make([]api.Item, n)
	for i := range out {
		out[i] = api.Item{JSON: json.RawMessage(fmt.Sprintf(`{"id":%d,"name":"item %d","n":%d}`, i, i, i))}
	}
	return out
}

func run(tb testing.TB, c *nodes.Core, wf *api.Workflow, start []api.Item) *engine.Execution {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	opts := engine.StartOptions{ExecutionID: "test"}
	if start != nil {
		opts.StartData = [][]api.Item{start}
	}
	exec, err := c.Executor().Run(ctx, wf, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return exec
}

// outputJSON returns the json of the items of a node's last run, output k.
func outputJSON(tb testing.TB, e *engine.Execution, node string, k int) []string {
	tb.Helper()
	runs := e.RunData[node]
	if len(runs) == 0 {
		tb.Fatalf("node %q did not run (status %s, error %+v)", node, e.Status, e.Error)
	}
	outs := runs[len(runs)-1].Outputs()
	if k >= len(outs) {
		tb.Fatalf("node %q has %d outputs, want output %d", node, len(outs), k)
	}
	var out []string
	for _, it := range outs[k] {
		out = append(out, string(it.JSON))
	}
	return out
}
