// Switch (version 3.x): routes each item to the output of the first rule
// whose conditions hold (or of every matching rule), with an optional
// fallback; or, in expression mode, to the output an expression names.
import { NodeOperationError } from '../errors.js';
import { executeFilter, LOOSE_TYPE_HINT } from './lib/conditions.js';
import { param, withPairedItem } from './lib/params.js';

function filterVersion(nodeVersion) {
  if (nodeVersion >= 3.4) return 3;
  if (nodeVersion >= 3.2) return 2;
  return 1;
}

function toCount(v, fallback) {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  return fallback;
}

// outputCount is the number of outputs the parameters configure: one per
// rule plus the extra fallback output, or numberOutputs in expression mode.
function outputCount(params) {
  const p = params || {};
  if (p.mode === 'expression') return toCount(p.numberOutputs, 4);
  const rules = p.rules && Array.isArray(p.rules.values) ? p.rules.values.length : 0;
  const extra = p.options && p.options.fallbackOutput === 'extra' ? 1 : 0;
  return rules + extra;
}

// checkIndex fails unless index names one of length outputs.
function checkIndex(length, index, itemIndex) {
  if (Number(index) === length) {
    throw new NodeOperationError(`The ouput ${index} is not allowed. `, {
      itemIndex,
      description: `Output indexes are zero based, if you want to use the extra output use ${index - 1}`,
    });
  }
  if (index < 0 || index > length) {
    throw new NodeOperationError(`The ouput ${index} is not allowed`, {
      itemIndex,
      description: `It has to be between 0 and ${length - 1}`,
    });
  }
}

function outputIndex(value, itemIndex) {
  if (typeof value === 'number') return value;
  if (value === undefined || value === null) return value;
  const n = Number(value);
  if (typeof value === 'boolean' || (typeof value === 'string' && value.trim() === '') || Number.isNaN(n)) {
    throw new NodeOperationError(`Invalid input for 'Output Index' [item ${itemIndex}]`, {
      itemIndex,
      description: `'Output Index' expects a number but we got '${String(value)}'`,
    });
  }
  return n;
}

function bucket(outputs, index, itemIndex) {
  const list = outputs[index];
  if (!Array.isArray(list)) {
    throw new NodeOperationError(`The ouput ${index} is not allowed`, { itemIndex });
  }
  return list;
}

function emptyOutputs(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push([]);
  return out;
}

export default {
  type: 'n8n-nodes-base.switch',
  displayName: 'Switch',
  description: 'Route items depending on defined expression or rules',
  group: ['transform'],
  versions: [3, 3.1, 3.2, 3.3, 3.4],
  inputs: 1,
  outputs: outputCount,
  // Items are routed, never modified: outputs may reference input items.
  itemsUnchanged: true,
  parameters: [
    { name: 'mode', type: 'options', default: 'rules', options: ['rules', 'expression'], description: 'How data should be routed' },
    { name: 'numberOutputs', type: 'number', default: 4, description: 'How many outputs to create (expression mode)' },
    { name: 'output', type: 'number', default: '={{}}', description: 'The output index to send the item to, starting at 0 (expression mode)' },
    {
      name: 'rules',
      type: 'fixedCollection',
      default: {},
      description: 'rules.values: [{conditions (filter), renameOutput, outputKey}], one output per rule (rules mode)',
    },
    { name: 'looseTypeValidation', type: 'boolean', default: false, description: 'Whether to convert values to the type a comparison needs (from version 3.1)' },
    {
      name: 'options',
      type: 'collection',
      default: {},
      options: ['fallbackOutput', 'ignoreCase', 'looseTypeValidation', 'renameFallbackOutput', 'allMatchingOutputs'],
      description: "fallbackOutput: 'none', 'extra' or an output index for items no rule matches; allMatchingOutputs: send to every matching output",
    },
  ],
  run(ctx) {
    const items = ctx.getInputData();
    const version = ctx.node.typeVersion;
    const mode = ctx.getNodeParameter('mode', 0, 'rules');
    let outputs = [];
    if (mode === 'expression') {
      const numberOutputs = param(ctx, 'numberOutputs', 4);
      // n8n's default for the output index is an empty expression: undefined.
      const output = ctx.getRawParameter('output') === undefined ? () => undefined : param(ctx, 'output', undefined);
      for (let i = 0; i < items.length; i++) {
        const item = withPairedItem(items[i], i);
        try {
          if (i === 0) outputs = emptyOutputs(toCount(numberOutputs(i), 0));
          const index = outputIndex(output(i), i);
          checkIndex(outputs.length, index, i);
          bucket(outputs, index, i).push(item);
        } catch (err) {
          if (!ctx.continueOnFail()) throw err;
          if (outputs.length === 0) outputs.push([]);
          outputs[0].push({ json: { error: err.message }, pairedItem: { item: i } });
        }
      }
    } else if (mode === 'rules') {
      const rulesParam = param(ctx, 'rules.values', []);
      const optionsParam = param(ctx, 'options', {});
      const looseParam = version >= 3.1 ? param(ctx, 'looseTypeValidation', false) : null;
      const fv = filterVersion(version);
      for (let i = 0; i < items.length; i++) {
        const item = withPairedItem(items[i], i);
        let loose = false;
        try {
          const rules = rulesParam(i) || [];
          if (!rules.length) continue;
          const options = optionsParam(i) || {};
          const fallback = options.fallbackOutput;
          if (i === 0) {
            outputs = emptyOutputs(rules.length);
            if (fallback === 'extra') outputs.push([]);
          }
          loose = !!(looseParam ? looseParam(i) : options.looseTypeValidation);
          const nodeOptions = { ignoreCase: options.ignoreCase, loose, version: fv };
          let matched = false;
          for (let r = 0; r < rules.length; r++) {
            const rule = rules[r] || {};
            if (!executeFilter(rule.conditions, i, nodeOptions)) continue;
            matched = true;
            bucket(outputs, r, i).push(item);
            if (!options.allMatchingOutputs) break;
          }
          if (!matched && fallback !== undefined && fallback !== 'none') {
            if (fallback === 'extra') {
              outputs[outputs.length - 1].push(item);
            } else {
              checkIndex(outputs.length, fallback, i);
              bucket(outputs, fallback, i).push(item);
            }
          }
        } catch (err) {
          if (ctx.continueOnFail()) {
            if (outputs.length === 0) outputs.push([]);
            outputs[0].push({ json: { error: err.message }, pairedItem: { item: i } });
            continue;
          }
          if (err && typeof err === 'object') {
            if (!loose && !err.description) err.description = LOOSE_TYPE_HINT;
            if (err.itemIndex === undefined) err.itemIndex = i;
          }
          throw err;
        }
      }
    }
    if (!outputs.length) return [[]];
    return outputs;
  },
};
