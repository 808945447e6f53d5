package bus

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/internal/jsonscan"
)

// Every task and every result is decoded once, by a runner or a control
// plane. decodeTask and decodeResult decode the messages as peers write
// them without reflection; anything they do not expect (a key they do not
// know, a duplicate, an escape in a name, a null where a peer writes
// none, run data, a value that is not valid JSON) sends the whole message
// to encoding/json instead, so the values and errors are always those
// encoding/json gives (decode_test.go checks it, fuzzing included).

func decodeTask(data []byte, t *Task) error {
	if !scanTask(data, t) {
		*t = Task{}
		return json.Unmarshal(data, t)
	}
	return nil
}

func decodeResult(data []byte, r *Result) error {
	if !scanResult(data, r) {
		*r = Result{}
		return json.Unmarshal(data, r)
	}
	return nil
}

// scanner reads a JSON document strictly: it accepts no more than
// encoding/json does, and gives up (false) on what it does not handle.
type scanner struct{ jsonscan.Cursor }

// plainString reads a string without escapes or control characters whose
// bytes are valid UTF-8: one that decodes to exactly its bytes.
func (s *scanner) plainString() (string, bool) {
	v, ok := s.plainBytes()
	return string(v), ok
}

// plainBytes is plainString's bytes, in the message.
func (s *scanner) plainBytes() ([]byte, bool) {
	if !s.Next('"') {
		return nil, false
	}
	start := s.I
	for s.I < len(s.B) {
		c := s.B[s.I]
		switch {
		case c == '"':
			v := s.B[start:s.I]
			s.I++
			return v, utf8.Valid(v)
		case c == '\\' || c < 0x20:
			return nil, false
		}
		s.I++
	}
	return nil, false
}

// integer reads a JSON integer that fits an int64 comfortably (at most 18
// digits, no fraction or exponent).
func (s *scanner) integer() (int64, bool) {
	s.Space()
	neg := false
	if s.I < len(s.B) && s.B[s.I] == '-' {
		neg = true
		s.I++
	}
	digits := s.I
	var n int64
	for s.I < len(s.B) && s.B[s.I] >= '0' && s.B[s.I] <= '9' {
		n = n*10 + int64(s.B[s.I]-'0')
		s.I++
	}
	d := s.I - digits
	if d == 0 || d > 18 || (d > 1 && s.B[digits] == '0') {
		return 0, false
	}
	if s.I < len(s.B) {
		switch s.B[s.I] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	return n, true
}

func (s *scanner) int() (int, bool) {
	n, ok := s.integer()
	return int(n), ok
}

// boolean reads true or false.
func (s *scanner) boolean() (bool, bool) {
	s.Space()
	if hasPrefix(s.B[s.I:], "true") {
		s.I += 4
		return true, true
	}
	if hasPrefix(s.B[s.I:], "false") {
		s.I += 5
		return false, true
	}
	return false, false
}

func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}

// raw returns a copy of the next value, checked to be valid JSON; null is
// not taken (encoding/json keeps it as the bytes "null", peers send none).
func (s *scanner) raw() (json.RawMessage, bool) {
	s.Space()
	start := s.I
	if !s.skip(0) || string(s.B[start:s.I]) == "null" {
		return nil, false
	}
	return append(json.RawMessage(nil), s.B[start:s.I]...), true
}

// maxDepth bounds the nesting skip follows; a deeper value (encoding/json
// allows 10,000 levels in the whole message) is left to encoding/json.
const maxDepth = 1000

// skip passes over one JSON value, checking it strictly.
func (s *scanner) skip(depth int) bool {
	if depth > maxDepth {
		return false
	}
	switch c := s.Peek(); {
	case c == '{':
		s.I++
		if s.Next('}') {
			return true
		}
		for {
			if !s.skipString() || !s.Next(':') || !s.skip(depth+1) {
				return false
			}
			if s.Next(',') {
				continue
			}
			return s.Next('}')
		}
	case c == '[':
		s.I++
		if s.Next(']') {
			return true
		}
		for {
			if !s.skip(depth + 1) {
				return false
			}
			if s.Next(',') {
				continue
			}
			return s.Next(']')
		}
	case c == '"':
		return s.skipString()
	case c == '-' || (c >= '0' && c <= '9'):
		return s.skipNumber()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return false
}

func (s *scanner) literal(l string) bool {
	if !hasPrefix(s.B[s.I:], l) {
		return false
	}
	s.I += len(l)
	return true
}

// skipString passes over a string: no control characters, only JSON's
// escapes. Its bytes need not be UTF-8 (encoding/json accepts that too).
func (s *scanner) skipString() bool {
	if !s.Next('"') {
		return false
	}
	for s.I < len(s.B) {
		c := s.B[s.I]
		s.I++
		switch {
		case c == '"':
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if s.I >= len(s.B) {
				return false
			}
			e := s.B[s.I]
			s.I++
			switch e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if s.I+4 > len(s.B) {
					return false
				}
				for _, h := range s.B[s.I : s.I+4] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				s.I += 4
			default:
				return false
			}
		}
	}
	return false
}

// skipNumber passes over a number as JSON writes them:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) skipNumber() bool {
	b := s.B
	if s.I < len(b) && b[s.I] == '-' {
		s.I++
	}
	if s.I >= len(b) {
		return false
	}
	if b[s.I] == '0' {
		s.I++
	} else if b[s.I] >= '1' && b[s.I] <= '9' {
		for s.I < len(b) && b[s.I] >= '0' && b[s.I] <= '9' {
			s.I++
		}
	} else {
		return false
	}
	if s.I < len(b) && b[s.I] == '.' {
		s.I++
		if !s.digits() {
			return false
		}
	}
	if s.I < len(b) && (b[s.I] == 'e' || b[s.I] == 'E') {
		s.I++
		if s.I < len(b) && (b[s.I] == '+' || b[s.I] == '-') {
			s.I++
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

func (s *scanner) digits() bool {
	start := s.I
	for s.I < len(s.B) && s.B[s.I] >= '0' && s.B[s.I] <= '9' {
		s.I++
	}
	return s.I > start
}

// object reads an object, calling field with each key; field reads the
// member's value and returns its field's index (below 32) and false to
// give up. A key seen twice also gives up (encoding/json keeps the last
// value).
func (s *scanner) object(field func(key []byte) (index int, ok bool)) bool {
	if !s.Next('{') {
		return false
	}
	if s.Next('}') {
		return true
	}
	var seen uint32
	for {
		key, ok := s.plainBytes()
		if !ok || !s.Next(':') {
			return false
		}
		n, ok := field(key)
		if !ok || seen&(1<<n) != 0 {
			return false
		}
		seen |= 1 << n
		if !s.Next(',') {
			return s.Next('}')
		}
	}
}

func (s *scanner) item(it *api.Item) bool {
	return s.object(func(key []byte) (int, bool) {
		var ok bool
		switch string(key) {
		case "json":
			it.JSON, ok = s.raw()
			return 0, ok
		case "binary":
			it.Binary, ok = s.raw()
			return 1, ok
		case "pairedItem":
			it.PairedItem, ok = s.raw()
			return 2, ok
		}
		return 0, false
	})
}

// items reads a list of items; null is a nil list.
func (s *scanner) items() ([]api.Item, bool) {
	if s.Null() {
		return nil, true
	}
	list := []api.Item{}
	ok := s.Array(func() bool {
		list = append(list, api.Item{})
		return s.item(&list[len(list)-1])
	})
	return list, ok
}

// itemLists reads one list of items per input or output.
func (s *scanner) itemLists() ([][]api.Item, bool) {
	lists := [][]api.Item{}
	ok := s.Array(func() bool {
		l, ok := s.items()
		lists = append(lists, l)
		return ok
	})
	return lists, ok
}

func (s *scanner) source() ([]*engine.SourceRef, bool) {
	refs := []*engine.SourceRef{}
	ok := s.Array(func() bool {
		if s.Null() {
			refs = append(refs, nil)
			return true
		}
		r := &engine.SourceRef{}
		refs = append(refs, r)
		return s.object(func(key []byte) (int, bool) {
			var ok bool
			switch string(key) {
			case "previousNode":
				r.PreviousNode, ok = s.plainString()
				return 0, ok
			case "previousNodeOutput":
				r.PreviousNodeOutput, ok = s.int()
				return 1, ok
			case "previousNodeRun":
				r.PreviousNodeRun, ok = s.int()
				return 2, ok
			}
			return 0, false
		})
	})
	return refs, ok
}

func scanTask(data []byte, t *Task) bool {
	s := &scanner{jsonscan.Cursor{B: data}}
	ok := s.object(func(key []byte) (int, bool) {
		var ok bool
		switch string(key) {
		case "id":
			t.ID, ok = s.plainString()
			return 0, ok
		case "executionId":
			t.ExecutionID, ok = s.plainString()
			return 1, ok
		case "mode":
			t.Mode, ok = s.plainString()
			return 2, ok
		case "workflow":
			t.Workflow, ok = s.plainString()
			return 3, ok
		case "node":
			t.Node, ok = s.plainString()
			return 4, ok
		case "inputs":
			t.Inputs, ok = s.itemLists()
			return 5, ok
		case "connectionInput":
			t.ConnectionInput, ok = s.items()
			return 6, ok && t.ConnectionInput != nil
		case "runIndex":
			t.RunIndex, ok = s.int()
			return 7, ok
		case "try":
			t.Try, ok = s.int()
			return 8, ok
		case "source":
			t.Source, ok = s.source()
			return 9, ok
		case "nodeState":
			t.NodeState, ok = s.raw()
			return 10, ok
		case "staticData":
			t.StaticData, ok = s.raw()
			return 11, ok
		case "payloadRef":
			t.PayloadRef, ok = s.plainString()
			return 12, ok
		case "publicUrl":
			t.PublicURL, ok = s.plainString()
			return 13, ok
		}
		return 0, false // runData, and anything unexpected
	})
	return ok && s.End()
}

func scanResult(data []byte, r *Result) bool {
	s := &scanner{jsonscan.Cursor{B: data}}
	ok := s.object(func(key []byte) (int, bool) {
		var ok bool
		switch string(key) {
		case "id":
			r.ID, ok = s.plainString()
			return 0, ok
		case "executionId":
			r.ExecutionID, ok = s.plainString()
			return 1, ok
		case "outputs":
			if s.Null() {
				return 2, true
			}
			r.Outputs, ok = s.itemLists()
			return 2, ok
		case "error":
			e := &api.NodeError{}
			r.Error = e
			return 3, s.object(func(key []byte) (int, bool) {
				var ok bool
				switch string(key) {
				case "message":
					e.Message, ok = s.plainString()
					return 0, ok
				case "description":
					e.Description, ok = s.plainString()
					return 1, ok
				}
				return 0, false
			})
		case "nodeState":
			r.NodeState, ok = s.raw()
			return 4, ok
		case "logs":
			r.Logs, ok = s.logs()
			return 5, ok
		case "response":
			r.Response, ok = s.raw()
			return 6, ok
		case "wait":
			w := &engine.Wait{}
			r.Wait = w
			return 7, s.object(func(key []byte) (int, bool) {
				var ok bool
				switch string(key) {
				case "until":
					w.Until, ok = s.integer()
					return 0, ok
				case "webhook":
					w.Webhook, ok = s.boolean()
					return 1, ok
				case "method":
					w.Method, ok = s.plainString()
					return 2, ok
				}
				return 0, false
			})
		case "staticData":
			r.StaticData, ok = s.raw()
			return 8, ok
		case "failure":
			r.Failure, ok = s.plainString()
			return 9, ok
		case "runner":
			r.Runner, ok = s.plainString()
			return 10, ok
		case "payloadRef":
			r.PayloadRef, ok = s.plainString()
			return 11, ok
		case "startTime":
			r.StartTime, ok = s.integer()
			return 13, ok
		case "executionTime":
			r.ExecutionTime, ok = s.integer()
			return 14, ok
		case "subRun":
			sr := &engine.SubRun{}
			r.SubRun = sr
			return 12, s.object(func(key []byte) (int, bool) {
				var ok bool
				switch string(key) {
				case "workflows":
					sr.Workflows = []string{}
					return 0, s.Array(func() bool {
						id, ok := s.plainString()
						sr.Workflows = append(sr.Workflows, id)
						return ok
					})
				case "at":
					sr.At, ok = s.integer()
					return 1, ok
				case "each":
					sr.Each, ok = s.boolean()
					return 2, ok
				case "noWait":
					sr.NoWait, ok = s.boolean()
					return 3, ok
				case "documents":
					sr.Documents = []json.RawMessage{}
					return 4, s.Array(func() bool {
						if s.Null() {
							// As encoding/json keeps it in a RawMessage.
							sr.Documents = append(sr.Documents, json.RawMessage("null"))
							return true
						}
						d, ok := s.raw()
						sr.Documents = append(sr.Documents, d)
						return ok
					})
				}
				return 0, false
			})
		}
		return 0, false
	})
	return ok && s.End()
}

func (s *scanner) logs() ([]api.LogEntry, bool) {
	logs := []api.LogEntry{}
	ok := s.Array(func() bool {
		logs = append(logs, api.LogEntry{})
		l := &logs[len(logs)-1]
		return s.object(func(key []byte) (int, bool) {
			var ok bool
			switch string(key) {
			case "level":
				l.Level, ok = s.plainString()
				return 0, ok
			case "message":
				l.Message, ok = s.plainString()
				return 1, ok
			}
			return 0, false
		})
	})
	return logs, ok
}
