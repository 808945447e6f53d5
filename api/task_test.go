package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// TestWriteObject checks WriteObject against encoding/json, byte for byte
// (plain string values): nil, empty, a few keys, and more keys than it
// sorts without an allocation.
func TestWriteObject(t *testing.T) {
	many := map[string]string{}
	for i := range 20 {
		many[fmt.Sprintf("k%02d", 19-i)] = fmt.Sprint(i)
	}
	for _, m := range []map[string]string{nil, {}, {"b": "2", "a": "1", "ü": "x", "": "empty"}, many} {
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		WriteObject(&buf, m, WriteJSONString)
		if buf.String() != string(want) {
			t.Errorf("WriteObject wrote %s, encoding/json %s", buf.Bytes(), want)
		}
	}
}
