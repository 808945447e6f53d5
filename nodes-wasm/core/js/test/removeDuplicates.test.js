import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runNode } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

function dedup(parameters, jsons, version = 2) {
  const items = jsons.map((json, i) => ({ json, pairedItem: { item: i } }));
  const r = runNode('n8n-nodes-base.removeDuplicates', version, parameters, [items]);
  if (r.error) return r;
  return r.outputs[0].map((it) => (typeof it === 'number' ? items[it] : it).json);
}

test('026: compare selected fields only, keeping the first of each', () => {
  const c = loadCase('026');
  const node = c.workflow.nodes.find((n) => n.name === 'Dedup');
  assert.deepEqual(dedup(node.parameters, c.expected.runData.Data[0].outputs[0]), c.expected.runData.Dedup[0].outputs[0]);
});

test('all fields, all fields except some, nested values compared deeply', () => {
  const data = [{ a: 1, b: { c: [1] } }, { a: 1, b: { c: [1] } }, { a: 1, b: { c: [2] } }, { a: 2, b: { c: [1] } }];
  assert.deepEqual(dedup({}, data), [data[0], data[2], data[3]]);
  assert.deepEqual(dedup({ compare: 'allFieldsExcept', fieldsToExclude: 'b.c.0' }, data), [data[0], data[3]]);
  assert.deepEqual(dedup({ compare: 'selectedFields', fieldsToCompare: 'b.c[0]' }, data), [data[0], data[2]]);
  assert.deepEqual(dedup({ compare: 'selectedFields', fieldsToCompare: 'a', options: { removeOtherFields: true } }, data), [{ a: 1 }, { a: 2 }]);
});

test('errors n8n reports for the compared fields', () => {
  assert.deepEqual(dedup({ compare: 'selectedFields', fieldsToCompare: 'a' }, [{ a: 1 }, { b: 1 }]).error,
    { message: "'a' field is missing from some input items" });
  const mixed = dedup({ compare: 'selectedFields', fieldsToCompare: 'a' }, [{ a: 1 }, { a: 'x' }]).error;
  assert.equal(mixed.message, "'a' isn't always the same type");
  assert.match(mixed.description, /^The type of this field varies between items, in item \[0\] it's a /);
  assert.deepEqual(dedup({ compare: 'selectedFields', fieldsToCompare: '' }, [{ a: 1 }]).error,
    { message: 'No fields specified. Please add a field to compare on' });
  assert.deepEqual(dedup({ compare: 'allFieldsExcept' }, [{ a: 1 }]).error,
    { message: 'No fields specified. Please add a field to exclude from comparison' });
});

test('null values are skipped in the type check from version 1.1', () => {
  const data = [{ a: null }, { a: 1 }, { a: null }];
  assert.deepEqual(dedup({ compare: 'selectedFields', fieldsToCompare: 'a' }, data, 2), [{ a: null }, { a: 1 }]);
  assert.equal(dedup({ compare: 'selectedFields', fieldsToCompare: 'a' }, data, 1).error.message, "'a' isn't always the same type");
});

test('operations that need a history across executions are refused', () => {
  const r = dedup({ operation: 'removeItemsSeenInPreviousExecutions', dedupeField: 'a' }, [{ a: 1 }]);
  assert.match(r.error.message, /not supported/);
});
