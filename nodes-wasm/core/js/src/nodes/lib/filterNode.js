// The item loop the If and Filter nodes share: each item's conditions,
// resolved for that item, send it to the "true" (kept) or "false"
// (discarded) list.
import { executeFilter, LOOSE_TYPE_HINT } from './conditions.js';
import { param, withPairedItem } from './params.js';

// filterVersion is the filter options version the editor records for the
// node version (used when a workflow does not record it).
function filterVersion(nodeVersion) {
  if (nodeVersion >= 2.3) return 3;
  if (nodeVersion >= 2.2) return 2;
  return 1;
}

// splitItems returns [passing, failing] for the node's input items.
export function splitItems(ctx) {
  const items = ctx.getInputData();
  const version = ctx.node.typeVersion;
  // executeFilter reads the conditions by name
  const conditions = param(ctx, 'conditions', {}, true);
  const options = param(ctx, 'options', {});
  const looseParam = version >= 2.1 ? param(ctx, 'looseTypeValidation', false) : null;
  const pass = [];
  const fail = [];
  const fv = filterVersion(version);
  for (let i = 0; i < items.length; i++) {
    const item = withPairedItem(items[i], i);
    let loose = false;
    try {
      const opts = options(i) || {};
      loose = !!(looseParam ? looseParam(i) : opts.looseTypeValidation);
      const ok = executeFilter(conditions(i), i, { ignoreCase: opts.ignoreCase, loose, version: fv });
      (ok ? pass : fail).push(item);
    } catch (err) {
      if (ctx.continueOnFail()) {
        fail.push(item);
        continue;
      }
      if (err && typeof err === 'object') {
        if (!loose && !err.description) err.description = LOOSE_TYPE_HINT;
        if (err.itemIndex === undefined) err.itemIndex = i;
      }
      throw err;
    }
  }
  return [pass, fail];
}

// conditionParameters are the parameters the If and Filter nodes share.
export const conditionParameters = [
  {
    name: 'conditions',
    type: 'filter',
    default: {},
    description: 'Conditions ({conditions, combinator, options}) tested for each item',
  },
  {
    name: 'looseTypeValidation',
    type: 'boolean',
    default: false,
    description: 'Whether to convert values to the type a comparison needs instead of failing (from version 2.1)',
  },
  {
    name: 'options',
    type: 'collection',
    default: {},
    options: ['ignoreCase', 'looseTypeValidation'],
    description: 'ignoreCase: compare strings regardless of case; looseTypeValidation: before version 2.1',
  },
];
