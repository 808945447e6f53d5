import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.if',
  displayName: 'If',
  versions: [2, 2.1, 2.2],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('If is not implemented yet');
  },
};
