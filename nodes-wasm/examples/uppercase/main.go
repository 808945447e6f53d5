// Command uppercase is a Weft node that uppercases string fields.
//
// For each item of input 0 it uppercases the string values of the top-level
// fields named in the parameter "fields" (an array of strings; when the
// parameter is absent or null, every top-level string field), keeps
// everything else as it was, and writes the item to output 0. An item
// without lineage gets pairedItem {"item": i}.
//
// Build it as a reactor module:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o uppercase.wasm .
package main

import (
	"errors"
	"strings"

	"github.com/weftrun/weft/nodes-wasm/sdk"
	"github.com/weftrun/weft/nodes-wasm/sdk/json"
)

func init() { sdk.Register(uppercase) }

func main() {}

var errFields = errors.New("parameter fields must be an array of strings")

func uppercase(t *sdk.Task) (*sdk.Result, error) {
	fields, all, err := selectedFields(t.Param("fields"))
	if err != nil {
		return nil, err
	}
	items := t.Input(0)
	out := make([]sdk.Item, len(items))
	for i, item := range items {
		// Members is the object's own storage: assigning a member's value
		// changes the item in place, keeping key order.
		members := item.JSON.Members()
		for k := range members {
			m := &members[k]
			s, ok := m.Value.Text()
			if ok && (all || contains(fields, m.Key)) {
				m.Value = json.String(strings.ToUpper(s))
			}
		}
		if !item.PairedItem.Exists() {
			item.PairedItem = json.Object(json.KV("item", json.Int(int64(i))))
		}
		out[i] = item
	}
	sdk.Logf(sdk.LevelInfo, "uppercase: processed %d items", len(items))
	return &sdk.Result{Outputs: [][]sdk.Item{out}}, nil
}

// selectedFields reads the "fields" parameter; all is true when it is not
// set.
func selectedFields(p json.Value) (fields []string, all bool, err error) {
	switch p.Kind() {
	case json.KindInvalid, json.KindNull:
		return nil, true, nil
	case json.KindArray:
	default:
		return nil, false, errFields
	}
	fields = make([]string, p.Len())
	for i, f := range p.Elems() {
		s, ok := f.Text()
		if !ok {
			return nil, false, errFields
		}
		fields[i] = s
	}
	return fields, false, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
