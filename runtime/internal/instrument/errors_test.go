package instrument

import (
	"errors"
	"strings"
	"testing"
)

// Hand-assembled modules for malformed and unsupported inputs.

func wasmModule(sections ...[]byte) []byte {
	b := []byte("\x00asm\x01\x00\x00\x00")
	for _, s := range sections {
		b = append(b, s...)
	}
	return b
}

func sec(id byte, content ...byte) []byte {
	return append(appendU32([]byte{id}, uint32(len(content))), content...)
}

// codeSec builds a code section from bodies given without size prefixes.
func codeSec(bodies ...[]byte) []byte {
	c := appendU32(nil, uint32(len(bodies)))
	for _, b := range bodies {
		c = appendU32(c, uint32(len(b)))
		c = append(c, b...)
	}
	return sec(secCode, c...)
}

var (
	typeVoid = sec(secType, 1, 0x60, 0, 0) // type 0: () -> ()
	oneFunc  = sec(secFunction, 1, 0)      // one function of type 0
	twoFuncs = sec(secFunction, 2, 0, 0)
)

func TestInstrument_Errors(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		kind error
		msg  []string // substrings of the error message
	}{
		{"bad magic", []byte("\x00asn\x01\x00\x00\x00"), ErrMalformed, []string{"magic"}},
		{"bad version", []byte("\x00asm\x02\x00\x00\x00"), ErrMalformed, []string{"version"}},
		{"truncated header", []byte("\x00as"), ErrMalformed, []string{"magic"}},
		{"truncated section", append(wasmModule(), 1, 10, 1), ErrMalformed, []string{"exceeds remaining", "offset 0x8"}},
		{"section order", wasmModule(sec(secMemory, 1, 0, 1), typeVoid), ErrMalformed, []string{"type section out of order"}},
		{"duplicate section", wasmModule(typeVoid, typeVoid), ErrMalformed, []string{"out of order or duplicated"}},
		{"unknown section", wasmModule(sec(14)), ErrMalformed, []string{"unknown section id 14"}},
		{"tag section", wasmModule(sec(13, 0)), ErrUnsupported, []string{"tag section"}},
		{"leb overflow", append(wasmModule(), 1, 0xff, 0xff, 0xff, 0xff, 0x7f), ErrMalformed, []string{"LEB128 overflow"}},
		{"huge vector", wasmModule(sec(secType, 0xf0, 0xff, 0xff, 0xff, 0x0f, 0x60)), ErrMalformed, []string{"type section", "vector length"}},
		{"gc type", wasmModule(sec(secType, 1, 0x5f, 0, 0)), ErrUnsupported, []string{"GC type"}},
		{"reserved import", wasmModule(typeVoid, sec(secImport,
			1, 7, 'w', 'e', 'f', 't', '_', 'v', '1', 6, 'r', 'e', 'f', 'i', 'l', 'l', 0, 0)),
			ErrReserved, []string{"imports reserved weft_v1.refill", "import section"}},
		{"reserved export fuel", wasmModule(sec(secGlobal, 1, 0x7f, 0, 0x41, 0, 0x0b),
			sec(secExport, 1, 9, 'w', 'e', 'f', 't', '_', 'f', 'u', 'e', 'l', 3, 0)),
			ErrReserved, []string{`"weft_fuel"`}},
		{"reserved export global", wasmModule(typeVoid, oneFunc,
			sec(secExport, 1, 7, 'w', 'e', 'f', 't', '_', 'g', '7', 0, 0), codeSec([]byte{0, 0x0b})),
			ErrReserved, []string{`"weft_g7"`}},
		{"memory64", wasmModule(sec(secMemory, 1, 4, 1)), ErrUnsupported, []string{"64-bit"}},
		{"shared memory", wasmModule(sec(secMemory, 1, 3, 1, 2)), ErrUnsupported, []string{"shared memory"}},
		{"two memories", wasmModule(sec(secMemory, 2, 0, 1, 0, 1)), ErrUnsupported, []string{"multiple memories"}},
		{"max below min", wasmModule(sec(secMemory, 1, 1, 2, 1)), ErrMalformed, []string{"below minimum"}},
		{"missing code", wasmModule(typeVoid, oneFunc), ErrMalformed, []string{"code section missing"}},
		{"code count", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0x0b}, []byte{0, 0x0b})), ErrMalformed, []string{"2 bodies for 1"}},
		{"unknown opcode", wasmModule(typeVoid, twoFuncs, codeSec([]byte{0, 0x0b}, []byte{0, 0x01, 0x27, 0x0b})),
			ErrMalformed, []string{"code section: function 1", "unknown opcode 0x27"}},
		{"exception handling", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0x06, 0x40, 0x0b, 0x0b})),
			ErrUnsupported, []string{"instruction 0x06 (exception handling"}},
		{"unknown fc opcode", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0xfc, 18, 0x0b})), ErrMalformed, []string{"unknown opcode 0xfc 18"}},
		{"unknown simd opcode", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0xfd, 0x9a, 0x01, 0x0b})), ErrMalformed, []string{"unknown opcode 0xfd 154"}},
		{"threads", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0xfe, 3, 0, 0x0b})), ErrUnsupported, []string{"threads"}},
		{"call out of range", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0x10, 5, 0x0b})),
			ErrMalformed, []string{"function index 5 out of range", "function 0"}},
		{"ref.func out of range", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0xd2, 1, 0x1a, 0x0b})),
			ErrMalformed, []string{"function index 1 out of range"}},
		{"global out of range", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0x23, 0, 0x1a, 0x0b})),
			ErrMalformed, []string{"global index 0 out of range"}},
		{"block type out of range", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0x02, 9, 0x0b, 0x0b})),
			ErrMalformed, []string{"block type index 9 out of range"}},
		{"call_indirect type out of range", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0x41, 0, 0x11, 3, 0, 0x0b})),
			ErrMalformed, []string{"type index 3 out of range"}},
		{"export out of range", wasmModule(sec(secExport, 1, 1, 'f', 0, 0)), ErrMalformed, []string{"export section", "function index 0 out of range"}},
		{"start out of range", wasmModule(sec(secStart, 0)), ErrMalformed, []string{"start section"}},
		{"elem out of range", wasmModule(sec(secElement, 1, 1, 0, 1, 4)), ErrMalformed, []string{"element section", "function index 4"}},
		{"bad elem flags", wasmModule(sec(secElement, 1, 8, 0)), ErrMalformed, []string{"element segment flags 8"}},
		{"i32 overflow", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0x41, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1a, 0x0b})),
			ErrMalformed, []string{"LEB128 overflow in s32"}},
		{"i64 overflow", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02, 0x1a, 0x0b})),
			ErrMalformed, []string{"LEB128 overflow in s64"}},
		{"missing end", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0x01})), ErrMalformed, []string{"not terminated"}},
		{"trailing code", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0x0b, 0x01})), ErrMalformed, []string{"after the end"}},
		{"huge br_table", wasmModule(typeVoid, oneFunc, codeSec([]byte{0, 0x0e, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0b})),
			ErrMalformed, []string{"vector length"}},
		{"huge locals", wasmModule(typeVoid, oneFunc, codeSec([]byte{2, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x0b})),
			ErrMalformed, []string{"too many locals"}},
		{"multi-memory memarg", wasmModule(typeVoid, oneFunc, sec(secMemory, 1, 0, 1), codeSec([]byte{0, 0x41, 0, 0x28, 0x42, 0, 0, 0x1a, 0x0b})),
			ErrUnsupported, []string{"multiple memories"}},
		{"bad const expr", wasmModule(sec(secGlobal, 1, 0x7f, 0, 0x20, 0, 0x0b)), ErrMalformed, []string{"not allowed in a constant expression"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Instrument(tc.in, Config{Fuel: true, MaxMemoryPages: 16})
			if err == nil {
				t.Fatalf("no error; output % x", out.Wasm)
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("error %q does not wrap %v", err, tc.kind)
			}
			for _, m := range tc.msg {
				if !strings.Contains(err.Error(), m) {
					t.Fatalf("error %q does not mention %q", err, m)
				}
			}
		})
	}
}

// TestInstrument_Truncations feeds every prefix of every fixture: each must
// fail cleanly (or, for a prefix ending on a section boundary, succeed).
func TestInstrument_Truncations(t *testing.T) {
	for _, name := range fixtureNames(t) {
		in := readFixture(t, name)
		for n := 0; n < len(in); n++ {
			_, _ = Instrument(in[:n], Config{Fuel: true, MaxMemoryPages: 4})
		}
	}
}

func TestInstrument_EmptyModule(t *testing.T) {
	out := mustInstrument(t, wasmModule(), Config{Fuel: true})
	// The refill type, import, fuel global and its export are created.
	want := wasmModule(
		sec(secType, 1, 0x60, 1, 0x7e, 1, 0x7e),
		sec(secImport, 1, 7, 'w', 'e', 'f', 't', '_', 'v', '1', 6, 'r', 'e', 'f', 'i', 'l', 'l', 0, 0),
		sec(secGlobal, 1, 0x7e, 1, 0x42, 0, 0x0b),
		sec(secExport, 1, 9, 'w', 'e', 'f', 't', '_', 'f', 'u', 'e', 'l', 3, 0),
	)
	if string(out.Wasm) != string(want) {
		t.Fatalf("got  % x\nwant % x", out.Wasm, want)
	}
	out = mustInstrument(t, wasmModule(), Config{})
	if string(out.Wasm) != string(wasmModule()) || !out.Resettable || out.HasMemory {
		t.Fatalf("plain empty module changed: % x %+v", out.Wasm, out)
	}
}

func TestInstrument_GlobalWithoutExports(t *testing.T) {
	out := mustInstrument(t, wasmModule(sec(secGlobal, 1, 0x7f, 1, 0x41, 0, 0x0b)), Config{})
	want := wasmModule(
		sec(secGlobal, 1, 0x7f, 1, 0x41, 0, 0x0b),
		sec(secExport, 1, 7, 'w', 'e', 'f', 't', '_', 'g', '0', 3, 0),
	)
	if string(out.Wasm) != string(want) || len(out.GlobalExports) != 1 || out.GlobalExports[0] != "weft_g0" {
		t.Fatalf("got % x %v\nwant % x", out.Wasm, out.GlobalExports, want)
	}
}

// TestInstrument_Passthrough checks that without fuel and memory the code
// and custom sections are copied byte for byte.
func TestInstrument_Passthrough(t *testing.T) {
	in := readFixture(t, "control.wasm")
	out := mustInstrument(t, in, Config{})
	if string(out.Wasm) != string(in) {
		t.Fatalf("module without memory or mutable globals changed under Config{}")
	}
}
