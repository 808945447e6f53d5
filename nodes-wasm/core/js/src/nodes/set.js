import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.set',
  displayName: 'Edit Fields (Set)',
  versions: [3.3, 3.4],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Edit Fields (Set) is not implemented yet');
  },
};
