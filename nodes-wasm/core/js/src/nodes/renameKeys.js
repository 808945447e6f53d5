import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.renameKeys',
  displayName: 'Rename Keys',
  versions: [1],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Rename Keys is not implemented yet');
  },
};
