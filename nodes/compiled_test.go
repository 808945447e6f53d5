package nodes

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/internal/testmodules"
	"github.com/weftrun/weft/runtime"
)

// TestCompiledCodeIsReused runs a node twice: the first run compiles its
// expressions and code and hands the bytecode to the host, the second
// loads it and must produce the same output, line numbers in errors
// included. A damaged entry is compiled again.
func TestCompiledCodeIsReused(t *testing.T) {
	ctx := context.Background()
	eng, err := runtime.NewEngine(ctx, runtime.NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close(ctx)
	c, err := LoadFile(ctx, eng, testmodules.Core(t))
	if err != nil {
		t.Fatal(err)
	}
	wf, err := api.ParseWorkflow([]byte(`{"name":"w","nodes":[
		{"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
		{"name":"Fields","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[200,0],"parameters":{"mode":"manual","assignments":{"assignments":[
			{"id":"a","name":"up","value":"={{ $json.name.toUpperCase() }}","type":"string"},
			{"id":"b","name":"first","value":"={{ [3,1].first() }}","type":"number"}]},"options":{}}},
		{"name":"Code","type":"n8n-nodes-base.code","typeVersion":2,"position":[400,0],"parameters":{"jsCode":"const x = 1;\nif ($input.first().json.up === 'BOOM') throw new Error('boom');\nreturn $input.all();"}}],
		"connections":{"Start":{"main":[[{"node":"Fields","type":"main","index":0}]]},"Fields":{"main":[[{"node":"Code","type":"main","index":0}]]}},
		"settings":{"executionOrder":"v1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	runOnce := func(fail bool) *engine.Execution {
		name := "ada"
		if fail {
			name = "boom"
		}
		item := api.Item{JSON: json.RawMessage(`{"name":"` + name + `"}`)}
		e, err := c.Executor().Run(ctx, wf, engine.StartOptions{StartData: [][]api.Item{{item}}})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	first := runOnce(false)
	fields, code := &wf.Nodes[1], &wf.Nodes[2]
	for _, n := range []*api.WorkflowNode{fields, code} {
		if len(c.compiled.get(compileKey(wf, n))) == 0 {
			t.Fatalf("nothing compiled was kept for %s", n.Name)
		}
	}
	added := c.compiled.added
	second := runOnce(false)
	if c.compiled.added != added {
		t.Fatalf("the second run compiled %d entries again instead of loading them", c.compiled.added-added)
	}
	want := string(first.RunData["Code"][0].Outputs()[0][0].JSON)
	if got := string(second.RunData["Code"][0].Outputs()[0][0].JSON); got != want || want != `{"up":"ADA","first":3}` {
		t.Fatalf("second run from cached code: %s, first run: %s", got, want)
	}
	if e := runOnce(true); e.Error == nil || e.Error.Message != "boom [line 2]" {
		t.Fatalf("error from cached code: %+v, want boom [line 2]", e.Error)
	}
	// Damage every entry: the module compiles again.
	key := compileKey(wf, fields)
	c.compiled.mu.Lock()
	n := c.compiled.nodes[key]
	var trailer []byte
	for k, e := range n.entries {
		e.Code = []byte{0, 0, 0}
		trailer = appendEntry(trailer, k, e)
	}
	n.trailer = trailer
	c.compiled.mu.Unlock()
	added = c.compiled.added
	if got := string(runOnce(false).RunData["Fields"][0].Outputs()[0][0].JSON); got != `{"up":"ADA","first":3}` {
		t.Fatalf("with damaged cache entries: %s", got)
	}
	if damaged := len(c.compiled.nodes[key].entries); c.compiled.added != added+damaged {
		t.Fatalf("damaged entries: %d compiled again, want %d", c.compiled.added-added, damaged)
	}
}

// TestCompiledTrailerIsNotChangedInPlace: a task reads the trailer get
// returned without the lock while another run of the node adds entries.
func TestCompiledTrailerIsNotChangedInPlace(t *testing.T) {
	var c compileCache
	var key [32]byte
	entry := func(code string) json.RawMessage {
		b, _ := json.Marshal(compiledEntry{Code: []byte(code), Meta: "1"})
		return b
	}
	c.add(key, map[string]json.RawMessage{"0123456789abcdef0123456789abcdef": entry("first")})
	before := c.get(key)
	saved := string(before)
	c.add(key, map[string]json.RawMessage{"fedcba9876543210fedcba9876543210": entry("second")})
	after := c.get(key)
	if string(before) != saved {
		t.Fatal("the trailer a task holds changed under it")
	}
	if len(after) <= len(before) || &after[0] == &before[0] {
		t.Fatalf("the new trailer (%d bytes) should be a new slice with both entries (old: %d bytes)", len(after), len(before))
	}
}
