import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.removeDuplicates',
  displayName: 'Remove Duplicates',
  versions: [1, 1.1, 2],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Remove Duplicates is not implemented yet');
  },
};
