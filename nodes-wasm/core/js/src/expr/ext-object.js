// n8n's object and boolean extension methods.
import { ExpressionError } from '../errors.js';

function setField(obj, key, value) {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

export function compactObject(value) {
  const out = {};
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (v === null || v === undefined || v === 'nil' || v === '') continue;
    if (typeof v === 'object') {
      if (Object.keys(v).length === 0) continue;
      setField(out, k, compactObject(v));
    } else {
      setField(out, k, v);
    }
  }
  return out;
}

function removeField(value, [name]) {
  if (!(name in value)) return value;
  const out = Object.assign({}, value);
  delete out[name];
  return out;
}

function removeFieldsContaining(value, [match]) {
  if (typeof match !== 'string' || match === '') {
    throw new ExpressionError('removeFieldsContaining(): expected non-empty string arg');
  }
  const out = Object.assign({}, value);
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (typeof v === 'string' && v.indexOf(match) >= 0) delete out[k];
  }
  return out;
}

function keepFieldsContaining(value, [match]) {
  if (typeof match !== 'string' || match === '') {
    throw new ExpressionError('argument of keepFieldsContaining must be a non-empty string');
  }
  const out = Object.assign({}, value);
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (typeof v !== 'string' || v.indexOf(match) < 0) delete out[k];
  }
  return out;
}

// formEncode encodes like URLSearchParams: unreserved characters stay,
// spaces become "+", everything else is percent-encoded UTF-8.
function formEncode(s) {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function urlEncode(value) {
  return Object.keys(value)
    .map((k) => formEncode(k) + '=' + formEncode(String(value[k])))
    .join('&');
}

export const objectExtensions = {
  typeName: 'Object',
  functions: {
    isEmpty: (v) => Object.keys(v).length === 0,
    isNotEmpty: (v) => Object.keys(v).length !== 0,
    hasField: (v, [name]) => name in v,
    removeField,
    removeFieldsContaining,
    keepFieldsContaining,
    compact: compactObject,
    urlEncode,
    keys: (v) => Object.keys(v),
    values: (v) => Object.values(v),
    toJsonString: (v) => JSON.stringify(v),
    toInt: () => undefined,
    toFloat: () => undefined,
    toBoolean: () => undefined,
    toDateTime: () => undefined,
  },
};

export const booleanExtensions = {
  typeName: 'Boolean',
  functions: {
    toBoolean: (v) => v,
    toInt: (v) => (v ? 1 : 0),
    toFloat: (v) => (v ? 1 : 0),
    toNumber: (v) => (v ? 1 : 0),
    toDateTime: () => undefined,
  },
};
