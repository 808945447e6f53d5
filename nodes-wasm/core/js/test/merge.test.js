import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, json, runTask, runCase } from './harness.js';

const MERGE = 'n8n-nodes-base.merge';

function stamp(list, input) {
  return list.map((j, i) => ({ json: j, pairedItem: input ? { item: i, input } : { item: i } }));
}

const LEFT = stamp([{ id: 1, name: 'a', x: 10 }, { id: 2, name: 'b', x: 20 }, { id: 3, name: 'c', x: 30 }], 0);
const RIGHT = stamp([{ id: 2, y: 'two' }, { id: 3, y: 'three' }, { id: 3, y: 'drei' }, { id: 4, y: 'four' }], 1);

function merge(params, inputs = [LEFT, RIGHT], version = 3.2) {
  return runNode(MERGE, version, params, inputs);
}

function byId(params) {
  return { mode: 'combine', combineBy: 'combineByFields', fieldsToMatchString: 'id', ...params };
}

for (const [c, title] of [
  ['011', 'append'],
  ['012', 'keep matches, all matches'],
  ['013', 'enrich input 1'],
  ['014', 'combine by position'],
  ['015', 'all combinations'],
  ['016', 'choose branch'],
  ['017', 'append with an empty input'],
]) {
  test(`case ${c}: ${title}`, () => {
    const { result, expected } = runCase(c, 'Merge');
    assert.deepEqual(json(result), expected);
  });
}

test('pairedItem points at both inputs', () => {
  const r = merge(byId({}));
  assert.deepEqual(r.outputs[0].map((i) => i.pairedItem), [
    [{ item: 1 }, { item: 0, input: 1 }],
    [{ item: 2 }, { item: 1, input: 1 }],
    [{ item: 2 }, { item: 2, input: 1 }],
  ]);
  const app = merge({});
  assert.deepEqual(app.outputs[0][3].pairedItem, { item: 0, input: 1 });
});

test('keep non-matches from both inputs adds _source', () => {
  const r = merge(byId({ joinMode: 'keepNonMatches' }));
  assert.deepEqual(json(r), [[{ id: 1, name: 'a', x: 10, _source: 'input1' }, { id: 4, y: 'four', _source: 'input2' }]]);
  assert.deepEqual(json(merge(byId({ joinMode: 'keepNonMatches', outputDataFrom: 'input2' }))), [[{ id: 4, y: 'four' }]]);
});

test('keep matches: output from one input', () => {
  assert.deepEqual(json(merge(byId({ outputDataFrom: 'input1' }))), [[LEFT[1].json, LEFT[2].json]]);
  assert.deepEqual(json(merge(byId({ outputDataFrom: 'input2' }))), [[RIGHT[0].json, RIGHT[1].json, RIGHT[2].json]]);
});

test('keep everything and enrich input 2', () => {
  assert.deepEqual(json(merge(byId({ joinMode: 'keepEverything' }))), [[
    { id: 2, name: 'b', x: 20, y: 'two' }, { id: 3, name: 'c', x: 30, y: 'three' }, { id: 3, name: 'c', x: 30, y: 'drei' },
    { id: 1, name: 'a', x: 10 }, { id: 4, y: 'four' },
  ]]);
  assert.deepEqual(json(merge(byId({ joinMode: 'enrichInput2' }))), [[
    { id: 2, name: 'b', x: 20, y: 'two' }, { id: 3, name: 'c', x: 30, y: 'three' }, { id: 3, name: 'c', x: 30, y: 'drei' },
    { id: 4, y: 'four' },
  ]]);
});

test('multiple matches: first only', () => {
  const r = merge(byId({ options: { multipleMatches: 'first' } }));
  assert.deepEqual(json(r), [[{ id: 2, name: 'b', x: 20, y: 'two' }, { id: 3, name: 'c', x: 30, y: 'three' }]]);
});

test('clash handling: prefer input 1, add suffix, shallow merge', () => {
  const a = stamp([{ k: 1, v: 'one', nested: { p: 1, q: 1 } }], 0);
  const b = stamp([{ k: 1, v: 'uno', nested: { q: 2 } }], 1);
  const clash = (values) => ({ options: { clashHandling: { values } } });
  assert.deepEqual(json(merge(byId({ fieldsToMatchString: 'k', ...clash({ resolveClash: 'preferInput1' }) }), [a, b])), [[{ k: 1, v: 'one', nested: { p: 1, q: 1 } }]]);
  assert.deepEqual(json(merge(byId({ fieldsToMatchString: 'k' }), [a, b])), [[{ k: 1, v: 'uno', nested: { p: 1, q: 2 } }]]);
  assert.deepEqual(json(merge(byId({ fieldsToMatchString: 'k', ...clash({ resolveClash: 'preferLast', mergeMode: 'shallowMerge' }) }), [a, b])), [[{ k: 1, v: 'uno', nested: { q: 2 } }]]);
  assert.deepEqual(json(merge(byId({ fieldsToMatchString: 'k', ...clash({ resolveClash: 'addSuffix' }) }), [a, b])), [[
    { k_1: 1, v_1: 'one', nested_1: { p: 1, q: 1 }, k_2: 1, v_2: 'uno', nested_2: { q: 2 } },
  ]]);
  const empty = stamp([{ k: 1, v: '' }], 1);
  assert.deepEqual(json(merge(byId({ fieldsToMatchString: 'k', ...clash({ resolveClash: 'preferLast', mergeMode: 'deepMerge', overrideEmpty: true }) }), [a, empty])), [[{ k: 1, v: 'one', nested: { p: 1, q: 1 } }]]);
  // without a merge mode n8n ignores overrideEmpty
  assert.deepEqual(json(merge(byId({ fieldsToMatchString: 'k', ...clash({ resolveClash: 'preferLast', overrideEmpty: true }) }), [a, empty])), [[{ k: 1, v: '', nested: { p: 1, q: 1 } }]]);
});

test('fields with different names, fuzzy compare and dot notation', () => {
  const a = stamp([{ user: { id: 1 } }, { user: { id: 2 } }], 0);
  const b = stamp([{ uid: '1', n: 'x' }, { uid: 2, n: 'y' }], 1);
  const params = { mode: 'combine', advanced: true, mergeByFields: { values: [{ field1: 'user.id', field2: 'uid' }] } };
  assert.deepEqual(json(merge(params, [a, b])), [[{ user: { id: 2 }, uid: 2, n: 'y' }]]);
  assert.deepEqual(json(merge({ ...params, options: { fuzzyCompare: true } }, [a, b])), [[{ user: { id: 1 }, uid: '1', n: 'x' }, { user: { id: 2 }, uid: 2, n: 'y' }]]);
  assert.deepEqual(json(merge({ ...params, options: { disableDotNotation: true } }, [a, b])), [[]]);
});

test('fields to match must be given', () => {
  assert.equal(merge({ mode: 'combine', fieldsToMatchString: '' }).error.message, 'You need to define at least one pair of fields in "Fields to Match" to match on');
});

test('combine by fields with an empty input', () => {
  assert.deepEqual(merge(byId({}), [LEFT, []]).outputs, []);
  assert.deepEqual(json(merge(byId({ joinMode: 'enrichInput1' }), [LEFT, []])), [LEFT.map((i) => i.json)]);
});

test('combine by position: include unpaired and add suffix', () => {
  const r = merge({ mode: 'combine', combineBy: 'combineByPosition', options: { includeUnpaired: true } });
  assert.deepEqual(json(r)[0].length, 4);
  assert.deepEqual(json(r)[0][3], { id: 4, y: 'four' });
  const s = merge({ mode: 'combine', combineBy: 'combineByPosition', options: { clashHandling: { values: { resolveClash: 'preferInput1' } } } });
  assert.deepEqual(json(s)[0][0], { id: 1, name: 'a', x: 10, y: 'two' });
});

test('all combinations preferring input 1', () => {
  const r = merge({ mode: 'combine', combineBy: 'combineAll', options: { clashHandling: { values: { resolveClash: 'preferInput1' } } } }, [LEFT.slice(0, 1), RIGHT.slice(0, 2)]);
  assert.deepEqual(json(r), [[{ id: 1, name: 'a', x: 10, y: 'two' }, { id: 1, name: 'a', x: 10, y: 'three' }]]);
  assert.deepEqual(r.outputs[0][0].pairedItem, [{ item: 0, input: 1 }, { item: 0 }]);
});

test('choose branch: input 1, an empty item, a missing input', () => {
  assert.deepEqual(json(merge({ mode: 'chooseBranch' })), [LEFT.map((i) => i.json)]);
  const empty = merge({ mode: 'chooseBranch', output: 'empty' });
  assert.deepEqual(json(empty), [[{}]]);
  assert.equal(empty.outputs[0][0].pairedItem.length, 7);
  assert.equal(merge({ mode: 'chooseBranch', useDataOfInput: 3 }).error.message, "Input 3 doesn't exist");
});

test('three inputs (3.1+)', () => {
  const third = stamp([{ z: 1 }], 2);
  const r = merge({ mode: 'append', numberInputs: 3 }, [LEFT, RIGHT, third], 3.1);
  assert.equal(json(r)[0].length, 8);
  const d = runTask({ node: { name: 'd', type: 'weft.describe', parameters: { nodes: [
    { name: 'M3', type: MERGE, typeVersion: 3.2, parameters: { numberInputs: 3 } },
    { name: 'M', type: MERGE, typeVersion: 3, parameters: { numberInputs: 3 } },
  ] } } });
  assert.deepEqual(d.nodes.map((n) => n.inputs), [3, 2]);
});
