// Value helpers shared by the core nodes: n8n's type conversion and
// validation of field values, JSON parsing with its lenient fallbacks, deep
// equality and the deep/shallow merges the Merge node uses.
import { DateTime, Settings } from 'luxon';

export function isPlainObject(v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

// describeValue is how n8n names a value in conversion errors.
export function describeValue(value) {
  if (typeof value === 'object') {
    if (value === null) return "'null'";
    if (Array.isArray(value)) return 'array';
    return 'object';
  }
  return `'${String(value)}'`;
}

// quoteKeys turns a JavaScript object literal into JSON: single quotes
// become double quotes and bare keys get quoted.
function quoteKeys(text) {
  return text
    .replace(/'/g, '"')
    .replace(/(['"])?([a-zA-Z0-9_]+)(['"])?\s*:/g, '"$2":');
}

// parseJSON parses text as JSON. With acceptObjectLiteral it also takes
// JavaScript object literal syntax; with repair it also drops trailing
// commas. Throws when nothing works.
export function parseJSON(text, { acceptObjectLiteral = false, repair = false } = {}) {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!acceptObjectLiteral && !repair) throw err;
    let fixed = quoteKeys(text);
    if (repair) fixed = fixed.replace(/,\s*([\]}])/g, '$1').replace(/,+$/, '');
    return JSON.parse(fixed);
  }
}

class ConversionError extends Error {}

export function toNumber(value) {
  const n = Number(value);
  if (Number.isNaN(n)) throw new ConversionError('not a number');
  return n;
}

export function toStringValue(value) {
  if (typeof value === 'object') return JSON.stringify(value);
  if (value === undefined) return '';
  return String(value);
}

export function toBoolean(value) {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  if (!(typeof value === 'string' && value.trim() === '')) {
    const n = Number(value);
    if (n === 0) return false;
    if (n === 1) return true;
  }
  throw new ConversionError('not a boolean');
}

export function toArray(value) {
  if (Array.isArray(value)) return value;
  let parsed;
  try {
    parsed = JSON.parse(String(value));
  } catch (e) {
    try {
      parsed = JSON.parse(String(value).replace(/'/g, '"'));
    } catch (e2) {
      throw new ConversionError('not an array');
    }
  }
  if (!Array.isArray(parsed)) throw new ConversionError('not an array');
  return parsed;
}

export function toObject(value) {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  let parsed;
  try {
    parsed = parseJSON(String(value), { acceptObjectLiteral: true });
  } catch (e) {
    throw new ConversionError('not an object');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConversionError('not an object');
  return parsed;
}

// ISO dates with an explicit offset, which Date.parse reads exactly as
// Luxon does.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

// Dates without an offset are read in Luxon's default zone (the workflow
// time zone, as the expression runtime sets it). Parsing names the locale
// so that Luxon never asks Intl (absent in the module's JavaScript engine)
// for the system's; Luxon also builds invalid DateTimes with the default
// locale, so without Intl that default must be set too.
if (typeof Intl === 'undefined' && !Settings.defaultLocale) Settings.defaultLocale = 'en-US';
const PARSE_LOCALE = { locale: 'en-US' };
const PARSE_OPTS = { setZone: true, locale: 'en-US' };

// toDateTime parses a date the way n8n does (ISO, HTTP, RFC 2822, SQL, then
// Date.parse).
export function toDateTime(value) {
  if (value && value.isLuxonDateTime === true && value.isValid) return value;
  if (value instanceof Date) {
    const d = DateTime.fromJSDate(value, PARSE_LOCALE);
    if (d.isValid) return d;
  }
  const text = String(value).trim();
  const opts = PARSE_OPTS;
  let d = DateTime.fromISO(text, opts);
  if (d.isValid) return d;
  d = DateTime.fromHTTP(text, opts);
  if (d.isValid) return d;
  d = DateTime.fromRFC2822(text, opts);
  if (d.isValid) return d;
  d = DateTime.fromSQL(text, opts);
  if (d.isValid) return d;
  d = DateTime.fromMillis(Date.parse(text), PARSE_LOCALE);
  if (d.isValid) return d;
  throw new ConversionError('not a date');
}

function defaultZoneIsUTC() {
  const z = Settings.defaultZone;
  return z.isUniversal && z.offset(0) === 0;
}

// Dates without an offset, read as UTC: YYYY-MM-DD, optionally with a
// time after "T" or a space.
const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function plainDateMillis(text) {
  const m = PLAIN_DATE.exec(text);
  if (!m) return undefined;
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  const h = m[4] === undefined ? 0 : +m[4];
  const mi = m[5] === undefined ? 0 : +m[5];
  const sec = m[6] === undefined ? 0 : +m[6];
  const ms = m[7] === undefined ? 0 : +(m[7] + '00').slice(0, 3);
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS[mo - 1] || h > 23 || mi > 59 || sec > 59) return undefined;
  if (mo === 2 && d === 29 && !((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

// Parsed date strings, kept because Luxon's parsers are slow in the
// module's engine and the same constants are compared for every item.
const millisCache = new Map();

// toMillis is toDateTime reduced to epoch milliseconds, with fast paths for
// the common ISO forms.
export function toMillis(value) {
  if (typeof value !== 'string') return toDateTime(value).toMillis();
  const utc = defaultZoneIsUTC();
  let ms = utc ? millisCache.get(value) : undefined;
  if (ms !== undefined) return ms;
  const text = value.trim();
  if (ISO_WITH_OFFSET.test(text)) ms = Date.parse(text);
  if ((ms === undefined || Number.isNaN(ms)) && utc) ms = plainDateMillis(text);
  if (ms === undefined || Number.isNaN(ms)) ms = toDateTime(text).toMillis();
  if (utc) {
    if (millisCache.size >= 1000) millisCache.clear();
    millisCache.set(value, ms);
  }
  return ms;
}

const PARSERS = {
  number: toNumber,
  boolean: toBoolean,
  array: toArray,
  object: toObject,
  datetime: toDateTime,
};

const NO_OPTIONS = {};

function typeMismatch(fieldName, value, type) {
  return { valid: false, message: `'${fieldName}' expects a ${type} but we got ${describeValue(value)}` };
}

// validateType converts value to type as n8n's validateFieldType does.
// Returns {valid: true, value} or {valid: false, message}. strict refuses
// values not already of the type; parseStrings converts to string too.
export function validateType(fieldName, value, type, options = NO_OPTIONS) {
  if (value === null || value === undefined) return { valid: true, value };
  // the common case, as toNumber would answer it
  if (type === 'number' && typeof value === 'number' && value === value) return { valid: true, value };
  const strict = options.strict === true;
  const t = type === 'dateTime' ? 'datetime' : String(type).toLowerCase();
  switch (t) {
    case 'string':
      if (options.parseStrings !== true) return { valid: true, value };
      if (strict && typeof value !== 'string') return typeMismatch(fieldName, value, type);
      return { valid: true, value: toStringValue(value) };
    case 'number':
      if (strict && typeof value !== 'number') return typeMismatch(fieldName, value, type);
      break;
    case 'boolean':
      if (strict && typeof value !== 'boolean') return typeMismatch(fieldName, value, type);
      break;
    case 'object':
      if (strict && (value === null || (typeof value !== 'object' && typeof value !== 'function'))) return typeMismatch(fieldName, value, type);
      break;
    case 'array':
      if (strict && !Array.isArray(value)) return typeMismatch(fieldName, value, type);
      break;
    case 'datetime':
      break;
    default:
      return { valid: true, value };
  }
  try {
    return { valid: true, value: PARSERS[t](value) };
  } catch (e) {
    if (!(e instanceof ConversionError)) throw e;
    if (t === 'datetime') {
      return {
        valid: false,
        message: `'${fieldName}' expects a ${type} but we got ${describeValue(value)} <br/><br/> Consider using <a href="https://moment.github.io/luxon/api-docs/index.html#datetimefromformat" target="_blank"><code>DateTime.fromFormat</code></a> to work with custom date formats.`,
      };
    }
    return typeMismatch(fieldName, value, type);
  }
}

// deepEqual compares JSON-like values structurally (NaN equals NaN).
export function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== 'object') return false;
  if (a.isLuxonDateTime && b.isLuxonDateTime) return a.toMillis() === b.toMillis() && a.zoneName === b.zoneName;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  const arr = Array.isArray(a);
  if (arr !== Array.isArray(b)) return false;
  if (arr) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEqual(a[k], b[k])) return false;
  }
  return true;
}

function isEmptyForMerge(v) {
  return v === undefined || v === null || v === '';
}

// mergeInto merges src into target recursively (lodash merge semantics):
// plain objects merge key by key, arrays index by index, anything else
// replaces; undefined never overwrites an existing key. With keepEmpty,
// an empty source value (undefined, null, '') keeps the target's value.
function mergeInto(target, src, keepEmpty) {
  const keys = Object.keys(src);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === '__proto__') continue;
    const sv = src[key];
    const tv = target[key];
    if (keepEmpty && isEmptyForMerge(sv) && tv !== undefined) continue;
    if (Array.isArray(sv)) {
      const next = Array.isArray(tv) ? tv : [];
      mergeInto(next, sv, keepEmpty);
      target[key] = next;
    } else if (isPlainObject(sv)) {
      const next = tv !== null && typeof tv === 'object' ? tv : {};
      mergeInto(next, sv, keepEmpty);
      target[key] = next;
    } else if (sv !== undefined || !(key in target)) {
      target[key] = sv;
    }
  }
  return target;
}

// deepMerge returns a new object: the sources merged left to right into {}.
// Plain objects and arrays in the result are fresh copies.
export function deepMerge(sources, keepEmpty = false) {
  const out = {};
  for (const s of sources) if (s !== null && s !== undefined) mergeInto(out, s, keepEmpty);
  return out;
}

// shallowMerge returns a new object with the sources' own keys assigned
// left to right.
export function shallowMerge(sources, keepEmpty = false) {
  const out = {};
  for (const s of sources) {
    if (s === null || s === undefined) continue;
    for (const k of Object.keys(s)) {
      const v = s[k];
      if (keepEmpty && isEmptyForMerge(v) && out[k] !== undefined) continue;
      out[k] = v;
    }
  }
  return out;
}
