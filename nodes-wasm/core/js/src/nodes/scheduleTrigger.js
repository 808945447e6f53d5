// Schedule Trigger (versions 1 to 1.3): starts the workflow on the schedule
// its rules define. The control plane computes the firings and builds the
// item n8n outputs (timestamp, "Readable date", …) with package
// control-plane/schedule; the node passes that item on. validate checks
// what n8n checks before activating: the kind of each rule and, from
// version 1.3, the ranges of the intervals.

const FIELDS = ['seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'cronExpression'];

// n8n's validateInterval (version 1.3): the parameter, its largest value.
const RANGES = {
  seconds: ['secondsInterval', 59],
  minutes: ['minutesInterval', 59],
  hours: ['hoursInterval', 23],
  days: ['daysInterval', 31],
  months: ['monthsInterval', Infinity],
};

function isExpression(v) {
  return typeof v === 'string' && v.startsWith('=');
}

function validate(params, typeVersion) {
  const rule = params.rule;
  if (rule === undefined || isExpression(rule) || rule === null || typeof rule !== 'object') return [];
  const intervals = rule.interval;
  if (!Array.isArray(intervals)) return [];
  const problems = [];
  intervals.forEach((interval, i) => {
    if (interval === null || typeof interval !== 'object' || Array.isArray(interval)) {
      problems.push(`rule ${i + 1}: want an object, got ${JSON.stringify(interval)}`);
      return;
    }
    const field = interval.field === undefined ? 'days' : interval.field;
    if (!FIELDS.includes(field)) {
      problems.push(`rule ${i + 1}: field ${JSON.stringify(field)}: must be one of ${FIELDS.join(', ')}`);
      return;
    }
    const range = RANGES[field];
    if (typeVersion < 1.3 || !range) return;
    const [name, max] = range;
    const n = interval[name];
    if (typeof n === 'number' && (n < 1 || n > max)) {
      const bounds = max === Infinity ? 'must be at least 1' : `must be in range 1-${max}`;
      problems.push(`rule ${i + 1}: ${name} ${n}: ${bounds}`);
    }
  });
  return problems;
}

export default {
  type: 'n8n-nodes-base.scheduleTrigger',
  displayName: 'Schedule Trigger',
  description: 'Triggers the workflow on a given schedule',
  group: ['trigger', 'schedule'],
  versions: [1, 1.1, 1.2, 1.3],
  trigger: true,
  outputs: 1,
  itemsUnchanged: true,
  parameters: [
    {
      name: 'rule', type: 'fixedCollection', default: { interval: [{ field: 'days' }] },
      description: 'interval[]: the trigger rules; the workflow runs whenever any rule fires, in the workflow\'s timezone. '
        + 'Each rule has a field, seconds, minutes, hours, days, weeks, months or cronExpression, and its own parameters: '
        + 'secondsInterval (30), minutesInterval (5), hoursInterval (1) and triggerAtMinute (0), '
        + 'daysInterval (1), triggerAtHour (0) and triggerAtMinute, '
        + 'weeksInterval (1), triggerAtDay (weekdays, 0 Sunday … 6 Saturday; [0]), triggerAtHour and triggerAtMinute, '
        + 'monthsInterval (1), triggerAtDayOfMonth (1), triggerAtHour and triggerAtMinute, '
        + 'or expression (a cron expression, 5 fields or 6 with seconds first). '
        + 'Version 1.3 checks the intervals: seconds and minutes 1-59, hours 1-23, days 1-31',
    },
  ],
  validate,
  // The control plane starts the execution with the item the trigger
  // outputs at that instant; a run by hand passes its input on.
  run(ctx) {
    return [ctx.getInputData()];
  },
};
