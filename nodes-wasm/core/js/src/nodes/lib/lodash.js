// Small lodash behaviours that n8n's transform nodes rely on and whose edge
// cases show in their output: relational comparison with number coercion
// (lt) and dot-path flattening of an object's keys (flattenKeys).

function isObjectLike(v) {
  return v !== null && (typeof v === 'object' || typeof v === 'function');
}

// toNumber is lodash's toNumber: binary and octal literals, "bad hex"
// (signed 0x…) as NaN, objects through valueOf or their string form.
export function toNumber(value) {
  if (typeof value === 'number') return value;
  if (typeof value === 'symbol') return NaN;
  let v = value;
  if (isObjectLike(v)) {
    const other = typeof v.valueOf === 'function' ? v.valueOf() : v;
    v = isObjectLike(other) ? String(other) : other;
  }
  if (typeof v !== 'string') return v === 0 ? v : +v;
  v = v.trim();
  if (/^0b[01]+$/i.test(v)) return parseInt(v.slice(2), 2);
  if (/^0o[0-7]+$/i.test(v)) return parseInt(v.slice(2), 8);
  if (/^[-+]0x[0-9a-f]+$/i.test(v)) return NaN;
  return +v;
}

// lt is lodash's lt: strings compare as strings, anything else as numbers.
export function lt(a, b) {
  if (typeof a === 'string' && typeof b === 'string') return a < b;
  return toNumber(a) < toNumber(b);
}

// flattenKeys maps an object to {"a.b.c": leaf} for every leaf (a value that
// is not an object or array); empty objects and arrays contribute nothing.
export function flattenKeys(obj, prefix = '', out = {}) {
  if (!isObjectLike(obj)) {
    out[prefix] = obj;
    return out;
  }
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    flattenKeys(obj[k], prefix === '' ? k : `${prefix}.${k}`, out);
  }
  return out;
}

// isEmpty is lodash's isEmpty for the values items hold.
export function isEmpty(v) {
  if (v === null || v === undefined) return true;
  if (Array.isArray(v) || typeof v === 'string') return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return true;
}
