import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.summarize',
  displayName: 'Summarize',
  versions: [1, 1.1],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Summarize is not implemented yet');
  },
};
