// n8n's array extension methods (`[1, 2].sum()`, …).
import { ExpressionError } from '../errors.js';
import { compactObject } from './ext-object.js';

// deepEqual compares like lodash's isEqual for JSON-like data, dates and
// regular expressions; NaN equals NaN.
export function deepEqual(a, b) {
  if (a === b) return true;
  if (a !== a && b !== b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map || a instanceof Set) {
    if (a.size !== b.size) return false;
    const av = Array.from(a.entries());
    const bv = Array.from(b.entries());
    return deepEqual(av, bv);
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEqual(a[k], b[k])) return false;
  }
  return true;
}

function uniqueBy(values, same) {
  const out = [];
  for (const v of values) {
    let seen = false;
    for (const w of out) {
      if (same(w, v)) {
        seen = true;
        break;
      }
    }
    if (!seen) out.push(v);
  }
  return out;
}

function unique(value, fields = []) {
  if (fields.length === 0) return uniqueBy(value, deepEqual);
  const key = (item) => {
    if (!item || typeof item !== 'object') return item;
    const k = {};
    for (const f of fields) k[f] = item[f];
    return k;
  };
  return uniqueBy(value, (a, b) => deepEqual(key(a), key(b)));
}

function numbersOnly(arr, name) {
  for (const v of arr) {
    if (typeof v !== 'number') throw new ExpressionError(`${name}(): all array elements must be numbers`);
  }
}

function sum(value) {
  numbersOnly(value, 'sum');
  let total = 0;
  for (const v of value) total += v;
  return total;
}

export function average(value) {
  numbersOnly(value, 'average');
  if (value.length === 0) return 0;
  return sum(value) / value.length;
}

function pluck(value, fields) {
  if (!fields || fields.length === 0) return value;
  const out = [];
  for (const item of value) {
    if (!item || typeof item !== 'object') continue;
    const picked = [];
    for (const k of Object.keys(item)) {
      for (const f of fields) if (f === k) picked.push(item[k]);
    }
    if (picked.length) out.push(picked.length === 1 ? picked[0] : picked);
  }
  return out;
}

function compact(value) {
  const out = [];
  for (const v of value) {
    if (v && typeof v === 'object' && Object.keys(v).length === 0) continue;
    if (v === null || v === undefined || v === 'nil' || v === '') continue;
    out.push(typeof v === 'object' ? compactObject(v) : v);
  }
  return out;
}

function smartJoin(value, [keyField, valueField]) {
  if (!keyField || !valueField || typeof keyField !== 'string' || typeof valueField !== 'string') {
    throw new ExpressionError('smartJoin(): expected two string args, e.g. .smartJoin("name", "value")');
  }
  const out = {};
  for (const v of value) {
    if (v && typeof v === 'object' && keyField in v && valueField in v) out[v[keyField]] = v[valueField];
  }
  return out;
}

function chunk(value, [size]) {
  if (typeof size !== 'number' || size === 0) {
    throw new ExpressionError('chunk(): expected non-zero numeric arg, e.g. .chunk(5)');
  }
  const out = [];
  for (let i = 0; i < value.length; i += size) out.push(value.slice(i, i + size));
  return out;
}

function renameKeys(value, args) {
  if (args.length === 0 || args.length % 2 !== 0) {
    throw new ExpressionError('renameKeys(): expected an even amount of args: from1, to1 [, from2, to2, ...]. e.g. .renameKeys("name", "title")');
  }
  return value.map((v) => {
    if (typeof v !== 'object' || v === null) return v;
    const o = Object.assign({}, v);
    for (let i = 0; i < args.length; i += 2) {
      const from = args[i];
      if (from in o) {
        o[args[i + 1]] = o[from];
        delete o[from];
      }
    }
    return o;
  });
}

function mergeInto(target, other) {
  if (!other) return target;
  if (typeof other !== 'object') throw new ExpressionError('merge(): expected object arg');
  const out = Object.assign({}, target);
  for (const k of Object.keys(other)) if (!(k in out)) out[k] = other[k];
  return out;
}

function merge(value, [others]) {
  if (others === undefined) {
    let out = {};
    for (const v of value) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) out = mergeInto(out, v);
    }
    return out;
  }
  if (!Array.isArray(others)) {
    throw new ExpressionError('merge(): expected array arg, e.g. .merge([{ id: 1, otherValue: 3 }])');
  }
  const len = Math.max(value.length, others.length);
  let out = {};
  for (let i = 0; i < len; i++) {
    if (value[i] !== undefined && typeof value[i] === 'object' && typeof others[i] === 'object') {
      out = Object.assign(out, mergeInto(value[i], others[i]));
    }
  }
  return out;
}

function otherArray(args, name) {
  const [others] = args;
  if (!Array.isArray(others)) {
    throw new ExpressionError(`${name}(): expected array arg, e.g. .${name}([1, 2, 3, 4])`);
  }
  return others;
}

function indexOfEqual(arr, v) {
  for (let i = 0; i < arr.length; i++) if (deepEqual(arr[i], v)) return i;
  return -1;
}

function union(value, args) {
  const others = otherArray(args, 'union');
  const out = Array.from(value);
  for (const v of others) if (indexOfEqual(out, v) < 0) out.push(v);
  return unique(out);
}

function difference(value, args) {
  const others = otherArray(args, 'difference');
  return unique(value.filter((v) => indexOfEqual(others, v) < 0));
}

function intersection(value, args) {
  const others = otherArray(args, 'intersection');
  const out = value.filter((v) => indexOfEqual(others, v) >= 0);
  for (const v of others) if (indexOfEqual(value, v) >= 0) out.push(v);
  return unique(out);
}

function numericValues(value, name) {
  numbersOnly(value, name);
  return value;
}

export const arrayExtensions = {
  typeName: 'Array',
  functions: {
    removeDuplicates: (v, args) => unique(v, args),
    unique: (v, args) => unique(v, args),
    first: (v) => v[0],
    last: (v) => v[v.length - 1],
    pluck,
    randomItem: (v) => (v.length ? v[Math.floor(Math.random() * v.length)] : undefined),
    sum,
    min: (v) => Math.min(...numericValues(v, 'min')),
    max: (v) => Math.max(...numericValues(v, 'max')),
    average,
    isNotEmpty: (v) => v.length > 0,
    isEmpty: (v) => v.length === 0,
    compact,
    smartJoin,
    chunk,
    renameKeys,
    merge,
    union,
    difference,
    intersection,
    append: (v, args) => v.concat(args),
    toJsonString: (v) => JSON.stringify(v),
    toInt: () => undefined,
    toFloat: () => undefined,
    toBoolean: () => undefined,
    toDateTime: () => undefined,
  },
};
