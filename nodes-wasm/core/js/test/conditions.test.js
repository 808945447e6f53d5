import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeFilter, evaluateCondition } from '../src/nodes/lib/conditions.js';

const STRICT = { ignoreCase: false, strict: true, version: 2, index: 0, itemIndex: 0 };
const LOOSE = { ...STRICT, strict: false };

function cond(type, operation, leftValue, rightValue, extra = {}) {
  return { leftValue, rightValue, operator: { type, operation, ...extra } };
}

function check(type, operation, left, right, extra, opts = STRICT) {
  return evaluateCondition(cond(type, operation, left, right, extra), opts);
}

test('string operators', () => {
  assert.equal(check('string', 'equals', 'Berlin', 'Berlin'), true);
  assert.equal(check('string', 'notEquals', 'Berlin', 'Paris'), true);
  assert.equal(check('string', 'contains', 'alice smith', 'ce s'), true);
  assert.equal(check('string', 'notContains', 'alice', 'o'), true);
  assert.equal(check('string', 'startsWith', 'alice', 'al'), true);
  assert.equal(check('string', 'notStartsWith', 'alice', 'al'), false);
  assert.equal(check('string', 'endsWith', 'alice', 'ce'), true);
  assert.equal(check('string', 'notEndsWith', 'alice', 'ce'), false);
  assert.equal(check('string', 'regex', 'abc123', '\\d+'), true);
  assert.equal(check('string', 'regex', 'ABC', '/abc/i'), true);
  assert.equal(check('string', 'notRegex', 'abc', '^b'), true);
  assert.equal(check('string', 'empty', '', '', { singleValue: true }), true);
  assert.equal(check('string', 'empty', undefined, '', { singleValue: true }), true);
  assert.equal(check('string', 'notEmpty', 'x', '', { singleValue: true }), true);
  assert.equal(check('string', 'exists', undefined, '', { singleValue: true }), false);
  assert.equal(check('string', 'exists', '', '', { singleValue: true }), true);
  assert.equal(check('string', 'notExists', null, '', { singleValue: true }), true);
});

test('string comparisons ignore case when asked; regex patterns stay case-sensitive', () => {
  const ic = { ...STRICT, ignoreCase: true };
  assert.equal(check('string', 'equals', 'BERLIN', 'berlin', {}, ic), true);
  assert.equal(check('string', 'contains', 'Alice', 'ALI', {}, ic), true);
  // the left value is lowercased, the pattern is not
  assert.equal(check('string', 'regex', 'ABC', '^abc$', {}, ic), true);
  assert.equal(check('string', 'regex', 'abc', '^ABC$', {}, ic), false);
});

test('number operators', () => {
  assert.equal(check('number', 'equals', 5, 5), true);
  assert.equal(check('number', 'notEquals', 5, 6), true);
  assert.equal(check('number', 'gt', 6, 5), true);
  assert.equal(check('number', 'lt', 4, 5), true);
  assert.equal(check('number', 'gte', 5, 5), true);
  assert.equal(check('number', 'lte', 6, 5), false);
  assert.equal(check('number', 'empty', null, '', { singleValue: true }), true);
  assert.equal(check('number', 'notEmpty', 0, '', { singleValue: true }), true);
  assert.equal(check('number', 'exists', NaN, '', { singleValue: true }), false);
});

test('dateTime operators compare instants', () => {
  const a = '2021-03-15T10:00:00.000Z';
  assert.equal(check('dateTime', 'after', a, '2021-03-15T09:59:59Z'), true);
  assert.equal(check('dateTime', 'before', a, '2022-06-01T00:00:00.000Z'), true);
  assert.equal(check('dateTime', 'equals', a, '2021-03-15T12:00:00+02:00'), true);
  assert.equal(check('dateTime', 'notEquals', a, '2021-03-15'), true);
  assert.equal(check('dateTime', 'afterOrEquals', a, a), true);
  assert.equal(check('dateTime', 'beforeOrEquals', '2021-03-15', '2021-03-15T00:00:00Z'), true);
  assert.equal(check('dateTime', 'after', 'Mon, 15 Mar 2021 10:00:00 GMT', '2021-03-15 09:00:00'), true);
  assert.equal(check('dateTime', 'after', undefined, a), false);
  assert.equal(check('dateTime', 'empty', undefined, '', { singleValue: true }), true);
  assert.throws(() => check('dateTime', 'after', 'not a date', a), {
    message: "Wrong type: 'not a date' is a string but was expecting a dateTime [condition 0, item 0]",
  });
});

test('boolean operators', () => {
  assert.equal(check('boolean', 'true', true, '', { singleValue: true }), true);
  assert.equal(check('boolean', 'false', false, '', { singleValue: true }), true);
  assert.equal(check('boolean', 'equals', true, true), true);
  assert.equal(check('boolean', 'notEquals', true, false), true);
  assert.equal(check('boolean', 'notEmpty', false, '', { singleValue: true }), true);
});

test('array operators', () => {
  assert.equal(check('array', 'contains', ['admin', 'dev'], 'dev', { rightType: 'any' }), true);
  assert.equal(check('array', 'notContains', ['admin'], 'dev', { rightType: 'any' }), true);
  assert.equal(check('array', 'contains', ['Dev'], 'dev', { rightType: 'any' }, { ...STRICT, ignoreCase: true }), true);
  assert.equal(check('array', 'lengthEquals', [1, 2], 2, { rightType: 'number' }), true);
  assert.equal(check('array', 'lengthNotEquals', [1, 2], 3, { rightType: 'number' }), true);
  assert.equal(check('array', 'lengthGt', [1, 2], 1, { rightType: 'number' }), true);
  assert.equal(check('array', 'lengthLt', [1, 2], 1, { rightType: 'number' }), false);
  assert.equal(check('array', 'lengthGte', [1, 2], 2, { rightType: 'number' }), true);
  assert.equal(check('array', 'lengthLte', [1, 2], 2, { rightType: 'number' }), true);
  assert.equal(check('array', 'empty', [], '', { singleValue: true }), true);
  assert.equal(check('array', 'notEmpty', undefined, '', { singleValue: true }), false);
});

test('array contains without rightType validates the right value as an array', () => {
  assert.throws(() => check('array', 'contains', ['a'], 'a'), {
    message: "Wrong type: 'a' is a string but was expecting an array [condition 0, item 0]",
  });
});

test('object operators', () => {
  assert.equal(check('object', 'empty', {}, '', { singleValue: true }), true);
  assert.equal(check('object', 'notEmpty', { a: 1 }, '', { singleValue: true }), true);
  assert.equal(check('object', 'empty', undefined, '', { singleValue: true }), true);
});

test('strict type validation errors', () => {
  assert.throws(() => check('number', 'gt', '10', 5), {
    message: "Wrong type: '10' is a string but was expecting a number [condition 0, item 0]",
  });
  assert.throws(() => check('string', 'equals', 34, 'x'), {
    message: "Wrong type: '34' is a number but was expecting a string [condition 0, item 0]",
  });
  assert.throws(() => check('boolean', 'true', 'true', '', { singleValue: true }), {
    message: "Wrong type: 'true' is a string but was expecting a boolean [condition 0, item 0]",
  });
  assert.throws(() => check('number', 'equals', 'a', 'b'), {
    message: 'Comparison type expects a number but both fields are a string',
  });
  assert.throws(() => check('number', 'equals', 1, 'b'), {
    message: "Wrong type: 'b' is a string but was expecting a number [condition 0, item 0]",
  });
  assert.throws(() => evaluateCondition(cond('object', 'empty', 'x', '', { singleValue: true }), { ...STRICT, index: 2, itemIndex: 3 }), {
    message: "Wrong type: 'x' is a string but was expecting an object [condition 2, item 3]",
  });
});

test('loose type validation converts values', () => {
  assert.equal(check('number', 'gte', '10', 5, {}, LOOSE), true);
  assert.equal(check('number', 'gte', '3', 5, {}, LOOSE), false);
  assert.equal(check('boolean', 'true', 'true', '', { singleValue: true }, LOOSE), true);
  assert.equal(check('boolean', 'true', 'false', '', { singleValue: true }, LOOSE), false);
  assert.equal(check('boolean', 'true', 'yes', '', { singleValue: true }, LOOSE), true);
  assert.equal(check('string', 'equals', 34, '34', {}, LOOSE), true);
  assert.equal(check('array', 'contains', '["a","b"]', 'b', { rightType: 'any' }, LOOSE), true);
  assert.equal(check('object', 'notEmpty', '{"a":1}', '', { singleValue: true }, LOOSE), true);
  assert.throws(() => check('number', 'gt', 'abc', 5, {}, LOOSE), {
    message: "Conversion error: the string 'abc' can't be converted to a number [condition 0, item 0]",
  });
});

test('combinators', () => {
  const c1 = cond('number', 'gt', 5, 1);
  const c2 = cond('number', 'lt', 5, 1);
  const options = { caseSensitive: true, typeValidation: 'strict', version: 2 };
  assert.equal(executeFilter({ conditions: [c1, c2], combinator: 'and', options }), false);
  assert.equal(executeFilter({ conditions: [c1, c2], combinator: 'or', options }), true);
  assert.equal(executeFilter({ conditions: [], combinator: 'and', options }), true);
  assert.equal(executeFilter({ conditions: [], combinator: 'or', options }), false);
  // "or" stops at the first passing condition
  const bad = cond('number', 'gt', 'x', 1);
  assert.equal(executeFilter({ conditions: [c1, bad], combinator: 'or', options }), true);
  assert.throws(() => executeFilter({ conditions: [c1, bad], combinator: 'and', options }, 4), {
    message: "Wrong type: 'x' is a string but was expecting a number [condition 1, item 4]",
  });
});

test('node options: ignoreCase and loose type validation override the filter options', () => {
  const value = {
    conditions: [cond('string', 'equals', 'A', 'a')],
    combinator: 'and',
    options: { caseSensitive: true, typeValidation: 'strict', version: 2 },
  };
  assert.equal(executeFilter(value, 0), false);
  assert.equal(executeFilter(value, 0, { ignoreCase: true }), true);
  const num = { ...value, conditions: [cond('number', 'equals', '1', 1)] };
  assert.throws(() => executeFilter(num, 0));
  assert.equal(executeFilter(num, 0, { loose: true }), true);
});
