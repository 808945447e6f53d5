package orchestrator

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/weftrun/weft/control-plane/engine"
)

// TestEventJSON checks the hand-written event encoding against
// encoding/json: the same bytes, except that <, > and & stay as they are.
func TestEventJSON(t *testing.T) {
	at := time.Date(2026, 12, 2, 15, 4, 5, 120000000, time.UTC)
	events := []Event{
		{Type: "nodeStarted", ExecutionID: "0193abc", At: at, Node: &engine.NodeEvent{Node: "Edit Fields", Status: "running", StartTime: 1764687845120}},
		{Type: "nodeFinished", ExecutionID: "0193abc", At: at.Add(7 * time.Nanosecond), Node: &engine.NodeEvent{Node: "Loop \"Over\" Items\\1", Run: 3, Status: "success", Items: 12, StartTime: 1764687845120, ExecutionTime: 4}},
		{Type: "nodeFinished", ExecutionID: "x", At: at, Node: &engine.NodeEvent{Node: "Ünïcode ✓\n\t\u2028", Status: "error", StartTime: 1, Error: "bad \x01 value \xff here"}},
		{Type: "executionFinished", ExecutionID: "0193abc", At: at, Status: "success"},
		{Type: "executionWaiting", ExecutionID: "0193abc", At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Type: "nodeFinished", ExecutionID: "e", At: at, Node: &engine.NodeEvent{Node: "<If> & Else", Status: "success", StartTime: 2}},
	}
	for _, ev := range events {
		want, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		ev.writeJSON(&b)
		html := bytes.Contains(want, []byte(`\u003c`)) || bytes.Contains(want, []byte(`\u003e`)) || bytes.Contains(want, []byte(`\u0026`))
		if html {
			// encoding/json escapes HTML characters; compare values.
			var w, g any
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b.Bytes(), &g); err != nil {
				t.Fatalf("%s: %v", b.Bytes(), err)
			}
			if !reflect.DeepEqual(w, g) {
				t.Errorf("got  %s\nwant %s", b.Bytes(), want)
			}
			continue
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("got  %s\nwant %s", b.Bytes(), want)
		}
	}
}
