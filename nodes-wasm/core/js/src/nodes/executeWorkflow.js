import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.executeWorkflow',
  displayName: 'Execute Workflow',
  versions: [1, 1.1, 1.2],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Execute Workflow is not implemented yet');
  },
};
