package instrument

import "fmt"

// Names given to the injected functions in a rewritten name section.
const (
	refillDebugName = ImportModule + "." + ImportRefill
	growDebugName   = "weft_memory_grow"
)

// emitCustom copies custom sections unchanged, except the "name" section
// whose function-indexed subsections are renumbered when indices shift.
func (m *module) emitCustom(s *section) error {
	r := &reader{b: m.in, pos: s.start, end: s.end}
	name := r.name()
	if r.err != nil {
		return m.sectionErr(secCustom, r.err)
	}
	if string(name) != "name" {
		m.w.bytes(m.in[s.hdr:s.end])
		return nil
	}
	m.emitNames(r)
	return nil
}

// emitNames rewrites the name section: function names (subsection 1),
// local names (2) and label names (3) are keyed by function index and get
// renumbered, and the injected functions are given names. The module name
// (0) is checked and other subsections are copied. A name section that
// does not decode is dropped rather than copied: its indices could not be
// renumbered, its declared lengths could make a later decoder allocate
// without bound, and the module itself does not depend on it.
func (m *module) emitNames(r *reader) {
	rollback := len(m.w.b)
	m.w.byte(secCustom)
	mark := m.w.reserve()
	m.w.name("name")
	for r.pos < r.end && r.err == nil {
		subAt := r.pos
		id := r.u8()
		size := r.u32()
		if int(size) > r.remaining() && r.err == nil {
			r.truncated()
		}
		if r.err != nil {
			break
		}
		sub := &reader{b: r.b, pos: r.pos, end: r.pos + int(size)}
		r.pos = sub.end
		switch id {
		case 0:
			sub.name()
			m.w.bytes(r.b[subAt:sub.end])
		case 1:
			m.w.byte(id)
			subMark := m.w.reserve()
			m.functionNames(sub)
			m.w.closeSized(subMark)
		case 2, 3:
			m.w.byte(id)
			subMark := m.w.reserve()
			m.indirectNames(sub)
			m.w.closeSized(subMark)
		default:
			m.w.bytes(r.b[subAt:sub.end])
		}
		sub.expectEnd(fmt.Sprintf("name subsection %d", id))
		if sub.err != nil {
			r.err = sub.err
		}
	}
	if r.err != nil {
		m.w.b = m.w.b[:rollback]
		return
	}
	m.w.closeSized(mark)
}

// functionNames renumbers a function name map and inserts entries for the
// refill import (in index order) and the memory.grow wrapper (last).
func (m *module) functionNames(r *reader) {
	n := r.count(2)
	added := 0
	if m.fuel {
		added++
	}
	if m.grow {
		added++
	}
	m.w.u32(uint32(n + added))
	refillDone := !m.fuel
	for i := 0; i < n && r.err == nil; i++ {
		at := r.pos
		idx := r.u32()
		name := r.name()
		if r.err != nil {
			return
		}
		if !refillDone && idx >= m.numImportedFuncs {
			m.w.u32(m.refillFunc)
			m.w.name(refillDebugName)
			refillDone = true
		}
		m.w.u32(m.mapFunc(r, at, idx))
		m.w.u32(uint32(len(name)))
		m.w.bytes(name)
	}
	if !refillDone {
		m.w.u32(m.refillFunc)
		m.w.name(refillDebugName)
	}
	if m.grow {
		m.w.u32(m.growFunc)
		m.w.name(growDebugName)
	}
}

// indirectNames renumbers the outer function indices of an indirect name
// map (local or label names); the inner maps are copied.
func (m *module) indirectNames(r *reader) {
	n := r.count(2)
	m.w.u32(uint32(n))
	for i := 0; i < n && r.err == nil; i++ {
		at := r.pos
		m.w.u32(m.mapFunc(r, at, r.u32()))
		inner := r.pos
		c := r.count(2)
		for j := 0; j < c && r.err == nil; j++ {
			r.skipU32()
			r.name()
		}
		m.w.bytes(r.b[inner:r.pos])
	}
}
