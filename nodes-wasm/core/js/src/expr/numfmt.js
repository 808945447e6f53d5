// Number formatting for `(n).format(locale, options)`. With Intl (unit
// tests under Node) it is Intl.NumberFormat; the engine has no Intl, so a
// small formatter covers decimal, percent and currency styles with the
// separators of common locales.

const SEPARATORS = {
  en: [',', '.'], ja: [',', '.'], zh: [',', '.'], ko: [',', '.'], he: [',', '.'], th: [',', '.'],
  de: ['.', ','], es: ['.', ','], it: ['.', ','], nl: ['.', ','], pt: ['.', ','], id: ['.', ','],
  tr: ['.', ','], da: ['.', ','], el: ['.', ','], ro: ['.', ','], hr: ['.', ','], sl: ['.', ','],
  fr: ['\u202f', ','], sv: ['\u00a0', ','], nb: ['\u00a0', ','], no: ['\u00a0', ','], fi: ['\u00a0', ','],
  pl: ['\u00a0', ','], cs: ['\u00a0', ','], sk: ['\u00a0', ','], ru: ['\u00a0', ','], uk: ['\u00a0', ','],
  hu: ['\u00a0', ','], bg: ['\u00a0', ','], lt: ['\u00a0', ','], lv: ['\u00a0', ','], et: ['\u00a0', ','],
};
const REGION_SEPARATORS = { 'de-CH': ['\u2019', '.'], 'pt-BR': ['.', ','], 'es-MX': [',', '.'], 'en-ZA': ['\u00a0', ','] };
const CURRENCY_SYMBOLS = { USD: '$', EUR: '\u20ac', GBP: '\u00a3', JPY: '\u00a5', INR: '\u20b9', CNY: 'CN\u00a5', KRW: '\u20a9', BRL: 'R$', CAD: 'CA$', AUD: 'A$', MXN: 'MX$', ILS: '\u20aa', VND: '\u20ab', NZD: 'NZ$', HKD: 'HK$', TWD: 'NT$', PHP: '\u20b1' };
const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF', 'PYG']);

function localeOf(locales) {
  const l = Array.isArray(locales) ? locales[0] : locales;
  return typeof l === 'string' && l ? l : 'en-US';
}

function groupDigits(int, sep) {
  let out = '';
  for (let i = int.length; i > 0; i -= 3) {
    out = int.slice(Math.max(0, i - 3), i) + (out ? sep + out : '');
  }
  return out;
}

function fallbackFormat(value, locales, options) {
  const locale = localeOf(locales);
  const lang = locale.split('-')[0].toLowerCase();
  const [group, decimal] = REGION_SEPARATORS[locale] || SEPARATORS[lang] || SEPARATORS.en;
  const style = options.style || 'decimal';
  let v = Number(value);
  if (v !== v) return 'NaN';
  const negative = v < 0 || (v === 0 && 1 / v < 0);
  v = Math.abs(v);
  if (!isFinite(v)) return (negative ? '-' : '') + '\u221e';
  let minFrac = 0;
  let maxFrac = 3;
  const currency = style === 'currency' ? String(options.currency || 'USD').toUpperCase() : '';
  if (style === 'currency') {
    minFrac = maxFrac = ZERO_DECIMAL.has(currency) ? 0 : 2;
  } else if (style === 'percent') {
    v *= 100;
    maxFrac = 0;
  }
  if (options.minimumFractionDigits !== undefined) {
    minFrac = Number(options.minimumFractionDigits);
    if (maxFrac < minFrac) maxFrac = minFrac;
  }
  if (options.maximumFractionDigits !== undefined) {
    maxFrac = Number(options.maximumFractionDigits);
    if (minFrac > maxFrac) minFrac = maxFrac;
  }
  let text = v.toFixed(maxFrac);
  let [int, frac = ''] = text.split('.');
  while (frac.length > minFrac && frac.charAt(frac.length - 1) === '0') frac = frac.slice(0, -1);
  const minInt = options.minimumIntegerDigits || 1;
  while (int.length < minInt) int = '0' + int;
  const grouping = options.useGrouping === undefined ? true : !!options.useGrouping;
  if (grouping) int = groupDigits(int, group);
  text = frac ? int + decimal + frac : int;
  const sign = negative && Number(text.replace(/[^0-9]/g, '')) !== 0 ? '-' : '';
  if (style === 'percent') return sign + text + (lang === 'en' ? '%' : '\u00a0%');
  if (style === 'currency') {
    const symbol = options.currencyDisplay === 'code' ? currency : CURRENCY_SYMBOLS[currency] || currency;
    if (lang === 'en' || lang === 'ja' || lang === 'zh' || lang === 'ko' || lang === 'he' || lang === 'th') {
      const spaced = symbol.length === 3 && symbol === currency ? '\u00a0' : '';
      return sign + symbol + spaced + text;
    }
    return sign + text + '\u00a0' + symbol;
  }
  return sign + text;
}

export function formatNumber(value, locales, options) {
  const opts = options && typeof options === 'object' ? options : {};
  if (typeof Intl !== 'undefined' && Intl.NumberFormat) {
    return new Intl.NumberFormat(locales, opts).format(value);
  }
  return fallbackFormat(value, locales, opts);
}

export { fallbackFormat };
