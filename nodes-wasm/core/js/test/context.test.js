import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../src/main.js';

// run sends the task as the host does: the context as JSON text inside
// the task document.
function run(parameters, inputs, context, connectionInput) {
  const task = {
    abi: 1,
    node: { name: 'Set', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters },
    inputs,
    connectionInput,
    context: typeof context === 'string' ? context : JSON.stringify(context),
  };
  return JSON.parse(JSON.stringify(globalThis.__weft_run(JSON.stringify(task))));
}

function assign(name, value, type = 'string') {
  return { mode: 'manual', assignments: { assignments: [{ id: '1', name, value, type }] }, options: {} };
}

test('$json expressions do not need the context parsed', () => {
  // not JSON: any read of the context would fail the node
  const r = run(assign('v', '={{ $json.n * 2 }}', 'number'), [[{ json: { n: 21 } }]], '{"workflow":');
  assert.equal(r.error, undefined);
  assert.deepEqual(r.outputs[0][0].json, { v: 42 });
});

test("the task's connectionInput is $input, without the context parsed", () => {
  const r = run(assign('v', '={{ $input.first().json.n }}', 'number'), [[{ json: { n: 1 } }]], '{"workflow":', [{ json: { n: 5 } }]);
  assert.equal(r.error, undefined);
  assert.equal(r.outputs[0][0].json.v, 5);
});

test('dates see the workflow time zone from the context text', () => {
  for (const zone of ['America/New_York', 'Europe/Berlin', 'UTC']) {
    const ctx = { workflow: { id: 'w', name: 'n', active: false, timezone: zone }, execution: { id: '1', mode: 'manual' }, runIndex: 0 };
    const r = run(assign('zone', '={{ $now.zoneName }}'), [[{ json: {} }]], ctx);
    assert.equal(r.error, undefined);
    assert.equal(r.outputs[0][0].json.zone, zone);
  }
});

test('the run index and execution come from the context text when used', () => {
  const ctx = { workflow: { id: 'w', name: 'flow', active: true, timezone: 'UTC' }, execution: { id: '77', mode: 'webhook' }, runIndex: 3 };
  const r = run(assign('v', '={{ $runIndex + "/" + $execution.id + "/" + $execution.mode + "/" + $workflow.name }}'), [[{ json: {} }]], ctx);
  assert.equal(r.error, undefined);
  assert.equal(r.outputs[0][0].json.v, '3/77/production/flow');
});
