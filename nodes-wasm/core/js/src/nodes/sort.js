import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.sort',
  displayName: 'Sort',
  versions: [1],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Sort is not implemented yet');
  },
};
