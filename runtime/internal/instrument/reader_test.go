package instrument

import (
	"math"
	"testing"
)

func TestReader_LEB128(t *testing.T) {
	u32 := []struct {
		in   []byte
		want uint32
		ok   bool
	}{
		{[]byte{0}, 0, true},
		{[]byte{0x7f}, 127, true},
		{[]byte{0x80, 0x01}, 128, true},
		{[]byte{0x80, 0x00}, 0, true}, // padded encodings are allowed
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x0f}, math.MaxUint32, true},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x1f}, 0, false},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 0, false},
		{[]byte{0x80}, 0, false},
	}
	for _, tc := range u32 {
		r := &reader{b: tc.in, end: len(tc.in)}
		got := r.u32()
		if (r.err == nil) != tc.ok || (tc.ok && (got != tc.want || r.pos != len(tc.in))) {
			t.Errorf("u32(% x) = %d, %v", tc.in, got, r.err)
		}
	}
	signed := []struct {
		bits int
		in   []byte
		want int64
		ok   bool
	}{
		{32, []byte{0x7f}, -1, true},
		{32, []byte{0x3f}, 63, true},
		{32, []byte{0x40}, -64, true},
		{32, []byte{0x80, 0x80, 0x80, 0x80, 0x78}, math.MinInt32, true},
		{32, []byte{0xff, 0xff, 0xff, 0xff, 0x07}, math.MaxInt32, true},
		{32, []byte{0xff, 0xff, 0xff, 0xff, 0x0f}, 0, false},
		{32, []byte{0x80, 0x80, 0x80, 0x80, 0x70}, 0, false},
		{33, []byte{0xff, 0xff, 0xff, 0xff, 0x0f}, math.MaxUint32, true},
		{33, []byte{0x80, 0x80, 0x80, 0x80, 0x70}, -(1 << 32), true},
		{33, []byte{0x80, 0x80, 0x80, 0x80, 0x20}, 0, false},
		{64, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, math.MinInt64, true},
		{64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}, math.MaxInt64, true},
		{64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 0, false},
		{64, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 0, false},
	}
	for _, tc := range signed {
		r := &reader{b: tc.in, end: len(tc.in)}
		got := r.signed(tc.bits)
		if (r.err == nil) != tc.ok || (tc.ok && (got != tc.want || r.pos != len(tc.in))) {
			t.Errorf("s%d(% x) = %d, %v", tc.bits, tc.in, got, r.err)
		}
	}
}

func TestWriter_RoundTrip(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 63, 64, -64, -65, math.MaxInt32, math.MinInt64, math.MaxInt64} {
		b := appendS64(nil, v)
		if len(b) != lenS64(v) {
			t.Errorf("lenS64(%d) = %d, encoded %d bytes", v, lenS64(v), len(b))
		}
		r := &reader{b: b, end: len(b)}
		if got := r.signed(64); got != v || r.err != nil {
			t.Errorf("s64 round trip %d -> % x -> %d (%v)", v, b, got, r.err)
		}
	}
	for _, v := range []uint32{0, 127, 128, 1 << 20, math.MaxUint32} {
		b := appendU32(nil, v)
		r := &reader{b: b, end: len(b)}
		if got := r.u32(); got != v || len(b) != lenU32(v) {
			t.Errorf("u32 round trip %d -> % x -> %d", v, b, got)
		}
	}
	w := &writer{}
	w.byte(9)
	mark := w.reserve()
	w.bytes(make([]byte, 200))
	w.closeSized(mark)
	if len(w.b) != 1+2+200 || w.b[1] != 0xc8 || w.b[2] != 0x01 {
		t.Errorf("closeSized: % x", w.b[:4])
	}
}
