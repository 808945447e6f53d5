// n8n's date extension methods, for Luxon DateTimes, JavaScript Dates and
// ISO date strings (`$json.created.plus(1, 'day')`).
import { ExpressionError } from '../errors.js';
import { DateTime, isDateTime } from './luxon.js';
import { stringToDateTime } from './ext-string.js';

const DURATION_UNITS = ['milliseconds', 'seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'quarters', 'years'];
const DATE_PARTS = ['day', 'week', 'month', 'year', 'hour', 'minute', 'second', 'millisecond', 'weekNumber', 'yearDayNumber', 'weekday'];

// Units written in the singular or abbreviated, as durations…
const TO_DURATION = {
  day: 'days', month: 'months', year: 'years', week: 'weeks', hour: 'hours', minute: 'minutes',
  second: 'seconds', millisecond: 'milliseconds', ms: 'milliseconds', sec: 'seconds', secs: 'seconds',
  hr: 'hours', hrs: 'hours', min: 'minutes', mins: 'minutes',
};
// …and as DateTime units.
const TO_UNIT = {
  days: 'day', months: 'month', years: 'year', hours: 'hour', minutes: 'minute', seconds: 'second',
  milliseconds: 'millisecond', hrs: 'hour', hr: 'hour', mins: 'minute', min: 'minute', secs: 'second',
  sec: 'second', ms: 'millisecond',
};

function asDateTime(date) {
  return isDateTime(date) ? date : DateTime.fromJSDate(date);
}

// back returns a result of the same kind as the input: DateTime or Date.
function back(input, dt) {
  return isDateTime(input) ? dt : dt.toJSDate();
}

function toDateTime(date) {
  if (isDateTime(date)) return date;
  if (typeof date === 'string') return stringToDateTime(date);
  return DateTime.fromJSDate(date);
}

function durationOf(n, unit) {
  const u = TO_DURATION[unit] || unit;
  const d = {};
  d[u] = n;
  return d;
}

function shift(date, args, sign) {
  if (args.length === 1) {
    return back(date, sign > 0 ? asDateTime(date).plus(args[0]) : asDateTime(date).minus(args[0]));
  }
  const [n = 0, unit = 'minutes'] = args;
  const d = durationOf(n, unit);
  return back(date, sign > 0 ? asDateTime(date).plus(d) : asDateTime(date).minus(d));
}

function convertToDateTime(v) {
  if (typeof v === 'string') {
    const d = DateTime.fromJSDate(new Date(v));
    return d.isValid ? d : undefined;
  }
  if (v instanceof Date) return DateTime.fromJSDate(v);
  if (isDateTime(v)) return v;
  return undefined;
}

function extract(date, [part = 'week']) {
  if (part === 'yearDayNumber') {
    const d = asDateTime(date);
    return d.toUTC().ordinal;
  }
  let p = part === 'week' ? 'weekNumber' : part;
  p = TO_UNIT[p] || p;
  return asDateTime(date).get(p);
}

function isBetween(date, args) {
  if (args.length !== 2) throw new ExpressionError('isBetween(): expected exactly two args');
  const a = convertToDateTime(args[0]);
  const b = convertToDateTime(args[1]);
  if (!a || !b) return undefined;
  const d = asDateTime(date);
  if (a > b) return b < d && d < a;
  return b > d && d > a;
}

function diffTo(date, [other, unit = 'days']) {
  let units = Array.isArray(unit) ? unit : [unit];
  if (units.length === 0) units = ['days'];
  const bad = units.find((u) => DATE_PARTS.indexOf(u) < 0 && DURATION_UNITS.indexOf(u) < 0);
  if (bad !== undefined) {
    throw new ExpressionError(`Unsupported unit '${String(bad)}'. Supported: ${DURATION_UNITS.map((u) => `'${u}'`).join(', ')}.`);
  }
  const diff = asDateTime(date).diff(toDateTime(other), units);
  return units.length > 1 ? diff.toObject() : diff.as(units[0]);
}

export const dateExtensions = {
  typeName: 'Date',
  functions: {
    beginningOf(date, [unit = 'week']) {
      return back(date, asDateTime(date).startOf(TO_UNIT[unit] || unit));
    },
    endOfMonth: (date) => back(date, asDateTime(date).endOf('month')),
    extract,
    isBetween,
    isDst: (date) => asDateTime(date).isInDST,
    isInLast(date, [n = 0, unit = 'minutes']) {
      const since = DateTime.now().minus(durationOf(n, unit));
      const d = asDateTime(date);
      return since <= d && d <= DateTime.now();
    },
    isWeekend: (date) => {
      const w = asDateTime(date).weekday;
      return w === 6 || w === 7;
    },
    minus: (date, args) => shift(date, args, -1),
    plus: (date, args) => shift(date, args, 1),
    format: (date, [fmt, opts = {}]) => asDateTime(date).toFormat(fmt, Object.assign({}, opts)),
    toDateTime,
    diffTo,
    diffToNow: (date, [unit]) => diffTo(date, [DateTime.now(), unit]),
    toInt: (date) => (isDateTime(date) ? date.toMillis() : date.getTime()),
    toFloat: (date) => (isDateTime(date) ? date.toMillis() : date.getTime()),
    toBoolean: () => undefined,
    isEmpty: () => false,
    isNotEmpty: () => true,
  },
};
