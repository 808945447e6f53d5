// Time zones without a time zone database: the standard offset of common
// IANA zones and the daylight-saving rule they follow today. Offsets of
// dates before a zone's current rules took effect may be wrong; for the
// present and the future they match the database.

// [standard offset in minutes, rule, short names]
const Z = {};
function add(offset, rule, names, abbr) {
  for (const n of names.split(' ')) Z[n] = [offset, rule, abbr];
}

const eu = 'eu';
const us = 'us';
add(0, eu, 'Europe/London Europe/Dublin Europe/Lisbon Europe/Guernsey Europe/Isle_of_Man Europe/Jersey Atlantic/Canary Atlantic/Faroe Atlantic/Faeroe Atlantic/Madeira GB Eire Portugal WET');
add(60, eu, 'Europe/Berlin Europe/Paris Europe/Madrid Europe/Rome Europe/Amsterdam Europe/Brussels Europe/Vienna Europe/Zurich Europe/Stockholm Europe/Oslo Europe/Copenhagen Europe/Warsaw Europe/Prague Europe/Budapest Europe/Belgrade Europe/Zagreb Europe/Ljubljana Europe/Bratislava Europe/Luxembourg Europe/Monaco Europe/Malta Europe/Andorra Europe/Tirane Europe/Sarajevo Europe/Skopje Europe/Podgorica Europe/Gibraltar Europe/Vaduz Europe/San_Marino Europe/Vatican Europe/Busingen Arctic/Longyearbyen Africa/Ceuta CET MET Poland');
add(120, eu, 'Europe/Helsinki Europe/Athens Europe/Bucharest Europe/Sofia Europe/Riga Europe/Tallinn Europe/Vilnius Europe/Kiev Europe/Kyiv Europe/Uzhgorod Europe/Zaporozhye Europe/Mariehamn Asia/Nicosia Europe/Nicosia Asia/Famagusta EET');
add(120, 'md', 'Europe/Chisinau');
add(-300, us, 'America/New_York America/Detroit America/Toronto America/Montreal America/Nassau America/Indiana/Indianapolis America/Indianapolis America/Kentucky/Louisville America/Louisville America/Iqaluit US/Eastern US/Michigan Canada/Eastern EST5EDT', 'E');
add(-360, us, 'America/Chicago America/Ojinaga America/Winnipeg America/Indiana/Knox America/Menominee America/North_Dakota/Center America/Matamoros US/Central Canada/Central CST6CDT', 'C');
add(-420, us, 'America/Denver America/Edmonton America/Boise America/Yellowknife US/Mountain Canada/Mountain MST7MDT', 'M');
add(-480, us, 'America/Los_Angeles America/Vancouver America/Tijuana US/Pacific Canada/Pacific PST8PDT', 'P');
add(-540, us, 'America/Anchorage America/Juneau America/Sitka America/Nome US/Alaska', 'AK');
add(-240, us, 'America/Halifax America/Glace_Bay America/Moncton America/Goose_Bay Atlantic/Bermuda Canada/Atlantic', 'A');
add(-210, us, 'America/St_Johns Canada/Newfoundland', 'N');
add(-600, us, 'America/Adak');
add(-420, null, 'America/Phoenix America/Hermosillo America/Creston America/Dawson_Creek America/Whitehorse US/Arizona MST', 'M');
add(-600, null, 'Pacific/Honolulu US/Hawaii HST', 'H');
add(-360, null, 'America/Mexico_City America/Monterrey America/Merida America/Regina America/Guatemala America/Costa_Rica America/El_Salvador America/Tegucigalpa America/Managua America/Belize Pacific/Galapagos');
add(-300, null, 'America/Bogota America/Lima America/Panama America/Cancun America/Jamaica America/Guayaquil America/Cayman');
add(-240, null, 'America/Caracas America/La_Paz America/Manaus America/Puerto_Rico America/Santo_Domingo America/Barbados America/Martinique America/Port_of_Spain America/Guyana');
add(-180, null, 'America/Sao_Paulo America/Argentina/Buenos_Aires America/Buenos_Aires America/Montevideo America/Cayenne America/Paramaribo America/Fortaleza America/Recife America/Bahia America/Belem');
add(0, null, 'Atlantic/Reykjavik Africa/Abidjan Africa/Accra Africa/Dakar Africa/Bamako Africa/Monrovia Iceland');
add(60, null, 'Africa/Lagos Africa/Algiers Africa/Tunis Africa/Kinshasa Africa/Luanda Africa/Douala');
add(60, 'ma', 'Africa/Casablanca');
add(120, null, 'Africa/Johannesburg Africa/Maputo Africa/Harare Africa/Lusaka Africa/Kigali Africa/Khartoum Africa/Tripoli Africa/Windhoek Europe/Kaliningrad');
add(120, 'eg', 'Africa/Cairo Egypt');
add(120, 'il', 'Asia/Jerusalem Asia/Tel_Aviv Israel');
add(120, 'lb', 'Asia/Beirut');
add(180, null, 'Europe/Moscow Europe/Istanbul Asia/Istanbul Turkey Europe/Minsk Europe/Simferopol Asia/Riyadh Asia/Baghdad Asia/Kuwait Asia/Qatar Asia/Bahrain Asia/Aden Asia/Amman Asia/Damascus Africa/Nairobi Africa/Addis_Ababa Africa/Dar_es_Salaam Africa/Kampala Indian/Antananarivo W-SU');
add(210, null, 'Asia/Tehran Iran');
add(240, null, 'Asia/Dubai Asia/Muscat Asia/Baku Asia/Tbilisi Asia/Yerevan Europe/Samara Indian/Mauritius Indian/Reunion');
add(270, null, 'Asia/Kabul');
add(300, null, 'Asia/Karachi Asia/Almaty Asia/Tashkent Asia/Yekaterinburg Indian/Maldives Asia/Dushanbe Asia/Ashgabat');
add(330, null, 'Asia/Kolkata Asia/Calcutta Asia/Colombo');
add(345, null, 'Asia/Kathmandu Asia/Katmandu');
add(360, null, 'Asia/Dhaka Asia/Bishkek Asia/Omsk Asia/Thimphu');
add(390, null, 'Asia/Yangon Asia/Rangoon');
add(420, null, 'Asia/Bangkok Asia/Jakarta Asia/Ho_Chi_Minh Asia/Saigon Asia/Phnom_Penh Asia/Vientiane Asia/Novosibirsk Asia/Krasnoyarsk');
add(480, null, 'Asia/Shanghai Asia/Hong_Kong Asia/Singapore Asia/Taipei Asia/Manila Asia/Kuala_Lumpur Asia/Makassar Asia/Irkutsk Asia/Macau Asia/Ulaanbaatar Australia/Perth Asia/Chongqing Asia/Harbin PRC ROC Singapore Hongkong');
add(540, null, 'Asia/Tokyo Asia/Seoul Asia/Pyongyang Asia/Jayapura Asia/Yakutsk Pacific/Palau Japan ROK');
add(570, null, 'Australia/Darwin');
add(570, 'au', 'Australia/Adelaide Australia/Broken_Hill');
add(600, null, 'Australia/Brisbane Australia/Lindeman Pacific/Guam Pacific/Port_Moresby Asia/Vladivostok');
add(600, 'au', 'Australia/Sydney Australia/Melbourne Australia/Canberra Australia/Hobart Australia/ACT Australia/NSW Australia/Victoria Australia/Tasmania');
add(660, null, 'Pacific/Noumea Pacific/Guadalcanal Asia/Magadan Asia/Sakhalin');
add(720, 'nz', 'Pacific/Auckland Antarctica/McMurdo NZ');
add(720, null, 'Pacific/Fiji Pacific/Majuro Pacific/Tarawa Asia/Kamchatka');
add(780, null, 'Pacific/Tongatapu Pacific/Apia Pacific/Fakaofo');

const DAY = 86400000;
const HOUR = 3600000;

// nthSunday returns the UTC midnight of the n-th Sunday (n = -1: the last)
// of month m (1-12) in year y.
function nthSunday(y, m, n) {
  if (n < 0) {
    const last = Date.UTC(y, m, 0);
    const dow = new Date(last).getUTCDay();
    return last - dow * DAY;
  }
  const first = Date.UTC(y, m - 1, 1);
  const dow = new Date(first).getUTCDay();
  return first + ((7 - dow) % 7) * DAY + (n - 1) * 7 * DAY;
}

function lastWeekday(y, m, wd) {
  const last = Date.UTC(y, m, 0);
  const dow = new Date(last).getUTCDay();
  return last - ((dow - wd + 7) % 7) * DAY;
}

// inDst reports whether daylight-saving time is in effect at ts (UTC
// milliseconds) under rule for a zone with standard offset std (minutes).
function inDst(rule, std, ts) {
  const y = new Date(ts + std * 60000).getUTCFullYear();
  const so = std * 60000;
  switch (rule) {
    case 'eu':
      return ts >= nthSunday(y, 3, -1) + HOUR && ts < nthSunday(y, 10, -1) + HOUR;
    case 'md':
      return ts >= nthSunday(y, 3, -1) + 2 * HOUR - so && ts < nthSunday(y, 10, -1) + 3 * HOUR - so - HOUR;
    case 'us':
      return ts >= nthSunday(y, 3, 2) + 2 * HOUR - so && ts < nthSunday(y, 11, 1) + 2 * HOUR - so - HOUR;
    case 'au':
      return !(ts >= nthSunday(y, 4, 1) + 3 * HOUR - so - HOUR && ts < nthSunday(y, 10, 1) + 2 * HOUR - so);
    case 'nz':
      return !(ts >= nthSunday(y, 4, 1) + 3 * HOUR - so - HOUR && ts < nthSunday(y, 9, -1) + 2 * HOUR - so);
    case 'il': {
      const start = nthSunday(y, 3, -1) - 2 * DAY + 2 * HOUR - so;
      return ts >= start && ts < nthSunday(y, 10, -1) + 2 * HOUR - so - HOUR;
    }
    case 'lb':
      return ts >= nthSunday(y, 3, -1) - so && ts < nthSunday(y, 10, -1) - so - HOUR;
    case 'eg':
      if (y < 2023) return false;
      return ts >= lastWeekday(y, 4, 5) - so && ts < lastWeekday(y, 10, 4) + DAY - so - HOUR;
    case 'ma':
      // Morocco keeps UTC+1 except during Ramadan; treated as constant
      return false;
    default:
      return false;
  }
}

// zoneInfo returns [standard offset, rule, abbreviation letter] of a zone
// name, or undefined for an unknown zone.
export function zoneInfo(name) {
  if (Object.prototype.hasOwnProperty.call(Z, name)) return Z[name];
  const m = /^Etc\/GMT([+-])(\d{1,2})$/.exec(name);
  if (m && Number(m[2]) <= 14) return [(m[1] === '+' ? -1 : 1) * Number(m[2]) * 60, null];
  if (/^(Etc\/)?(UTC|GMT|UCT|Universal|Zulu|Greenwich)$/i.test(name) || name === 'Z' || name === 'Etc/GMT0' || name === 'GMT0') return [0, null];
  return undefined;
}

// zoneOffset returns the offset in minutes of zone info z at ts.
export function zoneOffset(z, ts) {
  return z[1] && inDst(z[1], z[0], ts) ? z[0] + 60 : z[0];
}

// zoneAbbreviation returns the short name en-US uses for the offset at ts.
export function zoneAbbreviation(z, ts) {
  const off = zoneOffset(z, ts);
  if (z[2]) return z[2] + (off === z[0] ? 'S' : 'D') + 'T';
  if (off === 0) return 'GMT';
  const h = Math.trunc(Math.abs(off) / 60);
  const mm = Math.abs(off) % 60;
  return `GMT${off < 0 ? '-' : '+'}${h}${mm ? ':' + String(mm).padStart(2, '0') : ''}`;
}
