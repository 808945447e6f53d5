// JMESPath (https://jmespath.org/specification.html) for
// $jmespath(data, query): a lexer, a Pratt parser to an AST and an
// interpreter with the specification's built-in functions.
import { ExpressionError } from '../errors.js';

function fail(message) {
  return new ExpressionError(message);
}

// --- lexer ---------------------------------------------------------------

const SIMPLE = {
  '.': 'Dot', '*': 'Star', ',': 'Comma', ':': 'Colon', '{': 'Lbrace', '}': 'Rbrace', ']': 'Rbracket',
  '(': 'Lparen', ')': 'Rparen', '@': 'Current',
};

function isIdentStart(c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isIdentPart(c) {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}

function isDigit(c) {
  return c >= '0' && c <= '9';
}

function lex(src) {
  const toks = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < src.length && isIdentPart(src[j])) j++;
      toks.push({ type: 'Ident', value: src.slice(i, j) });
      i = j;
    } else if (SIMPLE[c]) {
      toks.push({ type: SIMPLE[c] });
      i++;
    } else if (isDigit(c) || (c === '-' && isDigit(src[i + 1]))) {
      let j = i + 1;
      while (j < src.length && isDigit(src[j])) j++;
      toks.push({ type: 'Number', value: parseInt(src.slice(i, j), 10) });
      i = j;
    } else if (c === '[') {
      if (src[i + 1] === ']') {
        toks.push({ type: 'Flatten' });
        i += 2;
      } else if (src[i + 1] === '?') {
        toks.push({ type: 'Filter' });
        i += 2;
      } else {
        toks.push({ type: 'Lbracket' });
        i++;
      }
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw fail(`Unterminated ${c} in JMESPath expression: ${src}`);
      const body = src.slice(i + 1, j);
      if (c === '"') {
        toks.push({ type: 'QuotedIdent', value: JSON.parse(src.slice(i, j + 1)) });
      } else if (c === "'") {
        toks.push({ type: 'Literal', value: body.replace(/\\'/g, "'") });
      } else {
        const text = body.replace(/\\`/g, '`').trim();
        let value;
        try {
          value = JSON.parse(text);
        } catch (e) {
          value = JSON.parse('"' + text + '"');
        }
        toks.push({ type: 'Literal', value });
      }
      i = j + 1;
    } else if (c === '|') {
      if (src[i + 1] === '|') {
        toks.push({ type: 'Or' });
        i += 2;
      } else {
        toks.push({ type: 'Pipe' });
        i++;
      }
    } else if (c === '&') {
      if (src[i + 1] === '&') {
        toks.push({ type: 'And' });
        i += 2;
      } else {
        toks.push({ type: 'Expref' });
        i++;
      }
    } else if (c === '<' || c === '>' || c === '=' || c === '!') {
      const two = src.slice(i, i + 2);
      if (two === '<=' || two === '>=' || two === '==' || two === '!=') {
        toks.push({ type: 'Cmp', value: two });
        i += 2;
      } else if (c === '<' || c === '>') {
        toks.push({ type: 'Cmp', value: c });
        i++;
      } else if (c === '!') {
        toks.push({ type: 'Not' });
        i++;
      } else {
        throw fail(`Unknown character "=" in JMESPath expression: ${src}`);
      }
    } else {
      throw fail(`Unknown character "${c}" in JMESPath expression: ${src}`);
    }
  }
  toks.push({ type: 'EOF' });
  return toks;
}

// --- parser --------------------------------------------------------------

const BP = {
  EOF: 0, Ident: 0, QuotedIdent: 0, Rbracket: 0, Rparen: 0, Comma: 0, Rbrace: 0, Number: 0, Current: 0,
  Expref: 0, Colon: 0, Literal: 0, Pipe: 1, Or: 2, And: 3, Cmp: 5, Flatten: 9, Star: 20, Filter: 21, Dot: 40,
  Not: 45, Lbrace: 50, Lbracket: 55, Lparen: 60,
};

class Parser {
  constructor(src) {
    this.src = src;
    this.toks = lex(src);
    this.i = 0;
  }

  peek(k = 0) {
    return this.toks[this.i + k].type;
  }

  next() {
    return this.toks[this.i++];
  }

  expect(type) {
    const t = this.next();
    if (t.type !== type) throw fail(`Expected ${type}, got ${t.type} in JMESPath expression: ${this.src}`);
    return t;
  }

  parse() {
    const ast = this.expression(0);
    if (this.peek() !== 'EOF') throw fail(`Unexpected ${this.peek()} in JMESPath expression: ${this.src}`);
    return ast;
  }

  expression(rbp) {
    let left = this.nud(this.next());
    while (rbp < BP[this.peek()]) left = this.led(this.next(), left);
    return left;
  }

  nud(t) {
    switch (t.type) {
      case 'Literal':
        return { type: 'Literal', value: t.value };
      case 'Ident':
        return { type: 'Field', name: t.value };
      case 'QuotedIdent':
        if (this.peek() === 'Lparen') throw fail('Quoted identifier not allowed for function names');
        return { type: 'Field', name: t.value };
      case 'Not':
        return { type: 'Not', child: this.expression(BP.Not) };
      case 'Star':
        return { type: 'ValueProjection', left: { type: 'Identity' }, right: this.peek() === 'Rbracket' ? { type: 'Identity' } : this.projectionRhs(BP.Star) };
      case 'Filter':
        return this.led(t, { type: 'Identity' });
      case 'Lbrace':
        return this.multiHash();
      case 'Flatten':
        return { type: 'Projection', left: { type: 'Flatten', child: { type: 'Identity' } }, right: this.projectionRhs(BP.Flatten) };
      case 'Lbracket':
        if (this.peek() === 'Number' || this.peek() === 'Colon') {
          const right = this.indexExpression();
          return right.type === 'Slice' ? { type: 'Projection', left: { type: 'Subexpr', left: { type: 'Identity' }, right }, right: this.projectionRhs(BP.Star) } : { type: 'Subexpr', left: { type: 'Identity' }, right };
        }
        if (this.peek() === 'Star' && this.peek(1) === 'Rbracket') {
          this.i += 2;
          return { type: 'Projection', left: { type: 'Identity' }, right: this.projectionRhs(BP.Star) };
        }
        return this.multiList();
      case 'Current':
        return { type: 'Current' };
      case 'Expref':
        return { type: 'Expref', child: this.expression(BP.Expref) };
      case 'Lparen': {
        const e = this.expression(0);
        this.expect('Rparen');
        return e;
      }
      default:
        throw fail(`Unexpected ${t.type} in JMESPath expression: ${this.src}`);
    }
  }

  led(t, left) {
    switch (t.type) {
      case 'Dot': {
        if (this.peek() !== 'Star') return { type: 'Subexpr', left, right: this.dotRhs(BP.Dot) };
        this.next();
        return { type: 'ValueProjection', left, right: this.projectionRhs(BP.Dot) };
      }
      case 'Pipe':
        return { type: 'Pipe', left, right: this.expression(BP.Pipe) };
      case 'Or':
        return { type: 'Or', left, right: this.expression(BP.Or) };
      case 'And':
        return { type: 'And', left, right: this.expression(BP.And) };
      case 'Lparen': {
        if (left.type !== 'Field') throw fail(`Invalid function call in JMESPath expression: ${this.src}`);
        const args = [];
        while (this.peek() !== 'Rparen') {
          args.push(this.expression(0));
          if (this.peek() === 'Comma') this.next();
        }
        this.expect('Rparen');
        return { type: 'Function', name: left.name, args };
      }
      case 'Filter': {
        const cond = this.expression(0);
        this.expect('Rbracket');
        const right = this.peek() === 'Flatten' ? { type: 'Identity' } : this.projectionRhs(BP.Filter);
        return { type: 'FilterProjection', left, right, cond };
      }
      case 'Flatten':
        return { type: 'Projection', left: { type: 'Flatten', child: left }, right: this.projectionRhs(BP.Flatten) };
      case 'Cmp':
        return { type: 'Cmp', op: t.value, left, right: this.expression(BP.Cmp) };
      case 'Lbracket': {
        if (this.peek() === 'Number' || this.peek() === 'Colon') {
          const right = this.indexExpression();
          if (right.type === 'Slice') return { type: 'Projection', left: { type: 'Subexpr', left, right }, right: this.projectionRhs(BP.Star) };
          return { type: 'Subexpr', left, right };
        }
        this.expect('Star');
        this.expect('Rbracket');
        return { type: 'Projection', left, right: this.projectionRhs(BP.Star) };
      }
      default:
        throw fail(`Unexpected ${t.type} in JMESPath expression: ${this.src}`);
    }
  }

  indexExpression() {
    const parts = [null, null, null];
    let k = 0;
    while (this.peek() !== 'Rbracket') {
      if (this.peek() === 'Colon') {
        k++;
        if (k > 2) throw fail(`Too many colons in slice: ${this.src}`);
        this.next();
      } else {
        parts[k] = this.expect('Number').value;
      }
    }
    this.expect('Rbracket');
    if (k === 0) return { type: 'Index', index: parts[0] };
    return { type: 'Slice', start: parts[0], stop: parts[1], step: parts[2] };
  }

  projectionRhs(rbp) {
    const p = this.peek();
    if (BP[p] < 10) return { type: 'Identity' };
    if (p === 'Lbracket' || p === 'Filter') return this.expression(rbp);
    if (p === 'Dot') {
      this.next();
      return this.dotRhs(rbp);
    }
    throw fail(`Unexpected ${p} in JMESPath expression: ${this.src}`);
  }

  dotRhs(rbp) {
    const p = this.peek();
    if (p === 'Ident' || p === 'QuotedIdent' || p === 'Star') return this.expression(rbp);
    if (p === 'Lbracket') {
      this.next();
      return this.multiList();
    }
    if (p === 'Lbrace') {
      this.next();
      return this.multiHash();
    }
    throw fail(`Unexpected ${p} after "." in JMESPath expression: ${this.src}`);
  }

  multiList() {
    const items = [];
    while (this.peek() !== 'Rbracket') {
      items.push(this.expression(0));
      if (this.peek() === 'Comma') {
        this.next();
        if (this.peek() === 'Rbracket') throw fail(`Unexpected "]" in JMESPath expression: ${this.src}`);
      }
    }
    this.expect('Rbracket');
    return { type: 'MultiList', items };
  }

  multiHash() {
    const pairs = [];
    for (;;) {
      const key = this.next();
      if (key.type !== 'Ident' && key.type !== 'QuotedIdent') throw fail(`Expected a key in JMESPath expression: ${this.src}`);
      this.expect('Colon');
      pairs.push({ key: key.value, value: this.expression(0) });
      if (this.peek() === 'Comma') this.next();
      else if (this.peek() === 'Rbrace') {
        this.next();
        break;
      }
    }
    return { type: 'MultiHash', pairs };
  }
}

// --- interpreter ---------------------------------------------------------

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function truthy(v) {
  if (v === null || v === undefined || v === false || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
}

function jsonEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
}

function slice(arr, start, stop, step) {
  const len = arr.length;
  const s = step === null ? 1 : step;
  if (s === 0) throw fail('Invalid slice, step cannot be 0');
  const cap = (v, dflt) => {
    if (v === null) return dflt;
    if (v < 0) return Math.max(s < 0 ? -1 : 0, v + len);
    return Math.min(v, s < 0 ? len - 1 : len);
  };
  const a = cap(start, s < 0 ? len - 1 : 0);
  const b = cap(stop, s < 0 ? -1 : len);
  const out = [];
  if (s > 0) for (let i = a; i < b; i += s) out.push(arr[i]);
  else for (let i = a; i > b; i += s) out.push(arr[i]);
  return out;
}

function typeOf(v) {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v && v.__expref) return 'expref';
  return typeof v === 'object' ? 'object' : typeof v;
}

function arg(name, v, ...types) {
  const t = typeOf(v);
  if (!types.includes(t) && !(t === 'array' && types.some((x) => x.startsWith('array-') && v.every((e) => typeOf(e) === x.slice(6))))) {
    throw fail(`TypeError: ${name}() expected argument of type ${types.join(' or ')}, received ${t}`);
  }
  return v;
}

function byKey(name, arr, ref, run) {
  arg(name, arr, 'array');
  const keyed = arr.map((v, i) => ({ v, i, k: run(ref.node, v) }));
  const kind = keyed.length ? typeOf(keyed[0].k) : 'number';
  for (const e of keyed) {
    if (typeOf(e.k) !== kind || (kind !== 'number' && kind !== 'string')) throw fail(`TypeError: ${name}() expected the expression to give numbers or strings`);
  }
  return keyed;
}

const FUNCTIONS = {
  abs: (a) => Math.abs(arg('abs', a[0], 'number')),
  avg: (a) => {
    const v = arg('avg', a[0], 'array-number', 'array');
    return v.length ? v.reduce((x, y) => x + y, 0) / v.length : null;
  },
  ceil: (a) => Math.ceil(arg('ceil', a[0], 'number')),
  contains: (a) => {
    const s = arg('contains', a[0], 'string', 'array');
    return Array.isArray(s) ? s.some((e) => jsonEqual(e, a[1])) : s.indexOf(a[1]) >= 0;
  },
  ends_with: (a) => arg('ends_with', a[0], 'string').endsWith(arg('ends_with', a[1], 'string')),
  floor: (a) => Math.floor(arg('floor', a[0], 'number')),
  join: (a) => arg('join', a[1], 'array-string', 'array').join(arg('join', a[0], 'string')),
  keys: (a) => Object.keys(arg('keys', a[0], 'object')),
  length: (a) => {
    const v = arg('length', a[0], 'string', 'array', 'object');
    return isObject(v) ? Object.keys(v).length : v.length;
  },
  map: (a, run) => arg('map', a[1], 'array').map((v) => run(a[0].node, v)),
  max: (a) => {
    const v = arg('max', a[0], 'array');
    if (!v.length) return null;
    return v.reduce((m, x) => (x > m ? x : m));
  },
  max_by: (a, run) => {
    const k = byKey('max_by', a[0], a[1], run);
    return k.length ? k.reduce((m, x) => (x.k > m.k ? x : m)).v : null;
  },
  merge: (a) => Object.assign({}, ...a.map((o) => arg('merge', o, 'object'))),
  min: (a) => {
    const v = arg('min', a[0], 'array');
    if (!v.length) return null;
    return v.reduce((m, x) => (x < m ? x : m));
  },
  min_by: (a, run) => {
    const k = byKey('min_by', a[0], a[1], run);
    return k.length ? k.reduce((m, x) => (x.k < m.k ? x : m)).v : null;
  },
  not_null: (a) => {
    for (const v of a) if (v !== null && v !== undefined) return v;
    return null;
  },
  reverse: (a) => {
    const v = arg('reverse', a[0], 'string', 'array');
    return typeof v === 'string' ? Array.from(v).reverse().join('') : v.slice().reverse();
  },
  sort: (a) => arg('sort', a[0], 'array').slice().sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)),
  sort_by: (a, run) => byKey('sort_by', a[0], a[1], run).sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : x.i - y.i)).map((e) => e.v),
  starts_with: (a) => arg('starts_with', a[0], 'string').startsWith(arg('starts_with', a[1], 'string')),
  sum: (a) => arg('sum', a[0], 'array').reduce((x, y) => x + y, 0),
  to_array: (a) => (Array.isArray(a[0]) ? a[0] : [a[0]]),
  to_number: (a) => {
    if (typeof a[0] === 'number') return a[0];
    if (typeof a[0] === 'string') {
      const n = +a[0];
      return a[0].trim() !== '' && !isNaN(n) ? n : null;
    }
    return null;
  },
  to_string: (a) => (typeof a[0] === 'string' ? a[0] : JSON.stringify(a[0])),
  type: (a) => typeOf(a[0]),
  values: (a) => Object.values(arg('values', a[0], 'object')),
};

function run(node, value) {
  switch (node.type) {
    case 'Field':
      return isObject(value) && Object.prototype.hasOwnProperty.call(value, node.name) ? value[node.name] : null;
    case 'Subexpr': {
      const left = run(node.left, value);
      return left === null || left === undefined ? null : run(node.right, left);
    }
    case 'Index': {
      if (!Array.isArray(value)) return null;
      const i = node.index < 0 ? value.length + node.index : node.index;
      return value[i] === undefined ? null : value[i];
    }
    case 'Slice':
      return Array.isArray(value) ? slice(value, node.start, node.stop, node.step) : null;
    case 'Projection': {
      const base = run(node.left, value);
      if (!Array.isArray(base)) return null;
      const out = [];
      for (const v of base) {
        const r = run(node.right, v);
        if (r !== null && r !== undefined) out.push(r);
      }
      return out;
    }
    case 'ValueProjection': {
      const base = run(node.left, value);
      if (!isObject(base)) return null;
      const out = [];
      for (const v of Object.values(base)) {
        const r = run(node.right, v);
        if (r !== null && r !== undefined) out.push(r);
      }
      return out;
    }
    case 'FilterProjection': {
      const base = run(node.left, value);
      if (!Array.isArray(base)) return null;
      const out = [];
      for (const v of base) {
        if (!truthy(run(node.cond, v))) continue;
        const r = run(node.right, v);
        if (r !== null && r !== undefined) out.push(r);
      }
      return out;
    }
    case 'Flatten': {
      const base = run(node.child, value);
      if (!Array.isArray(base)) return null;
      const out = [];
      for (const v of base) {
        if (Array.isArray(v)) out.push(...v);
        else out.push(v);
      }
      return out;
    }
    case 'Identity':
    case 'Current':
      return value === undefined ? null : value;
    case 'Literal':
      return node.value;
    case 'MultiList':
      return value === null || value === undefined ? null : node.items.map((n) => run(n, value));
    case 'MultiHash': {
      if (value === null || value === undefined) return null;
      const out = {};
      for (const p of node.pairs) out[p.key] = run(p.value, value);
      return out;
    }
    case 'Or': {
      const l = run(node.left, value);
      return truthy(l) ? l : run(node.right, value);
    }
    case 'And': {
      const l = run(node.left, value);
      return truthy(l) ? run(node.right, value) : l;
    }
    case 'Not':
      return !truthy(run(node.child, value));
    case 'Pipe':
      return run(node.right, run(node.left, value));
    case 'Cmp': {
      const l = run(node.left, value);
      const r = run(node.right, value);
      switch (node.op) {
        case '==':
          return jsonEqual(l, r);
        case '!=':
          return !jsonEqual(l, r);
        default:
          if (typeof l !== 'number' || typeof r !== 'number') return null;
          return node.op === '<' ? l < r : node.op === '<=' ? l <= r : node.op === '>' ? l > r : l >= r;
      }
    }
    case 'Expref':
      return { __expref: true, node: node.child };
    case 'Function': {
      const fn = FUNCTIONS[node.name];
      if (!fn) throw fail(`Unknown function: ${node.name}()`);
      return fn(node.args.map((a) => run(a, value)), run);
    }
    default:
      throw fail(`Unknown JMESPath node ${node.type}`);
  }
}

const cache = new Map();

export function jmespathSearch(data, query) {
  let ast = cache.get(query);
  if (ast === undefined) {
    ast = new Parser(query).parse();
    cache.set(query, ast);
  }
  return run(ast, data);
}
