package nodes_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
)

// The core module reads task documents and writes result documents with
// its own JSON code (nodes-wasm/core/glue/json.c), which must agree with
// the engine's JSON.parse and JSON.stringify on every input, or leave the
// input to them. These tests compare the two inside the real module, from
// a Code node.

// jsonCheckCode compares, for each text in $json.texts,
// __weft_json_parse(text) with JSON.parse(text) (same value, same key
// order, same -0, or the same error), and, for each value it parsed and
// for the values in extraValues(), __weft_json_stringify with
// JSON.stringify. It returns one item per disagreement, and counts of the
// values the module's code handled itself.
const jsonCheckCode = `
function canon(v) {
  if (v === null) return 'null';
  if (typeof v === 'number') return Object.is(v, -0) ? 'n:-0' : 'n:' + String(v);
  if (typeof v === 'string') return 's:' + JSON.stringify(v);
  if (typeof v !== 'object') return typeof v + ':' + String(v);
  if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']';
  const proto = Object.getPrototypeOf(v) === Object.prototype ? '' : 'proto?';
  return proto + '{' + Object.keys(v).map((k) => JSON.stringify(k) + ':' + canon(v[k])).join(',') + '}';
}
// mutate changes every other object in v: one gets a key, the next loses
// its first key and gets another value for its last.
let turn = 0;
function mutate(v) {
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) { v.forEach(mutate); return; }
  const keys = Object.keys(v);
  keys.forEach((k) => mutate(v[k]));
  turn++;
  if (turn % 2 === 0) v.added = turn;
  else if (keys.length > 0) { delete v[keys[0]]; if (keys.length > 1) v[keys[keys.length - 1]] = 'changed'; }
}
function attempt(f) {
  try { return { v: f() }; } catch (e) { return { e: e.name + ': ' + e.message }; }
}
function extraValues() {
  const cyclic = {}; cyclic.self = cyclic;
  const sparse = [1, , 3];
  class Point { constructor() { this.x = 1; } }
  return [
    { name: 'lone surrogates', v: ['\ud800', 'a\udc00b', '\ud83d\ude00', '\udbff\udfff', 'x\ud83d'], plain: true },
    { name: 'control characters', v: '\u0000\u0001\u001f\u007f\b\f\n\r\t"\\/', plain: true },
    { name: 'numbers', v: [0, -0, 1, -1, 2147483647, -2147483648, 2147483648, 1.5, -1.5, 0.1 + 0.2, 1e21, 1e-7, 123456789012345680000, 9007199254740993, 5e-324, 1.7976931348623157e308, NaN, Infinity, -Infinity], plain: true },
    { name: 'left out', v: { a: undefined, b: () => 1, c: Symbol('s'), d: 1, [Symbol('k')]: 2 }, plain: true },
    { name: 'null in arrays', v: [undefined, () => 1, Symbol('s'), sparse], plain: true },
    { name: 'integer keys first', v: { b: 1, 2: 2, a: 3, 1: 4, '01': 5, 4294967295: 6 }, plain: true },
    { name: 'null prototype', v: Object.assign(Object.create(null), { a: 1 }), plain: true },
    { name: 'getter', v: { get g() { return 'got'; } }, plain: true },
    { name: 'non-enumerable', v: Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false }), plain: true },
    { name: 'unicode', v: { 'ключ': 'значение', '🙂': '日本' }, plain: true },
    { name: 'deleted key', v: (() => { const o = { a: 1, b: 2, c: 3 }; delete o.b; o.d = 4; return o; })(), plain: true },
    { name: 'frozen', v: Object.freeze({ a: 1, b: [Object.freeze({ c: 2 })] }), plain: true },
    { name: 'array with a key', v: Object.assign([1, 2], { x: 3 }), plain: true },
    { name: 'array made longer', v: (() => { const a = [1, 2]; a.length = 4; return a; })(), plain: true },
    { name: 'array made shorter', v: (() => { const a = [1, 2, 3]; a.length = 1; return a; })(), plain: true },
    { name: 'keys set in another order', v: [{ a: 1, b: 2 }, { b: 1, a: 2 }, Object.assign({}, { a: 1 }, { b: 2 })], plain: true },
    { name: 'many keys', v: Object.fromEntries(Array.from({ length: 40 }, (_, i) => ['k' + i, i])), plain: true },
    { name: 'date', v: { when: new Date(0) } },
    { name: 'own toJSON', v: { toJSON() { return 'mine'; } } },
    { name: 'class instance', v: new Point() },
    { name: 'map', v: new Map([[1, 2]]) },
    { name: 'boxed', v: [new String('s'), new Number(1), new Boolean(false)] },
    { name: 'typed array', v: new Uint8Array([1, 2]) },
    { name: 'cycle', v: cyclic },
    { name: 'bigint', v: { n: 10n } },
    { name: 'undefined', v: undefined },
    { name: 'deep', v: JSON.parse('['.repeat(400) + ']'.repeat(400)) },
  ];
}
const problems = [];
let parsedHere = 0, writtenHere = 0;
const values = [];
for (const text of $json.texts) {
  const want = attempt(() => JSON.parse(text));
  const got = attempt(() => __weft_json_parse(text));
  if (want.e !== undefined || got.e !== undefined) {
    if (want.e !== got.e) problems.push({ json: { text, op: 'parse', want: want.e || canon(want.v), got: got.e || canon(got.v) } });
    continue;
  }
  if (canon(want.v) !== canon(got.v)) problems.push({ json: { text, op: 'parse', want: canon(want.v), got: canon(got.v) } });
  parsedHere++;
  // objects of the same keys may share a shape: changing some of them
  // must leave the others as they were
  const mutated = (v) => { turn = 0; mutate(v); return canon(v); };
  const m1 = mutated(__weft_json_parse(text)), m2 = mutated(JSON.parse(text));
  if (m1 !== m2) problems.push({ json: { text, op: 'parse, then change', want: m2, got: m1 } });
  if (want.v !== null && typeof want.v === 'object') {
    // kept as text when it is a task's top-level member named by the
    // second argument, as a task's context is
    const doc = __weft_json_parse('{"a":1,"context": ' + text + ' ,"b":[2]}', 'context');
    const kept = doc.context;
    if (kept !== text.trim() || doc.a !== 1 || canon(doc.b) !== '[n:2]') {
      problems.push({ json: { text, op: 'parse as text', want: text.trim(), got: typeof kept === 'string' ? kept : 'parsed: ' + canon(kept) } });
    }
  }
  values.push({ name: text, v: want.v, plain: true });
}
for (const { name, v, plain } of values.concat($json.extra ? extraValues() : [])) {
  const want = attempt(() => JSON.stringify(v));
  const got = __weft_json_stringify(v);
  if (got === undefined) {
    if (plain) problems.push({ json: { text: name, op: 'stringify', want: 'written by the module', got: 'left to JSON.stringify' } });
    continue;
  }
  writtenHere++;
  if (want.e !== undefined || got !== want.v) problems.push({ json: { text: name, op: 'stringify', want: want.e || want.v, got } });
}
// The plain objects are recognised by their intrinsic prototype, not by
// whatever the global Object is at the time.
const realObject = Object;
globalThis.Object = function Impostor() {};
const withImpostor = __weft_json_stringify({ a: [1] });
globalThis.Object = realObject;
if (withImpostor !== '{"a":[1]}') problems.push({ json: { text: 'global Object replaced', op: 'stringify', want: '{"a":[1]}', got: String(withImpostor) } });
return problems.concat([{ json: { parsedHere, writtenHere } }]);
`

type jsonCheck struct {
	Text       string `json:"text"`
	Op         string `json:"op"`
	Want       string `json:"want"`
	Got        string `json:"got"`
	ParsedHere *int   `json:"parsedHere"`
	WriteHere  *int   `json:"writtenHere"`
}

// jsonTexts are JSON texts (and near misses) the parser must agree on.
var jsonTexts = []string{
	`{}`, `[]`, `0`, `-0`, `1`, `-1`, `123456789`, `1234567890`, `-2147483648`, `2147483648`,
	`1.5`, `-0.0`, `1e3`, `1E-3`, `1e+400`, `-1e-400`, `0.1`, `9007199254740993`,
	`123456789012345678901234567890`, `1.7976931348623157e308`, `5e-324`, `4.9e-324`,
	`"plain"`, `"esc \" \\ \/ \b \f \n \r \t"`, `"\u00e9\u4e2d\ud83d\ude00"`, `"é中🙂"`,
	`"\ud800"`, `"\udc00"`, `"\ud800x"`, `"a\ud800\ud800b"`,
	`true`, `false`, `null`, ` { "a" : [ 1 , 2 ] } `,
	`{"a":1,"a":2}`, `{"a":1,"b":2,"a":3}`, `{"__proto__":1}`, `{"__proto__":{"x":1}}`,
	`{"b":1,"2":2,"a":3,"1":4,"01":5,"-1":6,"4294967295":7,"4294967294":8}`,
	`{"ключ":"значение","é":1,"e":2}`, `{"":""}`,
	`[1,[2,[3,[4]]],{"a":{"b":{"c":null}}}]`,
	`{"json":{"headers":{"host":"127.0.0.1:5678"},"body":{"name":"ann","n":21}},"pairedItem":{"item":0}}`,
	`{"s":"}]\"{[\\","t":["]","\\\\",{"u":"\"}"}]}`, `["\\",["[\""]]`,
	// objects of the same keys, in arrays: the later ones made with the first one's shape
	`[{"a":1,"b":2},{"a":3,"b":4},{"a":5,"b":6},{"b":7,"a":8},{"a":9}]`,
	`[{"a":1,"a":2},{"a":1,"a":2},{"a":3}]`, `[{"1":1,"b":2},{"1":3,"b":4},{"b":5,"1":6}]`,
	`[{"__proto__":1,"x":2},{"__proto__":{"y":3},"x":4}]`, `[{"x":{"a":[]}},{"x":{"a":{}}}]`,
	`[{"a":1,"ab":2,"abc":3,"abcd":4},{"abcd":5,"abc":6,"ab":7,"a":8},{"12":1,"012":2,"aé":3}]`,
	`[{"a_key_longer_than_the_key_cache_holds":1},{"a_key_longer_than_the_key_cache_holds":2}]`,
	`[` + strings.Repeat(`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16},`, 3) + `{}]`,
	`[` + strings.Repeat(`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15},`, 3) + `{}]`,
	// not JSON: the engine's error must come back
	``, ` `, `{`, `}`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `'x'`, `01`, `1.`, `.5`, `-`, `+1`,
	`1e`, `1e+`, `tru`, `nul`, `"unterminated`, "\"tab\there\"", `"\x"`, `"\u12"`, `[1 2]`, `{} {}`,
	`NaN`, `Infinity`, `"\u0000"`,
}

func runJSONCheck(t *testing.T, texts []string, extra bool) (problems []jsonCheck, parsed, written int) {
	t.Helper()
	c := loadCore(t)
	params, _ := json.Marshal(map[string]any{"mode": "runOnceForAllItems", "jsCode": jsonCheckCode})
	wf := chain(t, node{"Check", "n8n-nodes-base.code", 2, string(params)})
	in, _ := json.Marshal(map[string]any{"texts": texts, "extra": extra})
	e, err := c.Executor().Run(t.Context(), wf, engine.StartOptions{StartData: [][]api.Item{{{JSON: in}}}})
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != engine.StatusSuccess {
		t.Fatalf("check failed: %+v", e.Error)
	}
	for _, it := range e.RunData["Check"][0].Outputs()[0] {
		var r jsonCheck
		if err := json.Unmarshal(it.JSON, &r); err != nil {
			t.Fatal(err)
		}
		if r.ParsedHere != nil {
			parsed, written = *r.ParsedHere, *r.WriteHere
			continue
		}
		problems = append(problems, r)
	}
	return problems, parsed, written
}

func TestModuleJSONAgreesWithTheEngine(t *testing.T) {
	problems, parsed, written := runJSONCheck(t, jsonTexts, true)
	for _, p := range problems {
		t.Errorf("%s %q: got %s, want %s", p.Op, p.Text, p.Got, p.Want)
	}
	// Every valid text above without a lone surrogate escape, and every
	// plain value, goes through the module's own code: a check that
	// always fell back would compare JSON.parse with itself.
	if parsed < 40 || written < parsed+10 {
		t.Errorf("the module's JSON code handled %d texts and wrote %d values itself", parsed, written)
	}
}

func FuzzModuleJSON(f *testing.F) {
	for _, s := range jsonTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		problems, _, _ := runJSONCheck(t, []string{text}, false)
		for _, p := range problems {
			t.Errorf("%s %q: got %s, want %s", p.Op, p.Text, p.Got, p.Want)
		}
	})
}

// TestTaskContextText: the module keeps the task's context as its JSON
// text until a node reads it, finding its end by brackets and strings, so
// brackets, quotes and escapes inside its strings must not end it early;
// a member named context deeper in the task is parsed as any other.
func TestTaskContextText(t *testing.T) {
	c := loadCore(t)
	wf := chain(t, node{"Set", "n8n-nodes-base.set", 3.4, `{"mode":"manual","includeOtherFields":true,"assignments":{"assignments":[` +
		`{"id":"1","name":"workflow","value":"={{ $workflow.name }}","type":"string"},` +
		`{"id":"2","name":"execution","value":"={{ $execution.id }}","type":"string"},` +
		`{"id":"3","name":"inner","value":"={{ $json.context.a }}","type":"number"}]},"options":{}}`})
	wf.Name = `}]"{[ \"} back\\slash \u00e9t\u00e9 \ud83d\ude00 {`
	e := run(t, c, wf, []api.Item{{JSON: json.RawMessage(`{"context":{"a":7,"s":"}"}}`)}})
	if e.Status != engine.StatusSuccess {
		t.Fatalf("status %s: %+v", e.Status, e.Error)
	}
	got := outputJSON(t, e, "Set", 0)
	if len(got) != 1 {
		t.Fatalf("outputs %v", got)
	}
	var item struct {
		Workflow, Execution string
		Inner               float64
	}
	if err := json.Unmarshal([]byte(got[0]), &item); err != nil {
		t.Fatal(err)
	}
	if item.Workflow != wf.Name || item.Execution != "test" || item.Inner != 7 {
		t.Fatalf("got %s; want workflow %q, execution test, inner 7", got[0], wf.Name)
	}
}

// refsCheckCode compares, inside the module, the C reactor's
// __weft_refs(inputs, outputs) with what src/main.js's referenceInputs
// computes (written out again here): an output item that is an input item
// becomes its last place, i for input 0's item i, [k, i] for input k's.
const refsCheckCode = `
function expected(inputs, outputs) {
  return outputs.map((list) => {
    if (!Array.isArray(list)) return list;
    return list.map((it) => {
      for (let k = inputs.length - 1; k >= 0; k--) {
        const l = inputs[k] || [];
        for (let i = l.length - 1; i >= 0; i--) if (l[i] === it) return k === 0 ? i : [k, i];
      }
      return it;
    });
  });
}
const a = { json: { a: 1 } }, b = { json: { b: 2 } }, c = { json: { c: 3 } }, d = { json: { d: 4 } };
const many = Array.from({ length: 17 }, (_, i) => ({ json: { i } }));
const cases = [
  { inputs: [[a, b, c]], outputs: [[c, a], [b]], native: true },
  { inputs: [[a, b, a]], outputs: [[a]], native: true },
  { inputs: [[a], [b, c], null, [a]], outputs: [[a, c, d], null, []], native: true },
  { inputs: [[]], outputs: [[d, { json: {} }]], native: true },
  { inputs: [], outputs: [[a]], native: true },
  { inputs: [many], outputs: [[many[3]]], native: false },
  { inputs: [[a]], outputs: [many.concat([a])], native: false },
  { inputs: [[a]], outputs: [[a, 5]], native: false },
  { inputs: [[a]], outputs: [[a], 'x'], native: true },
];
const problems = [];
cases.forEach((t, n) => {
  const got = __weft_refs(t.inputs, t.outputs);
  if ((got !== undefined) !== t.native) { problems.push({ json: { n, problem: 'native ' + (got !== undefined) } }); return; }
  if (got === undefined) return;
  const want = expected(t.inputs, t.outputs);
  if (JSON.stringify(got) !== JSON.stringify(want)) problems.push({ json: { n, got: JSON.stringify(got), want: JSON.stringify(want) } });
  // items passed through keep their identity
  got.forEach((list, o) => Array.isArray(list) && list.forEach((r, j) => {
    if (typeof r === 'object' && !Array.isArray(r) && r !== t.outputs[o][j]) problems.push({ json: { n, problem: 'a new object for item ' + j } });
  }));
});
return problems.length ? problems : [{ json: { ok: true } }];
`

func TestModuleRefsAgreeWithTheJavaScript(t *testing.T) {
	c := loadCore(t)
	params, _ := json.Marshal(map[string]any{"mode": "runOnceForAllItems", "jsCode": refsCheckCode})
	wf := chain(t, node{"Check", "n8n-nodes-base.code", 2, string(params)})
	e := run(t, c, wf, items(1))
	if e.Status != engine.StatusSuccess {
		t.Fatalf("check failed: %+v", e.Error)
	}
	if got := outputJSON(t, e, "Check", 0); len(got) != 1 || got[0] != `{"ok":true}` {
		t.Fatalf("problems: %v", got)
	}
}
