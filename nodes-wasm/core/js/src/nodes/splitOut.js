import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.splitOut',
  displayName: 'Split Out',
  versions: [1],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Split Out is not implemented yet');
  },
};
