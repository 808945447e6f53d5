import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, json, runTask, runCase } from './harness.js';

const IF = 'n8n-nodes-base.if';

function filterValue(conditions, combinator = 'and', options = {}) {
  return { conditions, combinator, options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2, ...options } };
}

test('case 004: string equals AND number gt', () => {
  const { result, expected } = runCase('004', 'If');
  assert.deepEqual(json(result), expected);
});

test('case 005: OR of dateTime after and boolean false', () => {
  const { result, expected } = runCase('005', 'If');
  assert.deepEqual(json(result), expected);
});

test('case 006: array contains, lengthGte and object notEmpty', () => {
  const { result, expected } = runCase('006', 'If');
  assert.deepEqual(json(result), expected);
});

test('case 007: loose type validation converts strings', () => {
  const { result, expected } = runCase('007', 'If');
  assert.deepEqual(json(result), expected);
});

test('case 008: strict type validation fails with n8n\'s message', () => {
  const { result, error } = runCase('008', 'If');
  assert.equal(result.outputs, null);
  assert.equal(result.error.message, error.message);
});

test('case 041: every item on the false branch', () => {
  const { result, expected } = runCase('041', 'If');
  assert.deepEqual(json(result), expected);
});

test('items keep their pairedItem', () => {
  const items = [{ json: { a: 1 }, pairedItem: { item: 0 } }, { json: { a: 2 }, pairedItem: { item: 1 } }];
  const params = { conditions: filterValue([{ leftValue: '={{ $json.a }}', rightValue: 1, operator: { type: 'number', operation: 'gt' } }]) };
  const r = runNode(IF, 2.2, params, [items]);
  assert.deepEqual(r.outputs, [[items[1]], [items[0]]]);
});

test('conditions are resolved per item, including the right value', () => {
  const items = [{ json: { a: 1, b: 1 } }, { json: { a: 2, b: 3 } }];
  const params = { conditions: filterValue([{ leftValue: '={{ $json.a }}', rightValue: '={{ $json.b }}', operator: { type: 'number', operation: 'equals' } }]) };
  const r = runNode(IF, 2.2, params, [items]);
  assert.deepEqual(json(r), [[{ a: 1, b: 1 }], [{ a: 2, b: 3 }]]);
  assert.deepEqual(r.outputs[0][0].pairedItem, { item: 0 });
  assert.deepEqual(r.outputs[1][0].pairedItem, { item: 1 });
});

test('options.ignoreCase compares strings regardless of case', () => {
  const items = [{ json: { s: 'BERLIN' } }];
  const cond = [{ leftValue: '={{ $json.s }}', rightValue: 'berlin', operator: { type: 'string', operation: 'equals' } }];
  assert.deepEqual(json(runNode(IF, 2.2, { conditions: filterValue(cond) }, [items])), [[], [{ s: 'BERLIN' }]]);
  assert.deepEqual(json(runNode(IF, 2.2, { conditions: filterValue(cond), options: { ignoreCase: true } }, [items])), [[{ s: 'BERLIN' }], []]);
  assert.deepEqual(json(runNode(IF, 2.2, { conditions: filterValue(cond, 'and', { caseSensitive: false }) }, [items])), [[{ s: 'BERLIN' }], []]);
});

test('looseTypeValidation (2.1+) and options.looseTypeValidation (2.0)', () => {
  const items = [{ json: { v: '10' } }];
  const cond = [{ leftValue: '={{ $json.v }}', rightValue: 5, operator: { type: 'number', operation: 'gt' } }];
  assert.equal(runNode(IF, 2.2, { conditions: filterValue(cond) }, [items]).error.message,
    "Wrong type: '10' is a string but was expecting a number [condition 0, item 0]");
  assert.deepEqual(json(runNode(IF, 2.2, { conditions: filterValue(cond), looseTypeValidation: true }, [items])), [[{ v: '10' }], []]);
  assert.deepEqual(json(runNode(IF, 2, { conditions: filterValue(cond), options: { looseTypeValidation: true } }, [items])), [[{ v: '10' }], []]);
});

test('a type error on a later item names that item', () => {
  const items = [{ json: { v: 1 } }, { json: { v: 'x' } }];
  const cond = [{ leftValue: '={{ $json.v }}', rightValue: 0, operator: { type: 'number', operation: 'gt' } }];
  const r = runNode(IF, 2.2, { conditions: filterValue(cond) }, [items]);
  assert.equal(r.error.message, "Wrong type: 'x' is a string but was expecting a number [condition 0, item 1]");
});

test('with continueOnFail a failing item goes to the false output', () => {
  const items = [{ json: { v: 1 } }, { json: { v: 'x' } }];
  const cond = [{ leftValue: '={{ $json.v }}', rightValue: 0, operator: { type: 'number', operation: 'gt' } }];
  const r = runNode(IF, 2.2, { conditions: filterValue(cond) }, [items], { onError: 'continueRegularOutput' });
  assert.deepEqual(json(r), [[{ v: 1 }], [{ v: 'x' }]]);
});

test('If has two outputs', () => {
  const r = runTask({ node: { name: 'd', type: 'weft.describe', parameters: { nodes: [{ name: 'If', type: IF, typeVersion: 2.2, parameters: {} }] } } });
  assert.deepEqual(r.nodes[0], { name: 'If', known: true, inputs: 1, outputs: 2 });
});

// A prepared If (src/prepare.js: parameter plans, conditions resolved over
// the parameter) routes items as it does unprepared.
test('a prepared If routes as it does unprepared', async () => {
  const { prepare, preparedParameters } = await import('../src/prepare.js');
  const { NodeContext, PLANS } = await import('../src/context.js');
  const { default: ifNode } = await import('../src/nodes/if.js');
  const cond = (left, type, operation, right) => ({ id: 'c', leftValue: left, rightValue: right, operator: { type, operation } });
  const cases = [
    { conditions: filterValue([cond('={{ $json.n }}', 'number', 'gt', 10)]), options: {} },
    { conditions: filterValue([cond('={{ $json.s }}', 'string', 'equals', 'A'), cond('={{ $json.n }}', 'number', 'lt', '={{ $json.m }}')], 'or', { caseSensitive: false }), options: {} },
    { conditions: filterValue([cond('={{ $json.n }}', 'string', 'equals', '5')]), looseTypeValidation: true, options: {} },
    // no expression at all; constant conditions
    { conditions: filterValue([cond(3, 'number', 'gt', 2), cond('a', 'string', 'contains', 'a')]), options: {} },
    // the right value first in the condition: expressions evaluated in the order they are written
    { conditions: filterValue([{ id: 'c', rightValue: '={{ $json.m }}', leftValue: '={{ $json.n }}', operator: { type: 'number', operation: 'gte' } }]), options: {} },
    // single-value operators, a rightType, an unknown combinator
    { conditions: filterValue([{ id: 'c', leftValue: '={{ $json.s }}', operator: { type: 'string', operation: 'notEmpty', singleValue: true } }]), options: {} },
    { conditions: filterValue([cond('={{ $json.s }}', 'string', 'equals', 'a')], 'xor'), options: {} },
    // a strict type error names the condition and the item, with the hint
    { conditions: filterValue([cond('={{ $json.s }}', 'number', 'gt', 1)]), options: {} },
    // an expression that fails
    { conditions: filterValue([cond('={{ $json.n.nope.deeper }}', 'number', 'gt', 1)]), options: {} },
    // options from the node: case-insensitive, loose; filter options version 1
    { conditions: filterValue([cond('={{ $json.s }}', 'string', 'equals', 'B')], 'and', { caseSensitive: true, version: 1 }), options: { ignoreCase: true } },
    // an expression outside a condition's values: not planned, same result
    { conditions: { ...filterValue([cond('={{ $json.s }}', 'string', 'equals', 'b')]), combinator: '={{ "and" }}' }, options: {} },
  ];
  const items = [{ json: { n: 5, s: 'a', m: 6 } }, { json: { n: 15, s: 'b', m: 1 } }, { json: { n: 11, s: '20', m: 30 } }];
  cases.forEach((params, k) => {
    const run = (node) => {
      const task = { node, inputs: [JSON.parse(JSON.stringify(items))], context: {} };
      try {
        return JSON.parse(JSON.stringify(ifNode.run(new NodeContext(task, ifNode))));
      } catch (e) {
        return { error: e.message, description: e.description, itemIndex: e.itemIndex };
      }
    };
    const want = run({ name: 'If', type: IF, typeVersion: 2.2, parameters: params });
    const key = `if-equivalence-${k}`;
    prepare([{ key, type: IF, typeVersion: 2.2, parameters: JSON.parse(JSON.stringify(params)) }]);
    const kept = preparedParameters(key);
    // every case but the last is tested from its plan (conditions.js, planFilter)
    const plans = kept[PLANS];
    const filter = Object.getOwnPropertySymbols(plans).find((sym) => sym.description === 'filterPlan');
    assert.equal(plans[filter] === null, k === cases.length - 1, `case ${k}: plan ${plans[filter]}`);
    assert.deepEqual(run({ name: 'If', type: IF, typeVersion: 2.2, parameters: kept, prepared: key }), want, `case ${k}`);
    if (k === 7) assert.match(want.error, /Wrong type: 'a' is a string but was expecting a number \[condition 0, item 0\]/);
    if (k === 8) assert.equal(typeof want.error, 'string');
  });
});
