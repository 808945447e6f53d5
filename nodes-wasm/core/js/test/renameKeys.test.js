import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runNode } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

function rename(parameters, jsons) {
  const r = runNode('n8n-nodes-base.renameKeys', 1, parameters, [jsons.map((json, i) => ({ json, pairedItem: { item: i } }))]);
  assert.equal(r.error, undefined, r.error && r.error.message);
  return r.outputs[0].map((it) => it.json);
}

test('028: renames top-level keys, the new key last', () => {
  const c = loadCase('028');
  const node = c.workflow.nodes.find((n) => n.name === 'Rename');
  const out = rename(node.parameters, c.expected.runData['No Op'][0].outputs[0]);
  assert.deepEqual(out, c.expected.runData.Rename[0].outputs[0]);
  assert.deepEqual(Object.keys(out[0]), ['id', 'value', 'label']);
});

test('nested keys by dot path; empty, equal and missing keys are ignored', () => {
  const keys = (...key) => ({ keys: { key } });
  assert.deepEqual(rename(keys({ currentKey: 'a.b', newKey: 'c.d' }), [{ a: { b: 1, x: 2 } }]), [{ a: { x: 2 }, c: { d: 1 } }]);
  assert.deepEqual(rename(keys({ currentKey: '', newKey: 'x' }, { currentKey: 'a', newKey: 'a' }, { currentKey: 'z', newKey: 'y' }), [{ a: 1 }]), [{ a: 1 }]);
});

test('regular-expression replacements at any depth, or limited depth', () => {
  const regex = (searchRegex, replaceRegex, options = {}) => ({ additionalOptions: { regexReplacement: { replacements: [{ searchRegex, replaceRegex, options }] } } });
  const data = [{ userName: 1, nested: { userId: 2, list: [{ userX: 3 }] } }];
  assert.deepEqual(rename(regex('^user', 'member'), data), [{ memberName: 1, nested: { memberId: 2, list: [{ memberX: 3 }] } }]);
  assert.deepEqual(rename(regex('^user', 'm', { depth: 0 }), data), [{ mName: 1, nested: { userId: 2, list: [{ userX: 3 }] } }]);
  assert.deepEqual(rename(regex('^USER(.*)', '$1', { caseInsensitive: true }), [{ userName: 1 }]), [{ Name: 1 }]);
});
