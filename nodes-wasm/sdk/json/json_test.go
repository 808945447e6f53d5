package json

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name, in, want string // want "" means same as in
	}{
		{"null", "null", ""},
		{"true", "true", ""},
		{"false", "false", ""},
		{"zero", "0", ""},
		{"negative zero", "-0", ""},
		{"negative zero float", "-0.0", ""},
		{"huge exponent", "1e400", ""},
		{"tiny exponent", "-1E-400", ""},
		{"beyond int64", "12345678901234567890", ""},
		{"beyond float64 precision", "0.1000000000000000055511151231257827", ""},
		{"exponent forms", "[1e5,1E+5,1e-5,2.50]", ""},
		{"empty string", `""`, ""},
		{"empty array", "[]", ""},
		{"empty object", "{}", ""},
		{"whitespace dropped", " \t\r\n{ \"a\" : [ 1 , 2 ] ,\n\"b\":{ } }\n", `{"a":[1,2],"b":{}}`},
		{"key order kept", `{"z":1,"a":2,"m":3,"b":4}`, ""},
		{"nested order kept", `{"b":{"y":1,"x":2},"a":[{"d":0,"c":0}]}`, ""},
		{"duplicate key: first position, last value", `{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`},
		{"escapes", `"\"\\\/\b\f\n\r\t"`, `"\"\\/\b\f\n\r\t"`},
		{"control chars", `"\u0000\u001f\u0001"`, `"\u0000\u001f\u0001"`},
		{"html not escaped", `"<a href=\"x\">&amp;</a>"`, ""},
		{"unicode escape", `"caf\u00e9 \u20AC"`, `"café €"`},
		{"surrogate pair", `"\ud83d\ude00"`, `"😀"`},
		{"raw utf-8", `"日本語 😀"`, ""},
		{"lone high surrogate", `"a\ud800b"`, `"a` + "\uFFFD" + `b"`},
		{"lone low surrogate", `"\udc00"`, `"` + "\uFFFD" + `"`},
		{"high surrogate then non-low escape", `"\ud800\u0041"`, `"` + "\uFFFDA" + `"`},
		{"two high surrogates", `"\ud800\ud800\udc00"`, `"` + "\uFFFD𐀀" + `"`},
		{"invalid utf-8 replaced", "\"a\xffb\xc3\"", `"a` + "\uFFFD" + `b` + "\uFFFD" + `"`},
		{"invalid utf-8 after escape", "\"\\n\xff\"", `"\n` + "\uFFFD" + `"`},
		{"u2028 kept raw", "\"\u2028\u2029\"", ""},
		{"deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			want := tt.want
			if want == "" {
				want = tt.in
			}
			got := string(v.AppendJSON(nil))
			if got != want {
				t.Fatalf("Parse(%q) wrote %q, want %q", tt.in, got, want)
			}
			v2, err := Parse([]byte(got))
			if err != nil {
				t.Fatalf("reparse %q: %v", got, err)
			}
			if !v.Equal(v2) {
				t.Fatalf("reparse of %q is not Equal", got)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in     string
		offset int
		msg    string
	}{
		{"", 0, "unexpected end of input"},
		{"   ", 3, "unexpected end of input"},
		{"nul", 3, "unexpected end of input"},
		{"nulx", 3, "invalid character 'x' in literal null (expecting 'l')"},
		{"tru e", 3, "invalid character ' ' in literal true"},
		{"1 2", 2, "invalid character '2' after top-level value"},
		{"{} x", 3, "after top-level value"},
		{"01", 1, "invalid character '1' after top-level value"},
		{"-", 1, "unexpected end of input"},
		{"-a", 1, "invalid character 'a' in numeric literal"},
		{"1.", 2, "unexpected end of input"},
		{"1.e3", 2, "invalid character 'e' after decimal point in numeric literal"},
		{"1e", 2, "unexpected end of input"},
		{"1e+x", 3, "invalid character 'x' in exponent of numeric literal"},
		{".5", 0, "invalid character '.' looking for beginning of value"},
		{"+1", 0, "invalid character '+' looking for beginning of value"},
		{"NaN", 0, "invalid character 'N' looking for beginning of value"},
		{"[1,]", 3, "invalid character ']' looking for beginning of value"},
		{"[1 2]", 3, "invalid character '2' after array element"},
		{"[1", 2, "unexpected end of input"},
		{`{"a":1,}`, 7, "invalid character '}' looking for beginning of object key string"},
		{`{"a" 1}`, 5, "invalid character '1' after object key"},
		{`{"a":1 "b":2}`, 7, "invalid character '\"' after object key:value pair"},
		{`{a:1}`, 1, "invalid character 'a' looking for beginning of object key string"},
		{`{"a":}`, 5, "invalid character '}' looking for beginning of value"},
		{`"abc`, 4, "unexpected end of input"},
		{"\"a\nb\"", 2, "invalid character byte 0x0a in string literal"},
		{"\"\\n\tb\"", 3, "invalid character byte 0x09 in string literal"},
		{`"\x"`, 2, "invalid character 'x' in string escape code"},
		{`"\u12g4"`, 5, `invalid character 'g' in \u hexadecimal character escape`},
		{`"\u12`, 5, "unexpected end of input"},
		{`"\ud800\u12"`, 11, `invalid character '"' in \u hexadecimal character escape`},
		{"\xef\xbb\xbf{}", 0, "invalid character byte 0xef looking for beginning of value"},
		{"[1]/**/", 3, "invalid character '/' after top-level value"},
		{"'a'", 0, "invalid character byte 0x27 looking for beginning of value"},
		{strings.Repeat("[", MaxDepth+1), MaxDepth, "exceeded maximum nesting depth of 10000"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", tt.in, err)
			continue
		}
		if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("Parse(%q) error = %q (offset %d), want offset %d and %q", tt.in, se.Msg, se.Offset, tt.offset, tt.msg)
		}
		if want := "at offset "; !strings.Contains(err.Error(), want) {
			t.Errorf("error text %q does not name the offset", err)
		}
	}
}

func TestMaxDepthAccepted(t *testing.T) {
	in := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	if _, err := ParseString(in); err != nil {
		t.Fatalf("depth %d rejected: %v", MaxDepth, err)
	}
}

func TestAccessors(t *testing.T) {
	v, err := ParseString(`{"s":"hi","n":-12.5,"i":12345678901234567890,"b":true,"z":null,"a":[1,"two",{"x":3}],"o":{"k":"v"}}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Keys(); strings.Join(got, ",") != "s,n,i,b,z,a,o" {
		t.Errorf("Keys = %v", got)
	}
	if v.Len() != 7 || v.Get("a").Len() != 3 || v.Get("s").Len() != 0 {
		t.Errorf("Len wrong")
	}
	if s, ok := v.Get("s").Text(); !ok || s != "hi" || v.Get("s").String() != "hi" {
		t.Errorf("string accessors wrong")
	}
	if _, ok := v.Get("n").Text(); ok {
		t.Errorf("Text on a number reported ok")
	}
	if v.Get("n").Float() != -12.5 || v.Get("n").Int() != -12 || v.Get("n").NumberText() != "-12.5" {
		t.Errorf("number accessors wrong")
	}
	if v.Get("i").Int() != math.MaxInt64 || v.Get("i").NumberText() != "12345678901234567890" {
		t.Errorf("big number accessors wrong: %d", v.Get("i").Int())
	}
	if !v.Get("b").Bool() || v.Get("s").Bool() {
		t.Errorf("Bool wrong")
	}
	if !v.Get("z").IsNull() || !v.Get("z").Exists() || v.Get("nope").Exists() {
		t.Errorf("null/absent wrong")
	}
	if _, ok := v.Lookup("z"); !ok {
		t.Errorf("Lookup of a null member reported absent")
	}
	if v.Get("a").Index(1).String() != "two" || v.Get("a").Index(2).Get("x").Int() != 3 {
		t.Errorf("Index wrong")
	}
	if v.Get("a").Index(3).Exists() || v.Get("a").Index(-1).Exists() || v.Get("s").Index(0).Exists() {
		t.Errorf("out-of-range Index should be absent")
	}
	if v.Get("a").String() != `[1,"two",{"x":3}]` || (Value{}).String() != "" {
		t.Errorf("String of non-strings wrong: %q", v.Get("a").String())
	}
	if v.Get("s").Get("x").Exists() || v.Get("missing").Get("x").Exists() {
		t.Errorf("Get on non-object should be absent")
	}
	if v.Get("i").Float() != 12345678901234567890 {
		t.Errorf("Float of big int wrong")
	}
	huge, _ := ParseString("1e400")
	if !math.IsInf(huge.Float(), 1) {
		t.Errorf("1e400 should convert to +Inf")
	}
}

func TestMutation(t *testing.T) {
	v, err := ParseString(`{"a":1,"b":{"c":2},"d":[1]}`)
	if err != nil {
		t.Fatal(err)
	}
	v.Set("a", String("x"))     // replace keeps position
	v.Set("e", Bool(false))     // new member goes last
	v.Get("b").Set("c", Null()) // copies share objects
	v.Get("d").Append(Int(2), Number(0.5))
	v.Get("d").SetIndex(0, Array())
	if !v.Delete("b") || v.Delete("nope") {
		t.Errorf("Delete results wrong")
	}
	v.Set("b", Object(KV("k", Int(7)), KV("k", Int(8)), KV("j", Null())))
	want := `{"a":"x","d":[[],2,0.5],"e":false,"b":{"k":8,"j":null}}`
	if got := v.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	// Appending to one parsed array must not spill into its neighbour, which
	// shares the parser's arena.
	w, _ := ParseString(`[[1],[2]]`)
	w.Index(0).Append(Int(9))
	if got := w.String(); got != `[[1,9],[2]]` {
		t.Errorf("append into arena: %s", got)
	}
	o, _ := ParseString(`[{"a":1},{"b":2}]`)
	o.Index(0).Set("z", Int(9))
	if got := o.String(); got != `[{"a":1,"z":9},{"b":2}]` {
		t.Errorf("set into arena: %s", got)
	}

	c := v.Clone()
	c.Get("d").SetIndex(1, Int(99))
	c.Set("a", Null())
	if v.String() != want || !v.Equal(v.Clone()) || v.Equal(c) {
		t.Errorf("Clone shares storage")
	}

	panics := map[string]func(){
		"Set on array":       func() { Array().Set("a", Null()) },
		"Append on object":   func() { Object().Append(Null()) },
		"SetIndex on absent": func() { Value{}.SetIndex(0, Null()) },
	}
	for name, f := range panics {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}

func TestConstructors(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{Null(), "null"},
		{Value{}, "null"},
		{Bool(true), "true"},
		{String("a\"b\\c\n\x01\x7f<>&"), `"a\"b\\c\n\u0001` + "\x7f" + `<>&"`},
		{String("bad\xffutf8"), `"bad\ufffdutf8"`},
		{Number(0), "0"},
		{Number(math.Copysign(0, -1)), "0"},
		{Number(1.5), "1.5"},
		{Number(-100), "-100"},
		{Number(1e20), "100000000000000000000"},
		{Number(1e21), "1e+21"},
		{Number(1.5e-7), "1.5e-7"},
		{Number(0.000001), "0.000001"},
		{Number(123456789.125), "123456789.125"},
		{Number(5e-324), "5e-324"},
		{Number(math.NaN()), "null"},
		{Number(math.Inf(-1)), "null"},
		{Int(-9223372036854775808), "-9223372036854775808"},
		{Array(Int(1), String("x"), Array()), `[1,"x",[]]`},
		{Object(), "{}"},
		{Object(KV("b", Int(1)), KV("a", Int(2))), `{"b":1,"a":2}`},
	}
	for _, tt := range tests {
		if got := string(tt.v.AppendJSON(nil)); got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
	}
	for _, ok := range []string{"0", "-0", "1e400", "12345678901234567890", "-1.5E+3"} {
		if v, err := RawNumber(ok); err != nil || v.String() != ok {
			t.Errorf("RawNumber(%q) = %v, %v", ok, v, err)
		}
	}
	for _, bad := range []string{"", "-", "01", "1.", "1e", "+1", "1 ", "NaN", "0x10"} {
		if _, err := RawNumber(bad); err == nil {
			t.Errorf("RawNumber(%q) accepted", bad)
		}
	}
}

func TestDuplicateKeysLargeObject(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 40 {
		b.WriteString(`"k` + strconv.Itoa(i) + `":1,`)
	}
	b.WriteString(`"k0":2,"k25":3}`)
	v, err := ParseString(b.String())
	if err != nil {
		t.Fatal(err)
	}
	if v.Len() != 40 || v.Get("k0").Int() != 2 || v.Get("k25").Int() != 3 || v.Keys()[0] != "k0" || v.Keys()[39] != "k39" {
		t.Errorf("dedupe of a large object wrong: %s", v)
	}
}

func TestParseCopiesInput(t *testing.T) {
	data := []byte(`{"key":"value"}`)
	v, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	copy(data, "XXXXXXXXXXXXXXX")
	if got := v.String(); got != `{"key":"value"}` {
		t.Errorf("parsed value changed with its input: %s", got)
	}
}

func TestUnmarshalMarshal(t *testing.T) {
	var v Value
	if err := v.UnmarshalJSON([]byte(`{"b":1,"a":[true]}`)); err != nil {
		t.Fatal(err)
	}
	out, err := v.MarshalJSON()
	if err != nil || string(out) != `{"b":1,"a":[true]}` {
		t.Errorf("MarshalJSON = %s, %v", out, err)
	}
	if err := v.UnmarshalJSON([]byte(`{`)); err == nil {
		t.Errorf("UnmarshalJSON accepted bad input")
	}
}

func TestKindString(t *testing.T) {
	if KindObject.String() != "object" || KindInvalid.String() != "absent" || Kind(99).String() != "Kind(99)" {
		t.Errorf("Kind names wrong")
	}
}

func TestSkipPlain(t *testing.T) {
	base := strings.Repeat("abcdefgh", 5)
	if got := skipPlain(base, 0); got != len(base) {
		t.Fatalf("skipPlain of plain text = %d", got)
	}
	for i := range len(base) {
		for _, c := range []byte{0, 0x1f, '"', '\\', 0x80, 0xff} {
			b := []byte(base)
			b[i] = c
			if got := skipPlain(string(b), 0); got != i {
				t.Fatalf("byte %#x at %d: skipPlain = %d", c, i, got)
			}
			if got := skipPlain(string(b), i+1); got != len(b) {
				t.Fatalf("byte %#x at %d: skipPlain after it = %d", c, i, got)
			}
		}
	}
}

func TestHasDuplicateKeys(t *testing.T) {
	// Keys of every length class, including ones whose hashes are likely to
	// share Bloom bits, with and without a repeat.
	var keys []string
	for i := range 64 {
		keys = append(keys, strings.Repeat("k", i%20)+strconv.Itoa(i))
	}
	members := func(ks []string) []Member {
		m := make([]Member, len(ks))
		for i, k := range ks {
			m[i] = KV(k, Int(int64(i)))
		}
		return m
	}
	if hasDuplicateKeys(members(keys)) {
		t.Fatalf("false duplicate")
	}
	for i := 1; i < len(keys); i++ {
		ks := append(append([]string(nil), keys[:i]...), keys[i/2])
		if !hasDuplicateKeys(members(ks)) {
			t.Fatalf("missed duplicate %q among %d keys", keys[i/2], i+1)
		}
	}
	if !hasDuplicateKeys(members([]string{"", "a", ""})) {
		t.Fatalf("missed duplicate empty key")
	}
}

func TestNumbersInContext(t *testing.T) {
	// Numbers parsed by the inline fast path and by scanNumber, at every
	// distance from the end of the input.
	nums := []string{"0", "-0", "7", "-7", "10", "1042", "98.5", "-0.1278", "1234567", "12345678", "123456789012",
		"0.1234567", "0.12345678", "1.5e3", "2E-7", "1e400", "12345678901234567890", "-1.0"}
	for _, n := range nums {
		for pad := range 20 {
			doc := "[" + n + "," + n + strings.Repeat(" ", pad) + "]"
			v, err := ParseString(doc)
			if err != nil || v.Index(0).NumberText() != n || v.Index(1).NumberText() != n {
				t.Fatalf("%q: %v %v", doc, v, err)
			}
		}
	}
	for _, bad := range []string{"01", "-01", "00.5", "1.", "1.e5", "1e", "-", "--1", "1.5.5", "1.5e+", "0x5"} {
		for pad := range 20 {
			doc := "[" + bad + strings.Repeat(" ", pad) + ",0]"
			if _, err := ParseString(doc); err == nil {
				t.Fatalf("%q accepted", doc)
			}
		}
	}
}
