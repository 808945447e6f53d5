// Package json is a small, reflection-free JSON library for Weft nodes.
//
// It exists because encoding/json is too slow inside a WebAssembly guest: its
// reflection and map-based decoding dominate the cost of a node that handles
// a few kilobytes of data. This package parses a document into a tree of
// [Value]s and writes it back, and nothing else.
//
// Semantics, chosen to match what n8n (and so JavaScript) does with items:
//
//   - Objects keep their keys in document order. When a key repeats in the
//     input, the last value wins and the key keeps the position of its first
//     occurrence, as in JSON.parse.
//   - Numbers keep their source text: 1e400, -0 and 12345678901234567890 are
//     written back exactly as they were read. [Value.Float] and [Value.Int]
//     convert on demand.
//   - Invalid UTF-8 inside strings and unpaired UTF-16 surrogate escapes are
//     accepted and replaced by U+FFFD, as encoding/json does; everything else
//     in RFC 8259 is enforced strictly (no trailing commas, no comments, no
//     leading zeros, no bare control characters, no trailing garbage).
//     Nesting deeper than 10000 arrays or objects is rejected.
//
// Arrays and objects are reference types, like Go maps and slices: copies of
// a Value share its elements, so v.Get("a").Set("b", x) changes v. Use
// [Value.Clone] for an independent copy.
//
// Strings and numbers returned by [Parse] point into one private copy of the
// input (strings without escapes are not copied again), so keeping any small
// piece of a parsed document keeps the whole copy alive. [ParseString] skips
// even that copy.
package json

import (
	"math"
	"math/bits"
	"strconv"
)

// Kind is the JSON type of a Value.
type Kind uint8

// The kinds of Value. KindInvalid is the zero Value's kind and stands for
// "absent": a missing object member, an out-of-range index, an optional field
// that was not given.
const (
	KindInvalid Kind = iota
	KindNull
	KindBool
	KindNumber
	KindString
	KindArray
	KindObject
)

var kindNames = [...]string{"absent", "null", "boolean", "number", "string", "array", "object"}

// String returns the name of the kind ("absent", "null", "boolean", "number",
// "string", "array" or "object").
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one JSON value. The zero Value is absent (KindInvalid); it is
// written as null when it appears inside an array or object.
type Value struct {
	kind Kind
	b    bool
	s    string     // string contents, or the source text of a number
	c    *container // elements of an array, members of an object
}

type container struct {
	elems   []Value
	members []Member
}

// Member is one key/value pair of an object.
type Member struct {
	Key   string
	Value Value
}

// KV returns the member key: v, for building objects with [Object].
func KV(key string, v Value) Member { return Member{Key: key, Value: v} }

// Null returns a JSON null.
func Null() Value { return Value{kind: KindNull} }

// Bool returns a JSON boolean.
func Bool(b bool) Value { return Value{kind: KindBool, b: b} }

// String returns a JSON string. Invalid UTF-8 in s is written as U+FFFD.
func String(s string) Value { return Value{kind: KindString, s: s} }

// Number returns a JSON number holding f, formatted as JavaScript's
// JSON.stringify would (shortest round-tripping form, exponent only below
// 1e-6 or from 1e21 on). NaN and infinities have no JSON form and become
// null, as in JavaScript.
func Number(f float64) Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Null()
	}
	return Value{kind: KindNumber, s: string(appendFloat(nil, f))}
}

// Int returns a JSON number holding i.
func Int(i int64) Value { return Value{kind: KindNumber, s: strconv.FormatInt(i, 10)} }

// RawNumber returns a JSON number whose text is exactly text, which must be
// an RFC 8259 number such as "-0", "1e400" or "12345678901234567890".
func RawNumber(text string) (Value, error) {
	if end, ok := scanNumber(text, 0); !ok || end != len(text) {
		return Value{}, &SyntaxError{Offset: end, Msg: "invalid number " + strconv.Quote(text)}
	}
	return Value{kind: KindNumber, s: text}, nil
}

// Array returns a JSON array of the given elements (which are copied).
func Array(elems ...Value) Value {
	return Value{kind: KindArray, c: &container{elems: append([]Value(nil), elems...)}}
}

// Object returns a JSON object with the given members in order (they are
// copied). A repeated key keeps its first position and its last value.
func Object(members ...Member) Value {
	m := dedupe(append([]Member(nil), members...))
	return Value{kind: KindObject, c: &container{members: m}}
}

// Kind returns v's JSON type; KindInvalid when v is absent.
func (v Value) Kind() Kind { return v.kind }

// Exists reports whether v is present, that is, not the zero Value.
func (v Value) Exists() bool { return v.kind != KindInvalid }

// IsNull reports whether v is a JSON null.
func (v Value) IsNull() bool { return v.kind == KindNull }

// String returns the contents of a string value. For any other kind it
// returns v's JSON text ("" when v is absent), so that a Value prints
// sensibly with fmt.
func (v Value) String() string {
	switch v.kind {
	case KindString:
		return v.s
	case KindInvalid:
		return ""
	}
	return string(v.AppendJSON(nil))
}

// Text returns the contents of a string value and true, or "" and false when
// v is not a string.
func (v Value) Text() (string, bool) {
	if v.kind != KindString {
		return "", false
	}
	return v.s, true
}

// NumberText returns the source text of a number ("" for other kinds).
func (v Value) NumberText() string {
	if v.kind != KindNumber {
		return ""
	}
	return v.s
}

// Float returns the value of a number as a float64: the nearest one, or
// ±Inf when it is out of range. It returns 0 for other kinds.
func (v Value) Float() float64 {
	if v.kind != KindNumber {
		return 0
	}
	f, _ := strconv.ParseFloat(v.s, 64)
	return f
}

// Int returns the value of a number as an int64, truncating any fraction and
// saturating at the int64 limits. It returns 0 for other kinds.
func (v Value) Int() int64 {
	if v.kind != KindNumber {
		return 0
	}
	if i, err := strconv.ParseInt(v.s, 10, 64); err == nil {
		return i
	}
	f := v.Float()
	switch {
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// Bool returns the value of a boolean; false for other kinds.
func (v Value) Bool() bool { return v.kind == KindBool && v.b }

// Len returns the number of elements of an array or members of an object,
// and 0 for other kinds.
func (v Value) Len() int {
	switch v.kind {
	case KindArray:
		return len(v.c.elems)
	case KindObject:
		return len(v.c.members)
	}
	return 0
}

// Index returns element i of an array, or the zero Value when v is not an
// array or i is out of range.
func (v Value) Index(i int) Value {
	if v.kind != KindArray || i < 0 || i >= len(v.c.elems) {
		return Value{}
	}
	return v.c.elems[i]
}

// Elems returns the elements of an array (nil for other kinds). The slice is
// the array's own storage: assigning to its elements changes the array.
func (v Value) Elems() []Value {
	if v.kind != KindArray {
		return nil
	}
	return v.c.elems
}

// SetIndex replaces element i of an array. It panics if v is not an array or
// i is out of range.
func (v Value) SetIndex(i int, x Value) {
	v.mustBe(KindArray, "SetIndex")
	v.c.elems[i] = x
}

// Append adds elements to the end of an array. It panics if v is not an
// array.
func (v Value) Append(elems ...Value) {
	v.mustBe(KindArray, "Append")
	v.c.elems = append(v.c.elems, elems...)
}

// Get returns the value of an object's member key, or the zero Value when v
// is not an object or has no such member. It scans the members in order.
func (v Value) Get(key string) Value {
	x, _ := v.Lookup(key)
	return x
}

// Lookup is like Get but also reports whether the member exists.
func (v Value) Lookup(key string) (Value, bool) {
	if v.kind != KindObject {
		return Value{}, false
	}
	for i := range v.c.members {
		if v.c.members[i].Key == key {
			return v.c.members[i].Value, true
		}
	}
	return Value{}, false
}

// Set gives an object's member key the value x: in place when the key
// exists, otherwise as a new last member. It panics if v is not an object,
// as writing to a nil map does.
func (v Value) Set(key string, x Value) {
	v.mustBe(KindObject, "Set")
	for i := range v.c.members {
		if v.c.members[i].Key == key {
			v.c.members[i].Value = x
			return
		}
	}
	v.c.members = append(v.c.members, Member{Key: key, Value: x})
}

// Delete removes an object's member key, keeping the order of the others,
// and reports whether it was there. It does nothing on other kinds.
func (v Value) Delete(key string) bool {
	if v.kind != KindObject {
		return false
	}
	m := v.c.members
	for i := range m {
		if m[i].Key == key {
			copy(m[i:], m[i+1:])
			m[len(m)-1] = Member{}
			v.c.members = m[:len(m)-1]
			return true
		}
	}
	return false
}

// Keys returns the keys of an object in order (nil for other kinds).
func (v Value) Keys() []string {
	if v.kind != KindObject {
		return nil
	}
	keys := make([]string, len(v.c.members))
	for i := range v.c.members {
		keys[i] = v.c.members[i].Key
	}
	return keys
}

// Members returns the members of an object in order (nil for other kinds).
// The slice is the object's own storage: assigning to a member's Value
// changes the object; change keys only through Set and Delete, so that keys
// stay unique.
func (v Value) Members() []Member {
	if v.kind != KindObject {
		return nil
	}
	return v.c.members
}

// Clone returns a deep copy of v that shares no arrays or objects with it.
func (v Value) Clone() Value {
	switch v.kind {
	case KindArray:
		elems := make([]Value, len(v.c.elems))
		for i, e := range v.c.elems {
			elems[i] = e.Clone()
		}
		return Value{kind: KindArray, c: &container{elems: elems}}
	case KindObject:
		members := make([]Member, len(v.c.members))
		for i, m := range v.c.members {
			members[i] = Member{Key: m.Key, Value: m.Value.Clone()}
		}
		return Value{kind: KindObject, c: &container{members: members}}
	}
	return v
}

// Equal reports whether v and w are the same JSON value: same kinds, same
// strings, numbers with the same text, arrays with equal elements, and
// objects with equal members in the same order.
func (v Value) Equal(w Value) bool {
	if v.kind != w.kind {
		return false
	}
	switch v.kind {
	case KindBool:
		return v.b == w.b
	case KindNumber, KindString:
		return v.s == w.s
	case KindArray:
		if len(v.c.elems) != len(w.c.elems) {
			return false
		}
		for i := range v.c.elems {
			if !v.c.elems[i].Equal(w.c.elems[i]) {
				return false
			}
		}
	case KindObject:
		if len(v.c.members) != len(w.c.members) {
			return false
		}
		for i := range v.c.members {
			a, b := &v.c.members[i], &w.c.members[i]
			if a.Key != b.Key || !a.Value.Equal(b.Value) {
				return false
			}
		}
	}
	return true
}

func (v Value) mustBe(k Kind, op string) {
	if v.kind != k {
		panic("json: " + op + " on " + v.kind.String() + " value")
	}
}

// dedupe removes repeated keys in place: the first occurrence keeps its
// position and takes the value of the last one.
func dedupe(m []Member) []Member {
	if len(m) < 2 {
		return m
	}
	if len(m) <= 64 && !hasDuplicateKeys(m) {
		return m
	}
	pos := make(map[string]int, len(m))
	out := m[:0]
	for _, mem := range m {
		if j, ok := pos[mem.Key]; ok {
			out[j].Value = mem.Value
			continue
		}
		pos[mem.Key] = len(out)
		out = append(out, mem)
	}
	clear(m[len(out):])
	return out[:len(out):len(out)]
}

// hasDuplicateKeys reports whether two members share a key. A 256-bit Bloom
// filter of key hashes makes the usual answer, no, cost one pass; only keys
// whose bit is already set are compared with the keys before them.
func hasDuplicateKeys(m []Member) bool {
	var seen [4]uint64
	for i := range m {
		h := keyHash(m[i].Key) >> 56
		word, bit := h>>6, uint64(1)<<(h&63)
		if seen[word]&bit != 0 {
			for j := range i {
				if m[j].Key == m[i].Key {
					return true
				}
			}
		}
		seen[word] |= bit
	}
	return false
}

// keyHash is a cheap hash of k that reads every byte of keys shorter than 16
// bytes and the first and last eight of longer ones.
func keyHash(k string) uint64 {
	n := len(k)
	var h uint64
	switch {
	case n >= 8:
		h = load64(k, 0) ^ bits.RotateLeft64(load64(k, n-8), 29)
	case n >= 4:
		h = load32(k, 0) | load32(k, n-4)<<32
	case n > 0:
		h = uint64(k[0]) | uint64(k[n/2])<<8 | uint64(k[n-1])<<16
	}
	return (h ^ uint64(n)) * 0x9E3779B97F4A7C15
}
