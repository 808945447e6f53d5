package api

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// conformanceWorkflows returns the workflow of every conformance case in
// testdata, keyed by case file name.
func conformanceWorkflows(tb testing.TB) map[string][]byte {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "conformance", "*.json"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no conformance cases in testdata: %v", err)
	}
	out := make(map[string][]byte, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var c struct {
			Workflow json.RawMessage `json:"workflow"`
		}
		if err := json.Unmarshal(data, &c); err != nil || len(c.Workflow) == 0 {
			tb.Fatalf("%s: no workflow: %v", f, err)
		}
		out[filepath.Base(f)] = c.Workflow
	}
	return out
}

// semantic decodes a JSON document for comparison: numbers as float64 when
// they fit (so 2 and 2.0 are equal), as their text otherwise.
func semantic(data []byte) (any, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return normNumbers(v), nil
}

// normNumbers replaces json.Number values as semantic describes.
func normNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normNumbers(e)
		}
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
		return "number:" + string(x)
	}
	return v
}

// sameJSON reports whether two documents are semantically equal.
func sameJSON(tb testing.TB, a, b []byte) bool {
	tb.Helper()
	va, err := semantic(a)
	if err != nil {
		tb.Fatalf("decoding %s: %v", a, err)
	}
	vb, err := semantic(b)
	if err != nil {
		tb.Fatalf("decoding %s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

// mustParse parses a workflow or fails the test.
func mustParse(tb testing.TB, doc string) *Workflow {
	tb.Helper()
	w, err := ParseWorkflow([]byte(doc))
	if err != nil {
		tb.Fatalf("ParseWorkflow: %v", err)
	}
	return w
}

// mustMarshal marshals a workflow or fails the test.
func mustMarshal(tb testing.TB, w *Workflow) []byte {
	tb.Helper()
	out, err := w.MarshalJSON()
	if err != nil {
		tb.Fatalf("MarshalJSON: %v", err)
	}
	if !json.Valid(out) {
		tb.Fatalf("MarshalJSON wrote invalid JSON: %s", out)
	}
	return out
}

func TestParseWorkflow_conformanceRoundTrip(t *testing.T) {
	for name, doc := range conformanceWorkflows(t) {
		t.Run(name, func(t *testing.T) {
			w := mustParse(t, string(doc))
			out := mustMarshal(t, w)
			if !sameJSON(t, doc, out) {
				t.Fatalf("round trip changed the document\n in: %s\nout: %s", doc, out)
			}
			// Writing is stable: a second round gives the same bytes.
			again := mustMarshal(t, mustParse(t, string(out)))
			if !bytes.Equal(out, again) {
				t.Fatalf("second round differs\n1: %s\n2: %s", out, again)
			}
			// Through encoding/json too.
			std, err := json.Marshal(w)
			if err != nil || !sameJSON(t, doc, std) {
				t.Fatalf("json.Marshal: %v\n%s", err, std)
			}
		})
	}
}

func TestParseWorkflow_conformanceFields(t *testing.T) {
	docs := conformanceWorkflows(t)
	w := mustParse(t, string(docs["035-onerror-continue-error-output.json"]))
	if w.ID != "cv035" || w.Name != "035-onerror-continue-error-output" || w.Active {
		t.Errorf("workflow fields: %q %q %v", w.ID, w.Name, w.Active)
	}
	if w.Settings.ExecutionOrder != "v1" {
		t.Errorf("executionOrder = %q", w.Settings.ExecutionOrder)
	}
	n := w.NodeByName("Convert")
	if n == nil {
		t.Fatal("no node Convert")
	}
	if n.Type != "n8n-nodes-base.set" || n.TypeVersion != 3.4 || n.OnError != OnErrorContinueErrorOutput {
		t.Errorf("Convert: %q %v %q", n.Type, n.TypeVersion, n.OnError)
	}
	if x, y := n.XY(); x != 440 || y != 0 {
		t.Errorf("XY = %v, %v", x, y)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, n.Parameters); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(compact.String(), `{"mode":"manual","assignments":`) {
		t.Errorf("parameters lost their key order: %s", n.Parameters)
	}
	if got := w.Children("Convert", 1); len(got) != 1 || got[0].Node != "Failed" {
		t.Errorf("Children(Convert, 1) = %+v", got)
	}
}

// unknownFieldsDoc has fields Weft does not model at every level, nulls,
// empty values and numeric ids.
const unknownFieldsDoc = `{
  "id": 17,
  "name": "unknowns",
  "createdAt": "2024-01-01T00:00:00.000Z",
  "isArchived": false,
  "shared": [{"role": "workflow:owner", "project": {"id": "p1"}}],
  "nodes": [
    {"parameters": {"z": 1, "a": {"y": [1, 2], "b": null}}, "id": "n1", "name": "Start",
     "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0],
     "disabled": false, "notes": "", "color": "#ff0000", "extendsCredential": {"x": true},
     "issues": null},
    {"parameters": {}, "name": "Set", "type": "n8n-nodes-base.set", "typeVersion": 3.4,
     "position": [200.5, -40], "onError": "continueErrorOutput", "retryOnFail": true,
     "maxTries": 4, "waitBetweenTries": 0, "alwaysOutputData": true, "executeOnce": false,
     "credentials": {"httpBasicAuth": {"id": "9", "name": "basic"}}, "webhookId": "",
     "continueOnFail": false, "notesInFlow": true, "rewireOutputLogTo": "ai_tool"}
  ],
  "connections": {
    "Start": {"main": [[{"node": "Set", "type": "main", "index": 0, "weight": 2}], null, []],
              "ai_tool": null},
    "Set": null
  },
  "settings": {"executionOrder": "v1", "timezone": "UTC", "errorWorkflow": 5,
               "saveManualExecutions": "DEFAULT", "saveExecutionProgress": true,
               "executionTimeout": -1, "timeSavedPerExecution": 3},
  "pinData": {"Set": [{"a": 1}, {"json": {"b": 2}, "pairedItem": {"item": 0}}]},
  "staticData": null,
  "meta": {"instanceId": "abc", "templateCredsSetupCompleted": true},
  "tags": [{"id": 3, "name": "t", "createdAt": "x"}, "bare"],
  "versionId": "v-1"
}`

func TestParseWorkflow_unknownFieldsRoundTrip(t *testing.T) {
	w := mustParse(t, unknownFieldsDoc)
	out := mustMarshal(t, w)
	if !sameJSON(t, []byte(unknownFieldsDoc), out) {
		t.Fatalf("round trip changed the document\n in: %s\nout: %s", unknownFieldsDoc, out)
	}
	if w.ID != "17" || string(w.Extra["createdAt"]) != `"2024-01-01T00:00:00.000Z"` {
		t.Errorf("ID %q, Extra %v", w.ID, w.Extra)
	}
	if got := string(w.Nodes[0].Extra["color"]); got != `"#ff0000"` {
		t.Errorf("node extra color = %s", got)
	}
	if got := string(w.Nodes[0].Parameters); got != `{"z": 1, "a": {"y": [1, 2], "b": null}}` {
		t.Errorf("parameters not kept as written: %s", got)
	}
	if !strings.Contains(string(out), `"parameters":{"z":1,"a":{"y":[1,2],"b":null}}`) {
		t.Errorf("parameters key order not kept in output: %s", out)
	}
	if w.Settings.ErrorWorkflow != "5" || w.Settings.ExecutionTimeout != -1 || w.Settings.Extra["saveManualExecutions"] == nil {
		t.Errorf("settings: %+v", w.Settings)
	}
	n := w.Nodes[1]
	if !n.RetryOnFail || n.MaxTries != 4 || !n.AlwaysOutputData || n.Position[0] != 200.5 {
		t.Errorf("node Set: %+v", n)
	}
	outs := w.Connections["Start"][ConnectionMain]
	if len(outs) != 3 || outs[1] != nil || outs[2] == nil || len(outs[2]) != 0 {
		t.Errorf("null and empty outputs not kept apart: %#v", outs)
	}
	if string(outs[0][0].Extra["weight"]) != "2" {
		t.Errorf("target extra lost: %+v", outs[0][0])
	}
	if len(w.Tags) != 2 || w.Tags[0].ID != "3" || w.Tags[1].Name != "bare" {
		t.Errorf("tags: %+v", w.Tags)
	}
	if string(w.StaticData) != "null" {
		t.Errorf("staticData = %s", w.StaticData)
	}
}

// presenceDocs are documents whose fields are absent, zero, null or spelt
// unusually; each must round-trip unchanged.
var presenceDocs = []struct {
	name, doc string
}{
	{"absent fields stay absent", `{"nodes":[{"name":"A"}]}`},
	{"zero values stay", `{"id":"","name":"","active":false,"nodes":[],"connections":{},"settings":{},"pinData":{},"tags":[],"versionId":""}`},
	{"nulls stay", `{"id":null,"name":null,"active":null,"nodes":null,"connections":null,"settings":null,"pinData":null,"staticData":null,"meta":null,"tags":null}`},
	{"node zero values", `{"nodes":[{"parameters":{},"id":"","name":"","type":"","typeVersion":0,"position":[],"disabled":false,"notes":"","notesInFlow":false,"onError":"","continueOnFail":false,"retryOnFail":false,"maxTries":0,"waitBetweenTries":0,"alwaysOutputData":false,"executeOnce":false,"credentials":{},"webhookId":""}]}`},
	{"node nulls", `{"nodes":[{"parameters":null,"name":null,"typeVersion":null,"position":null,"disabled":null,"maxTries":null,"credentials":null}]}`},
	{"empty target", `{"connections":{"A":{"main":[[{}]]}}}`},
	{"settings zero and null", `{"settings":{"executionOrder":"","timezone":null,"executionTimeout":0,"errorWorkflow":""}}`},
	{"numbers in other spellings", `{"nodes":[{"typeVersion":2.0,"maxTries":3.0,"waitBetweenTries":1e3,"position":[1E2,-0]}]}`},
	{"escapes and html", `{"name":"<a href=\"x\">&amp;</a>\u2028\u0001\ud83d\ude00","nodes":[{"parameters":{"s":"<b>\u00e9"}}]}`},
	{"duplicate keys, last wins", `{"name":"a","name":"b","nodes":[{"name":"x","name":"y"}]}`},
	{"case variants are unknown fields", `{"Name":"a","NODES":1,"nodes":[{"Type":"x"}]}`},
	{"tag shapes", `{"tags":["a",{"id":"1","name":"b"},{},{"id":null}]}`},
	{"byte order mark", "\uFEFF{\"name\":\"bom\"}"},
}

func TestParseWorkflow_presence(t *testing.T) {
	for _, tt := range presenceDocs {
		t.Run(tt.name, func(t *testing.T) {
			out := mustMarshal(t, mustParse(t, tt.doc))
			if !sameJSON(t, []byte(tt.doc), out) {
				t.Fatalf("round trip changed the document\n in: %s\nout: %s", tt.doc, out)
			}
		})
	}
}

func TestParseWorkflow_errors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"empty", ``, "workflow: invalid JSON at offset 0 (line 1, column 1): unexpected end of JSON input"},
		{"syntax", "{\n  \"name\": x}", "workflow: invalid JSON at offset 13 (line 2, column 12): invalid character 'x' looking for beginning of value"},
		{"trailing data", `{} {}`, "workflow: invalid JSON at offset 4 (line 1, column 5): invalid character '{' after top-level value"},
		{"not an object", `[1]`, "workflow: the document must be a JSON object, got array"},
		{"null document", `null`, "workflow: the document must be a JSON object, got null"},
		{"name type", `{"name": 3}`, "workflow: name must be a string, got number"},
		{"active type", `{"active": "yes"}`, "workflow: active must be a boolean, got string"},
		{"id type", `{"id": true}`, "workflow: id must be a string, got boolean"},
		{"nodes type", `{"nodes": {}}`, "workflow: nodes must be an array, got object"},
		{"node type", `{"nodes": [{"name":"A"}, 7]}`, "node 1 must be an object, got number"},
		{"node name type", `{"nodes": [{"name": 1}]}`, "node 0: name must be a string, got number"},
		{"typeVersion type", `{"nodes": [{},{},{},{"name": "Set", "typeVersion": "3.4"}]}`, `node 3 ("Set"): typeVersion must be a number, got string`},
		{"typeVersion range", `{"nodes": [{"name": "Set", "typeVersion": 1e999}]}`, `node 0 ("Set"): typeVersion 1e999 is out of range`},
		{"maxTries fraction", `{"nodes": [{"name": "A", "maxTries": 2.5}]}`, `node 0 ("A"): maxTries must be an integer, got 2.5`},
		{"disabled type", `{"nodes": [{"name": "A", "disabled": 0}]}`, `node 0 ("A"): disabled must be a boolean, got number`},
		{"position type", `{"nodes": [{"name": "A", "position": "0,0"}]}`, `node 0 ("A"): position must be an array, got string`},
		{"position element", `{"nodes": [{"name": "A", "position": [0, "1"]}]}`, `node 0 ("A"): position must hold numbers, got string`},
		{"connections type", `{"connections": []}`, "connections must be an object, got array"},
		{"connection source type", `{"connections": {"A": []}}`, `connections from "A" must be an object, got array`},
		{"connection outputs type", `{"connections": {"A": {"main": {}}}}`, `connections from "A" main must be an array, got object`},
		{"connection output type", `{"connections": {"A": {"main": [[], 1]}}}`, `connection from "A" main output 1 must be an array, got number`},
		{"connection target type", `{"connections": {"A": {"main": [[null]]}}}`, `connection from "A" main output 0 target 0 must be an object, got null`},
		{"connection index type", `{"connections": {"A": {"main": [[{"node": "B", "index": "0"}]]}}}`, `connection from "A" main output 0 target 0: index must be an integer, got string`},
		{"settings type", `{"settings": []}`, "settings must be an object, got array"},
		{"settings field type", `{"settings": {"timezone": 1}}`, "settings: timezone must be a string, got number"},
		{"pinData type", `{"pinData": []}`, "workflow: pinData must be an object, got array"},
		{"tags type", `{"tags": {}}`, "workflow: tags must be an array, got object"},
		{"tag type", `{"tags": [1]}`, "tag 0 must be an object or a string, got number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := ParseWorkflow([]byte(tt.doc))
			if err == nil {
				t.Fatalf("no error; parsed %+v", w)
			}
			if err.Error() != tt.want {
				t.Fatalf("error\n got: %s\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestWorkflow_MarshalJSON_builtInCode(t *testing.T) {
	w := &Workflow{
		Name: "built",
		Nodes: []WorkflowNode{
			{Name: "Start", Type: "n8n-nodes-base.manualTrigger", TypeVersion: 1, Position: []float64{0, 0}, Parameters: json.RawMessage(`{}`)},
			{Name: "Set", Type: "n8n-nodes-base.set", TypeVersion: 3.4, Position: []float64{220, 0}, Parameters: json.RawMessage(`{"b": 1, "a": "<&>"}`)},
		},
		Connections: Connections{"Start": {ConnectionMain: {{{Node: "Set", Type: ConnectionMain}}}}},
		Settings:    Settings{ExecutionOrder: ExecutionOrderV1},
	}
	out := mustMarshal(t, w)
	want := `{"name":"built","nodes":[` +
		`{"parameters":{},"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0]},` +
		`{"parameters":{"b":1,"a":"<&>"},"name":"Set","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[220,0]}],` +
		`"connections":{"Start":{"main":[[{"node":"Set","type":"main","index":0}]]}},` +
		`"settings":{"executionOrder":"v1"}}`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
	// Extra entries that name modeled fields are not written twice.
	w.Extra = map[string]json.RawMessage{"name": json.RawMessage(`"shadow"`), "x": json.RawMessage(`[1]`)}
	out = mustMarshal(t, w)
	if strings.Contains(string(out), "shadow") || !strings.HasSuffix(string(out), `,"x":[1]}`) {
		t.Fatalf("extra handling: %s", out)
	}
	// Invalid raw JSON is an error, not broken output.
	w.Nodes[0].Parameters = json.RawMessage(`{`)
	if _, err := w.MarshalJSON(); err == nil {
		t.Fatal("no error for invalid parameters")
	}
}

func TestWorkflow_UnmarshalJSON(t *testing.T) {
	var doc struct {
		Workflow *Workflow `json:"workflow"`
	}
	if err := json.Unmarshal([]byte(`{"workflow": {"name": "x", "nodes": [{"name": "A"}]}}`), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Workflow.Name != "x" || doc.Workflow.Nodes[0].Name != "A" {
		t.Fatalf("got %+v", doc.Workflow)
	}
	var n WorkflowNode
	err := json.Unmarshal([]byte(`{"name": "A", "typeVersion": "1"}`), &n)
	if err == nil || err.Error() != `node "A": typeVersion must be a number, got string` {
		t.Fatalf("node error: %v", err)
	}
}

func TestPinData_Items(t *testing.T) {
	w := mustParse(t, `{"pinData": {
		"Wrapped": [{"json": {"a": 1}, "binary": {"f": {}}, "pairedItem": {"item": 0}}],
		"Bare": [{"a": 1}, {"b": {"json": 2}}],
		"Empty": [],
		"Bad": {"a": 1},
		"BadItem": [1],
		"BadJSON": [{"json": [1]}]
	}}`)
	tests := []struct {
		node    string
		want    []Item
		pinned  bool
		wantErr string
	}{
		{"Wrapped", []Item{{JSON: json.RawMessage(`{"a": 1}`), Binary: json.RawMessage(`{"f": {}}`), PairedItem: json.RawMessage(`{"item": 0}`)}}, true, ""},
		{"Bare", []Item{{JSON: json.RawMessage(`{"a": 1}`)}, {JSON: json.RawMessage(`{"b": {"json": 2}}`)}}, true, ""},
		{"Empty", []Item{}, true, ""},
		{"None", nil, false, ""},
		{"Bad", nil, true, `pinData for "Bad" must be an array of items, got object`},
		{"BadItem", nil, true, `pinData for "BadItem" item 0 must be an object, got number`},
		{"BadJSON", nil, true, `pinData for "BadJSON" item 0: field "json" must be an object, got array`},
	}
	for _, tt := range tests {
		t.Run(tt.node, func(t *testing.T) {
			got, pinned, err := w.PinData.Items(tt.node)
			if pinned != tt.pinned {
				t.Errorf("pinned = %v", pinned)
			}
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestWorkflowNode_ErrorMode(t *testing.T) {
	tests := []struct {
		node WorkflowNode
		want string
	}{
		{WorkflowNode{}, OnErrorStopWorkflow},
		{WorkflowNode{ContinueOnFail: true}, OnErrorContinueRegularOutput},
		{WorkflowNode{ContinueOnFail: true, OnError: OnErrorStopWorkflow}, OnErrorStopWorkflow},
		{WorkflowNode{OnError: OnErrorContinueErrorOutput}, OnErrorContinueErrorOutput},
	}
	for _, tt := range tests {
		if got := tt.node.ErrorMode(); got != tt.want {
			t.Errorf("%+v: ErrorMode() = %q, want %q", tt.node, got, tt.want)
		}
	}
}

func TestWorkflowNode_RetryPolicy(t *testing.T) {
	tests := []struct {
		node  WorkflowNode
		tries int
		wait  time.Duration
	}{
		{WorkflowNode{MaxTries: 4, WaitBetweenTries: 10}, 1, 0},
		{WorkflowNode{RetryOnFail: true}, 3, time.Second},
		{WorkflowNode{RetryOnFail: true, MaxTries: 1, WaitBetweenTries: 9000}, 2, 5 * time.Second},
		{WorkflowNode{RetryOnFail: true, MaxTries: 9, WaitBetweenTries: -5}, 5, 0},
		{WorkflowNode{RetryOnFail: true, MaxTries: 4, WaitBetweenTries: 250}, 4, 250 * time.Millisecond},
	}
	for _, tt := range tests {
		tries, wait := tt.node.RetryPolicy()
		if tries != tt.tries || wait != tt.wait {
			t.Errorf("%+v: RetryPolicy() = %d, %v; want %d, %v", tt.node, tries, wait, tt.tries, tt.wait)
		}
	}
}
