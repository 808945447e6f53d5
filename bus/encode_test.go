package bus

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
)

// sameEncode checks, for a message encoding/json decodes, that the
// codec's encoders write what encoding/json writes: the same document once
// decoded (encoding/json also escapes <, > and & inside raw values).
func sameEncode(t *testing.T, data []byte) {
	t.Helper()
	var task Task
	if json.Unmarshal(data, &task) == nil {
		got, err := encodeTask(&task)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(&task)
		if err != nil {
			return // a raw value encoding/json refuses to write
		}
		sameJSON(t, got, want)
	}
	var result Result
	if json.Unmarshal(data, &result) == nil {
		got, err := encodeResult(&result)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(&result)
		if err != nil {
			return
		}
		sameJSON(t, got, want)
	}
}

func sameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := decodeNumbers(got, &g); err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	if err := decodeNumbers(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// decodeNumbers decodes with numbers kept as written (1e400 included).
func decodeNumbers(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}

func TestEncodeMatchesEncodingJSON(t *testing.T) {
	for _, data := range decodeCorpus(t) {
		sameEncode(t, data)
	}
}

func FuzzEncodeMatchesEncodingJSON(f *testing.F) {
	for _, data := range decodeCorpus(f) {
		f.Add(data)
	}
	f.Fuzz(sameEncode)
}

// BenchmarkEncodeTask encodes a webhook Set task as a control plane
// publishes it, with encoding/json and with the codec's encoder.
func BenchmarkEncodeTask(b *testing.B) {
	var t Task
	if err := json.Unmarshal(benchTask, &t); err != nil {
		b.Fatal(err)
	}
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(&t); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("codec", func(b *testing.B) {
		for b.Loop() {
			if _, err := encodeTask(&t); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestEncodeRefusesRawValuesThatAreNotJSON checks that a task or result
// whose items or state are not JSON fails to encode, naming the field, as
// with encoding/json, instead of going out for no peer to read.
func TestEncodeRefusesRawValuesThatAreNotJSON(t *testing.T) {
	bad := json.RawMessage(`{"a":`)
	for _, c := range []struct {
		task  Task
		field string
	}{
		{Task{ID: "1", Inputs: [][]api.Item{nil, {{JSON: json.RawMessage(`{}`)}, {JSON: bad}}}}, "inputs[1]: item 1"},
		{Task{ID: "1", ConnectionInput: []api.Item{{JSON: json.RawMessage(`{}`), PairedItem: bad}}}, "connectionInput: item 0"},
		{Task{ID: "1", NodeState: bad}, "nodeState"},
		{Task{ID: "1", StaticData: bad}, "staticData"},
		{Task{ID: "1", RunData: map[string][]engine.TaskData{"Set": {{}, {Data: map[string][][]api.Item{"main": {{{JSON: bad}}}}}}}}, `runData["Set"][1].data["main"][0]: item 0`},
	} {
		if _, err := json.Marshal(&c.task); err == nil {
			t.Fatalf("encoding/json wrote %+v", c.task)
		}
		_, err := encodeTask(&c.task)
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: got %v", c.field, err)
		}
	}
	for _, c := range []struct {
		result Result
		field  string
	}{
		{Result{ID: "1", Outputs: [][]api.Item{{{JSON: bad}}}}, "outputs[0]: item 0"},
		{Result{ID: "1", Response: bad}, "response"},
		{Result{ID: "1", NodeState: bad}, "nodeState"},
	} {
		if _, err := json.Marshal(&c.result); err == nil {
			t.Fatalf("encoding/json wrote %+v", c.result)
		}
		_, err := encodeResult(&c.result)
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: got %v", c.field, err)
		}
	}
}
