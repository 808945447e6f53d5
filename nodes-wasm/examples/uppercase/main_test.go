package main

import (
	"strings"
	"testing"

	"github.com/weftrun/weft/nodes-wasm/sdk"
)

func TestUppercase(t *testing.T) {
	items := `[{"json":{"b":"hello","a":"wörld","n":1e400,"nested":{"x":"keep"},"list":["keep"]},"pairedItem":{"item":7}},` +
		`{"json":{"a":"second","b":"é"},"binary":{"file":{"data":"aGk=","mimeType":"text/plain"}}}]`
	tests := []struct {
		name, params, want string
	}{
		{"all fields", `{}`,
			`{"outputs":[[{"json":{"b":"HELLO","a":"WÖRLD","n":1e400,"nested":{"x":"keep"},"list":["keep"]},"pairedItem":{"item":7}},` +
				`{"json":{"a":"SECOND","b":"É"},"binary":{"file":{"data":"aGk=","mimeType":"text/plain"}},"pairedItem":{"item":1}}]]}`},
		{"null fields", `{"fields":null}`,
			`{"outputs":[[{"json":{"b":"HELLO","a":"WÖRLD","n":1e400,"nested":{"x":"keep"},"list":["keep"]},"pairedItem":{"item":7}},` +
				`{"json":{"a":"SECOND","b":"É"},"binary":{"file":{"data":"aGk=","mimeType":"text/plain"}},"pairedItem":{"item":1}}]]}`},
		{"selected fields", `{"fields":["a","n","nested","missing"]}`,
			`{"outputs":[[{"json":{"b":"hello","a":"WÖRLD","n":1e400,"nested":{"x":"keep"},"list":["keep"]},"pairedItem":{"item":7}},` +
				`{"json":{"a":"SECOND","b":"é"},"binary":{"file":{"data":"aGk=","mimeType":"text/plain"}},"pairedItem":{"item":1}}]]}`},
		{"no fields", `{"fields":[]}`,
			`{"outputs":[[{"json":{"b":"hello","a":"wörld","n":1e400,"nested":{"x":"keep"},"list":["keep"]},"pairedItem":{"item":7}},` +
				`{"json":{"a":"second","b":"é"},"binary":{"file":{"data":"aGk=","mimeType":"text/plain"}},"pairedItem":{"item":1}}]]}`},
		{"fields not an array", `{"fields":"a"}`,
			`{"outputs":[],"error":{"message":"parameter fields must be an array of strings"}}`},
		{"fields with a number", `{"fields":["a",1]}`,
			`{"outputs":[],"error":{"message":"parameter fields must be an array of strings"}}`},
	}
	var logs []string
	sdk.SetLogOutput(func(l sdk.Level, msg string) { logs = append(logs, l.String()+": "+msg) })
	defer sdk.SetLogOutput(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs = nil
			task := `{"abi":1,"node":{"name":"Up","type":"weft.uppercase","typeVersion":1,"parameters":` + tt.params + `},"inputs":[` + items + `]}`
			if got := string(sdk.Execute([]byte(task))); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if !strings.Contains(tt.want, `"error"`) && (len(logs) != 1 || logs[0] != "info: uppercase: processed 2 items") {
				t.Errorf("logs = %q", logs)
			}
		})
	}
}

func TestUppercaseNoInputs(t *testing.T) {
	sdk.SetLogOutput(func(sdk.Level, string) {})
	defer sdk.SetLogOutput(nil)
	got := string(sdk.Execute([]byte(`{"abi":1,"node":{"name":"Up","type":"weft.uppercase"},"inputs":[]}`)))
	if want := `{"outputs":[[]]}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
