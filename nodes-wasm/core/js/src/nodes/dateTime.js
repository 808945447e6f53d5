import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.dateTime',
  displayName: 'Date & Time',
  versions: [2],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Date & Time is not implemented yet');
  },
};
