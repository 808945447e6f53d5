import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runNode } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

const stop = (parameters, jsons = [{}]) => runNode('n8n-nodes-base.stopAndError', 1, parameters, [jsons.map((json) => ({ json }))]);

test('033: fails with the message resolved for the first item', () => {
  const c = loadCase('033');
  const node = c.workflow.nodes.find((n) => n.name === 'Stop');
  const r = stop(node.parameters, c.expected.runData.Data[0].outputs[0]);
  assert.deepEqual(r, { outputs: null, error: { message: c.expected.error.message } });
});

test('an error object gives its message, description or error', () => {
  assert.deepEqual(stop({ errorType: 'errorObject', errorObject: '{"message": "m", "description": "d"}' }).error, { message: 'm', description: 'd' });
  assert.deepEqual(stop({ errorType: 'errorObject', errorObject: '{"description": "only d"}' }).error, { message: 'only d', description: 'only d' });
  assert.deepEqual(stop({ errorType: 'errorObject', errorObject: '{"error": "e"}' }).error, { message: 'e' });
  assert.deepEqual(stop({ errorType: 'errorObject', errorObject: '{"code": 404}' }).error, { message: 'Error: {"code":404}' });
});
