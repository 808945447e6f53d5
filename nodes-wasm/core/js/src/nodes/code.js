import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.code',
  displayName: 'Code',
  versions: [2],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Code is not implemented yet');
  },
};
