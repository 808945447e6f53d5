// Wait (versions 1, 1.1): waits for a time interval, until a date, or until
// a call to the execution's waiting webhook (/webhook-waiting/{execution
// id}, with an optional time limit), then passes its input on (a webhook
// call's data replaces it). The node asks the host to wait (ctx.wait);
// resuming on a form submission is not supported.
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
      description: 'When to continue: after a time interval, at a date and time, or on a webhook call (form is not supported)',
    },
    { name: 'httpMethod', type: 'options', default: 'GET', options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], description: 'resume "webhook": the method the waiting webhook accepts' },
    { name: 'limitWaitTime', type: 'boolean', default: false, description: 'resume "webhook": continue anyway after a time limit' },
    { name: 'limitType', type: 'options', default: 'afterTimeInterval', options: ['afterTimeInterval', 'atSpecifiedTime'], description: 'resume "webhook" with limitWaitTime: the kind of limit' },
    { name: 'resumeAmount', type: 'number', default: 1, description: 'limitType "afterTimeInterval": the time to wait at most' },
    { name: 'resumeUnit', type: 'options', default: 'hours', options: UNITS, description: 'limitType "afterTimeInterval": the unit of resumeAmount' },
    { name: 'maxDateAndTime', type: 'dateTime', default: '', description: 'limitType "atSpecifiedTime": the date and time to wait until at most' },
    { name: 'amount', type: 'number', description: 'resume "timeInterval": the time to wait (default 1 in version 1, 5 in 1.1)' },
    {
      name: 'unit', type: 'options', options: UNITS,
      description: 'resume "timeInterval": the unit of the amount (default hours in version 1, seconds in 1.1)',
    },
    { name: 'dateTime', type: 'dateTime', default: '', description: 'resume "specificTime": the date and time to wait for' },
    {
      name: 'responseMode', type: 'options', default: 'onReceived', options: ['onReceived', 'lastNode', 'responseNode'],
      description: 'resume "webhook": how the resuming call is answered, as a Webhook node answers: at once, with the data of the last node that ran, or by a Respond to Webhook node',
    },
    { name: 'responseCode', type: 'number', default: 200, description: 'resume "webhook": the HTTP code of the answer' },
    {
      name: 'responseData', type: 'options', default: 'firstEntryJson', options: ['allEntries', 'firstEntryJson', 'firstEntryBinary', 'noData'],
      description: 'responseMode "lastNode": what the answer holds',
    },
    {
      name: 'options',
      type: 'collection',
      default: {},
      options: [
        'binaryData', 'binaryPropertyName', 'ignoreBots', 'ipWhitelist', 'noResponseBody', 'rawBody',
        'responseData', 'responseHeaders', 'responsePropertyName', 'webhookSuffix',
      ],
      description: 'resume "webhook": the resuming call\'s options, as the Webhook node version 1 takes them (webhookSuffix is accepted; the call may add any suffix)',
    },
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
    } else if (resume === 'webhook') {
      ms = null;
      if (ctx.getNodeParameter('limitWaitTime', 0, false)) {
        if (ctx.getNodeParameter('limitType', 0, 'afterTimeInterval') === 'afterTimeInterval') {
          const unit = ctx.getNodeParameter('resumeUnit', 0, 'hours');
          const amount = ctx.getNodeParameter('resumeAmount', 0, 1);
          if (UNITS.indexOf(unit) < 0 || typeof amount !== 'number' || Number.isNaN(amount) || amount < 0) {
            throw new NodeOperationError('Invalid wait time limit. Please enter an amount of 0 or more seconds, minutes, hours or days.');
          }
          ms = amount * FACTOR[unit];
        } else {
          let until;
          try {
            const wf = ctx.context.workflow || {};
            until = tryParseDateTime(ctx.getNodeParameter('maxDateAndTime', 0), wf.timezone).toMillis();
          } catch (e) {
            throw new NodeOperationError('Cannot put execution to wait because `maxDateAndTime` parameter is not a valid date.');
          }
          ms = until - Date.now();
        }
      }
      ctx.wait(ms === null ? null : Math.max(0, Math.round(ms)));
      ctx.requests.wait.webhook = { method: String(ctx.getNodeParameter('httpMethod', 0, 'GET')).toUpperCase() };
      return [ctx.getInputData()];
    } else {
      throw new NodeOperationError(`The Wait node's resume mode '${resume}' is not supported yet`, {
        description: 'A Wait node resumes after a time interval, at a specified time or on a webhook call.',
      });
    }
    ctx.wait(Math.max(0, Math.round(ms)));
    return [ctx.getInputData()];
  },
};
