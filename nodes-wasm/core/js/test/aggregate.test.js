import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runNode } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

function aggregate(parameters, jsons) {
  return runNode('n8n-nodes-base.aggregate', 1, parameters, [jsons.map((json, i) => ({ json, pairedItem: { item: i } }))]);
}

function jsonOf(r) {
  assert.equal(r.error, undefined, r.error && r.error.message);
  return r.outputs[0].map((it) => it.json);
}

test('021: individual fields into lists, one renamed', () => {
  const c = loadCase('021');
  const node = c.workflow.nodes.find((n) => n.name === 'Aggregate');
  const r = aggregate(node.parameters, c.expected.runData['Split Out'][0].outputs[0]);
  assert.deepEqual(jsonOf(r), c.expected.runData.Aggregate[0].outputs[0]);
  assert.deepEqual(r.outputs[0][0].pairedItem, [{ item: 0 }, { item: 1 }, { item: 2 }]);
});

test('022: all item data into one list field', () => {
  const c = loadCase('022');
  const node = c.workflow.nodes.find((n) => n.name === 'Aggregate');
  const r = aggregate(node.parameters, c.expected.runData.Data[0].outputs[0]);
  assert.deepEqual(jsonOf(r), c.expected.runData.Aggregate[0].outputs[0]);
});

test('all item data with specified or excluded fields; default field name "data"', () => {
  const data = [{ a: 1, b: 2 }, { b: 3 }, { a: 4 }];
  assert.deepEqual(jsonOf(aggregate({ aggregate: 'aggregateAllItemData', include: 'specifiedFields', fieldsToInclude: 'a' }, data)),
    [{ data: [{ a: 1 }, { a: 4 }] }]);
  const r = aggregate({ aggregate: 'aggregateAllItemData', include: 'allFieldsExcept', fieldsToExclude: 'a' }, data);
  assert.deepEqual(jsonOf(r), [{ data: [{ b: 2 }, { b: 3 }] }]);
  assert.deepEqual(r.outputs[0][0].pairedItem, [{ item: 0 }, { item: 1 }]);
});

test('missing and null values are skipped unless keepMissing; mergeLists flattens lists', () => {
  const data = [{ v: 1, l: [1, null] }, { v: null, l: [2] }, { l: 3 }];
  const one = (options, field = 'v') => jsonOf(aggregate({ fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: field }] }, options }, data));
  assert.deepEqual(one({}), [{ v: [1] }]);
  assert.deepEqual(one({ keepMissing: true }), [{ v: [1, null, null] }]);
  assert.deepEqual(one({}, 'l'), [{ l: [[1], [2], 3] }]);
  assert.deepEqual(one({ mergeLists: true }, 'l'), [{ l: [1, 2, 3] }]);
  assert.deepEqual(one({ mergeLists: true, keepMissing: true }, 'l'), [{ l: [1, null, 2, 3] }]);
});

test('nested fields output under their last key; dot notation can be off', () => {
  const data = [{ u: { name: 'a' } }, { u: { name: 'b' } }, { 'u.name': 'flat' }];
  const params = { fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: 'u.name' }] } };
  assert.deepEqual(jsonOf(aggregate(params, data)), [{ name: ['a', 'b', 'flat'] }]);
  assert.deepEqual(jsonOf(aggregate(Object.assign({ options: { disableDotNotation: true } }, params), data)), [{ 'u.name': ['flat'] }]);
  const renamed = { fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: 'u.name', renameField: true, outputFieldName: 'all.names' }] } };
  assert.deepEqual(jsonOf(aggregate(renamed, data)), [{ all: { names: ['a', 'b', 'flat'] } }]);
});

test('errors: no fields, a duplicate output field', () => {
  assert.deepEqual(aggregate({ fieldsToAggregate: { fieldToAggregate: [] } }, [{}]).error,
    { message: 'No fields specified', description: 'Please add a field to aggregate' });
  const dup = { fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: 'a' }, { fieldToAggregate: 'b', renameField: true, outputFieldName: 'a' }] } };
  assert.deepEqual(aggregate(dup, [{ a: 1 }]).error,
    { message: "The 'a' output field is used more than once", description: 'Please make sure each output field name is unique' });
});
