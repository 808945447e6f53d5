// Remove Duplicates (versions 1, 1.1, 2): drops input items whose compared
// fields equal those of an earlier item. The version 2 operations that
// remember items across executions need a database and are not supported.
import { NodeOperationError } from '../errors.js';
import { get } from './lib/paths.js';
import { deepEqual } from './lib/values.js';
import { lt, flattenKeys } from './lib/lodash.js';
import { sort as v8sort } from './lib/timsort.js';

function fieldList(value, label) {
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (Array.isArray(value)) return value;
  throw new NodeOperationError(`The '${label}' parameter must be a string of fields separated by commas or an array of strings.`);
}

function validateInputData(version, rows, keys, noDots) {
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    let type;
    for (let i = 0; i < rows.length; i++) {
      if (key === '') throw new NodeOperationError('Name of field to compare is blank');
      const value = rows[i].values[k];
      if (value === null && version > 1) continue;
      if (value === undefined) {
        const description = noDots && key.indexOf('.') >= 0
          ? "If you're trying to use a nested field, make sure you turn off 'disable dot notation' in the node options"
          : undefined;
        throw new NodeOperationError(`'${key}' field is missing from some input items`, { description });
      }
      if (type !== undefined && type !== typeof value) {
        const detail = version > 1 ? `, in item [${i - 1}] it's a ${type} and in item [${i}] it's a ${typeof value} ` : '';
        throw new NodeOperationError(`'${key}' isn't always the same type`, {
          description: `The type of this field varies between items${detail}`,
        });
      }
      type = typeof value;
    }
  }
}

function pick(json, keys) {
  const out = {};
  for (const key of keys) {
    const v = get(json, key);
    if (v === undefined && !(key in json)) continue;
    // lodash pick writes nested paths back as nested objects
    if (key.indexOf('.') >= 0 && !(key in json)) {
      const parts = key.split('.');
      let cur = out;
      for (let i = 0; i < parts.length - 1; i++) {
        if (cur[parts[i]] === null || typeof cur[parts[i]] !== 'object') cur[parts[i]] = {};
        cur = cur[parts[i]];
      }
      cur[parts[parts.length - 1]] = v;
    } else {
      out[key] = v;
    }
  }
  return out;
}

function removeDuplicateInputItems(ctx, items) {
  if (!items.length) return [[]];
  const version = ctx.node.typeVersion;
  const compare = ctx.getNodeParameter('compare', 0);
  const noDots = !!ctx.getNodeParameter('options.disableDotNotation', 0, false);
  const removeOtherFields = !!ctx.getNodeParameter('options.removeOtherFields', 0, false);
  const keysOf = (json) => Object.keys(noDots ? json : flattenKeys(json));
  let keys = keysOf(items[0].json);
  const seen = new Set(keys);
  for (const item of items) {
    for (const key of keysOf(item.json)) {
      if (!seen.has(key)) {
        seen.add(key);
        keys.push(key);
      }
    }
  }
  if (compare === 'allFieldsExcept') {
    const exclude = fieldList(ctx.getNodeParameter('fieldsToExclude', 0, ''), 'Fields To Exclude');
    if (!exclude.length) {
      throw new NodeOperationError('No fields specified. Please add a field to exclude from comparison');
    }
    if (!noDots) keys = Object.keys(flattenKeys(items[0].json));
    keys = keys.filter((key) => exclude.indexOf(key) < 0);
  }
  if (compare === 'selectedFields') {
    const selected = fieldList(ctx.getNodeParameter('fieldsToCompare', 0, ''), 'Fields To Compare');
    if (!selected.length) {
      throw new NodeOperationError('No fields specified. Please add a field to compare on');
    }
    keys = selected.map((key) => String(key).trim());
  }
  const read = noDots ? (json, key) => json[key] : (json, key) => get(json, key);
  const rows = items.map((item, index) => ({ index, values: keys.map((key) => read(item.json, key)) }));
  v8sort(rows, (a, b) => {
    for (let k = 0; k < keys.length; k++) {
      if (!deepEqual(a.values[k], b.values[k])) return lt(a.values[k], b.values[k]) ? -1 : 1;
    }
    return 0;
  });
  validateInputData(version, rows, keys, noDots);
  const removed = new Set();
  let kept = rows[0];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    let same = true;
    for (let k = 0; k < keys.length; k++) {
      if (!deepEqual(row.values[k], kept.values[k])) {
        same = false;
        break;
      }
    }
    if (same) removed.add(row.index);
    else kept = row;
  }
  let out = items.filter((_, index) => !removed.has(index));
  if (removeOtherFields) {
    out = out.map((item, index) => ({ json: noDots ? pickFlat(item.json, keys) : pick(item.json, keys), pairedItem: { item: index } }));
  }
  return [out];
}

function pickFlat(json, keys) {
  const out = {};
  for (const key of keys) if (key in json) out[key] = json[key];
  return out;
}

export default {
  type: 'n8n-nodes-base.removeDuplicates',
  displayName: 'Remove Duplicates',
  description: 'Delete items with matching field values',
  group: ['transform'],
  versions: [1, 1.1, 2],
  inputs: 1,
  outputs: 1,
  itemsUnchanged: true,
  parameters: [
    {
      name: 'operation', type: 'options', default: 'removeDuplicateInputItems',
      options: ['removeDuplicateInputItems', 'removeItemsSeenInPreviousExecutions', 'clearDeduplicationHistory'],
      description: 'Version 2: only removeDuplicateInputItems is supported',
    },
    {
      name: 'compare', type: 'options', default: 'allFields',
      options: ['allFields', 'allFieldsExcept', 'selectedFields'],
      description: 'The fields of the input items to compare to see if they are the same',
    },
    { name: 'fieldsToExclude', type: 'string', default: '', description: 'With compare "allFieldsExcept": fields to leave out, separated by commas' },
    { name: 'fieldsToCompare', type: 'string', default: '', description: 'With compare "selectedFields": fields to compare, separated by commas' },
    {
      name: 'options', type: 'collection', default: {}, options: ['disableDotNotation', 'removeOtherFields'],
      description: 'disableDotNotation (boolean), removeOtherFields (keep only the compared fields)',
    },
  ],
  run(ctx) {
    const items = ctx.getInputData();
    if (ctx.node.typeVersion >= 2) {
      const operation = ctx.getNodeParameter('operation', 0);
      if (operation !== 'removeDuplicateInputItems') {
        throw new NodeOperationError(`The Remove Duplicates operation '${operation}' is not supported`, {
          description: 'It keeps a history of items across executions, which this engine does not store yet. Use "Remove Items Repeated Within Current Input".',
        });
      }
    }
    return removeDuplicateInputItems(ctx, items);
  },
};
