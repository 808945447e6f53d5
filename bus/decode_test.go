package bus

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
)

// decodeCorpus holds task and result messages as control planes and
// runners write them, and odd ones a broken or hostile peer could send.
func decodeCorpus(tb testing.TB) [][]byte {
	tb.Helper()
	item := func(js string) api.Item {
		return api.Item{JSON: json.RawMessage(js), PairedItem: json.RawMessage(`{"item":0}`)}
	}
	task := Task{
		ID: "e1/Set/0/1", ExecutionID: "e1", Mode: "webhook", PublicURL: "https://weft.example.com/automation", Workflow: "w1@3", Node: "Set ü",
		Inputs:          [][]api.Item{{item(`{"headers":{"host":"h"},"body":{"name":"ann \u00e9 \ud83d\ude00","n":21.5e3,"list":[1,null,true,"x"]}}`)}, nil, {}},
		ConnectionInput: []api.Item{item(`{}`), {JSON: json.RawMessage(`{"a":1}`), Binary: json.RawMessage(`{"data":{"id":"blob:1","mimeType":"text/plain"}}`)}},
		RunIndex:        2, Try: 1,
		Source:     []*engine.SourceRef{{PreviousNode: "Webhook", PreviousNodeOutput: 1, PreviousNodeRun: 3}, nil},
		NodeState:  json.RawMessage(`{"seen":[1,2,3]}`),
		StaticData: json.RawMessage(`{"global":{"n":1}}`),
		PayloadRef: "blob:abc",
	}
	withRunData := task
	withRunData.RunData = map[string][]engine.TaskData{"Webhook": {{
		StartTime: 1764700000000, ExecutionTime: 3, ExecutionStatus: "success",
		Data:   map[string][][]api.Item{"main": {{item(`{"x":"\"quoted\"\n"}`)}}},
		Source: []*engine.SourceRef{},
	}}}
	result := Result{
		ID: "e1/Set/0/1", ExecutionID: "e1",
		Outputs:    [][]api.Item{{item(`{"greeting":"hello ann"}`)}, {}, nil},
		Error:      &api.NodeError{Message: "m", Description: "d"},
		NodeState:  json.RawMessage(`{"k":[]}`),
		Logs:       []api.LogEntry{{Level: "info", Message: "a line"}, {Level: "warn", Message: "plain"}},
		Response:   json.RawMessage(`{"status":200,"body":"{}"}`),
		Wait:       &engine.Wait{Until: 1764700000000, Webhook: true, Method: "POST"},
		StaticData: json.RawMessage(`{}`),
		StartTime:  1764700000456, ExecutionTime: 12,
		SubRun: &engine.SubRun{Workflows: []string{"w1", "w\u00e9 2", ""}, Each: true, NoWait: true, At: 1764700000123,
			Documents: []json.RawMessage{nil, nil, json.RawMessage(`{"nodes":[{"name":"In"}],"connections":{}}`)}},
		Failure: "f", Runner: "r1", PayloadRef: "blob:def",
	}
	var out [][]byte
	for _, v := range []any{task, withRunData, result, Task{}, Result{}, Result{Outputs: [][]api.Item{}}} {
		b, err := json.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	for _, s := range []string{
		`{"id":"a","inputs":[[{"json":{"k":"v"},"pairedItem":[{"item":0},{"item":1}]}]]}`,
		`{"id":"a","id":"b","runIndex":1,"runIndex":2}`,
		`{"ID":"case","RUNINDEX":3,"unknown":{"deep":[1,2,{"x":null}]}}`,
		`{"id":"\u00e9\ud83d\ude00\\\/","node":"tab\there"}`,
		`{"id":"a","inputs":null,"runIndex":-7,"try":0,"source":[null,{"previousNode":"x"}]}`,
		`{"outputs":[[{"json":1e400}]]}`,
		`{"outputs":null,"wait":null,"error":null,"logs":null}`,
		`{"outputs":[[{"json":{"a":1},"extra":2}]]}`,
		`{"outputs":[[{"json":null}]]}`,
		`{"wait":{"until":-0,"webhook":false}}`,
		`{"subRun":{"workflows":[],"at":0}}`,
		`{"subRun":{"workflows":null,"each":false}}`,
		`{"subRun":{"workflows":["a",1]}}`,
		`{"subRun":null}`,
		`{"subRun":{"workflows":[""],"documents":[{"nodes":[]}]}}`,
		`{"subRun":{"workflows":[""],"documents":[null,1,"x"]}}`,
		`{"startTime":1.5,"executionTime":-3}`,
		`{"wait":{"until":123456789012345678901}}`,
		`{"runIndex":1e2}`,
		`{"runIndex":"7"}`,
		`{"runIndex":1.5}`,
		`{"runIndex":-}`,
		`{"id":"a"} `,
		" \t\n{\"id\" : \"a\" , \"node\" :\"n\"}\r\n",
		"{\"id\":\"bad \x80 utf8\",\"inputs\":[[{\"json\":\"\xff\"}]]}",
		`{"id":"a",}`,
		`{"id":"a"`,
		`{"id":"a"}{"id":"b"}`,
		`{"inputs":[[{"json":{"a":}}]]}`,
		`{"inputs":[[{"json":{"a":1}]]}`,
		`{"inputs":[[{"json":{"a":01}}]]}`,
		`{"inputs":[[{"json":{"a":1.}}]]}`,
		`{"inputs":[[{"json":{"a":"\x"}}]]}`,
		`{"inputs":[[{"json":{"a":"\u12"}}]]}`,
		"{\"inputs\":[[{\"json\":{\"a\":\"ctl\x01\"}}]]}",
		`{"inputs":[[{"json":[tru]}]]}`,
		`{"id":"\ud800"}`,
		`[]`,
		`null`,
		``,
		`{"runData":{"A":[{"data":{"main":[[{"json":{}}],null]},"source":[null]}]}}`,
		`{"error":{"message":"m","description":"d","extra":1}}`,
		`{"logs":[{"level":"info","message":"a"},{"level":"debug"}]}`,
		`{"logs":[{"level":"info","message":"tab\there"}]}`,
		`{"inputs":[[{"json":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}]]}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// sameDecode checks that the codec's decoders and encoding/json agree on
// data: both fail, or both give equal values.
func sameDecode(t *testing.T, data []byte) {
	t.Helper()
	var wantT, gotT Task
	wantErr, gotErr := json.Unmarshal(data, &wantT), decodeTask(data, &gotT)
	if (wantErr == nil) != (gotErr == nil) || wantErr == nil && !reflect.DeepEqual(wantT, gotT) {
		t.Fatalf("task from %q:\nencoding/json %+v, %v\ndecodeTask    %+v, %v", data, wantT, wantErr, gotT, gotErr)
	}
	var wantR, gotR Result
	wantErr, gotErr = json.Unmarshal(data, &wantR), decodeResult(data, &gotR)
	if (wantErr == nil) != (gotErr == nil) || wantErr == nil && !reflect.DeepEqual(wantR, gotR) {
		t.Fatalf("result from %q:\nencoding/json %+v, %v\ndecodeResult  %+v, %v", data, wantR, wantErr, gotR, gotErr)
	}
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, data := range decodeCorpus(t) {
		sameDecode(t, data)
	}
}

// TestDecodeTakesThePeersMessages checks that the messages peers write are
// decoded without falling back to encoding/json.
func TestDecodeTakesThePeersMessages(t *testing.T) {
	corpus := decodeCorpus(t)
	var task Task
	if !scanTask(corpus[0], &task) {
		t.Errorf("task not scanned: %s", corpus[0])
	}
	if scanTask(corpus[1], &Task{}) {
		t.Errorf("a task with run data scanned; it is left to encoding/json")
	}
	var result Result
	if !scanResult(corpus[2], &result) {
		t.Errorf("result not scanned: %s", corpus[2])
	}
	if task.Node != "Set ü" || task.PublicURL != "https://weft.example.com/automation" || len(task.Inputs) != 3 || task.Inputs[1] != nil || task.Source[0].PreviousNodeRun != 3 ||
		result.Wait == nil || !result.Wait.Webhook || len(result.Logs) != 2 {
		t.Errorf("decoded wrong: %+v %+v", task, result)
	}
}

func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	for _, data := range decodeCorpus(f) {
		f.Add(data)
	}
	f.Fuzz(sameDecode)
}

// BenchmarkDecodeTask decodes a webhook Set task as a runner receives it,
// with encoding/json and with the codec's decoder.
// benchTask is a webhook Set task as a runner receives it.
var benchTask = []byte(`{"id":"01a238ab8ec5af1d53fe/Edit Fields/0/0","executionId":"01a238ab8ec5af1d53fe","mode":"webhook","workflow":"njOsVjBsH32HFT52@3","node":"Edit Fields","inputs":[[{"json":{"headers":{"accept":"*/*","content-length":"21","content-type":"application/json","host":"127.0.0.1:5689","user-agent":"curl/7.88.1"},"params":{},"query":{},"body":{"name":"ann","n":21},"webhookUrl":"http://127.0.0.1:5689/bench","executionMode":"production"},"pairedItem":{"item":0}}]],"runIndex":0,"source":[{"previousNode":"Webhook","previousNodeOutput":0,"previousNodeRun":0}]}`)

func BenchmarkDecodeTask(b *testing.B) {
	msg := benchTask
	for _, c := range []struct {
		name string
		fn   func([]byte, *Task) error
	}{{"encoding-json", func(d []byte, t *Task) error { return json.Unmarshal(d, t) }}, {"codec", decodeTask}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				var t Task
				if err := c.fn(msg, &t); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
