import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.limit',
  displayName: 'Limit',
  versions: [1],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Limit is not implemented yet');
  },
};
