// Preparing nodes ahead of their tasks. Every task starts from the
// module's snapshot, so an expression a task compiles (or loads from the
// bytecode the host hands back) is gone after it, and so are the node's
// parameters it parsed. A host that runs the same nodes again and again
// sends a "weft.prepare" task with their parameters and takes its snapshot
// afresh afterwards (the runtime's Module.Resnapshot): the expressions are
// then compiled already when any later task starts, and the parameters
// parsed, for tasks that name them by key.
//
// Compiling wraps an expression's code in a function and evaluates that
// script. Code that closed the wrapper early would run while preparing, in
// what every later task then starts from, whatever its workflow. So only
// plain code is prepared: one expression whose tokens cannot reach outside
// the parentheses around it (plainCode); anything else is compiled by the
// tasks that use it, as before, and undone with them.
import { compiled } from './expr/compile.js';
import { splitTemplate } from './expr/template.js';
import { planParameters } from './nodes/lib/params.js';
import { lookup } from './nodes/index.js';

// The longest code chunk prepared.
const MAX_CODE = 4096;

// Words that are not values: a `/` after one of them may start a regular
// expression, whose text plainCode does not follow.
const NOT_VALUES = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do',
  'else', 'enum', 'export', 'extends', 'finally', 'for', 'function', 'if', 'import', 'in',
  'instanceof', 'new', 'return', 'switch', 'throw', 'try', 'typeof', 'var', 'void', 'while', 'with',
  'let', 'yield', 'await', 'static', 'implements', 'interface', 'package', 'private', 'protected',
  'public', 'async', 'of',
]);

const SPACE = 1;
const WORD = 2;
const DIGIT = 3;
const OPERATOR = 4;
const CLASS = new Uint8Array(128);
for (const c of ' \t\n\r') CLASS[c.charCodeAt(0)] = SPACE;
for (let c = 65; c <= 90; c++) CLASS[c] = WORD;
for (let c = 97; c <= 122; c++) CLASS[c] = WORD;
CLASS[36] = WORD; // $
CLASS[95] = WORD; // _
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (const c of '+-*%<>=!&|^~?:,.') CLASS[c.charCodeAt(0)] = OPERATOR;

// plainCode reports whether code is made only of ASCII words, numbers,
// operators, ( ) [ ] in matching pairs, and quoted strings on one line:
// no braces, semicolons, comments, backslashes, template literals or
// regular expressions (a `/` is division only after a value). Inside
// `return (…)` such code is one expression that cannot close the
// parenthesis, so evaluating the wrapper defines the function and runs
// nothing.
export function plainCode(code) {
  if (typeof code !== 'string' || code.length > MAX_CODE) return false;
  if (code.indexOf('<!--') >= 0 || code.indexOf('-->') >= 0) return false;
  const open = [];
  // after a value (word, number, string, `)` or `]`), a `/` divides
  let afterValue = false;
  let i = 0;
  const n = code.length;
  while (i < n) {
    const c = code.charCodeAt(i);
    const k = c < 128 ? CLASS[c] : 0;
    if (k === SPACE) {
      i++;
      continue;
    }
    if (k === WORD || k === DIGIT) {
      let j = i + 1;
      while (j < n) {
        const d = code.charCodeAt(j);
        if (d < 128 && (CLASS[d] === WORD || CLASS[d] === DIGIT)) j++;
        else if (k === DIGIT && d === 46) j++; // 1.5
        else break;
      }
      afterValue = k === DIGIT || !NOT_VALUES.has(code.slice(i, j));
      i = j;
      continue;
    }
    if (c === 39 || c === 34) {
      let j = i + 1;
      while (j < n) {
        const d = code.charCodeAt(j);
        if (d === c) break;
        if (d === 10 || d === 13) return false;
        j += d === 92 ? 2 : 1;
      }
      if (j >= n) return false;
      afterValue = true;
      i = j + 1;
      continue;
    }
    if (c === 40 || c === 91) {
      open.push(c);
      afterValue = false;
    } else if (c === 41 || c === 93) {
      if (open.pop() !== (c === 41 ? 40 : 91)) return false;
      afterValue = true;
    } else if (c === 47) {
      if (!afterValue || code.charCodeAt(i + 1) === 47 || code.charCodeAt(i + 1) === 42) return false;
      afterValue = false;
    } else if (k === OPERATOR) {
      afterValue = false;
    } else {
      return false;
    }
    i++;
  }
  return open.length === 0;
}

// preparable reports whether an expression parameter (`=…`) can be
// compiled while preparing: every code chunk closed and plain.
export function preparable(value) {
  if (typeof value !== 'string' || value.charCodeAt(0) !== 61 || value.indexOf('{{') < 0) return false;
  const chunks = splitTemplate(value.slice(1));
  let code = 0;
  for (const c of chunks) {
    if (c.text !== undefined) continue;
    if (c.closed === false || !plainCode(c.code)) return false;
    code++;
  }
  return code > 0;
}

// expressionsIn appends the expression strings found in v (parameters) to
// out.
function expressionsIn(v, out, depth) {
  if (typeof v === 'string') {
    if (v.charCodeAt(0) === 61) out.push(v);
    return;
  }
  if (v === null || typeof v !== 'object' || depth > 32) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) expressionsIn(v[i], out, depth + 1);
    return;
  }
  for (const k of Object.keys(v)) expressionsIn(v[k], out, depth + 1);
}

// kept holds, by the host's key, the parameters of the nodes prepared
// with one: their tasks then name the key instead of carrying them
// (preparedParameters), and no task parses them again.
const kept = Object.create(null);

// preparedParameters returns the parameters kept for key, or undefined.
export function preparedParameters(key) {
  return typeof key === 'string' ? kept[key] : undefined;
}

// prepare compiles the preparable expressions in the parameters of nodes
// ([{key?, type?, typeVersion?, parameters}, …]), keeps the parameters of
// those with a key, with what reading them works out (planParameters and
// the node type's own prepare), and returns how many expressions it
// compiled, how many it left to the tasks, and how many nodes' parameters
// it could not keep.
export function prepare(nodes) {
  // what preparing makes stays in the snapshot: from the heap, not from
  // the task arena, whose blocks a new snapshot would keep taken for good
  const pause = globalThis.__weft_arena_pause;
  if (typeof pause === 'function') pause(true);
  try {
    return prepareNodes(nodes);
  } finally {
    if (typeof pause === 'function') pause(false);
  }
}

function prepareNodes(nodes) {
  let done = 0;
  let left = 0;
  let unkept = 0;
  for (const node of Array.isArray(nodes) ? nodes : []) {
    if (node === null || typeof node !== 'object') continue;
    const params = node.parameters;
    const keep = typeof node.key === 'string' && params !== null && typeof params === 'object';
    // a node that cannot be prepared is not kept: its tasks are then sent
    // again with their parameters (the host's fallback)
    try {
      const found = [];
      expressionsIn(params, found, 0);
      for (const value of found) {
        if (value.indexOf('{{') < 0) continue;
        if (!preparable(value)) {
          left++;
          continue;
        }
        if (compiled(value).fn !== undefined) done++;
      }
      if (keep) {
        const spec = lookup(node.type, node.typeVersion);
        if (spec !== undefined) {
          planParameters(params, spec);
          if (typeof spec.prepare === 'function') spec.prepare(params, node.typeVersion);
        }
        kept[node.key] = params;
      }
    } catch (e) {
      if (keep) unkept++;
    }
  }
  return { done, left, unkept };
}
