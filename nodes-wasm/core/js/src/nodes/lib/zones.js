// Time zones for the date nodes. The engine has no time zone database:
// Luxon knows UTC and fixed offsets ("UTC+2") and, through the expression
// runtime's Intl stand-in, the common IANA zones. This module also accepts
// the IANA names that are fixed offsets (Etc/UTC, Etc/GMT-2, …) and reports
// them as IANA zones, as Luxon does with a full database (so an ISO string
// in Etc/UTC ends in "+00:00", in UTC with "Z").
import { Zone, FixedOffsetZone, IANAZone, Settings } from 'luxon';

// Luxon falls back to Intl for the system locale; fix it to n8n's default.
if (!Settings.defaultLocale) Settings.defaultLocale = 'en-US';

function pad2(n) {
  return n < 10 ? `0${n}` : String(n);
}

function formatOffset(offset, format) {
  const hours = Math.trunc(Math.abs(offset / 60));
  const minutes = Math.trunc(Math.abs(offset % 60));
  const sign = offset >= 0 ? '+' : '-';
  switch (format) {
    case 'short':
      return `${sign}${pad2(hours)}:${pad2(minutes)}`;
    case 'narrow':
      return `${sign}${hours}${minutes > 0 ? `:${minutes}` : ''}`;
    case 'techie':
      return `${sign}${pad2(hours)}${pad2(minutes)}`;
    default:
      throw new RangeError(`Value format ${format} is out of range for property format`);
  }
}

// NamedOffsetZone is an IANA zone whose offset never changes.
class NamedOffsetZone extends Zone {
  constructor(name, offset) {
    super();
    this.zoneName = name;
    this.fixed = offset;
  }

  get type() {
    return 'iana';
  }

  get name() {
    return this.zoneName;
  }

  get isUniversal() {
    return false;
  }

  offsetName() {
    return this.fixed === 0 ? 'UTC' : `GMT${formatOffset(this.fixed, 'narrow')}`;
  }

  formatOffset(ts, format) {
    return formatOffset(this.fixed, format);
  }

  offset() {
    return this.fixed;
  }

  equals(other) {
    return other.type === 'iana' && other.name === this.zoneName;
  }

  get isValid() {
    return true;
  }
}

const UTC_ALIASES = {
  'etc/utc': 'Etc/UTC', 'etc/uct': 'Etc/UCT', 'etc/universal': 'Etc/Universal', 'etc/zulu': 'Etc/Zulu',
  'etc/gmt': 'Etc/GMT', 'etc/gmt0': 'Etc/GMT0', 'etc/gmt+0': 'Etc/GMT+0', 'etc/gmt-0': 'Etc/GMT-0',
  'etc/greenwich': 'Etc/Greenwich', uct: 'UCT', universal: 'Universal', zulu: 'Zulu',
  greenwich: 'Greenwich', gmt0: 'GMT0', 'gmt+0': 'GMT+0', 'gmt-0': 'GMT-0',
};

const cache = new Map();

// resolveZone returns the Luxon zone for a name, or null when the engine
// cannot represent it.
export function resolveZone(name) {
  if (name instanceof Zone) return name;
  const text = String(name).trim();
  if (cache.has(text)) return cache.get(text);
  const lower = text.toLowerCase();
  let zone = null;
  if (lower === 'utc' || lower === 'gmt' || lower === 'z') {
    zone = FixedOffsetZone.utcInstance;
  } else if (UTC_ALIASES[lower]) {
    zone = new NamedOffsetZone(UTC_ALIASES[lower], 0);
  } else {
    const etc = /^etc\/gmt([+-])(\d{1,2})$/i.exec(text);
    if (etc) {
      const hours = Number(etc[2]);
      const sign = etc[1] === '+' ? -1 : 1;
      if ((sign < 0 && hours <= 12) || (sign > 0 && hours <= 14)) {
        zone = new NamedOffsetZone(`Etc/GMT${etc[1]}${hours}`, sign * hours * 60);
      }
    } else {
      zone = FixedOffsetZone.parseSpecifier(lower);
      if (!zone) {
        const iana = IANAZone.create(text);
        if (iana.isValid) zone = iana;
      }
    }
  }
  cache.set(text, zone);
  return zone;
}
