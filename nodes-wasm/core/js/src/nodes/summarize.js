// Summarize (versions 1, 1.1): count, sum, average, min, max, concatenate
// or append fields across items, optionally split by the values of other
// fields. Output fields are named "<aggregation>_<field>" (count_x, sum_x, …).
import { NodeOperationError } from '../errors.js';
import { get } from './lib/paths.js';

const PREFIX = {
  append: 'appended_',
  average: 'average_',
  concatenate: 'concatenated_',
  count: 'count_',
  countUnique: 'unique_count_',
  max: 'max_',
  min: 'min_',
  sum: 'sum_',
};

function normalizeFieldName(name) {
  return name.replace(/[\]["]/g, '').replace(/[ .]/g, '_');
}

function isEmptyValue(v) {
  return v === undefined || v === null || v === '';
}

function aggregate(items, entry, getValue) {
  const { aggregation, field } = entry;
  let data = items;
  if (aggregation === 'average' || aggregation === 'sum') {
    data = data.filter((it) => typeof getValue(it, field) === 'number');
  }
  switch (aggregation) {
    case 'append':
      if (!entry.includeEmpty) data = data.filter((it) => !isEmptyValue(getValue(it, field)));
      return data.map((it) => getValue(it, field));
    case 'concatenate': {
      const separator = entry.separateBy === 'other' ? entry.customSeparator : entry.separateBy;
      if (!entry.includeEmpty) data = data.filter((it) => !isEmptyValue(getValue(it, field)));
      return data.map((it) => {
        let v = getValue(it, field);
        if (typeof v === 'object') v = JSON.stringify(v);
        if (typeof v === 'undefined') v = 'undefined';
        return v;
      }).join(separator === undefined ? ',' : separator);
    }
    case 'average':
      return data.reduce((acc, it) => acc + getValue(it, field), 0) / data.length;
    case 'sum':
      return data.reduce((acc, it) => acc + getValue(it, field), 0);
    case 'min':
    case 'max': {
      let best;
      for (const it of data) {
        const v = getValue(it, field);
        if (isEmptyValue(v)) continue;
        if (best === undefined || (aggregation === 'min' ? v < best : v > best)) best = v;
      }
      return best === undefined ? null : best;
    }
    case 'countUnique': {
      const seen = new Set();
      for (const it of data) {
        const v = getValue(it, field);
        if (!entry.includeEmpty && isEmptyValue(v)) continue;
        seen.add(v);
      }
      return seen.size;
    }
    default:
      if (!entry.includeEmpty) return data.filter((it) => !isEmptyValue(getValue(it, field))).length;
      return data.length;
  }
}

function aggregateData(items, fields, options, getValue) {
  const returnData = {};
  for (const entry of fields) {
    returnData[normalizeFieldName(`${PREFIX[entry.aggregation] || 'count_'}${entry.field}`)] = aggregate(items, entry, getValue);
  }
  if (options.outputFormat === 'singleItem') return { returnData };
  return { returnData, pairedItems: items.map((it) => it._itemIndex) };
}

// aggregateAndSplit groups items by the first split field (keys keep their
// type in 1.1, become strings in 1) and recurses.
function aggregateAndSplit(splitKeys, items, fields, options, getValue, keysToString) {
  if (!splitKeys.length) return aggregateData(items, fields, options, getValue);
  const [first, ...rest] = splitKeys;
  const groups = new Map();
  for (const item of items) {
    let value = getValue(item, first);
    if (value && typeof value === 'object') value = JSON.stringify(value);
    if (keysToString) value = String(value);
    if (options.skipEmptySplitFields && typeof value !== 'number' && !value) continue;
    const group = groups.get(value);
    if (group) group.push(item);
    else groups.set(value, [item]);
  }
  const splits = new Map();
  for (const [key, group] of groups) splits.set(key, aggregateAndSplit(rest, group, fields, options, getValue, keysToString));
  return { fieldName: first, splits };
}

function flattenToObject(result) {
  if (result.splits) {
    const out = {};
    for (const [key, value] of result.splits) out[key] = flattenToObject(value);
    return out;
  }
  return result.returnData;
}

function flattenToArray(result) {
  if (result.splits) {
    const out = [];
    for (const [value, inner] of result.splits) {
      for (const r of flattenToArray(inner)) {
        r.returnData[normalizeFieldName(result.fieldName)] = value;
        out.push(r);
      }
    }
    return out;
  }
  return [result];
}

export default {
  type: 'n8n-nodes-base.summarize',
  displayName: 'Summarize',
  description: 'Sum, count, max, etc. across items',
  group: ['transform'],
  versions: [1, 1.1],
  inputs: 1,
  outputs: 1,
  parameters: [
    {
      name: 'fieldsToSummarize', type: 'fixedCollection',
      default: { values: [{ aggregation: 'count', field: '' }] },
      description: 'values[]: {aggregation (append, average, concatenate, count, countUnique, max, min, sum), field, includeEmpty, separateBy, customSeparator}',
    },
    {
      name: 'fieldsToSplitBy', type: 'string', default: '',
      description: 'The input fields to split the summary by, separated by commas',
    },
    {
      name: 'options', type: 'collection', default: {},
      options: ['continueIfFieldNotFound', 'disableDotNotation', 'outputFormat', 'skipEmptySplitFields'],
      description: 'continueIfFieldNotFound (version 1), disableDotNotation, outputFormat (separateItems or singleItem), skipEmptySplitFields',
    },
  ],
  run(ctx) {
    const items = ctx.getInputData();
    const rows = items.map((it, i) => Object.assign({}, it.json, { _itemIndex: i }));
    const options = ctx.getNodeParameter('options', 0, {}) || {};
    const splitBy = String(ctx.getNodeParameter('fieldsToSplitBy', 0, '') ?? '')
      .split(',').map((f) => f.trim()).filter((f) => f);
    const fields = ctx.getNodeParameter('fieldsToSummarize.values', 0, []) || [];
    if (fields.filter((f) => f.field !== '').length === 0) {
      throw new NodeOperationError("You need to add at least one aggregation to 'Fields to Summarize' with non empty 'Field'");
    }
    const entries = fields.map((f) => Object.assign({ aggregation: 'count', field: '' }, f));
    const getValue = options.disableDotNotation ? (it, f) => it[f] : (it, f) => get(it, f);
    const version = ctx.node.typeVersion;
    const result = aggregateAndSplit(splitBy, rows, entries, options, getValue, version === 1);
    for (const entry of entries) {
      if (entry.field === '') continue;
      if (!rows.some((row) => getValue(row, entry.field) !== undefined)) {
        if (version > 1 || options.continueIfFieldNotFound) continue;
        throw new NodeOperationError(`The field '${entry.field}' does not exist in any items`);
      }
    }
    if (options.outputFormat === 'singleItem') {
      return [[{ json: flattenToObject(result), pairedItem: rows.map((_, i) => ({ item: i })) }]];
    }
    return [flattenToArray(result).map((r) => ({
      json: r.returnData,
      pairedItem: (r.pairedItems || []).map((i) => ({ item: i })),
    }))];
  },
};
