import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runNode } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

// sort runs the node; outputs that reference input items are resolved.
function sort(parameters, jsons) {
  const items = jsons.map((json, i) => ({ json, pairedItem: { item: i } }));
  const r = runNode('n8n-nodes-base.sort', 1, parameters, [items]);
  if (r.error) return r;
  return r.outputs[0].map((it) => (typeof it === 'number' ? items[it] : it).json);
}

const by = (...sortField) => ({ sortFieldsUi: { sortField } });

test('024: region ascending then qty descending', () => {
  const c = loadCase('024');
  const node = c.workflow.nodes.find((n) => n.name === 'Sort');
  assert.deepEqual(sort(node.parameters, c.expected.runData.Data[0].outputs[0]), c.expected.runData.Sort[0].outputs[0]);
});

test('strings compare without case; numbers as numbers; missing values last', () => {
  const data = [{ n: 'b' }, { n: 'A' }, { n: 'c' }, { x: 1 }, { n: 'a' }];
  assert.deepEqual(sort(by({ fieldName: 'n' }), data), [{ n: 'A' }, { n: 'a' }, { n: 'b' }, { n: 'c' }, { x: 1 }]);
  assert.deepEqual(sort(by({ fieldName: 'v' }), [{ v: 10 }, { v: 9 }, { v: '10' }, { v: -1 }]), [{ v: -1 }, { v: 9 }, { v: 10 }, { v: '10' }]);
  assert.deepEqual(sort(by({ fieldName: 'o.k', order: 'descending' }), [{ o: { k: 1 } }, { o: { k: 3 } }, { o: { k: 2 } }]),
    [{ o: { k: 3 } }, { o: { k: 2 } }, { o: { k: 1 } }]);
});

test('errors: no sort fields, a field no item has', () => {
  assert.deepEqual(sort({}, [{ a: 1 }]), { outputs: null, error: { message: 'No sorting specified. Please add a field to sort by' } });
  assert.deepEqual(sort(by({ fieldName: 'z' }), [{ a: 1 }]), { outputs: null, error: { message: "Couldn't find the field 'z' in the input data" } });
  const nested = sort(Object.assign(by({ fieldName: 'o.k' }), { options: { disableDotNotation: true } }), [{ o: { k: 1 } }]);
  assert.deepEqual(nested.error, {
    message: "Couldn't find the field 'o.k' in the input data",
    description: "If you're trying to use a nested field, make sure you turn off 'disable dot notation' in the node options",
  });
});

test('random keeps every item; code sorts with a comparison function', () => {
  const data = [{ v: 3 }, { v: 1 }, { v: 2 }];
  assert.deepEqual(sort({ type: 'random' }, data).map((j) => j.v).sort(), [1, 2, 3]);
  assert.deepEqual(sort({ type: 'code', code: 'return a.json.v - b.json.v;' }, data), [{ v: 1 }, { v: 2 }, { v: 3 }]);
  assert.deepEqual(sort({ type: 'code', code: 'a.json.v - b.json.v' }, data).error,
    { message: "Sort code doesn't return. Please add a 'return' statement to your code" });
});
