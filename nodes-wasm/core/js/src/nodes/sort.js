// Sort (version 1): orders items by fields (strings compare case-
// insensitively), randomly, or with a user comparison function.
import { NodeOperationError } from '../errors.js';
import { get } from './lib/paths.js';
import { deepEqual } from './lib/values.js';
import { lt } from './lib/lodash.js';
import { sort as v8sort } from './lib/timsort.js';

function sortSimple(ctx, items) {
  const noDots = !!ctx.getNodeParameter('options.disableDotNotation', 0, false);
  const ui = ctx.getNodeParameter('sortFieldsUi', 0) || {};
  const fields = ui.sortField;
  if (!fields || !fields.length) {
    throw new NodeOperationError('No sorting specified. Please add a field to sort by');
  }
  const read = noDots ? (json, name) => json[name] : (json, name) => get(json, name);
  for (const { fieldName } of fields) {
    let found = false;
    for (const item of items) {
      if (noDots ? Object.prototype.hasOwnProperty.call(item.json, fieldName) : read(item.json, fieldName) !== undefined) {
        found = true;
        break;
      }
    }
    if (!found) {
      const description = noDots && String(fieldName).indexOf('.') >= 0
        ? "If you're trying to use a nested field, make sure you turn off 'disable dot notation' in the node options"
        : undefined;
      throw new NodeOperationError(`Couldn't find the field '${fieldName}' in the input data`, { description });
    }
  }
  const keys = fields.map((f) => ({ name: f.fieldName, dir: (f.order || 'ascending') === 'ascending' ? 1 : -1 }));
  const value = (json, name) => {
    const v = read(json, name);
    return typeof v === 'string' ? v.toLowerCase() : v;
  };
  // Read each item's sort values once.
  const rows = items.map((item, index) => ({ item, index, values: keys.map((k) => value(item.json, k.name)) }));
  v8sort(rows, (a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const va = a.values[k];
      const vb = b.values[k];
      if (!deepEqual(va, vb)) return lt(va, vb) ? -keys[k].dir : keys[k].dir;
    }
    return 0;
  });
  return rows.map((r) => r.item);
}

function shuffle(list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = list[i];
    list[i] = list[j];
    list[j] = t;
  }
  return list;
}

function sortByCode(ctx, items) {
  const code = String(ctx.getNodeParameter('code', 0) ?? '');
  if (!/\breturn\b/.test(code)) {
    throw new NodeOperationError("Sort code doesn't return. Please add a 'return' statement to your code");
  }
  // The user's comparison may change items: sort copies so the output never
  // passes for the unchanged input items.
  const list = items.map((it) => Object.assign({}, it));
  let compare;
  try {
    compare = (0, eval)(`(function(items){return function(a, b){${code}\n}})`)(list);
  } catch (err) {
    throw new NodeOperationError(err && err.message ? err.message : String(err));
  }
  return v8sort(list, compare);
}

export default {
  type: 'n8n-nodes-base.sort',
  displayName: 'Sort',
  description: 'Change items order',
  group: ['transform'],
  versions: [1],
  inputs: 1,
  outputs: 1,
  itemsUnchanged: true,
  parameters: [
    { name: 'type', type: 'options', default: 'simple', options: ['simple', 'random', 'code'], description: 'How to sort: by fields, randomly, or with code' },
    {
      name: 'sortFieldsUi', type: 'fixedCollection', default: {},
      description: 'sortField[]: {fieldName, order (ascending or descending)}',
    },
    {
      name: 'code', type: 'string', default: '',
      description: 'With type "code": the body of a comparison function of a and b (items) returning -1, 0 or 1',
    },
    { name: 'options', type: 'collection', default: {}, options: ['disableDotNotation'], description: 'disableDotNotation (boolean)' },
  ],
  run(ctx) {
    const items = ctx.getInputData().slice();
    const type = ctx.getNodeParameter('type', 0);
    if (type === 'random') return [shuffle(items)];
    if (type === 'simple') return [sortSimple(ctx, items)];
    return [sortByCode(ctx, items)];
  },
};
