package nodes

import (
	"encoding/json"

	"github.com/weftrun/weft/api"
)

// Every node task's result is decoded here, so the common result, outputs
// and nothing else, is split by hand: once json.Valid has accepted the
// document, finding where each value ends takes only its brackets and
// strings. Whatever else a result holds (another key, a duplicate, an
// escape in a key, a key in another case) goes through encoding/json, so
// the values and errors are always the ones it gives (result_test.go).

// decodeResult decodes the module's result document into res.
func decodeResult(data []byte, res *resultDoc) error {
	if json.Valid(data) {
		if outs, ok := splitOutputs(data); ok {
			*res = resultDoc{Outputs: outs}
			return nil
		}
	}
	return json.Unmarshal(data, res)
}

// decodeItem decodes one output item, a valid JSON object.
func decodeItem(raw []byte, it *api.Item) error {
	if splitItem(raw, it) {
		return nil
	}
	*it = api.Item{}
	return json.Unmarshal(raw, it)
}

// splitter walks a document json.Valid accepted.
type splitter struct {
	b []byte
	i int
}

func (s *splitter) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// take skips space and reports whether the next byte is c, taking it.
func (s *splitter) take(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// value skips space and returns the value that follows.
func (s *splitter) value() []byte {
	s.space()
	start := s.i
	depth := 0
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '"':
			for s.i++; s.i < len(s.b) && s.b[s.i] != '"'; s.i++ {
				if s.b[s.i] == '\\' {
					s.i++
				}
			}
			s.i = min(s.i+1, len(s.b))
			if depth == 0 {
				return s.b[start:s.i]
			}
		case '{', '[':
			depth++
			s.i++
		case '}', ']':
			if depth == 0 {
				return s.b[start:s.i]
			}
			depth--
			s.i++
			if depth == 0 {
				return s.b[start:s.i]
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return s.b[start:s.i]
			}
			s.i++
		default:
			s.i++
		}
	}
	return s.b[start:s.i]
}

// key reads an object key written without escapes, or fails.
func (s *splitter) key() (string, bool) {
	if !s.take('"') {
		return "", false
	}
	start := s.i
	for s.i < len(s.b) && s.b[s.i] != '"' {
		if s.b[s.i] == '\\' {
			return "", false
		}
		s.i++
	}
	k := s.b[start:s.i]
	s.i++
	if !s.take(':') {
		return "", false
	}
	return string(k), true
}

// object calls field for each key of the object that follows, which reads
// the key's value; false when the value is not an object or field fails.
func (s *splitter) object(field func(key string) bool) bool {
	if !s.take('{') {
		return false
	}
	if s.take('}') {
		return true
	}
	for {
		k, ok := s.key()
		if !ok || !field(k) {
			return false
		}
		if s.take('}') {
			return true
		}
		if !s.take(',') {
			return false
		}
	}
}

// array calls elem for each element of the array that follows; false when
// the value is not an array or elem fails.
func (s *splitter) array(elem func() bool) bool {
	if !s.take('[') {
		return false
	}
	if s.take(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.take(']') {
			return true
		}
		if !s.take(',') {
			return false
		}
	}
}

// null reports whether null follows, taking it.
func (s *splitter) null() bool {
	s.space()
	if len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

// splitOutputs reads {"outputs": [[value, …] | null, …] | null}.
func splitOutputs(data []byte) ([][]json.RawMessage, bool) {
	s := splitter{b: data}
	var outs [][]json.RawMessage
	seen := false
	ok := s.object(func(key string) bool {
		if key != "outputs" || seen {
			return false
		}
		seen = true
		if s.null() {
			return true
		}
		outs = [][]json.RawMessage{}
		return s.array(func() bool {
			if s.null() {
				outs = append(outs, nil)
				return true
			}
			list := []json.RawMessage{}
			if !s.array(func() bool {
				list = append(list, s.value())
				return true
			}) {
				return false
			}
			outs = append(outs, list)
			return true
		})
	})
	s.space()
	return outs, ok && seen && s.i == len(s.b)
}

// splitItem reads an item whose keys are json, binary and pairedItem,
// each at most once.
func splitItem(raw []byte, it *api.Item) bool {
	s := splitter{b: raw}
	*it = api.Item{}
	var seen [3]bool
	ok := s.object(func(key string) bool {
		var dst *json.RawMessage
		var n int
		switch key {
		case "json":
			dst, n = &it.JSON, 0
		case "binary":
			dst, n = &it.Binary, 1
		case "pairedItem":
			dst, n = &it.PairedItem, 2
		default:
			return false
		}
		if seen[n] {
			return false
		}
		seen[n] = true
		*dst = s.value()
		return true
	})
	s.space()
	return ok && s.i == len(s.b)
}
