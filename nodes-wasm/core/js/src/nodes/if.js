// If (version 2.x): routes each item to output 0 ("true") when its
// conditions hold and to output 1 ("false") otherwise.
import { splitItems, conditionParameters, prepareFilter } from './lib/filterNode.js';

export default {
  type: 'n8n-nodes-base.if',
  displayName: 'If',
  description: 'Route items to different branches (true/false)',
  group: ['transform'],
  versions: [2, 2.1, 2.2, 2.3],
  inputs: 1,
  outputs: 2,
  outputNames: ['true', 'false'],
  // Items are routed, never modified: outputs may reference input items.
  itemsUnchanged: true,
  parameters: conditionParameters,
  prepare: prepareFilter,
  run(ctx) {
    return splitItems(ctx);
  },
};
