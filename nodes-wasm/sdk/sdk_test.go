package sdk

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/weftrun/weft/nodes-wasm/sdk/json"
)

func withHandler(t testing.TB, h Handler) {
	t.Helper()
	old := handler
	handler = h
	t.Cleanup(func() { handler = old })
}

func echo(t *Task) (*Result, error) { return &Result{Outputs: t.Inputs}, nil }

func TestEchoKeepsItems(t *testing.T) {
	withHandler(t, echo)
	task := `{"abi":1,"node":{"name":"n","type":"t","typeVersion":1,"parameters":{}},"inputs":[` +
		`[{"json":{"z":1e400,"a":-0,"big":12345678901234567890,"s":"\u00e9\ud83d\ude00"},"binary":{"f":{"data":"aGk=","mimeType":"text/plain"}},"pairedItem":{"item":3}},` +
		`{"json":{}}],[]],"context":{"executionId":"x"}}`
	want := `{"outputs":[[{"json":{"z":1e400,"a":-0,"big":12345678901234567890,"s":"é😀"},"binary":{"f":{"data":"aGk=","mimeType":"text/plain"}},"pairedItem":{"item":3}},` +
		`{"json":{}}],[]]}`
	if got := string(Execute([]byte(task))); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestDecodeTask(t *testing.T) {
	task, err := DecodeTask([]byte(`{"abi":1,"node":{"name":"Upper","type":"weft.uppercase","typeVersion":2.1,"parameters":{"fields":["a"]}},` +
		`"inputs":[[{"json":{"a":"x"},"unknown":1}],[{"json":{"b":2},"pairedItem":0}]],"context":{"k":"v"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if task.ABI != 1 || task.Node.Name != "Upper" || task.Node.Type != "weft.uppercase" || task.Node.TypeVersion != 2.1 {
		t.Errorf("node decoded wrong: %+v", task.Node)
	}
	if task.Param("fields").String() != `["a"]` || task.Param("nope").Exists() {
		t.Errorf("parameters decoded wrong")
	}
	if task.Context.Get("k").String() != "v" {
		t.Errorf("context decoded wrong")
	}
	if len(task.Inputs) != 2 || len(task.Input(0)) != 1 || task.Input(2) != nil || task.Input(-1) != nil {
		t.Fatalf("inputs decoded wrong: %+v", task.Inputs)
	}
	if it := task.Input(0)[0]; it.JSON.Get("a").String() != "x" || it.Binary.Exists() || it.PairedItem.Exists() {
		t.Errorf("item decoded wrong: %+v", it)
	}
	if task.Input(1)[0].PairedItem.Int() != 0 || !task.Input(1)[0].PairedItem.Exists() {
		t.Errorf("pairedItem decoded wrong")
	}

	bare, err := DecodeTask([]byte(`{"abi":1}`))
	if err != nil || bare.Inputs != nil || bare.Node.Parameters.Exists() || bare.Context.Exists() {
		t.Errorf("minimal task: %+v, %v", bare, err)
	}
}

func TestErrorResults(t *testing.T) {
	tests := []struct {
		name    string
		h       Handler
		task    string
		want    string // exact result, or
		prefix  string // its beginning
		contain string
	}{
		{name: "plain error", h: func(*Task) (*Result, error) { return nil, errors.New("boom \"quoted\"") },
			task: `{"abi":1}`, want: `{"outputs":[],"error":{"message":"boom \"quoted\""}}`},
		{name: "node error with description", h: func(*Task) (*Result, error) {
			return &Result{Outputs: [][]Item{{}}}, fmt.Errorf("step 2: %w", &Error{Message: "bad input", Description: "field x is missing"})
		}, task: `{"abi":1}`, want: `{"outputs":[],"error":{"message":"step 2: bad input","description":"field x is missing"}}`},
		{name: "error in result", h: func(*Task) (*Result, error) {
			return &Result{Outputs: [][]Item{{}}, Error: &Error{Message: "partial"}}, nil
		}, task: `{"abi":1}`, want: `{"outputs":[[]],"error":{"message":"partial"}}`},
		{name: "typed nil error", h: func(*Task) (*Result, error) { var e *Error; return nil, e },
			task: `{"abi":1}`, want: `{"outputs":[],"error":{"message":"<nil>"}}`},
		{name: "nil result", h: func(*Task) (*Result, error) { return nil, nil },
			task: `{"abi":1}`, want: `{"outputs":[]}`},
		{name: "panic", h: func(t *Task) (*Result, error) { return nil, errors.New(t.Inputs[5][0].JSON.String()) },
			task: `{"abi":1}`, prefix: `{"outputs":[],"error":{"message":"node panicked: runtime error: index out of range [5] with length 0","description":"goroutine`},
		{name: "unknown abi", h: echo, task: `{"abi":2,"inputs":[]}`,
			want: `{"outputs":[],"error":{"message":"unsupported task abi version 2 (this node speaks 1)"}}`},
		{name: "string abi", h: echo, task: `{"abi":"1"}`, contain: `unsupported task abi version \"1\"`},
		{name: "missing abi", h: echo, task: `{"inputs":[]}`, contain: "missing abi version"},
		{name: "malformed", h: echo, task: `{"abi":1,"inputs":[[{"json":{]]}`, contain: `invalid task: json: invalid character ']' looking for beginning of object key string at offset 29`},
		{name: "not an object", h: echo, task: `[]`, contain: "document is array"},
		{name: "inputs not array", h: echo, task: `{"abi":1,"inputs":{}}`, contain: "inputs is object"},
		{name: "input not array", h: echo, task: `{"abi":1,"inputs":[[],1]}`, contain: "inputs[1] is number"},
		{name: "item not object", h: echo, task: `{"abi":1,"inputs":[["x"]]}`, contain: "inputs[0][0] is string"},
		{name: "no handler", h: nil, task: `{"abi":1}`, contain: "no handler registered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withHandler(t, tt.h)
			got := string(Execute([]byte(tt.task)))
			switch {
			case tt.want != "" && got != tt.want:
				t.Errorf("got  %s\nwant %s", got, tt.want)
			case tt.prefix != "" && !strings.HasPrefix(got, tt.prefix):
				t.Errorf("got  %s\nwant prefix %s", got, tt.prefix)
			case tt.contain != "" && !strings.Contains(got, tt.contain):
				t.Errorf("got  %s\nwant it to contain %s", got, tt.contain)
			}
			if _, err := json.ParseString(got); err != nil {
				t.Errorf("result is not valid JSON: %v", err)
			}
		})
	}
}

func TestLog(t *testing.T) {
	var lines []string
	SetLogOutput(func(l Level, msg string) { lines = append(lines, l.String()+": "+msg) })
	defer SetLogOutput(nil)
	Log(LevelWarn, "careful")
	Logf(LevelInfo, "%d items", 3)
	Log(LevelDebug, "")
	Log(LevelError, "bad")
	if got := strings.Join(lines, "|"); got != "warn: careful|info: 3 items|debug: |error: bad" {
		t.Errorf("logged %q", got)
	}
	if Level(7).String() != "Level(7)" {
		t.Errorf("unknown level name wrong")
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	withHandler(t, nil)
	Register(echo)
	defer func() {
		if recover() == nil {
			t.Errorf("second Register did not panic")
		}
	}()
	Register(echo)
}

const task1KB = `{"abi":1,"node":{"name":"Echo","type":"weft.echo","typeVersion":1,"parameters":{}},"inputs":[[` +
	`{"json":{"id":1042,"name":"Ada Lovelace","email":"ada@example.com","active":true,"score":98.5,"createdAt":"2024-03-01T09:30:00.000Z",` +
	`"tags":["math","poetry","engines"],"address":{"street":"12 St James's Square","city":"London","zip":"SW1Y 4JH","geo":{"lat":51.5074,"lng":-0.1278}},` +
	`"notes":"First programmer; wrote \"Notes\" on the Analytical Engine.\nLoves numbers.","orders":[{"sku":"AE-1","qty":2,"price":19.99},{"sku":"DE-2","qty":1,"price":249}],` +
	`"preferences":{"newsletter":true,"language":"en-GB","timezone":"Europe/London"},"counters":[1,2,3,5,8,13,21,34,55,89],"bigId":12345678901234567890}},` +
	`{"json":{"id":1043,"name":"Charles Babbage","email":"charles@example.com","active":false,"score":77,"tags":["engines"],"unicode":"日本語 😀"},"pairedItem":{"item":1}}` +
	`]],"context":{"executionId":"exec-1","workflowId":"wf-7","mode":"manual"}}`

func BenchmarkExecuteEcho1KB(b *testing.B) {
	withHandler(b, echo)
	data := []byte(task1KB)
	var out []byte
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		out = appendExecute(out[:0], data)
	}
	if !strings.HasPrefix(string(out), `{"outputs":[[{"json":{"id":1042,`) {
		b.Fatalf("unexpected result %s", out)
	}
}
