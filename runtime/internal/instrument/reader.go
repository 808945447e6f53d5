package instrument

import (
	"errors"
	"fmt"
)

// ErrMalformed is wrapped by every error caused by input that is not a
// well-formed WebAssembly 2.0 binary (bad header, truncation, bad LEB128,
// unknown opcodes, indices out of range, sections out of order).
var ErrMalformed = errors.New("malformed module")

// ErrUnsupported is wrapped by errors for well-formed modules that use a
// feature the instrumenter cannot rewrite safely (threads, memory64, shared
// or multiple memories, exception handling, GC types, …). Callers can report
// these as "module not supported" rather than "module corrupt".
var ErrUnsupported = errors.New("unsupported")

// ErrReserved is wrapped by errors for modules that already use one of the
// names the instrumenter injects (the weft_v1.refill import or an export
// named weft_fuel, weft_oom or weft_g<N>). Such a module could spoof the
// host's view of fuel or snapshot state, so it is refused.
var ErrReserved = errors.New("reserved name")

// posError is a decoding failure at an absolute byte offset of the input.
type posError struct {
	off  int
	kind error
	msg  string
}

func (e *posError) Error() string {
	return fmt.Sprintf("offset %#x: %s: %s", e.off, e.kind, e.msg)
}

func (e *posError) Unwrap() error { return e.kind }

// reader decodes the input. Offsets are absolute positions in b so that
// errors point at the right byte of the original file. Errors are sticky:
// after the first one every read returns zero and pos jumps to end, which
// makes all decoding loops terminate quickly.
type reader struct {
	b   []byte
	pos int
	end int
	err error
}

func (r *reader) failKind(kind error, at int, format string, args ...any) {
	if r.err == nil {
		r.err = &posError{off: at, kind: kind, msg: fmt.Sprintf(format, args...)}
	}
	r.pos = r.end
}

func (r *reader) fail(at int, format string, args ...any) {
	r.failKind(ErrMalformed, at, format, args...)
}

func (r *reader) truncated() {
	r.fail(r.pos, "unexpected end of data")
}

func (r *reader) remaining() int { return r.end - r.pos }

func (r *reader) u8() byte {
	if r.pos < r.end {
		c := r.b[r.pos]
		r.pos++
		return c
	}
	r.truncated()
	return 0
}

// take returns the next n bytes without copying.
func (r *reader) take(n int) []byte {
	if n < 0 || n > r.end-r.pos {
		r.truncated()
		return nil
	}
	p := r.b[r.pos : r.pos+n]
	r.pos += n
	return p
}

func (r *reader) skip(n int) {
	if n > r.end-r.pos {
		r.truncated()
		return
	}
	r.pos += n
}

// u32 decodes an unsigned LEB128 value of at most 32 bits.
func (r *reader) u32() uint32 {
	if r.pos < r.end {
		if c := r.b[r.pos]; c < 0x80 {
			r.pos++
			return uint32(c)
		}
	}
	return r.u32slow()
}

// skipU32 validates and skips an unsigned LEB128 value of at most 32 bits.
func (r *reader) skipU32() {
	if r.pos < r.end && r.b[r.pos] < 0x80 {
		r.pos++
		return
	}
	r.u32slow()
}

func (r *reader) u32slow() uint32 {
	start := r.pos
	var v uint32
	for i := 0; i < 5; i++ {
		if r.pos >= r.end {
			r.truncated()
			return 0
		}
		c := r.b[r.pos]
		r.pos++
		if i == 4 && c >= 0x10 {
			r.fail(start, "LEB128 overflow in u32")
			return 0
		}
		v |= uint32(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v
		}
	}
	return v // unreachable: the fifth byte either fails or ends
}

// skipSigned validates and skips a signed LEB128 value of the given bit
// width (32, 33 or 64) without materialising it.
func (r *reader) skipSigned(bits int) {
	if r.pos < r.end && r.b[r.pos] < 0x80 {
		r.pos++
		return
	}
	r.signed(bits)
}

// signed decodes a signed LEB128 value of the given bit width.
func (r *reader) signed(bits int) int64 {
	start := r.pos
	maxBytes := (bits + 6) / 7
	var v int64
	shift := 0
	for i := 0; i < maxBytes; i++ {
		if r.pos >= r.end {
			r.truncated()
			return 0
		}
		c := r.b[r.pos]
		r.pos++
		if i == maxBytes-1 {
			// Bits beyond the width must all equal the sign bit.
			used := bits - 7*i // payload bits carried by this byte
			if c >= 0x80 {
				r.fail(start, "LEB128 overflow in s%d", bits)
				return 0
			}
			if used < 7 {
				hi := c >> uint(used-1) // the sign bit and every unused bit
				if hi != 0 && hi != 0x7f>>uint(used-1) {
					r.fail(start, "LEB128 overflow in s%d", bits)
					return 0
				}
			}
		}
		v |= int64(c&0x7f) << uint(shift)
		shift += 7
		if c < 0x80 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << uint(shift)
			}
			return v
		}
	}
	return v
}

// count reads a vector length and checks that count items of at least
// minSize bytes each could fit in the remaining input, so that callers can
// size allocations from it without trusting the declared number.
func (r *reader) count(minSize int) int {
	at := r.pos
	n := r.u32()
	if r.err != nil {
		return 0
	}
	if minSize < 1 {
		minSize = 1
	}
	if uint64(n)*uint64(minSize) > uint64(r.remaining()) {
		r.fail(at, "vector length %d exceeds remaining %d bytes", n, r.remaining())
		return 0
	}
	return int(n)
}

// name reads a length-prefixed byte string.
func (r *reader) name() []byte {
	n := r.count(1)
	return r.take(n)
}

// expectEnd fails if the reader has not consumed its whole range.
func (r *reader) expectEnd(what string) {
	if r.err == nil && r.pos != r.end {
		r.fail(r.pos, "%d trailing bytes in %s", r.end-r.pos, what)
	}
}
