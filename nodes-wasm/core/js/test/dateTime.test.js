import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runNode } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

function dt(parameters, jsons, context = { workflow: { timezone: 'UTC' } }) {
  return runNode('n8n-nodes-base.dateTime', 2, parameters, [jsons.map((json, i) => ({ json, pairedItem: { item: i } }))], context);
}

function jsonOf(r) {
  assert.equal(r.error, undefined, r.error && r.error.message);
  return r.outputs[0].map((it) => it.json);
}

test('029: format with a custom format, add 3 days, extract the month', () => {
  const c = loadCase('029');
  const chain = [['Format', 'Data'], ['Add', 'Format'], ['Extract', 'Add']];
  for (const [name, from] of chain) {
    const node = c.workflow.nodes.find((n) => n.name === name);
    const r = dt(node.parameters, c.expected.runData[from][0].outputs[0]);
    assert.deepEqual(jsonOf(r), c.expected.runData[name][0].outputs[0], name);
    assert.deepEqual(r.outputs[0].map((it) => it.pairedItem), [{ item: 0 }, { item: 1 }]);
  }
});

const d = '2024-02-27T15:04:05.000Z';

test('input fields are dropped unless includeInputFields', () => {
  assert.deepEqual(jsonOf(dt({ operation: 'extractDate', date: d, part: 'year' }, [{ keep: 1 }])), [{ datePart: 2024 }]);
  assert.deepEqual(jsonOf(dt({ operation: 'extractDate', date: d, part: 'week', outputFieldName: 'w', options: { includeInputFields: true } }, [{ keep: 1 }])),
    [{ keep: 1, w: 9 }]);
});

test('add and subtract in every unit; output in the workflow time zone', () => {
  const add = (timeUnit, duration, op = 'addToDate') => jsonOf(dt({ operation: op, magnitude: d, timeUnit, duration }, [{}]))[0].newDate;
  assert.equal(add('months', 1), '2024-03-27T15:04:05.000Z');
  assert.equal(add('quarters', 1), '2024-05-27T15:04:05.000Z');
  assert.equal(add('hours', 10, 'subtractFromDate'), '2024-02-27T05:04:05.000Z');
  assert.equal(add('days', 0), d);
  const berlin = dt({ operation: 'addToDate', magnitude: d, timeUnit: 'hours', duration: 1 }, [{}], { workflow: { timezone: 'Etc/GMT-1' } });
  assert.deepEqual(jsonOf(berlin), [{ newDate: '2024-02-27T17:04:05.000+01:00' }]);
});

test('numbers and numeric strings are Unix timestamps (seconds or milliseconds)', () => {
  const fmt = (date) => jsonOf(dt({ operation: 'formatDate', date, format: 'yyyy-MM-dd HH:mm:ss' }, [{}]))[0].formattedDate;
  assert.equal(fmt(1709046245), '2024-02-27 15:04:05');
  assert.equal(fmt('1709046245000'), '2024-02-27 15:04:05');
  assert.equal(fmt(1709046245.5), '2024-02-27 15:04:05');
});

test('format: the predefined formats, fromFormat, the offset of the input and null', () => {
  const fmt = (params, json = {}) => jsonOf(dt(Object.assign({ operation: 'formatDate' }, params), [json]))[0];
  assert.deepEqual(fmt({ date: d }), { formattedDate: '02/27/2024' });
  assert.deepEqual(fmt({ date: d, format: 'MMMM dd yyyy' }), { formattedDate: 'February 27 2024' });
  assert.deepEqual(fmt({ date: d, format: 'X' }), { formattedDate: '1709046245' });
  assert.deepEqual(fmt({ date: d, format: 'x' }), { formattedDate: '1709046245000' });
  assert.deepEqual(fmt({ date: '27/02/2024', format: 'yyyy-MM-dd', options: { fromFormat: 'dd/MM/yyyy' } }), { formattedDate: '2024-02-27' });
  // an input with a positive offset is formatted in that offset; others in UTC
  assert.deepEqual(fmt({ date: '2024-02-27T15:04:05+02:00', format: 'HH:mm ZZ' }), { formattedDate: '15:04 +02:00' });
  assert.deepEqual(fmt({ date: '2024-02-27T15:04:05-02:00', format: 'HH:mm ZZ' }), { formattedDate: '17:04 +00:00' });
  assert.deepEqual(fmt({ date: '={{ $json.nothing }}', outputFieldName: 'f' }), {});
  assert.deepEqual(fmt({ date: '={{ null }}', outputFieldName: 'f' }), { f: null });
});

test('round down to a unit, round up to the end of the month', () => {
  const round = (params) => jsonOf(dt(Object.assign({ operation: 'roundDate', date: d }, params), [{}]))[0].roundedDate;
  assert.equal(round({}), '2024-02-01T00:00:00.000Z');
  assert.equal(round({ toNearest: 'hour' }), '2024-02-27T15:00:00.000Z');
  assert.equal(round({ toNearest: 'week' }), '2024-02-26T00:00:00.000Z');
  assert.equal(round({ mode: 'roundUp' }), '2024-03-01T00:00:00.000Z');
});

test('time between dates as units or an ISO duration', () => {
  const between = (params) => jsonOf(dt(Object.assign({ operation: 'getTimeBetweenDates', startDate: '2024-01-01', endDate: d }, params), [{}]))[0];
  assert.deepEqual(between({}), { timeDifference: { days: 57.62783564814815 } });
  assert.deepEqual(between({ units: ['month', 'day', 'hour'] }), { timeDifference: { months: 1, days: 26, hours: 15.068055555555556 } });
  assert.deepEqual(between({ units: ['day'], options: { isoString: true } }), { timeDifference: 'P57.62783564814815D' });
});

test('current date in the workflow zone or a given zone', () => {
  const now = jsonOf(dt({}, [{}]))[0].currentDate;
  assert.match(now, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  const midnight = jsonOf(dt({ includeTime: false, outputFieldName: 'today', options: { timezone: 'Etc/GMT+5' } }, [{}]))[0].today;
  assert.match(midnight, /^\d{4}-\d{2}-\d{2}T00:00:00\.000-05:00$/);
  const utc = jsonOf(dt({ options: { timezone: 'Etc/UTC' } }, [{}]))[0].currentDate;
  assert.match(utc, /\+00:00$/);
  assert.equal(dt({ options: { timezone: 'Mars/Olympus' } }, [{}]).error.message,
    'The timezone Mars/Olympus is not valid. Please check the timezone.');
});

test('invalid dates fail the item, or become {error} with continueOnFail', () => {
  const params = { operation: 'addToDate', magnitude: 'not a date', timeUnit: 'days', duration: 1 };
  assert.equal(dt(params, [{}]).error.message, 'Invalid date format');
  const r = dt(params, [{}], { workflow: { timezone: 'UTC' }, onError: 'continueRegularOutput' });
  assert.deepEqual(jsonOf(r), [{ error: 'Invalid date format' }]);
});

test('a missing date makes "add to date" start from now; an empty string is the epoch', () => {
  const add = (magnitude) => jsonOf(dt({ operation: 'addToDate', magnitude, timeUnit: 'days', duration: 1 }, [{}]))[0].newDate;
  const tomorrow = Date.parse(add('={{ $json.missing }}'));
  assert.ok(Math.abs(tomorrow - (Date.now() + 86400000)) < 5000);
  assert.equal(add(''), '1970-01-02T00:00:00.000Z');
});

test('IANA zones the engine knows give their offsets', () => {
  const r = dt({ operation: 'formatDate', date: d, format: 'yyyy-MM-dd HH:mm ZZ', options: { timezone: true } }, [{}],
    { workflow: { timezone: 'Europe/Berlin' } });
  assert.deepEqual(jsonOf(r), [{ formattedDate: '2024-02-27 16:04 +01:00' }]);
});
