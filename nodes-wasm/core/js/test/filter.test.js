import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runNode as runRaw, json } from './harness.js';

// runNode runs the node and turns output references to input items (an
// index, or [input, index]) back into the items.
function runNode(type, version, params, inputs, context) {
  const r = runRaw(type, version, params, inputs, context);
  if (Array.isArray(r.outputs)) {
    r.outputs = r.outputs.map((list) => (Array.isArray(list) ? list.map((it) => {
      if (typeof it === 'number') return inputs[0][it];
      if (Array.isArray(it)) return inputs[it[0]][it[1]];
      return it;
    }) : list));
  }
  return r;
}

// Conformance case loader: the node's inputs are the outputs n8n recorded
// for the nodes feeding it (the Code nodes' literals), stamped with
// pairedItem as the host does.
const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

function runCase(prefix, nodeName) {
  const c = loadCase(prefix);
  const wf = c.workflow;
  const node = wf.nodes.find((n) => n.name === nodeName);
  const inputs = [];
  for (const [src, conn] of Object.entries(wf.connections)) {
    conn.main.forEach((dests, out) => (dests || []).forEach((d) => {
      if (d.node !== nodeName) return;
      const items = c.expected.runData[src][0].outputs[out] || [];
      inputs[d.index] = items.map((json, i) => ({ json, pairedItem: d.index ? { item: i, input: d.index } : { item: i } }));
    }));
  }
  for (let k = 0; k < inputs.length; k++) inputs[k] = inputs[k] || [];
  const result = runNode(node.type, node.typeVersion, node.parameters, inputs, {
    onError: node.onError || 'stopWorkflow',
    execution: { id: '1', mode: 'manual' },
  });
  const runs = c.expected.runData[nodeName];
  return { result, expected: runs && runs[0].outputs, error: c.expected.error };
}

const FILTER = 'n8n-nodes-base.filter';

test('case 018: kept items, then the discarded ones as n8n records them', () => {
  const { result, expected } = runCase('018', 'Filter');
  assert.deepEqual(json(result), expected);
});

test('case 017: a filter that drops everything', () => {
  const { result, expected } = runCase('017', 'Drop All');
  assert.deepEqual(json(result), expected);
});

test('case 036: nothing kept (the host adds the empty item for alwaysOutputData)', () => {
  const { result, expected } = runCase('036', 'Filter');
  assert.deepEqual(json(result)[1], expected[1]);
  assert.deepEqual(json(result)[0], []);
});

test('options.ignoreCase and looseTypeValidation', () => {
  const items = [{ json: { s: 'Apple', n: '3' } }, { json: { s: 'pear', n: '7' } }];
  const conditions = {
    combinator: 'and',
    options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
    conditions: [
      { leftValue: '={{ $json.s }}', rightValue: 'a', operator: { type: 'string', operation: 'startsWith' } },
      { leftValue: '={{ $json.n }}', rightValue: 5, operator: { type: 'number', operation: 'lt' } },
    ],
  };
  const r = runNode(FILTER, 2.2, { conditions, looseTypeValidation: true, options: { ignoreCase: true } }, [items]);
  assert.deepEqual(json(r), [[{ s: 'Apple', n: '3' }], [{ s: 'pear', n: '7' }]]);
});

test('regex with an expression on the right', () => {
  const items = [{ json: { s: 'order-123', p: '^order-\\d+$' } }, { json: { s: 'x', p: '^order' } }];
  const conditions = {
    combinator: 'and',
    options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
    conditions: [{ leftValue: '={{ $json.s }}', rightValue: '={{ $json.p }}', operator: { type: 'string', operation: 'regex' } }],
  };
  const r = runNode(FILTER, 2.2, { conditions }, [items]);
  assert.deepEqual(json(r)[0], [{ s: 'order-123', p: '^order-\\d+$' }]);
});
