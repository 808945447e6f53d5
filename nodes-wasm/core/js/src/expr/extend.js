// Dispatch of n8n's extension methods. `x.name(args)` in an expression is
// compiled to extend(x, 'name', [args]), which picks the implementation by
// the type of x as n8n does: arrays, ISO date strings (read as dates),
// strings, numbers, dates, objects, booleans; then a native method of x
// with that name; then the generic isEmpty/isNotEmpty.
import { ExpressionError } from '../errors.js';
import { DateTime } from './luxon.js';
import { stringExtensions } from './ext-string.js';
import { numberExtensions } from './ext-number.js';
import { arrayExtensions } from './ext-array.js';
import { objectExtensions, booleanExtensions } from './ext-object.js';
import { dateExtensions } from './ext-date.js';

// In n8n's order, which its error messages follow.
const EXTENSIONS = [arrayExtensions, dateExtensions, numberExtensions, objectExtensions, stringExtensions, booleanExtensions];

const generic = {
  isEmpty: (v) => v === null || v === undefined || !v,
  isNotEmpty: (v) => !(v === null || v === undefined || !v),
};

export const EXTENSION_NAMES = new Set(Object.keys(generic));
for (const e of EXTENSIONS) for (const k of Object.keys(e.functions)) EXTENSION_NAMES.add(k);

const ISO_UTC = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}.\d{3}Z/;

// isDateString reports whether s is a date as Date#toISOString writes it.
function isDateString(s) {
  if (s.length < 24 || !ISO_UTC.test(s)) return false;
  const d = new Date(s);
  return !isNaN(d.getTime()) && d.toISOString() === s;
}

function own(map, name) {
  return Object.prototype.hasOwnProperty.call(map.functions, name) ? map.functions[name] : undefined;
}

function typed(input, name) {
  if (Array.isArray(input)) return own(arrayExtensions, name);
  if (typeof input === 'string') return own(stringExtensions, name);
  if (typeof input === 'number') return own(numberExtensions, name);
  if (input && (input instanceof Date || DateTime.isDateTime(input))) return own(dateExtensions, name);
  if (input !== null && typeof input === 'object') return own(objectExtensions, name);
  if (typeof input === 'boolean') return own(booleanExtensions, name);
  return undefined;
}

function notCallable(input, name) {
  if (input === undefined || input === null) {
    throw new ExpressionError(`${name} can't be used on ${String(input)} value`, {
      description: `To ignore this error, add a ? to the variable before this function, e.g. my_var?.${name}`,
    });
  }
  const types = EXTENSIONS.filter((e) => Object.prototype.hasOwnProperty.call(e.functions, name)).map((e) => `"${e.typeName}"`);
  if (types.length === 0) throw new ExpressionError(`Unknown expression function: ${name}`);
  if (types.length === 1) throw new ExpressionError(`${name}() is only callable on type ${types[0]}`);
  const last = types.pop();
  throw new ExpressionError(`${name}() is only callable on types ${types.join(', ')}, and ${last}`);
}

// extend calls the extension method name on input with args.
export function extend(input, name, args) {
  let value = input;
  let fn;
  if (typeof value === 'string' && name !== 'toDate' && name !== 'toDateTime' && isDateString(value)) {
    value = new Date(value);
    fn = own(dateExtensions, name);
  } else {
    fn = typed(value, name);
  }
  if (fn !== undefined) return fn(value, args);
  if (value && typeof value[name] === 'function') return value[name].apply(value, args);
  const g = generic[name];
  if (g !== undefined) return g(value, args);
  return notCallable(input, name);
}

// Symbol-keyed methods every value inherits, for extension calls in
// optional chains (`x?.isEmpty()` compiles to `x?.[__n8n_s.isEmpty]()`).
// SYMBOLS maps a method name to its symbol once it is installed.
export const SYMBOLS = Object.create(null);

// extensionSymbols installs the symbol-keyed methods for names.
export function extensionSymbols(names) {
  for (const name of names) {
    if (SYMBOLS[name] !== undefined) continue;
    const s = Symbol(name);
    SYMBOLS[name] = s;
    Object.defineProperty(Object.prototype, s, {
      value: function extensionMethod(...args) {
        // `this` is a wrapper object for primitives outside strict mode
        const v = this;
        const self = v instanceof String || v instanceof Number || v instanceof Boolean ? v.valueOf() : v;
        return extend(self, name, args);
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}
