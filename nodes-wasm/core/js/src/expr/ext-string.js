// n8n's string extension methods (`"text".toTitleCase()`, …). Each takes
// the string and the call's arguments as an array.
import { ExpressionError } from '../errors.js';
import { DateTime, parseDateTime } from './luxon.js';
import {
  utf8Encode, utf8Decode, base64FromBytes, bytesFromBase64, md5, sha1, sha224, sha256, sha384, sha512, sha3_512,
} from './bytes.js';
import { numberToDateTime } from './ext-number.js';

// Currency symbols stripped before a string is read as a number (the same
// set, and order of alternatives, as n8n).
const CURRENCY_SYMBOLS = [
  'Lek', '\u060b', '$', '\u0192', '\u20bc', 'Br', 'BZ$', '$b', 'KM', 'P', '\u043b\u0432', 'R$', '\u17db', '\u00a5',
  '\u20a1', 'kn', '\u20b1', 'K\u010d', 'kr', 'RD$', '\u00a3', '\u20ac', '\u00a2', 'Q', 'L', 'Ft', '\u20b9', 'Rp',
  '\ufdfc', '\u20aa', 'J$', '\u20a9', '\u20ad', '\u0434\u0435\u043d', 'RM', '\u20a8', '\u20ae', 'MT', 'C$', '\u20a6',
  'B/.', 'Gs', 'S/.', 'z\u0142', 'lei', '\u20bd', '\u0414\u0438\u043d.', 'S', 'R', 'CHF', 'NT$', '\u0e3f', 'TT$',
  '\u20ba', '\u20b4', '$U', 'Bs', '\u20ab', 'Z$',
];
const CURRENCY = new RegExp(
  '(' + CURRENCY_SYMBOLS.map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|') + ')',
  'gu',
);

function stripCurrency(s) {
  return s.replace(CURRENCY, '');
}

// Host names: labels of word characters and hyphens and a top-level domain
// (or punycode), localhost, or an IPv4 address.
const HOST = '((?:(?:[-\\w]+\\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}))';
const PORT_PATH_QUERY_HASH = '(?::\\d+)?(?:\\/[^\\s?]*)?(?:\\?[^\\s#]*)?(?:#[^\\s]*)?';
const DOMAIN_EXTRACT = new RegExp('^(?:(?:https?|ftp):\\/\\/)?(?:mailto:)?(?:\\/\\/)?((?:www\\.)?' + HOST.slice(1) + PORT_PATH_QUERY_HASH + '$', 'i');
const DOMAIN = new RegExp('^(?:www\\.)?' + HOST + PORT_PATH_QUERY_HASH + '$', 'i');
const URL_BODY = '(?:(?:https?|ftp):\\/\\/)(?:www\\.)?' + HOST + '(?::\\d+)?(?:\\/[^\\s?#]*)?(?:\\?[^\\s#]*)?(?=([^\\s]+#.*)?)#?[^\\s]*';
const URL_EXACT = new RegExp('^' + URL_BODY + '$', 'i');
const URL_ANY = new RegExp(URL_BODY, 'i');
const EMAIL = /(([^<>()[\]\\.,;:\s@"]+(\.[^<>()[\]\\.,;:\s@"]+)*)|(".+"))@(?<domain>(\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))/;

const HASHES = {
  md5, sha1, sha224, sha256, sha384, sha512, sha3: sha3_512,
};

function hash(value, [algo]) {
  const a = algo === undefined || algo === null ? 'md5' : String(algo).toLowerCase();
  if (a === 'base64') return base64FromBytes(utf8Encode(value));
  const fn = HASHES[a];
  if (!fn) {
    throw new ExpressionError(`Unknown algorithm ${a}. Available algorithms are: md5,sha1,sha224,sha256,sha384,sha512,sha3, and Base64.`);
  }
  return fn(utf8Encode(value));
}

function removeMarkdown(value) {
  try {
    let s = value.replace(/^([\s\t]*)([*\-+]|\d\.)\s+/gm, '$1');
    s = s.replace(/\n={2,}/g, '\n').replace(/~~/g, '').replace(/`{3}.*\n/g, '');
    s = s
      .replace(/<[\w|\s|=|'|"|:|(|)|,|;|/|0-9|.|-]+[>|\\>]/g, '')
      .replace(/^[=-]{2,}\s*$/g, '')
      .replace(/\[\^.+?\](: .*?$)?/g, '')
      .replace(/\s{0,2}\[.*?\]: .*?$/g, '')
      .replace(/!\[.*?\][[(].*?[\])]/g, '')
      .replace(/\[(.*?)\][[(].*?[\])]/g, '$1')
      .replace(/>/g, '')
      .replace(/^\s{1,2}\[(.*?)\]: (\S+)( ".*?")?\s*$/g, '')
      .replace(/^#{1,6}\s*([^#]*)\s*(#{1,6})?/gm, '$1')
      .replace(/([*_]{1,3})(\S.*?\S)\1/g, '$2')
      .replace(/(`{3,})(.*?)\1/gm, '$2')
      .replace(/^-{3,}\s*$/g, '')
      .replace(/`(.+?)`/g, '$1')
      .replace(/\n{2,}/g, '\n\n');
    return s;
  } catch (e) {
    return value;
  }
}

function toDate(value) {
  const d = new Date(Date.parse(value));
  if (isNaN(d.getTime())) throw new ExpressionError('cannot convert to date');
  if (value.indexOf(':') < 0) d.setHours(0, 0, 0);
  return d;
}

export function stringToDateTime(value, [format] = []) {
  try {
    if (format) {
      if (format === 'ms' || format === 's' || format === 'us' || format === 'excel') {
        return numberToDateTime(Number(value), [format]);
      }
      return DateTime.fromFormat(value, format);
    }
    return parseDateTime(value);
  } catch (e) {
    throw new ExpressionError('cannot convert to Luxon DateTime');
  }
}

function toBoolean(value) {
  const v = value.toLowerCase();
  return v.length > 0 && v !== 'false' && v !== 'no' && v !== '0';
}

function toFloat(value) {
  if (value.indexOf(',') >= 0) throw new ExpressionError('cannot convert to float, expected . as decimal separator');
  const n = parseFloat(stripCurrency(value));
  if (isNaN(n)) throw new ExpressionError('cannot convert to float');
  return n;
}

function toInt(value, [radix]) {
  const n = parseInt(stripCurrency(value), radix);
  if (isNaN(n)) throw new ExpressionError('cannot convert to integer');
  return n;
}

function toNumber(value) {
  const n = Number(stripCurrency(value));
  if (isNaN(n)) throw new ExpressionError('cannot convert to number');
  return n;
}

// Title case as the `title-case` package does it: a word (a run of
// characters other than whitespace, ":" and dashes) gets a capital first
// letter unless it already has capitals or inner dots, is a small word
// inside the title, or runs into a ":" that is not followed by a space.
const SMALL_WORDS = /\b(?:an?d?|a[st]|because|but|by|en|for|i[fn]|neither|nor|o[fnr]|only|over|per|so|some|tha[tn]|the|to|up|upon|vs?\.?|versus|via|when|with|without|yet)\b/i;
const MANUAL_CASE = /.(?=[A-Z]|\..)/;
const FIRST_ALNUM = /[A-Za-z0-9\u00C0-\u00FF]/;
const WORD = /[^\s:\u2013\u2014-]+/g;
const toUpper = (c) => c.toUpperCase();

function toTitleCase(value) {
  const n = value.length;
  return value.replace(WORD, (word, at) => {
    const end = at + word.length;
    if (MANUAL_CASE.test(word)) return word;
    if (at !== 0 && end !== n && SMALL_WORDS.test(word)) return word;
    if (value.charCodeAt(end) === 58 && !/\s/.test(value.charAt(end + 1))) return word;
    return word.replace(FIRST_ALNUM, toUpper);
  });
}

function toSentenceCase(value) {
  const letter = /\p{L}/u;
  let rest = value;
  let out = '';
  while (letter.test(rest)) {
    const at = rest.search(letter);
    rest = rest.slice(0, at) + rest[at].toUpperCase() + rest.slice(at + 1).toLowerCase();
    const stop = rest.search(/[!?.]/);
    if (stop < 0) {
      out += rest;
      rest = '';
      break;
    }
    out += rest.slice(0, stop + 1);
    rest = rest.slice(stop + 1);
  }
  return out + rest;
}

function toSnakeCase(value) {
  return value
    .toLowerCase()
    .replace(/[ -]/g, '_')
    .replace(/[\u2000-\u206F\u2E00-\u2E7F\\'!"#$%&()*+,./:;<=>?@[\]^`{|}~]/g, '');
}

function urlDecode(value, [entire = false]) {
  return entire ? decodeURI(String(value)) : decodeURIComponent(String(value));
}

function urlEncode(value, [entire = false]) {
  return entire ? encodeURI(String(value)) : encodeURIComponent(String(value));
}

function quote(value, [mark = '"']) {
  const escaped = value.replace(/\\/g, '\\\\');
  const q = String(mark);
  return q + escaped.split(q).join('\\' + q) + q;
}

// Transliteration of letters outside ASCII: accents are dropped, a few
// letters and scripts are spelled out, anything else becomes "?".
const SPECIAL = {
  ß: 'ss', ẞ: 'SS', æ: 'ae', Æ: 'AE', ø: 'o', Ø: 'O', œ: 'oe', Œ: 'OE', đ: 'd', Đ: 'D', ð: 'd', Ð: 'D',
  ł: 'l', Ł: 'L', þ: 'th', Þ: 'TH', ı: 'i', ħ: 'h', Ħ: 'H', ŧ: 't', Ŧ: 'T', ŋ: 'ng', Ŋ: 'NG', ĸ: 'q',
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u2013': '-',
  '\u2014': '-', '\u2026': '...', '\u00a0': ' ', '\u00ab': '<<', '\u00bb': '>>', '\u20ac': 'EUR', '\u00a3': 'PS',
  '\u00a9': '(c)', '\u00ae': '(r)', '\u2122': 'TM', '\u00b0': 'deg', '\u00d7': 'x', '\u00f7': '/',
};
const CYRILLIC = 'а:a,б:b,в:v,г:g,д:d,е:e,ё:yo,ж:zh,з:z,и:i,й:y,к:k,л:l,м:m,н:n,о:o,п:p,р:r,с:s,т:t,у:u,ф:f,х:kh,ц:ts,ч:ch,ш:sh,щ:shch,ъ:",ы:y,ь:\',э:e,ю:yu,я:ya,і:i,ї:yi,є:ye,ґ:g';
const GREEK = 'α:a,β:b,γ:g,δ:d,ε:e,ζ:z,η:e,θ:th,ι:i,κ:k,λ:l,μ:m,ν:n,ξ:x,ο:o,π:p,ρ:r,σ:s,ς:s,τ:t,υ:y,φ:ph,χ:kh,ψ:ps,ω:o';
for (const table of [CYRILLIC, GREEK]) {
  for (const pair of table.split(',')) {
    const [from, to] = [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)];
    SPECIAL[from] = to;
    const upper = from.toUpperCase();
    if (upper !== from) SPECIAL[upper] = to.charAt(0).toUpperCase() + to.slice(1);
  }
}

function replaceSpecialChars(value) {
  let out = '';
  for (const ch of value) {
    if (ch.charCodeAt(0) < 0x80) {
      out += ch;
      continue;
    }
    if (SPECIAL[ch] !== undefined) {
      out += SPECIAL[ch];
      continue;
    }
    const base = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    if (base !== '' && /^[\x00-\x7f]+$/.test(base)) {
      out += base;
    } else if (/\s/.test(ch)) {
      out += ' ';
    } else {
      out += '?';
    }
  }
  return out;
}

function isNumeric(value) {
  if (value.indexOf(' ') >= 0) return false;
  return !isNaN(value) && !isNaN(parseFloat(value));
}

function isEmail(value) {
  const ok = EMAIL.test(value);
  return ok && value.indexOf(' ') >= 0 ? false : ok;
}

function extractEmail(value) {
  const m = EMAIL.exec(value);
  return m ? m[0] : undefined;
}

function extractDomain(value) {
  if (isEmail(value)) {
    const m = EMAIL.exec(value);
    return m ? m.groups.domain : undefined;
  }
  const m = value.match(DOMAIN_EXTRACT);
  return m ? m[1] : undefined;
}

function extractUrl(value) {
  const m = URL_ANY.exec(value);
  return m ? m[0] : undefined;
}

// extractUrlPath returns the path of an absolute URL ("/" when it has
// none), or undefined for anything that is not one.
function extractUrlPath(value) {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(\/\/([^/?#]*))?([^?#]*)/.exec(value.trim());
  if (!m) return undefined;
  const special = /^(https?|ftp|wss?|file)$/i.test(m[1]);
  if (special && m[2] === undefined) return undefined;
  if (special && m[3] === '' && !/^file$/i.test(m[1])) return undefined;
  let path = m[4];
  if (special && path === '') path = '/';
  return path.replace(/[ "<>`{}]/g, (c) => encodeURIComponent(c));
}

function parseJson(value) {
  try {
    return JSON.parse(value);
  } catch (e) {
    if (value.indexOf("'") >= 0) throw new ExpressionError("Parsing failed. Check you're using double quotes");
    throw new ExpressionError('Parsing failed');
  }
}

export const stringExtensions = {
  typeName: 'String',
  functions: {
    hash,
    removeMarkdown,
    removeTags: (v) => v.replace(/<[^>]*>?/gm, ''),
    toDate,
    toDateTime: stringToDateTime,
    toBoolean,
    toDecimalNumber: toFloat,
    toNumber,
    toFloat,
    toInt,
    toWholeNumber: toInt,
    toSentenceCase,
    toSnakeCase,
    toTitleCase,
    urlDecode,
    urlEncode,
    quote,
    replaceSpecialChars,
    length: (v) => v.length,
    isDomain: (v) => DOMAIN.test(v),
    isEmail,
    isNumeric,
    isUrl: (v) => URL_EXACT.test(v),
    isEmpty: (v) => v === '',
    isNotEmpty: (v) => v !== '',
    isBlank: (v) => v.trim() === '',
    isNotBlank: (v) => v.trim() !== '',
    toJsonString: (v) => JSON.stringify(v),
    extractEmail,
    extractDomain,
    extractUrl,
    extractUrlPath,
    parseJson,
    base64Encode: (v) => base64FromBytes(utf8Encode(v)),
    base64Decode: (v) => utf8Decode(bytesFromBase64(v)),
  },
};
