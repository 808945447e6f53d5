// n8n's number extension methods (`(1.5).round()`, …).
import { ExpressionError } from '../errors.js';
import { DateTime } from './luxon.js';
import { formatNumber } from './numfmt.js';

export function numberToDateTime(value, [format = 'ms'] = []) {
  if (format !== 'ms' && format !== 's' && format !== 'us' && format !== 'excel') {
    throw new ExpressionError(`Unsupported format '${String(format)}'. toDateTime() supports 'ms', 's', 'us' and 'excel'.`);
  }
  switch (format) {
    case 'excel':
      // days since 1900-01-00, counting Excel's phantom 1900-02-29
      return DateTime.fromSeconds((value - 25569) * 86400);
    case 's':
      return DateTime.fromSeconds(value);
    case 'us':
      return DateTime.fromMillis(value / 1000);
    default:
      return DateTime.fromMillis(value);
  }
}

function round(value, [places = 0]) {
  return +value.toFixed(places);
}

export const numberExtensions = {
  typeName: 'Number',
  functions: {
    ceil: (v) => Math.ceil(v),
    floor: (v) => Math.floor(v),
    format: (v, [locales = 'en-US', options = {}]) => formatNumber(v, locales, options),
    round,
    abs: (v) => Math.abs(v),
    isInteger: (v) => Number.isInteger(v),
    isEven(v) {
      if (!Number.isInteger(v)) throw new ExpressionError('isEven() is only callable on integers');
      return v % 2 === 0;
    },
    isOdd(v) {
      if (!Number.isInteger(v)) throw new ExpressionError('isOdd() is only callable on integers');
      return Math.abs(v) % 2 === 1;
    },
    toBoolean: (v) => v !== 0,
    toInt: (v) => round(v, []),
    toFloat: (v) => v,
    toDateTime: numberToDateTime,
  },
};
