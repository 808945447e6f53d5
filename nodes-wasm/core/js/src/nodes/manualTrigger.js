export default {
  type: 'n8n-nodes-base.manualTrigger',
  displayName: 'Manual Trigger',
  description: 'Starts the workflow when it is run by hand (weft run, the API\'s run endpoint).',
  versions: [1],
  trigger: true,
  outputs: 1,
  parameters: [],
  run(ctx) {
    const items = ctx.getInputData();
    return [items.length ? items : [{ json: {} }]];
  },
};
