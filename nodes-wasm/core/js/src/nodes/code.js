// Code (version 2, JavaScript): runs the user's code once for all items or
// once per item, with the variables n8n's Code node provides, and turns what
// it returns into items with n8n's checks and error messages.
//
// The code is compiled once per run as the body of a function whose
// parameters are the sandbox variables. When it uses `await` (or returns a
// promise) the run returns a promise: the host runs the engine's pending
// jobs until it settles.
import { cachedFunction } from '../compiled.js';
import { isVariable } from '../expr/index.js';
import { DateTime, Duration, Interval } from 'luxon';
import { NodeOperationError } from '../errors.js';
import { v8Message, sourceLine, isThenable } from './lib/jsErrors.js';
import './lib/zones.js';

// Keys an output item may have next to (or instead of) its json.
const ITEM_KEYS = { json: true, binary: true, pairedItem: true, error: true, metadata: true, index: true };

const RESERVED_WORDS = new Set(('break case catch class const continue debugger default delete do else enum export '
  + 'extends false finally for function if import in instanceof new null return super switch this throw true try '
  + 'typeof var void while with yield let static implements interface package private protected public await '
  + 'arguments eval').split(' '));
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

// CodeError is an error with n8n's Code node suffixes: [line N], [item N] or
// [line N, for item N].
class CodeError extends NodeOperationError {
  constructor(message, { description, itemIndex, lineNumber } = {}) {
    let text = message;
    if (lineNumber !== undefined && itemIndex !== undefined) text = `${message} [line ${lineNumber}, for item ${itemIndex}]`;
    else if (lineNumber !== undefined) text = `${message} [line ${lineNumber}]`;
    else if (itemIndex !== undefined) text = `${message} [item ${itemIndex}]`;
    super(text, { description, itemIndex });
  }
}

function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

// executionError turns what the user's code threw into n8n's message: the
// error's message (its first line) followed by the line it was raised on.
function executionError(err, itemIndex, code, mode, compiling) {
  if (err instanceof CodeError) return err;
  let message;
  let description;
  let line;
  if (err !== null && typeof err === 'object' && typeof err.stack === 'string') {
    const name = typeof err.name === 'string' ? err.name : 'Error';
    let text = v8Message(name, typeof err.message === 'string' ? err.message : String(err.message));
    if (mode === 'runOnceForAllItems' && text === 'items is not defined' && !/(let|const|var) +items +=/.test(code)) {
      text = '`items` is not defined. Did you mean `$input.all()`?';
    } else if (mode === 'runOnceForEachItem' && text === 'item is not defined' && !/(let|const|var) +item +=/.test(code)) {
      text = '`item` is not defined. Did you mean `$input.item.json`?';
    }
    message = text.split('\n')[0];
    if (name !== 'Error' && name.toLowerCase() !== 'error') description = name;
    if (err.description !== undefined && typeof err.description === 'string') description = err.description;
    line = sourceLine(err, compiling);
    if (line !== undefined) line = Math.max(1, line - 1);
  }
  if (!message) message = 'Unknown error';
  let suffix = '';
  if (line !== undefined) suffix = itemIndex === undefined ? ` [line ${line}]` : ` [line ${line}, for item ${itemIndex}]`;
  const out = new NodeOperationError(`${message}${suffix}`, { description, itemIndex });
  return out;
}

// disallowedInEachItem rejects $input.first()/last()/all()/itemMatching() in
// "Run Once for Each Item" mode, as n8n does before running the code.
function disallowedInEachItem(code, itemIndex) {
  const m = /\$input\.(first|last|all|itemMatching)/.exec(code);
  if (!m) return;
  const method = m[1];
  const lines = code.split('\n');
  let lineNumber = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.indexOf(method) >= 0 && !l.startsWith('//') && !l.startsWith('*')) {
      lineNumber = i + 1;
      break;
    }
  }
  if (lineNumber === 0) return;
  throw new CodeError(`Can't use .${method}() here`, {
    description: "This is only available in 'Run Once for All Items' mode",
    itemIndex,
    lineNumber,
  });
}

// normalizeItems wraps plain objects as {json} items (n8n's normalizeItems).
function normalizeItems(result) {
  let data = result;
  if (typeof data === 'object' && !Array.isArray(data)) data = data.json ? [data] : [{ json: data }];
  const hasJson = (it) => typeof it === 'object' && it !== null && 'json' in it;
  const hasBinary = (it) => typeof it === 'object' && it !== null && 'binary' in it;
  if (data.every(hasJson)) return data;
  if (data.some(hasJson)) throw new CodeError('Inconsistent item format');
  if (data.every(hasBinary)) {
    return data.map((it) => {
      const json = {};
      for (const k of Object.keys(it)) if (k !== 'binary') json[k] = it[k];
      return { json, binary: it.binary };
    });
  }
  if (data.some(hasBinary)) throw new CodeError('Inconsistent item format');
  return data.map((it) => ({ json: it }));
}

function validateItem(item, itemIndex) {
  if (item.json === undefined || !isObject(item.json)) {
    throw new CodeError("A 'json' property isn't an object", {
      description: "In the returned data, every key named 'json' must point to an object.",
      itemIndex,
    });
  }
  if (item.binary !== undefined && !isObject(item.binary)) {
    throw new CodeError("A 'binary' property isn't an object", {
      description: "In the returned data, every key named 'binary' must point to an object.",
      itemIndex,
    });
  }
}

function validateTopLevelKeys(item, itemIndex) {
  let reserved = null;
  let unknown = null;
  for (const key of Object.keys(item)) {
    if (ITEM_KEYS[key] === true) {
      if (reserved === null) reserved = key;
    } else if (unknown === null) {
      unknown = key;
    }
  }
  if (unknown === null) return;
  if (reserved !== null) {
    throw new CodeError('Invalid output format', {
      description: `An output item contains the reserved key <code>${reserved}</code>. To get around this, please wrap each item in an object, under a key called <code>json</code>. <a href="https://docs.n8n.io/data/data-structure/#data-structure" target="_blank">Example</a>`,
      itemIndex,
    });
  }
  throw new CodeError(`Unknown top-level item key: ${unknown}`, {
    description: 'Access the properties of an item under `.json`, e.g. `item.json`',
    itemIndex,
  });
}

// validateAllItems checks and normalises what "Run Once for All Items"
// code returned.
function validateAllItems(result) {
  if (result === null) return [];
  const notItems = () => new CodeError("Code doesn't return items properly", {
    description: 'Please return an array of objects, one for each item you would like to output.',
  });
  if (typeof result !== 'object') throw notItems();
  if (Array.isArray(result)) {
    for (const it of result) if (!isObject(it)) throw notItems();
    const mustHaveItemKeys = result.some((it) => Object.keys(it).some((k) => ITEM_KEYS[k] === true));
    if (mustHaveItemKeys) result.forEach((it, i) => validateTopLevelKeys(it, i));
  }
  const items = normalizeItems(result);
  items.forEach((it, i) => validateItem(it, i));
  return items;
}

// validateEachItem checks and normalises what "Run Once for Each Item"
// code returned for one item (undefined: no output for it).
function validateEachItem(result, itemIndex) {
  if (result === null) return undefined;
  if (typeof result !== 'object') {
    throw new CodeError("Code doesn't return an object", {
      description: `Please return an object representing the output item. ('${String(result)}' was returned instead.)`,
      itemIndex,
    });
  }
  if (Array.isArray(result)) {
    const first = result.length > 0 ? `An array of ${typeof result[0]}s was returned.` : 'An empty array was returned.';
    throw new CodeError("Code doesn't return a single object", {
      description: `${first} If you need to output multiple items, please use the 'Run Once for All Items' mode instead.`,
      itemIndex,
    });
  }
  const [item] = normalizeItems([result]);
  validateItem(item, itemIndex);
  validateTopLevelKeys(item, itemIndex);
  return item;
}

// standardizeOutput stringifies class instances (anything but plain objects,
// arrays, dates and values with toJSON) nested in an item's json.
function standardizeOutput(obj, seen = new Set()) {
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (!isObject(v) || typeof v.toJSON === 'function' || Object.keys(v).length === 0) continue;
    if (seen.has(v)) continue;
    seen.add(v);
    const proto = Object.getPrototypeOf(v);
    const ctorName = proto && proto.constructor ? proto.constructor.name : 'Object';
    obj[key] = ctorName !== 'Object' ? JSON.stringify(v) : standardizeOutput(v, seen);
  }
  return obj;
}

// identifiers returns the identifier-like words of the code. Only the
// sandbox variables the code mentions are read (some are costly to build).
function identifiers(code) {
  const out = new Set();
  const re = /[A-Za-z_$][\w$]*/g;
  let m;
  while ((m = re.exec(code)) !== null) out.add(m[0]);
  return out;
}

// FALLBACKS are the variables given when the data proxy lacks them.
const FALLBACKS = {
  DateTime: () => DateTime,
  Duration: () => Duration,
  Interval: () => Interval,
  $now: () => DateTime.now(),
  $today: () => DateTime.now().startOf('day'),
  $workflow: (ctx) => {
    const wf = ctx.context.workflow || {};
    return { id: wf.id, name: wf.name, active: !!wf.active };
  },
  $execution: (ctx) => {
    const ex = ctx.context.execution || {};
    return { id: ex.id, mode: ex.mode === 'manual' ? 'test' : 'production', resumeUrl: '', resumeFormUrl: '', customData: {} };
  },
  $vars: (ctx) => ctx.context.vars || {},
  $runIndex: (ctx) => ctx.runIndex,
  $itemIndex: (ctx, itemIndex) => itemIndex,
};
const FALLBACK_NAMES = Object.keys(FALLBACKS);

// sandbox builds the variables the code uses, for one item: those of the
// expression runtime's data proxy, n8n's Code node additions, and fallbacks
// for what the proxy does not provide.
function sandbox(ctx, itemIndex, mode, staticData, used) {
  // only the variables the code names are read (each getter runs as it
  // would from the data proxy)
  const vars = {};
  for (const k of used) if (isVariable(k)) vars[k] = ctx.variable(k, itemIndex);
  for (const k of FALLBACK_NAMES) if (used.has(k) && !(k in vars)) vars[k] = FALLBACKS[k](ctx, itemIndex);
  if (mode === 'runOnceForAllItems') {
    if (used.has('items')) {
      const input = ctx.variable('$input', itemIndex);
      vars.items = input && typeof input.all === 'function' ? input.all() : ctx.getInputData();
    }
  } else if (used.has('item')) {
    const input = ctx.variable('$input', itemIndex);
    vars.item = input ? input.item : ctx.getInputData()[itemIndex];
  }
  if (used.has('$getWorkflowStaticData')) {
    // n8n keeps a workflow's static data as {global: {...}, "node:<name>":
    // {...}}; the host sends it and keeps what the node leaves.
    vars.$getWorkflowStaticData = (type) => {
      if (type !== 'global' && type !== 'node') throw new Error("The type needs to either be 'node' or 'global'!");
      const key = type === 'global' ? 'global' : `node:${ctx.node.name}`;
      if (!staticData[key] || typeof staticData[key] !== 'object') staticData[key] = {};
      return staticData[key];
    };
  }
  if (used.has('$getNodeParameter')) {
    vars.$getNodeParameter = (name, i, fallbackValue) => ctx.getNodeParameter(name, i === undefined ? itemIndex : i, fallbackValue);
  }
  return vars;
}

// compile turns the code into a function of the sandbox variables' values.
// The code starts on the second line of the compiled source (the engine
// records no line for statements on a function's first line), so a line
// the engine reports is one more than the code's line.
// It returns a function that throws the syntax error when the code does
// not compile (n8n reports it like any error of the code).
function compile(code, names, isAsync) {
  const src = `(function(${names.join(',')}){return ${isAsync ? 'async ' : ''}function __weftCode(){\n${code}\n}})`;
  try {
    return { factory: cachedFunction(src, () => ({ src })).fn };
  } catch (err) {
    return { syntaxError: err };
  }
}

function variableNames(vars) {
  return Object.keys(vars).filter((k) => IDENTIFIER.test(k) && !RESERVED_WORDS.has(k));
}

export default {
  type: 'n8n-nodes-base.code',
  displayName: 'Code',
  description: 'Run custom JavaScript code',
  group: ['transform'],
  versions: [2],
  inputs: 1,
  outputs: 1,
  parameters: [
    {
      name: 'mode', type: 'options', default: 'runOnceForAllItems',
      options: ['runOnceForAllItems', 'runOnceForEachItem'],
      description: 'Run the code once for all input items, or once for each item',
    },
    {
      name: 'language', type: 'options', default: 'javaScript', options: ['javaScript', 'python', 'pythonNative'],
      description: 'The language of the code (only JavaScript runs in this engine)',
    },
    {
      name: 'jsCode', type: 'string', default: '',
      description: 'JavaScript code to run; it returns the output items ($input, $json, items, item, $(…) and the other n8n variables are available)',
    },
  ],
  run(ctx) {
    const mode = ctx.getNodeParameter('mode', 0);
    const language = ctx.getNodeParameter('language', 0);
    if (language !== 'javaScript') {
      throw new NodeOperationError(`The Code node's ${language} language is not supported`, {
        description: 'Only JavaScript code can run in this engine.',
      });
    }
    const code = String(ctx.getNodeParameter('jsCode', 0) ?? '');
    const items = ctx.getInputData();
    const given = ctx.context.staticData;
    const before = given && typeof given === 'object' ? JSON.stringify(given) : '{}';
    const staticData = JSON.parse(before);
    const used = identifiers(code);
    const first = sandbox(ctx, 0, mode, staticData, used);
    const names = variableNames(first);
    const isAsync = /\bawait\b/.test(code);
    const { factory, syntaxError } = compile(code, names, isAsync);
    const call = (vars) => {
      if (syntaxError) throw syntaxError;
      return factory(...names.map((n) => vars[n]))();
    };
    const keep = () => {
      if (used.has('$getWorkflowStaticData') && JSON.stringify(staticData) !== before) ctx.requests.staticData = staticData;
    };
    const out = mode === 'runOnceForEachItem'
      ? runEachItem(ctx, code, items, call, first, staticData, used, syntaxError)
      : runAllItems(ctx, code, call, first, syntaxError);
    if (isThenable(out)) return out.then((v) => { keep(); return v; }, (e) => { keep(); throw e; });
    keep();
    return out;
  },
};

function runAllItems(ctx, code, call, vars, syntaxError) {
  const fail = (err) => {
    const error = executionError(err, undefined, code, 'runOnceForAllItems', err === syntaxError);
    if (!ctx.continueOnFail()) throw error;
    return [[{ json: { error: error.message } }]];
  };
  const finish = (result) => {
    let out;
    try {
      out = validateAllItems(result);
    } catch (err) {
      return fail(err);
    }
    for (const it of out) standardizeOutput(it.json);
    return [out];
  };
  let result;
  try {
    result = call(vars);
  } catch (err) {
    return fail(err);
  }
  if (isThenable(result)) return Promise.resolve(result).then(finish, fail);
  return finish(result);
}

function runEachItem(ctx, code, items, call, firstVars, staticData, used, syntaxError) {
  const mode = 'runOnceForEachItem';
  const out = [];
  const fail = (err, i) => {
    const error = executionError(err, i, code, mode, err === syntaxError);
    if (!ctx.continueOnFail()) throw error;
    out.push({ json: { error: error.message }, pairedItem: { item: i } });
  };
  const accept = (result, i) => {
    let item;
    try {
      item = validateEachItem(result, i);
    } catch (err) {
      fail(err, i);
      return;
    }
    if (!item) return;
    const emitted = { json: standardizeOutput(item.json), pairedItem: { item: i } };
    if (item.binary) emitted.binary = item.binary;
    out.push(emitted);
  };
  const loop = (start) => {
    for (let i = start; i < items.length; i++) {
      let result;
      try {
        disallowedInEachItem(code, i);
        result = call(i === 0 ? firstVars : sandbox(ctx, i, mode, staticData, used));
      } catch (err) {
        fail(err, i);
        continue;
      }
      if (isThenable(result)) {
        return Promise.resolve(result).then(
          (value) => { accept(value, i); return loop(i + 1); },
          (err) => { fail(err, i); return loop(i + 1); },
        );
      }
      accept(result, i);
    }
    return [out];
  };
  return loop(0);
}
