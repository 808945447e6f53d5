// Functions compiled from source text (expressions, Code node code), cached
// across tasks by the host. Every task starts from the same snapshot, which
// holds no user code, so without this each task would parse every
// expression again. A task brings, after its JSON document, the bytecode
// the host kept from earlier runs of the same node (the C reactor reads it:
// __weft_fn_cached) and its result hands back what it compiled anew
// (result.compiled: {key: {c: base64 bytecode, m: meta}}). Outside the
// engine (unit tests under Node) functions are simply evaluated.

let outgoing = null;

export function beginTask() {
  outgoing = null;
}

// endTask returns the entries compiled during the task, or null.
export function endTask() {
  const out = outgoing;
  outgoing = null;
  return out;
}

// cachedFunction returns {fn, meta} for a source: what the task brought
// compiled (cachedCode), else compiledFunction.
export function cachedFunction(source, build, strip = false) {
  const fn = cachedCode(source);
  return fn !== undefined ? { fn, meta: cachedMeta() } : compiledFunction(source, build, strip);
}

// compiledFunction compiles a source and keeps its bytecode for the result:
// build() returns {src, meta}, where src is a script that evaluates to a
// function and meta is a string the caller needs back with it (or
// undefined). With strip the bytecode kept leaves out the source text
// (fn.toString() of what it defines shows no source). Errors from build
// and syntax errors from compiling src propagate.
export function compiledFunction(source, build, strip = false) {
  const { src, meta } = build();
  const compile = globalThis.__weft_fn_compile;
  if (typeof compile !== 'function') return { fn: (0, eval)(src), meta };
  const pair = compile(src, strip);
  if (typeof pair[1] === 'string') {
    if (outgoing === null) outgoing = {};
    outgoing[globalThis.__weft_hash(source)] = meta === undefined ? { c: pair[1] } : { c: pair[1], m: meta };
  }
  return { fn: pair[0], meta };
}

// cachedCode returns the function the task brought compiled for a
// source, or undefined; cachedMeta() then returns its meta.
export function cachedCode(source) {
  const load = globalThis.__weft_fn_cached;
  if (typeof load !== 'function') return undefined;
  try {
    return load(source);
  } catch (e) {
    return undefined; // not loadable (another engine build): compiled again
  }
}

// cachedMeta is the meta of the function cachedCode returned last, or
// undefined when it has none.
export function cachedMeta() {
  const meta = globalThis.__weft_fn_meta();
  return meta === '' ? undefined : meta;
}
