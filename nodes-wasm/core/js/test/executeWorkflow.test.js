import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runNode } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

const items = (jsons) => jsons.map((json, i) => ({ json, pairedItem: { item: i } }));

function execute(parameters, jsons, version = 1.2) {
  return runNode('n8n-nodes-base.executeWorkflow', version, parameters, [items(jsons)]);
}

test('031: the inline workflow and all items go to the host, which supplies the output', () => {
  const c = loadCase('031');
  const node = c.workflow.nodes.find((n) => n.name === 'Call Sub');
  const data = c.expected.runData.Data[0].outputs[0];
  const r = execute(node.parameters, data, node.typeVersion);
  assert.equal(r.outputs, null);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.executeWorkflow, {
    workflow: JSON.parse(node.parameters.workflowJson), items: items(data), mode: 'once', waitForSubWorkflow: true,
  });
});

test('031: the sub-workflow\'s trigger passes the items through', () => {
  const c = loadCase('031');
  const sub = JSON.parse(c.workflow.nodes.find((n) => n.name === 'Call Sub').parameters.workflowJson);
  const trigger = sub.nodes.find((n) => n.name === 'Sub Trigger');
  const input = items(c.expected.runData.Data[0].outputs[0]);
  const r = runNode(trigger.type, trigger.typeVersion, trigger.parameters, [input]);
  assert.deepEqual(r.outputs, [input]);
});

test('a workflow object, a local file, each-item mode, not waiting', () => {
  const wf = { nodes: [], connections: {} };
  assert.deepEqual(execute({ source: 'parameter', workflowJson: '={{ $json.wf }}' }, [{ wf }]).executeWorkflow.workflow, wf);
  const file = execute({ source: 'localFile', workflowPath: '/data/flow.json', mode: 'each', options: { waitForSubWorkflow: false } }, [{}, {}]);
  assert.deepEqual(file.executeWorkflow, { workflow: { path: '/data/flow.json' }, items: items([{}, {}]), mode: 'each', waitForSubWorkflow: false });
  const perItem = execute({ source: 'localFile', workflowPath: '=/data/{{ $json.f }}.json', mode: 'each' }, [{ f: 'a' }, { f: 'b' }]);
  assert.deepEqual(perItem.executeWorkflow.workflows, [{ path: '/data/a.json' }, { path: '/data/b.json' }]);
});

test('source url is not supported; bad JSON fails', () => {
  assert.match(execute({ source: 'url', workflowUrl: 'http://x' }, [{}]).error.message, /not supported/);
  assert.equal(typeof execute({ source: 'parameter', workflowJson: '{nope' }, [{}]).error.message, 'string');
});

test('the trigger keeps only the schema\'s fields in version 1.1', () => {
  const input = items([{ a: 1, b: 2 }]);
  const trig = (parameters, version = 1.1) => runNode('n8n-nodes-base.executeWorkflowTrigger', version, parameters, [input]).outputs[0];
  assert.deepEqual(trig({ inputSource: 'workflowInputs', workflowInputs: { values: [{ name: 'a' }, { name: 'c' }] } }).map((it) => it.json), [{ a: 1, c: null }]);
  assert.deepEqual(trig({ inputSource: 'jsonExample', jsonExample: '{"b": "x"}' }).map((it) => it.json), [{ b: 2 }]);
  assert.deepEqual(trig({ inputSource: 'workflowInputs' }, 1), input);
});

test('source database asks the host for the saved workflow by id', () => {
  const rl = execute({ source: 'database', workflowId: { __rl: true, value: 'wf42', mode: 'id' }, options: {} }, [{ a: 1 }], 1.1);
  assert.deepEqual(rl.executeWorkflow.workflow, { id: 'wf42' });
  const plain = execute({ source: 'database', workflowId: 'wf7' }, [{ a: 1 }], 1);
  assert.deepEqual(plain.executeWorkflow.workflow, { id: 'wf7' });
  const missing = execute({ source: 'database', workflowId: { __rl: true, value: '', mode: 'list' } }, [{ a: 1 }], 1.1);
  assert.match(missing.error.message, /No workflow to execute/);
});
