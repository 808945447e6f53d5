package engine

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/weftrun/weft/api"
)

// emptyJSON is the json of n8n's empty item.
var emptyJSON = json.RawMessage(`{}`)

// pairedRef builds a pairedItem document {"item": i} or, for inputs other
// than 0, {"item": i, "input": k}.
func pairedRef(item, input int, withInput bool) json.RawMessage {
	b := make([]byte, 0, 24)
	b = append(b, `{"item":`...)
	b = strconv.AppendInt(b, int64(item), 10)
	if withInput {
		b = append(b, `,"input":`...)
		b = strconv.AppendInt(b, int64(input), 10)
	}
	return append(b, '}')
}

// stampInputs returns a copy of the inputs in which every item's pairedItem
// points at its own place, as n8n does before running a node: {"item": i},
// with "input" only for inputs other than 0. Nil inputs stay nil.
func stampInputs(inputs [][]api.Item) [][]api.Item {
	out := make([][]api.Item, len(inputs))
	for k, in := range inputs {
		if in == nil {
			continue
		}
		cp := make([]api.Item, len(in))
		for i, it := range in {
			it.PairedItem = pairedRef(i, k, k != 0)
			cp[i] = it
		}
		out[k] = cp
	}
	return out
}

// copyOutputs returns a copy of the outputs (lists and items, not the JSON
// bytes), with nil lists made empty, so the executor can set pairedItem
// without touching what the dispatcher returned.
func copyOutputs(outs [][]api.Item) [][]api.Item {
	if outs == nil {
		return nil
	}
	cp := make([][]api.Item, len(outs))
	for i, o := range outs {
		cp[i] = append(make([]api.Item, 0, len(o)), o...)
	}
	return cp
}

// assignPairedItems fills missing pairedItem on output items where n8n can
// infer it (WorkflowExecute.assignPairedItems): one input with one item
// pairs every output item with item 0; one input and one output of equal
// length pair by index; one input of several items aggregated into a single
// output item pairs it with item 0. Otherwise it stops at the first item it
// cannot fix, leaving that and later items without lineage.
func assignPairedItems(outs, inputs [][]api.Item) {
	if len(outs) == 0 {
		return
	}
	oneInput := len(inputs) == 1
	var inLen int
	if oneInput {
		inLen = len(inputs[0])
	}
	singleInOut := oneInput && inputs[0] != nil && inLen == 1
	sameCount := len(outs) == 1 && oneInput && inputs[0] != nil && inLen == len(outs[0])
	singleOut := len(outs) == 1 && len(outs[0]) == 1 && oneInput && inLen > 1
	for _, out := range outs {
		for i := range out {
			if out[i].PairedItem != nil {
				continue
			}
			switch {
			case singleInOut, singleOut:
				out[i].PairedItem = pairedRef(0, 0, false)
			case sameCount:
				out[i].PairedItem = pairedRef(i, 0, false)
			default:
				return
			}
		}
	}
}

// alwaysOutput applies alwaysOutputData (WorkflowExecute.ensureAlwaysOutputData):
// when output 0 has no first item, it becomes one empty item paired with
// every input item ({"item": i, "input": k}).
func alwaysOutput(outs, inputs [][]api.Item) [][]api.Item {
	if len(outs) > 0 && len(outs[0]) > 0 {
		return outs
	}
	var b bytes.Buffer
	b.WriteByte('[')
	first := true
	for k, in := range inputs {
		for i := range in {
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.Write(pairedRef(i, k, true))
		}
	}
	b.WriteByte(']')
	item := api.Item{JSON: emptyJSON, PairedItem: json.RawMessage(b.Bytes())}
	if len(outs) == 0 {
		outs = [][]api.Item{nil}
	}
	outs[0] = []api.Item{item}
	return outs
}

// firstItemHasError reports whether output 0's first item has a json.error
// that is neither missing, null nor false: n8n then retries a node with
// retryOnFail even though the node returned normally.
func firstItemHasError(outs [][]api.Item) bool {
	if len(outs) == 0 || len(outs[0]) == 0 {
		return false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(outs[0][0].JSON, &m) != nil {
		return false
	}
	v, ok := m["error"]
	if !ok {
		return false
	}
	v = bytes.TrimSpace(v)
	return !bytes.Equal(v, []byte("null")) && !bytes.Equal(v, []byte("false"))
}

// jsTruthy reports whether a JSON value is truthy in JavaScript.
func jsTruthy(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0, bytes.Equal(v, []byte("null")), bytes.Equal(v, []byte("false")),
		bytes.Equal(v, []byte(`""`)):
		return false
	case v[0] == '-' || (v[0] >= '0' && v[0] <= '9'):
		f, err := strconv.ParseFloat(string(v), 64)
		return err == nil && f != 0
	}
	return true
}

// isErrorItem reports whether n8n routes an item to the error output: its
// json has a truthy "error" and no keys besides error, message and details
// (WorkflowExecute.handleNodeErrorOutput).
func isErrorItem(it api.Item) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(it.JSON, &m) != nil {
		return false
	}
	if !jsTruthy(m["error"]) {
		return false
	}
	for k := range m {
		if k != "error" && k != "message" && k != "details" {
			return false
		}
	}
	return true
}

// pairedTarget reads the first pairedItem entry of an item: its item and
// input indexes.
func pairedTarget(raw json.RawMessage) (item, input int, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0, 0, false
	}
	var ref struct {
		Item  *int `json:"item"`
		Input int  `json:"input"`
	}
	if raw[0] == '[' {
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil || len(list) == 0 {
			return 0, 0, false
		}
		raw = list[0]
	}
	if json.Unmarshal(raw, &ref) != nil || ref.Item == nil {
		return 0, 0, false
	}
	return *ref.Item, ref.Input, true
}

// routeErrorOutput moves error items of the regular outputs to the error
// output, which follows the regular ones, for onError continueErrorOutput.
// An error item whose pairedItem leads to an input item gets that item's
// json merged under its own. regular is the number of regular outputs.
func routeErrorOutput(outs [][]api.Item, inputs [][]api.Item, regular int, hasSource bool) [][]api.Item {
	var errItems []api.Item
	for o := 0; o < regular && o < len(outs); o++ {
		var ok []api.Item
		for _, it := range outs[o] {
			if !isErrorItem(it) {
				ok = append(ok, it)
				continue
			}
			item, input, found := pairedTarget(it.PairedItem)
			if hasSource && found && input >= 0 && input < len(inputs) && item >= 0 && item < len(inputs[input]) {
				if merged, err := mergeObjects(inputs[input][item].JSON, it.JSON); err == nil {
					it.JSON = merged
				}
			}
			errItems = append(errItems, it)
		}
		if ok == nil {
			ok = []api.Item{}
		}
		outs[o] = ok
	}
	for len(outs) <= regular {
		outs = append(outs, []api.Item{})
	}
	if errItems == nil {
		errItems = []api.Item{}
	}
	outs[regular] = errItems
	return outs
}

// mergeObjects returns {...base, ...over} for two JSON objects, keeping the
// key order JavaScript's spread gives: base's keys first (with over's value
// where over has the key), then over's new keys.
func mergeObjects(base, over json.RawMessage) (json.RawMessage, error) {
	bk, bv, err := objectFields(base)
	if err != nil {
		return nil, err
	}
	ok, ov, err := objectFields(over)
	if err != nil {
		return nil, err
	}
	idx := make(map[string]int, len(bk))
	for i, k := range bk {
		idx[k] = i
	}
	for i, k := range ok {
		if j, dup := idx[k]; dup {
			bv[j] = ov[i]
			continue
		}
		idx[k] = len(bk)
		bk = append(bk, k)
		bv = append(bv, ov[i])
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range bk {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(bv[i])
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// objectFields lists a JSON object's keys and raw values in document order.
func objectFields(raw json.RawMessage) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, errNotObject
	}
	var keys []string
	var vals []json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys = append(keys, k)
		vals = append(vals, v)
	}
	return keys, vals, nil
}
