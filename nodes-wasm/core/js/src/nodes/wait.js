// Wait (versions 1, 1.1): waits for a time interval or until a date, then
// passes its input on. The node asks the host to wait (ctx.wait); resuming
// on a webhook call or a form submission is not supported.
import { NodeOperationError } from '../errors.js';
import { tryParseDateTime } from './lib/dates.js';

const UNITS = ['seconds', 'minutes', 'hours', 'days'];
const FACTOR = { seconds: 1000, minutes: 60000, hours: 3600000, days: 86400000 };

export default {
  type: 'n8n-nodes-base.wait',
  displayName: 'Wait',
  description: 'Wait before continue with execution',
  group: ['organization'],
  versions: [1, 1.1],
  inputs: 1,
  outputs: 1,
  itemsUnchanged: true,
  parameters: [
    {
      name: 'resume', type: 'options', default: 'timeInterval',
      options: ['timeInterval', 'specificTime', 'webhook', 'form'],
      description: 'When to continue: after a time interval or at a date and time (webhook and form are not supported)',
    },
    { name: 'amount', type: 'number', description: 'resume "timeInterval": the time to wait (default 1 in version 1, 5 in 1.1)' },
    {
      name: 'unit', type: 'options', options: UNITS,
      description: 'resume "timeInterval": the unit of the amount (default hours in version 1, seconds in 1.1)',
    },
    { name: 'dateTime', type: 'dateTime', default: '', description: 'resume "specificTime": the date and time to wait for' },
  ],
  run(ctx) {
    const resume = ctx.getNodeParameter('resume', 0);
    const v1 = ctx.node.typeVersion === 1;
    let ms;
    if (resume === 'timeInterval') {
      const unit = ctx.getRawParameter('unit') === undefined ? (v1 ? 'hours' : 'seconds') : ctx.getNodeParameter('unit', 0);
      if (UNITS.indexOf(unit) < 0) {
        throw new NodeOperationError("Invalid wait unit. Valid units are 'seconds', 'minutes', 'hours', or 'days'.");
      }
      const amount = ctx.getRawParameter('amount') === undefined ? (v1 ? 1 : 5) : ctx.getNodeParameter('amount', 0);
      if (typeof amount !== 'number' || Number.isNaN(amount) || amount < 0) {
        throw new NodeOperationError('Invalid wait amount. Please enter a number that is 0 or greater.');
      }
      ms = amount * FACTOR[unit];
    } else if (resume === 'specificTime') {
      let until;
      try {
        const wf = ctx.context.workflow || {};
        until = tryParseDateTime(ctx.getNodeParameter('dateTime', 0), wf.timezone).toMillis();
      } catch (e) {
        throw new NodeOperationError('Cannot put execution to wait because `dateTime` parameter is not a valid date. Please pick a specific date and time to wait until.');
      }
      ms = until - Date.now();
    } else {
      throw new NodeOperationError(`The Wait node's resume mode '${resume}' is not supported yet`, {
        description: 'Only "After Time Interval" and "At Specified Time" can resume an execution in this engine.',
      });
    }
    ctx.wait(Math.max(0, Math.round(ms)));
    return [ctx.getInputData()];
  },
};
