import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, json, runTask } from './harness.js';

test('No Op passes items through', () => {
  const r = runNode('n8n-nodes-base.noOp', 1, {}, [[{ json: { a: 1 } }, { json: { b: 2 } }]]);
  assert.deepEqual(json(r), [[{ a: 1 }, { b: 2 }]]);
});

test('an unknown node type is an error naming it', () => {
  const r = runNode('n8n-nodes-base.nope', 1, {}, [[]]);
  assert.match(r.error.message, /n8n-nodes-base\.nope/);
});

test('specs list every node type', () => {
  const r = runTask({ node: { name: 's', type: 'weft.specs' } });
  assert.ok(r.specs.some((s) => s.type === 'n8n-nodes-base.noOp'));
});
