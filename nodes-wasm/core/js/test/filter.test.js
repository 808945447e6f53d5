import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, runCase, json } from './harness.js';

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
