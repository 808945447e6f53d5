package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzOutcome_Decode sends arbitrary bytes through a reactor that returns
// them as its result, then decodes them as the host does. The decoder must
// never panic, must refuse what is not a result document with a *TrapError,
// and what it accepts must survive a round trip.
func FuzzOutcome_Decode(f *testing.F) {
	for _, seed := range []string{
		`{"outputs":[[{"json":{"a":1}}]]}`,
		`{"outputs":[],"error":{"message":"bad","description":"worse"}}`,
		`{"outputs":[[{"json":{},"binary":{"data":{"mimeType":"text/plain"}},"pairedItem":{"item":0}}],[]],"logs":[{"level":"info","message":"hi"}]}`,
		`{"outputs":null}`,
		`{"outputs":[[1]]}`,
		`[]`,
		`{"error":{"message":1}}`,
		"",
		"\xff",
	} {
		f.Add([]byte(seed))
	}
	eng, err := NewEngine(context.Background(), NewConfig())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = eng.Close(context.Background()) })
	m := load(f, eng, "echo")
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, err := m.Run(context.Background(), doc, Limits{})
		if err != nil {
			t.Fatalf("echo failed: %v", err)
		}
		if string(out.Result) != string(doc) {
			t.Fatalf("result %q is not the task %q", out.Result, doc)
		}
		res, err := out.Decode()
		if err != nil {
			var trap *TrapError
			if !errors.As(err, &trap) {
				t.Fatalf("Decode error %T, want *TrapError", err)
			}
			return
		}
		if res.Outputs == nil && res.Error == nil {
			t.Fatal("accepted a result with neither outputs nor error")
		}
		again, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		o2 := &Outcome{Result: again}
		if _, err := o2.Decode(); err != nil {
			t.Fatalf("round trip: %v", err)
		}
	})
}
