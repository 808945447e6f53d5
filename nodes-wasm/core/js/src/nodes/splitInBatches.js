// Loop Over Items (Split in Batches, version 3). Output 0 is "done", output
// 1 is "loop". The first run keeps the input items in the node's state and
// emits the first batch on "loop"; every later run (the loop's items coming
// back) records the returned items and emits the next batch. When no items
// are left it emits every recorded item on "done". State lives in the
// node state, which the host keeps for the execution.

function withSourceOverwrite(pairedItem, source) {
  if (typeof pairedItem === 'number') return { item: pairedItem, sourceOverwrite: source };
  return Object.assign({}, pairedItem, { sourceOverwrite: source });
}

export default {
  type: 'n8n-nodes-base.splitInBatches',
  displayName: 'Loop Over Items (Split in Batches)',
  description: 'Split data into batches and iterate over each batch',
  group: ['organization'],
  versions: [3],
  inputs: 1,
  outputs: 2,
  outputNames: ['done', 'loop'],
  itemsUnchanged: true,
  parameters: [
    { name: 'batchSize', type: 'number', default: 1, description: 'The number of items to return with each call' },
    {
      name: 'options', type: 'collection', default: {}, options: ['reset'],
      description: 'reset (boolean): start again from the beginning of the input items, treating them as a new set',
    },
  ],
  run(ctx) {
    const items = ctx.getInputData().slice();
    const batchSize = ctx.getNodeParameter('batchSize', 0);
    const options = ctx.getNodeParameter('options', 0, {}) || {};
    const previous = ctx.getNodeState();
    const sources = ctx.context.source;
    const source = Array.isArray(sources) && sources[0] ? sources[0] : null;
    let state;
    let batch;
    if (!previous || previous.items === undefined || options.reset === true) {
      state = {
        currentRunIndex: 0,
        maxRunIndex: Math.ceil(items.length / batchSize),
        sourceData: source === null ? null : JSON.parse(JSON.stringify(source)),
        items: [],
        processedItems: [],
      };
      batch = items.splice(0, batchSize);
      state.items = items;
    } else {
      state = Object.assign({}, previous);
      state.currentRunIndex = (previous.currentRunIndex || 0) + 1;
      const left = (previous.items || []).slice();
      batch = left.splice(0, batchSize);
      state.items = left;
      const processed = items.map((item, index) => Object.assign({}, item, {
        pairedItem: { sourceOverwrite: source, item: index },
      }));
      state.processedItems = (previous.processedItems || []).concat(processed);
      batch = batch.map((item) => {
        let pairedItem;
        if (item.pairedItem === undefined) pairedItem = { item: 0, sourceOverwrite: state.sourceData };
        else if (Array.isArray(item.pairedItem)) pairedItem = item.pairedItem.map((p) => withSourceOverwrite(p, state.sourceData));
        else pairedItem = withSourceOverwrite(item.pairedItem, state.sourceData);
        return Object.assign({}, item, { pairedItem });
      });
    }
    state.noItemsLeft = state.items.length === 0;
    if (batch.length === 0) {
      state.done = true;
      ctx.setNodeState(state);
      return [state.processedItems, []];
    }
    state.done = false;
    ctx.setNodeState(state);
    return [[], batch];
  },
};
