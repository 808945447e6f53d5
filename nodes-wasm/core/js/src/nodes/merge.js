// Merge (version 3.x): combines the items of its inputs: append them,
// join them on matching fields, pair them by position, cross them, or pass
// one input's items on once all inputs have arrived. Input k is
// ctx.getInputData(k); an input that got no data is empty.
import { NodeOperationError } from '../errors.js';
import { get } from './lib/paths.js';
import { deepEqual, deepMerge, shallowMerge, parseJSON } from './lib/values.js';

function inputCount(params, version) {
  const n = params && Number(params.numberInputs);
  if (version >= 3.1 && Number.isInteger(n) && n >= 2) return n;
  return 2;
}

function pairedList(p) {
  if (p === undefined || p === null) return [];
  if (typeof p === 'number') return [{ item: p }];
  if (Array.isArray(p)) return p;
  return [p];
}

// mergeFunction returns (jsons) => merged object for the clash options.
function mergeFunction(clash) {
  const keepEmpty = !!clash.overrideEmpty;
  if (clash.mergeMode === 'shallowMerge') return (list) => shallowMerge(list, keepEmpty);
  if (clash.mergeMode === 'deepMerge') return (list) => deepMerge(list, keepEmpty);
  return (list) => deepMerge(list, false);
}

function withSuffix(items, suffix) {
  return items.map((entry) => {
    const json = {};
    for (const k of Object.keys(entry.json || {})) json[`${k}_${suffix}`] = entry.json[k];
    return Object.assign({}, entry, { json });
  });
}

function withSource(items, source) {
  return items.map((entry) => Object.assign({}, entry, { json: Object.assign({}, entry.json, { _source: source }) }));
}

function binaryOf(list) {
  let out;
  for (const b of list) {
    if (b && typeof b === 'object' && Object.keys(b).length) out = deepMerge(out ? [out, b] : [b]);
  }
  return out;
}

function makeItem(json, binaries, pairedItem) {
  const item = { json, pairedItem };
  const binary = binaryOf(binaries);
  if (binary) item.binary = binary;
  return item;
}

// ---- append ----

function append(ctx, inputs) {
  const out = [];
  for (const list of inputs) for (const it of list) out.push(it);
  return [out];
}

// ---- choose branch ----

function chooseBranch(ctx, inputs) {
  const out = [];
  const chooseMode = ctx.getNodeParameter('chooseBranchMode', 0, 'waitForAll');
  if (chooseMode !== 'waitForAll') return [out];
  const output = ctx.getNodeParameter('output', 0, 'specifiedInput');
  if (output === 'specifiedInput') {
    const which = Number(ctx.getNodeParameter('useDataOfInput', 0, 1));
    if (which > inputs.length) {
      throw new NodeOperationError(`Input ${which} doesn't exist`, {
        description: `The node has only ${inputs.length} inputs, so selecting input ${which} is not possible.`,
      });
    }
    for (const it of inputs[which - 1] || []) out.push(it);
  }
  if (output === 'empty') {
    const pairedItem = [];
    for (const it of inputs[0] || []) pairedItem.push(...pairedList(it.pairedItem));
    for (const it of inputs[1] || []) pairedItem.push(...pairedList(it.pairedItem));
    out.push({ json: {}, pairedItem });
  }
  return [out];
}

// ---- combine all ----

function combineAll(ctx, inputs) {
  const out = [];
  const clash = ctx.getNodeParameter('options.clashHandling.values', 0, {}) || {};
  let in1 = inputs[0];
  let in2 = inputs[1];
  if (clash.resolveClash === 'preferInput1') [in1, in2] = [in2, in1];
  if (clash.resolveClash === 'addSuffix') {
    in1 = withSuffix(in1, '1');
    in2 = withSuffix(in2, '2');
  }
  const merge = mergeFunction(clash);
  for (const a of in1) {
    for (const b of in2) {
      out.push(makeItem(merge([a.json, b.json]), [a.binary, b.binary], [a.pairedItem, b.pairedItem]));
    }
  }
  return [out];
}

// ---- combine by position ----

function combineByPosition(ctx, inputs) {
  const out = [];
  const clash = ctx.getNodeParameter('options.clashHandling.values', 0, {}) || {};
  const includeUnpaired = !!ctx.getNodeParameter('options.includeUnpaired', 0, false);
  let preferredIndex = inputs.length - 1;
  if (typeof clash.resolveClash === 'string' && clash.resolveClash.includes('preferInput')) {
    preferredIndex = Number(clash.resolveClash.replace('preferInput', '')) - 1;
  }
  let data = inputs;
  const preferred = data[preferredIndex] || [];
  if (clash.resolveClash === 'addSuffix') data = data.map((list, k) => withSuffix(list, String(k + 1)));
  const lengths = data.map((l) => l.length);
  const n = includeUnpaired ? Math.max(...lengths, preferred.length) : Math.min(...lengths, preferred.length);
  const merge = mergeFunction(clash);
  for (let i = 0; i < n; i++) {
    const pref = preferred[i] || {};
    const rest = data.map((l) => l[i] || {});
    const json = merge([{}].concat(rest.map((e) => e.json || {}), [pref.json || {}]));
    const paired = [];
    for (const e of rest) if (e.pairedItem !== undefined) paired.push(...pairedList(e.pairedItem));
    if (pref.pairedItem !== undefined) paired.push(pref.pairedItem);
    out.push(makeItem(json, rest.map((e) => e.binary).concat([pref.binary]), paired));
  }
  return [out];
}

// ---- combine by fields ----

function isNull(v) {
  return v === null;
}

function isFalsy(v) {
  return v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function stringMatchesObject(text, obj) {
  try {
    return deepEqual(parseJSON(text), obj);
  } catch (e) {
    return false;
  }
}

// fuzzyEqual tolerates small type differences: 3 and '3', true and 'true',
// null, '' and [] and a missing field, an object and its JSON.
function fuzzyEqual(a, b) {
  if (!isNull(a) && !isNull(b) && typeof a === typeof b) return deepEqual(a, b);
  if (isFalsy(a) && isFalsy(b)) return true;
  if (isFalsy(a) && b === undefined) return true;
  if (a === undefined && isFalsy(b)) return true;
  if (typeof a === 'number' && typeof b === 'string') return a.toString() === b;
  if (typeof a === 'string' && typeof b === 'number') return a === b.toString();
  if (!isNull(a) && typeof a === 'object' && typeof b === 'string') return stringMatchesObject(b, a);
  if (!isNull(b) && typeof a === 'string' && typeof b === 'object') return stringMatchesObject(a, b);
  if (typeof a === 'boolean' && typeof b === 'string') {
    if (a === true && (b.toLowerCase() === 'true' || b === '1')) return true;
    if (a === false && (b.toLowerCase() === 'false' || b === '0')) return true;
  }
  if (typeof b === 'boolean' && typeof a === 'string') {
    if (b === true && (a.toLowerCase() === 'true' || a === '1')) return true;
    if (b === false && (a.toLowerCase() === 'false' || a === '0')) return true;
  }
  if (typeof a === 'boolean' && typeof b === 'number') {
    if ((a === true && b === 1) || (a === false && b === 0)) return true;
  }
  if (typeof b === 'boolean' && typeof a === 'number') {
    if ((b === true && a === 1) || (b === false && a === 0)) return true;
  }
  return deepEqual(a, b);
}

function checkMatchFields(pairs) {
  if (pairs.length === 1 && pairs[0].field1 === '' && pairs[0].field2 === '') {
    throw new NodeOperationError('You need to define at least one pair of fields in "Fields to Match" to match on');
  }
  pairs.forEach((pair, index) => {
    if (pair.field1 === '' || pair.field2 === '') {
      throw new NodeOperationError(`You need to define both fields in "Fields to Match" for pair ${index + 1},
\t\t\t\t field 1 = '${pair.field1}'
\t\t\t\t field 2 = '${pair.field2}'`);
    }
  });
  return pairs;
}

function isPrimitive(v) {
  return v === null || (typeof v !== 'object' && typeof v !== 'function');
}

function primitiveKey(values) {
  let key = '';
  for (const v of values) key += typeof v + ':' + String(v) + '\u0000';
  return key;
}

// findMatches pairs input-1 items with the input-2 items whose match fields
// equal theirs, in input order.
function findMatches(in1, in2, pairs, options) {
  const dotless = !!options.disableDotNotation;
  const read = (json, path) => (dotless ? (json || {})[path] : get(json || {}, path));
  const fuzzy = !!options.fuzzyCompare;
  const equal = fuzzy ? fuzzyEqual : deepEqual;
  const firstOnly = options.multipleMatches === 'first';
  // One lookup value per input-2 field (a later pair naming the same input-2
  // field replaces an earlier one).
  const byField2 = new Map();
  for (const p of pairs) byField2.set(p.field2, p.field1);
  const fields2 = Array.from(byField2.keys());
  const fields1 = fields2.map((f) => byField2.get(f));
  const values2 = in2.map((e) => fields2.map((f) => read(e && e.json, f)));
  // Exact matching on primitive values goes through an index.
  let index = null;
  if (!fuzzy) {
    index = new Map();
    values2.forEach((vals, j) => {
      if (!vals.every(isPrimitive)) return;
      const k = primitiveKey(vals);
      const list = index.get(k);
      if (list) list.push(j);
      else index.set(k, [j]);
    });
  }
  const result = { matched: [], matched2: [], unmatched1: [], unmatched2: [] };
  const matchedIn2 = new Set();
  const bothOrEnrich = options.outputDataFrom === 'both' || options.joinMode === 'enrichInput1' || options.joinMode === 'enrichInput2';
  for (const entry1 of in1) {
    const lookup = fields1.map((f) => read(entry1.json, f));
    if (lookup.some((v) => v === undefined)) {
      result.unmatched1.push(entry1);
      continue;
    }
    let found = [];
    if (index && lookup.every(isPrimitive)) {
      const hits = index.get(primitiveKey(lookup)) || [];
      found = firstOnly ? hits.slice(0, 1) : hits;
    } else {
      for (let j = 0; j < in2.length; j++) {
        const vals = values2[j];
        let ok = true;
        for (let f = 0; f < vals.length; f++) {
          if (!equal(lookup[f], vals[f])) { ok = false; break; }
        }
        if (ok) {
          found.push(j);
          if (firstOnly) break;
        }
      }
    }
    if (!found.length) {
      result.unmatched1.push(entry1);
      continue;
    }
    for (const j of found) matchedIn2.add(j);
    if (bothOrEnrich) {
      for (const j of found) result.matched.push({ entry: entry1, matches: [in2[j]] });
    } else {
      result.matched.push({ entry: entry1, matches: found.map((j) => in2[j]) });
    }
  }
  in2.forEach((entry, j) => {
    if (matchedIn2.has(j)) result.matched2.push(entry);
    else result.unmatched2.push(entry);
  });
  return result;
}

function mergeMatched(matched, clash, joinMode) {
  const out = [];
  let resolve = clash.resolveClash;
  const merge = mergeFunction(clash);
  for (const m of matched) {
    let entry = m.entry;
    let matches = m.matches;
    let json;
    let binaries;
    let paired;
    if (resolve === 'addSuffix') {
      [entry] = withSuffix([entry], '1');
      matches = withSuffix(matches, '2');
      json = merge([entry.json].concat(matches.map((x) => x.json)));
      binaries = [entry.binary].concat(matches.map((x) => x.binary));
      paired = pairedList(entry.pairedItem);
      for (const x of matches) paired = paired.concat(pairedList(x.pairedItem));
    } else {
      if (resolve === undefined) resolve = joinMode === 'enrichInput2' ? 'preferInput1' : 'preferLast';
      if (resolve === 'preferInput1') {
        const [first, ...rest] = matches;
        json = merge([first.json].concat(rest.map((x) => x.json), [entry.json]));
        binaries = [first.binary].concat(rest.map((x) => x.binary), [entry.binary]);
        paired = pairedList(first.pairedItem);
        for (const x of rest) paired = paired.concat(pairedList(x.pairedItem));
        paired = paired.concat(pairedList(entry.pairedItem));
      } else if (resolve === 'preferLast') {
        json = merge([entry.json].concat(matches.map((x) => x.json)));
        binaries = [entry.binary].concat(matches.map((x) => x.binary));
        paired = pairedList(entry.pairedItem);
        for (const x of matches) paired = paired.concat(pairedList(x.pairedItem));
      } else {
        json = {};
        binaries = [];
        paired = [];
      }
    }
    out.push(makeItem(json, binaries, paired));
  }
  return out;
}

function combineByFields(ctx, inputs) {
  let pairs;
  if (ctx.getNodeParameter('advanced', 0, false)) {
    pairs = (ctx.getNodeParameter('mergeByFields.values', 0, []) || []).map((p) => ({
      field1: p && p.field1 !== undefined ? String(p.field1) : '',
      field2: p && p.field2 !== undefined ? String(p.field2) : '',
    }));
  } else {
    pairs = String(ctx.getNodeParameter('fieldsToMatchString', 0, '') ?? '')
      .split(',')
      .map((f) => {
        const field = f.trim();
        return { field1: field, field2: field };
      });
  }
  pairs = checkMatchFields(pairs);
  const joinMode = ctx.getNodeParameter('joinMode', 0, 'keepMatches');
  const outputDataFrom = ctx.getNodeParameter('outputDataFrom', 0, 'both');
  const options = Object.assign({}, ctx.getNodeParameter('options', 0, {}) || {}, { joinMode, outputDataFrom });
  const in1 = inputs[0];
  const in2 = inputs[1];
  if (in1.length === 0 || in2.length === 0) {
    if (!in1.length && joinMode === 'keepNonMatches' && outputDataFrom === 'input1') return [[]];
    if (!in2.length && joinMode === 'keepNonMatches' && outputDataFrom === 'input2') return [[]];
    if (joinMode === 'keepMatches') return [];
    if (joinMode === 'enrichInput1' && in1.length === 0) return [];
    if (joinMode === 'enrichInput2' && in2.length === 0) return [];
    return [in1.concat(in2)];
  }
  if (!pairs.length) {
    if (joinMode === 'keepMatches' || joinMode === 'keepEverything' || joinMode === 'enrichInput2') return [[]];
    return [in1];
  }
  const matches = findMatches(in1, in2, pairs, options);
  const clash = ctx.getNodeParameter('options.clashHandling.values', 0, {}) || {};
  let out = [];
  if (joinMode === 'keepMatches' || joinMode === 'keepEverything') {
    let output = [];
    if (outputDataFrom === 'input1') output = matches.matched.map((m) => m.entry);
    if (outputDataFrom === 'input2') output = matches.matched2;
    if (outputDataFrom === 'both') output = mergeMatched(matches.matched, clash);
    if (joinMode === 'keepEverything') {
      let u1 = matches.unmatched1;
      let u2 = matches.unmatched2;
      if (clash.resolveClash === 'addSuffix') {
        u1 = withSuffix(u1, '1');
        u2 = withSuffix(u2, '2');
      }
      output = output.concat(u1, u2);
    }
    out = out.concat(output);
  }
  if (joinMode === 'keepNonMatches') {
    if (outputDataFrom === 'input1') return [matches.unmatched1];
    if (outputDataFrom === 'input2') return [matches.unmatched2];
    if (outputDataFrom === 'both') {
      return [withSource(matches.unmatched1, 'input1').concat(withSource(matches.unmatched2, 'input2'))];
    }
  }
  if (joinMode === 'enrichInput1' || joinMode === 'enrichInput2') {
    const merged = mergeMatched(matches.matched, clash, joinMode);
    const rest = joinMode === 'enrichInput1' ? matches.unmatched1 : matches.unmatched2;
    const suffix = joinMode === 'enrichInput1' ? '1' : '2';
    out = out.concat(merged, clash.resolveClash === 'addSuffix' ? withSuffix(rest, suffix) : rest);
  }
  return [out];
}

const MODES = { append, chooseBranch, combineAll, combineByPosition, combineByFields };

export default {
  type: 'n8n-nodes-base.merge',
  displayName: 'Merge',
  description: 'Merges data of multiple streams once data from both is available',
  group: ['transform'],
  versions: [3, 3.1, 3.2],
  inputs: inputCount,
  outputs: 1,
  // Items are routed, never modified: outputs may reference input items.
  itemsUnchanged: true,
  parameters: [
    { name: 'mode', type: 'options', default: 'append', options: ['append', 'combine', 'combineBySql', 'chooseBranch'], description: 'How input data should be merged' },
    { name: 'combineBy', type: 'options', default: 'combineByFields', options: ['combineByFields', 'combineByPosition', 'combineAll'], description: 'How items are combined (mode combine)' },
    { name: 'numberInputs', type: 'options', default: 2, options: [2, 3, 4, 5, 6, 7, 8, 9, 10], description: 'The number of inputs (from version 3.1)' },
    { name: 'advanced', type: 'boolean', default: false, description: 'Whether the fields to match have different names in the two inputs' },
    { name: 'fieldsToMatchString', type: 'string', default: '', description: 'Comma-separated fields to match on (advanced: false)' },
    { name: 'mergeByFields', type: 'fixedCollection', default: { values: [{ field1: '', field2: '' }] }, description: 'values: [{field1, field2}] pairs to match on (advanced: true)' },
    { name: 'joinMode', type: 'options', default: 'keepMatches', options: ['keepMatches', 'keepNonMatches', 'keepEverything', 'enrichInput1', 'enrichInput2'], description: 'Which items to output' },
    { name: 'outputDataFrom', type: 'options', default: 'both', options: ['both', 'input1', 'input2'], description: 'Which input the output comes from (keepMatches, keepNonMatches)' },
    { name: 'chooseBranchMode', type: 'options', default: 'waitForAll', options: ['waitForAll'], description: 'When to output (chooseBranch)' },
    { name: 'output', type: 'options', default: 'specifiedInput', options: ['specifiedInput', 'empty'], description: "The specified input's items or a single empty item (chooseBranch)" },
    { name: 'useDataOfInput', type: 'options', default: 1, description: 'The number of the input whose items to output (chooseBranch)' },
    {
      name: 'options',
      type: 'collection',
      default: {},
      options: ['clashHandling', 'disableDotNotation', 'fuzzyCompare', 'multipleMatches', 'includeUnpaired'],
      description: 'clashHandling.values: {resolveClash: preferLast|preferInput1|preferInput2…|addSuffix, mergeMode: deepMerge|shallowMerge, overrideEmpty}',
    },
  ],
  run(ctx) {
    const version = ctx.node.typeVersion;
    const n = inputCount(ctx.node.parameters, version);
    const inputs = [];
    for (let k = 0; k < n; k++) inputs.push(ctx.getInputData(k) || []);
    let mode = ctx.getNodeParameter('mode', 0, 'append');
    if (mode === 'combine') mode = ctx.getNodeParameter('combineBy', 0, 'combineByFields');
    const fn = MODES[mode];
    if (!fn) {
      if (mode === 'combineBySql') throw new NodeOperationError('The Merge node mode "SQL Query" is not supported');
      throw new NodeOperationError(`The operation "${mode}" is not supported!`);
    }
    return fn(ctx, inputs);
  },
};
