// Entry point of the core module's JavaScript. The C reactor calls
// globalThis.__weft_run with the task document (a string) and returns the
// string it gives back as the result document.
import { nodeTypes, lookup } from './nodes/index.js';
import { NodeContext } from './context.js';
import { errorDocument } from './errors.js';
import { warmUp } from './warmup.js';

let currentLogs = null;

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
    if (currentLogs) currentLogs.push({ level, message: args.map(formatArg).join(' ') });
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
    inputs: spec.trigger ? 0 : (spec.inputs ?? 1),
    outputs: typeof spec.outputs === 'function' ? null : (spec.outputs ?? 1),
    parameters: spec.parameters || [],
    hostHandled: !!spec.hostHandled,
  };
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
    if (typeof spec.validate === 'function') {
      const problems = spec.validate(params, n.typeVersion);
      if (problems && problems.length) doc.problems = problems;
    }
    return doc;
  });
}

function runNode(task) {
  const spec = lookup(task.node.type, task.node.typeVersion);
  if (!spec) {
    return { outputs: null, error: { message: `Unrecognized node type: ${task.node.type} (version ${task.node.typeVersion})` } };
  }
  const ctx = new NodeContext(task, spec);
  currentLogs = ctx.logs;
  const result = {};
  try {
    const outputs = spec.run(ctx);
    result.outputs = outputs === undefined ? null : outputs;
  } catch (err) {
    result.outputs = null;
    result.error = errorDocument(err);
  }
  if (ctx.logs.length) result.logs = ctx.logs;
  if (ctx.nodeStateOut !== undefined) result.nodeState = ctx.nodeStateOut;
  if (ctx.requests.wait) result.wait = ctx.requests.wait;
  if (ctx.requests.executeWorkflow) result.executeWorkflow = ctx.requests.executeWorkflow;
  return result;
}

function handle(text) {
  const task = JSON.parse(text);
  if (task.abi !== 1) return { outputs: null, error: { message: `unsupported task ABI version ${task.abi}` } };
  switch (task.node.type) {
    case 'weft.warmUp':
      warmUp(runNode);
      return { outputs: [[]] };
    case 'weft.specs':
      return { outputs: [[]], specs: nodeTypes.map(specDocument) };
    case 'weft.describe':
      return { outputs: [[]], nodes: describe((task.node.parameters || {}).nodes || []) };
    default:
      return runNode(task);
  }
}

globalThis.__weft_run = function (text) {
  try {
    return JSON.stringify(handle(text));
  } catch (err) {
    return JSON.stringify({ outputs: null, error: errorDocument(err) });
  } finally {
    currentLogs = null;
  }
};
