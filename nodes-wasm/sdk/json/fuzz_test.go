package json

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, accepts exactly what
// encoding/json accepts, reads the same data encoding/json reads, and that
// parse → serialize → parse is stable.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{"a":1,"b":[true,false,null],"c":{"d":"e"}}`,
		`[1e400,-0,12345678901234567890,0.5E-3]`,
		`"\ud83d\ude00\ud800\u00e9\n\t\"\\"`,
		"\"\xff\xfe\"",
		`{"a":1,"a":2}`,
		`  [ ]  `,
		`{"a":}`,
		`[1,]`,
		`01`,
		``,
		item1KB,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(data)
		if valid := stdjson.Valid(data); valid != (err == nil) {
			t.Fatalf("Parse error = %v but encoding/json Valid = %v for %q", err, valid, data)
		}
		// Trailing whitespace puts every token far from the end of the
		// input, where the parser takes its word-at-a-time paths.
		padded := append(append([]byte(nil), data...), "                        "...)
		vp, errp := Parse(padded)
		if (err == nil) != (errp == nil) || err == nil && !v.Equal(vp) {
			t.Fatalf("Parse(%q) = %v, %v but with trailing spaces %v, %v", data, v, err, vp, errp)
		}
		if err != nil {
			var se, sep *SyntaxError
			if errors.As(err, &se) && errors.As(errp, &sep) && se.Offset < len(data) && *se != *sep {
				t.Fatalf("Parse(%q) error %v but with trailing spaces %v", data, err, errp)
			}
			return
		}
		out := v.AppendJSON(nil)
		v2, err := Parse(out)
		if err != nil {
			t.Fatalf("reparse of %q (from %q): %v", out, data, err)
		}
		if !v.Equal(v2) {
			t.Fatalf("reparse of %q is not Equal", out)
		}
		if out2 := v2.AppendJSON(nil); !bytes.Equal(out, out2) {
			t.Fatalf("serialization not stable: %q then %q", out, out2)
		}
		want := stdDecode(t, data)
		if got := toAny(v); !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q) read %#v, encoding/json read %#v", data, got, want)
		}
		if again := stdDecode(t, out); !reflect.DeepEqual(again, want) {
			t.Fatalf("encoding/json reads %q (our output) as %#v, but the input as %#v", out, again, want)
		}
	})
}

func stdDecode(t *testing.T, data []byte) any {
	t.Helper()
	d := stdjson.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		t.Fatalf("encoding/json cannot decode %q: %v", data, err)
	}
	return x
}

// toAny converts v to the shape encoding/json decodes into with UseNumber.
func toAny(v Value) any {
	switch v.Kind() {
	case KindBool:
		return v.Bool()
	case KindNumber:
		return stdjson.Number(v.NumberText())
	case KindString:
		return v.String()
	case KindArray:
		a := make([]any, v.Len())
		for i, e := range v.Elems() {
			a[i] = toAny(e)
		}
		return a
	case KindObject:
		m := make(map[string]any, v.Len())
		for _, mem := range v.Members() {
			m[mem.Key] = toAny(mem.Value)
		}
		return m
	}
	return nil
}
