// Property paths as n8n's nodes use them (lodash's get/set/unset): "a.b",
// "a[0].b", "a['x.y']". Writes copy on write: a container that the caller
// does not own (one that came from an input item) is shallow-copied before it
// is changed, so input items are never modified and untouched subtrees are
// shared rather than deep-copied.

const INDEX_RE = /^(?:0|[1-9]\d*)$/;
const UNSAFE = { __proto__: true, constructor: true, prototype: true };

function isObjectLike(v) {
  return v !== null && typeof v === 'object';
}

// isDeepPath reports whether a string is a path rather than a single key:
// it has a dot or a bracketed part.
function isDeepPath(s) {
  return s.indexOf('.') >= 0 || (s.indexOf('[') >= 0 && /\[[^\]]*\]/.test(s));
}

// parsePath splits "a.b[0]['c.d']" into ['a', 'b', '0', 'c.d']; empty keys
// between dots are kept ("a..b" is ['a', '', 'b']).
export function parsePath(s) {
  const out = [];
  const n = s.length;
  let cur = '';
  let afterBracket = false;
  let i = 0;
  while (i < n) {
    const c = s[i];
    if (c === '.') {
      if (!afterBracket) out.push(cur);
      cur = '';
      afterBracket = false;
      i++;
      if (i === n) out.push('');
      continue;
    }
    if (c === '[') {
      const q = s[i + 1];
      let key;
      let end;
      if (q === '"' || q === "'") {
        key = '';
        let j = i + 2;
        while (j < n && s[j] !== q) {
          if (s[j] === '\\' && j + 1 < n) j++;
          key += s[j];
          j++;
        }
        if (s[j + 1] !== ']') { cur += c; afterBracket = false; i++; continue; }
        end = j + 2;
      } else {
        const close = s.indexOf(']', i + 1);
        if (close < 0) { cur += c; afterBracket = false; i++; continue; }
        key = s.slice(i + 1, close).trim();
        end = close + 1;
      }
      if (cur !== '') out.push(cur);
      cur = '';
      out.push(key);
      afterBracket = true;
      i = end;
      continue;
    }
    cur += c;
    afterBracket = false;
    i++;
  }
  if (!afterBracket && (cur !== '' || out.length === 0)) out.push(cur);
  return out;
}

// Parsed paths; a workflow uses few distinct ones.
const pathCache = new Map();

function parsedPath(path) {
  let keys = pathCache.get(path);
  if (keys === undefined) {
    keys = path.indexOf('[') < 0 ? path.split('.') : parsePath(path);
    if (pathCache.size >= 1000) pathCache.clear();
    pathCache.set(path, keys);
  }
  return keys;
}

// keysOf returns the path's keys for obj: the whole string when obj has it
// as a property or when it is not a deep path. The result is shared: do not
// modify it.
export function keysOf(obj, path) {
  if (Array.isArray(path)) return path;
  if (typeof path !== 'string') return [String(path)];
  if (!isDeepPath(path) || (isObjectLike(obj) && path in obj)) return [path];
  return parsedPath(path);
}

// get reads a path; undefined when any step is missing.
export function get(obj, path) {
  const keys = keysOf(obj, path);
  let cur = obj;
  for (let i = 0; i < keys.length; i++) {
    if (cur === null || cur === undefined) return undefined;
    cur = cur[keys[i]];
  }
  return cur;
}

function copyOf(v) {
  return Array.isArray(v) ? v.slice() : Object.assign({}, v);
}

// set writes value at path inside root (which the caller owns). owned is a
// Set of containers already copied for this item; containers not in it are
// copied before being changed. Missing or non-object steps become {} or []
// (when the next key is an index).
export function set(root, path, value, owned) {
  const keys = keysOf(root, path);
  let cur = root;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (UNSAFE[key] === true) return root;
    if (i === keys.length - 1) {
      cur[key] = value;
      break;
    }
    let next = cur[key];
    if (isObjectLike(next)) {
      if (owned && !owned.has(next)) {
        next = copyOf(next);
        owned.add(next);
        cur[key] = next;
      }
    } else {
      next = INDEX_RE.test(keys[i + 1]) ? [] : {};
      if (owned) owned.add(next);
      cur[key] = next;
    }
    cur = next;
  }
  return root;
}

// unset deletes the property at path inside root, copying the containers
// on the way that are not owned yet.
export function unset(root, path, owned) {
  const keys = keysOf(root, path);
  let cur = root;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i];
    let next = cur[key];
    if (!isObjectLike(next)) return;
    if (owned && !owned.has(next)) {
      next = copyOf(next);
      owned.add(next);
      cur[key] = next;
    }
    cur = next;
  }
  if (keys.length) delete cur[keys[keys.length - 1]];
}

// flatKey is the key a path names when dot notation is off: the key as is,
// or with ['…'] / ["…"] around it removed when only that form exists.
export function flatKey(obj, key) {
  if (obj[key] !== undefined) return key;
  if ((key.startsWith("['") && key.endsWith("']")) || (key.startsWith('["') && key.endsWith('"]'))) {
    return key.slice(2, -2);
  }
  return key;
}
