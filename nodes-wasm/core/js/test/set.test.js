import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, runCase, json } from './harness.js';
import { NodeContext } from '../src/context.js';
import setNode from '../src/nodes/set.js';

const SET = 'n8n-nodes-base.set';

function manual(assignments, extra = {}) {
  return {
    mode: 'manual',
    assignments: { assignments: assignments.map(([name, value, type], i) => ({ id: String(i), name, value, type })) },
    options: {},
    ...extra,
  };
}

const PERSON = { id: 1, name: 'alice', profile: { score: 88, level: 'gold' }, tags: ['a', 'b'] };

test('case 001: every assignment type, other fields dropped', () => {
  const { result, expected } = runCase('001', 'Set');
  assert.deepEqual(json(result), expected);
});

test('case 002: include other fields with dot notation, then without', () => {
  const nest = runCase('002', 'Nest');
  assert.deepEqual(json(nest.result), nest.expected);
  const flat = runCase('002', 'Flat');
  assert.deepEqual(json(flat.result), flat.expected);
});

test('case 003: raw JSON with expressions', () => {
  const { result, expected } = runCase('003', 'Raw');
  assert.deepEqual(json(result), expected);
});

test('case 035: conversion error with continueErrorOutput gives n8n\'s error item', () => {
  const { result, expected } = runCase('035', 'Convert');
  // the host adds the (empty) error output
  assert.deepEqual(json(result), [expected[0]]);
  assert.deepEqual(result.outputs[0][1].pairedItem, { item: 1 });
});

test('cases 036, 038, 040, 041: Set nodes downstream', () => {
  for (const [c, name] of [['036', 'After'], ['038', 'After'], ['040', 'Use'], ['041', 'Neg']]) {
    const { result, expected } = runCase(c, name);
    if (expected) assert.deepEqual(json(result), expected, `${c} ${name}`);
  }
});

test('conversion errors fail the node with n8n\'s message', () => {
  const cases = [
    [['n', 'abc', 'number'], "'n' expects a number but we got 'abc' [item 0]"],
    [['b', 'maybe', 'boolean'], "'b' expects a boolean but we got 'maybe' [item 0]"],
    [['a', '={{ $json.profile }}', 'array'], "'a' expects a array but we got object [item 0]"],
    [['o', '={{ $json.tags }}', 'object'], "'o' expects a object but we got array [item 0]"],
    [['o', 'not json', 'object'], "'o' expects a object but we got 'not json' [item 0]"],
  ];
  for (const [assignment, message] of cases) {
    const r = runNode(SET, 3.4, manual([assignment]), [[{ json: PERSON }]]);
    assert.equal(r.error && r.error.message, message);
  }
});

test('string, number, boolean, array and object conversions', () => {
  const r = runNode(SET, 3.4, manual([
    ['s1', '={{ $json.profile }}', 'string'],
    ['s2', '={{ $json.id }}', 'string'],
    ['n1', '  7 ', 'number'],
    ['n2', '', 'number'],
    ['b1', 'FALSE', 'boolean'],
    ['b2', '1', 'boolean'],
    ['a1', "['x', 'y']", 'array'],
    ['o1', '{"k": [1]}', 'object'],
    ['o2', "{k: 'v'}", 'object'],
    ['z', '={{ $json.missing }}', 'number'],
  ]), [[{ json: PERSON }]]);
  assert.deepEqual(json(r), [[{
    s1: '{"score":88,"level":"gold"}', s2: '1', n1: 7, n2: 0, b1: false, b2: true,
    a1: ['x', 'y'], o1: { k: [1] }, o2: { k: 'v' }, z: null,
  }]]);
});

test('ignoreConversionErrors keeps the value as it is', () => {
  const r = runNode(SET, 3.4, manual([['n', 'abc', 'number']], { options: { ignoreConversionErrors: true } }), [[{ json: {} }]]);
  assert.deepEqual(json(r), [[{ n: 'abc' }]]);
});

test('include selected and except, with dot notation', () => {
  const sel = runNode(SET, 3.4, manual([['x', 1, 'number']], { includeOtherFields: true, include: 'selected', includeFields: 'name, profile.level' }), [[{ json: PERSON }]]);
  assert.deepEqual(json(sel), [[{ name: 'alice', level: 'gold', x: 1 }]]);
  const exc = runNode(SET, 3.4, manual([['x', 1, 'number']], { includeOtherFields: true, include: 'except', excludeFields: 'tags,profile.score' }), [[{ json: PERSON }]]);
  assert.deepEqual(json(exc), [[{ id: 1, name: 'alice', profile: { level: 'gold' }, x: 1 }]]);
});

test('include all never changes the input item', () => {
  const input = JSON.parse(JSON.stringify(PERSON));
  const params = manual([['profile.city', 'Rome', 'string'], ['tags[2]', 'c', 'string']], { includeOtherFields: true });
  const task = { node: { name: 'Set', type: SET, typeVersion: 3.4, parameters: params }, inputs: [[{ json: input }]], context: {} };
  const out = setNode.run(new NodeContext(task, setNode));
  assert.deepEqual(JSON.parse(JSON.stringify(out[0][0].json)), { ...PERSON, profile: { score: 88, level: 'gold', city: 'Rome' }, tags: ['a', 'b', 'c'] });
  assert.deepEqual(input, PERSON);
});

test('dot notation builds nested objects and arrays; off, it writes flat keys', () => {
  const on = runNode(SET, 3.4, manual([['a.b', 1, 'number'], ['list[1].x', 'y', 'string']]), [[{ json: {} }]]);
  assert.deepEqual(json(on), [[{ a: { b: 1 }, list: [undefined, { x: 'y' }] }]].map((o) => JSON.parse(JSON.stringify(o))));
  const off = runNode(SET, 3.4, manual([['a.b', 1, 'number']], { options: { dotNotation: false } }), [[{ json: {} }]]);
  assert.deepEqual(json(off), [[{ 'a.b': 1 }]]);
});

test('assignment names can be expressions', () => {
  const r = runNode(SET, 3.4, manual([['={{ $json.key }}', '={{ $json.v }}', 'string']]), [[{ json: { key: 'k1', v: 'x' } }, { json: { key: 'k2', v: 'y' } }]]);
  assert.deepEqual(json(r), [[{ k1: 'x' }, { k2: 'y' }]]);
});

test('every assignment expression is evaluated before any value is converted', () => {
  // n8n resolves the whole assignments parameter first: the second
  // assignment's expression error wins over the first one's conversion error
  const r = runNode(SET, 3.4, manual([['n', 'abc', 'number'], ['x', '={{ $json.nope.deeper }}', 'string']]), [[{ json: PERSON }]]);
  assert.equal(r.error && r.error.message, "Cannot read properties of undefined (reading 'deeper')");
});

test('assignments whose shape is unusual are still resolved', () => {
  // an expression inside an object value, an extra key at the top
  const params = manual([['o', { inner: '={{ $json.name }}' }, 'object']]);
  let r = runNode(SET, 3.4, params, [[{ json: PERSON }]]);
  assert.deepEqual(json(r), [[{ o: { inner: 'alice' } }]]);
  params.assignments.note = 'kept out';
  r = runNode(SET, 3.4, params, [[{ json: PERSON }]]);
  assert.deepEqual(json(r), [[{ o: { inner: 'alice' } }]]);
});

test('output items pair with their input item', () => {
  const r = runNode(SET, 3.4, manual([['x', 1, 'number']]), [[{ json: {} }, { json: {} }]]);
  assert.deepEqual(r.outputs[0].map((i) => i.pairedItem), [{ item: 0 }, { item: 1 }]);
});

test('raw mode: invalid JSON and non-objects', () => {
  const bad = runNode(SET, 3.4, { mode: 'raw', jsonOutput: '={ "a": {{ $json.x }' }, [[{ json: { x: 1 } }]]);
  assert.equal(bad.error.message, "The 'JSON Output' in item 0 contains invalid JSON");
  const arr = runNode(SET, 3.4, { mode: 'raw', jsonOutput: '[1, 2]' }, [[{ json: {} }]]);
  assert.equal(arr.error.message, "The 'JSON Output' in item 0 does not contain a valid JSON object");
  const lit = runNode(SET, 3.4, { mode: 'raw', jsonOutput: '{"a": 1,}', includeOtherFields: true }, [[{ json: { b: 2 } }]]);
  assert.deepEqual(json(lit), [[{ b: 2, a: 1 }]]);
});

test('raw mode: objects in the template are written as JSON', () => {
  const r = runNode(SET, 3.4, { mode: 'raw', jsonOutput: '={ "p": {{ $json.profile }}, "t": {{ $json.tags }}, "s": "{{ $json.name }}" }' }, [[{ json: PERSON }]]);
  assert.deepEqual(json(r), [[{ p: PERSON.profile, t: PERSON.tags, s: 'alice' }]]);
});

test('continueOnFail: the error item carries pairedItem in its json', () => {
  const r = runNode(SET, 3.4, manual([['n', '={{ $json.v }}', 'number']]), [[{ json: { v: '1' } }, { json: { v: 'x' } }]], { onError: 'continueRegularOutput' });
  assert.deepEqual(json(r), [[{ n: 1 }, { error: "'n' expects a number but we got 'x' [item 1]", pairedItem: { item: 1 } }]]);
});

test('version 3.2 fields.values, with an object from a raw JSON expression', () => {
  const params = {
    mode: 'manual',
    fields: { values: [
      { name: 'count', type: 'numberValue', numberValue: '={{ $json.n }}' },
      { name: 'obj', type: 'objectValue', objectValue: '={ "n": {{ $json.n }}, "tags": {{ $json.tags }} }' },
    ] },
    include: 'none',
    options: {},
  };
  const r = runNode(SET, 3.2, params, [[{ json: { n: 4, tags: ['a'] } }]]);
  assert.deepEqual(json(r), [[{ count: 4, obj: { n: 4, tags: ['a'] } }]]);
  const all = runNode(SET, 3.2, { ...params, include: 'all' }, [[{ json: { n: 4, tags: ['a'] } }]]);
  assert.deepEqual(json(all), [[{ n: 4, tags: ['a'], count: 4, obj: { n: 4, tags: ['a'] } }]]);
});

test('version 2: typed values and keepOnlySet', () => {
  const params = { values: { string: [{ name: 's', value: 'x' }], number: [{ name: 'n', value: '5' }], boolean: [{ name: 'deep.b', value: 1 }] } };
  assert.deepEqual(json(runNode(SET, 2, params, [[{ json: { a: 1 } }]])), [[{ a: 1, deep: { b: true }, n: 5, s: 'x' }]]);
  assert.deepEqual(json(runNode(SET, 2, { ...params, keepOnlySet: true }, [[{ json: { a: 1 } }]])), [[{ deep: { b: true }, n: 5, s: 'x' }]]);
  assert.deepEqual(json(runNode(SET, 1, { ...params, keepOnlySet: true }, [[{ json: { a: 1 } }]])), [[{ deep: { b: true }, n: '5', s: 'x' }]]);
  assert.deepEqual(json(runNode(SET, 2, { ...params, keepOnlySet: true }, [[]])), [[{ deep: { b: true }, n: 5, s: 'x' }]]);
});

test('binary data passes through with include all (3.4) and is dropped with none', () => {
  const bin = { data: { data: 'aGk=', mimeType: 'text/plain' } };
  const withAll = runNode(SET, 3.4, manual([['x', 1, 'number']], { includeOtherFields: true }), [[{ json: {}, binary: bin }]]);
  assert.deepEqual(withAll.outputs[0][0].binary, bin);
  const none = runNode(SET, 3.4, manual([['x', 1, 'number']]), [[{ json: {}, binary: bin }]]);
  assert.equal(none.outputs[0][0].binary, undefined);
});

test('options that hold expressions are read for every item', () => {
  const params = manual([['v', '={{ $json.n }}', 'number']], { includeOtherFields: '={{ $json.keep }}' });
  const r = runNode(SET, 3.4, params, [[{ json: { n: 1, keep: true } }, { json: { n: 2, keep: false } }, { json: { n: 3, keep: true } }]]);
  assert.deepEqual(json(r), [[{ n: 1, keep: true, v: 1 }, { v: 2 }, { n: 3, keep: true, v: 3 }]]);
});

// A prepared node (src/prepare.js) runs from what preparing worked out;
// its output must be what the same node gives unprepared.
test('a prepared Edit Fields node gives what it gives unprepared', async () => {
  const { prepare, preparedParameters } = await import('../src/prepare.js');
  const cases = [
    manual([['greeting', "={{ 'hello ' + $json.name }}", 'string'], ['double', '={{ $json.id * 2 }}', 'number']]),
    manual([['x', 1, 'number'], ['a.b', '={{ $json.name }}', 'string']], { includeOtherFields: true }),
    manual([['x', 1, 'number']], { includeOtherFields: true, include: 'selected', includeFields: 'name, profile.level' }),
    manual([['x', 1, 'number']], { includeOtherFields: true, include: 'except', excludeFields: 'tags,profile.score' }),
    manual([['a.b', 1, 'number'], ['n', 'abc', 'number']], { options: { dotNotation: false, ignoreConversionErrors: true } }),
    manual([['x', '={{ $json.id }}', 'string']], { includeOtherFields: '={{ $json.id > 0 }}' }),
  ];
  cases.forEach((params, k) => {
    const run = (node) => {
      const input = JSON.parse(JSON.stringify(PERSON));
      const task = { node, inputs: [[{ json: input }, { json: { id: 2, name: 'bob' } }]], context: {} };
      return JSON.parse(JSON.stringify(setNode.run(new NodeContext(task, setNode))));
    };
    const want = run({ name: 'Set', type: SET, typeVersion: 3.4, parameters: params });
    const key = `set-equivalence-${k}`;
    prepare([{ key, type: SET, typeVersion: 3.4, parameters: JSON.parse(JSON.stringify(params)) }]);
    const kept = preparedParameters(key);
    assert.ok(kept, `case ${k}: not kept`);
    assert.deepEqual(run({ name: 'Set', type: SET, typeVersion: 3.4, parameters: kept, prepared: key }), want, `case ${k}`);
  });
});

// Assignments in the usual shape are built from their plan (plannedFields);
// with one more key beside them the parameter takes the generic path
// (param() and manualFields). Both must give the same items and errors.
test('assignments built from their plan give what the generic path gives', async () => {
  const entry = (name, value, type) => ({ id: 'e', name, value, type });
  const lists = [
    [entry('greeting', "={{ 'hello ' + $json.name }}", 'string'), entry('double', '={{ $json.id * 2 }}', 'number')],
    [entry('={{ "f_" + $json.id }}', '={{ $json.name }}', 'string'), entry('t', '42', '={{ $json.id > 1 ? "number" : "string" }}')],
    [{ value: '={{ $json.id }}', id: '={{ "x" }}', name: 'v', type: 'number' }, entry('same', 'plain', 'string')],
    [entry('file', 'data', 'binary'), entry('n', '={{ $json.id }}', 'number')],
    [entry('bad', '={{ $json.name }}', 'number')],
    [entry('boom', '={{ $json.nope.deeper }}', 'string')],
    [],
  ];
  const items = () => [{ json: { id: 1, name: 'ann' }, binary: { data: { mimeType: 'text/plain', data: 'aGk=' } } }, { json: { id: 2, name: '7' } }];
  const run = (assignments, extra) => {
    const params = { mode: 'manual', includeOtherFields: true, assignments: { assignments, ...extra }, options: {} };
    const task = { node: { name: 'Set', type: SET, typeVersion: 3.4, parameters: params }, inputs: [items()], context: {} };
    try {
      return JSON.parse(JSON.stringify(setNode.run(new NodeContext(task, setNode))));
    } catch (e) {
      return { error: e.message, itemIndex: e.itemIndex };
    }
  };
  lists.forEach((list, k) => {
    const generic = run(JSON.parse(JSON.stringify(list)), { other: 1 });
    assert.deepEqual(run(JSON.parse(JSON.stringify(list)), {}), generic, `case ${k}`);
    if (k === 4) assert.match(generic.error, /'bad' expects a number/);
    if (k === 5) assert.equal(typeof generic.error, 'string');
  });
});
