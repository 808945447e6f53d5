package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
)

// fakeDispatcher implements a handful of node types in plain Go and records
// every task it sees.
type fakeDispatcher struct {
	mu    sync.Mutex
	tasks []*NodeTask
}

// seen returns the names of the nodes dispatched, in order.
func (f *fakeDispatcher) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.tasks))
	for i, t := range f.tasks {
		out[i] = t.Node.Name
	}
	return out
}

// params decodes a node's parameters.
func params(t *NodeTask) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(t.Node.Parameters, &m)
	return m
}

// obj decodes an item's json.
func obj(it api.Item) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(it.JSON, &m)
	return m
}

// item builds an item from a Go value, without pairedItem.
func item(v any) api.Item {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return api.Item{JSON: b}
}

// Run implements Dispatcher.
func (f *fakeDispatcher) Run(_ context.Context, t *NodeTask) (*NodeResult, error) {
	f.mu.Lock()
	f.tasks = append(f.tasks, t)
	f.mu.Unlock()
	p := params(t)
	in0 := []api.Item{}
	if len(t.Inputs) > 0 && t.Inputs[0] != nil {
		in0 = t.Inputs[0]
	}
	switch t.Node.Type {
	case "n8n-nodes-base.noOp", "n8n-nodes-base.manualTrigger":
		return &NodeResult{Outputs: [][]api.Item{in0}}, nil
	case "n8n-nodes-base.set":
		// Adds p.field = p.value to every item; output items have no
		// pairedItem, so the executor must infer it.
		var out []api.Item
		for _, it := range in0 {
			m := obj(it)
			m[p["field"].(string)] = p["value"]
			if c, ok := p["count"].(string); ok {
				m[c] = len(t.ConnectionInput)
			}
			out = append(out, item(m))
		}
		return &NodeResult{Outputs: [][]api.Item{out}}, nil
	case "n8n-nodes-base.if":
		// Routes items whose p.field is true to output 0, the rest to 1.
		outs := [][]api.Item{{}, {}}
		for _, it := range in0 {
			if obj(it)[p["field"].(string)] == true {
				outs[0] = append(outs[0], it)
			} else {
				outs[1] = append(outs[1], it)
			}
		}
		return &NodeResult{Outputs: outs}, nil
	case "n8n-nodes-base.merge":
		var out []api.Item
		for _, in := range t.Inputs {
			out = append(out, in...)
		}
		return &NodeResult{Outputs: [][]api.Item{out}}, nil
	case "n8n-nodes-base.code":
		// Emits the literal items of p.items, without pairedItem.
		var out []api.Item
		for _, v := range p["items"].([]any) {
			out = append(out, item(v))
		}
		if out == nil {
			out = []api.Item{}
		}
		return &NodeResult{Outputs: [][]api.Item{out}}, nil
	case "test.fail":
		// Fails on the first p.failTries tries (all tries when absent).
		if n, ok := p["failTries"].(float64); !ok || t.Try < int(n) {
			return &NodeResult{Error: &NodeError{Message: p["message"].(string), Description: "d"}}, nil
		}
		return &NodeResult{Outputs: [][]api.Item{in0}}, nil
	case "test.errItems":
		// Items with bad=true become {error} items (plus p.extra keys),
		// paired with their input item; others pass.
		var out []api.Item
		for i, it := range in0 {
			if obj(it)["bad"] != true {
				out = append(out, api.Item{JSON: it.JSON, PairedItem: it.PairedItem})
				continue
			}
			m := map[string]any{"error": fmt.Sprintf("bad item %d", i)}
			if p["extra"] == true {
				m["pairedItem"] = map[string]any{"item": i}
			}
			e := item(m)
			e.PairedItem = pairedRef(i, 0, false)
			out = append(out, e)
		}
		return &NodeResult{Outputs: [][]api.Item{out}}, nil
	case "n8n-nodes-base.splitInBatches":
		return splitInBatches(t, int(p["batchSize"].(float64)), in0)
	}
	return nil, fmt.Errorf("fake dispatcher: unknown node type %q", t.Node.Type)
}

// loopState is the fake Loop Over Items node's context.
type loopState struct {
	Remaining []api.Item `json:"remaining"`
	Processed []api.Item `json:"processed"`
}

// splitInBatches behaves like SplitInBatches v3: output 0 is "done", 1 is
// "loop".
func splitInBatches(t *NodeTask, size int, in0 []api.Item) (*NodeResult, error) {
	var st loopState
	if t.NodeState == nil {
		st.Remaining = slices.Clone(in0)
		st.Processed = []api.Item{}
	} else {
		if err := json.Unmarshal(t.NodeState, &st); err != nil {
			return nil, err
		}
		st.Processed = append(st.Processed, in0...)
	}
	outs := [][]api.Item{{}, {}}
	if len(st.Remaining) == 0 {
		outs[0] = st.Processed
	} else {
		n := min(size, len(st.Remaining))
		outs[1] = st.Remaining[:n]
		st.Remaining = st.Remaining[n:]
	}
	b, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	return &NodeResult{Outputs: outs, NodeState: b}, nil
}

// tn is a test node: name, type, position and extra JSON fields.
type tn struct {
	name, typ string
	x, y      float64
	params    string
	extra     string
}

// buildWorkflow makes a workflow from nodes and edges written
// "Src:out->Dst:in" (":out" and ":in" default to 0).
func buildWorkflow(t *testing.T, nodes []tn, edges []string, pin string) *api.Workflow {
	t.Helper()
	var ns []string
	for _, n := range nodes {
		p := n.params
		if p == "" {
			p = "{}"
		}
		extra := ""
		if n.extra != "" {
			extra = "," + n.extra
		}
		ns = append(ns, fmt.Sprintf(`{"name":%q,"type":%q,"typeVersion":1,"position":[%v,%v],"parameters":%s%s}`,
			n.name, n.typ, n.x, n.y, p, extra))
	}
	conns := map[string][][]map[string]any{}
	for _, e := range edges {
		src, dst, _ := strings.Cut(e, "->")
		sn, so := splitPort(src)
		dn, di := splitPort(dst)
		for len(conns[sn]) <= so {
			conns[sn] = append(conns[sn], []map[string]any{})
		}
		conns[sn][so] = append(conns[sn][so], map[string]any{"node": dn, "type": "main", "index": di})
	}
	cm := map[string]any{}
	for k, v := range conns {
		cm[k] = map[string]any{"main": v}
	}
	cb, _ := json.Marshal(cm)
	if pin == "" {
		pin = "{}"
	}
	doc := fmt.Sprintf(`{"name":"t","nodes":[%s],"connections":%s,"settings":{"executionOrder":"v1"},"pinData":%s}`,
		strings.Join(ns, ","), cb, pin)
	wf, err := api.ParseWorkflow([]byte(doc))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, doc)
	}
	return wf
}

// splitPort splits "Name:2" into its name and port.
func splitPort(s string) (string, int) {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		var n int
		if _, err := fmt.Sscanf(s[i+1:], "%d", &n); err == nil {
			return s[:i], n
		}
	}
	return s, 0
}

// runOrder lists the node runs of an execution by execution index.
func runOrder(ex *Execution) []string {
	type r struct {
		idx  int
		name string
	}
	var all []r
	for name, runs := range ex.RunData {
		for _, td := range runs {
			all = append(all, r{td.ExecutionIndex, name})
		}
	}
	slices.SortFunc(all, func(a, b r) int { return a.idx - b.idx })
	out := make([]string, len(all))
	for i, x := range all {
		out[i] = x.name
	}
	return out
}

// outputsOf returns one run's outputs as plain JSON values (json only).
func outputsOf(t *testing.T, ex *Execution, node string, run int) []any {
	t.Helper()
	runs := ex.RunData[node]
	if run >= len(runs) {
		t.Fatalf("node %q has %d runs, want run %d", node, len(runs), run)
	}
	return plainOutputs(runs[run].Outputs())
}

// plainOutputs turns outputs into [][]json values.
func plainOutputs(outs [][]api.Item) []any {
	res := []any{}
	for _, o := range outs {
		list := []any{}
		for _, it := range o {
			var v any
			_ = json.Unmarshal(it.JSON, &v)
			list = append(list, v)
		}
		res = append(res, list)
	}
	return res
}

// mustJSON parses a JSON literal for comparisons.
func mustJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad JSON %s: %v", s, err)
	}
	return v
}

// recordSleep returns a sleep function that records waits.
func recordSleep(waits *[]time.Duration) func(context.Context, time.Duration) error {
	return func(_ context.Context, d time.Duration) error {
		*waits = append(*waits, d)
		return nil
	}
}
