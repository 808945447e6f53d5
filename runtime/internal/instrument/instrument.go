// Package instrument rewrites a WebAssembly 2.0 binary before it is
// compiled so that the host can meter execution (fuel), cap linear memory
// and snapshot an instance's mutable state.
//
// The rewrite is additive: one function import, two globals, one helper
// function, up to two types and some exports are appended, and every
// reference to a defined function (calls, ref.func, element segments,
// exports, the start function and the "name" custom section) is renumbered
// to make room for the import. Instructions, data and other custom
// sections are copied byte for byte; only the counts and sizes of
// rewritten sections and bodies are re-encoded. A "name" section that does
// not decode is dropped. The export names FuelExport, OOMExport and
// GlobalExportPrefix followed by digits, and the ImportModule.ImportRefill
// import, are reserved: modules using them are rejected with ErrReserved,
// which also stops a module from being instrumented twice.
//
// # Fuel
//
// With Config.Fuel the module imports ImportModule.ImportRefill, of type
// (param i64) (result i64), and exports a mutable i64 global FuelExport.
// Every function entry and every loop iteration subtracts a cost from it;
// when it drops below zero the module calls refill with the current
// (negative) value and stores the result as the new fuel. The host either
// returns a positive value to continue or fails the call (returns an error
// or panics in a wazero host function) to stop the guest. The host seeds
// the budget by setting the exported global, or simply by letting the first
// function entry call refill.
//
// A cost charged at a point is the number of instructions from that point
// to the end of the enclosing function body or loop body, excluding the
// bodies of nested loops (which charge themselves on every iteration). It
// is therefore an upper bound on the instructions executed per entry into
// that region, so fuel bounds the total work of the guest. The bound is
// loose for code whose loops span most of a function: the Go compiler, for
// one, wraps each function body in a dispatch loop, so every jump back
// charges for the whole body.
//
// # Memory
//
// When the module has a linear memory, every memory.grow is routed through
// an appended function that sets the exported i32 global OOMExport to 1
// when growth fails, so the host can tell "the guest hit its memory cap"
// from other traps. With Config.MaxMemoryPages the defined memory's maximum
// is lowered to the cap.
//
// # Snapshots
//
// Every mutable global the module defines is exported as GlobalExportPrefix
// followed by its index, so that memory plus these globals capture the
// instance state (see Output.Resettable for when that is not enough).
package instrument

import (
	"fmt"
)

// Names of everything the rewrite injects. Hosts use them to provide the
// refill import and to find the injected exports.
const (
	// ImportModule is the module name of the injected refill import.
	ImportModule = "weft_v1"
	// ImportRefill is the field name of the injected refill import, of type
	// (param i64) (result i64): it receives the current, negative fuel and
	// returns the new fuel.
	ImportRefill = "refill"
	// FuelExport names the exported mutable i64 global holding the
	// remaining fuel.
	FuelExport = "weft_fuel"
	// OOMExport names the exported mutable i32 global that becomes 1 after
	// a memory.grow failed.
	OOMExport = "weft_oom"
	// GlobalExportPrefix prefixes the export names given to the module's
	// own mutable globals: "weft_g" + decimal global index.
	GlobalExportPrefix = "weft_g"
)

// maxInput bounds the input size so every size in the output fits the
// binary format's u32 fields even after worst-case growth.
const maxInput = 256 << 20

// Config selects what Instrument injects.
type Config struct {
	// Fuel injects fuel metering (the refill import and weft_fuel global).
	Fuel bool
	// MaxMemoryPages caps the maximum of the module's defined memory, in
	// 64 KiB pages. Zero leaves the declared maximum alone.
	MaxMemoryPages uint32
}

// Output is the rewritten module and what the host needs to know about it.
type Output struct {
	// Wasm is the instrumented binary, ready for wazero to compile.
	Wasm []byte
	// Resettable is false when code mutates tables or drops segments
	// (table.set/grow/fill/copy/init, elem.drop, data.drop). Such instances
	// cannot be restored from a snapshot of memory and globals alone.
	Resettable bool
	// GlobalExports lists the export names given to each mutable global
	// the module defines, in global index order.
	GlobalExports []string
	// MemoryMinPages and MemoryMaxPages describe the defined memory after
	// capping. MemoryMaxPages is 0 when the memory is unbounded (no cap and
	// no declared maximum). Both are 0 when no memory is defined.
	MemoryMinPages, MemoryMaxPages uint32
	// HasMemory reports whether the module defines a memory. An imported
	// memory belongs to the host and is neither capped nor reported here.
	HasMemory bool
}

// MemoryTooLargeError is returned when the defined memory's initial size
// already exceeds Config.MaxMemoryPages, so the module could never start.
type MemoryTooLargeError struct {
	// DeclaredPages is the memory's initial size in 64 KiB pages.
	DeclaredPages uint32
	// CapPages is the configured Config.MaxMemoryPages.
	CapPages uint32
}

// Error describes both sizes, in MiB when they are whole MiB.
func (e *MemoryTooLargeError) Error() string {
	return fmt.Sprintf("initial memory %s exceeds limit %s", pagesSize(e.DeclaredPages), pagesSize(e.CapPages))
}

func pagesSize(pages uint32) string {
	if pages%16 == 0 {
		return fmt.Sprintf("%d MiB", pages/16)
	}
	return fmt.Sprintf("%d KiB", uint64(pages)*64)
}

// Section ids.
const (
	secCustom    = 0
	secType      = 1
	secImport    = 2
	secFunction  = 3
	secTable     = 4
	secMemory    = 5
	secGlobal    = 6
	secExport    = 7
	secStart     = 8
	secElement   = 9
	secCode      = 10
	secData      = 11
	secDataCount = 12
	secTag       = 13
)

var sectionNames = [...]string{
	"custom", "type", "import", "function", "table", "memory", "global",
	"export", "start", "element", "code", "data", "data count", "tag",
}

// sectionRank is the required relative order of non-custom sections.
var sectionRank = [...]int{
	secType: 1, secImport: 2, secFunction: 3, secTable: 4, secMemory: 5,
	secTag: 6, secGlobal: 7, secExport: 8, secStart: 9, secElement: 10,
	secDataCount: 11, secCode: 12, secData: 13,
}

// rankOrder lists the non-custom sections the rewrite may have to create,
// in binary order.
var rankOrder = [...]byte{secType, secImport, secFunction, secGlobal, secExport, secCode}

type section struct {
	id         byte
	hdr        int // offset of the id byte
	start, end int // content range
}

// module holds the decoding state and the output of one Instrument call.
type module struct {
	in  []byte
	cfg Config
	w   writer
	out Output

	secs    []section
	present [14]*section

	typeEntries, importEntries, funcEntries [2]int // raw entry ranges
	numTypes                                uint32
	refillType, growType                    uint32
	newTypes                                []byte
	numImports                              uint32
	numImportedFuncs                        uint32
	numImportedGlobals                      uint32
	numMemories                             uint32
	numDefinedFuncs                         uint32
	memFlags                                byte
	memMin, memMax                          uint32
	numFuncs, numGlobals                    uint32
	fuelGlobal, oomGlobal                   uint32
	mutGlobals                              []uint32
	fuel, grow                              bool // inject fuel; wrap memory.grow
	shift                                   uint32
	refillFunc, growFunc                    uint32
	prologuePre, prologuePost               []byte

	// Scratch reused across function bodies.
	patches []patch
	costs   []int64
	frames  []int32
}

// Instrument decodes wasm, validates the parts it rewrites and returns the
// instrumented module. The input slice is not modified. Errors wrap
// ErrMalformed, ErrUnsupported or ErrReserved, or are a
// *MemoryTooLargeError, and name the section, function and byte offset.
func Instrument(wasm []byte, cfg Config) (*Output, error) {
	if len(wasm) > maxInput {
		return nil, fmt.Errorf("instrument: %w: module of %d bytes exceeds %d", ErrUnsupported, len(wasm), maxInput)
	}
	m := &module{in: wasm, cfg: cfg, fuel: cfg.Fuel, refillType: noType, growType: noType}
	m.out.Resettable = true
	if err := m.decodeLayout(); err != nil {
		return nil, err
	}
	m.w.b = make([]byte, 0, len(wasm)+len(wasm)/4+512)
	if err := m.emit(); err != nil {
		return nil, err
	}
	m.out.Wasm = m.w.b
	return &m.out, nil
}

func (m *module) sectionErr(id byte, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("instrument: %s section: %w", sectionNames[id], err)
}

// decodeLayout reads the header and section table, then the sections whose
// contents decide what must be injected before anything is written.
func (m *module) decodeLayout() error {
	r := &reader{b: m.in, end: len(m.in)}
	hdr := r.take(8)
	if r.err != nil || string(hdr[:4]) != "\x00asm" {
		return fmt.Errorf("instrument: offset 0x0: %w: bad magic number", ErrMalformed)
	}
	if string(hdr[4:]) != "\x01\x00\x00\x00" {
		return fmt.Errorf("instrument: offset 0x4: %w: unsupported version % x", ErrMalformed, hdr[4:])
	}
	lastRank := 0
	for r.pos < r.end && r.err == nil {
		hdrAt := r.pos
		id := r.u8()
		size := r.u32()
		if r.err != nil {
			break
		}
		if int(size) > r.remaining() {
			r.fail(hdrAt, "section %d of %d bytes exceeds remaining %d", id, size, r.remaining())
			break
		}
		s := section{id: id, hdr: hdrAt, start: r.pos, end: r.pos + int(size)}
		r.pos = s.end
		switch {
		case id == secTag:
			r.failKind(ErrUnsupported, hdrAt, "tag section (exception handling)")
		case id > secTag:
			r.fail(hdrAt, "unknown section id %d", id)
		case id != secCustom:
			rank := sectionRank[id]
			if rank <= lastRank {
				r.fail(hdrAt, "%s section out of order or duplicated", sectionNames[id])
			}
			lastRank = rank
		}
		m.secs = append(m.secs, s)
		if r.err == nil {
			// Sections that decide what to inject are decoded as they come,
			// so errors surface in file order.
			if err := m.decodeEarly(&s); err != nil {
				return err
			}
		}
	}
	if r.err != nil {
		return fmt.Errorf("instrument: %w", r.err)
	}
	for i := range m.secs {
		if id := m.secs[i].id; id != secCustom {
			m.present[id] = &m.secs[i]
		}
	}
	if m.numDefinedFuncs > 0 && m.present[secCode] == nil {
		return fmt.Errorf("instrument: %w: %d functions declared but code section missing", ErrMalformed, m.numDefinedFuncs)
	}
	if m.present[secMemory] != nil && m.cfg.MaxMemoryPages > 0 && m.memMin > m.cfg.MaxMemoryPages {
		return &MemoryTooLargeError{DeclaredPages: m.memMin, CapPages: m.cfg.MaxMemoryPages}
	}
	m.plan()
	return nil
}

// decodeEarly decodes the type, import, function and memory sections.
func (m *module) decodeEarly(s *section) error {
	var decode func(*reader)
	switch s.id {
	case secType:
		decode = m.decodeTypes
	case secImport:
		decode = m.decodeImports
	case secFunction:
		decode = m.decodeFunctions
	case secMemory:
		decode = m.decodeMemory
	default:
		return nil
	}
	r := &reader{b: m.in, pos: s.start, end: s.end}
	decode(r)
	r.expectEnd("section")
	return m.sectionErr(s.id, r.err)
}

// plan fixes the indices of everything injected.
func (m *module) plan() {
	m.grow = m.numMemories > 0
	m.numFuncs = m.numImportedFuncs + m.numDefinedFuncs
	if m.fuel {
		m.shift = 1
		m.refillFunc = m.numImportedFuncs
		if m.refillType == noType {
			m.refillType = m.addType(typeI64)
		}
	}
	if m.grow {
		m.growFunc = m.numFuncs + m.shift
		if m.growType == noType {
			m.growType = m.addType(typeI32)
		}
	}
	m.numGlobals = m.numImportedGlobals
	m.placeGlobals()
}

const noType = ^uint32(0)

// emptyVector is the content of a created section: a zero count.
var emptyVector = []byte{0}

// addType appends the type (param t) (result t) and returns its index.
func (m *module) addType(t byte) uint32 {
	m.newTypes = append(m.newTypes, 0x60, 1, t, 1, t)
	return m.numTypes + uint32(len(m.newTypes)/5) - 1
}

// placeGlobals assigns the injected globals the indices after the module's.
func (m *module) placeGlobals() {
	m.fuelGlobal = m.numGlobals
	m.oomGlobal = m.numGlobals
	if m.fuel {
		m.oomGlobal++
	}
}

// mapFunc translates a function index of the input into the output's
// index space, failing on indices outside the module.
func (m *module) mapFunc(r *reader, at int, idx uint32) uint32 {
	if idx >= m.numFuncs {
		if r.err == nil {
			r.fail(at, "function index %d out of range (%d functions)", idx, m.numFuncs)
		}
		return 0
	}
	if idx >= m.numImportedFuncs {
		idx += m.shift
	}
	return idx
}

// needed reports whether a section absent from the input must be created.
func (m *module) needed(id byte) bool {
	switch id {
	case secType:
		return len(m.newTypes) > 0
	case secImport:
		return m.fuel
	case secFunction, secCode:
		return m.grow
	case secGlobal:
		return m.fuel || m.grow
	case secExport:
		return m.fuel || m.grow || len(m.mutGlobals) > 0
	}
	return false
}

// emit writes the output module section by section, creating required
// sections that the input lacks at their proper position.
func (m *module) emit() error {
	m.w.bytes(m.in[:8])
	next := 0 // index into rankOrder of the next section that may be created
	fill := func(rank int) error {
		for ; next < len(rankOrder) && sectionRank[rankOrder[next]] < rank; next++ {
			id := rankOrder[next]
			if m.present[id] == nil && m.needed(id) {
				if err := m.emitSection(&section{id: id}, true); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for i := range m.secs {
		s := &m.secs[i]
		if s.id != secCustom {
			if err := fill(sectionRank[s.id]); err != nil {
				return err
			}
		}
		if err := m.emitSection(s, false); err != nil {
			return err
		}
	}
	return fill(len(sectionNames) + 1)
}

func (m *module) emitSection(s *section, synthetic bool) error {
	switch s.id {
	case secCustom:
		return m.emitCustom(s)
	case secType:
		m.emitTypes(s)
		return nil
	case secImport:
		m.emitImports(s, synthetic)
		return nil
	case secFunction:
		m.emitFunctions(s, synthetic)
		return nil
	case secMemory:
		m.emitMemory(s)
		return nil
	}
	r := &reader{b: m.in, pos: s.start, end: s.end}
	if synthetic {
		r = &reader{b: emptyVector, end: len(emptyVector)}
	}
	switch s.id {
	case secGlobal:
		m.emitGlobals(r)
	case secExport:
		m.emitExports(r)
	case secStart:
		m.emitStart(r)
	case secElement:
		m.emitElements(r)
	case secCode:
		return m.emitCode(r)
	case secTable:
		m.checkTables(r)
		m.w.bytes(m.in[s.hdr:s.end])
	case secData:
		m.checkData(r)
		m.w.bytes(m.in[s.hdr:s.end])
	default: // data count: nothing to rewrite
		r.u32()
		m.w.bytes(m.in[s.hdr:s.end])
	}
	r.expectEnd("section")
	return m.sectionErr(s.id, r.err)
}
