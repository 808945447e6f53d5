import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.switch',
  displayName: 'Switch',
  versions: [3, 3.1, 3.2],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Switch is not implemented yet');
  },
};
