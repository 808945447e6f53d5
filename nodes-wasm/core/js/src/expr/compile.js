// Compiling expressions. A parameter's expression is split into chunks
// (template.js) and becomes one JavaScript function of a scope object:
// `with (scope) { return (code); }`. The scope (index.js) answers n8n's
// variables ($json, $input, …) for one item, hides the globals n8n hides and
// leaves the rest to the global object, so the engine's own parser does
// the work and most expressions are compiled without a pass in JavaScript.
//
// Code chunks that call one of n8n's extension methods, use `$if(` or hold
// a `;` are tokenized and rewritten first:
//  - `x.method(args)` where `method` is an extension method becomes
//    `__n8n_x(x, "method", [args])`, which dispatches on the type of `x` as
//    n8n does (extend.js); inside optional chains it becomes
//    `x[__n8n_s.method](args)`, a symbol-keyed method every object inherits.
//  - `$if(test, a, b)` becomes `((test) ? (a) : (b))` (only the taken
//    branch runs).
//  - only the first statement is kept, as n8n evaluates only that one.
//
// Compiled expressions are cached by source for the life of the instance.
import { ExpressionError } from '../errors.js';
import { compiledFunction, cachedCode, cachedMeta } from '../compiled.js';
import { splitTemplate } from './template.js';
import { EXTENSION_NAMES, extensionSymbols } from './extend.js';

const T_IDENT = 1;
const T_NUM = 2;
const T_STR = 3;
const T_TPL = 4; // a whole template literal without substitutions
const T_TPL_HEAD = 5; // `…${
const T_TPL_MID = 6; // }…${
const T_TPL_TAIL = 7; // }…`
const T_REGEX = 8;
const T_PUNCT = 9;

// Words that can never be a variable (or a parameter name).
const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do',
  'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in',
  'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try',
  'typeof', 'var', 'void', 'while', 'with', 'let', 'yield', 'await', 'static', 'implements',
  'interface', 'package', 'private', 'protected', 'public', 'arguments', 'eval', 'async', 'of',
]);

// Keywords after which a `/` starts a regular expression.
const REGEX_AFTER = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do',
  'else', 'yield', 'await',
]);

// Keywords that are values (can end an operand).
const VALUE_WORDS = new Set(['this', 'super', 'null', 'true', 'false']);

// Character classes of ASCII: 1 space, 2 identifier start, 3 digit.
const CLASS = new Uint8Array(128);
for (const c of [9, 10, 11, 12, 13, 32]) CLASS[c] = 1;
for (let c = 65; c <= 90; c++) CLASS[c] = 2;
for (let c = 97; c <= 122; c++) CLASS[c] = 2;
CLASS[36] = 2;
CLASS[95] = 2;
for (let c = 48; c <= 57; c++) CLASS[c] = 3;

function isWideSpace(c) {
  return c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029 || (c >= 0x2000 && c <= 0x200a) || c === 0x3000 || c === 0x202f || c === 0x205f || c === 0x1680;
}

function isIdentPart(c) {
  return c < 128 ? CLASS[c] >= 2 : !isWideSpace(c);
}

function syntaxError() {
  return new SyntaxError('invalid syntax');
}

function regexAllowed(toks) {
  if (toks.length === 0) return true;
  const p = toks[toks.length - 1];
  if (p.t === T_PUNCT) return !(p.v === ')' || p.v === ']' || p.v === '}');
  if (p.t === T_IDENT) return REGEX_AFTER.has(p.v);
  return false;
}

// readTemplate scans template characters of src from j (just after ` or
// }) and returns the index after the closing ` (negative) or ${ (positive).
function readTemplate(src, j) {
  const n = src.length;
  while (j < n) {
    const c = src.charCodeAt(j);
    if (c === 92) {
      j += 2;
      continue;
    }
    if (c === 96) return -(j + 1);
    if (c === 36 && src.charCodeAt(j + 1) === 123) return j + 2;
    j++;
  }
  throw syntaxError();
}

// tokenize returns the tokens of src: {t, v, s, e, m (matching bracket)}.
export function tokenize(src) {
  const toks = [];
  const stack = [];
  const n = src.length;
  let i = 0;
  while (i < n) {
    const c = src.charCodeAt(i);
    const k = c < 128 ? CLASS[c] : isWideSpace(c) ? 1 : 2;
    if (k === 1) {
      i++;
      continue;
    }
    if (k === 2 || (c === 92 && src.charCodeAt(i + 1) === 117)) {
      let j = i + 1;
      for (;;) {
        const d = src.charCodeAt(j);
        if (d < 128 ? CLASS[d] >= 2 : d === d && !isWideSpace(d)) j++;
        else if (d === 92 && src.charCodeAt(j + 1) === 117) j += 2;
        else break;
      }
      toks.push({ t: T_IDENT, v: src.slice(i, j), s: i, e: j, m: -1 });
      i = j;
      continue;
    }
    if (k === 3 || (c === 46 && CLASS[src.charCodeAt(i + 1)] === 3)) {
      let j = i;
      const d = src.charCodeAt(i + 1);
      if (c === 48 && (d === 120 || d === 88 || d === 111 || d === 79 || d === 98 || d === 66)) {
        j += 2;
        while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      } else {
        let e = src.charCodeAt(j);
        while (CLASS[e] === 3 || e === 95) e = src.charCodeAt(++j);
        if (e === 46) {
          e = src.charCodeAt(++j);
          while (CLASS[e] === 3 || e === 95) e = src.charCodeAt(++j);
        }
        if (e === 101 || e === 69) {
          e = src.charCodeAt(++j);
          if (e === 43 || e === 45) e = src.charCodeAt(++j);
          while (CLASS[e] === 3) e = src.charCodeAt(++j);
        }
        if (e === 110) j++; // BigInt
      }
      toks.push({ t: T_NUM, v: undefined, s: i, e: j, m: -1 });
      i = j;
      continue;
    }
    switch (c) {
      case 39: // ' and "
      case 34: {
        let j = i + 1;
        for (;;) {
          const d = src.charCodeAt(j);
          if (d === c) break;
          if (d === 92) j += 2;
          else if (d === 10 || j >= n) throw syntaxError();
          else j++;
        }
        toks.push({ t: T_STR, v: undefined, s: i, e: j + 1, m: -1 });
        i = j + 1;
        continue;
      }
      case 96: { // `
        const r = readTemplate(src, i + 1);
        const end = r < 0 ? -r : r;
        toks.push({ t: r < 0 ? T_TPL : T_TPL_HEAD, v: undefined, s: i, e: end, m: -1 });
        if (r > 0) stack.push(toks.length - 1);
        i = end;
        continue;
      }
      case 47: { // /
        const d = src.charCodeAt(i + 1);
        if (d === 47) {
          const e = src.indexOf('\n', i);
          i = e < 0 ? n : e;
          continue;
        }
        if (d === 42) {
          const e = src.indexOf('*/', i + 2);
          if (e < 0) throw syntaxError();
          i = e + 2;
          continue;
        }
        if (regexAllowed(toks)) {
          let j = i + 1;
          let inClass = false;
          for (;;) {
            if (j >= n) throw syntaxError();
            const r = src.charCodeAt(j);
            if (r === 10 || r === 13) throw syntaxError();
            if (r === 92) {
              j += 2;
              continue;
            }
            if (r === 91) inClass = true;
            else if (r === 93) inClass = false;
            else if (r === 47 && !inClass) break;
            j++;
          }
          j++;
          while (j < n && isIdentPart(src.charCodeAt(j))) j++;
          toks.push({ t: T_REGEX, v: undefined, s: i, e: j, m: -1 });
          i = j;
          continue;
        }
        break;
      }
      case 125: { // }
        if (stack.length && toks[stack[stack.length - 1]].t !== T_PUNCT) {
          // the end of a template substitution
          const open = stack.pop();
          const r = readTemplate(src, i + 1);
          const end = r < 0 ? -r : r;
          toks.push({ t: r < 0 ? T_TPL_TAIL : T_TPL_MID, v: undefined, s: i, e: end, m: open });
          toks[open].m = toks.length - 1;
          if (r > 0) stack.push(toks.length - 1);
          i = end;
          continue;
        }
        break;
      }
      case 63: // ?.
        if (src.charCodeAt(i + 1) === 46 && CLASS[src.charCodeAt(i + 2)] !== 3) {
          toks.push({ t: T_PUNCT, v: '?.', s: i, e: i + 2, m: -1 });
          i += 2;
          continue;
        }
        break;
      case 46: // ...
        if (src.charCodeAt(i + 1) === 46 && src.charCodeAt(i + 2) === 46) {
          toks.push({ t: T_PUNCT, v: '...', s: i, e: i + 3, m: -1 });
          i += 3;
          continue;
        }
        break;
      case 61: // =>
        if (src.charCodeAt(i + 1) === 62) {
          toks.push({ t: T_PUNCT, v: '=>', s: i, e: i + 2, m: -1 });
          i += 2;
          continue;
        }
        break;
      default:
    }
    const ch = src[i];
    if (c === 40 || c === 91 || c === 123) { // ( [ {
      toks.push({ t: T_PUNCT, v: ch, s: i, e: i + 1, m: -1 });
      stack.push(toks.length - 1);
    } else if (c === 41 || c === 93 || c === 125) { // ) ] }
      if (!stack.length) throw syntaxError();
      const open = stack.pop();
      const o = toks[open];
      if (o.t !== T_PUNCT || o.v.charCodeAt(0) !== (c === 41 ? 40 : c - 2)) throw syntaxError();
      toks.push({ t: T_PUNCT, v: ch, s: i, e: i + 1, m: open });
      o.m = toks.length - 1;
    } else {
      toks.push({ t: T_PUNCT, v: ch, s: i, e: i + 1, m: -1 });
    }
    i++;
  }
  if (stack.length) throw syntaxError();
  return toks;
}

// isValueEnd reports whether the token at k can end an operand (so a
// following `(` is a call and `[` a member access).
function isValueEnd(toks, k) {
  const t = toks[k];
  if (!t) return false;
  switch (t.t) {
    case T_IDENT: {
      if (!RESERVED.has(t.v) || VALUE_WORDS.has(t.v)) return true;
      const p = toks[k - 1];
      return !!p && p.t === T_PUNCT && (p.v === '.' || p.v === '?.');
    }
    case T_NUM:
    case T_STR:
    case T_TPL:
    case T_TPL_TAIL:
    case T_REGEX:
      return true;
    case T_PUNCT:
      return t.v === ')' || t.v === ']';
    default:
      return false;
  }
}

// operandStart walks back from the token at k (the last token of the
// object of a member call) to the first token of that operand. It returns
// -1 when the operand is not a simple member/call chain, and marks whether
// the chain contains an optional link.
function operandStart(toks, k, res) {
  let i = k;
  res.optional = false;
  for (;;) {
    if (i < 0) return -1;
    const t = toks[i];
    if (t.t === T_PUNCT && (t.v === ')' || t.v === ']')) {
      const j = t.m;
      if (j < 0) return -1;
      const p = toks[j - 1];
      if (p && p.t === T_PUNCT && p.v === '?.') {
        res.optional = true;
        i = j - 2;
        continue;
      }
      if (isValueEnd(toks, j - 1)) {
        i = j - 1;
        continue;
      }
      return withNew(toks, j);
    }
    if (t.t === T_IDENT || t.t === T_NUM || t.t === T_STR || t.t === T_TPL || t.t === T_REGEX || t.t === T_TPL_TAIL) {
      let s = i;
      if (t.t === T_TPL_TAIL) {
        s = t.m;
        while (s >= 0 && toks[s].t === T_TPL_MID) s = toks[s].m;
        if (s < 0) return -1;
      }
      const p = toks[s - 1];
      if (t.t === T_IDENT && p && p.t === T_PUNCT && (p.v === '.' || p.v === '?.')) {
        if (p.v === '?.') res.optional = true;
        i = s - 2;
        continue;
      }
      if (t.t === T_IDENT && RESERVED.has(t.v) && !VALUE_WORDS.has(t.v)) return -1;
      if ((t.t === T_TPL || t.t === T_TPL_TAIL) && isValueEnd(toks, s - 1)) {
        i = s - 1; // tagged template
        continue;
      }
      return withNew(toks, s);
    }
    if (t.t === T_PUNCT && t.v === '}') {
      return t.m < 0 ? -1 : withNew(toks, t.m);
    }
    return -1;
  }
}

function withNew(toks, s) {
  while (s > 0 && toks[s - 1].t === T_IDENT && toks[s - 1].v === 'new') s--;
  return s;
}

// splitArgs returns the indices of the top-level commas between the
// brackets at open and close, or null if an argument is spread.
function splitArgs(toks, open, close) {
  const commas = [];
  for (let k = open + 1; k < close; k++) {
    const t = toks[k];
    if (t.t === T_PUNCT && (t.v === '(' || t.v === '[' || t.v === '{') && t.m > k) {
      k = t.m;
      continue;
    }
    if ((t.t === T_TPL_HEAD || t.t === T_TPL_MID) && t.m > k) {
      k = t.m;
      continue;
    }
    if (t.t === T_PUNCT && t.v === ',') commas.push(k);
    else if (t.t === T_PUNCT && t.v === '...' && (k === open + 1 || toks[k - 1].v === ',')) return null;
  }
  return commas;
}

const IF_ARGS = '$if requires at least 2 parameters: test, value_if_true[, and value_if_false]';

// rewrite applies the extension and $if rewrites to toks; it returns the
// symbol names used by the symbol form.
function rewrite(toks, used) {
  const res = { optional: false };
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.t === T_IDENT && t.v === '$if') {
      const p = toks[k - 1];
      const open = toks[k + 1];
      if ((p && p.t === T_PUNCT && (p.v === '.' || p.v === '?.')) || !open || open.t !== T_PUNCT || open.v !== '(') continue;
      const close = open.m;
      const commas = splitArgs(toks, k + 1, close);
      if (commas === null) continue;
      let count = close > k + 2 ? commas.length + 1 : 0;
      if (count > 0 && commas.length && commas[commas.length - 1] === close - 1) count--; // trailing comma
      if (count < 2) throw new ExpressionError(IF_ARGS);
      if (count > 3) continue;
      t.out = '';
      open.out = '((';
      toks[commas[0]].out = ')?(';
      if (count === 3) {
        toks[commas[1]].out = '):(';
        if (commas.length > 2) toks[commas[2]].out = '';
        toks[close].out = '))';
      } else {
        if (commas.length > 1) toks[commas[1]].out = '';
        toks[close].out = '):false)';
      }
      continue;
    }
    if (t.t !== T_PUNCT || (t.v !== '.' && t.v !== '?.')) continue;
    const name = toks[k + 1];
    if (!name || name.t !== T_IDENT || !EXTENSION_NAMES.has(name.v)) continue;
    let p = k + 2;
    let optionalCall = false;
    if (toks[p] && toks[p].t === T_PUNCT && toks[p].v === '?.' && toks[p + 1] && toks[p + 1].v === '(') {
      optionalCall = true;
      p++;
    }
    const paren = toks[p];
    if (!paren || paren.t !== T_PUNCT || paren.v !== '(') continue;
    const recv = toks[k - 1];
    if (recv && recv.t === T_IDENT && NATIVE_RECEIVERS.has(recv.v) && !(toks[k - 2] && toks[k - 2].t === T_PUNCT && (toks[k - 2].v === '.' || toks[k - 2].v === '?.'))) continue;
    if (t.v === '.' && !optionalCall) {
      const s = operandStart(toks, k - 1, res);
      if (s >= 0 && !res.optional) {
        toks[s].pre = toks[s].pre === undefined ? '__n8n_x(' : '__n8n_x(' + toks[s].pre;
        t.out = ',';
        name.out = '"' + name.v + '",[';
        paren.out = '';
        toks[paren.m].out = '])';
        used.x = true;
        continue;
      }
    }
    t.out = t.v === '.' ? '[' : '?.[';
    name.out = '__n8n_s.' + name.v + ']';
    used.s = true;
    used.symbols.push(name.v);
  }
}

// emit returns src with the rewrites recorded on toks (pre: text before a
// token, out: text replacing it) applied.
function emit(src, toks, end) {
  let out = '';
  let pos = 0;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.pre === undefined && t.out === undefined) continue;
    out += src.slice(pos, t.s);
    if (t.pre !== undefined) out += t.pre;
    if (t.out !== undefined) {
      out += t.out;
      pos = t.e;
    } else {
      pos = t.s;
    }
  }
  return out + src.slice(pos, end);
}

function isSpace(c) {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

// Built-in objects whose methods share names with extension methods
// (Math.max, Object.keys, …): n8n's dispatch calls their own method, so
// such calls are left as written.
const NATIVE_RECEIVERS = new Set([
  'Math', 'JSON', 'Object', 'Array', 'Number', 'String', 'Date', 'DateTime', 'Duration', 'Interval', 'Symbol',
  'BigInt', 'RegExp', 'Boolean', 'Intl', 'console', 'Reflect', 'Promise',
]);

// needsRewrite reports whether a code chunk may call an extension method,
// use $if or hold a `;` (a cheap scan; false positives only cost time).
function needsRewrite(code) {
  if (code.indexOf(';') >= 0 || code.indexOf('$if') >= 0) return true;
  let p = code.indexOf('(');
  while (p >= 0) {
    let j = p - 1;
    while (j >= 0 && isSpace(code.charCodeAt(j))) j--;
    if (j >= 1 && code.charCodeAt(j) === 46 && code.charCodeAt(j - 1) === 63) {
      j -= 2;
      while (j >= 0 && isSpace(code.charCodeAt(j))) j--;
    }
    const end = j + 1;
    while (j >= 0 && isIdentPart(code.charCodeAt(j))) j--;
    if (j + 1 < end) {
      let k = j;
      while (k >= 0 && isSpace(code.charCodeAt(k))) k--;
      if (k >= 0 && code.charCodeAt(k) === 46 && EXTENSION_NAMES.has(code.slice(j + 1, end))) {
        // the receiver: a built-in object's own method is not a rewrite
        let r = k - 1;
        while (r >= 0 && isSpace(code.charCodeAt(r))) r--;
        const rend = r + 1;
        while (r >= 0 && isIdentPart(code.charCodeAt(r))) r--;
        const before = r >= 0 ? code.charCodeAt(r) : 32;
        if (!(rend > r + 1 && before !== 46 && NATIVE_RECEIVERS.has(code.slice(r + 1, rend)))) return true;
      }
    }
    p = code.indexOf('(', p + 1);
  }
  return false;
}

// prepareCode returns the code of one chunk ready to be wrapped in
// parentheses, rewritten when needed.
function prepareCode(code, used) {
  if (!needsRewrite(code)) {
    if (code.trim() === '') throw syntaxError();
    return code;
  }
  const toks = tokenize(code);
  // n8n evaluates the first statement of a chunk.
  let end = toks.length;
  for (let k = code.indexOf(';') < 0 ? toks.length : 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.t === T_PUNCT && (t.v === '(' || t.v === '[' || t.v === '{') && t.m > k) {
      k = t.m;
      continue;
    }
    if (t.t === T_TPL_HEAD && t.m > k) {
      let j = t.m;
      while (toks[j].t === T_TPL_MID) j = toks[j].m;
      k = j;
      continue;
    }
    if (t.t === T_PUNCT && t.v === ';') {
      end = k;
      break;
    }
  }
  if (end === 0) throw syntaxError();
  const body = end === toks.length ? toks : toks.slice(0, end);
  rewrite(body, used);
  return emit(code, body, end === toks.length ? code.length : toks[end].s);
}

function jsString(s) {
  return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

// joinValue converts a chunk's value in a template with text around it.
export function joinValue(v) {
  return v || v === 0 || v === false ? String(v) : '';
}

const CONSTRUCTOR = /\.\s*constructor/;

// compile turns an expression (without its `=`) into
// {constant} | {fn, single, symbols} | {error}.
function compile(expr) {
  if (expr.indexOf('{{') < 0) return { constant: expr };
  if (expr.indexOf('constructor') >= 0 && CONSTRUCTOR.test(expr)) {
    return { error: new ExpressionError('Expression contains invalid constructor function call') };
  }
  const chunks = splitTemplate(expr);
  if (chunks.length === 1) return { constant: chunks[0].text };
  let built;
  try {
    // compiled() looked for it among the task's compiled code already
    built = compiledFunction(expr, () => {
      const used = { x: false, s: false, symbols: [] };
      let body;
      let single = false;
      if (chunks.length === 2 && chunks[0].text === '') {
        single = true;
        body = 'return (' + prepareCode(chunks[1].code, used) + '\n);';
      } else {
        const parts = [];
        for (const c of chunks) {
          if (c.text !== undefined) {
            if (c.text !== '') parts.push(jsString(c.text));
          } else {
            parts.push('__n8n_j(' + prepareCode(c.code, used) + '\n)');
          }
        }
        body = 'return ""' + (parts.length ? ' + ' + parts.join(' + ') : '') + ';';
      }
      const src = '(function anonymous(__n8n_scope\n) {\nwith (__n8n_scope) {\n' + body + '\n}\n})';
      // meta: "1" or "0" (single), then the extension symbols it uses
      return { src, meta: (single ? '1' : '0') + (used.s ? used.symbols.join(',') : '') };
    }, true);
  } catch (e) {
    if (e instanceof ExpressionError) return { error: e };
    return { error: new ExpressionError('invalid syntax') };
  }
  return fromMeta(built.fn, built.meta);
}

// fromMeta is the compiled form of a function and its meta ("1" or "0"
// for single, then the extension symbols it uses).
function fromMeta(fn, meta = '0') {
  if (meta.length > 1) extensionSymbols(meta.slice(1).split(','));
  return { fn, single: meta.charCodeAt(0) === 49 };
}

const cache = new Map();

// compiled returns the compiled form of an expression parameter (a string
// starting with `=`), from the cache when it was seen before.
export function compiled(value) {
  let c = cache.get(value);
  if (c === undefined) {
    const expr = value.slice(1);
    // what the task brought compiled needs no template split
    const fn = expr.indexOf('{{') >= 0 ? cachedCode(expr) : undefined;
    c = fn !== undefined ? fromMeta(fn, cachedMeta()) : compile(expr);
    cache.set(value, c);
  }
  return c;
}
