import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.filter',
  displayName: 'Filter',
  versions: [2, 2.1, 2.2],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Filter is not implemented yet');
  },
};
