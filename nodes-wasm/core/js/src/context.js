// The object a node's run(ctx) receives: its inputs, its parameters resolved
// per item, and the requests it can make of the host.
import { createResolver } from './expr/index.js';
import { contextOf } from './taskContext.js';

export function getPath(obj, path) {
  if (path === '' || path === undefined) return obj;
  if (path.indexOf('.') < 0) {
    return obj !== null && typeof obj === 'object' && path in obj ? obj[path] : undefined;
  }
  let cur = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(key in cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

// parameterIndex maps a spec's parameter names to their definitions, built
// once per spec.
const parameterIndexes = new WeakMap();

export function parameterIndex(spec) {
  let index = parameterIndexes.get(spec);
  if (index === undefined) {
    index = new Map();
    const constants = Object.create(null);
    for (const p of spec.parameters || []) {
      if (index.has(p.name)) continue;
      index.set(p.name, p);
      const v = p.default;
      if (v !== undefined && (v === null || typeof v !== 'object')) constants[p.name] = () => v;
    }
    parameterIndexes.set(spec, index);
    spec[CONSTANTS] = constants;
  }
  return index;
}

// A spec's CONSTANTS property holds, per parameter whose default is a
// primitive, a function returning that default: what param() and
// getNodeParameter give for such a parameter when a node does not set it,
// made once (the index of every spec is built before the snapshot) instead
// of on every read. The function is shared: callers must not change it. A
// property of a prototype-less object, as every task reads some: cheaper
// to reach than through a map.
export const CONSTANTS = Symbol('constantDefaults');

// A prepared node's parameters object holds, under PLANS, what param() and
// getNodeParameter work out for each top-level parameter
// (params.js, planParameters): {value, fn, build}. It is made while
// preparing (prepare.js), so that the node's tasks, which find the object
// in the snapshot, do not work it out again.
export const PLANS = Symbol('parameterPlans');

// rawParameter is the parameter at path as the node sets it (ctx.node's
// parameters), or undefined.
export function rawParameter(node, path) {
  const params = node.parameters;
  if (path.indexOf('.') >= 0) return getPath(params || {}, path);
  return params !== null && typeof params === 'object' && path in params ? params[path] : undefined;
}

function specDefault(spec, path) {
  if (!spec || !Array.isArray(spec.parameters)) return undefined;
  const dot = path.indexOf('.');
  const top = dot < 0 ? path : path.slice(0, dot);
  const p = parameterIndex(spec).get(top);
  if (!p) return undefined;
  if (dot < 0) return p.default;
  return getPath(p.default, path.slice(dot + 1));
}

// expressionKeys is the C reactor's __weft_expression_keys(obj): for plain
// parameter data, null when nothing in obj is an expression, the keys
// holding expression strings when only obj's own values do, false when a
// deeper value does; undefined for anything else (and outside the engine).
export const expressionKeys = typeof globalThis.__weft_expression_keys === 'function' ? globalThis.__weft_expression_keys : () => undefined;

// expressionPaths is the C reactor's __weft_expression_paths(obj): for
// plain parameter data, null when nothing in obj is an expression, else
// the path (an array of keys) to each expression string, depth first in
// Object.keys order; undefined for anything else (and outside the engine).
export const expressionPaths = typeof globalThis.__weft_expression_paths === 'function' ? globalThis.__weft_expression_paths : () => undefined;

// hasExpression reports whether a parameter value holds an `=` expression
// anywhere inside it.
export function hasExpression(v) {
  if (typeof v === 'string') return v.charCodeAt(0) === 61; // '='
  if (v === null || typeof v !== 'object') return false;
  const keys = expressionKeys(v);
  if (keys !== undefined) return keys !== null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (hasExpression(v[i])) return true;
    return false;
  }
  for (const k in v) if (hasExpression(v[k])) return true;
  return false;
}

function isEmpty(v) {
  if (Array.isArray(v)) return v.length === 0;
  for (const k in v) return false;
  return true;
}

function clone(v) {
  if (v === undefined) return undefined;
  if (isEmpty(v)) return Array.isArray(v) ? [] : {};
  return JSON.parse(JSON.stringify(v));
}

export class NodeContext {
  constructor(task, spec) {
    this.task = task;
    this.spec = spec;
    this.node = task.node;
    this.inputs = task.inputs || [];
    // what preparing worked out about the parameters (PLANS), for a
    // prepared node's task
    if (task.node.prepared !== undefined) this.plans = task.node.parameters[PLANS];
  }

  // What the node logged, and what it asks of the host (wait, response,
  // static data, a sub-workflow): made on first use, most runs have none.
  get logs() {
    if (this._logs === undefined) this._logs = [];
    return this._logs;
  }

  get requests() {
    if (this._requests === undefined) this._requests = {};
    return this._requests;
  }

  // The task context is parsed on first use: most node runs never need it.
  get context() {
    return contextOf(this.task) || {};
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
    return rawParameter(this.node, path);
  }

  getNodeParameter(path, itemIndex = 0, fallback) {
    const plans = this.plans;
    const plan = plans !== undefined ? plans[path] : undefined;
    if (plan !== undefined) return plan.build === null ? plan.value : this.resolver.resolve(plan.value, itemIndex);
    const raw = rawParameter(this.node, path);
    if (raw === undefined) {
      const constants = this.spec ? this.spec[CONSTANTS] : undefined;
      const constant = constants !== undefined ? constants[path] : undefined;
      return constant !== undefined ? constant() : this.defaultParameter(path, fallback);
    }
    if (!hasExpression(raw)) return raw; // parameters are read-only
    return this.resolver.resolve(raw, itemIndex);
  }

  // defaultParameter is the value of a parameter the node does not set:
  // the spec default (a copy the caller may change), else fallback.
  defaultParameter(path, fallback) {
    const raw = specDefault(this.spec, path);
    if (raw === undefined) return fallback;
    return raw !== null && typeof raw === 'object' ? clone(raw) : raw;
  }

  // evaluateExpression resolves an expression for an item; like n8n's it
  // takes the expression with or without its leading '='.
  evaluateExpression(expr, itemIndex = 0) {
    if (typeof expr !== 'string') return this.resolver.resolve(expr, itemIndex);
    return this.resolver.evaluate(expr.charCodeAt(0) !== 61 ? '=' + expr : expr, itemIndex);
  }

  dataProxy(itemIndex = 0) {
    return this.resolver.dataProxy(itemIndex);
  }

  // variable is dataProxy(itemIndex)[name], without building the others;
  // undefined when name is not a variable (isVariable).
  variable(name, itemIndex = 0) {
    return this.resolver.variable(name, itemIndex);
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

// Fields most runs never set, read from the prototype until they are.
NodeContext.prototype.nodeStateOut = undefined;
NodeContext.prototype._resolver = undefined;
NodeContext.prototype.plans = undefined;
NodeContext.prototype._logs = undefined;
NodeContext.prototype._requests = undefined;
