package webhook

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"

	"github.com/weftrun/weft/api"
)

// object is a JSON object that keeps its keys in JavaScript's order
// (insertion order, except that array-index keys such as "2" come first,
// ascending), so that documents built here serialize as JSON.stringify
// would serialize the object n8n builds.
type object struct {
	keys []string
	vals map[string]any
}

func newObject() *object { return &object{vals: map[string]any{}} }

// set sets a key, keeping its position when it exists.
func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// add sets a key, or turns an existing value into a list and appends to
// it (xml2js's and querystring's handling of repeated names).
func (o *object) add(k string, v any) {
	old, ok := o.vals[k]
	if !ok {
		o.set(k, v)
		return
	}
	list, isList := old.([]any)
	if !isList {
		list = []any{old}
	}
	o.vals[k] = append(list, v)
}

func (o *object) get(k string) (any, bool) {
	v, ok := o.vals[k]
	return v, ok
}

func (o *object) len() int { return len(o.keys) }

// order returns the keys in JavaScript's property order.
func (o *object) order() []string {
	var idx []string
	for _, k := range o.keys {
		if isArrayIndex(k) {
			idx = append(idx, k)
		}
	}
	if len(idx) == 0 {
		return o.keys
	}
	sort.Slice(idx, func(i, j int) bool {
		a, _ := strconv.ParseUint(idx[i], 10, 32)
		b, _ := strconv.ParseUint(idx[j], 10, 32)
		return a < b
	})
	out := append([]string(nil), idx...)
	for _, k := range o.keys {
		if !isArrayIndex(k) {
			out = append(out, k)
		}
	}
	return out
}

// isArrayIndex reports whether a property key is an array index in
// JavaScript: the canonical decimal form of an integer below 2^32-1.
func isArrayIndex(k string) bool {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return false
	}
	var n uint64
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + uint64(c-'0')
	}
	return n < 1<<32-1
}

// writeJSON appends v as JSON.stringify writes it: no HTML escaping,
// objects in their key order. v is nil, bool, float64, int, string,
// []any, *object, map[string]string, map[string]any or json.RawMessage
// (copied compacted).
func writeJSON(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case *object:
		b.WriteByte('{')
		for i, k := range x.order() {
			if i > 0 {
				b.WriteByte(',')
			}
			api.WriteJSONString(b, k)
			b.WriteByte(':')
			writeJSON(b, x.vals[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case string:
		api.WriteJSONString(b, x)
	case json.RawMessage:
		if err := json.Compact(b, x); err != nil {
			b.WriteString("null")
		}
	case map[string]string:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		o := &object{keys: keys, vals: make(map[string]any, len(x))}
		sort.Strings(o.keys)
		for k, s := range x {
			o.vals[k] = s
		}
		writeJSON(b, o)
	default:
		enc := json.NewEncoder(b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(x); err != nil {
			b.WriteString("null")
			return
		}
		b.Truncate(b.Len() - 1) // the encoder's newline
	}
}

// marshal returns v as writeJSON writes it.
func marshal(v any) []byte {
	var b bytes.Buffer
	writeJSON(&b, v)
	return b.Bytes()
}
