// Object layouts kept alive in the snapshot. The engine describes an
// object's keys by a chain of shapes, one per key added, and reuses a
// shape another live object has; once no object has it, the next object
// with those keys builds it again, a copy and a hash-table insert per key.
// Every task starts from the snapshot, where the warm-up's objects are
// gone, so every task used to build again the shapes of its task document,
// items and results. keepLayouts(v) keeps, for v and what it holds, an
// object for each prefix of each layout's keys.

const kept = [];
const seen = new Set();
// layoutProtos numbers the prototypes other than Object.prototype seen
const layoutProtos = [];

export function keepLayouts(v, depth = 0) {
  if (v === null || typeof v !== 'object' || depth > 6) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) keepLayouts(v[i], depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(v);
  const keys = Object.keys(v);
  let sig = keys.join('\u0000');
  if (proto !== Object.prototype) {
    let n = layoutProtos.indexOf(proto);
    if (n < 0) n = layoutProtos.push(proto) - 1;
    sig += '\u0001' + n;
  }
  if (!seen.has(sig)) {
    seen.add(sig);
    for (let n = 1; n <= keys.length; n++) {
      const o = Object.create(proto);
      // defined, not assigned: the prototype may have setters
      for (let k = 0; k < n; k++) Object.defineProperty(o, keys[k], { value: null, writable: true, enumerable: true, configurable: true });
      kept.push(o);
    }
  }
  for (let k = 0; k < keys.length; k++) keepLayouts(v[keys[k]], depth + 1);
}

// keptLayouts is how many objects keepLayouts keeps (for tests).
export function keptLayouts() {
  return kept.length;
}
