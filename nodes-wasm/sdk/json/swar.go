package json

import "math/bits"

// Scanning string contents eight bytes at a time ("SWAR") matters inside a
// WebAssembly guest, where a byte-at-a-time loop costs several times what it
// does natively.

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// load64 reads s[i:i+8] as a little-endian word (the compiler turns it into a
// single load).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// load32 reads s[i:i+4] as a little-endian word.
func load32(s string, i int) uint64 {
	s = s[i : i+4]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
}

// skipDigits returns the smallest j >= i such that s[j] is not an ASCII
// digit (len(s) if there is none).
func skipDigits(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		// A byte's high bit ends up set if it is below '0' or above '9'.
		// Borrows and carries only travel from a marked byte to later ones,
		// so the first marked byte is the first non-digit.
		if t := ((x - '0'*lsb) | (x + (0x7f-'9')*lsb)) & msb; t != 0 {
			return i + bits.TrailingZeros64(t)/8
		}
	}
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// skipPlain returns the smallest j >= i such that s[j] is not printable
// ASCII or is '"' or '\\' (len(s) if there is none), without looking at the
// bytes one by one while they are plain.
func skipPlain(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		// A byte's high bit ends up set if it is < 0x20, == '"', == '\\'
		// or >= 0x80. Borrows only travel from a marked byte to later
		// ones, so the first marked byte is the one to stop at.
		t := ((x - 0x20*lsb) | ((x ^ '"'*lsb) - lsb) | ((x ^ '\\'*lsb) - lsb) | x) & msb
		if t != 0 {
			return i + bits.TrailingZeros64(t)/8
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			break
		}
	}
	return i
}
