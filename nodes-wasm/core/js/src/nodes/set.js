// Edit Fields (Set). Versions 3.x: "manual" mode sets typed fields
// (assignments from 3.3, fields.values before), "raw" mode builds each item
// from a JSON template; input fields are kept all, some, all but some, or
// none. Versions 1 and 2 ("Set"): typed value lists and keepOnlySet.
import { NodeOperationError } from '../errors.js';
import { param, once, executionMode, hasExpression } from './lib/params.js';
import { expressionKeys, PLANS } from '../context.js';
import { get, set, unset, flatKey } from './lib/paths.js';
import { validateType, describeValue, parseJSON } from './lib/values.js';

// SIMPLE holds field names that are written as a single key with dot
// notation too (no `.` or `[`, not a prototype's name): those of prepared
// nodes' assignments (prepare below), so that their runs skip the check.
const SIMPLE = Object.create(null);

function simpleKey(key) {
  return typeof key === 'string' && key.indexOf('.') < 0 && key.indexOf('[') < 0 && key !== '__proto__' && key !== 'constructor' && key !== 'prototype';
}

// writeField sets key in json: as a path with dot notation, else as a
// single key.
function writeField(json, key, value, dotNotation, owned) {
  if (dotNotation === false) json[flatKey(json, key)] = value;
  else if (SIMPLE[key] === true || simpleKey(key)) json[key] = value;
  else set(json, key, value, owned);
}

function fieldList(text) {
  return String(text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s);
}

// composeItem builds the output item from the input item, the fields to
// keep (opts.include) and the new fields.
function composeItem(i, input, newFields, opts, version) {
  // the objects in json that are copies already, for set() and unset():
  // made when a key needs them
  let owned = null;
  const inJson = input.json || {};
  let json;
  switch (opts.include) {
    case 'all':
      json = Object.assign({}, inJson);
      break;
    case 'selected': {
      json = {};
      owned = new Set([json]);
      for (const key of fieldList(opts.includeFields(i))) {
        const value = opts.dotNotation !== false ? get(inJson, key) : inJson[flatKey(inJson, key)];
        let target = key;
        if (opts.dotNotation !== false && key.indexOf('.') >= 0) {
          const parts = key.split('.');
          target = parts[parts.length - 1];
        }
        writeField(json, target, value, opts.dotNotation, owned);
      }
      break;
    }
    case 'except':
      json = Object.assign({}, inJson);
      owned = new Set([json]);
      for (const key of fieldList(opts.excludeFields(i))) {
        if (opts.dotNotation !== false) unset(json, key, owned);
        else delete json[flatKey(json, key)];
      }
      break;
    case 'none':
      json = {};
      break;
    default:
      throw new NodeOperationError(`The include option "${opts.include}" is not known!`);
  }
  const keys = Object.keys(newFields);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (opts.dotNotation !== false && SIMPLE[key] === true) {
      json[key] = newFields[key];
      continue;
    }
    if (owned === null) owned = new Set([json]);
    else owned.add(json);
    writeField(json, key, newFields[key], opts.dotNotation, owned);
  }
  const out = { json, pairedItem: { item: i } };
  const includeBinary = version >= 3.4
    ? !opts.stripBinary && opts.include !== 'none'
    : !!opts.includeBinary;
  if (includeBinary && input.binary !== undefined) out.binary = Object.assign({}, input.binary);
  return out;
}

function conversionHint(name) {
  return `To fix the error try to change the type for the field "${name}" or activate the option “Ignore Type Conversion Errors” to apply a less strict type validation`;
}

// validateEntry converts a field's value to its declared type.
function validateEntry(name, type, value, itemIndex, ignoreErrors, version) {
  if (version >= 3.2 && (value === undefined || value === null)) return null;
  if (type === 'string') {
    if (version > 3 && (value === undefined || value === null)) {
      if (ignoreErrors) return null;
      throw new NodeOperationError(`'${name}' expects a ${type} but we got ${describeValue(value)} [item ${itemIndex}]`, { description: conversionHint(name), itemIndex });
    }
    // strings need no further conversion
    if (typeof value === 'string') return value;
    return typeof value === 'object' ? JSON.stringify(value) ?? null : String(value);
  }
  const r = validateType(name, value, type);
  if (!r.valid) {
    if (ignoreErrors) return value ?? null;
    throw new NodeOperationError(`${r.message} [item ${itemIndex}]`, { description: conversionHint(name), itemIndex });
  }
  return r.value ?? null;
}

// parseJsonParameter reads a JSON object from a string or object.
function parseJsonParameter(data, itemIndex, entryName) {
  const location = entryName ? `entry "${entryName}" inside 'Fields to Set'` : "'JSON Output'";
  let out = data;
  if (typeof data === 'string') {
    try {
      out = parseJSON(data, { repair: true });
    } catch (e) {
      throw new NodeOperationError(`The ${location} in item ${itemIndex} contains invalid JSON`, { description: data, itemIndex });
    }
  }
  if (out === undefined || out === null || typeof out !== 'object' || Array.isArray(out)) {
    throw new NodeOperationError(`The ${location} in item ${itemIndex} does not contain a valid JSON object`, { itemIndex });
  }
  return out;
}

// resolveTemplate replaces every {{ … }} in text by its value for the item:
// objects as JSON, anything else as a string.
function resolveTemplate(ctx, text, itemIndex) {
  const parts = text.match(/{{[\s\S]*?}}/g);
  if (!parts) return text;
  let out = text;
  for (const part of parts) {
    const v = ctx.evaluateExpression('=' + part, itemIndex);
    const repl = v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
    out = out.replace(part, () => repl);
  }
  return out;
}

// manualFields returns the item's new fields in manual mode.
function manualFields(ctx, state, i, item, opts, version) {
  const newData = {};
  const binaries = [];
  if (version >= 3.3) {
    const collection = state.assignments(i) || {};
    const list = Array.isArray(collection.assignments) ? collection.assignments : [];
    for (let n = 0; n < list.length; n++) {
      const a = list[n];
      if (!a) continue;
      if (a.type === 'binary') {
        binaries.push(a);
        continue;
      }
      newData[a.name] = validateEntry(a.name, a.type, a.value, i, opts.ignoreConversionErrors, version);
    }
  } else {
    const fields = state.fields(i) || [];
    for (const entry of fields) {
      if (!entry) continue;
      const t = String(entry.type || 'stringValue');
      let value = entry[t];
      if (t === 'objectValue' && state.rawObjects[entry.name] !== undefined && value !== undefined && value !== null) {
        value = parseJsonParameter(resolveTemplate(ctx, state.rawObjects[entry.name], i), i, entry.name);
      }
      newData[entry.name] = validateEntry(entry.name, t.replace('Value', ''), value, i, opts.ignoreConversionErrors, version);
    }
  }
  return composeWithBinaries(i, item, newData, binaries, opts, version);
}

// composeWithBinaries is composeItem, then the binary fields set ({name,
// value}: value names the input's binary property).
function composeWithBinaries(i, item, newData, binaries, opts, version) {
  const out = composeItem(i, item, newData, opts, version);
  if (binaries !== null && binaries.length) {
    if (!out.binary) out.binary = {};
    for (const a of binaries) {
      const data = item.binary && item.binary[a.value];
      if (!data) {
        throw new NodeOperationError(`Could not find binary data specified in field ${a.name}`, { itemIndex: i });
      }
      out.binary[a.name] = data;
    }
  }
  return out;
}

// plannedFields is manualFields for assignments with a plan
// (assignmentsPlan, in state.plan): every expression evaluated first,
// entry by entry in key order, as n8n resolves the whole parameter, then
// each entry's name, type and value taken from the entry or from what its
// expressions gave, without an object rebuilt around them.
function plannedFields(ctx, state, i, item, opts, version) {
  const plan = state.plan;
  const list = plan.list;
  const exprKeys = plan.exprKeys;
  let ev = null;
  if (plan.exprCount > 0) {
    ev = new Array(plan.exprCount);
    const r = ctx.resolver;
    let e = 0;
    for (let n = 0; n < list.length; n++) {
      const keys = exprKeys[n];
      if (keys === null) continue;
      const a = list[n];
      for (let k = 0; k < keys.length; k++) ev[e++] = r.evaluate(a[keys[k]], i);
    }
  }
  const newData = {};
  let binaries = null;
  let e = 0;
  for (let n = 0; n < list.length; n++) {
    const a = list[n];
    const keys = exprKeys[n];
    let name = a.name;
    let type = a.type;
    let value = a.value;
    if (keys !== null) {
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k];
        const v = ev[e++];
        if (key === 'name') name = v;
        else if (key === 'type') type = v;
        else if (key === 'value') value = v;
      }
    }
    if (type === 'binary') {
      if (binaries === null) binaries = [];
      binaries.push({ name, value });
      continue;
    }
    newData[name] = validateEntry(name, type, value, i, opts.ignoreConversionErrors, version);
  }
  return composeWithBinaries(i, item, newData, binaries, opts, version);
}

function rawFields(ctx, state, i, item, opts, version) {
  let data;
  if (state.template !== undefined) data = resolveTemplate(ctx, state.template, i);
  else data = ctx.getNodeParameter('jsonOutput', i, '');
  return composeItem(i, item, parseJsonParameter(data, i), opts, version);
}

// assignmentsPlan is what plannedFields works from, for the usual shape of
// the assignments parameter, {assignments: [{id, name, value, type}, …]}:
// {list, exprKeys, exprCount}, or null for any other shape, which goes
// through param() and manualFields. Made once while preparing the node
// (ASSIGNMENTS), else per run.
function assignmentsPlan(raw) {
  const list = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw.assignments : undefined;
  if (!Array.isArray(list) || Object.keys(raw).length !== 1) return null;
  // exprKeys[n]: the keys of entry n that hold an expression, in key
  // order, or null when it has none (it is then used as it is)
  const exprKeys = new Array(list.length);
  for (let n = 0; n < list.length; n++) {
    const a = list[n];
    if (a === null || typeof a !== 'object' || Array.isArray(a)) return null;
    // the C reactor tells at once (expressionKeys); elsewhere, look
    let found = expressionKeys(a);
    if (found === false) return null;
    if (found !== undefined) {
      exprKeys[n] = found;
      continue;
    }
    found = null;
    const keys = Object.keys(a);
    for (let k = 0; k < keys.length; k++) {
      const v = a[keys[k]];
      if (v !== null && typeof v === 'object') {
        if (hasExpression(v)) return null;
      } else if (typeof v === 'string' && v.charCodeAt(0) === 61) {
        if (found === null) found = [];
        found.push(keys[k]);
      }
    }
    exprKeys[n] = found;
  }
  let exprCount = 0;
  for (let n = 0; n < list.length; n++) if (exprKeys[n] !== null) exprCount += exprKeys[n].length;
  return { list, exprKeys, exprCount };
}

// ASSIGNMENTS keys assignmentsPlan's answer among a prepared node's
// parameter plans.
const ASSIGNMENTS = Symbol('assignments');

// buildItem builds item i's output, or its error item when the node
// continues on failure.
function buildItem(ctx, build, state, i, input, opts, version) {
  try {
    return build(ctx, state, i, input, opts, version);
  } catch (err) {
    if (ctx.continueOnFail()) {
      const message = err && err.message !== undefined ? err.message : String(err);
      return { json: { error: message, pairedItem: { item: i } }, pairedItem: { item: i } };
    }
    if (err && typeof err === 'object' && err.itemIndex === undefined) err.itemIndex = i;
    throw err;
  }
}

// setupPlan is what runV3 works out before its item loop, for a prepared
// node in manual mode (from version 3.3) whose parameters for it hold no
// expression and that duplicates no item: then it is the same for every
// run (SETUP). Otherwise null.
function setupPlan(plans, version) {
  if (version < 3.3) return null;
  const used = [plans.mode, plans.duplicateItem, plans.includeOtherFields, plans.include, plans.options, plans.includeFields, plans.excludeFields];
  for (const p of used) if (p === undefined || p.build !== null) return null;
  if (plans.mode.value === 'raw' || plans.duplicateItem.value) return null;
  const o = plans.options.value || {};
  return {
    opts: {
      include: plans.includeOtherFields.value ? plans.include.value : 'none',
      dotNotation: o.dotNotation,
      ignoreConversionErrors: !!o.ignoreConversionErrors,
      includeBinary: o.includeBinary,
      stripBinary: o.stripBinary,
      includeFields: plans.includeFields.fn,
      excludeFields: plans.excludeFields.fn,
    },
  };
}

// SETUP keys setupPlan's answer among a prepared node's parameter plans.
const SETUP = Symbol('setup');

function runV3(ctx) {
  const items = ctx.getInputData();
  const version = ctx.node.typeVersion;
  const setup = ctx.plans !== undefined ? ctx.plans[SETUP] : undefined;
  if (setup !== undefined && setup !== null) {
    const plan = ctx.plans[ASSIGNMENTS];
    const state = plan !== null ? { plan } : { assignments: param(ctx, 'assignments', {}) };
    const build = plan !== null ? plannedFields : manualFields;
    const out = [];
    for (let i = 0; i < items.length; i++) out.push(buildItem(ctx, build, state, i, items[i], setup.opts, version));
    return [out];
  }
  const mode = ctx.getNodeParameter('mode', 0, 'manual');
  const duplicate = once(ctx, 'duplicateItem', false) && executionMode(ctx) === 'manual';
  const duplicateCount = duplicate ? Number(once(ctx, 'duplicateCount', 0)) || 0 : 0;
  const state = { rawObjects: {} };
  if (mode === 'raw') {
    const raw = ctx.getRawParameter('jsonOutput');
    if (typeof raw === 'string' && raw.startsWith('=')) state.template = raw.replace(/^=+/, '');
  } else if (version >= 3.3) {
    const kept = ctx.plans !== undefined ? ctx.plans[ASSIGNMENTS] : undefined;
    const plan = kept !== undefined ? kept : assignmentsPlan(ctx.getRawParameter('assignments'));
    if (plan !== null) state.plan = plan;
    else state.assignments = param(ctx, 'assignments', {});
  } else {
    state.fields = param(ctx, 'fields.values', []);
    const rawList = ctx.getRawParameter('fields.values');
    if (Array.isArray(rawList)) {
      for (const entry of rawList) {
        if (entry && entry.type === 'objectValue' && typeof entry.objectValue === 'string' && entry.objectValue.startsWith('=')) {
          state.rawObjects[entry.name] = entry.objectValue.replace(/^=+/, '');
        }
      }
    }
  }
  const includeOther = param(ctx, 'includeOtherFields', false);
  const include = param(ctx, 'include', 'all');
  const options = param(ctx, 'options', {});
  const includeFields = param(ctx, 'includeFields', '');
  const excludeFields = param(ctx, 'excludeFields', '');
  const build = mode === 'raw' ? rawFields : state.plan !== undefined ? plannedFields : manualFields;
  const out = [];
  // what each item is built with: made once, unless an expression in it
  // can differ from item to item
  const perItem = options.perItem || includeOther.perItem || include.perItem;
  let opts;
  for (let i = 0; i < items.length; i++) {
    if (opts === undefined || perItem) {
      const o = options(i) || {};
      opts = {
        include: version >= 3.3 ? (includeOther(i) ? include(i) : 'none') : include(i),
        dotNotation: o.dotNotation,
        ignoreConversionErrors: !!o.ignoreConversionErrors,
        includeBinary: o.includeBinary,
        stripBinary: o.stripBinary,
        includeFields,
        excludeFields,
      };
    }
    const item = buildItem(ctx, build, state, i, items[i], opts, version);
    out.push(item);
    for (let d = 0; d < duplicateCount; d++) out.push(item);
  }
  return [out];
}

// runV1 is the Set node of versions 1 and 2.
function runV1(ctx) {
  let items = ctx.getInputData();
  const version = ctx.node.typeVersion;
  if (items.length === 0) items = [{ json: {}, pairedItem: { item: 0 } }];
  const keepOnlySet = param(ctx, 'keepOnlySet', false);
  const options = param(ctx, 'options', {});
  const booleans = param(ctx, 'values.boolean', []);
  const numbers = param(ctx, 'values.number', []);
  const strings = param(ctx, 'values.string', []);
  const out = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const o = options(i) || {};
    const res = { json: {}, pairedItem: { item: i } };
    const owned = new Set();
    if (!keepOnlySet(i)) {
      if (item.binary !== undefined) res.binary = Object.assign({}, item.binary);
      res.json = Object.assign({}, item.json || {});
    }
    owned.add(res.json);
    for (const f of booleans(i) || []) writeField(res.json, f.name, !!f.value, o.dotNotation, owned);
    for (const f of numbers(i) || []) {
      let v = f.value;
      if (version >= 2 && typeof v === 'string' && !Number.isNaN(Number(v))) v = Number(v);
      writeField(res.json, f.name, v, o.dotNotation, owned);
    }
    for (const f of strings(i) || []) writeField(res.json, f.name, f.value, o.dotNotation, owned);
    out.push(res);
  }
  return [out];
}

export default {
  type: 'n8n-nodes-base.set',
  displayName: 'Edit Fields (Set)',
  description: 'Modify, add, or remove item fields',
  group: ['input'],
  versions: [1, 2, 3, 3.1, 3.2, 3.3, 3.4],
  inputs: 1,
  outputs: 1,
  parameters: [
    { name: 'mode', type: 'options', default: 'manual', options: ['manual', 'raw'], description: 'manual: set fields one by one; raw: build the item from JSON (from version 3)' },
    { name: 'duplicateItem', type: 'boolean', default: false, description: 'Whether to output each item duplicateCount extra times (manual executions only)' },
    { name: 'duplicateCount', type: 'number', default: 0, description: 'How many extra copies of each item to output' },
    {
      name: 'assignments',
      type: 'assignmentCollection',
      default: {},
      description: 'assignments: [{name, value, type}] with type string, number, boolean, array, object or binary (from version 3.3)',
    },
    {
      name: 'fields',
      type: 'fixedCollection',
      default: {},
      description: 'values: [{name, type: stringValue|numberValue|booleanValue|arrayValue|objectValue, <type>: value}] (versions 3 to 3.2)',
    },
    { name: 'jsonOutput', type: 'json', default: '{\n  "my_field_1": "value",\n  "my_field_2": 1\n}\n', description: 'The JSON object each item becomes (raw mode)' },
    { name: 'includeOtherFields', type: 'boolean', default: false, description: 'Whether to pass the input fields through along with the fields set (from version 3.3)' },
    { name: 'include', type: 'options', default: 'all', options: ['all', 'none', 'selected', 'except'], description: 'Which input fields to include in the output' },
    { name: 'includeFields', type: 'string', default: '', description: 'Comma-separated fields to include (include: selected)' },
    { name: 'excludeFields', type: 'string', default: '', description: 'Comma-separated fields to exclude (include: except)' },
    {
      name: 'options',
      type: 'collection',
      default: {},
      options: ['dotNotation', 'ignoreConversionErrors', 'includeBinary', 'stripBinary'],
      description: 'dotNotation (default true): "a.b" sets b inside a; ignoreConversionErrors: keep values that do not convert',
    },
    { name: 'keepOnlySet', type: 'boolean', default: false, description: 'Whether to drop the input fields (versions 1 and 2)' },
    { name: 'values', type: 'fixedCollection', default: {}, description: 'boolean, number and string lists of {name, value} (versions 1 and 2)' },
  ],
  // prepare works out what every run of the node would (prepare.js)
  prepare(params, version) {
    const plans = params[PLANS];
    if (plans === undefined || version < 3.3) return;
    const plan = assignmentsPlan(params.assignments);
    plans[ASSIGNMENTS] = plan;
    plans[SETUP] = setupPlan(plans, version);
    if (plan !== null) {
      for (const a of plan.list) if (simpleKey(a.name)) SIMPLE[a.name] = true;
    }
  },
  run(ctx) {
    if (ctx.node.typeVersion < 3) return runV1(ctx);
    return runV3(ctx);
  },
};
