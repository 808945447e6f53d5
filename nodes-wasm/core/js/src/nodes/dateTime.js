// Date & Time (version 2): current date, add/subtract, format, round,
// difference and parts of dates, with Luxon. Output items hold only the
// result field unless options.includeInputFields is true. Time zones: UTC,
// Etc/GMT±N and fixed offsets (no time zone database).
import { DateTime } from 'luxon';
import { NodeOperationError } from '../errors.js';
import { parseDate, zoneOrThrow } from './lib/dates.js';

// Parameters whose default depends on the operation.
const OUTPUT_FIELD = {
  getCurrentDate: 'currentDate',
  addToDate: 'newDate',
  subtractFromDate: 'newDate',
  formatDate: 'formattedDate',
  roundDate: 'roundedDate',
  getTimeBetweenDates: 'timeDifference',
  extractDate: 'datePart',
};

const UNITS = ['years', 'quarters', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'];

function workflowTimezone(ctx) {
  const wf = ctx.context.workflow || {};
  const tz = wf.timezone;
  return tz && tz !== 'DEFAULT' ? tz : 'UTC';
}

export default {
  type: 'n8n-nodes-base.dateTime',
  displayName: 'Date & Time',
  description: 'Manipulate date and time values',
  group: ['transform'],
  versions: [2],
  inputs: 1,
  outputs: 1,
  parameters: [
    {
      name: 'operation', type: 'options', default: 'getCurrentDate',
      options: ['addToDate', 'extractDate', 'formatDate', 'getCurrentDate', 'getTimeBetweenDates', 'roundDate', 'subtractFromDate'],
      description: 'What to do with the date',
    },
    { name: 'includeTime', type: 'boolean', default: true, description: 'getCurrentDate: whether to include the time (else midnight)' },
    {
      name: 'outputFieldName', type: 'string',
      description: 'The field to put the output in (default: currentDate, newDate, formattedDate, roundedDate, timeDifference or datePart by operation)',
    },
    { name: 'magnitude', type: 'string', default: '', description: 'addToDate/subtractFromDate: the date to change' },
    { name: 'timeUnit', type: 'options', default: 'days', options: UNITS, description: 'addToDate/subtractFromDate: the unit of duration' },
    { name: 'duration', type: 'number', default: 0, description: 'addToDate/subtractFromDate: the number of time units' },
    { name: 'date', type: 'string', default: '', description: 'formatDate/roundDate/extractDate: the date' },
    {
      name: 'format', type: 'options', default: 'MM/dd/yyyy',
      options: ['custom', 'MM/dd/yyyy', 'yyyy/MM/dd', 'MMMM dd yyyy', 'MM-dd-yyyy', 'yyyy-MM-dd', 'X', 'x'],
      description: 'formatDate: the Luxon format to convert the date to',
    },
    { name: 'customFormat', type: 'string', default: '', description: 'formatDate with format "custom": Luxon format tokens' },
    { name: 'mode', type: 'options', default: 'roundDown', options: ['roundDown', 'roundUp'], description: 'roundDate: round down or up' },
    {
      name: 'toNearest', type: 'options', default: 'month',
      options: ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'], description: 'roundDate down: the unit to round to',
    },
    { name: 'to', type: 'options', default: 'month', options: ['month'], description: 'roundDate up: to the end of the month' },
    { name: 'startDate', type: 'string', default: '', description: 'getTimeBetweenDates: the start date' },
    { name: 'endDate', type: 'string', default: '', description: 'getTimeBetweenDates: the end date' },
    {
      name: 'units', type: 'multiOptions', default: ['day'],
      options: ['year', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond'], description: 'getTimeBetweenDates: the units of the difference',
    },
    {
      name: 'part', type: 'options', default: 'month',
      options: ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'], description: 'extractDate: the part to extract',
    },
    {
      name: 'options', type: 'collection', default: {},
      options: ['includeInputFields', 'timezone', 'fromFormat', 'isoString'],
      description: 'includeInputFields (default false), timezone (getCurrentDate: a zone name; formatDate: use the workflow zone), fromFormat (formatDate), isoString (getTimeBetweenDates)',
    },
  ],
  run(ctx) {
    const items = ctx.getInputData();
    const out = [];
    const operation = ctx.getNodeParameter('operation', 0);
    const tz = workflowTimezone(ctx);
    const includeInputFields = !!ctx.getNodeParameter('options.includeInputFields', 0, false);
    const outputDefault = OUTPUT_FIELD[operation];
    const outputField = (i) => (ctx.getRawParameter('outputFieldName') === undefined
      ? outputDefault : ctx.getNodeParameter('outputFieldName', i));
    for (let i = 0; i < items.length; i++) {
      try {
        const item = includeInputFields ? { json: Object.assign({}, items[i].json), binary: items[i].binary } : { json: {} };
        if (item.binary === undefined) delete item.binary;
        item.pairedItem = { item: i };
        if (operation === 'getCurrentDate') {
          const includeTime = ctx.getNodeParameter('includeTime', i);
          const name = outputField(i);
          const { timezone } = ctx.getNodeParameter('options', i) || {};
          const zoneName = timezone || tz;
          const zone = zoneOrThrow(zoneName, `The timezone ${zoneName} is not valid. Please check the timezone.`);
          const now = DateTime.now().setZone(zone);
          item.json[name] = (includeTime ? now : now.startOf('day')).toString();
        } else if (operation === 'addToDate' || operation === 'subtractFromDate') {
          const magnitude = ctx.getNodeParameter('magnitude', i);
          const unit = ctx.getNodeParameter('timeUnit', i);
          const duration = ctx.getNodeParameter('duration', i);
          const name = outputField(i);
          const date = parseDate(magnitude, { timezone: tz });
          const moved = operation === 'addToDate' ? date.plus({ [unit]: duration }) : date.minus({ [unit]: duration });
          item.json[name] = moved.toString();
        } else if (operation === 'formatDate') {
          const date = ctx.getNodeParameter('date', i);
          const format = ctx.getNodeParameter('format', i);
          const name = outputField(i);
          const { timezone, fromFormat } = ctx.getNodeParameter('options', i) || {};
          if (date === null || date === undefined) {
            item.json[name] = date;
          } else {
            const parsed = parseDate(date, { timezone: timezone ? tz : undefined, fromFormat });
            item.json[name] = parsed.toFormat(format === 'custom' ? ctx.getNodeParameter('customFormat', i) : format);
          }
        } else if (operation === 'roundDate') {
          const date = ctx.getNodeParameter('date', i);
          const mode = ctx.getNodeParameter('mode', i);
          const name = outputField(i);
          const parsed = parseDate(date, { timezone: tz });
          if (mode === 'roundDown') {
            item.json[name] = parsed.startOf(ctx.getNodeParameter('toNearest', i)).toString();
          } else if (mode === 'roundUp') {
            const to = ctx.getNodeParameter('to', i);
            item.json[name] = parsed.plus({ [to]: 1 }).startOf(to).toString();
          }
        } else if (operation === 'getTimeBetweenDates') {
          const start = parseDate(ctx.getNodeParameter('startDate', i), { timezone: tz });
          const end = parseDate(ctx.getNodeParameter('endDate', i), { timezone: tz });
          const units = ctx.getNodeParameter('units', i);
          const name = outputField(i);
          const { isoString } = ctx.getNodeParameter('options', i) || {};
          const duration = end.diff(start, units);
          item.json[name] = isoString ? duration.toString() : duration.toObject();
        } else if (operation === 'extractDate') {
          const date = ctx.getNodeParameter('date', i);
          const name = outputField(i);
          const part = ctx.getNodeParameter('part', i);
          const parsed = parseDate(date, { timezone: tz });
          item.json[name] = part === 'week' ? parsed.weekNumber : parsed.get(part);
        } else {
          throw new NodeOperationError(`The operation "${operation}" is not known`);
        }
        out.push(item);
      } catch (err) {
        if (ctx.continueOnFail()) {
          out.push({ json: { error: err && err.message !== undefined ? err.message : String(err) } });
          continue;
        }
        const error = err instanceof NodeOperationError ? err : new NodeOperationError(err && err.message !== undefined ? err.message : String(err));
        if (error.itemIndex === undefined) error.itemIndex = i;
        throw error;
      }
    }
    return [out];
  },
};
