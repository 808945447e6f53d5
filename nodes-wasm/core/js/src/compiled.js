// Functions compiled from source text (expressions, Code node code), cached
// across tasks by the host. Every task starts from the same snapshot, which
// holds no user code, so without this each task would parse every
// expression again. A task brings what the host kept from earlier runs of
// the same node (task.compiled: {key: {c: bytecode, m: meta}}) and its
// result hands back what it compiled anew. Outside the engine (unit tests
// under Node) functions are simply evaluated.

let incoming = null;
let outgoing = null;

export function beginTask(compiled) {
  incoming = compiled !== null && typeof compiled === 'object' ? compiled : null;
  outgoing = null;
}

// endTask returns the entries compiled during the task, or null.
export function endTask() {
  const out = outgoing;
  incoming = null;
  outgoing = null;
  return out;
}

// cachedFunction returns {fn, meta} for a source key: build() returns
// {src, meta}, where src is a script that evaluates to a function and meta
// is any JSON the caller needs back with it. Errors from build and syntax
// errors from compiling src propagate.
export function cachedFunction(keySource, build) {
  const compile = globalThis.__weft_fn_compile;
  if (typeof compile !== 'function') {
    const { src, meta } = build();
    return { fn: (0, eval)(src), meta };
  }
  const key = globalThis.__weft_hash(keySource);
  const hit = incoming && incoming[key];
  if (hit && typeof hit.c === 'string') {
    try {
      return { fn: globalThis.__weft_fn_load(hit.c), meta: hit.m };
    } catch (e) {
      // Not loadable (another engine build): compile below.
    }
  }
  const { src, meta } = build();
  const pair = compile(src);
  if (typeof pair[1] === 'string') {
    if (outgoing === null) outgoing = {};
    outgoing[key] = meta === undefined ? { c: pair[1] } : { c: pair[1], m: meta };
  }
  return { fn: pair[0], meta };
}
