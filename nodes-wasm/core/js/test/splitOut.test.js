import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runNode } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

function splitOut(parameters, jsons, extra = {}) {
  const items = jsons.map((json, i) => Object.assign({ json, pairedItem: { item: i } }, extra[i] || {}));
  return runNode('n8n-nodes-base.splitOut', 1, parameters, [items]);
}

function jsonOf(r) {
  assert.equal(r.error, undefined, r.error && r.error.message);
  return r.outputs[0].map((it) => it.json);
}

test('021: a list of objects becomes one item per entry', () => {
  const c = loadCase('021');
  const node = c.workflow.nodes.find((n) => n.name === 'Split Out');
  const r = splitOut(node.parameters, c.expected.runData.Data[0].outputs[0]);
  assert.deepEqual(jsonOf(r), c.expected.runData['Split Out'][0].outputs[0]);
  assert.deepEqual(r.outputs[0].map((it) => it.pairedItem), [{ item: 0 }, { item: 0 }, { item: 1 }]);
});

test('scalars go under the field name, or the destination field', () => {
  const data = [{ id: 1, tags: ['a', 'b'] }];
  assert.deepEqual(jsonOf(splitOut({ fieldToSplitOut: 'tags' }, data)), [{ tags: 'a' }, { tags: 'b' }]);
  assert.deepEqual(jsonOf(splitOut({ fieldToSplitOut: 'tags', options: { destinationFieldName: 'tag' } }, data)),
    [{ tag: 'a' }, { tag: 'b' }]);
  assert.deepEqual(jsonOf(splitOut({ fieldToSplitOut: '$json.tags' }, data)), [{ tags: 'a' }, { tags: 'b' }]);
});

test('include all other fields or selected ones', () => {
  const data = [{ id: 1, who: { n: 'x' }, tags: ['a', 'b'] }];
  assert.deepEqual(jsonOf(splitOut({ fieldToSplitOut: 'tags', include: 'allOtherFields' }, data)),
    [{ id: 1, who: { n: 'x' }, tags: 'a' }, { id: 1, who: { n: 'x' }, tags: 'b' }]);
  assert.deepEqual(jsonOf(splitOut({ fieldToSplitOut: 'tags', include: 'selectedOtherFields', fieldsToInclude: 'id, who.n' }, data)),
    [{ tags: 'a', id: 1, 'who.n': 'x' }, { tags: 'b', id: 1, 'who.n': 'x' }]);
  const r = splitOut({ fieldToSplitOut: 'tags', include: 'selectedOtherFields', fieldsToInclude: '' }, data);
  assert.deepEqual(r.error, { message: 'No fields specified', description: 'Please add a field to include' });
});

test('several fields split side by side; nested paths, objects and missing fields', () => {
  const data = [{ a: [1, 2, 3], b: ['x', 'y'], deep: { list: [{ k: 1 }] }, obj: { p: 1, q: 2 }, s: 'one' }];
  assert.deepEqual(jsonOf(splitOut({ fieldToSplitOut: 'a, b' }, data)), [{ a: 1, b: 'x' }, { a: 2, b: 'y' }, { a: 3 }]);
  assert.deepEqual(jsonOf(splitOut({ fieldToSplitOut: 'deep.list' }, data)), [{ k: 1 }]);
  assert.deepEqual(jsonOf(splitOut({ fieldToSplitOut: 'deep.list', options: { disableDotNotation: true } }, data)), []);
  assert.deepEqual(jsonOf(splitOut({ fieldToSplitOut: 'obj' }, data)), [{ obj: 1 }, { obj: 2 }]);
  assert.deepEqual(jsonOf(splitOut({ fieldToSplitOut: 's' }, data)), [{ s: 'one' }]);
  assert.deepEqual(jsonOf(splitOut({ fieldToSplitOut: 'missing' }, data)), []);
  const r = splitOut({ fieldToSplitOut: 'a, b', options: { destinationFieldName: 'x' } }, data);
  assert.equal(r.error.message, 'If multiple fields to split out are given, the same number of destination fields must be given');
});

test('binary data splits into one item per binary property', () => {
  const binary = { a: { data: 'QQ==', mimeType: 'text/plain' }, b: { data: 'Qg==', mimeType: 'text/plain' } };
  const r = splitOut({ fieldToSplitOut: '$binary' }, [{ id: 1 }], [{ binary }]);
  assert.deepEqual(r.outputs[0].map((it) => [it.json, it.binary]), [[{}, { a: binary.a }], [{}, { b: binary.b }]]);
});

test('includeBinary copies the item\'s binary data', () => {
  const binary = { file: { data: 'QQ==' } };
  const r = splitOut({ fieldToSplitOut: 'l', options: { includeBinary: true } }, [{ l: [1, 2] }], [{ binary }]);
  assert.deepEqual(r.outputs[0].map((it) => it.binary), [binary, binary]);
});
