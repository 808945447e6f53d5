// A small Intl for the engine, which has none: English (en-US) date, time,
// number and list formatting, enough for Luxon's toLocaleString(), its
// localized format tokens (D, t, f, …), its IANA zones (with the zones
// tz.js knows), Duration#toHuman() and Number#toLocaleString(). Installed
// only where Intl is missing.
import { fallbackFormat } from './numfmt.js';
import { zoneInfo, zoneOffset, zoneAbbreviation } from './tz.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function zoneOf(tz) {
  if (tz === undefined) return 'UTC';
  const z = String(tz);
  if (/^utc$/i.test(z)) return 'UTC';
  if (zoneInfo(z) === undefined) throw new RangeError(`Invalid time zone specified: ${z}`);
  return z;
}

function localeOf(locales) {
  const l = Array.isArray(locales) ? locales[0] : locales;
  return typeof l === 'string' && l ? l : 'en-US';
}

const pad2 = (n) => (n < 10 ? '0' : '') + n;

class DateTimeFormat {
  constructor(locales, options) {
    const o = options || {};
    this.locale = localeOf(locales);
    this.timeZone = zoneOf(o.timeZone);
    const has = o.weekday || o.era || o.year || o.month || o.day || o.hour || o.minute || o.second || o.fractionalSecondDigits || o.dayPeriod;
    const dateStyle = o.dateStyle;
    const timeStyle = o.timeStyle;
    this.o = Object.assign({}, o);
    if (dateStyle || timeStyle) {
      const d = { full: { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }, long: { year: 'numeric', month: 'long', day: 'numeric' }, medium: { year: 'numeric', month: 'short', day: 'numeric' }, short: { year: '2-digit', month: 'numeric', day: 'numeric' } };
      const t = { full: { hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'long' }, long: { hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short' }, medium: { hour: 'numeric', minute: '2-digit', second: '2-digit' }, short: { hour: 'numeric', minute: '2-digit' } };
      Object.assign(this.o, dateStyle ? d[dateStyle] : {}, timeStyle ? t[timeStyle] : {});
    } else if (!has) {
      Object.assign(this.o, { year: 'numeric', month: 'numeric', day: 'numeric' });
    }
    const hc = this.o.hourCycle;
    this.h12 = this.o.hour12 !== undefined ? !!this.o.hour12 : !(hc === 'h23' || hc === 'h24');
  }

  formatToParts(date) {
    const instant = date === undefined ? Date.now() : typeof date === 'number' ? date : date.valueOf();
    if (isNaN(instant)) throw new RangeError('Invalid time value');
    const zone = this.timeZone === 'UTC' ? null : zoneInfo(this.timeZone);
    const d = new Date(zone ? instant + zoneOffset(zone, instant) * 60000 : instant);
    const o = this.o;
    const parts = [];
    const lit = (v) => parts.push({ type: 'literal', value: v });
    const put = (type, v) => parts.push({ type, value: String(v) });
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth();
    const day = d.getUTCDate();
    const weekday = d.getUTCDay();
    let dateDone = false;
    const textMonth = o.month === 'long' || o.month === 'short' || o.month === 'narrow';
    const monthText = o.month === 'long' ? MONTHS[month] : o.month === 'short' ? MONTHS[month].slice(0, 3) : MONTHS[month][0];
    const yearText = o.year === '2-digit' ? pad2(year % 100) : String(year);
    const dayText = o.day === '2-digit' ? pad2(day) : String(day);
    if (o.weekday) {
      const w = o.weekday === 'long' ? DAYS[weekday] : o.weekday === 'short' ? DAYS[weekday].slice(0, 3) : DAYS[weekday][0];
      put('weekday', w);
      if (o.year || o.month || o.day) lit(', ');
      dateDone = true;
    }
    if (textMonth) {
      put('month', monthText);
      if (o.day) {
        lit(' ');
        put('day', dayText);
      }
      if (o.year) {
        lit(o.day ? ', ' : ' ');
        put('year', yearText);
      }
      dateDone = true;
    } else if (o.year || o.month || o.day) {
      const seq = [];
      if (o.month) seq.push(['month', o.month === '2-digit' ? pad2(month + 1) : String(month + 1)]);
      if (o.day) seq.push(['day', dayText]);
      if (o.year) seq.push(['year', yearText]);
      seq.forEach(([type, v], k) => {
        if (k) lit('/');
        put(type, v);
      });
      dateDone = true;
    }
    if (o.era) {
      lit(' ');
      put('era', year > 0 ? (o.era === 'long' ? 'Anno Domini' : o.era === 'narrow' ? 'A' : 'AD') : o.era === 'long' ? 'Before Christ' : o.era === 'narrow' ? 'B' : 'BC');
    }
    if (o.hour || o.minute || o.second) {
      if (dateDone) lit(o.month === 'long' ? ' at ' : ', ');
      let h = d.getUTCHours();
      let period;
      if (this.h12) {
        period = h < 12 ? 'AM' : 'PM';
        h %= 12;
        if (h === 0) h = 12;
      }
      const seq = [];
      if (o.hour) seq.push(['hour', !this.h12 || o.hour === '2-digit' ? pad2(h) : String(h)]);
      if (o.minute) seq.push(['minute', o.hour || o.minute === '2-digit' ? pad2(d.getUTCMinutes()) : String(d.getUTCMinutes())]);
      if (o.second) seq.push(['second', o.minute || o.second === '2-digit' ? pad2(d.getUTCSeconds()) : String(d.getUTCSeconds())]);
      seq.forEach(([type, v], k) => {
        if (k) lit(':');
        put(type, v);
      });
      if (o.fractionalSecondDigits) {
        lit('.');
        put('fractionalSecond', String(d.getUTCMilliseconds()).padStart(3, '0').slice(0, o.fractionalSecondDigits));
      }
      if (period && o.hour) {
        lit(' ');
        put('dayPeriod', period);
      }
    }
    if (o.timeZoneName) {
      lit(' ');
      if (!zone) put('timeZoneName', o.timeZoneName === 'long' ? 'Coordinated Universal Time' : 'UTC');
      else put('timeZoneName', zoneAbbreviation(zone, instant));
    }
    return parts;
  }

  format(date) {
    return this.formatToParts(date).map((p) => p.value).join('');
  }

  resolvedOptions() {
    const out = { locale: this.locale, calendar: 'gregory', numberingSystem: 'latn', timeZone: this.timeZone };
    for (const k of ['weekday', 'era', 'year', 'month', 'day', 'hour', 'minute', 'second', 'timeZoneName']) {
      if (this.o[k]) out[k] = this.o[k];
    }
    if (this.o.hour) {
      out.hour12 = this.h12;
      out.hourCycle = this.h12 ? 'h12' : 'h23';
    }
    return out;
  }

  static supportedLocalesOf(locales) {
    return [localeOf(locales)];
  }
}

const UNITS = {
  year: 'year', month: 'month', week: 'week', day: 'day', hour: 'hour', minute: 'minute', second: 'second',
  millisecond: 'millisecond', quarter: 'quarter',
};
const SHORT_UNITS = { year: 'yr', month: 'mth', week: 'wk', day: 'day', hour: 'hr', minute: 'min', second: 'sec', millisecond: 'ms', quarter: 'qtr' };
const NARROW_UNITS = { year: 'y', month: 'm', week: 'w', day: 'd', hour: 'h', minute: 'm', second: 's', millisecond: 'ms', quarter: 'q' };

class NumberFormat {
  constructor(locales, options) {
    this.locale = localeOf(locales);
    this.o = Object.assign({}, options || {});
  }

  format(value) {
    const o = this.o;
    if (o.style === 'unit' && UNITS[o.unit]) {
      const num = fallbackFormat(value, this.locale, Object.assign({}, o, { style: 'decimal' }));
      const u = o.unit;
      if (o.unitDisplay === 'long') return `${num} ${u}${Number(value) === 1 ? '' : 's'}`;
      if (o.unitDisplay === 'narrow') return `${num}${NARROW_UNITS[u]}`;
      const short = SHORT_UNITS[u];
      const plural = Number(value) !== 1 && (u === 'year' || u === 'month' || u === 'week' || u === 'day' || u === 'quarter');
      return `${num} ${short}${plural ? 's' : ''}`;
    }
    return fallbackFormat(value, this.locale, o);
  }

  formatToParts(value) {
    return [{ type: 'literal', value: this.format(value) }];
  }

  resolvedOptions() {
    return Object.assign({ locale: this.locale, numberingSystem: 'latn', style: 'decimal' }, this.o);
  }

  static supportedLocalesOf(locales) {
    return [localeOf(locales)];
  }
}

class ListFormat {
  constructor(locales, options) {
    const o = options || {};
    this.type = o.type || 'conjunction';
    this.style = o.style || 'long';
  }

  format(list) {
    const items = Array.from(list, String);
    if (items.length <= 1) return items.join('');
    if (this.type === 'unit') {
      return this.style === 'narrow' ? items.join(' ') : items.join(', ');
    }
    const word = this.type === 'disjunction' ? 'or' : this.style === 'short' ? '&' : this.style === 'narrow' ? '' : 'and';
    if (word === '') return items.join(', ');
    if (items.length === 2) return `${items[0]} ${word} ${items[1]}`;
    return `${items.slice(0, -1).join(', ')}, ${word} ${items[items.length - 1]}`;
  }
}

// shimmed is true when this Intl stands in for the engine's.
export const shimmed = typeof globalThis.Intl === 'undefined';

if (shimmed) {
  const Intl = {
    DateTimeFormat,
    NumberFormat,
    ListFormat,
    getCanonicalLocales: (l) => (l === undefined ? [] : [].concat(l)),
  };
  Object.defineProperty(globalThis, 'Intl', { value: Intl, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(Number.prototype, 'toLocaleString', {
    value: function toLocaleString(locales, options) {
      return new NumberFormat(locales, options).format(Number(this));
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

export { DateTimeFormat, NumberFormat, ListFormat };
