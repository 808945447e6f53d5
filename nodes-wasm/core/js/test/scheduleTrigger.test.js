import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, runTask } from './harness.js';

const TYPE = 'n8n-nodes-base.scheduleTrigger';

// The item the control plane builds (package control-plane/schedule, Item)
// for 2023-12-28 15:47:13 in Europe/Berlin.
const ITEM = {
  timestamp: '2023-12-28T15:47:13.000+01:00',
  'Readable date': 'December 28th 2023, 3:47:13 pm',
  'Readable time': '3:47:13 pm',
  'Day of week': 'Thursday',
  Year: '2023',
  Month: 'December',
  'Day of month': '28',
  Hour: '15',
  Minute: '47',
  Second: '13',
  Timezone: 'Europe/Berlin (UTC+01:00)',
};

function describe(parameters, typeVersion = 1.3) {
  const r = runTask({ node: { name: 'd', type: 'weft.describe', parameters: { nodes: [{ name: 'Schedule', type: TYPE, typeVersion, parameters }] } } });
  return r.nodes[0];
}

test('passes the item it is started with on, in every version', () => {
  for (const version of [1, 1.1, 1.2, 1.3]) {
    const r = runNode(TYPE, version, { rule: { interval: [{ field: 'hours', hoursInterval: 3 }] } }, [[{ json: ITEM }]]);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.outputs, [[{ json: ITEM }]]);
  }
});

test('the spec: a trigger with one output and the rule parameter', () => {
  const spec = runTask({ node: { name: 's', type: 'weft.specs' } }).specs.find((s) => s.type === TYPE);
  assert.deepEqual(spec.versions, [1, 1.1, 1.2, 1.3]);
  assert.equal(spec.trigger, true);
  assert.equal(spec.inputs, 0);
  assert.equal(spec.outputs, 1);
  assert.deepEqual(spec.parameters.map((p) => [p.name, p.type]), [['rule', 'fixedCollection']]);
  assert.deepEqual(spec.parameters[0].default, { interval: [{ field: 'days' }] });
});

test('describe: a trigger without inputs; valid rules have no problems', () => {
  const d = describe({
    rule: {
      interval: [
        { field: 'seconds', secondsInterval: 59 }, { field: 'minutes' }, { field: 'hours', hoursInterval: 23 },
        { field: 'days', daysInterval: 31 }, { field: 'weeks', weeksInterval: 7, triggerAtDay: [1, 5] },
        { field: 'months', monthsInterval: 18 }, { field: 'cronExpression', expression: '0 15 * 1 sun' }, {},
      ],
    },
  });
  assert.deepEqual(d, { name: 'Schedule', known: true, inputs: 0, outputs: 1 });
  assert.equal(describe({}).problems, undefined);
  assert.equal(describe({ rule: '={{ $json.rule }}' }).problems, undefined);
});

test('describe: n8n\'s interval checks from version 1.3, and unknown rule kinds', () => {
  const params = {
    rule: {
      interval: [
        { field: 'seconds', secondsInterval: 90 }, { field: 'minutes', minutesInterval: 0 },
        { field: 'hours', hoursInterval: 24 }, { field: 'days', daysInterval: 32 },
        { field: 'months', monthsInterval: 0 }, { field: 'fortnights' }, 'days',
        { field: 'minutes', minutesInterval: '={{ 90 }}' },
      ],
    },
  };
  assert.deepEqual(describe(params).problems, [
    'rule 1: secondsInterval 90: must be in range 1-59',
    'rule 2: minutesInterval 0: must be in range 1-59',
    'rule 3: hoursInterval 24: must be in range 1-23',
    'rule 4: daysInterval 32: must be in range 1-31',
    'rule 5: monthsInterval 0: must be at least 1',
    'rule 6: field "fortnights": must be one of seconds, minutes, hours, days, weeks, months, cronExpression',
    'rule 7: want an object, got "days"',
  ]);
  assert.deepEqual(describe(params, 1.2).problems, [
    'rule 6: field "fortnights": must be one of seconds, minutes, hours, days, weeks, months, cronExpression',
    'rule 7: want an object, got "days"',
  ]);
  assert.deepEqual(describe({ rule: [] }).problems, ['rule: want an object, got []']);
});
