// Luxon as expressions see it. The engine has no Intl, so Luxon runs with
// the en-US locale (its built-in English names and intl.js) and the time
// zones it can resolve without a time zone database: UTC, fixed offsets
// ("UTC+2") and the IANA zones tz.js knows. An unknown workflow time zone
// falls back to UTC.
import { DateTime, Duration, Interval, Settings, Info, IANAZone } from 'luxon';
import { shimmed } from './intl.js';
import { zoneInfo, zoneOffset } from './tz.js';

export { DateTime, Duration, Interval, Settings };

Settings.defaultLocale = 'en-US';

if (shimmed) {
  // Offsets of the zones tz.js knows, without formatting dates to read them.
  const offset = IANAZone.prototype.offset;
  IANAZone.prototype.offset = function zoneOffsetAt(ts) {
    const z = this.valid ? zoneInfo(this.name) : undefined;
    if (z === undefined) return offset.call(this, ts);
    return isNaN(ts) ? NaN : zoneOffset(z, ts);
  };
}
Settings.defaultZone = 'UTC';

let currentZone = 'UTC';

// setTimezone makes tz Luxon's default zone (the workflow time zone).
export function setTimezone(tz) {
  deferred = null;
  let zone = tz && tz !== 'DEFAULT' ? tz : 'UTC';
  if (zone === currentZone) return;
  if (!Info.isValidIANAZone(zone) && !/^(utc|gmt|z)([+-]\d{1,2}(:?\d{2})?)?$/i.test(zone)) zone = 'UTC';
  Settings.defaultZone = zone;
  currentZone = zone;
}

// deferTimezone makes source.timezone Luxon's default zone the first time
// anything reads the default zone (every date Luxon makes without a zone
// does), so that a run that makes no dates never looks it up.
let deferred = null;

export function deferTimezone(source) {
  deferred = source;
}

const defaultZone = Object.getOwnPropertyDescriptor(Settings, 'defaultZone');
Object.defineProperty(Settings, 'defaultZone', {
  configurable: true,
  get() {
    if (deferred !== null) setTimezone(deferred.timezone);
    return defaultZone.get.call(this);
  },
  set(zone) {
    deferred = null;
    defaultZone.set.call(this, zone);
  },
});

export function isDateTime(v) {
  return !!v && DateTime.isDateTime(v);
}

// parseDateTime turns a string (or Date, DateTime) into a DateTime the way
// n8n's type validation does: ISO, HTTP, RFC 2822, SQL, then Date.parse.
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;

export function parseDateTime(value) {
  if (isDateTime(value) && value.isValid) return value;
  if (typeof value === 'string' && ISO_Z.test(value)) {
    // the common case, without Luxon's slower ISO parser
    const ms = Date.parse(value);
    if (ms === ms) return DateTime.fromMillis(ms, { zone: 'UTC' });
  }
  if (value instanceof Date) {
    const d = DateTime.fromJSDate(value);
    if (d.isValid) return d;
  }
  const s = String(value).trim();
  let d = DateTime.fromISO(s, { setZone: true });
  if (d.isValid) return d;
  d = DateTime.fromHTTP(s, { setZone: true });
  if (d.isValid) return d;
  d = DateTime.fromRFC2822(s, { setZone: true });
  if (d.isValid) return d;
  d = DateTime.fromSQL(s, { setZone: true });
  if (d.isValid) return d;
  d = DateTime.fromMillis(Date.parse(s));
  if (d.isValid) return d;
  throw new Error('Value is not a valid date');
}
