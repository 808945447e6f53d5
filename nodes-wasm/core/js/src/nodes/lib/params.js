import { hasExpression, expressionPaths, rawParameter, CONSTANTS, PLANS } from '../../context.js';

export { hasExpression };

// Per-item parameter access without needless work. A parameter whose value
// holds no expression is the same for every item: it is read once and
// shared (callers must not modify it). One with expressions is rebuilt for
// each item with only its "=…" strings evaluated (ctx.evaluateExpression)
// and only the objects and arrays on the way to them copied; everything
// else is shared with the parameter as written.

// compile returns null for a value without expressions, else a function
// (evaluate) => the value with every expression string evaluated.
function compile(v) {
  if (typeof v === 'string') {
    if (v.charCodeAt(0) !== 61) return null;
    return (evaluate) => evaluate(v);
  }
  if (v === null || typeof v !== 'object') return null;
  // the C reactor finds every expression inside in one walk
  const paths = expressionPaths(v);
  if (paths === null) return null;
  if (paths !== undefined) return (evaluate, overlay) => resolvePaths(v, paths, evaluate, overlay);
  return compileWalk(v);
}

// shallowCopy copies an array or object; with overlay, an object becomes
// an object over it instead (its keys inherited, not its own).
function shallowCopy(v, overlay) {
  if (Array.isArray(v)) {
    // (a loop costs less than slice() for the few entries parameters hold)
    const n = v.length;
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = v[i];
    return out;
  }
  return overlay === true ? Object.create(v) : Object.assign({}, v);
}

// resolvePaths copies v with the expression string at the end of each path
// evaluated, in the order of paths, copying only the objects and arrays on
// the way to them (see shallowCopy for overlay).
function resolvePaths(v, paths, evaluate, overlay) {
  const out = shallowCopy(v, overlay);
  for (let p = 0; p < paths.length; p++) {
    const path = paths[p];
    const last = path.length - 1;
    let src = v;
    let dst = out;
    for (let d = 0; d < last; d++) {
      const k = path[d];
      src = src[k];
      let next = dst[k];
      if (next === src) {
        next = shallowCopy(src, overlay);
        dst[k] = next;
      }
      dst = next;
    }
    dst[path[last]] = evaluate(src[path[last]]);
  }
  return out;
}

// compileWalk is compile for data the C reactor does not look into (and
// outside the engine).
function compileWalk(v) {
  if (Array.isArray(v)) {
    let parts = null;
    for (let i = 0; i < v.length; i++) {
      const p = compile(v[i]);
      if (p === null) continue;
      if (parts === null) parts = new Array(v.length).fill(null);
      parts[i] = p;
    }
    if (parts === null) return null;
    return (evaluate) => {
      const out = new Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = parts[i] === null ? v[i] : parts[i](evaluate);
      return out;
    };
  }
  const keys = Object.keys(v);
  let parts = null;
  for (let i = 0; i < keys.length; i++) {
    const p = compile(v[keys[i]]);
    if (p === null) continue;
    if (parts === null) parts = new Array(keys.length).fill(null);
    parts[i] = p;
  }
  if (parts === null) return null;
  return (evaluate) => {
    const out = {};
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      out[k] = parts[i] === null ? v[k] : parts[i](evaluate);
    }
    return out;
  };
}

// param returns a function itemIndex => the parameter's value at path (the
// spec default, or fallback, when it is absent). fn.perItem is true when
// the value may differ from item to item (it holds an expression). The
// function may be shared (CONSTANTS): callers must not change it. With
// overlay, the objects rebuilt around evaluated expressions inherit the
// keys they keep from the parameter as written instead of copying them:
// for callers that only read keys by name, never list them.
export function param(ctx, path, fallback, overlay) {
  const plans = ctx.plans;
  if (plans !== undefined) {
    const plan = plans[path];
    if (plan !== undefined) {
      if (plan.build === null) return plan.fn;
      const build = plan.build;
      const fn = (itemIndex) => build((expr) => ctx.resolver.evaluate(expr, itemIndex), overlay);
      fn.perItem = true;
      return fn;
    }
  }
  const raw = rawParameter(ctx.node, path);
  if (raw === undefined) {
    const constants = ctx.spec ? ctx.spec[CONSTANTS] : undefined;
    const constant = constants !== undefined ? constants[path] : undefined;
    if (constant !== undefined) return constant;
    const value = ctx.defaultParameter(path, fallback);
    return () => value;
  }
  const build = compile(raw);
  if (build === null) return () => raw;
  // (every string build() evaluates starts with `=`)
  const fn = (itemIndex) => build((expr) => ctx.resolver.evaluate(expr, itemIndex), overlay);
  fn.perItem = true;
  return fn;
}

// planParameters works out, once, what param() and getNodeParameter
// give for each top-level parameter of a prepared node (and for each
// parameter of its spec it leaves out whose default is a primitive), and
// keeps it with the parameters (PLANS). Expressions are only looked for,
// never evaluated.
export function planParameters(params, spec) {
  if (params === null || typeof params !== 'object' || Array.isArray(params) || params[PLANS] !== undefined) return;
  const plans = Object.create(null);
  const keys = Object.keys(params);
  for (let k = 0; k < keys.length; k++) {
    const raw = params[keys[k]];
    const build = compile(raw);
    plans[keys[k]] = build === null ? { value: raw, fn: () => raw, build: null } : { value: raw, fn: undefined, build };
  }
  const constants = spec ? spec[CONSTANTS] : undefined;
  if (constants !== undefined) {
    for (const name of Object.keys(constants)) {
      if (name in params) continue;
      const fn = constants[name];
      plans[name] = { value: fn(), fn, build: null };
    }
  }
  Object.defineProperty(params, PLANS, { value: plans });
}

// once returns the parameter's value for item 0 (n8n reads some parameters
// only once per run).
export function once(ctx, path, fallback) {
  return param(ctx, path, fallback)(0);
}

// executionMode is the execution mode ("manual", "trigger", …).
export function executionMode(ctx) {
  const ex = ctx.context && ctx.context.execution;
  return (ex && ex.mode) || 'manual';
}

// withPairedItem returns the item with pairedItem {item: i} when it has
// none.
export function withPairedItem(item, i) {
  if (item.pairedItem !== undefined) return item;
  return Object.assign({}, item, { pairedItem: { item: i } });
}
