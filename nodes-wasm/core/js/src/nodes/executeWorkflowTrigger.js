import { NodeOperationError } from '../errors.js';

export default {
  type: 'n8n-nodes-base.executeWorkflowTrigger',
  displayName: 'Execute Workflow Trigger',
  versions: [1, 1.1],
  inputs: 1,
  outputs: 1,
  parameters: [],
  run() {
    throw new NodeOperationError('Execute Workflow Trigger is not implemented yet');
  },
};
