// The object a node's run(ctx) receives: its inputs, its parameters resolved
// per item, and the requests it can make of the host.
import { createResolver } from './expr/index.js';

export function getPath(obj, path) {
  if (path === '' || path === undefined) return obj;
  let cur = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(key in cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function specDefault(spec, path) {
  if (!spec || !Array.isArray(spec.parameters)) return undefined;
  const top = path.split('.')[0];
  const p = spec.parameters.find((q) => q.name === top);
  if (!p) return undefined;
  if (top === path) return p.default;
  return getPath(p.default, path.slice(top.length + 1));
}

// hasExpression reports whether a parameter value holds an `=` expression
// anywhere inside it.
export function hasExpression(v) {
  if (typeof v === 'string') return v.charCodeAt(0) === 61; // '='
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (hasExpression(v[i])) return true;
    return false;
  }
  for (const k in v) if (hasExpression(v[k])) return true;
  return false;
}

function clone(v) {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

export class NodeContext {
  constructor(task, spec) {
    this.task = task;
    this.spec = spec;
    this.node = task.node;
    this.inputs = task.inputs || [];
    this.logs = [];
    this.requests = {};
    this.nodeStateOut = undefined;
    this._resolver = undefined;
  }

  // The task context is parsed on first use: most node runs never need it.
  get context() {
    return this.task.context || {};
  }

  get runIndex() {
    return this.context.runIndex || 0;
  }

  get resolver() {
    if (!this._resolver) this._resolver = createResolver(this.task, this);
    return this._resolver;
  }

  getInputData(input = 0) {
    return this.inputs[input] || [];
  }

  getRawParameter(path) {
    return getPath(this.node.parameters || {}, path);
  }

  getNodeParameter(path, itemIndex = 0, fallback) {
    let raw = this.getRawParameter(path);
    if (raw === undefined) {
      raw = specDefault(this.spec, path);
      if (raw === undefined) return fallback;
      return raw !== null && typeof raw === 'object' ? clone(raw) : raw;
    }
    if (!hasExpression(raw)) return raw; // parameters are read-only
    return this.resolver.resolve(raw, itemIndex);
  }

  // evaluateExpression resolves an expression for an item; like n8n's it
  // takes the expression with or without its leading '='.
  evaluateExpression(expr, itemIndex = 0) {
    const src = typeof expr === 'string' && expr.charCodeAt(0) !== 61 ? '=' + expr : expr;
    return this.resolver.resolve(src, itemIndex);
  }

  dataProxy(itemIndex = 0) {
    return this.resolver.dataProxy(itemIndex);
  }

  continueOnFail() {
    const mode = this.context.onError;
    return mode === 'continueRegularOutput' || mode === 'continueErrorOutput';
  }

  getNodeState() {
    return this.context.nodeState;
  }

  setNodeState(state) {
    this.nodeStateOut = state;
  }

  log(level, message) {
    this.logs.push({ level, message: String(message) });
  }

  wait(ms) {
    this.requests.wait = { ms };
  }

  // respond asks the host to answer the webhook call that started the
  // execution (Respond to Webhook): doc is {status, headers, contentType,
  // body, encoding?} (README: Result).
  respond(doc) {
    this.requests.response = doc;
  }

  executeWorkflow(workflow, items) {
    this.requests.executeWorkflow = { workflow, items };
  }
}
