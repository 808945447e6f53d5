// Rename Keys (version 1): renames fields (dot paths allowed), then applies
// regular-expression replacements to key names at any depth.
import { get, set, unset } from './lib/paths.js';
import { param } from './lib/params.js';

function deepCopy(v) {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(deepCopy);
  if (typeof v.toJSON === 'function') return deepCopy(v.toJSON());
  const out = {};
  for (const k of Object.keys(v)) out[k] = deepCopy(v[k]);
  return out;
}

function renameObjectKeys(obj, depth, regex, replacement) {
  if (obj === null || typeof obj !== 'object') return obj;
  for (const key in obj) {
    if (Array.isArray(obj)) {
      if (depth !== 0) renameObjectKeys(obj[key], depth - 1, regex, replacement);
    } else if (Object.prototype.hasOwnProperty.call(obj, key)) {
      if (typeof obj[key] === 'object' && depth !== 0) renameObjectKeys(obj[key], depth - 1, regex, replacement);
      if (regex.test(key)) {
        const newKey = key.replace(regex, replacement);
        if (newKey !== key) {
          obj[newKey] = obj[key];
          delete obj[key];
        }
      }
    }
  }
  return obj;
}

export default {
  type: 'n8n-nodes-base.renameKeys',
  displayName: 'Rename Keys',
  description: 'Update item field names',
  group: ['transform'],
  versions: [1],
  inputs: 1,
  outputs: 1,
  parameters: [
    {
      name: 'keys', type: 'fixedCollection', default: {},
      description: 'key[]: {currentKey, newKey} (dot notation for nested fields)',
    },
    {
      name: 'additionalOptions', type: 'collection', default: {}, options: ['regexReplacement'],
      description: 'regexReplacement.replacements[]: {searchRegex, replaceRegex, options: {caseInsensitive, depth}}',
    },
  ],
  run(ctx) {
    const items = ctx.getInputData();
    const keysParam = param(ctx, 'keys.key', []);
    const regexParam = param(ctx, 'additionalOptions.regexReplacement.replacements', []);
    const out = [];
    for (let i = 0; i < items.length; i++) {
      const renames = keysParam(i) || [];
      const replacements = regexParam(i) || [];
      const item = items[i];
      const newItem = { json: deepCopy(item.json), pairedItem: { item: i } };
      if (item.binary !== undefined) newItem.binary = item.binary;
      for (const key of renames) {
        const currentKey = key.currentKey === undefined ? '' : key.currentKey;
        const newKey = key.newKey === undefined ? '' : key.newKey;
        if (currentKey === '' || newKey === '' || currentKey === newKey) continue;
        const value = get(item.json, currentKey);
        if (value === undefined) continue;
        set(newItem.json, newKey, value);
        unset(newItem.json, currentKey);
      }
      for (const r of replacements) {
        const opts = r.options || {};
        const regex = new RegExp(r.searchRegex === undefined ? '' : r.searchRegex, opts.caseInsensitive ? 'i' : undefined);
        const depth = opts.depth === undefined ? -1 : opts.depth;
        newItem.json = renameObjectKeys(newItem.json, depth, regex, r.replaceRegex === undefined ? '' : r.replaceRegex);
      }
      out.push(newItem);
    }
    return [out];
  },
};
