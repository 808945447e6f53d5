// Date parsing as the Date & Time node (version 2) does it: numbers are Unix
// timestamps (seconds below 12 digits, else milliseconds), strings are read
// as ISO 8601 first and then as the other formats a JavaScript date parser
// takes, and the result is moved to the requested zone.
import { DateTime } from 'luxon';
import { NodeOperationError } from '../../errors.js';
import { resolveZone } from './zones.js';

// ISO 8601 timestamps with an offset that Date.parse reads to the same
// instant as Luxon (at most millisecond precision, valid ranges).
const ISO_WITH_OFFSET = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,3})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

// validDay reports whether the YYYY-MM-DD at the start of text exists.
function validDay(text) {
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
}

export function isDateTime(v) {
  return v !== null && typeof v === 'object' && v.isLuxonDateTime === true;
}

// zoneOrThrow resolves a zone name or fails with a clear message.
export function zoneOrThrow(name, message) {
  const zone = resolveZone(name);
  if (zone) return zone;
  throw new NodeOperationError(message || `The timezone ${name} is not supported`, {
    description: 'This engine has no complete time zone database: it knows UTC, fixed offsets such as UTC+2, Etc/GMT±N and the most common IANA zones.',
  });
}

// The ISO 8601 forms a lenient date parser (moment) recognises: extended
// and basic, date-time separator "T" or a space.
const ISO_EXTENDED = /^\s*((?:[+-]\d{6}|\d{4})-(?:\d\d-\d\d|W\d\d-\d|W\d\d|\d\d\d|\d\d))(?:(T| )(\d\d(?::\d\d(?::\d\d(?:[.,]\d+)?)?)?)([+-]\d\d(?::?\d\d)?|\s*Z)?)?$/;
const ISO_BASIC = /^\s*((?:[+-]\d{6}|\d{4})(?:\d\d\d\d|W\d\d\d|W\d\d|\d\d\d|\d\d|))(?:(T| )(\d\d(?:\d\d(?:\d\d(?:[.,]\d+)?)?)?)([+-]\d\d(?::?\d\d)?|\s*Z)?)?$/;

// parseLoose reads a date string as a lenient JavaScript date parser does:
// ISO 8601 (an invalid ISO date stays invalid), RFC 2822, then anything
// Date.parse takes. Text without an offset is UTC. Returns an invalid
// DateTime when nothing fits.
export function parseLoose(text) {
  const opts = { zone: 'utc', setZone: true };
  const m = ISO_EXTENDED.exec(text) || ISO_BASIC.exec(text);
  if (m) {
    let iso = m[1];
    if (m[3] !== undefined) iso += `T${m[3].replace(',', '.')}`;
    if (m[4] !== undefined) iso += m[4].trim();
    const d = DateTime.fromISO(iso, opts);
    return d.isValid ? d : DateTime.invalid('unparsable');
  }
  const d = DateTime.fromRFC2822(text, opts);
  if (d.isValid) return d;
  const ms = Date.parse(text);
  if (!Number.isNaN(ms)) return DateTime.fromMillis(ms, { zone: 'utc' });
  return DateTime.invalid('unparsable');
}

// parseDate converts a Date & Time node input to a DateTime in timezone
// (default UTC). A DateTime passes through unchanged.
export function parseDate(date, { timezone, fromFormat } = {}) {
  if (isDateTime(date)) return date;
  let value = date;
  if (!Number.isNaN(Number(value)) && !fromFormat) {
    value = Number(value);
    if (!Number.isInteger(value)) value *= 1000;
  }
  let tz = timezone;
  let parsed;
  if (typeof value === 'number' && Number.isInteger(value)) {
    parsed = String(value).length < 12 ? DateTime.fromSeconds(value) : DateTime.fromMillis(value);
  } else if (typeof value === 'number') {
    parsed = DateTime.fromMillis(value);
  } else if (value === undefined) {
    parsed = DateTime.now();
  } else {
    const text = typeof value === 'string' ? value : String(value);
    if (!tz && text.indexOf('+') >= 0) {
      const offset = text.split('+')[1].slice(0, 2);
      tz = `Etc/GMT-${Number(offset)}`;
    }
    if (!fromFormat && ISO_WITH_OFFSET.test(text)) {
      // fast path: an ISO timestamp with its offset is one instant
      const ms = Date.parse(text);
      if (!Number.isNaN(ms) && validDay(text)) return DateTime.fromMillis(ms, { zone: zoneOrThrow(tz || 'Etc/UTC') });
    }
    parsed = fromFormat ? DateTime.fromFormat(text, fromFormat, { zone: 'utc' }) : parseLoose(text);
  }
  parsed = parsed.setZone(zoneOrThrow(tz || 'Etc/UTC'));
  if (parsed.invalidReason === 'unparsable') {
    throw new NodeOperationError('Invalid date format');
  }
  return parsed;
}

// tryParseDateTime reads a DateTime, Date or date string (text without an
// offset is in zone, default UTC); throws when it is not a date.
export function tryParseDateTime(value, zone) {
  if (isDateTime(value) && value.isValid) return value;
  if (value instanceof Date) {
    const d = DateTime.fromJSDate(value);
    if (d.isValid) return d;
  }
  const text = String(value).trim();
  let d = parseLoose(text);
  const z = zone ? resolveZone(zone) : null;
  if (d.isValid && z && !/(Z|[+-]\d{2}(:?\d{2})?|GMT|UTC)$/i.test(text)) {
    d = d.setZone(z, { keepLocalTime: true });
  }
  if (!d.isValid) throw new Error('Value is not a valid date');
  return d;
}
