package nodes

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
)

// TestTaskDocJSON checks the hand-written task document against
// encoding/json: the same document once decoded.
func TestTaskDocJSON(t *testing.T) {
	docs := []taskDoc{
		{ABI: 1, Refs: true, Node: nodeDoc{Name: "Edit \"Fields\" <1>", Type: "n8n-nodes-base.set", TypeVersion: 3.4,
			Parameters: json.RawMessage("{\n  \"assignments\": {\"assignments\": [{\"value\": \"={{ $json.a & 1 }}\"}]}\n}")},
			Inputs:  [][]api.Item{{{JSON: json.RawMessage(`{"a":1,"s":"x\u2028y"}`), PairedItem: json.RawMessage(`{"item":0}`)}, {JSON: json.RawMessage(`{}`), Binary: json.RawMessage(`{"data":{"id":"blob:1"}}`)}}, nil, {}},
			Context: json.RawMessage(`{"workflow":{"id":"w","name":"<a&b>"},"vars":{}}`)},
		{ABI: 2, Node: nodeDoc{Name: "NoOp", Type: "n8n-nodes-base.noOp", TypeVersion: 1}, Inputs: [][]api.Item{{{}}},
			ConnectionInput: []api.Item{{JSON: json.RawMessage(`{"a":"<b>"}`), PairedItem: json.RawMessage(`{"item":0}`)}, {}}},
		{ABI: 1, Node: nodeDoc{Name: "m", Type: "t", TypeVersion: 1}, ConnectionInput: []api.Item{}},
		{ABI: 1, Node: nodeDoc{Name: "x", Type: "t", TypeVersion: 2.25}},
	}
	for _, d := range docs {
		want, err := json.Marshal(&d)
		if err != nil {
			t.Fatal(err)
		}
		got := d.appendJSON(nil)
		sameDocument(t, got, want)
	}
}

// sameDocument checks that got decodes to what want, written by
// encoding/json, does.
func sameDocument(t *testing.T, got, want []byte) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	if !reflect.DeepEqual(w, g) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// BenchmarkTaskDocJSON encodes the webhook benchmark's Set task document
// both ways; compare the two in one run.
func BenchmarkTaskDocJSON(b *testing.B) {
	d := taskDoc{ABI: 1, Refs: true,
		Node: nodeDoc{Name: "Edit Fields", Type: "n8n-nodes-base.set", TypeVersion: 3.4, Parameters: json.RawMessage(`{"assignments":{"assignments":[
		{"id":"a1","name":"greeting","value":"={{ 'hello ' + $json.body.name }}","type":"string"},
		{"id":"a2","name":"double","value":"={{ $json.body.n * 2 }}","type":"number"}]},"options":{}}`)},
		Inputs:  [][]api.Item{{{JSON: json.RawMessage(`{"headers":{"host":"127.0.0.1:5678","content-type":"application/json","content-length":"21"},"params":{},"query":{},"body":{"name":"ann","n":21},"webhookUrl":"http://127.0.0.1:5678/webhook/bench","executionMode":"production"}`)}}},
		Context: json.RawMessage(`{"workflow":{"id":"0193","name":"bench","active":true,"timezone":"UTC"},"execution":{"id":"0193abc","mode":"webhook"},"runIndex":0,"source":[{"previousNode":"Webhook"}],"vars":{}}`),
	}
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(&d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("appendJSON", func(b *testing.B) {
		for b.Loop() {
			_ = d.appendJSON(make([]byte, 0, 1024))
		}
	})
}

// TestTaskContextJSON checks the hand-written task context against
// encoding/json: the same document once decoded.
func TestTaskContextJSON(t *testing.T) {
	item := api.Item{JSON: json.RawMessage(`{"a":"<b>&\u2028"}`), PairedItem: json.RawMessage(`{"item":0}`)}
	contexts := []taskContext{
		{Workflow: workflowDoc{ID: "w1", Name: "flow \"<1>\" & é", Active: true, Timezone: "Europe/Berlin"},
			Execution: executionDoc{ID: "e1", Mode: "webhook", WebhookWaitingBaseURL: "https://weft.example.com/a"}, RunIndex: 3, OnError: "continueErrorOutput",
			Source: []*engine.SourceRef{{PreviousNode: "Webhook", PreviousNodeOutput: 1, PreviousNodeRun: 2}, nil},
			Vars:   map[string]string{"b": "2", "a": "1 \n", "ü": "x"}},
		{Workflow: workflowDoc{Timezone: "UTC"}, Execution: executionDoc{Mode: "manual"}, Vars: map[string]string{}},
		{Workflow: workflowDoc{ID: "w2", Nodes: json.RawMessage(`[{"name":"A"}]`), Connections: json.RawMessage(`{"A":{"main":[[]]}}`)},
			Source:     []*engine.SourceRef{},
			RunData:    map[string][]runDoc{"A": {{Outputs: [][]api.Item{{item}}, Source: []*engine.SourceRef{nil}}}, "B": {}},
			NodeState:  json.RawMessage(`{"n": 1}`),
			StaticData: json.RawMessage(`{"global":{}}`)},
	}
	for _, c := range contexts {
		want, err := json.Marshal(&c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.appendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		sameDocument(t, got, want)
	}
}

// BenchmarkTaskContextJSON encodes a webhook task's context both ways.
func BenchmarkTaskContextJSON(b *testing.B) {
	c := taskContext{Workflow: workflowDoc{ID: "0193", Name: "bench", Active: true, Timezone: "UTC"},
		Execution: executionDoc{ID: "0193abc", Mode: "webhook"}, OnError: "stopWorkflow",
		Source: []*engine.SourceRef{{PreviousNode: "Webhook"}}, Vars: map[string]string{}}
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(&c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("appendJSON", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.appendJSON(make([]byte, 0, 256)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
