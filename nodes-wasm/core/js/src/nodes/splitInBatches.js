import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.splitInBatches',
  displayName: 'Loop Over Items (Split in Batches)',
  versions: [3],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Loop Over Items (Split in Batches) is not implemented yet');
  },
};
