package nodes

import (
	"encoding/json"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/internal/jsonscan"
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
type splitter struct{ jsonscan.Cursor }

// value skips space and returns the value that follows.
func (s *splitter) value() []byte {
	s.Space()
	start := s.I
	depth := 0
	for s.I < len(s.B) {
		switch s.B[s.I] {
		case '"':
			for s.I++; s.I < len(s.B) && s.B[s.I] != '"'; s.I++ {
				if s.B[s.I] == '\\' {
					s.I++
				}
			}
			s.I = min(s.I+1, len(s.B))
			if depth == 0 {
				return s.B[start:s.I]
			}
		case '{', '[':
			depth++
			s.I++
		case '}', ']':
			if depth == 0 {
				return s.B[start:s.I]
			}
			depth--
			s.I++
			if depth == 0 {
				return s.B[start:s.I]
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return s.B[start:s.I]
			}
			s.I++
		default:
			s.I++
		}
	}
	return s.B[start:s.I]
}

// key reads an object key written without escapes, or fails.
func (s *splitter) key() (string, bool) {
	if !s.Next('"') {
		return "", false
	}
	start := s.I
	for s.I < len(s.B) && s.B[s.I] != '"' {
		if s.B[s.I] == '\\' {
			return "", false
		}
		s.I++
	}
	k := s.B[start:s.I]
	s.I++
	if !s.Next(':') {
		return "", false
	}
	return string(k), true
}

// object calls field for each key of the object that follows, which reads
// the key's value; false when the value is not an object or field fails.
func (s *splitter) object(field func(key string) bool) bool {
	if !s.Next('{') {
		return false
	}
	if s.Next('}') {
		return true
	}
	for {
		k, ok := s.key()
		if !ok || !field(k) {
			return false
		}
		if s.Next('}') {
			return true
		}
		if !s.Next(',') {
			return false
		}
	}
}

// splitOutputs reads {"outputs": [[value, …] | null, …] | null}.
func splitOutputs(data []byte) ([][]json.RawMessage, bool) {
	s := splitter{jsonscan.Cursor{B: data}}
	var outs [][]json.RawMessage
	seen := false
	ok := s.object(func(key string) bool {
		if key != "outputs" || seen {
			return false
		}
		seen = true
		if s.Null() {
			return true
		}
		outs = [][]json.RawMessage{}
		return s.Array(func() bool {
			if s.Null() {
				outs = append(outs, nil)
				return true
			}
			list := []json.RawMessage{}
			if !s.Array(func() bool {
				list = append(list, s.value())
				return true
			}) {
				return false
			}
			outs = append(outs, list)
			return true
		})
	})
	s.Space()
	return outs, ok && seen && s.I == len(s.B)
}

// splitItem reads an item whose keys are json, binary and pairedItem,
// each at most once.
func splitItem(raw []byte, it *api.Item) bool {
	s := splitter{jsonscan.Cursor{B: raw}}
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
	s.Space()
	return ok && s.I == len(s.B)
}
