import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, json, runTask, runCase } from './harness.js';

const SWITCH = 'n8n-nodes-base.switch';

function rule(leftValue, operation, rightValue, type = 'string', extra = {}) {
  return {
    conditions: {
      options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
      conditions: [{ leftValue, rightValue, operator: { type, operation } }],
      combinator: 'and',
    },
    ...extra,
  };
}

const ITEMS = [{ json: { n: 1 } }, { json: { n: 5 } }, { json: { n: 12 } }];

function describe(parameters, typeVersion = 3.2) {
  const r = runTask({ node: { name: 'd', type: 'weft.describe', parameters: { nodes: [{ name: 'S', type: SWITCH, typeVersion, parameters }] } } });
  return r.nodes[0];
}

test('case 009: rules with renamed outputs and an extra fallback output', () => {
  const { result, expected } = runCase('009', 'Switch');
  assert.deepEqual(json(result), expected);
});

test('case 010: expression mode', () => {
  const { result, expected } = runCase('010', 'Switch');
  assert.deepEqual(json(result), expected);
});

test('first matching rule wins; allMatchingOutputs sends to all', () => {
  const rules = { values: [rule('={{ $json.n }}', 'gt', 0, 'number'), rule('={{ $json.n }}', 'gt', 4, 'number')] };
  assert.deepEqual(json(runNode(SWITCH, 3.2, { rules }, [ITEMS])), [[{ n: 1 }, { n: 5 }, { n: 12 }], []]);
  assert.deepEqual(json(runNode(SWITCH, 3.2, { rules, options: { allMatchingOutputs: true } }, [ITEMS])), [[{ n: 1 }, { n: 5 }, { n: 12 }], [{ n: 5 }, { n: 12 }]]);
});

test('fallback to an existing output, and no fallback drops the item', () => {
  const rules = { values: [rule('={{ $json.n }}', 'gt', 10, 'number'), rule('={{ $json.n }}', 'equals', 5, 'number')] };
  assert.deepEqual(json(runNode(SWITCH, 3.2, { rules, options: { fallbackOutput: 0 } }, [ITEMS])), [[{ n: 1 }, { n: 12 }], [{ n: 5 }]]);
  assert.deepEqual(json(runNode(SWITCH, 3.2, { rules }, [ITEMS])), [[{ n: 12 }], [{ n: 5 }]]);
  assert.deepEqual(json(runNode(SWITCH, 3.2, { rules, options: { fallbackOutput: 'none' } }, [ITEMS])), [[{ n: 12 }], [{ n: 5 }]]);
});

test('items keep pairedItem {item: i}', () => {
  const rules = { values: [rule('={{ $json.n }}', 'gt', 4, 'number')] };
  const r = runNode(SWITCH, 3.2, { rules, options: { fallbackOutput: 'extra' } }, [ITEMS]);
  assert.deepEqual(r.outputs[0].map((i) => i.pairedItem), [{ item: 1 }, { item: 2 }]);
  assert.deepEqual(r.outputs[1].map((i) => i.pairedItem), [{ item: 0 }]);
});

test('rule type errors name the condition and item', () => {
  const rules = { values: [rule('={{ $json.n }}', 'equals', 'x')] };
  const r = runNode(SWITCH, 3.2, { rules }, [ITEMS]);
  assert.equal(r.error.message, "Wrong type: '1' is a number but was expecting a string [condition 0, item 0]");
  const loose = runNode(SWITCH, 3.2, { rules, looseTypeValidation: true }, [ITEMS]);
  assert.deepEqual(json(loose), [[]]);
});

test('expression mode: output out of range', () => {
  const r = runNode(SWITCH, 3.2, { mode: 'expression', numberOutputs: 2, output: '={{ $json.n }}' }, [ITEMS]);
  assert.equal(r.error.message, 'The ouput 5 is not allowed');
  const r2 = runNode(SWITCH, 3.2, { mode: 'expression', numberOutputs: 2, output: '={{ $json.n + 1 }}' }, [[{ json: { n: 1 } }]]);
  assert.equal(r2.error.message, 'The ouput 2 is not allowed. ');
});

test('expression mode: a numeric string is an output index', () => {
  const r = runNode(SWITCH, 3.2, { mode: 'expression', numberOutputs: 2, output: '={{ String($json.n % 2) }}' }, [ITEMS]);
  assert.deepEqual(json(r), [[{ n: 12 }], [{ n: 1 }, { n: 5 }]]);
});

test('outputs follow the parameters', () => {
  const two = { values: [rule('a', 'equals', 'a'), rule('b', 'equals', 'b')] };
  assert.equal(describe({ rules: two }).outputs, 2);
  assert.equal(describe({ rules: two, options: { fallbackOutput: 'extra' } }).outputs, 3);
  assert.equal(describe({ rules: two, options: { fallbackOutput: 1 } }).outputs, 2);
  assert.equal(describe({ mode: 'expression', numberOutputs: 3, output: '={{ 0 }}' }).outputs, 3);
  assert.equal(describe({ mode: 'expression' }).outputs, 4);
});
