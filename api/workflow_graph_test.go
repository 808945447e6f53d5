package api

import (
	"reflect"
	"testing"
)

// graphDoc: a trigger feeding an If whose branches meet in a Merge, a loop
// back into Work, a disabled trigger, a webhook with an input, and a
// connection from a node that does not exist.
const graphDoc = `{
  "nodes": [
    {"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0]},
    {"name": "If", "type": "n8n-nodes-base.if", "typeVersion": 2.2, "position": [200, 0]},
    {"name": "Work", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": [400, -100]},
    {"name": "Merge", "type": "n8n-nodes-base.merge", "typeVersion": 3.2, "position": [600, 0]},
    {"name": "Cron", "type": "n8n-nodes-base.scheduleTrigger", "typeVersion": 1.2, "position": [0, 300]},
    {"name": "Off", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "disabled": true},
    {"name": "Hook", "type": "n8n-nodes-base.webhook", "typeVersion": 2},
    {"name": "Chat", "type": "@n8n/n8n-nodes-langchain.chatTrigger", "typeVersion": 1.1},
    {"name": "Legacy", "type": "n8n-nodes-base.start", "typeVersion": 1},
    {"name": "Plain", "type": "n8n-nodes-base.noOp", "typeVersion": 1}
  ],
  "connections": {
    "Start": {"main": [[{"node": "If", "type": "main", "index": 0}]]},
    "If": {"main": [
      [{"node": "Work", "type": "main", "index": 0}, {"node": "Merge", "type": "main", "index": 1}],
      [{"node": "Merge", "type": "main", "index": 0}]
    ]},
    "Work": {"main": [[{"node": "Merge", "type": "main", "index": 1}], null],
             "ai_tool": [[{"node": "Merge", "type": "ai_tool", "index": 0}]]},
    "Merge": {"main": [[{"node": "Work", "type": "main", "index": 0}]]},
    "Cron": {"main": [[{"node": "Hook", "type": "main", "index": 0}]]},
    "Zed": {"main": [[{"node": "Merge", "type": "main", "index": 0}]]},
    "Alpha": {"main": [[{"node": "Merge", "type": "main", "index": 1}]]}
  }
}`

func TestWorkflow_NodeByName(t *testing.T) {
	w := mustParse(t, graphDoc)
	if n := w.NodeByName("Work"); n == nil || n.Type != "n8n-nodes-base.set" || n != &w.Nodes[2] {
		t.Fatalf("NodeByName(Work) = %+v", n)
	}
	if n := w.NodeByName("Nope"); n != nil {
		t.Fatalf("NodeByName(Nope) = %+v", n)
	}
}

func TestWorkflow_Children(t *testing.T) {
	w := mustParse(t, graphDoc)
	tests := []struct {
		node   string
		output int
		want   []string // "node/input"
	}{
		{"Start", 0, []string{"If/0"}},
		{"If", 0, []string{"Work/0", "Merge/1"}},
		{"If", 1, []string{"Merge/0"}},
		{"If", 2, nil},
		{"If", -1, nil},
		{"Work", 0, []string{"Merge/1"}}, // main only: the ai_tool edge is not a child
		{"Work", 1, nil},                 // a null output
		{"Plain", 0, nil},
		{"Nope", 0, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range w.Children(tt.node, tt.output) {
			got = append(got, c.Node+"/"+string(rune('0'+c.Index)))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Children(%q, %d) = %v, want %v", tt.node, tt.output, got, tt.want)
		}
	}
	// The result is a copy.
	c := w.Children("If", 0)
	c[0].Node = "changed"
	if w.Children("If", 0)[0].Node != "Work" {
		t.Fatal("Children returned the workflow's own slice")
	}
}

func TestWorkflow_Parents(t *testing.T) {
	w := mustParse(t, graphDoc)
	tests := []struct {
		node string
		want []ConnectionRef
	}{
		{"Start", nil},
		{"If", []ConnectionRef{{"Start", 0, 0}}},
		{"Work", []ConnectionRef{{"If", 0, 0}, {"Merge", 0, 0}}},
		{"Merge", []ConnectionRef{
			{"If", 1, 0}, {"Zed", 0, 0},
			{"If", 0, 1}, {"Work", 0, 1}, {"Alpha", 0, 1},
		}},
		{"Hook", []ConnectionRef{{"Cron", 0, 0}}},
	}
	for _, tt := range tests {
		got := w.Parents(tt.node)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parents(%q) = %v, want %v", tt.node, got, tt.want)
		}
	}
}

func TestWorkflow_StartNodes(t *testing.T) {
	w := mustParse(t, graphDoc)
	var got []string
	for _, n := range w.StartNodes() {
		got = append(got, n.Name)
	}
	want := []string{"Start", "Cron", "Chat", "Legacy"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("StartNodes() = %v, want %v", got, want)
	}
}

func TestIsTriggerType(t *testing.T) {
	for typ, want := range map[string]bool{
		"n8n-nodes-base.manualTrigger":          true,
		"n8n-nodes-base.executeWorkflowTrigger": true,
		"n8n-nodes-base.webhook":                true,
		"n8n-nodes-base.start":                  true,
		"n8n-nodes-base.cronTrigger":            true,
		"n8n-nodes-foo.mytrigger":               true,
		"n8n-nodes-base.set":                    false,
		"n8n-nodes-base.respondToWebhook":       false,
		"":                                      false,
	} {
		if got := IsTriggerType(typ); got != want {
			t.Errorf("IsTriggerType(%q) = %v", typ, got)
		}
	}
}

func TestWorkflow_StartNodes_conformance(t *testing.T) {
	for name, doc := range conformanceWorkflows(t) {
		w := mustParse(t, string(doc))
		starts := w.StartNodes()
		if len(starts) != 1 || starts[0].Name != "Manual Trigger" {
			t.Errorf("%s: StartNodes() = %v", name, starts)
		}
	}
}
