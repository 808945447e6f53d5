package instrument

import (
	"bytes"
	"strconv"
)

// decodeTypes records the number of types and looks for existing
// (i64)->(i64) and (i32)->(i32) types to reuse for the injected functions.
func (m *module) decodeTypes(r *reader) {
	n := r.count(3)
	m.typeEntries[0] = r.pos
	for i := 0; i < n && r.err == nil; i++ {
		at := r.pos
		switch form := r.u8(); form {
		case 0x60:
		case 0x4E, 0x4F, 0x50, 0x5E, 0x5F:
			r.failKind(ErrUnsupported, at, "GC type form %#02x", form)
		default:
			r.fail(at, "type %d: bad function type form %#02x", i, form)
		}
		for k := 0; k < 2; k++ {
			c := r.count(1)
			for j := 0; j < c; j++ {
				vAt := r.pos
				if t := r.u8(); !isValType(t) && r.err == nil {
					r.fail(vAt, "type %d: bad value type %#02x", i, t)
				}
			}
		}
		entry := r.b[at:r.pos]
		switch {
		case m.refillType == noType && bytes.Equal(entry, []byte{0x60, 1, typeI64, 1, typeI64}):
			m.refillType = uint32(i)
		case m.growType == noType && bytes.Equal(entry, []byte{0x60, 1, typeI32, 1, typeI32}):
			m.growType = uint32(i)
		}
	}
	m.typeEntries[1] = r.pos
	m.numTypes = uint32(n)
}

func (m *module) emitTypes(s *section) {
	m.w.byte(secType)
	mark := m.w.reserve()
	m.w.u32(m.numTypes + uint32(len(m.newTypes)/5))
	m.w.bytes(m.in[m.typeEntries[0]:m.typeEntries[1]])
	m.w.bytes(m.newTypes)
	m.w.closeSized(mark)
}

// limits decodes table or memory limits and returns flags, min and max.
func (r *reader) limits(memory bool) (flags byte, min, max uint32) {
	at := r.pos
	flags = r.u8()
	switch {
	case flags <= 1:
	case memory && (flags == 2 || flags == 3):
		r.failKind(ErrUnsupported, at, "shared memory")
	case flags >= 4 && flags <= 7:
		r.failKind(ErrUnsupported, at, "64-bit memory or table (limits flags %#02x)", flags)
	default:
		r.fail(at, "bad limits flags %#02x", flags)
	}
	min = r.u32()
	if flags&1 != 0 {
		max = r.u32()
		if max < min && r.err == nil {
			r.fail(at, "limits maximum %d below minimum %d", max, min)
		}
	}
	return flags, min, max
}

func (m *module) decodeImports(r *reader) {
	n := r.count(4)
	m.importEntries[0] = r.pos
	for i := 0; i < n && r.err == nil; i++ {
		at := r.pos
		mod := r.name()
		field := r.name()
		if r.err == nil && string(mod) == ImportModule && string(field) == ImportRefill {
			r.failKind(ErrReserved, at, "imports reserved %s.%s", ImportModule, ImportRefill)
		}
		kindAt := r.pos
		switch kind := r.u8(); kind {
		case 0:
			tAt := r.pos
			if t := r.u32(); t >= m.numTypes && r.err == nil {
				r.fail(tAt, "import %d: type index %d out of range", i, t)
			}
			m.numImportedFuncs++
		case 1:
			if t := r.u8(); !isRefType(t) && r.err == nil {
				r.fail(kindAt+1, "import %d: bad table element type %#02x", i, t)
			}
			r.limits(false)
		case 2:
			r.limits(true)
			m.numMemories++
		case 3:
			if t := r.u8(); !isValType(t) && r.err == nil {
				r.fail(kindAt+1, "import %d: bad global type %#02x", i, t)
			}
			if mut := r.u8(); mut > 1 && r.err == nil {
				r.fail(kindAt+2, "import %d: bad global mutability %#02x", i, mut)
			}
			m.numImportedGlobals++
		case 4:
			r.failKind(ErrUnsupported, kindAt, "tag import (exception handling)")
		default:
			r.fail(kindAt, "import %d: bad import kind %#02x", i, kind)
		}
	}
	m.importEntries[1] = r.pos
	m.numImports = uint32(n)
}

func (m *module) emitImports(s *section, synthetic bool) {
	if !m.fuel && !synthetic {
		m.w.bytes(m.in[s.hdr:s.end])
		return
	}
	m.w.byte(secImport)
	mark := m.w.reserve()
	n := m.numImports
	if m.fuel {
		n++
	}
	m.w.u32(n)
	m.w.bytes(m.in[m.importEntries[0]:m.importEntries[1]])
	if m.fuel {
		m.w.name(ImportModule)
		m.w.name(ImportRefill)
		m.w.byte(0)
		m.w.u32(m.refillType)
	}
	m.w.closeSized(mark)
}

func (m *module) decodeFunctions(r *reader) {
	n := r.count(1)
	m.funcEntries[0] = r.pos
	for i := 0; i < n && r.err == nil; i++ {
		at := r.pos
		if t := r.u32(); t >= m.numTypes && r.err == nil {
			r.fail(at, "function %d: type index %d out of range", i, t)
		}
	}
	m.funcEntries[1] = r.pos
	m.numDefinedFuncs = uint32(n)
}

func (m *module) emitFunctions(s *section, synthetic bool) {
	if !m.grow && !synthetic {
		m.w.bytes(m.in[s.hdr:s.end])
		return
	}
	m.w.byte(secFunction)
	mark := m.w.reserve()
	n := m.numDefinedFuncs
	if m.grow {
		n++
	}
	m.w.u32(n)
	m.w.bytes(m.in[m.funcEntries[0]:m.funcEntries[1]])
	if m.grow {
		m.w.u32(m.growType)
	}
	m.w.closeSized(mark)
}

func (m *module) decodeMemory(r *reader) {
	at := r.pos
	n := r.count(2)
	if n == 0 {
		return
	}
	if uint32(n)+m.numMemories > 1 && r.err == nil {
		r.failKind(ErrUnsupported, at, "multiple memories")
		return
	}
	m.numMemories++
	m.memFlags, m.memMin, m.memMax = r.limits(true)
	m.out.HasMemory = true
	if c := m.cfg.MaxMemoryPages; c > 0 && (m.memFlags&1 == 0 || m.memMax > c) {
		m.memFlags, m.memMax = 1, c
	}
	m.out.MemoryMinPages = m.memMin
	if m.memFlags&1 != 0 {
		m.out.MemoryMaxPages = m.memMax
	}
}

func (m *module) emitMemory(s *section) {
	if !m.out.HasMemory || m.cfg.MaxMemoryPages == 0 {
		m.w.bytes(m.in[s.hdr:s.end])
		return
	}
	m.w.byte(secMemory)
	mark := m.w.reserve()
	m.w.u32(1)
	m.w.byte(m.memFlags)
	m.w.u32(m.memMin)
	if m.memFlags&1 != 0 {
		m.w.u32(m.memMax)
	}
	m.w.closeSized(mark)
}

// constExpr copies a constant expression, renumbering ref.func.
func (m *module) constExpr(r *reader) {
	from := r.pos
	for r.err == nil {
		at := r.pos
		switch op := r.u8(); op {
		case 0x0B:
			m.w.bytes(r.b[from:r.pos])
			return
		case 0x41:
			r.skipSigned(32)
		case 0x42:
			r.skipSigned(64)
		case 0x43:
			r.skip(4)
		case 0x44:
			r.skip(8)
		case 0x23:
			r.skipU32()
		case 0xD0:
			if t := r.u8(); !isRefType(t) && r.err == nil {
				r.fail(at+1, "bad reference type %#02x", t)
			}
		case 0xD2:
			idx := m.mapFunc(r, at, r.u32())
			m.w.bytes(r.b[from:at])
			m.w.byte(0xD2)
			m.w.u32(idx)
			from = r.pos
		case 0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E: // extended-const add/sub/mul
		case 0xFD:
			if sub := r.u32(); sub != 12 && r.err == nil {
				r.fail(at, "instruction 0xfd %d not allowed in a constant expression", sub)
			}
			r.skip(16)
		default:
			if r.err == nil {
				r.fail(at, "instruction %#02x not allowed in a constant expression", op)
			}
		}
	}
}

func (m *module) emitGlobals(r *reader) {
	m.w.byte(secGlobal)
	mark := m.w.reserve()
	n := r.count(3)
	added := uint32(0)
	if m.fuel {
		added++
	}
	if m.grow {
		added++
	}
	m.w.u32(uint32(n) + added)
	for i := 0; i < n && r.err == nil; i++ {
		at := r.pos
		t := r.u8()
		mut := r.u8()
		if r.err == nil && (!isValType(t) || mut > 1) {
			r.fail(at, "global %d: bad global type %#02x %#02x", i, t, mut)
		}
		if mut == 1 {
			m.mutGlobals = append(m.mutGlobals, m.numImportedGlobals+uint32(i))
		}
		m.w.byte(t)
		m.w.byte(mut)
		m.constExpr(r)
	}
	m.numGlobals = m.numImportedGlobals + uint32(n)
	m.placeGlobals()
	if m.fuel {
		m.w.bytes([]byte{typeI64, 1, 0x42, 0, 0x0B})
	}
	if m.grow {
		m.w.bytes([]byte{typeI32, 1, 0x41, 0, 0x0B})
	}
	m.w.closeSized(mark)
}

// isReservedExport reports whether name is one the rewrite may inject.
func isReservedExport(name []byte) bool {
	s := string(name)
	if s == FuelExport || s == OOMExport {
		return true
	}
	if len(s) <= len(GlobalExportPrefix) || s[:len(GlobalExportPrefix)] != GlobalExportPrefix {
		return false
	}
	for _, c := range s[len(GlobalExportPrefix):] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (m *module) emitExports(r *reader) {
	m.w.byte(secExport)
	mark := m.w.reserve()
	n := r.count(3)
	m.out.GlobalExports = make([]string, len(m.mutGlobals))
	for i, g := range m.mutGlobals {
		m.out.GlobalExports[i] = GlobalExportPrefix + strconv.FormatUint(uint64(g), 10)
	}
	added := len(m.mutGlobals)
	if m.fuel {
		added++
	}
	if m.grow {
		added++
	}
	m.w.u32(uint32(n + added))
	for i := 0; i < n && r.err == nil; i++ {
		at := r.pos
		name := r.name()
		if r.err == nil && isReservedExport(name) {
			r.failKind(ErrReserved, at, "export %q collides with an injected name", name)
		}
		kindAt := r.pos
		kind := r.u8()
		idx := r.u32()
		m.w.bytes(r.b[at:kindAt])
		m.w.byte(kind)
		switch kind {
		case 0:
			idx = m.mapFunc(r, kindAt+1, idx)
		case 1, 2, 3:
		case 4:
			r.failKind(ErrUnsupported, kindAt, "tag export (exception handling)")
		default:
			if r.err == nil {
				r.fail(kindAt, "export %d: bad export kind %#02x", i, kind)
			}
		}
		m.w.u32(idx)
	}
	if m.fuel {
		m.w.name(FuelExport)
		m.w.byte(3)
		m.w.u32(m.fuelGlobal)
	}
	if m.grow {
		m.w.name(OOMExport)
		m.w.byte(3)
		m.w.u32(m.oomGlobal)
	}
	for i, g := range m.mutGlobals {
		m.w.name(m.out.GlobalExports[i])
		m.w.byte(3)
		m.w.u32(g)
	}
	m.w.closeSized(mark)
}

func (m *module) emitStart(r *reader) {
	m.w.byte(secStart)
	mark := m.w.reserve()
	at := r.pos
	m.w.u32(m.mapFunc(r, at, r.u32()))
	m.w.closeSized(mark)
}

// emitElements rewrites the function indices of all eight segment
// encodings: flag bit 0 = passive or declarative, bit 1 = explicit table
// index (active) or declarative, bit 2 = expressions instead of indices.
func (m *module) emitElements(r *reader) {
	m.w.byte(secElement)
	mark := m.w.reserve()
	n := r.count(2)
	m.w.u32(uint32(n))
	for i := 0; i < n && r.err == nil; i++ {
		at := r.pos
		flags := r.u32()
		if flags > 7 && r.err == nil {
			r.fail(at, "segment %d: bad element segment flags %d", i, flags)
		}
		m.w.u32(flags)
		if flags&3 == 2 {
			m.w.u32(r.u32()) // table index
		}
		if flags&1 == 0 {
			m.constExpr(r) // offset
		}
		if flags&3 != 0 {
			kAt := r.pos
			k := r.u8()
			if r.err == nil && ((flags&4 == 0 && k != 0) || (flags&4 != 0 && !isRefType(k))) {
				r.fail(kAt, "segment %d: bad element kind %#02x", i, k)
			}
			m.w.byte(k)
		}
		c := r.count(1)
		m.w.u32(uint32(c))
		for j := 0; j < c && r.err == nil; j++ {
			if flags&4 == 0 {
				fAt := r.pos
				m.w.u32(m.mapFunc(r, fAt, r.u32()))
			} else {
				m.constExpr(r)
			}
		}
	}
	m.w.closeSized(mark)
}

// checkTables validates the table section, which is copied unchanged.
func (m *module) checkTables(r *reader) {
	n := r.count(3)
	for i := 0; i < n && r.err == nil; i++ {
		at := r.pos
		if t := r.u8(); !isRefType(t) && r.err == nil {
			r.fail(at, "table %d: bad element type %#02x", i, t)
		}
		r.limits(false)
	}
}

// checkData validates the data section, which is copied unchanged, so that
// no declared length in it runs past the input.
func (m *module) checkData(r *reader) {
	n := r.count(2)
	for i := 0; i < n && r.err == nil; i++ {
		at := r.pos
		switch flags := r.u32(); flags {
		case 0:
			m.skipConstExpr(r)
		case 1:
		case 2:
			r.skipU32()
			m.skipConstExpr(r)
		default:
			if r.err == nil {
				r.fail(at, "segment %d: bad data segment flags %d", i, flags)
			}
		}
		r.take(r.count(1))
	}
}

// skipConstExpr validates a constant expression without emitting it.
func (m *module) skipConstExpr(r *reader) {
	mark := len(m.w.b)
	m.constExpr(r)
	m.w.b = m.w.b[:mark]
}
