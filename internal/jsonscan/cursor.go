// Package jsonscan holds what the hand-written JSON readers of hot
// documents share (bus messages, the core module's results): a cursor over
// the bytes and the steps every reader takes.
package jsonscan

// Cursor is a position in a JSON document: B[I:] is still to read.
type Cursor struct {
	B []byte
	I int
}

// Space skips white space.
func (c *Cursor) Space() {
	for c.I < len(c.B) {
		switch c.B[c.I] {
		case ' ', '\t', '\n', '\r':
			c.I++
		default:
			return
		}
	}
}

// Next skips space and reports whether the next byte is b, taking it.
func (c *Cursor) Next(b byte) bool {
	c.Space()
	if c.I < len(c.B) && c.B[c.I] == b {
		c.I++
		return true
	}
	return false
}

// Peek skips space and returns the next byte, or 0 at the end.
func (c *Cursor) Peek() byte {
	c.Space()
	if c.I < len(c.B) {
		return c.B[c.I]
	}
	return 0
}

// End reports whether only space is left.
func (c *Cursor) End() bool {
	c.Space()
	return c.I == len(c.B)
}

// Null takes a null literal if one comes next.
func (c *Cursor) Null() bool {
	c.Space()
	if len(c.B)-c.I >= 4 && string(c.B[c.I:c.I+4]) == "null" {
		c.I += 4
		return true
	}
	return false
}

// Array reads an array, calling elem for each element; false when what
// follows is not an array or elem gives up.
func (c *Cursor) Array(elem func() bool) bool {
	if !c.Next('[') {
		return false
	}
	if c.Next(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if !c.Next(',') {
			return c.Next(']')
		}
	}
}
