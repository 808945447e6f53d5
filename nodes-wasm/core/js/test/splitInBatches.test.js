import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runTask } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

// loopRun runs the node once as the host does: the items, the state of the
// previous run, the node that fed it.
function loopRun(parameters, items, runIndex, nodeState, previousNode) {
  const r = runTask({
    node: { name: 'Loop', type: 'n8n-nodes-base.splitInBatches', typeVersion: 3, parameters },
    inputs: [items],
    context: { runIndex, nodeState, source: [{ previousNode, previousNodeOutput: 0, previousNodeRun: 0 }] },
  });
  assert.equal(r.error, undefined, r.error && r.error.message);
  r.outputs = r.outputs.map((out) => out.map((it) => (typeof it === 'number' ? items[it] : it)));
  return r;
}

const items = (jsons) => jsons.map((json, i) => ({ json, pairedItem: { item: i } }));
const jsonOf = (r) => r.outputs.map((out) => out.map((it) => it.json));

test('027: batches of 2 over 5 items, then every processed item on "done"', () => {
  const c = loopCase();
  const node = c.workflow.nodes.find((n) => n.name === 'Loop');
  const runs = c.expected.runData.Loop;
  let r = loopRun(node.parameters, items(c.expected.runData.Data[0].outputs[0]), 0, undefined, 'Data');
  assert.deepEqual(jsonOf(r), runs[0].outputs);
  for (let k = 1; k < runs.length; k++) {
    const back = items(c.expected.runData.Mark[k - 1].outputs[0]);
    r = loopRun(node.parameters, back, k, r.nodeState, 'Mark');
    assert.deepEqual(jsonOf(r), runs[k].outputs, `run ${k}`);
  }
  assert.equal(r.nodeState.done, true);
});

function loopCase() {
  return loadCase('027');
}

test('later batches point their pairedItem at the first run\'s source', () => {
  const first = loopRun({ batchSize: 1 }, items([{ n: 1 }, { n: 2 }]), 0, undefined, 'Data');
  assert.deepEqual(first.outputs[1][0].pairedItem, { item: 0 });
  const second = loopRun({ batchSize: 1 }, items([{ n: 1, seen: true }]), 1, first.nodeState, 'Work');
  assert.deepEqual(second.outputs[1][0].pairedItem, {
    item: 1, sourceOverwrite: { previousNode: 'Data', previousNodeOutput: 0, previousNodeRun: 0 },
  });
  const done = loopRun({ batchSize: 1 }, items([{ n: 2, seen: true }]), 2, second.nodeState, 'Work');
  assert.deepEqual(jsonOf(done), [[{ n: 1, seen: true }, { n: 2, seen: true }], []]);
  assert.deepEqual(done.outputs[0][1].pairedItem, {
    item: 0, sourceOverwrite: { previousNode: 'Work', previousNodeOutput: 0, previousNodeRun: 0 },
  });
});

test('reset starts over with the incoming items', () => {
  const first = loopRun({ batchSize: 2 }, items([{ n: 1 }, { n: 2 }, { n: 3 }]), 0, undefined, 'Data');
  const again = loopRun({ batchSize: 2, options: { reset: true } }, items([{ m: 1 }]), 1, first.nodeState, 'Data');
  assert.deepEqual(jsonOf(again), [[], [{ m: 1 }]]);
  assert.deepEqual(again.nodeState.items, []);
});

test('no input items: done at once with nothing', () => {
  const r = loopRun({ batchSize: 2 }, [], 0, undefined, 'Data');
  assert.deepEqual(jsonOf(r), [[], []]);
  assert.equal(r.nodeState.done, true);
});
