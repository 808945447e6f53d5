// Built-ins that user expressions and Code nodes commonly call and that an
// engine may lack (older QuickJS builds stop at ES2020). Each is installed
// once, only when missing, as a non-enumerable method, so it behaves like a native one.

function define(target, name, value) {
  if (target && typeof target[name] !== 'function') {
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
  }
}

function toIntegerOrInfinity(v) {
  const n = Number(v);
  if (n !== n || n === 0) return 0;
  if (!isFinite(n)) return n;
  return n < 0 ? Math.ceil(n) : Math.floor(n);
}

function at(index) {
  const len = this.length >>> 0;
  let k = toIntegerOrInfinity(index);
  if (k < 0) k += len;
  if (k < 0 || k >= len) return undefined;
  return typeof this === 'string' ? this.charAt(k) : this[k];
}

define(Array.prototype, 'at', at);
define(String.prototype, 'at', function (index) {
  return at.call(String(this), index);
});
const typedArrayProto = Object.getPrototypeOf(Int8Array.prototype);
define(typedArrayProto, 'at', at);

define(Array.prototype, 'findLast', function (fn, thisArg) {
  for (let i = this.length - 1; i >= 0; i--) {
    if (fn.call(thisArg, this[i], i, this)) return this[i];
  }
  return undefined;
});
define(Array.prototype, 'findLastIndex', function (fn, thisArg) {
  for (let i = this.length - 1; i >= 0; i--) {
    if (fn.call(thisArg, this[i], i, this)) return i;
  }
  return -1;
});
define(Array.prototype, 'toReversed', function () {
  return Array.prototype.slice.call(this).reverse();
});
define(Array.prototype, 'toSorted', function (compare) {
  if (compare !== undefined && typeof compare !== 'function') {
    throw new TypeError('The comparison function must be either a function or undefined');
  }
  return Array.prototype.slice.call(this).sort(compare);
});
define(Array.prototype, 'toSpliced', function (...args) {
  const copy = Array.prototype.slice.call(this);
  copy.splice(...args);
  return copy;
});
define(Array.prototype, 'with', function (index, value) {
  const len = this.length >>> 0;
  let k = toIntegerOrInfinity(index);
  if (k < 0) k += len;
  if (k < 0 || k >= len) throw new RangeError('Invalid index : ' + index);
  const copy = Array.prototype.slice.call(this);
  copy[k] = value;
  return copy;
});

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

define(String.prototype, 'replaceAll', function (search, replacement) {
  if (search instanceof RegExp) {
    if (!search.global) throw new TypeError('replaceAll must be called with a global RegExp');
    return String(this).replace(search, replacement);
  }
  const pattern = new RegExp(escapeRegExp(String(search)), 'g');
  if (typeof replacement === 'function') return String(this).replace(pattern, replacement);
  return String(this).replace(pattern, String(replacement));
});

define(Object, 'hasOwn', function (obj, key) {
  if (obj === null || obj === undefined) throw new TypeError('Cannot convert undefined or null to object');
  return Object.prototype.hasOwnProperty.call(Object(obj), key);
});

function groupInto(items, fn, add) {
  let i = 0;
  for (const item of items) add(fn(item, i++), item);
}
define(Object, 'groupBy', function (items, fn) {
  const out = Object.create(null);
  groupInto(items, fn, (key, item) => {
    const k = typeof key === 'symbol' ? key : String(key);
    (out[k] || (out[k] = [])).push(item);
  });
  return out;
});
define(Map, 'groupBy', function (items, fn) {
  const out = new Map();
  groupInto(items, fn, (key, item) => {
    if (!out.has(key)) out.set(key, []);
    out.get(key).push(item);
  });
  return out;
});

function cloneValue(v, seen) {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'function' || typeof v === 'symbol') {
      throw new Error(`${typeof v === 'function' ? 'function' : 'symbol'} could not be cloned.`);
    }
    return v;
  }
  if (seen.has(v)) return seen.get(v);
  let out;
  if (v instanceof Date) {
    out = new Date(v.getTime());
    seen.set(v, out);
  } else if (v instanceof RegExp) {
    out = new RegExp(v.source, v.flags);
    seen.set(v, out);
  } else if (v instanceof Map) {
    out = new Map();
    seen.set(v, out);
    v.forEach((val, key) => out.set(cloneValue(key, seen), cloneValue(val, seen)));
  } else if (v instanceof Set) {
    out = new Set();
    seen.set(v, out);
    v.forEach((val) => out.add(cloneValue(val, seen)));
  } else if (ArrayBuffer.isView(v)) {
    out = v.slice();
    seen.set(v, out);
  } else if (Array.isArray(v)) {
    out = new Array(v.length);
    seen.set(v, out);
    for (let i = 0; i < v.length; i++) out[i] = cloneValue(v[i], seen);
  } else {
    out = {};
    seen.set(v, out);
    for (const k of Object.keys(v)) out[k] = cloneValue(v[k], seen);
  }
  return out;
}

if (typeof globalThis.structuredClone !== 'function') {
  Object.defineProperty(globalThis, 'structuredClone', {
    value: function structuredClone(value) {
      return cloneValue(value, new Map());
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
