export default {
  type: 'n8n-nodes-base.noOp',
  displayName: 'No Operation, do nothing',
  description: 'Passes its input through unchanged.',
  versions: [1],
  inputs: 1,
  outputs: 1,
  itemsUnchanged: true,
  parameters: [],
  run(ctx) {
    return [ctx.getInputData()];
  },
};
