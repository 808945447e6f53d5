// Limit (version 1): keeps at most maxItems items, from the start or the end.
export default {
  type: 'n8n-nodes-base.limit',
  displayName: 'Limit',
  description: 'Restrict the number of items',
  group: ['transform'],
  versions: [1],
  inputs: 1,
  outputs: 1,
  itemsUnchanged: true,
  parameters: [
    { name: 'maxItems', type: 'number', default: 1, description: 'If there are more items than this number, some are removed' },
    {
      name: 'keep', type: 'options', default: 'firstItems', options: ['firstItems', 'lastItems'],
      description: 'When removing items, whether to keep the ones at the start or the ending',
    },
  ],
  run(ctx) {
    const items = ctx.getInputData();
    const maxItems = ctx.getNodeParameter('maxItems', 0);
    const keep = ctx.getNodeParameter('keep', 0);
    if (maxItems > items.length) return [items];
    if (keep === 'firstItems') return [items.slice(0, maxItems)];
    return [items.slice(items.length - maxItems, items.length)];
  },
};
