package instrument

// Immediate layouts of single-byte opcodes. The zero value marks an opcode
// the decoder does not know.
const (
	immInvalid      uint8 = iota
	immNone               // no immediate
	immBlock              // block, if: block type
	immLoop               // loop: block type, starts a fuel region
	immEnd                // end
	immU32                // one u32 index (labels, locals, table.get)
	immBrTable            // vec(label) label
	immCall               // call, return_call: function index
	immCallIndirect       // call_indirect, return_call_indirect: type, table
	immSelectT            // select t*: vec(valtype)
	immGlobal             // global.get, global.set: global index
	immTableSet           // table.set: table index; mutates a table
	immMemarg             // loads and stores: align, offset
	immMemSize            // memory.size: memory index
	immMemGrow            // memory.grow: memory index
	immI32                // i32.const: s32
	immI64                // i64.const: s64
	immF32                // f32.const: 4 bytes
	immF64                // f64.const: 8 bytes
	immRefNull            // ref.null: reference type
	immRefFunc            // ref.func: function index
	immPrefixFC           // 0xFC prefix: saturating truncation, bulk memory, tables
	immPrefixFD           // 0xFD prefix: SIMD
	immPrefixFE           // 0xFE prefix: threads (rejected)
	immUnsupported        // exception handling, typed function references, GC
)

// opImm gives the immediate layout of every single-byte opcode.
var opImm = func() (t [256]uint8) {
	set := func(kind uint8, ops ...int) {
		for _, op := range ops {
			t[op] = kind
		}
	}
	set(immNone, 0x00, 0x01, 0x05, 0x0F, 0x1A, 0x1B, 0xD1) // unreachable nop else return drop select ref.is_null
	set(immBlock, 0x02, 0x04)
	set(immLoop, 0x03)
	set(immEnd, 0x0B)
	set(immU32, 0x0C, 0x0D, 0x20, 0x21, 0x22, 0x25) // br br_if local.* table.get
	set(immBrTable, 0x0E)
	set(immCall, 0x10, 0x12)
	set(immCallIndirect, 0x11, 0x13)
	set(immSelectT, 0x1C)
	set(immGlobal, 0x23, 0x24)
	set(immTableSet, 0x26)
	for op := 0x28; op <= 0x3E; op++ {
		t[op] = immMemarg
	}
	set(immMemSize, 0x3F)
	set(immMemGrow, 0x40)
	set(immI32, 0x41)
	set(immI64, 0x42)
	set(immF32, 0x43)
	set(immF64, 0x44)
	for op := 0x45; op <= 0xC4; op++ { // numeric ops and sign extension
		t[op] = immNone
	}
	set(immRefNull, 0xD0)
	set(immRefFunc, 0xD2)
	set(immPrefixFC, 0xFC)
	set(immPrefixFD, 0xFD)
	set(immPrefixFE, 0xFE)
	set(immUnsupported, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x14, 0x15, 0x18, 0x19, 0x1F,
		0xD3, 0xD4, 0xD5, 0xD6, 0xFB)
	return t
}()

// Immediate layouts of 0xFC sub-opcodes.
const (
	fcInvalid uint8 = iota
	fcNone          // saturating truncations
	fcOneIdx        // one u32 index
	fcTwoIdx        // two u32 indices
)

// fcOps describes 0xFC sub-opcodes 0–17; mutating marks those after which
// a memory+globals snapshot no longer describes the instance.
var fcOps = [18]struct {
	imm      uint8
	mutating bool
}{
	0: {fcNone, false}, 1: {fcNone, false}, 2: {fcNone, false}, 3: {fcNone, false},
	4: {fcNone, false}, 5: {fcNone, false}, 6: {fcNone, false}, 7: {fcNone, false},
	8:  {fcTwoIdx, false}, // memory.init data mem
	9:  {fcOneIdx, true},  // data.drop
	10: {fcTwoIdx, false}, // memory.copy mem mem
	11: {fcOneIdx, false}, // memory.fill mem
	12: {fcTwoIdx, true},  // table.init elem table
	13: {fcOneIdx, true},  // elem.drop
	14: {fcTwoIdx, true},  // table.copy table table
	15: {fcOneIdx, true},  // table.grow
	16: {fcOneIdx, false}, // table.size
	17: {fcOneIdx, true},  // table.fill
}

// Immediate layouts of 0xFD (SIMD) sub-opcodes.
const (
	simdInvalid    uint8 = iota
	simdNone             // no immediate
	simdMemarg           // loads and stores
	simdBytes16          // v128.const, i8x16.shuffle
	simdLane             // extract_lane, replace_lane
	simdMemargLane       // load_lane, store_lane
)

// simdImm covers the 236 assigned opcodes of the fixed-width SIMD proposal.
var simdImm = func() (t [256]uint8) {
	for op := range t {
		t[op] = simdNone
	}
	for op := 0; op <= 11; op++ { // v128.load … v128.store
		t[op] = simdMemarg
	}
	t[12] = simdBytes16 // v128.const
	t[13] = simdBytes16 // i8x16.shuffle
	for op := 21; op <= 34; op++ {
		t[op] = simdLane
	}
	for op := 84; op <= 91; op++ {
		t[op] = simdMemargLane
	}
	t[92] = simdMemarg // v128.load32_zero
	t[93] = simdMemarg // v128.load64_zero
	for _, op := range []int{
		0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4, 0xbb,
		0xc2, 0xc5, 0xc6, 0xcf, 0xd0, 0xd2, 0xd3, 0xd4, 0xe2, 0xee,
	} {
		t[op] = simdInvalid
	}
	return t
}()

// Value and reference type encodings.
const (
	typeI32       = 0x7F
	typeI64       = 0x7E
	typeF32       = 0x7D
	typeF64       = 0x7C
	typeV128      = 0x7B
	typeFuncref   = 0x70
	typeExternref = 0x6F
	blockEmpty    = 0x40
)

func isValType(c byte) bool {
	switch c {
	case typeI32, typeI64, typeF32, typeF64, typeV128, typeFuncref, typeExternref:
		return true
	}
	return false
}

func isRefType(c byte) bool { return c == typeFuncref || c == typeExternref }
