import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runNode } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

function summarize(parameters, jsons, version = 1.1) {
  return runNode('n8n-nodes-base.summarize', version, parameters, [jsons.map((json, i) => ({ json, pairedItem: { item: i } }))]);
}

function jsonOf(r) {
  assert.equal(r.error, undefined, r.error && r.error.message);
  return r.outputs[0].map((it) => it.json);
}

const fields = (...values) => ({ fieldsToSummarize: { values } });

test('023: sum, count, max, min, average and concatenate split by region', () => {
  const c = loadCase('023');
  const node = c.workflow.nodes.find((n) => n.name === 'Summarize');
  const r = summarize(node.parameters, c.expected.runData.Data[0].outputs[0]);
  assert.deepEqual(jsonOf(r), c.expected.runData.Summarize[0].outputs[0]);
  assert.deepEqual(r.outputs[0][0].pairedItem, [{ item: 0 }, { item: 2 }, { item: 5 }]);
});

const data = [
  { g: 'a', n: 1, s: 'x', k: 1 }, { g: 'b', n: 2, s: '', k: 1 }, { g: 'a', n: '3', s: 'y', k: 2 }, { g: null, s: 'x', k: 2 },
];

test('without split fields: one item', () => {
  const r = summarize(fields(
    { aggregation: 'count', field: 'n' },
    { aggregation: 'countUnique', field: 's' },
    { aggregation: 'sum', field: 'n' },
    { aggregation: 'append', field: 's' },
    { aggregation: 'concatenate', field: 's', separateBy: 'other', customSeparator: '|' },
    { aggregation: 'max', field: 'n' },
  ), data);
  assert.deepEqual(jsonOf(r), [{
    count_n: 3, unique_count_s: 2, sum_n: 3, appended_s: ['x', 'y', 'x'], concatenated_s: 'x|y|x', max_n: '3',
  }]);
});

test('append with includeEmpty keeps empty values (the later field of the same name wins)', () => {
  const r = summarize(fields({ aggregation: 'append', field: 's', includeEmpty: true }), data);
  assert.deepEqual(jsonOf(r), [{ appended_s: ['x', '', 'y', 'x'] }]);
});

test('split values keep their type in 1.1 and become strings in 1; empty splits can be skipped', () => {
  const params = Object.assign(fields({ aggregation: 'count', field: 's' }), { fieldsToSplitBy: 'k' });
  assert.deepEqual(jsonOf(summarize(params, data)), [{ count_s: 1, k: 1 }, { count_s: 2, k: 2 }]);
  assert.deepEqual(jsonOf(summarize(params, data, 1)), [{ count_s: 1, k: '1' }, { count_s: 2, k: '2' }]);
  const byG = Object.assign(fields({ aggregation: 'count', field: 's' }), { fieldsToSplitBy: 'g' });
  assert.deepEqual(jsonOf(summarize(byG, data)), [{ count_s: 2, g: 'a' }, { count_s: 0, g: 'b' }, { count_s: 1, g: null }]);
  assert.deepEqual(jsonOf(summarize(Object.assign({ options: { skipEmptySplitFields: true } }, byG), data)),
    [{ count_s: 2, g: 'a' }, { count_s: 0, g: 'b' }]);
});

test('several split fields, and all splits in a single item', () => {
  const params = Object.assign(fields({ aggregation: 'sum', field: 'n' }), { fieldsToSplitBy: 'g, k' });
  assert.deepEqual(jsonOf(summarize(params, data)), [
    { sum_n: 1, k: 1, g: 'a' }, { sum_n: 0, k: 2, g: 'a' }, { sum_n: 2, k: 1, g: 'b' }, { sum_n: 0, k: 2, g: null },
  ]);
  const single = Object.assign({ options: { outputFormat: 'singleItem' } }, params);
  assert.deepEqual(jsonOf(summarize(single, data)), [{
    a: { 1: { sum_n: 1 }, 2: { sum_n: 0 } }, b: { 1: { sum_n: 2 } }, null: { 2: { sum_n: 0 } },
  }]);
});

test('output field names replace dots and spaces', () => {
  const r = summarize(fields({ aggregation: 'count', field: 'a.b' }, { aggregation: 'min', field: 'my field' }), [{ a: { b: 1 }, 'my field': 4 }]);
  assert.deepEqual(jsonOf(r), [{ count_a_b: 1, min_my_field: 4 }]);
});

test('a field missing in every item fails in version 1 only', () => {
  const params = fields({ aggregation: 'sum', field: 'nope' });
  assert.deepEqual(summarize(params, data, 1).error, { message: "The field 'nope' does not exist in any items" });
  assert.deepEqual(jsonOf(summarize(params, data, 1.1)), [{ sum_nope: 0 }]);
  assert.deepEqual(jsonOf(summarize(Object.assign({ options: { continueIfFieldNotFound: true } }, params), data, 1)), [{ sum_nope: 0 }]);
  assert.deepEqual(summarize(fields({ aggregation: 'sum', field: '' }), data).error,
    { message: "You need to add at least one aggregation to 'Fields to Summarize' with non empty 'Field'" });
});
