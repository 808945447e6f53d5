package engine

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/weftrun/weft/api"
)

// fullRun sets every field of TaskData, so that a field added later and
// not written by WriteRunData fails the comparison below.
func fullRun() TaskData {
	return TaskData{
		StartTime:       1733300000123,
		ExecutionIndex:  3,
		ExecutionTime:   7,
		ExecutionStatus: "error",
		Data: map[string][][]api.Item{
			"main": {
				{{JSON: json.RawMessage(`{"a":"<b> & \"c\"","n":1.5}`), PairedItem: json.RawMessage(`{"item":0}`)}},
				nil,
				{},
			},
			"ai_tool": {{{JSON: json.RawMessage(`[1,2]`), Binary: json.RawMessage(`{"data":{"mimeType":"text/plain"}}`)}}},
		},
		Error:  &NodeError{Message: "bad \u2028 thing", Description: "tab\there"},
		Source: []*SourceRef{{PreviousNode: "Web<hook>", PreviousNodeOutput: 1, PreviousNodeRun: 2}, nil},
	}
}

func TestRunDataWritesWhatEncodingJSONWrites(t *testing.T) {
	full := fullRun()
	v := reflect.ValueOf(full)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Fatalf("fullRun leaves TaskData.%s unset", v.Type().Field(i).Name)
		}
	}
	cases := map[string]map[string][]TaskData{
		"nil":                         nil,
		"empty":                       {},
		"full":                        {"Edit Fields (Set)": {full, {ExecutionStatus: "success"}}, "A \"quoted\" node": nil, "Webhook": {{StartTime: 1, Data: map[string][][]api.Item{"main": {{{}}}}}}},
		"runs without data or source": {"x": {{ExecutionStatus: "success", Data: map[string][][]api.Item{}}}, "y": {}},
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			WriteRunData(&buf, m)
			if !json.Valid(buf.Bytes()) {
				t.Fatalf("not JSON: %s", buf.Bytes())
			}
			var got, exp any
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(want, &exp); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, exp) {
				t.Fatalf("WriteRunData wrote\n%s\nencoding/json\n%s", buf.Bytes(), want)
			}
			// Decoded back into the type and encoded again, the runs
			// are byte for byte what encoding/json made of them.
			var back map[string][]TaskData
			if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			again, err := json.Marshal(back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, want) {
				t.Fatalf("decoded differently:\n%s\n%s", again, want)
			}
		})
	}
}

func TestRunDataKeepsItemsAsTheyAre(t *testing.T) {
	// Run data is written once per execution: raw item values go out
	// byte for byte, <, > and & included, as the items arrived.
	m := map[string][]TaskData{"n": {{Data: map[string][][]api.Item{"main": {{{JSON: json.RawMessage(`{"html":"<p>&</p>"}`)}}}}}}}
	var buf bytes.Buffer
	WriteRunData(&buf, m)
	if !bytes.Contains(buf.Bytes(), []byte(`{"json":{"html":"<p>&</p>"}}`)) {
		t.Fatalf("item changed: %s", buf.Bytes())
	}
}

func BenchmarkRunData(b *testing.B) {
	m := map[string][]TaskData{
		"Webhook":           {{StartTime: 1733300000123, ExecutionTime: 0, ExecutionStatus: "success", Data: map[string][][]api.Item{"main": {{{JSON: json.RawMessage(`{"headers":{"host":"127.0.0.1:5678","user-agent":"wrk","content-type":"application/json","content-length":"21"},"params":{},"query":{},"body":{"name":"ann","n":21},"webhookUrl":"http://127.0.0.1:5678/webhook/bench","executionMode":"production"}`)}}}}, Source: []*SourceRef{nil}}},
		"Edit Fields (Set)": {{StartTime: 1733300000124, ExecutionIndex: 1, ExecutionTime: 1, ExecutionStatus: "success", Data: map[string][][]api.Item{"main": {{{JSON: json.RawMessage(`{"greeting":"hello ann","double":42}`), PairedItem: json.RawMessage(`{"item":0}`)}}}}, Source: []*SourceRef{{PreviousNode: "Webhook"}}}},
	}
	b.Run("writer", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			WriteRunData(&buf, m)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
