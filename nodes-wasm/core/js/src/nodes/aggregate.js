// Aggregate (version 1): combines fields of all input items into lists in a
// single item, or all items' data into one list.
import { NodeOperationError } from '../errors.js';
import { get, set } from './lib/paths.js';
import { isEmpty } from './lib/lodash.js';

function fieldList(value, label) {
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (Array.isArray(value)) return value;
  throw new NodeOperationError(`The '${label}' parameter must be a string of fields separated by commas or an array of strings.`);
}

function aggregateFields(ctx, items) {
  const noDots = !!ctx.getNodeParameter('options.disableDotNotation', 0, false);
  const mergeLists = !!ctx.getNodeParameter('options.mergeLists', 0, false);
  const keepMissing = !!ctx.getNodeParameter('options.keepMissing', 0, false);
  const fields = ctx.getNodeParameter('fieldsToAggregate.fieldToAggregate', 0, []) || [];
  if (!fields.length) {
    throw new NodeOperationError('No fields specified', { description: 'Please add a field to aggregate' });
  }
  const newItem = { json: {}, pairedItem: items.map((_, i) => ({ item: i })) };
  const values = {};
  const outputFields = [];
  for (const entry of fields) {
    const input = entry.fieldToAggregate === undefined ? '' : String(entry.fieldToAggregate);
    const outputFieldName = entry.outputFieldName;
    const field = entry.renameField ? outputFieldName : input;
    if (outputFields.indexOf(field) >= 0) {
      throw new NodeOperationError(`The '${field}' output field is used more than once`, {
        description: 'Please make sure each output field name is unique',
      });
    }
    outputFields.push(field);
    const name = outputFieldName || (!noDots && input.indexOf('.') >= 0 ? input.split('.').pop() : input);
    if (input === '') continue;
    const list = [];
    values[name] = list;
    for (let i = 0; i < items.length; i++) {
      let value = noDots ? items[i].json[input] : get(items[i].json, input);
      if (!keepMissing) {
        if (Array.isArray(value)) value = value.filter((v) => v !== null);
        else if (value === null || value === undefined) continue;
      }
      if (Array.isArray(value) && mergeLists) {
        for (let k = 0; k < value.length; k++) list.push(value[k]);
      } else {
        list.push(value);
      }
    }
  }
  for (const key of Object.keys(values)) {
    if (noDots) newItem.json[key] = values[key];
    else set(newItem.json, key, values[key]);
  }
  return newItem;
}

function aggregateAll(ctx, items) {
  const destination = ctx.getNodeParameter('destinationFieldName', 0);
  const include = ctx.getNodeParameter('include', 0, 'allFields');
  const exclude = include === 'allFieldsExcept' ? fieldList(ctx.getNodeParameter('fieldsToExclude', 0, ''), 'Fields To Exclude') : [];
  const only = include === 'specifiedFields' ? fieldList(ctx.getNodeParameter('fieldsToInclude', 0, ''), 'Fields To Include') : [];
  let list = items.map((it) => it.json);
  let pairedItem = [];
  if (exclude.length || only.length) {
    const kept = [];
    list.forEach((json, index) => {
      let keys = Object.keys(json);
      if (exclude.length) keys = keys.filter((k) => exclude.indexOf(k) < 0);
      if (only.length) keys = keys.filter((k) => only.indexOf(k) >= 0);
      const picked = {};
      for (const k of keys) picked[k] = json[k];
      if (isEmpty(picked)) return;
      pairedItem.push({ item: index });
      kept.push(picked);
    });
    list = kept;
  } else {
    pairedItem = list.map((_, item) => ({ item }));
  }
  return { json: { [destination]: list }, pairedItem };
}

export default {
  type: 'n8n-nodes-base.aggregate',
  displayName: 'Aggregate',
  description: 'Combine a field from many items into a list in a single item',
  group: ['transform'],
  versions: [1],
  inputs: 1,
  outputs: 1,
  parameters: [
    {
      name: 'aggregate', type: 'options', default: 'aggregateIndividualFields',
      options: ['aggregateIndividualFields', 'aggregateAllItemData'],
      description: 'Aggregate individual fields into lists, or all item data into a single list',
    },
    {
      name: 'fieldsToAggregate', type: 'fixedCollection',
      default: { fieldToAggregate: [{ fieldToAggregate: '', renameField: false }] },
      description: 'fieldToAggregate[]: {fieldToAggregate (input field), renameField, outputFieldName}',
    },
    {
      name: 'destinationFieldName', type: 'string', default: 'data',
      description: 'With aggregateAllItemData: the output field to put the list in',
    },
    {
      name: 'include', type: 'options', default: 'allFields',
      options: ['allFields', 'specifiedFields', 'allFieldsExcept'],
      description: 'With aggregateAllItemData: which fields of each item to keep',
    },
    { name: 'fieldsToExclude', type: 'string', default: '', description: 'With include "allFieldsExcept": fields to leave out, separated by commas' },
    { name: 'fieldsToInclude', type: 'string', default: '', description: 'With include "specifiedFields": fields to keep, separated by commas' },
    {
      name: 'options', type: 'collection', default: {},
      options: ['disableDotNotation', 'mergeLists', 'keepMissing', 'includeBinaries', 'groupByFields'],
      description: 'disableDotNotation, mergeLists (flatten list fields), keepMissing (add null for missing values); includeBinaries and groupByFields are not supported',
    },
  ],
  run(ctx) {
    const items = ctx.getInputData();
    const mode = ctx.getNodeParameter('aggregate', 0, '');
    if (ctx.getNodeParameter('options.includeBinaries', 0, false)) {
      throw new NodeOperationError('The Aggregate option "Include Binaries" is not supported yet');
    }
    if (ctx.getNodeParameter('options.groupByFields', 0, '')) {
      throw new NodeOperationError('The Aggregate option "Group By Fields" is not supported yet');
    }
    const item = mode === 'aggregateIndividualFields' ? aggregateFields(ctx, items) : aggregateAll(ctx, items);
    return [[item]];
  },
};
