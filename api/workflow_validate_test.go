package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// fakeType is one node type of fakeTypes.
type fakeType struct {
	versions []float64
	info     NodeTypeInfo
}

// fakeTypes is a small node registry for tests.
type fakeTypes map[string]fakeType

// Lookup implements NodeTypes.
func (f fakeTypes) Lookup(typ string, version float64) (NodeTypeInfo, error) {
	t, ok := f[typ]
	if !ok {
		return NodeTypeInfo{}, &UnknownNodeTypeError{Type: typ}
	}
	if !slices.Contains(t.versions, version) {
		return NodeTypeInfo{}, &UnsupportedVersionError{Type: typ, Version: version, Supported: t.versions}
	}
	return t.info, nil
}

// fixedOutputs returns an Outputs function for a constant count.
func fixedOutputs(n int) func(json.RawMessage) int {
	return func(json.RawMessage) int { return n }
}

// switchOutputs counts the outputs of a Switch 3 node from its parameters.
func switchOutputs(params json.RawMessage) int {
	var p struct {
		Mode          string `json:"mode"`
		NumberOutputs *int   `json:"numberOutputs"`
		Rules         struct {
			Values []json.RawMessage `json:"values"`
		} `json:"rules"`
		Options struct {
			FallbackOutput any `json:"fallbackOutput"`
		} `json:"options"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		return 1
	}
	if p.Mode == "expression" {
		if p.NumberOutputs == nil {
			return 4
		}
		return *p.NumberOutputs
	}
	n := len(p.Rules.Values)
	if p.Options.FallbackOutput == "extra" {
		n++
	}
	return n
}

// testTypes knows the node types of the conformance cases.
var testTypes = fakeTypes{
	"n8n-nodes-base.manualTrigger":    {[]float64{1}, NodeTypeInfo{Trigger: true}},
	"n8n-nodes-base.if":               {[]float64{1, 2, 2.1, 2.2}, NodeTypeInfo{Outputs: fixedOutputs(2)}},
	"n8n-nodes-base.filter":           {[]float64{2.2}, NodeTypeInfo{}},
	"n8n-nodes-base.switch":           {[]float64{3.2}, NodeTypeInfo{Outputs: switchOutputs}},
	"n8n-nodes-base.merge":            {[]float64{3.2}, NodeTypeInfo{Inputs: 2}},
	"n8n-nodes-base.splitInBatches":   {[]float64{3}, NodeTypeInfo{Outputs: fixedOutputs(2)}},
	"n8n-nodes-base.set":              {[]float64{3.4}, NodeTypeInfo{}},
	"n8n-nodes-base.code":             {[]float64{2}, NodeTypeInfo{}},
	"n8n-nodes-base.noOp":             {[]float64{1}, NodeTypeInfo{}},
	"n8n-nodes-base.aggregate":        {[]float64{1}, NodeTypeInfo{}},
	"n8n-nodes-base.crypto":           {[]float64{1}, NodeTypeInfo{}},
	"n8n-nodes-base.dateTime":         {[]float64{2}, NodeTypeInfo{}},
	"n8n-nodes-base.executeWorkflow":  {[]float64{1.2}, NodeTypeInfo{}},
	"n8n-nodes-base.limit":            {[]float64{1}, NodeTypeInfo{}},
	"n8n-nodes-base.removeDuplicates": {[]float64{2}, NodeTypeInfo{}},
	"n8n-nodes-base.renameKeys":       {[]float64{1}, NodeTypeInfo{}},
	"n8n-nodes-base.sort":             {[]float64{1}, NodeTypeInfo{}},
	"n8n-nodes-base.splitOut":         {[]float64{1}, NodeTypeInfo{}},
	"n8n-nodes-base.stopAndError":     {[]float64{1}, NodeTypeInfo{}},
	"n8n-nodes-base.summarize":        {[]float64{1.1}, NodeTypeInfo{}},
	"n8n-nodes-base.wait":             {[]float64{1.1}, NodeTypeInfo{}},
	"n8n-nodes-base.anyInputs":        {[]float64{1}, NodeTypeInfo{Inputs: -1}},
}

func TestWorkflow_Validate_conformance(t *testing.T) {
	for name, doc := range conformanceWorkflows(t) {
		w := mustParse(t, string(doc))
		for _, reg := range []NodeTypes{nil, testTypes} {
			if errs := w.Validate(reg); len(errs) != 0 {
				t.Errorf("%s (registry %v): %v", name, reg != nil, errs)
			}
		}
	}
}

// node writes one node of a test workflow.
func node(name, typ string, version float64, extra string) string {
	return fmt.Sprintf(`{"name": %q, "type": %q, "typeVersion": %v, "position": [0, 0], "parameters": {}%s}`,
		name, typ, version, extra)
}

// validDoc builds a workflow document with v1 order from nodes and
// connections.
func validDoc(nodes []string, connections string) string {
	return fmt.Sprintf(`{"name": "t", "nodes": [%s], "connections": %s, "settings": {"executionOrder": "v1"}}`,
		strings.Join(nodes, ","), connections)
}

const (
	trig = "n8n-nodes-base.manualTrigger"
	set  = "n8n-nodes-base.set"
	ifT  = "n8n-nodes-base.if"
)

func TestWorkflow_Validate(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		reg   NodeTypes
		want  []string // messages, in order
		field string   // Field of the first error
	}{
		{
			name: "valid with loop",
			doc: validDoc([]string{node("T", trig, 1, ""), node("A", set, 3.4, ""), node("B", ifT, 2.2, "")},
				`{"T": {"main": [[{"node": "A", "type": "main", "index": 0}]]},
				  "A": {"main": [[{"node": "B", "type": "main", "index": 0}]]},
				  "B": {"main": [[{"node": "A", "type": "main", "index": 0}], []]}}`),
			reg: testTypes,
		},
		{
			name:  "unknown node type",
			doc:   validDoc([]string{node("Set", "n8n-nodes-base.sett", 3.4, "")}, `{}`),
			reg:   testTypes,
			want:  []string{`node "Set": unknown node type "n8n-nodes-base.sett"`},
			field: "type",
		},
		{
			name:  "unsupported version",
			doc:   validDoc([]string{node("If", ifT, 9, "")}, `{}`),
			reg:   testTypes,
			want:  []string{`node "If": typeVersion 9 is not supported by n8n-nodes-base.if (supported: 1, 2, 2.1, 2.2)`},
			field: "typeVersion",
		},
		{
			name:  "nil registry skips type checks",
			doc:   validDoc([]string{node("Set", "n8n-nodes-base.sett", 99, "")}, `{"Set": {"main": [[], [], [{"node": "Set", "type": "main", "index": 5}]]}}`),
			reg:   nil,
			want:  nil,
			field: "",
		},
		{
			name:  "duplicate node name",
			doc:   validDoc([]string{node("T", trig, 1, ""), node("X", set, 3.4, ""), node("Set", set, 3.4, ""), node("Y", set, 3.4, ""), node("Z", set, 3.4, ""), node("Set", set, 3.4, "")}, `{}`),
			want:  []string{`duplicate node name "Set" (nodes 2 and 5)`},
			field: "name",
		},
		{
			name:  "empty node name",
			doc:   validDoc([]string{node("T", trig, 1, ""), node("", set, 3.4, "")}, `{}`),
			want:  []string{`node 1: field "name" is empty`},
			field: "name",
		},
		{
			name:  "missing type",
			doc:   `{"nodes": [{"name": "X", "typeVersion": 1}], "settings": {"executionOrder": "v1"}}`,
			reg:   testTypes,
			want:  []string{`node "X": field "type" is missing`},
			field: "type",
		},
		{
			name:  "missing typeVersion",
			doc:   `{"nodes": [{"name": "X", "type": "n8n-nodes-base.set"}], "settings": {"executionOrder": "v1"}}`,
			reg:   testTypes,
			want:  []string{`node "X": field "typeVersion" is missing`},
			field: "typeVersion",
		},
		{
			name:  "non-positive typeVersion",
			doc:   validDoc([]string{node("X", set, -1, "")}, `{}`),
			want:  []string{`node "X": typeVersion must be positive, got -1`},
			field: "typeVersion",
		},
		{
			name:  "parameters not an object",
			doc:   `{"nodes": [{"name": "X", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "parameters": [1]}], "settings": {"executionOrder": "v1"}}`,
			want:  []string{`node "X": field "parameters" must be an object, got array`},
			field: "parameters",
		},
		{
			name:  "position wrong length",
			doc:   `{"nodes": [{"name": "X", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": [1, 2, 3]}], "settings": {"executionOrder": "v1"}}`,
			want:  []string{`node "X": position must be [x, y], got 3 numbers`},
			field: "position",
		},
		{
			name:  "position null",
			doc:   `{"nodes": [{"name": "X", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": null}], "settings": {"executionOrder": "v1"}}`,
			want:  []string{`node "X": position must be [x, y], got null`},
			field: "position",
		},
		{
			name:  "bad onError",
			doc:   validDoc([]string{node("X", set, 3.4, `, "onError": "explode"`)}, `{}`),
			want:  []string{`node "X": onError "explode" is not one of stopWorkflow, continueRegularOutput, continueErrorOutput`},
			field: "onError",
		},
		{
			name:  "credentials not an object",
			doc:   validDoc([]string{node("X", set, 3.4, `, "credentials": "x"`)}, `{}`),
			want:  []string{`node "X": field "credentials" must be an object, got string`},
			field: "credentials",
		},
		{
			name:  "connection to missing node",
			doc:   validDoc([]string{node("A", trig, 1, "")}, `{"A": {"main": [[{"node": "B", "type": "main", "index": 0}]]}}`),
			want:  []string{`connection from "A" output 0 to missing node "B"`},
			field: "connections",
		},
		{
			name:  "non-main connection to missing node",
			doc:   validDoc([]string{node("A", set, 3.4, "")}, `{"A": {"ai_tool": [[{"node": "Agent", "type": "ai_tool", "index": 0}]]}}`),
			want:  []string{`connection from "A" (ai_tool) output 0 to missing node "Agent"`},
			field: "connections",
		},
		{
			name:  "connection from unknown node",
			doc:   validDoc([]string{node("A", set, 3.4, "")}, `{"Ghost": {"main": [[{"node": "A", "type": "main", "index": 0}]]}}`),
			want:  []string{`connection from unknown node "Ghost"`},
			field: "connections",
		},
		{
			name: "too many outputs",
			doc: validDoc([]string{node("If", ifT, 2.2, ""), node("A", set, 3.4, "")},
				`{"If": {"main": [[], [], [], [{"node": "A", "type": "main", "index": 0}]]}}`),
			reg:   testTypes,
			want:  []string{`connection from "If" output 3: n8n-nodes-base.if has 2 outputs`},
			field: "connections",
		},
		{
			name: "single output",
			doc: validDoc([]string{node("S", set, 3.4, ""), node("A", set, 3.4, "")},
				`{"S": {"main": [[], [{"node": "A", "type": "main", "index": 0}]]}}`),
			reg:   testTypes,
			want:  []string{`connection from "S" output 1: n8n-nodes-base.set has 1 output`},
			field: "connections",
		},
		{
			name: "error output counts",
			doc: validDoc([]string{node("S", set, 3.4, `, "onError": "continueErrorOutput"`), node("A", set, 3.4, "")},
				`{"S": {"main": [[{"node": "A", "type": "main", "index": 0}], [{"node": "A", "type": "main", "index": 0}], [{"node": "A", "type": "main", "index": 0}]]}}`),
			reg:   testTypes,
			want:  []string{`connection from "S" output 2: n8n-nodes-base.set has 2 outputs (including the error output)`},
			field: "connections",
		},
		{
			name: "outputs from parameters",
			doc: validDoc([]string{node("Sw", "n8n-nodes-base.switch", 3.2, `, "parameters": {"mode": "expression", "numberOutputs": 2}`), node("A", set, 3.4, "")},
				`{"Sw": {"main": [[], [{"node": "A", "type": "main", "index": 0}], [{"node": "A", "type": "main", "index": 0}]]}}`),
			reg:   testTypes,
			want:  []string{`connection from "Sw" output 2: n8n-nodes-base.switch has 2 outputs`},
			field: "connections",
		},
		{
			name: "input index out of range",
			doc: validDoc([]string{node("A", set, 3.4, ""), node("M", "n8n-nodes-base.merge", 3.2, ""), node("B", set, 3.4, "")},
				`{"A": {"main": [[{"node": "M", "type": "main", "index": 1}, {"node": "M", "type": "main", "index": 2}, {"node": "B", "type": "main", "index": 1}]]}}`),
			reg: testTypes,
			want: []string{
				`connection from "A" output 0 to "M" input 2: n8n-nodes-base.merge has 2 inputs`,
				`connection from "A" output 0 to "B" input 1: n8n-nodes-base.set has 1 input`,
			},
			field: "connections",
		},
		{
			name: "connection into a trigger",
			doc: validDoc([]string{node("T", trig, 1, ""), node("A", set, 3.4, ""), node("Any", "n8n-nodes-base.anyInputs", 1, "")},
				`{"A": {"main": [[{"node": "T", "type": "main", "index": 0}, {"node": "Any", "type": "main", "index": 7}]]}}`),
			reg:   testTypes,
			want:  []string{`connection from "A" output 0 to "T" input 0: n8n-nodes-base.manualTrigger has no inputs`},
			field: "connections",
		},
		{
			name:  "negative input index",
			doc:   validDoc([]string{node("A", set, 3.4, ""), node("B", set, 3.4, "")}, `{"A": {"main": [[{"node": "B", "type": "main", "index": -1}]]}}`),
			want:  []string{`connection from "A" output 0 to "B": input index -1 is negative`},
			field: "connections",
		},
		{
			name:  "executionOrder unsupported",
			doc:   `{"nodes": [], "settings": {"executionOrder": "v2"}}`,
			want:  []string{`settings.executionOrder "v2" is not supported (only "v1" is)`},
			field: "settings.executionOrder",
		},
		{
			name:  "executionOrder v0 warns",
			doc:   `{"nodes": [], "settings": {"executionOrder": "v0"}}`,
			want:  []string{`warning: settings.executionOrder "v0" (n8n's legacy order) is not supported; the workflow runs with "v1" order`},
			field: "settings.executionOrder",
		},
		{
			name:  "executionOrder missing warns",
			doc:   `{"nodes": []}`,
			want:  []string{`warning: settings.executionOrder is not set (n8n would use its legacy "v0" order); the workflow runs with "v1" order`},
			field: "settings.executionOrder",
		},
		{
			name:  "pinData for missing node",
			doc:   `{"nodes": [], "settings": {"executionOrder": "v1"}, "pinData": {"X": [{"json": {}}]}}`,
			want:  []string{`pinData for missing node "X"`},
			field: "pinData",
		},
		{
			name:  "pinData not items",
			doc:   `{"nodes": [` + node("A", set, 3.4, "") + `], "settings": {"executionOrder": "v1"}, "pinData": {"A": [{"json": 1}]}}`,
			want:  []string{`pinData for "A" item 0: field "json" must be an object, got number`},
			field: "pinData",
		},
		{
			name: "every problem is reported",
			doc: `{"nodes": [
				{"name": "Set", "type": "n8n-nodes-base.sett", "typeVersion": 1, "parameters": "x", "position": [1], "onError": "explode"},
				{"name": "", "type": "n8n-nodes-base.if", "typeVersion": 9},
				{"name": "Set", "type": "n8n-nodes-base.set", "typeVersion": 3.4}
			],
			"connections": {
				"Ghost": {"main": [[{"node": "Set", "type": "main", "index": 0}]]},
				"Set": {"main": [[{"node": "Nowhere", "type": "main", "index": 0}]]}
			},
			"settings": {"executionOrder": "v9"},
			"pinData": {"Phantom": []}}`,
			reg: testTypes,
			want: []string{
				`settings.executionOrder "v9" is not supported (only "v1" is)`,
				`node "Set": field "parameters" must be an object, got string`,
				`node "Set": position must be [x, y], got 1 number`,
				`node "Set": onError "explode" is not one of stopWorkflow, continueRegularOutput, continueErrorOutput`,
				`node "Set": unknown node type "n8n-nodes-base.sett"`,
				`node 1: field "name" is empty`,
				`node 1: typeVersion 9 is not supported by n8n-nodes-base.if (supported: 1, 2, 2.1, 2.2)`,
				`duplicate node name "Set" (nodes 0 and 2)`,
				`connection from "Set" output 0 to missing node "Nowhere"`,
				`connection from unknown node "Ghost"`,
				`pinData for missing node "Phantom"`,
			},
			field: "settings.executionOrder",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := mustParse(t, tt.doc)
			errs := w.Validate(tt.reg)
			var got []string
			for _, err := range errs {
				got = append(got, err.Error())
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("errors\n got: %q\nwant: %q", got, tt.want)
			}
			if len(errs) == 0 {
				return
			}
			var ve *ValidationError
			var vw *ValidationWarning
			switch {
			case errors.As(errs[0], &ve):
				if ve.Field != tt.field {
					t.Errorf("Field = %q, want %q", ve.Field, tt.field)
				}
			case errors.As(errs[0], &vw):
				if vw.Field != tt.field {
					t.Errorf("Field = %q, want %q", vw.Field, tt.field)
				}
			default:
				t.Errorf("error of type %T", errs[0])
			}
		})
	}
}

func TestValidationError_fields(t *testing.T) {
	w := mustParse(t, validDoc([]string{node("If", ifT, 9, "")}, `{}`))
	errs := w.Validate(testTypes)
	if len(errs) != 1 {
		t.Fatalf("errors: %v", errs)
	}
	var ve *ValidationError
	if !errors.As(errs[0], &ve) || ve.Node != "If" || ve.Field != "typeVersion" {
		t.Fatalf("got %#v", errs[0])
	}
}

func TestFatalErrors(t *testing.T) {
	w := mustParse(t, `{"nodes": [{"name": "A", "type": "x", "typeVersion": 1}], "connections": {"B": {}}}`)
	errs := w.Validate(nil)
	if len(errs) != 2 {
		t.Fatalf("errors: %v", errs)
	}
	fatal := FatalErrors(errs)
	if len(fatal) != 1 || fatal[0].Error() != `connection from unknown node "B"` {
		t.Fatalf("FatalErrors = %v", fatal)
	}
	if FatalErrors(errs[:1]) != nil {
		t.Fatal("a warning alone is not fatal")
	}
}
