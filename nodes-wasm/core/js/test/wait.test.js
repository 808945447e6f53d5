import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runNode } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

function wait(parameters, jsons = [{ a: 1 }], version = 1.1) {
  const items = jsons.map((json, i) => ({ json, pairedItem: { item: i } }));
  const r = runNode('n8n-nodes-base.wait', version, parameters, [items], { workflow: { timezone: 'UTC' } });
  if (r.outputs) r.outputs = r.outputs.map((out) => out.map((it) => (typeof it === 'number' ? items[it] : it).json));
  return r;
}

test('032: asks the host to wait one second, then passes the items on', () => {
  const c = loadCase('032');
  const node = c.workflow.nodes.find((n) => n.name === 'Wait');
  const r = wait(node.parameters, c.expected.runData.Data[0].outputs[0], node.typeVersion);
  assert.deepEqual(r.wait, { ms: 1000 });
  assert.deepEqual(r.outputs, c.expected.runData.Wait[0].outputs);
});

test('units and the version defaults (1 hour in version 1, 5 seconds in 1.1)', () => {
  assert.deepEqual(wait({ amount: 2, unit: 'minutes' }).wait, { ms: 120000 });
  assert.deepEqual(wait({ amount: 0.5, unit: 'days' }).wait, { ms: 43200000 });
  assert.deepEqual(wait({}, [{}], 1).wait, { ms: 3600000 });
  assert.deepEqual(wait({}, [{}], 1.1).wait, { ms: 5000 });
});

test('a specific time waits until then (no wait for a past date)', () => {
  const r = wait({ resume: 'specificTime', dateTime: '2000-01-01T00:00:00' });
  assert.deepEqual(r.wait, { ms: 0 });
  const later = new Date(Date.now() + 60000).toISOString();
  const ms = wait({ resume: 'specificTime', dateTime: later }).wait.ms;
  assert.ok(ms > 55000 && ms <= 60000, String(ms));
  assert.match(wait({ resume: 'specificTime', dateTime: 'soon' }).error.message, /^Cannot put execution to wait/);
});

test('invalid amounts and units, and the resume modes not supported', () => {
  assert.equal(wait({ amount: -1, unit: 'seconds' }).error.message, 'Invalid wait amount. Please enter a number that is 0 or greater.');
  assert.equal(wait({ amount: 1, unit: 'weeks' }).error.message, "Invalid wait unit. Valid units are 'seconds', 'minutes', 'hours', or 'days'.");
  assert.match(wait({ resume: 'form' }).error.message, /not supported/);
});

test('webhook resume waits for a call, with an optional time limit', () => {
  assert.deepEqual(wait({ resume: 'webhook', httpMethod: 'POST' }).wait, { ms: null, webhook: { method: 'POST' } });
  assert.deepEqual(wait({ resume: 'webhook' }).wait, { ms: null, webhook: { method: 'GET' } });
  const limited = wait({ resume: 'webhook', limitWaitTime: true, resumeAmount: 2, resumeUnit: 'minutes' });
  assert.deepEqual(limited.wait, { ms: 120000, webhook: { method: 'GET' } });
  assert.deepEqual(limited.outputs, [[{ a: 1 }]]);
  assert.match(wait({ resume: 'webhook', limitWaitTime: true, resumeUnit: 'weeks' }).error.message, /Invalid wait time limit/);
});
