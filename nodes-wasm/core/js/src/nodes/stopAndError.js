// Stop and Error (version 1): fails the node, and so the execution, with a
// message or an error object.
import { NodeOperationError } from '../errors.js';
import { parseJSON } from './lib/values.js';

function nonEmptyString(v) {
  return typeof v === 'string' && v.length > 0;
}

export default {
  type: 'n8n-nodes-base.stopAndError',
  displayName: 'Stop and Error',
  description: 'Throw an error in the workflow',
  group: ['input'],
  versions: [1],
  inputs: 1,
  // n8n gives the node no outputs; one keeps workflows that connect it valid.
  outputs: 1,
  parameters: [
    { name: 'errorType', type: 'options', default: 'errorMessage', options: ['errorMessage', 'errorObject'], description: 'Type of error to throw' },
    { name: 'errorMessage', type: 'string', default: '', description: 'With errorType "errorMessage": the message' },
    {
      name: 'errorObject', type: 'json', default: '',
      description: 'With errorType "errorObject": a JSON object; its message, description or error field becomes the message',
    },
  ],
  run(ctx) {
    const errorType = ctx.getNodeParameter('errorType', 0);
    if (errorType === 'errorMessage') {
      const message = ctx.getNodeParameter('errorMessage', 0);
      throw new NodeOperationError(typeof message === 'string' ? message : JSON.stringify(message));
    }
    const raw = ctx.getNodeParameter('errorObject', 0);
    const obj = typeof raw === 'string' ? parseJSON(raw) : raw;
    const error = obj !== null && typeof obj === 'object' ? obj : {};
    const message = (nonEmptyString(error.message) ? error.message : '')
      || (nonEmptyString(error.description) ? error.description : '')
      || (nonEmptyString(error.error) ? error.error : '')
      || `Error: ${JSON.stringify(obj)}`;
    throw new NodeOperationError(message, { description: nonEmptyString(error.description) ? error.description : undefined });
  },
};
