// Filter (version 2.x): keeps the items whose conditions hold. Like n8n it
// returns the discarded items as a second list, which shows in run data but
// is not a connectable output.
import { splitItems, conditionParameters, prepareFilter } from './lib/filterNode.js';

export default {
  type: 'n8n-nodes-base.filter',
  displayName: 'Filter',
  description: 'Remove items matching a condition',
  group: ['transform'],
  versions: [2, 2.1, 2.2, 2.3],
  inputs: 1,
  outputs: 1,
  outputNames: ['Kept', 'Discarded'],
  // Items are routed, never modified: outputs may reference input items.
  itemsUnchanged: true,
  parameters: conditionParameters,
  prepare: prepareFilter,
  run(ctx) {
    return splitItems(ctx);
  },
};
