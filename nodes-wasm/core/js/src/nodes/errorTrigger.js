// Error Trigger (version 1): where an error workflow starts. When a
// workflow whose settings name this one as its error workflow fails, the
// control plane starts this workflow with one item describing the failure:
// {execution: {id, url, error, lastNodeExecuted, mode, retryOf?},
// workflow: {id, name}}.
export default {
  type: 'n8n-nodes-base.errorTrigger',
  displayName: 'Error Trigger',
  description: 'Starts the workflow when another workflow that names it as its error workflow fails.',
  versions: [1],
  trigger: true,
  outputs: 1,
  parameters: [],
  run(ctx) {
    return [ctx.getInputData()];
  },
};
