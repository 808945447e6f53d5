// Split Out (version 1): turns a list inside each item into one item per
// entry, optionally with the item's other fields.
import { NodeOperationError } from '../errors.js';
import { get, unset } from './lib/paths.js';
import { param } from './lib/params.js';

function fieldList(value, label) {
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (Array.isArray(value)) return value;
  throw new NodeOperationError(`The '${label}' parameter must be a string of fields separated by commas or an array of strings.`);
}

export default {
  type: 'n8n-nodes-base.splitOut',
  displayName: 'Split Out',
  description: 'Turn a list inside item(s) into separate items',
  group: ['transform'],
  versions: [1],
  inputs: 1,
  outputs: 1,
  parameters: [
    {
      name: 'fieldToSplitOut', type: 'string', default: '',
      description: 'The input fields to break out into separate items, separated by commas ($binary for the binary data)',
    },
    {
      name: 'include', type: 'options', default: 'noOtherFields',
      options: ['noOtherFields', 'allOtherFields', 'selectedOtherFields'],
      description: 'Whether to copy any other fields into the new items',
    },
    {
      name: 'fieldsToInclude', type: 'string', default: '',
      description: 'With include "selectedOtherFields": the fields to copy, separated by commas',
    },
    {
      name: 'options', type: 'collection', default: {},
      options: ['disableDotNotation', 'destinationFieldName', 'includeBinary'],
      description: 'disableDotNotation (boolean), destinationFieldName (the output field, or one per split field), includeBinary (boolean)',
    },
  ],
  run(ctx) {
    const items = ctx.getInputData();
    const fieldParam = param(ctx, 'fieldToSplitOut', '');
    const optionsParam = param(ctx, 'options', {});
    const includeParam = param(ctx, 'include', 'noOtherFields');
    const out = [];
    for (let i = 0; i < items.length; i++) {
      const fields = String(fieldParam(i) ?? '').split(',').map((f) => f.trim().replace(/^\$json\./, ''));
      const options = optionsParam(i) || {};
      const noDots = !!options.disableDotNotation;
      const destinations = String(options.destinationFieldName || '').split(',')
        .filter((f) => f.trim() !== '').map((f) => f.trim());
      if (destinations.length && destinations.length !== fields.length) {
        throw new NodeOperationError('If multiple fields to split out are given, the same number of destination fields must be given');
      }
      const include = includeParam(i);
      const multiSplit = fields.length > 1;
      const item = Object.assign({}, items[i].json);
      const split = [];
      for (let f = 0; f < fields.length; f++) {
        const field = fields[f];
        const destination = destinations[f] || '';
        let entries;
        if (field === '$binary') {
          const binary = items[i].binary || {};
          entries = Object.keys(binary).map((k) => ({ [k]: binary[k] }));
        } else {
          entries = noDots ? item[field] : get(item, field);
          if (entries === undefined) entries = [];
          if (typeof entries !== 'object' || entries === null) entries = [entries];
          if (!Array.isArray(entries)) entries = Object.keys(entries).map((k) => entries[k]);
        }
        for (let e = 0; e < entries.length; e++) {
          const element = entries[e];
          if (split[e] === undefined) split[e] = { json: {}, pairedItem: { item: i } };
          if (field === '$binary') {
            if (split[e].binary === undefined) split[e].binary = {};
            const key = Object.keys(element)[0];
            split[e].binary[key] = element[key];
            continue;
          }
          const name = destination || field;
          if (typeof element === 'object' && element !== null && include === 'noOtherFields'
            && destination === '' && !multiSplit) {
            split[e] = { json: Object.assign({}, split[e].json, element), pairedItem: { item: i } };
          } else {
            split[e].json[name] = element;
          }
        }
      }
      for (let e = 0; e < split.length; e++) {
        const entry = split[e];
        if (entry === undefined) continue;
        let newItem = entry;
        if (include === 'allOtherFields') {
          const copy = JSON.parse(JSON.stringify(item));
          for (const field of fields) {
            if (noDots) delete copy[field];
            else unset(copy, field);
          }
          newItem.json = Object.assign(copy, entry.json);
        }
        if (include === 'selectedOtherFields') {
          const toInclude = fieldList(ctx.getNodeParameter('fieldsToInclude', i, ''), 'Fields To Include');
          if (!toInclude.length) {
            throw new NodeOperationError('No fields specified', { description: 'Please add a field to include' });
          }
          for (const field of toInclude) entry.json[field] = noDots ? item[field] : get(item, field);
          newItem = entry;
        }
        if (options.includeBinary && items[i].binary && !newItem.binary) newItem.binary = items[i].binary;
        out.push(newItem);
      }
    }
    return [out];
  },
};
