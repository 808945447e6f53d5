// n8n's "filter" parameter: a list of conditions ({leftValue, rightValue,
// operator: {type, operation, rightType?, singleValue?}}) joined by an "and"
// or "or" combinator, with options {caseSensitive, typeValidation, version}.
// Used by the If, Filter and Switch nodes. Error messages are n8n's.
import { NodeOperationError } from '../../errors.js';
import { validateType, toMillis, toBoolean } from './values.js';

// FilterError is a condition whose values have the wrong type.
export class FilterError extends NodeOperationError {
  constructor(message, description, itemIndex) {
    super(message, { description, itemIndex });
  }
}

export const LOOSE_TYPE_HINT = "Try changing the type of comparison. Alternatively you can enable 'Convert types where required'.";

const DEFAULT_OPTIONS = { caseSensitive: true, typeValidation: 'strict' };

function article(noun) {
  return ('aeiou'.indexOf(noun.charAt(0)) >= 0 ? 'an ' : 'a ') + noun;
}

// INVALID marks a value that does not convert to the operator's type.
const INVALID = { invalid: true };
const STRICT_PARSE = { strict: true, parseStrings: true };
const LOOSE_PARSE = { strict: false, parseStrings: true };

// parseValue converts one side of a condition to the operator's type, or
// returns INVALID. Dates become epoch milliseconds.
function parseValue(value, type, strict, version) {
  if (type === 'any' || value === null || value === undefined) return value;
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'number':
      if (typeof value === 'number') return value;
      if (version >= 3 && ((typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0))) return null;
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (!strict) {
        if (version >= 2) {
          try {
            return toBoolean(value);
          } catch (e) {
            // not convertible: fall back to truthiness
          }
        }
        return Boolean(value);
      }
      break;
    case 'array':
      if (Array.isArray(value)) return value;
      break;
    case 'object':
      if (typeof value === 'object' && !Array.isArray(value)) return value;
      break;
    case 'dateTime':
      // strictness does not apply to dates
      try {
        return toMillis(value);
      } catch (e) {
        return INVALID;
      }
    default:
      break;
  }
  const r = validateType('filter', value, type, strict ? STRICT_PARSE : LOOSE_PARSE);
  return r.valid ? r.value : INVALID;
}

function typeHint(strict) {
  return strict ? LOOSE_TYPE_HINT : 'Try changing the type of the comparison.';
}

function invalidDescription(type, position, strict) {
  let fn = '';
  if (type === 'string') fn = '.toString()';
  else if (type === 'number') fn = '.toNumber()';
  else if (type === 'boolean') fn = '.toBoolean()';
  if (strict && fn) {
    return `\n<p>Try either:</p>\n<ol>\n  <li>Enabling 'Convert types where required'</li>\n  <li>Converting the ${position} field to ${article(type)} by adding <code>${fn}</code></li>\n</ol>\n\t\t\t`;
  }
  return typeHint(strict);
}

function invalidMessage(type, fromType, text, strict, suffix) {
  if (strict) return `Wrong type: '${text}' is ${article(fromType)} but was expecting ${article(type)} ${suffix}`;
  return `Conversion error: the ${fromType} '${text}' can't be converted to ${article(type)} ${suffix}`;
}

// typeError builds the FilterError for a condition whose values do not
// convert.
function typeError(leftValue, rightValue, type, rightType, leftValid, rightValid, strict, index, itemIndex) {
  const suffix = `[condition ${index}, item ${itemIndex}]`;
  const lt = typeof leftValue;
  const rt = typeof rightValue;
  if (!leftValid && !rightValid && lt === rt) {
    return new FilterError(`Comparison type expects ${article(type)} but both fields are ${article(lt)}`, typeHint(strict), itemIndex);
  }
  if (!leftValid) {
    return new FilterError(invalidMessage(type, lt, String(leftValue), strict, suffix), invalidDescription(type, 'first', strict), itemIndex);
  }
  return new FilterError(invalidMessage(rightType, rt, String(rightValue), strict, suffix), invalidDescription(rightType, 'second', strict), itemIndex);
}

// regexFrom builds a RegExp from "/pattern/flags" or a bare pattern.
function regexFrom(pattern) {
  const text = pattern || '';
  const m = text.match(/^\/(.*?)\/([gimusy]*)$/);
  return m ? new RegExp(m[1], m[2]) : new RegExp(String(text));
}

function arrayContains(array, value, ignoreCase) {
  if (ignoreCase && typeof value === 'string') {
    const needle = value.toLowerCase();
    for (let i = 0; i < array.length; i++) {
      if (typeof array[i] === 'string' && array[i].toLowerCase() === needle) return true;
    }
    return false;
  }
  return array.includes(value);
}

function lengthOf(v) {
  return v !== null && v !== undefined && typeof v.length === 'number' ? v.length : 0;
}

function compareString(op, leftValue, rightValue, ignoreCase) {
  const isRegex = op === 'regex' || op === 'notRegex';
  if (ignoreCase) {
    if (typeof leftValue === 'string') leftValue = leftValue.toLowerCase();
    if (typeof rightValue === 'string' && !isRegex) rightValue = rightValue.toLowerCase();
  }
  const left = leftValue ?? '';
  const right = rightValue ?? '';
  switch (op) {
    case 'empty': return lengthOf(left) === 0;
    case 'notEmpty': return lengthOf(left) !== 0;
    case 'equals': return left === right;
    case 'notEquals': return left !== right;
    case 'contains': return String(left).includes(right);
    case 'notContains': return !String(left).includes(right);
    case 'startsWith': return String(left).startsWith(right);
    case 'notStartsWith': return !String(left).startsWith(right);
    case 'endsWith': return String(left).endsWith(right);
    case 'notEndsWith': return !String(left).endsWith(right);
    case 'regex': return regexFrom(right).test(left);
    case 'notRegex': return !regexFrom(right).test(left);
    default: return undefined;
  }
}

function compareNumber(op, left, right, exists) {
  switch (op) {
    case 'empty': return !exists;
    case 'notEmpty': return exists;
    case 'equals': return left === right;
    case 'notEquals': return left !== right;
    case 'gt': return left > right;
    case 'lt': return left < right;
    case 'gte': return left >= right;
    case 'lte': return left <= right;
    default: return undefined;
  }
}

function compareDate(op, left, right, exists) {
  if (op === 'empty') return !exists;
  if (op === 'notEmpty') return exists;
  if (left === null || left === undefined || right === null || right === undefined) return false;
  switch (op) {
    case 'equals': return left === right;
    case 'notEquals': return left !== right;
    case 'after': return left > right;
    case 'before': return left < right;
    case 'afterOrEquals': return left >= right;
    case 'beforeOrEquals': return left <= right;
    default: return undefined;
  }
}

function compareBoolean(op, left, right, exists) {
  switch (op) {
    case 'empty': return !exists;
    case 'notEmpty': return exists;
    case 'true': return !!left;
    case 'false': return !left;
    case 'equals': return left === right;
    case 'notEquals': return left !== right;
    default: return undefined;
  }
}

function compareArray(op, leftValue, right, ignoreCase) {
  const left = leftValue ?? [];
  switch (op) {
    case 'contains': return arrayContains(left, right, ignoreCase);
    case 'notContains': return !arrayContains(left, right, ignoreCase);
    case 'lengthEquals': return left.length === right;
    case 'lengthNotEquals': return left.length !== right;
    case 'lengthGt': return left.length > right;
    case 'lengthLt': return left.length < right;
    case 'lengthGte': return left.length >= right;
    case 'lengthLte': return left.length <= right;
    case 'empty': return left.length === 0;
    case 'notEmpty': return left.length !== 0;
    default: return undefined;
  }
}

function compareObject(op, left) {
  switch (op) {
    case 'empty': return !left || Object.keys(left).length === 0;
    case 'notEmpty': return !!left && Object.keys(left).length !== 0;
    default: return undefined;
  }
}

// evaluateCondition tests one condition. opts: {ignoreCase, strict,
// version, index, itemIndex}.
export function evaluateCondition(condition, opts) {
  return testCondition(condition, opts.ignoreCase, opts.strict, opts.version, opts.index, opts.itemIndex);
}

function testCondition(condition, ignoreCase, strict, version, index, itemIndex) {
  const c = condition || {};
  const operator = c.operator || {};
  return testValues(operator.type, operator.operation, operator.rightType || operator.type, !!operator.singleValue,
    c.leftValue, c.rightValue, ignoreCase, strict, version, index, itemIndex);
}

// testValues tests a condition's operator, of type and operation op, on
// its two values (testCondition).
function testValues(type, op, rightType, singleValue, leftValue, rightValue, ignoreCase, strict, version, index, itemIndex) {
  const left = parseValue(leftValue, type, strict, version);
  let right = parseValue(rightValue, rightType, strict, version);
  const leftValid = left !== INVALID;
  const rightValid = right !== INVALID || singleValue;
  if (!leftValid || !rightValid) throw typeError(leftValue, rightValue, type, rightType, leftValid, rightValid, strict, index, itemIndex);
  if (right === INVALID) right = undefined;
  const exists = left !== undefined && left !== null && !(typeof left === 'number' && Number.isNaN(left));
  if (op === 'exists') return exists;
  if (op === 'notExists') return !exists;
  let result;
  switch (type) {
    case 'string': result = compareString(op, left, right, ignoreCase); break;
    case 'number': result = compareNumber(op, left, right, exists); break;
    case 'dateTime': result = compareDate(op, left, right, exists); break;
    case 'boolean': result = compareBoolean(op, left, right, exists); break;
    case 'array': result = compareArray(op, left, right, ignoreCase); break;
    case 'object': result = compareObject(op, left); break;
    default: result = undefined;
  }
  return result === undefined ? false : result;
}

// isFilterValue reports whether v has the shape of a filter parameter.
export function isFilterValue(v) {
  return v !== null && typeof v === 'object' && 'conditions' in v && 'combinator' in v;
}

// planFilter works out, once, what executeFilter(value, itemIndex,
// nodeOptions) does with a filter value whose only expressions are
// conditions' leftValue and rightValue strings: the options, the
// combinator and each condition's operator. executePlan then tests an
// item without the filter value rebuilt around its evaluated expressions,
// or read again. null for any other value.
export function planFilter(value, nodeOptions) {
  if (!isFilterValue(value) || !Array.isArray(value.conditions)) return null;
  const evals = [];
  if (!plannable(value, [], evals)) return null;
  const o = value.options !== null && typeof value.options === 'object' ? value.options : DEFAULT_OPTIONS;
  let ignoreCase = o.caseSensitive === undefined ? false : !o.caseSensitive;
  if (typeof nodeOptions.ignoreCase === 'boolean') ignoreCase = nodeOptions.ignoreCase;
  const conditions = value.conditions.map((condition) => {
    const c = condition || {};
    const operator = c.operator || {};
    return {
      type: operator.type, op: operator.operation, rightType: operator.rightType || operator.type,
      singleValue: !!operator.singleValue, left: c.leftValue, right: c.rightValue, leftExpr: false, rightExpr: false,
    };
  });
  for (const ev of evals) conditions[ev.k][ev.right ? 'rightExpr' : 'leftExpr'] = true;
  return {
    combinator: value.combinator, ignoreCase, strict: o.typeValidation !== 'loose' && !nodeOptions.loose,
    version: o.version ?? nodeOptions.version ?? 1, conditions, evals,
  };
}

// plannable walks v as the expression paths are listed (depth first, in
// Object.keys order), noting in evals each expression, {k, right, expr}
// for condition k's leftValue or rightValue; false when one is anywhere
// else.
function plannable(v, path, evals) {
  if (typeof v === 'string') {
    if (v.charCodeAt(0) !== 61) return true;
    if (path.length !== 3 || path[0] !== 'conditions' || typeof path[1] !== 'number') return false;
    if (path[2] !== 'leftValue' && path[2] !== 'rightValue') return false;
    evals.push({ k: path[1], right: path[2] === 'rightValue', expr: v });
    return true;
  }
  if (v === null || typeof v !== 'object') return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!plannable(v[i], path.concat(i), evals)) return false;
    return true;
  }
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) if (!plannable(v[keys[i]], path.concat(keys[i]), evals)) return false;
  return true;
}

// executePlan is executeFilter for item itemIndex of a planned filter
// value (planFilter): every expression is evaluated first, in the order
// resolving the parameter evaluates them, by resolver.
export function executePlan(plan, resolver, itemIndex) {
  const conditions = plan.conditions;
  const evals = plan.evals;
  let values = null;
  if (evals.length > 0) {
    values = new Array(conditions.length * 2);
    for (let e = 0; e < evals.length; e++) {
      const ev = evals[e];
      values[ev.k * 2 + (ev.right ? 1 : 0)] = resolver.evaluate(ev.expr, itemIndex);
    }
  }
  const and = plan.combinator === 'and';
  if (!and && plan.combinator !== 'or') return false;
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i];
    const left = c.leftExpr ? values[i * 2] : c.left;
    const right = c.rightExpr ? values[i * 2 + 1] : c.right;
    const ok = testValues(c.type, c.op, c.rightType, c.singleValue, left, right, plan.ignoreCase, plan.strict, plan.version, i, itemIndex);
    if (and ? !ok : ok) return !and;
  }
  return and;
}

// executeFilter evaluates a filter value for one item. A value that is not
// a filter passes when truthy, as in n8n.
export function executeFilter(value, itemIndex = 0, nodeOptions = {}) {
  if (!isFilterValue(value)) return !!value;
  const o = value.options !== null && typeof value.options === 'object' ? value.options : DEFAULT_OPTIONS;
  let ignoreCase = o.caseSensitive === undefined ? false : !o.caseSensitive;
  if (typeof nodeOptions.ignoreCase === 'boolean') ignoreCase = nodeOptions.ignoreCase;
  const strict = o.typeValidation !== 'loose' && !nodeOptions.loose;
  const version = o.version ?? nodeOptions.version ?? 1;
  const conditions = Array.isArray(value.conditions) ? value.conditions : [];
  if (value.combinator === 'and') {
    for (let i = 0; i < conditions.length; i++) {
      if (!testCondition(conditions[i], ignoreCase, strict, version, i, itemIndex)) return false;
    }
    return true;
  }
  if (value.combinator === 'or') {
    for (let i = 0; i < conditions.length; i++) {
      if (testCondition(conditions[i], ignoreCase, strict, version, i, itemIndex)) return true;
    }
    return false;
  }
  return false;
}
