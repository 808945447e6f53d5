package nodes

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/weftrun/weft/api"
)

// resultTexts are result documents (and near misses) the hand-written
// decoding must agree with encoding/json on.
var resultTexts = []string{
	`{"outputs":[[{"json":{"a":1},"pairedItem":{"item":0}}]]}`,
	`{"outputs":[[0,[1,2],{"json":{}}],[],null]}`,
	`{"outputs":null}`, `{"outputs":[]}`, `{}`, ` { "outputs" : [ [ 1 , { "json" : { "s" : "a\"}]" } } ] ] } `,
	`{"outputs":[[{"json":{"x":"\\"},"binary":{"data":{"id":"blob:1"}},"pairedItem":[{"item":0},{"item":1}]}]]}`,
	`{"outputs":[[{"json":null,"pairedItem":null}]]}`,
	`{"outputs":[[{"json":{"a":[1,{"b":[]}]},"json":{"c":2}}]]}`,
	`{"outputs":[[{"JSON":{"a":1}}]]}`, `{"outputs":[[{"js\u006fn":{"a":1}}]]}`,
	`{"outputs":[[{"json":{"a":1},"other":true}]]}`,
	`{"outputs":[[1]],"outputs":[[2]]}`, `{"Outputs":[[1]]}`,
	`{"outputs":[[{"json":{"a":1}}]],"logs":[{"level":"info","message":"hi"}]}`,
	`{"outputs":[[{"json":{"a":1}}]],"compiled":{"k":{"c":"x"}}}`,
	`{"outputs":null,"error":{"message":"boom","description":"d"}}`,
	`{"outputs":[[-1.5e3,true,false,null,"s"]]}`,
	`{"outputs":[{"json":{}}]}`, `{"outputs":{"a":[]}}`, `{"outputs":"x"}`, `[]`, `null`,
	// not JSON: encoding/json's error must come back
	``, `{`, `{"outputs":[[}`, `{"outputs":[[1,]]}`, `{"outputs":[["\x"]]}`, `{"outputs":[[1]]} x`,
}

func TestDecodeResultAgreesWithEncodingJSON(t *testing.T) {
	fast := 0
	for _, text := range resultTexts {
		if checkResultDecoding(t, text) {
			fast++
		}
	}
	// a check that always fell back would compare encoding/json with itself
	if fast < 8 {
		t.Errorf("only %d results decoded by hand", fast)
	}
}

func FuzzDecodeResult(f *testing.F) {
	for _, text := range resultTexts {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkResultDecoding(t, text)
	})
}

// checkResultDecoding compares decodeResult and decodeItem with
// encoding/json on text, and reports whether the hand-written path decoded
// it.
func checkResultDecoding(t *testing.T, text string) bool {
	t.Helper()
	var got, want resultDoc
	gotErr := decodeResult([]byte(text), &got)
	wantErr := json.Unmarshal([]byte(text), &want)
	if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
		t.Fatalf("%s: error %v, want %v", text, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\ngot  %+v\nwant %+v", text, got, want)
	}
	byHand := false
	if gotErr == nil && json.Valid([]byte(text)) {
		_, byHand = splitOutputs([]byte(text))
	}
	for _, list := range want.Outputs {
		for _, raw := range list {
			var gi, wi api.Item
			gErr := decodeItem(raw, &gi)
			wErr := json.Unmarshal(raw, &wi)
			if (gErr == nil) != (wErr == nil) || (gErr != nil && gErr.Error() != wErr.Error()) {
				t.Fatalf("item %s: error %v, want %v", raw, gErr, wErr)
			}
			if !reflect.DeepEqual(gi, wi) {
				t.Fatalf("item %s:\ngot  %+v\nwant %+v", raw, gi, wi)
			}
		}
	}
	return byHand
}

// TestResolveOutputs: references to input items become those items; a
// reference to no input item, or one that is not a whole number or pair,
// is an error naming the output and the item.
func TestResolveOutputs(t *testing.T) {
	a := api.Item{JSON: json.RawMessage(`{"a":1}`)}
	b := api.Item{JSON: json.RawMessage(`{"b":2}`)}
	inputs := [][]api.Item{{a}, {b}}
	raw := func(s ...string) [][]json.RawMessage {
		out := [][]json.RawMessage{{}}
		for _, x := range s {
			out[0] = append(out[0], json.RawMessage(x))
		}
		return out
	}
	got, err := resolveOutputs(raw(`0`, `[1,0]`, `{"json":{"c":3}}`), inputs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got[0][:2], []api.Item{a, b}) || string(got[0][2].JSON) != `{"c":3}` {
		t.Fatalf("got %+v", got)
	}
	for _, bad := range []string{`1`, `-1`, `1.5`, `1e0`, `[0,1]`, `[2,0]`, `[0]`, `"x"`, `true`} {
		_, err := resolveOutputs(raw(`0`, bad), inputs)
		if err == nil || !strings.HasPrefix(err.Error(), "output 0 item 1") {
			t.Errorf("reference %s: error %v, want one for output 0 item 1", bad, err)
		}
	}
}
