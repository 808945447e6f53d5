import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.crypto',
  displayName: 'Crypto',
  versions: [1],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Crypto is not implemented yet');
  },
};
