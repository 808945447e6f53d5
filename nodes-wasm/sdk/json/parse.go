package json

import (
	"math/bits"
	"strconv"
	"sync"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of arrays and objects Parse accepts (the
// same limit as encoding/json).
const MaxDepth = 10000

// SyntaxError describes why a document is not valid JSON.
type SyntaxError struct {
	Offset int    // byte offset in the input where the problem was found
	Msg    string // what was wrong there
}

func (e *SyntaxError) Error() string {
	return "json: " + e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

// Parse parses one JSON document, which may be surrounded by whitespace and
// nothing else. It copies data once, so the caller may reuse data afterwards.
func Parse(data []byte) (Value, error) {
	return ParseString(string(data))
}

// ParseString is like Parse but reads s without copying it: unescaped strings
// and numbers in the result are substrings of s.
func ParseString(s string) (Value, error) {
	p := parsers.Get().(*parser)
	p.s = s
	v, err := p.parse()
	p.reset()
	parsers.Put(p)
	return v, err
}

// Valid reports whether data is one valid JSON document.
func Valid(data []byte) bool {
	_, err := Parse(data)
	return err == nil
}

// parser holds the state of one parse. The scratch stacks and buffer are
// reused through a pool; the arenas are handed to the values built and never
// reused.
//
// The parser is a loop with an explicit stack rather than a recursive
// descent: calls and taken branches are what costs most in Go compiled to
// WebAssembly, so the common tokens are handled inline in one function, and
// deep nesting costs no Go stack.
type parser struct {
	s string

	stack []frame  // the arrays and objects being parsed, innermost last
	vals  []Value  // scratch: elements of the arrays being parsed
	mems  []Member // scratch: members of the objects being parsed
	buf   []byte   // scratch: unescaping strings

	conts  []container // arena for array and object headers
	varena []Value     // arena for array elements
	marena []Member    // arena for object members

	contSz, valSz, memSz int // size of the last chunk of each arena
}

// frame is an array or object being parsed.
type frame struct {
	obj  bool
	base int    // where its entries start in vals or mems
	key  string // for an object, the key of the member being parsed
}

var parsers = sync.Pool{New: func() any { return new(parser) }}

func (p *parser) reset() {
	clear(p.stack)
	clear(p.vals)
	clear(p.mems)
	*p = parser{stack: p.stack[:0], vals: p.vals[:0], mems: p.mems[:0], buf: p.buf[:0]}
	if cap(p.buf) > 64<<10 {
		p.buf = nil
	}
}

func skipWS(s string, i int) int {
	for i < len(s) {
		if c := s[i]; c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			break
		}
		i++
	}
	return i
}

func (p *parser) errAt(off int, msg string) error {
	return &SyntaxError{Offset: off, Msg: msg}
}

func (p *parser) eof() error {
	return p.errAt(len(p.s), "unexpected end of input")
}

// badByte reports the byte at off (or the end of input) as wrong.
func (p *parser) badByte(off int, context string) error {
	if off >= len(p.s) {
		return p.eof()
	}
	return p.errAt(off, "invalid character "+quoteByte(p.s[off])+" "+context)
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f && c != '\'' {
		return "'" + string(rune(c)) + "'"
	}
	const hex = "0123456789abcdef"
	return "byte 0x" + string([]byte{hex[c>>4], hex[c&15]})
}

// Little-endian words for the literals, to compare four bytes at once.
const (
	wordTrue = 't' | 'r'<<8 | 'u'<<16 | 'e'<<24
	wordFals = 'f' | 'a'<<8 | 'l'<<16 | 's'<<24
	wordNull = 'n' | 'u'<<8 | 'l'<<16 | 'l'<<24
)

// parse parses the whole of p.s.
//
// The common cases (strings without escapes, plain integers, literals) are
// handled inline with word-at-a-time scans; anything else goes to the
// general functions, which also produce the errors.
func (p *parser) parse() (Value, error) {
	s := p.s
	i := 0
	wantKey := false // the next token is an object key
	var v Value
	for {
		// Parse the token at i. A value ends up in v; a key, or the start
		// of an array or object that is not empty, goes on the stack and
		// the loop moves to the next token.
		if i < len(s) && s[i] <= ' ' {
			i = skipWS(s, i)
		}
		if i >= len(s) {
			return Value{}, p.eof()
		}
		c := s[i]
		if c == '"' {
			// The same word-at-a-time scan as skipPlain, inline.
			var str string
			j, stop := i+1, false
			for !stop && j+8 <= len(s) {
				x := load64(s, j)
				t := ((x - 0x20*lsb) | ((x ^ '"'*lsb) - lsb) | ((x ^ '\\'*lsb) - lsb) | x) & msb
				if stop = t != 0; stop {
					j += bits.TrailingZeros64(t) / 8
				} else {
					j += 8
				}
			}
			if stop && s[j] == '"' {
				str, j = s[i+1:j], j+1
			} else {
				var err error
				if str, j, err = p.str(i); err != nil {
					return Value{}, err
				}
			}
			if wantKey {
				if j < len(s) && s[j] <= ' ' {
					j = skipWS(s, j)
				}
				if j >= len(s) || s[j] != ':' {
					return Value{}, p.badByte(j, "after object key")
				}
				p.stack[len(p.stack)-1].key = str
				i, wantKey = j+1, false
				continue
			}
			v, i = Value{kind: KindString, s: str}, j
		} else if wantKey {
			return Value{}, p.badByte(i, "looking for beginning of object key string")
		} else if c-'0' <= 9 || c == '-' {
			// Numbers with up to seven digits before and after the point
			// and no exponent are scanned here, a word of digits at a
			// time; anything else, or anything near the end of the input,
			// is left to scanNumber.
			j := i
			if c == '-' {
				j++
			}
			end := -1
			if j+17 <= len(s) {
				x := load64(s, j)
				if t := ((x - '0'*lsb) | (x + (0x7f-'9')*lsb)) & msb; t != 0 {
					n := bits.TrailingZeros64(t) / 8
					k := j + n
					if n == 0 || n > 1 && s[j] == '0' {
						k = -1
					} else if s[k] == '.' {
						x = load64(s, k+1)
						t = ((x - '0'*lsb) | (x + (0x7f-'9')*lsb)) & msb
						if n = bits.TrailingZeros64(t) / 8; t != 0 && n > 0 {
							k += 1 + n
						} else {
							k = -1
						}
					}
					if k >= 0 && s[k]|0x20 != 'e' {
						end = k
					}
				}
			}
			if end < 0 {
				var ok bool
				if end, ok = scanNumber(s, i); !ok {
					return Value{}, p.badByte(end, numberContext(s, i, end))
				}
			}
			v, i = Value{kind: KindNumber, s: s[i:end]}, end
		} else if c == '{' || c == '[' {
			if len(p.stack) == MaxDepth {
				return Value{}, p.errAt(i, "exceeded maximum nesting depth of "+strconv.Itoa(MaxDepth))
			}
			obj := c == '{'
			i++
			if i < len(s) && s[i] <= ' ' {
				i = skipWS(s, i)
			}
			if i < len(s) && s[i] == c+2 { // '{'+2 is '}', '['+2 is ']'
				v, i = p.empty(obj), i+1
			} else {
				f := frame{obj: obj, base: len(p.vals)}
				if obj {
					f.base = len(p.mems)
				}
				p.stack = append(p.stack, f)
				wantKey = obj
				continue
			}
		} else {
			var word uint64
			if i+4 <= len(s) {
				word = load32(s, i)
			}
			switch {
			case word == wordTrue:
				v, i = Value{kind: KindBool, b: true}, i+4
			case word == wordNull:
				v, i = Value{kind: KindNull}, i+4
			case word == wordFals && i+4 < len(s) && s[i+4] == 'e':
				v, i = Value{kind: KindBool}, i+5
			case c == 't':
				return Value{}, p.literal(i, "true")
			case c == 'f':
				return Value{}, p.literal(i, "false")
			case c == 'n':
				return Value{}, p.literal(i, "null")
			default:
				return Value{}, p.badByte(i, "looking for beginning of value")
			}
		}

		// v is complete: add it to the innermost open container, and close
		// every container that ends here.
		for {
			n := len(p.stack)
			if n == 0 {
				if i = skipWS(s, i); i < len(s) {
					return Value{}, p.badByte(i, "after top-level value")
				}
				return v, nil
			}
			f := &p.stack[n-1]
			if f.obj {
				p.mems = append(p.mems, Member{Key: f.key, Value: v})
			} else {
				p.vals = append(p.vals, v)
			}
			if i < len(s) && s[i] <= ' ' {
				i = skipWS(s, i)
			}
			if i >= len(s) {
				return Value{}, p.eof()
			}
			c := s[i]
			i++
			if c == ',' {
				wantKey = f.obj
				break // parse the next entry
			}
			if f.obj && c == '}' || !f.obj && c == ']' {
				v = p.close()
				continue
			}
			if f.obj {
				return Value{}, p.badByte(i-1, "after object key:value pair")
			}
			return Value{}, p.badByte(i-1, "after array element")
		}
	}
}

// literal reports what is wrong with the literal word (true, false or
// null) expected at s[i].
func (p *parser) literal(i int, word string) error {
	j := 1
	for i+j < len(p.s) && j < len(word) && p.s[i+j] == word[j] {
		j++
	}
	return p.badByte(i+j, "in literal "+word+" (expecting '"+word[j:j+1]+"')")
}

// scanNumber scans an RFC 8259 number starting at s[i]. It returns the offset
// just past it and true, or the offset of the offending byte and false.
func scanNumber(s string, i int) (int, bool) {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i >= len(s):
		return i, false
	case s[i] == '0':
		i++
	case s[i] >= '1' && s[i] <= '9':
		i = skipDigits(s, i+1)
	default:
		return i, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return i, false
		}
		i = skipDigits(s, i+1)
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return i, false
		}
		i = skipDigits(s, i+1)
	}
	return i, true
}

// numberContext names the part of the number in s[start:] that broke at end.
func numberContext(s string, start, end int) string {
	for i := start; i < end; i++ {
		switch s[i] {
		case 'e', 'E':
			return "in exponent of numeric literal"
		case '.':
			if i == end-1 {
				return "after decimal point in numeric literal"
			}
		}
	}
	return "in numeric literal"
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// empty returns a new empty array or object.
func (p *parser) empty(obj bool) Value {
	if obj {
		return Value{kind: KindObject, c: p.container()}
	}
	return Value{kind: KindArray, c: p.container()}
}

// close pops the innermost container off the stack and returns it.
func (p *parser) close() Value {
	f := p.stack[len(p.stack)-1]
	p.stack[len(p.stack)-1] = frame{}
	p.stack = p.stack[:len(p.stack)-1]
	c := p.container()
	if f.obj {
		c.members = dedupe(p.takeMembers(p.mems[f.base:]))
		p.mems = p.mems[:f.base]
		return Value{kind: KindObject, c: c}
	}
	c.elems = p.takeValues(p.vals[f.base:])
	p.vals = p.vals[:f.base]
	return Value{kind: KindArray, c: c}
}

// The arenas hand out pieces of larger allocations, so that a document costs
// a handful of allocations rather than two per array or object. Each arena's
// chunks start small and double, which bounds the waste for small documents.
// Each piece is capped at its length, so appending to it reallocates instead
// of running into its neighbour.

func nextChunk(size *int, need int) int {
	*size = min(max(2**size, 8), 1024)
	return max(*size, need)
}

func (p *parser) container() *container {
	if len(p.conts) == 0 {
		p.conts = make([]container, nextChunk(&p.contSz, 1)/2)
	}
	c := &p.conts[0]
	p.conts = p.conts[1:]
	return c
}

// takeValues moves src into the arena, zeroing src so that the scratch
// stack keeps no pointers.
func (p *parser) takeValues(src []Value) []Value {
	n := len(src)
	if n == 0 {
		return nil
	}
	if n > len(p.varena) {
		p.varena = make([]Value, nextChunk(&p.valSz, n))
	}
	out := p.varena[:n:n]
	p.varena = p.varena[n:]
	for i := range out { // cheaper than copy's runtime call for short runs
		out[i] = src[i]
		src[i] = Value{}
	}
	return out
}

// takeMembers is takeValues for object members.
func (p *parser) takeMembers(src []Member) []Member {
	n := len(src)
	if n == 0 {
		return nil
	}
	if n > len(p.marena) {
		p.marena = make([]Member, nextChunk(&p.memSz, n))
	}
	out := p.marena[:n:n]
	p.marena = p.marena[n:]
	for i := range out {
		out[i] = src[i]
		src[i] = Member{}
	}
	return out
}

// str parses the string literal whose opening quote is at s[i] and returns
// its contents and the offset after its closing quote.
func (p *parser) str(i int) (string, int, error) {
	s := p.s
	start := i + 1
	i = start
	// Fast path: printable ASCII and well-formed UTF-8 with no escapes need
	// no copy.
	for {
		if i = skipPlain(s, i); i >= len(s) {
			return "", 0, p.eof()
		}
		c := s[i]
		if c == '"' {
			return s[start:i], i + 1, nil
		}
		if c < 0x20 {
			return "", 0, p.badByte(i, "in string literal")
		}
		if c == '\\' {
			return p.strSlow(start, i)
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return p.strSlow(start, i)
		}
		i += size
	}
}

// strSlow finishes a string that needs unescaping or UTF-8 repair; s[start:i]
// is already known to be clean.
func (p *parser) strSlow(start, i int) (string, int, error) {
	s := p.s
	b := append(p.buf[:0], s[start:i]...)
	for {
		j := skipPlain(s, i)
		b = append(b, s[i:j]...)
		if i = j; i >= len(s) {
			return "", 0, p.eof()
		}
		switch c := s[i]; {
		case c == '"':
			p.buf = b[:0] // keep the grown buffer for the next string
			return string(b), i + 1, nil
		case c < 0x20:
			return "", 0, p.badByte(i, "in string literal")
		case c == '\\':
			if i+1 >= len(s) {
				return "", 0, p.eof()
			}
			switch e := s[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, err := p.hex4(i + 2)
				if err != nil {
					return "", 0, err
				}
				i += 6
				if utf16Surrogate(r) {
					// A high surrogate pairs with an immediately following
					// \u low surrogate; anything else stands alone and
					// becomes U+FFFD (the next escape is then read on its
					// own).
					r2 := rune(-1)
					if r < 0xDC00 && i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if x, err := p.hex4(i + 2); err == nil && x >= 0xDC00 && x <= 0xDFFF {
							r2 = x
						}
					}
					if r2 >= 0 {
						r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				return "", 0, p.badByte(i+1, "in string escape code")
			}
			i += 2
		default: // not ASCII
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, "\uFFFD"...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
		}
	}
}

func utf16Surrogate(r rune) bool { return r >= 0xD800 && r <= 0xDFFF }

// hex4 decodes the four hex digits at s[i:].
func (p *parser) hex4(i int) (rune, error) {
	var r rune
	for j := i; j < i+4; j++ {
		if j >= len(p.s) {
			return 0, p.eof()
		}
		c := p.s[j]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, p.badByte(j, `in \u hexadecimal character escape`)
		}
		r = r<<4 | rune(c)
	}
	return r, nil
}
