import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runNode } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

function limit(parameters, jsons) {
  const items = jsons.map((json, i) => ({ json, pairedItem: { item: i } }));
  const r = runNode('n8n-nodes-base.limit', 1, parameters, [items]);
  return r.outputs[0].map((it) => (typeof it === 'number' ? items[it] : it).json);
}

test('025: first two and last two', () => {
  const c = loadCase('025');
  const data = c.expected.runData.Data[0].outputs[0];
  for (const name of ['First Two', 'Last Two']) {
    const node = c.workflow.nodes.find((n) => n.name === name);
    assert.deepEqual(limit(node.parameters, data), c.expected.runData[name][0].outputs[0], name);
  }
});

test('default keeps the first item; more than there are keeps all', () => {
  assert.deepEqual(limit({}, [{ a: 1 }, { a: 2 }]), [{ a: 1 }]);
  assert.deepEqual(limit({ maxItems: 5, keep: 'lastItems' }, [{ a: 1 }, { a: 2 }]), [{ a: 1 }, { a: 2 }]);
});
