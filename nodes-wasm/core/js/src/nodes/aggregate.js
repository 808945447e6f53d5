import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.aggregate',
  displayName: 'Aggregate',
  versions: [1],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Aggregate is not implemented yet');
  },
};
