import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../src/main.js';

// run sends a task that asks for references to input items (task.refs),
// as the host does, and returns the raw outputs.
function run(type, typeVersion, parameters, inputs) {
  const task = { abi: 1, refs: true, node: { name: 'N', type, typeVersion, parameters }, inputs, context: {} };
  const r = JSON.parse(JSON.stringify(globalThis.__weft_run(JSON.stringify(task))));
  assert.equal(r.error, undefined, r.error && r.error.message);
  return r.outputs;
}

const items = (n, input = 0) => Array.from({ length: n }, (_, i) => ({ json: { i, input } }));

test('a routing node returns its input items by position', () => {
  assert.deepEqual(run('n8n-nodes-base.noOp', 1, {}, [items(3)]), [[0, 1, 2]]);
  // more items than are looked through one by one
  assert.deepEqual(run('n8n-nodes-base.noOp', 1, {}, [items(40)]), [Array.from({ length: 40 }, (_, i) => i)]);
});

test('items of a second input are [input, position]', () => {
  const params = { mode: 'append' };
  for (const n of [2, 20]) {
    const want = [[...Array.from({ length: n }, (_, i) => i), ...Array.from({ length: n }, (_, i) => [1, i])]];
    assert.deepEqual(run('n8n-nodes-base.merge', 3, params, [items(n), items(n, 1)]), want);
  }
});

test('outputs that are not input items stay items', () => {
  const ifParams = {
    conditions: { options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
      conditions: [{ id: 'c', leftValue: '={{ $json.i }}', rightValue: 1, operator: { type: 'number', operation: 'gt' } }], combinator: 'and' },
    options: {},
  };
  const paired = items(4).map((it, i) => ({ ...it, pairedItem: { item: i } }));
  assert.deepEqual(run('n8n-nodes-base.if', 2.2, ifParams, [paired]), [[2, 3], [0, 1]]);
  // without pairedItem the If passes on copies that carry it: items, not positions
  const out = run('n8n-nodes-base.if', 2.2, ifParams, [items(4)]);
  assert.deepEqual(out[0], [{ json: { i: 2, input: 0 }, pairedItem: { item: 2 } }, { json: { i: 3, input: 0 }, pairedItem: { item: 3 } }]);
});
