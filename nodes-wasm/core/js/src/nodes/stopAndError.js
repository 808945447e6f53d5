import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.stopAndError',
  displayName: 'Stop and Error',
  versions: [1],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Stop and Error is not implemented yet');
  },
};
