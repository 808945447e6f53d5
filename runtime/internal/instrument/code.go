package instrument

import (
	"fmt"
	"math"
)

// A patch replaces or extends one instruction of a function body. Bodies
// are decoded once into a list of patches; the rewritten body is then the
// original bytes between patches plus each patch's replacement.
type patch struct {
	at, end int // original instruction range
	kind    uint8
	arg     uint32 // new function index, or fuel region for patchLoop
}

const (
	patchIndex uint8 = iota // opcode byte followed by a new function index
	patchLoop               // loop kept, fuel check appended after it
	patchGrow               // memory.grow replaced by a call to the wrapper
)

// buildPrologue prepares the fuel check around its variable cost:
//
//	global.get $fuel  i64.const COST  i64.sub  global.set $fuel
//	global.get $fuel  i64.const 0  i64.lt_s
//	if  global.get $fuel  call $refill  global.set $fuel  end
func (m *module) buildPrologue() {
	g := appendU32(nil, m.fuelGlobal)
	pre := append([]byte{0x23}, g...)
	m.prologuePre = append(pre, 0x42)
	post := append([]byte{0x7D, 0x24}, g...)
	post = append(post, 0x23)
	post = append(post, g...)
	post = append(post, 0x42, 0x00, 0x53, 0x04, blockEmpty, 0x23)
	post = append(post, g...)
	post = append(post, 0x10)
	post = appendU32(post, m.refillFunc)
	post = append(post, 0x24)
	post = append(post, g...)
	m.prologuePost = append(post, 0x0B)
}

func (m *module) prologueLen(cost int64) int {
	return len(m.prologuePre) + lenS64(cost) + len(m.prologuePost)
}

func (m *module) writePrologue(cost int64) {
	m.w.bytes(m.prologuePre)
	m.w.b = appendS64(m.w.b, cost)
	m.w.bytes(m.prologuePost)
}

// growWrapperBody returns the body of the function that replaces
// memory.grow: it grows, flags failure in weft_oom, and returns the result.
func (m *module) growWrapperBody() []byte {
	b := []byte{
		0x00,       // no locals
		0x20, 0x00, // local.get 0
		0x40, 0x00, // memory.grow 0
		0x22, 0x00, // local.tee 0
		0x41, 0x7F, // i32.const -1
		0x46,             // i32.eq
		0x04, blockEmpty, // if
		0x41, 0x01, // i32.const 1
		0x24, // global.set $oom
	}
	b = appendU32(b, m.oomGlobal)
	return append(b,
		0x0B,       // end
		0x20, 0x00, // local.get 0
		0x0B, // end
	)
}

func (m *module) emitCode(r *reader) error {
	if m.fuel {
		m.buildPrologue()
	}
	m.w.byte(secCode)
	mark := m.w.reserve()
	at := r.pos
	n := r.count(2)
	if r.err == nil && uint32(n) != m.numDefinedFuncs {
		r.fail(at, "%d bodies for %d declared functions", n, m.numDefinedFuncs)
		return m.sectionErr(secCode, r.err)
	}
	total := uint32(n)
	if m.grow {
		total++
	}
	m.w.u32(total)
	for i := 0; i < n && r.err == nil; i++ {
		size := r.u32()
		if int(size) > r.remaining() && r.err == nil {
			r.truncated()
		}
		body := reader{b: r.b, pos: r.pos, end: r.pos + int(size)}
		if r.err != nil {
			break
		}
		r.pos = body.end
		m.rewriteBody(&body)
		if body.err != nil {
			return fmt.Errorf("instrument: code section: function %d: %w", m.numImportedFuncs+uint32(i), body.err)
		}
	}
	r.expectEnd("section")
	if r.err != nil {
		return m.sectionErr(secCode, r.err)
	}
	if m.grow {
		wb := m.growWrapperBody()
		m.w.u32(uint32(len(wb)))
		m.w.bytes(wb)
	}
	m.w.closeSized(mark)
	return nil
}

// rewriteBody decodes one function body (locals and expression) and writes
// its size-prefixed instrumented version.
func (m *module) rewriteBody(r *reader) {
	start := r.pos
	n := r.count(2)
	var locals uint64
	for i := 0; i < n && r.err == nil; i++ {
		locals += uint64(r.u32())
		at := r.pos
		if t := r.u8(); !isValType(t) && r.err == nil {
			r.fail(at, "bad local type %#02x", t)
		}
	}
	if locals > math.MaxUint32 && r.err == nil {
		r.fail(start, "too many locals (%d)", locals)
	}
	exprStart := r.pos
	m.scanBody(r)
	if r.err != nil {
		return
	}

	size := r.end - start
	if m.fuel {
		size += m.prologueLen(m.costs[0])
	}
	for _, p := range m.patches {
		size -= p.end - p.at
		switch p.kind {
		case patchIndex:
			size += 1 + lenU32(p.arg)
		case patchLoop:
			size += p.end - p.at + m.prologueLen(m.costs[p.arg])
		case patchGrow:
			size += 1 + lenU32(m.growFunc)
		}
	}
	m.w.u32(uint32(size))
	m.w.bytes(r.b[start:exprStart])
	if m.fuel {
		m.writePrologue(m.costs[0])
	}
	from := exprStart
	for _, p := range m.patches {
		switch p.kind {
		case patchIndex:
			m.w.bytes(r.b[from : p.at+1])
			m.w.u32(p.arg)
		case patchLoop:
			m.w.bytes(r.b[from:p.end])
			m.writePrologue(m.costs[p.arg])
		case patchGrow:
			m.w.bytes(r.b[from:p.at])
			m.w.byte(0x10)
			m.w.u32(m.growFunc)
		}
		from = p.end
	}
	m.w.bytes(r.b[from:r.end])
}

// scanBody decodes an expression up to its final end, validating
// immediates, counting instructions per fuel region (costs[0] is the
// function body, costs[k] the k-th loop body) and collecting patches.
func (m *module) scanBody(r *reader) {
	m.patches = m.patches[:0]
	m.costs = append(m.costs[:0], 0)
	m.frames = append(m.frames[:0], 0)
	region := 0
	b := r.b
	for r.pos < r.end {
		at := r.pos
		op := b[at]
		r.pos++
		m.costs[region]++
		switch opImm[op] {
		case immNone:
		case immBlock:
			m.blockType(r)
			m.frames = append(m.frames, int32(region))
		case immLoop:
			m.blockType(r)
			m.frames = append(m.frames, int32(region))
			region = len(m.costs)
			m.costs = append(m.costs, 0)
			if m.fuel {
				m.patches = append(m.patches, patch{at: at, end: r.pos, kind: patchLoop, arg: uint32(region)})
			}
		case immEnd:
			top := len(m.frames) - 1
			region = int(m.frames[top])
			m.frames = m.frames[:top]
			if top == 0 {
				if r.pos != r.end {
					r.fail(r.pos, "%d bytes after the end of the function body", r.end-r.pos)
				}
				return
			}
		case immU32:
			r.skipU32()
		case immBrTable:
			c := r.count(1)
			for i := 0; i <= c && r.err == nil; i++ {
				r.skipU32()
			}
		case immCall, immRefFunc:
			idx := r.u32()
			if idx >= m.numFuncs {
				if r.err == nil {
					r.fail(at, "function index %d out of range (%d functions)", idx, m.numFuncs)
				}
			} else if m.shift != 0 && idx >= m.numImportedFuncs {
				m.patches = append(m.patches, patch{at: at, end: r.pos, kind: patchIndex, arg: idx + m.shift})
			}
		case immCallIndirect:
			t := r.u32()
			if t >= m.numTypes && r.err == nil {
				r.fail(at, "type index %d out of range", t)
			}
			r.skipU32()
		case immSelectT:
			c := r.count(1)
			for i := 0; i < c && r.err == nil; i++ {
				if t := r.u8(); !isValType(t) && r.err == nil {
					r.fail(r.pos-1, "bad value type %#02x", t)
				}
			}
		case immGlobal:
			if g := r.u32(); g >= m.numGlobals && r.err == nil {
				r.fail(at, "global index %d out of range (%d globals)", g, m.numGlobals)
			}
		case immTableSet:
			r.skipU32()
			m.out.Resettable = false
		case immMemarg:
			m.memarg(r)
		case immMemSize:
			m.memIndex(r)
		case immMemGrow:
			m.memIndex(r)
			if m.grow {
				m.patches = append(m.patches, patch{at: at, end: r.pos, kind: patchGrow})
			}
		case immI32:
			r.skipSigned(32)
		case immI64:
			r.skipSigned(64)
		case immF32:
			r.skip(4)
		case immF64:
			r.skip(8)
		case immRefNull:
			if t := r.u8(); !isRefType(t) && r.err == nil {
				r.fail(at+1, "bad reference type %#02x", t)
			}
		case immPrefixFC:
			m.prefixFC(r, at)
		case immPrefixFD:
			m.prefixFD(r, at)
		case immPrefixFE:
			r.failKind(ErrUnsupported, at, "threads instruction (0xfe prefix)")
		case immUnsupported:
			r.failKind(ErrUnsupported, at, "instruction %#02x (exception handling, function references or GC)", op)
		default:
			r.fail(at, "unknown opcode %#02x", op)
		}
	}
	if r.err == nil {
		r.fail(r.pos, "function body not terminated by end")
	}
}

func (m *module) blockType(r *reader) {
	if r.pos >= r.end {
		r.truncated()
		return
	}
	if c := r.b[r.pos]; c == blockEmpty || isValType(c) {
		r.pos++
		return
	}
	at := r.pos
	v := r.signed(33)
	if r.err == nil && (v < 0 || v >= int64(m.numTypes)) {
		if v < 0 {
			r.fail(at, "bad block type %#02x", r.b[at])
		} else {
			r.fail(at, "block type index %d out of range", v)
		}
	}
}

func (m *module) memarg(r *reader) {
	if r.pos < r.end && r.b[r.pos] < 0x40 {
		r.pos++ // the usual one-byte alignment without a memory index
	} else {
		at := r.pos
		if align := r.u32(); align >= 0x40 && r.err == nil {
			r.failKind(ErrUnsupported, at, "memory index in memarg (multiple memories)")
		}
	}
	r.skipU32()
}

func (m *module) memIndex(r *reader) {
	at := r.pos
	if idx := r.u32(); idx != 0 && r.err == nil {
		r.failKind(ErrUnsupported, at, "memory index %d (multiple memories)", idx)
	}
}

func (m *module) prefixFC(r *reader, at int) {
	sub := r.u32()
	if r.err != nil {
		return
	}
	if sub >= uint32(len(fcOps)) {
		r.fail(at, "unknown opcode 0xfc %d", sub)
		return
	}
	op := fcOps[sub]
	switch op.imm {
	case fcOneIdx:
		r.skipU32()
	case fcTwoIdx:
		r.skipU32()
		r.skipU32()
	}
	if op.mutating {
		m.out.Resettable = false
	}
}

func (m *module) prefixFD(r *reader, at int) {
	sub := r.u32()
	if r.err != nil {
		return
	}
	imm := simdInvalid
	if sub < uint32(len(simdImm)) {
		imm = simdImm[sub]
	}
	switch imm {
	case simdNone:
	case simdMemarg:
		m.memarg(r)
	case simdBytes16:
		r.skip(16)
	case simdLane:
		r.skip(1)
	case simdMemargLane:
		m.memarg(r)
		r.skip(1)
	default:
		r.fail(at, "unknown opcode 0xfd %d", sub)
	}
}
