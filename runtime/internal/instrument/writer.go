package instrument

// writer accumulates the output module in one growing buffer.
type writer struct {
	b []byte
}

func (w *writer) byte(c byte) { w.b = append(w.b, c) }

func (w *writer) bytes(p []byte) { w.b = append(w.b, p...) }

func (w *writer) u32(v uint32) { w.b = appendU32(w.b, v) }

func (w *writer) name(s string) {
	w.u32(uint32(len(s)))
	w.b = append(w.b, s...)
}

// reserve starts a size-prefixed region (a section, subsection or body
// whose length is not known yet) and returns its mark for closeSized.
func (w *writer) reserve() int {
	mark := len(w.b)
	w.b = append(w.b, 0, 0, 0, 0, 0)
	return mark
}

// closeSized writes the minimal LEB128 length of everything appended since
// reserve and moves the content down over the unused reserved bytes.
func (w *writer) closeSized(mark int) {
	n := len(w.b) - mark - 5
	var tmp [5]byte
	enc := appendU32(tmp[:0], uint32(n))
	copy(w.b[mark:], enc)
	if len(enc) < 5 {
		copy(w.b[mark+len(enc):], w.b[mark+5:])
		w.b = w.b[:len(w.b)-(5-len(enc))]
	}
}

func appendU32(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendS64(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func lenU32(v uint32) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

func lenS64(v int64) int {
	n := 1
	for {
		c := v & 0x7f
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return n
		}
		n++
	}
}
