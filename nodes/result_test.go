package nodes

import (
	"encoding/json"
	"reflect"
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
