// Entry point of the core module's JavaScript. The C reactor calls
// globalThis.__weft_run with the task document (a string) and returns the
// string it gives back as the result document.
import { nodeTypes, lookup } from './nodes/index.js';
import { NodeContext } from './context.js';
import { errorDocument } from './errors.js';
import { warmUp } from './warmup.js';
import { keepLayouts } from './layouts.js';
import { beginTask, endTask } from './compiled.js';
import { takeContext } from './taskContext.js';
import { deferTimezone } from './expr/luxon.js';
import { prepare, preparedParameters } from './prepare.js';

// currentCtx is the context of the node running, whose logs console
// methods add to.
let currentCtx = null;

function formatArg(v) {
  if (typeof v === 'string') return v;
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return `[Function${v.name ? ': ' + v.name : ''}]`;
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s;
  } catch (e) {
    return String(v);
  }
}

function logger(level) {
  return (...args) => {
    if (currentCtx) currentCtx.logs.push({ level, message: args.map(formatArg).join(' ') });
  };
}

globalThis.console = {
  log: logger('info'),
  info: logger('info'),
  debug: logger('debug'),
  warn: logger('warn'),
  error: logger('error'),
};

function specDocument(spec) {
  return {
    type: spec.type,
    displayName: spec.displayName,
    description: spec.description,
    versions: spec.versions,
    group: spec.group,
    trigger: !!spec.trigger,
    // -1: the number of inputs depends on the parameters.
    inputs: spec.trigger ? 0 : typeof spec.inputs === 'function' ? -1 : (spec.inputs ?? 1),
    outputs: typeof spec.outputs === 'function' ? null : (spec.outputs ?? 1),
    parameters: spec.parameters || [],
    hostHandled: !!spec.hostHandled,
  };
}

function optionValue(o) {
  return o !== null && typeof o === 'object' ? o.value : o;
}

// checkParameters checks the parameters a node sets against its spec: an
// option value the type does not have, a value of the wrong JSON type.
// Expressions are checked when they run, not here.
function checkParameters(spec, params) {
  const problems = [];
  for (const p of spec.parameters || []) {
    const v = params[p.name];
    if (v === undefined || (typeof v === 'string' && v.startsWith('='))) continue;
    const want = {
      string: 'string', number: 'number', boolean: 'boolean', json: 'string',
      collection: 'object', fixedCollection: 'object', assignmentCollection: 'object', filter: 'object',
    }[p.type];
    if (p.type === 'options' && Array.isArray(p.options) && p.options.length) {
      const values = p.options.map(optionValue);
      if (!values.includes(v)) problems.push(`${p.name}: ${JSON.stringify(v)} is not one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
    } else if (want === 'object' && (v === null || typeof v !== 'object' || Array.isArray(v))) {
      problems.push(`${p.name}: want an object, got ${JSON.stringify(v)}`);
    } else if (want && want !== 'object' && typeof v !== want) {
      problems.push(`${p.name}: want a ${want}, got ${JSON.stringify(v)}`);
    }
  }
  return problems;
}

function describe(nodes) {
  return nodes.map((n) => {
    const spec = lookup(n.type, n.typeVersion);
    if (!spec) return { name: n.name, known: false };
    const params = n.parameters || {};
    let outputs = spec.outputs ?? 1;
    if (typeof outputs === 'function') {
      try {
        outputs = outputs(params, n.typeVersion);
      } catch (e) {
        outputs = 1;
      }
    }
    let inputs = spec.trigger ? 0 : (spec.inputs ?? 1);
    if (typeof inputs === 'function') inputs = inputs(params, n.typeVersion);
    const doc = { name: n.name, known: true, inputs, outputs };
    const problems = checkParameters(spec, params);
    if (typeof spec.validate === 'function') {
      problems.push(...(spec.validate(params, n.typeVersion) || []));
    }
    if (problems.length) doc.problems = problems;
    return doc;
  });
}

// crypto.getRandomValues draws from the same per-task generator as
// Math.random (the reactor reseeds it from the host for every task).
Object.defineProperty(globalThis, 'crypto', {
  configurable: true,
  writable: true,
  value: {
    getRandomValues(arr) {
      const next = globalThis.__weft_random_u32;
      for (let i = 0; i < arr.length; i++) arr[i] = next ? next() : Math.floor(Math.random() * 4294967296);
      return arr;
    },
  },
});

// referenceInputs replaces output items that are input items, unchanged, by
// their position: i for input 0's item i, [k, i] for input k's. A host that
// asks for this (task.refs) then reuses the items it sent instead of
// decoding them again. Only for
// node types that declare `itemsUnchanged` (they route items, never modify
// them); anything else may have changed an item in place.
function referenceInputs(ctx, outputs) {
  const inputs = ctx.inputs;
  if (nativeRefs !== null) {
    const refs = nativeRefs(inputs, outputs);
    if (refs !== undefined) return refs;
  }
  // the one input's items, when there is one input
  const single = inputs.length === 1 ? inputs[0] || [] : null;
  let count = 0;
  if (single !== null) count = single.length;
  else for (let k = 0; k < inputs.length; k++) count += (inputs[k] || []).length;
  // few input items are found by looking through them, more by a map
  let pos = null;
  if (count > 16) {
    pos = new Map();
    for (let k = 0; k < inputs.length; k++) {
      const list = inputs[k] || [];
      for (let i = 0; i < list.length; i++) pos.set(list[i], k === 0 ? i : [k, i]);
    }
  }
  const out = [];
  for (let o = 0; o < outputs.length; o++) {
    const list = outputs[o];
    if (!Array.isArray(list)) {
      out.push(list);
      continue;
    }
    const refs = [];
    for (let j = 0; j < list.length; j++) {
      const it = list[j];
      let p;
      if (pos !== null) p = pos.get(it);
      else if (single !== null) {
        // position(inputs, it), without the call
        let i = single.length - 1;
        while (i >= 0 && single[i] !== it) i--;
        if (i >= 0) p = i;
      } else p = position(inputs, it);
      refs.push(p === undefined ? it : p);
    }
    out.push(refs);
  }
  return out;
}

// nativeRefs is the C reactor's __weft_refs(inputs, outputs): the same
// as referenceInputs for a few input items, or undefined.
const nativeRefs = typeof globalThis.__weft_refs === 'function' ? globalThis.__weft_refs : null;

// position is where item it is among the inputs (i for input 0's item i,
// [k, i] for input k's; the last place it appears, as with the map), or
// undefined.
function position(inputs, it) {
  for (let k = inputs.length - 1; k >= 0; k--) {
    const list = inputs[k] || [];
    for (let i = list.length - 1; i >= 0; i--) if (list[i] === it) return k === 0 ? i : [k, i];
  }
  return undefined;
}

function finish(ctx, outputs, error) {
  const result = {};
  if (error !== undefined) {
    result.outputs = null;
    result.error = errorDocument(error);
  } else if (outputs === undefined || outputs === null) {
    result.outputs = null;
  } else {
    result.outputs = ctx.spec.itemsUnchanged && ctx.task.refs === true ? referenceInputs(ctx, outputs) : outputs;
  }
  if (ctx._logs !== undefined && ctx._logs.length) result.logs = ctx._logs;
  if (ctx.nodeStateOut !== undefined) result.nodeState = ctx.nodeStateOut;
  const requests = ctx._requests;
  if (requests !== undefined) {
    if (requests.wait) result.wait = requests.wait;
    if (requests.response) result.response = requests.response;
    if (requests.staticData) result.staticData = requests.staticData;
    if (requests.executeWorkflow) result.executeWorkflow = requests.executeWorkflow;
  }
  const compiled = endTask();
  if (compiled !== null) result.compiled = compiled;
  return result;
}

// pending holds the result of a node whose run returned a promise; the C
// reactor runs the job queue and then calls __weft_take.
let pending = null;

function runNode(task) {
  const spec = lookup(task.node.type, task.node.typeVersion);
  if (!spec) {
    return { outputs: null, error: { message: `Unrecognized node type: ${task.node.type} (version ${task.node.typeVersion})` } };
  }
  const ctx = new NodeContext(task, spec);
  currentCtx = ctx;
  let outputs;
  try {
    outputs = spec.run(ctx);
  } catch (err) {
    return finish(ctx, undefined, err);
  }
  if (outputs && typeof outputs.then === 'function') {
    const slot = { done: false, result: null };
    outputs.then(
      (v) => { slot.done = true; slot.result = finish(ctx, v); },
      (e) => { slot.done = true; slot.result = finish(ctx, undefined, e); },
    );
    return slot;
  }
  return finish(ctx, outputs);
}

// A node task as the host writes it (a webhook's item), for keepLayouts.
const SAMPLE_TASK = '{"abi":1,"refs":true,"node":{"name":"n","type":"n8n-nodes-base.noOp","typeVersion":1,"parameters":{}},' +
  '"inputs":[[{"json":{"headers":{},"params":{},"query":{},"body":{},"webhookUrl":"","executionMode":"production"},"pairedItem":{"item":0}}]],' +
  '"context":"{}"}';

// The task of a prepared node, whose node names its parameters (the
// module keeps the shapes of the documents it parses, glue/json.c).
const SAMPLE_PREPARED_TASK = '{"abi":1,"refs":true,"node":{"name":"n","type":"n8n-nodes-base.noOp","typeVersion":1,"prepared":""},' +
  '"inputs":[[{"json":{},"pairedItem":{"item":0}}]],"context":{}}';

// Parameters as n8n writes them for If and Filter, for keepLayouts. (Edit
// Fields' were measured too: its tasks then cost more, not less.)
const SAMPLE_PARAMETERS = '[{"conditions":{"options":{"caseSensitive":true,"leftValue":"","typeValidation":"strict","version":2},' +
  '"conditions":[{"id":"","leftValue":"","rightValue":"","operator":{"type":"string","operation":"equals"}}],"combinator":"and"},"options":{}}]';

// keepTaskLayouts keeps the layouts every node run makes (layouts.js): the
// task document and its items, If's and Filter's parameters, an item's
// expression scope, results and compiled code records. (Keeping the node context's and the resolver's
// own layouts too was measured, and cost more than it saved.)
function keepTaskLayouts() {
  const parse = globalThis.__weft_json_parse;
  const task = typeof parse === 'function' ? parse(SAMPLE_TASK) : JSON.parse(SAMPLE_TASK);
  keepLayouts(task);
  if (typeof parse === 'function') parse(SAMPLE_PREPARED_TASK, 'context');
  keepLayouts(typeof parse === 'function' ? parse(SAMPLE_PARAMETERS) : JSON.parse(SAMPLE_PARAMETERS));
  keepLayouts(new NodeContext(task, lookup(task.node.type, task.node.typeVersion)).resolver.slot(0));
  keepLayouts([{ outputs: [[0]], compiled: { k: { c: '', m: '' } } }, { fn: null, meta: '' }, { fn: null, single: true }]);
}

function handle(text) {
  // the C reactor parses the task itself, unless it left that to JSON.parse
  const task = typeof text === 'string' ? JSON.parse(text) : text;
  takeContext(task);
  deferTimezone(null);
  beginTask();
  if (task.abi !== 1) return { outputs: null, error: { message: `unsupported task ABI version ${task.abi}` } };
  switch (task.node.type) {
    case 'weft.warmUp':
      warmUp(runNode);
      keepTaskLayouts();
      return { outputs: [[]] };
    case 'weft.specs':
      return { outputs: [[]], specs: nodeTypes.map(specDocument) };
    case 'weft.describe':
      return { outputs: [[]], nodes: describe((task.node.parameters || {}).nodes || []) };
    case 'weft.prepare': {
      const counts = prepare((task.node.parameters || {}).nodes);
      endTask(); // what it compiled stays in the snapshot, not in a result
      return { outputs: [[]], prepared: counts };
    }
    default: {
      // a prepared node's task names its parameters instead of carrying them
      const node = task.node;
      if (node.prepared !== undefined) {
        const params = preparedParameters(node.prepared);
        if (params === undefined) {
          return { outputs: null, unprepared: true, error: { message: `The parameters of node "${node.name}" are not prepared in this module` } };
        }
        node.parameters = params;
      }
      return runNode(task);
    }
  }
}

// __weft_run takes the task (a document or its JSON text) and returns the
// result document, which the C reactor writes as JSON, or null when the
// node is still waiting on a promise (then __weft_take returns it once jobs
// have run).
globalThis.__weft_run = function (task) {
  pending = null;
  try {
    const r = handle(task);
    if (r && r.done !== undefined) {
      pending = r;
      return null;
    }
    currentCtx = null;
    return r;
  } catch (err) {
    currentCtx = null;
    return { outputs: null, error: errorDocument(err) };
  }
};

globalThis.__weft_take = function () {
  const slot = pending;
  pending = null;
  currentCtx = null;
  if (!slot || !slot.done) {
    return { outputs: null, error: { message: 'The node did not finish: it is waiting on a promise that never settles' } };
  }
  return slot.result;
};

// __weft_error is the result document of an error the reactor caught (a
// result it could not write as JSON, say).
globalThis.__weft_error = function (err) {
  return { outputs: null, error: errorDocument(err) };
};
