// The item loop the If and Filter nodes share: each item's conditions,
// resolved for that item, send it to the "true" (kept) or "false"
// (discarded) list.
import { executeFilter, executePlan, planFilter, LOOSE_TYPE_HINT } from './conditions.js';
import { param, withPairedItem } from './params.js';
import { PLANS } from '../../context.js';

// filterVersion is the filter options version the editor records for the
// node version (used when a workflow does not record it).
function filterVersion(nodeVersion) {
  if (nodeVersion >= 2.3) return 3;
  if (nodeVersion >= 2.2) return 2;
  return 1;
}

// SETUP keys, among a prepared node's parameter plans, the options
// executeFilter gets, when no expression makes them differ between items
// (prepareFilter).
const SETUP = Symbol('filterSetup');

// FILTER keys, among a prepared node's parameter plans, what executeFilter
// does with its conditions for every item (planFilter), when the options
// are the same for every item and only the conditions' values hold
// expressions; null otherwise.
const FILTER = Symbol('filterPlan');

// prepareFilter is the If and Filter nodes' prepare: it works out the
// options executeFilter gets once, when the parameters they come from
// hold no expression.
export function prepareFilter(params, version) {
  const plans = params[PLANS];
  if (plans === undefined) return;
  const options = plans.options;
  const loose = version >= 2.1 ? plans.looseTypeValidation : null;
  if (options === undefined || options.build !== null || loose === undefined || (loose !== null && loose.build !== null)) {
    plans[SETUP] = null;
    plans[FILTER] = null;
    return;
  }
  const o = options.value || {};
  const setup = { ignoreCase: o.ignoreCase, loose: !!(loose !== null ? loose.value : o.looseTypeValidation), version: filterVersion(version) };
  plans[SETUP] = setup;
  const conditions = plans.conditions;
  plans[FILTER] = conditions !== undefined ? planFilter(conditions.value, setup) : null;
}

// splitItems returns [passing, failing] for the node's input items.
export function splitItems(ctx) {
  const items = ctx.getInputData();
  const version = ctx.node.typeVersion;
  // executeFilter reads the conditions by name
  const setup = ctx.plans !== undefined ? ctx.plans[SETUP] : undefined;
  const ready = setup !== undefined && setup !== null;
  const plan = ready ? ctx.plans[FILTER] || null : null;
  // the resolver, made only when a planned condition evaluates an expression
  const resolver = plan !== null && plan.evals.length > 0 ? ctx.resolver : null;
  const conditions = plan === null ? param(ctx, 'conditions', {}, true) : null;
  const options = ready ? null : param(ctx, 'options', {});
  const looseParam = !ready && version >= 2.1 ? param(ctx, 'looseTypeValidation', false) : null;
  const pass = [];
  const fail = [];
  const fv = filterVersion(version);
  for (let i = 0; i < items.length; i++) {
    const item = withPairedItem(items[i], i);
    let loose = false;
    try {
      let nodeOptions = setup;
      if (ready) loose = setup.loose;
      else {
        const opts = options(i) || {};
        loose = !!(looseParam ? looseParam(i) : opts.looseTypeValidation);
        nodeOptions = { ignoreCase: opts.ignoreCase, loose, version: fv };
      }
      const ok = plan !== null ? executePlan(plan, resolver, i) : executeFilter(conditions(i), i, nodeOptions);
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
