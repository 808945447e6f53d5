package runtime

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/weftrun/weft/internal/testmodules"
)

func loadFile(t *testing.T, eng *Engine, path string) *Module {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := eng.Load(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func decodeJSON(t *testing.T, raw json.RawMessage) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return v
}

func TestExample_goUppercase(t *testing.T) {
	eng := newEngine(t, NewConfig())
	m := loadFile(t, eng, testmodules.GoUppercase(t))
	if m.Info().Profile != ProfileReactor {
		t.Fatalf("profile %s, want reactor", m.Info().Profile)
	}
	tests := []struct {
		name   string
		params string
		want   []string // json of each output item
		err    string
	}{
		{"named fields", `{"fields":["name"]}`, []string{`{"name":"ADA","city":"london","n":1}`, `{"name":"GRACE","city":"nyc","n":2}`}, ""},
		{"all string fields", `{}`, []string{`{"name":"ADA","city":"LONDON","n":1}`, `{"name":"GRACE","city":"NYC","n":2}`}, ""},
		{"bad parameter", `{"fields":"name"}`, nil, "parameter fields must be an array of strings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := `{"abi":1,"node":{"name":"U","type":"example.uppercase","typeVersion":1,"parameters":` + tt.params +
				`},"inputs":[[{"json":{"name":"ada","city":"london","n":1}},{"json":{"name":"grace","city":"nyc","n":2}}]]}`
			// Twice: the second run is on the instance reset after the first.
			for run := 0; run < 2; run++ {
				out, res := runDecoded(t, m, task)
				if tt.err != "" {
					if res.Error == nil || !strings.Contains(res.Error.Message, tt.err) {
						t.Fatalf("error = %+v, want %q", res.Error, tt.err)
					}
					continue
				}
				if res.Error != nil {
					t.Fatalf("node error: %+v", res.Error)
				}
				if len(res.Outputs) != 1 || len(res.Outputs[0]) != len(tt.want) {
					t.Fatalf("outputs = %s", out.Result)
				}
				for i, item := range res.Outputs[0] {
					if !reflect.DeepEqual(decodeJSON(t, item.JSON), decodeJSON(t, json.RawMessage(tt.want[i]))) {
						t.Fatalf("item %d = %s, want %s", i, item.JSON, tt.want[i])
					}
					if got := decodeJSON(t, item.PairedItem); !reflect.DeepEqual(got, map[string]any{"item": float64(i)}) {
						t.Fatalf("item %d pairedItem = %s", i, item.PairedItem)
					}
				}
				// Key order survives the node: n8n shows fields in order.
				if !strings.HasPrefix(string(res.Outputs[0][0].JSON), `{"name":`) {
					t.Fatalf("key order lost: %s", res.Outputs[0][0].JSON)
				}
				if len(res.Logs)+len(out.Logs) == 0 {
					t.Fatal("the node's log line is missing")
				}
			}
		})
	}
}

func TestExample_cPassthrough(t *testing.T) {
	eng := newEngine(t, NewConfig())
	m := loadFile(t, eng, testmodules.CPassthrough(t))
	if m.Info().Profile != ProfileCommand {
		t.Fatalf("profile %s, want command", m.Info().Profile)
	}
	inputs := `[[{"json":{"s":"a \"quoted\" ] bracket","n":[1,2,{"x":null}]}}],[]]`
	out, err := m.Run(context.Background(), []byte(`{"abi":1,"node":{"name":"P","type":"p"},"inputs":`+inputs+`,"context":{"inputs":"decoy"}}`), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"outputs":` + inputs + `}`; strings.TrimSpace(string(out.Result)) != want {
		t.Fatalf("result = %s, want %s", out.Result, want)
	}
	if len(out.Logs) != 1 || out.Logs[0].Level != "warn" || !strings.HasPrefix(out.Logs[0].Message, "passthrough: copied") {
		t.Fatalf("logs = %+v, want the stderr line", out.Logs)
	}
	if out.FuelUsed == 0 {
		t.Fatal("no fuel reported for a command module")
	}
	// Malformed input gets an error result, not a trap.
	out, err = m.Run(context.Background(), []byte(`{"abi":1,"inputs":[[{"json":`), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := out.Decode()
	if err != nil || res.Error == nil {
		t.Fatalf("malformed task: result %s, %v", out.Result, err)
	}
}
