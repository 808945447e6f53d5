// The n8n expression runtime: resolves `={{ }}` parameters for one node
// run. createResolver(task) returns
//   resolve(value, itemIndex)  deep-resolves a parameter value for an item;
//   dataProxy(itemIndex)       the variables expressions see, for the Code node;
//   variable(name, itemIndex)  one of them.
//
// What expressions see ($json, $input, $('Node'), $node, …) follows n8n's
// WorkflowDataProxy; see compile.js for how an expression becomes a function
// and extend.js for the extension methods.
//
// Optional task context used here, beyond what the core README lists:
// context.workflow.nodes (the workflow's nodes, or their names) and
// context.workflow.connections (n8n's connections object). With them a
// reference to a node that exists but has not run fails as in n8n ("Node
// 'X' hasn't been executed"), `$('X').first()` reads the output of X that
// leads to this node, and `$('X').item` checks that X is upstream. Without
// them every node missing from runData "doesn't exist" and output 0 is read.
import './polyfills.js';
import './intl.js';
import { ExpressionError } from '../errors.js';
import { compiled, joinValue } from './compile.js';
import { extend, SYMBOLS } from './extend.js';
import { DateTime, Duration, Interval, deferTimezone } from './luxon.js';
import { contextOf } from '../taskContext.js';
import { average } from './ext-array.js';
import { Graph } from './graph.js';
import { jmespathSearch } from './jmespath.js';

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

function fail(message, description) {
  return new ExpressionError(message, description === undefined ? {} : { description });
}

// Functions n8n puts next to the variables.
function ifEmpty(value, fallback) {
  if (arguments.length !== 2) throw fail('expected two arguments (value, defaultValue) for this function');
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'object') {
    if (Array.isArray(value) && !value.length) return fallback;
    if (!Object.keys(value).length) return fallback;
  }
  return value;
}

function $if(test, a, b) {
  if (arguments.length < 2) throw fail('$if requires at least 2 parameters: test, value_if_true[, and value_if_false]');
  return test ? a : b === undefined ? false : b;
}

function numberList(start, end) {
  const size = Math.abs(start - end) + 1;
  const out = new Array(size);
  let cur = start;
  for (let i = 0; i < size; i++) out[i] = start < end ? cur++ : cur--;
  return out;
}

function zip(keys, values) {
  if (!Array.isArray(keys) || !Array.isArray(values)) throw fail('keys and values must be arrays');
  if (keys.length !== values.length) throw fail('keys and values not of equal length');
  const out = {};
  for (let i = 0; i < keys.length; i++) out[keys[i]] = values[i];
  return out;
}

const not = (v) => !v;
const avg = (...args) => average(args);

function jmespath(data, query) {
  if (typeof data !== 'object' || typeof query !== 'string') {
    throw fail('expected two arguments (Object, string) for this function');
  }
  return jmespathSearch(Array.isArray(data) ? data : Object.assign({}, data), query);
}

const constant = (v) => () => v;
const EMPTY = Object.freeze({});

// VARIABLES maps each name an expression can use to a getter
// (resolver, itemIndex) => value, evaluated only when the expression uses it.
const VARIABLES = Object.assign(Object.create(null), {
  $json: (r, i) => r.json(i, true),
  $data: (r, i) => r.json(i, true),
  $binary: (r, i) => r.binary(i, true),
  $input: (r, i) => r.input(i),
  $: (r, i) => r.dollar(i),
  $node: (r, i) => r.legacyNodes(i),
  $items: (r) => r.itemsFunction(),
  $item: (r) => r.itemFunction(),
  $itemIndex: (r, i) => i,
  $position: (r, i) => i,
  $thisItemIndex: (r, i) => i,
  $thisItem: (r, i) => r.items[i],
  $runIndex: (r) => r.runIndex,
  $thisRunIndex: (r) => r.runIndex,
  $prevNode: (r) => r.prevNode(),
  $workflow: (r) => r.workflow(),
  $execution: (r) => r.execution(),
  $mode: (r) => r.mode,
  $vars: (r) => r.c.vars || {},
  $secrets: constant(EMPTY),
  $env: constant(EMPTY),
  $self: constant(EMPTY),
  $now: (r) => r.now(),
  $today: (r) => r.today(),
  $parameter: (r, i) => r.parameters(i, true),
  $rawParameter: (r) => r.node.parameters || {},
  $nodeVersion: (r) => r.node.typeVersion,
  $nodeId: (r) => r.node.id,
  $webhookId: (r) => r.node.webhookId,
  $evaluateExpression: (r, i) => (expr, idx) => r.resolve('=' + expr, idx || i),
  $getPairedItem: (r) => (dest, source, paired) => r.walk(dest, source, paired, '$getPairedItem'),
  $jmespath: constant(jmespath),
  $jmesPath: constant(jmespath),
  $if: constant($if),
  $ifEmpty: constant(ifEmpty),
  $min: constant(Math.min),
  $max: constant(Math.max),
  $average: constant(avg),
  $not: constant(not),
  min: constant(Math.min),
  max: constant(Math.max),
  average: constant(avg),
  not: constant(not),
  numberList: constant(numberList),
  zip: constant(zip),
  DateTime: constant(DateTime),
  Duration: constant(Duration),
  Interval: constant(Interval),
  isNaN: constant(Number.isNaN),
  isFinite: constant(Number.isFinite),
});

// Globals n8n hides from expressions: they read as an empty object.
const HIDDEN = new Set([
  'document', 'global', 'window', 'Window', 'globalThis', 'self', 'alert', 'prompt', 'confirm', 'uneval',
  'setTimeout', 'setInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'Function', 'require',
  'module', 'Buffer', '__dirname', '__filename', 'fetch', 'XMLHttpRequest', 'Promise', 'Generator',
  'GeneratorFunction', 'AsyncFunction', 'AsyncGenerator', 'AsyncGeneratorFunction', 'WebAssembly', 'Reflect',
  'Proxy', 'escape', 'unescape', 'process',
]);

// SCOPE is the prototype of the scope objects expressions run in (one per
// item): a getter per variable, the hidden globals as empty objects, the
// compiler's helpers. Names it lacks are globals; a name that is neither
// reads as undefined (it is added the first time an expression misses it).
// Assigning to a variable does nothing, so one expression cannot change
// what the next one sees.
const SCOPE = Object.create(null);
for (const name of Object.keys(VARIABLES)) {
  const g = VARIABLES[name];
  Object.defineProperty(SCOPE, name, {
    configurable: true,
    get() {
      return g(this.__n8n_r, this.__n8n_i);
    },
    set() {},
  });
}
for (const name of HIDDEN) Object.defineProperty(SCOPE, name, { value: EMPTY, writable: true });
Object.defineProperty(SCOPE, '$json', {
  get() {
    const it = this.__n8n_r.items[this.__n8n_i];
    return it !== undefined ? it.json : this.__n8n_r.json(this.__n8n_i, true);
  },
  set() {},
});
if (typeof Intl === 'undefined') Object.defineProperty(SCOPE, 'Intl', { value: EMPTY, writable: true });
Object.defineProperty(SCOPE, '__n8n_j', { value: joinValue });
Object.defineProperty(SCOPE, '__n8n_x', { value: extend });
Object.defineProperty(SCOPE, '__n8n_s', { value: SYMBOLS });

// learnUndefined makes name (from a ReferenceError) read as undefined in
// expressions, as in n8n; it returns false when that cannot help.
function learnUndefined(e) {
  if (!e || e.name !== 'ReferenceError') return false;
  const m = /^'?([A-Za-z_$][\w$]*)'? is not defined$/.exec(e.message);
  if (!m) return false;
  const name = m[1];
  if (name in SCOPE || name in globalThis) return false;
  Object.defineProperty(SCOPE, name, { get() {}, set() {} });
  return true;
}

// Engine error messages worded as n8n users see them.
function errorMessage(e) {
  if (!(e instanceof Error)) return String(e);
  let m = e.message;
  let r = /^cannot read property '(.*)' of (undefined|null)$/.exec(m);
  if (r) return `Cannot read properties of ${r[2]} (reading '${r[1]}')`;
  r = /^cannot set property '(.*)' of (undefined|null)$/.exec(m);
  if (r) return `Cannot set properties of ${r[2]} (setting '${r[1]}')`;
  r = /^'(.*)' is not defined$/.exec(m);
  if (r) return `${r[1]} is not defined`;
  return m;
}

function stripBinary(binary) {
  const out = {};
  if (!binary || typeof binary !== 'object') return out;
  for (const key of Object.keys(binary)) {
    const entry = {};
    const b = binary[key];
    if (b && typeof b === 'object') {
      for (const p of Object.keys(b)) if (p !== 'data') entry[p] = b[p];
    }
    out[key] = entry;
  }
  return out;
}

const PAIRED_ITEM = 'pairedItem';
const ITEM_MATCHING = 'itemMatching';
const ITEM = 'item';

function missingPairedItem(node, method) {
  return fail(`Paired item data for ${method} from node '${node}' is unavailable. Ensure '${node}' is providing the required output.`);
}

const R = Symbol('resolver');
const I = Symbol('item');

// Input is $input for one item.
class Input {
  constructor(r, i) {
    this[R] = r;
    this[I] = i;
  }

  check() {
    if (this[R].items.length === 0) throw fail('No execution data available');
  }

  get item() {
    this.check();
    return this[R].items[this[I]];
  }

  all() {
    this.check();
    return this[R].items;
  }

  first(...args) {
    this.check();
    if (args.length) throw fail('$input.first() should have no arguments');
    return this[R].items[0];
  }

  last(...args) {
    this.check();
    if (args.length) throw fail('$input.last() should have no arguments');
    const items = this[R].items;
    return items.length ? items[items.length - 1] : undefined;
  }

  get params() {
    this.check();
    const src = this[R].source[0];
    return src ? this[R].nodeParameters(src.previousNode) : undefined;
  }

  get context() {
    this.check();
    return {};
  }
}
Object.defineProperty(Input.prototype, 'check', { enumerable: false });

class Resolver {
  constructor(task) {
    this.task = task;
    this.node = task.node || {};
    // $input is the items the connection brought (connectionInput), else
    // input 0
    const inputs = task.inputs;
    this.items = task.connectionInput || (inputs && inputs[0]) || [];
    // dates see the workflow's time zone; the context is read for it
    // only when a date needs it
    deferTimezone(this);
  }

  // c is the task context; the rest of what it holds is read from it on use
  get c() {
    return contextOf(this.task) || {};
  }

  get runIndex() {
    return this.c.runIndex || 0;
  }

  get runData() {
    return this.c.runData || EMPTY;
  }

  get source() {
    return this.c.source || [];
  }

  get wf() {
    return this.c.workflow || EMPTY;
  }

  get mode() {
    const e = this.c.execution;
    return (e && e.mode) || 'manual';
  }

  // timezone is the workflow's time zone (luxon.js deferTimezone)
  get timezone() {
    return this.wf.timezone;
  }

  get nodeName() {
    return this.node.name;
  }

  get graph() {
    if (this.g === undefined) this.g = new Graph(this.wf);
    return this.g;
  }

  // slot returns the scope object of item i, which also caches the
  // item's variables.
  slot(i) {
    let per = this.perItem;
    if (per === null) per = this.perItem = [];
    let s = per[i];
    if (s === undefined) {
      s = Object.create(SCOPE);
      s.__n8n_r = this;
      s.__n8n_i = i;
      per[i] = s;
    }
    return s;
  }

  resolve(value, i = 0) {
    if (typeof value === 'string') {
      return value.charCodeAt(0) === 61 ? this.evaluate(value, i) : value;
    }
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      const out = new Array(value.length);
      for (let k = 0; k < value.length; k++) out[k] = this.resolve(value[k], i);
      return out;
    }
    const out = {};
    for (const k of Object.keys(value)) out[k] = this.resolve(value[k], i);
    return out;
  }

  evaluate(value, i = 0) {
    const c = compiled(value);
    if (c.fn === undefined) {
      if (c.error) throw new ExpressionError(c.error.message, { description: c.error.description, itemIndex: i });
      return c.constant;
    }
    let result;
    for (let attempt = 0; ; attempt++) {
      try {
        const scope = this.slot(i);
        result = c.fn.call(scope, scope);
        break;
      } catch (e) {
        if (attempt < 20 && learnUndefined(e)) continue;
        if (e instanceof ExpressionError) {
          if (e.itemIndex === undefined) e.itemIndex = i;
          throw e;
        }
        throw new ExpressionError(errorMessage(e), { itemIndex: i });
      }
    }
    if (typeof result === 'function' && c.single) {
      if (result === DateTime || result.name === 'DateTime') {
        throw new ExpressionError('this is a DateTime, please access its methods', { itemIndex: i });
      }
      throw new ExpressionError('this is a function, please add ()', { itemIndex: i });
    }
    return result;
  }

  // --- $json, $binary, $input -------------------------------------------

  item(i, strict) {
    const items = this.items;
    if (items.length === 0) {
      if (!strict) return undefined;
      throw fail(`Node '${this.nodeName}' hasn't been executed`);
    }
    const it = items[i];
    if (it === undefined) {
      if (!strict) return undefined;
      throw fail(`"${this.nodeName}" node has ${items.length} item(s) but you're trying to access item ${i}`);
    }
    return it;
  }

  json(i, strict) {
    const it = this.item(i, strict);
    return it === undefined ? undefined : it.json;
  }

  binary(i, strict) {
    const it = this.item(i, strict);
    if (it === undefined) return undefined;
    const s = this.slot(i);
    if (s.__n8n_binary === undefined) s.__n8n_binary = stripBinary(it.binary);
    return s.__n8n_binary;
  }

  input(i) {
    const s = this.slot(i);
    if (s.__n8n_input === undefined) s.__n8n_input = new Input(this, i);
    return s.__n8n_input;
  }

  // --- other nodes: $('Node'), $node, $items ------------------------------

  nodeExists(name) {
    if (this.graph.known) return this.graph.nodes.has(name);
    return hasOwn(this.runData, name) || name === this.nodeName;
  }

  nodeParameters(name) {
    if (name === this.nodeName) return this.node.parameters;
    const n = this.graph.nodes.get(name);
    return n ? n.parameters : undefined;
  }

  executed(name) {
    return hasOwn(this.runData, name);
  }

  ensureExecuted(name) {
    if (!this.executed(name)) throw fail(`Node '${name}' hasn't been executed`);
  }

  // output returns the items of one output of one run of a node (n8n's
  // getNodeExecutionData); output undefined means the output that leads to
  // this node.
  output(name, output, run) {
    if (!this.nodeExists(name)) throw fail("Referenced node doesn't exist");
    this.ensureExecuted(name);
    const runs = this.runData[name];
    let r = run === undefined ? -1 : run;
    if (r === -1) r = runs.length - 1;
    if (runs.length <= r) throw fail(`Run ${r} of node "${name}" not found`);
    const outs = runs[r] && runs[r].outputs;
    if (!outs || !outs.length || outs[0] === null) throw fail('No data found from `main` input');
    let o = output;
    if (o === undefined) {
      if (this.graph.connections) {
        o = this.graph.outputTowards(this.nodeName, name);
        if (o === undefined) throw fail(`connect "${this.nodeName}" to "${name}"`);
      } else {
        o = 0;
      }
    }
    if (outs.length <= o) throw fail(`Node "${name}" has no branch with index ${o}.`);
    return outs[o] || [];
  }

  defaultOutput(name) {
    if (!this.graph.connections) return 0;
    const o = this.graph.outputTowards(this.nodeName, name);
    return o === undefined ? 0 : o;
  }

  dollar(i) {
    const s = this.slot(i);
    if (s.__n8n_dollar === undefined) s.__n8n_dollar = (name) => this.nodeRef(name, i);
    return s.__n8n_dollar;
  }

  nodeRef(name, i) {
    if (!name) throw fail('When calling $(), please specify a node');
    if (!this.nodeExists(name)) throw fail("Referenced node doesn't exist");
    if (this.refs === undefined) this.refs = new Map();
    let byItem = this.refs.get(name);
    if (byItem === undefined) {
      byItem = [];
      this.refs.set(name, byItem);
    }
    if (byItem[i] !== undefined) return byItem[i];
    const r = this;
    const ref = {
      get isExecuted() {
        return r.executed(name);
      },
      get item() {
        r.checkUpstream(name);
        return r.pairedItem(name, i, ITEM);
      },
      get pairedItem() {
        r.checkUpstream(name);
        return (idx) => r.pairedItem(name, idx === undefined ? i : idx, PAIRED_ITEM);
      },
      get itemMatching() {
        r.checkUpstream(name);
        return (idx) => {
          if (idx === undefined) throw fail('Missing item index for .itemMatching()');
          return r.pairedItem(name, idx, ITEM_MATCHING);
        };
      },
      get first() {
        r.ensureExecuted(name);
        return (output, run) => {
          const items = r.output(name, output === undefined ? r.defaultOutput(name) : output, run);
          return items[0] ? items[0] : undefined;
        };
      },
      get last() {
        r.ensureExecuted(name);
        return (output, run) => {
          const items = r.output(name, output === undefined ? r.defaultOutput(name) : output, run);
          return items.length && items[items.length - 1] ? items[items.length - 1] : undefined;
        };
      },
      get all() {
        r.ensureExecuted(name);
        return (output, run) => r.output(name, output === undefined ? r.defaultOutput(name) : output, run);
      },
      get context() {
        return {};
      },
      get params() {
        return r.nodeParameters(name);
      },
    };
    byItem[i] = ref;
    return ref;
  }

  // checkUpstream fails unless name is upstream of this node (when the
  // workflow's connections are known) and has run.
  checkUpstream(name) {
    if (this.graph.connections) {
      if (!this.cached.ancestors) this.cached.ancestors = this.graph.ancestors(this.nodeName);
      if (!this.cached.ancestors.has(name)) {
        throw fail('Invalid expression', 'No path back to referenced node');
      }
    }
    this.ensureExecuted(name);
  }

  // pairedItem follows the lineage of input item i back to node name.
  pairedItem(name, i, method) {
    const input = this.items[i];
    if (!input) {
      throw fail('Can\u2019t get data for expression', `Some intermediate nodes between \u2018${name}\u2018 and \u2018${this.nodeName}\u2018 have not executed yet.`);
    }
    let paired = input.pairedItem;
    if (paired === undefined || paired === null) throw missingPairedItem(this.nodeName, method);
    if (Array.isArray(paired)) paired = paired[0];
    if (typeof paired === 'number') paired = { item: paired };
    const source = this.source[paired.input || 0] || this.source[0] || null;
    return this.walk(name, source, paired, method);
  }

  // walk resolves pairedItem (an item of the output sourceData names) back
  // to the item of node dest it came from (n8n's getPairedItem).
  walk(dest, sourceData, pairedItem, method, nodeBeforeLast) {
    const paired = typeof pairedItem === 'number' ? { item: pairedItem } : pairedItem;
    const src = (paired && paired.sourceOverwrite) || sourceData;
    if (!src) throw fail('Paired item resolution failed', `Could not trace back to node '${dest}'`);
    const runs = this.runData[src.previousNode];
    const task = runs ? runs[src.previousNodeRun || 0] : undefined;
    const outIndex = src.previousNodeOutput || 0;
    const outputs = task && task.outputs ? task.outputs[outIndex] : undefined;
    if (!outputs) {
      throw fail('Can\u2019t get data for expression', `Expected output #${outIndex} from node ${src.previousNode}`);
    }
    const item = outputs[paired.item];
    if (src.previousNode === dest) {
      if (paired.item >= outputs.length || item === undefined) throw fail("Can't get data for expression");
      return item;
    }
    if (item === undefined) throw fail("Can't get data for expression");
    let next = item.pairedItem;
    next = next === undefined || next === null ? [] : Array.isArray(next) ? next : [next];
    if (next.length === 0) throw missingPairedItem(src.previousNode, method);
    const sources = (task && task.source) || [];
    const found = [];
    let firstError;
    for (let p of next) {
      if (typeof p === 'number') p = { item: p };
      const input = p.input === undefined ? 0 : p.input;
      if (input >= sources.length) continue;
      const nextSource = p.sourceOverwrite || sources[input];
      try {
        found.push(this.walk(dest, nextSource, Object.assign({}, p, { input }), method, src.previousNode));
      } catch (e) {
        if (firstError === undefined) firstError = e;
      }
    }
    if (found.length === 0) {
      if (firstError !== undefined) throw firstError;
      if (sources.length === 0) throw fail('Invalid expression', 'No path back to referenced node');
      throw fail('Branch not found', `Item ${paired.item} in node ${src.previousNode} references a branch that doesn't exist.`);
    }
    for (let k = 1; k < found.length; k++) {
      if (found[k] !== found[0]) throw fail('Multiple matches found', `Multiple matching items for item [${paired.item}]`);
    }
    return found[0];
  }

  legacyNodes(i) {
    const s = this.slot(i);
    if (s.__n8n_legacy !== undefined) return s.__n8n_legacy;
    const r = this;
    const refs = Object.create(null);
    s.__n8n_legacy = new Proxy({}, {
      has: () => true,
      get(target, key) {
        if (typeof key === 'symbol') return undefined;
        if (!r.nodeExists(key)) throw fail("Referenced node doesn't exist");
        if (!refs[key]) refs[key] = r.legacyNodeRef(key, i);
        return refs[key];
      },
    });
    return s.__n8n_legacy;
  }

  legacyNodeRef(name, i) {
    const r = this;
    const data = () => {
      const items = r.output(name, undefined, undefined);
      if (items.length === 0) throw fail(`Node '${name}' hasn't been executed`);
      if (items.length <= i) {
        throw fail(`"${name}" node has ${items.length} item(s) but you're trying to access item ${i}`);
      }
      return items[i];
    };
    return {
      get json() {
        return data().json;
      },
      get data() {
        return data().json;
      },
      get binary() {
        return stripBinary(data().binary);
      },
      get context() {
        return {};
      },
      get parameter() {
        return r.nodeParameters(name) || {};
      },
      get runIndex() {
        const runs = r.runData[name];
        return runs ? runs.length - 1 : -1;
      },
    };
  }

  itemsFunction() {
    if (this.cached.items === undefined) {
      this.cached.items = (name, output, run) => {
        if (name === undefined) return this.items;
        return this.output(name, output || 0, run === undefined ? -1 : run);
      };
    }
    return this.cached.items;
  }

  itemFunction() {
    if (this.cached.item === undefined) this.cached.item = (index) => this.dataProxy(index);
    return this.cached.item;
  }

  // --- execution, workflow, time ----------------------------------------

  prevNode() {
    if (this.cached.prevNode === undefined) {
      const src = this.source[0];
      this.cached.prevNode = src
        ? { name: src.previousNode, outputIndex: src.previousNodeOutput || 0, runIndex: src.previousNodeRun || 0 }
        : { name: undefined, outputIndex: undefined, runIndex: undefined };
    }
    return this.cached.prevNode;
  }

  workflow() {
    if (this.cached.workflow === undefined) {
      this.cached.workflow = { id: this.wf.id, name: this.wf.name, active: !!this.wf.active };
    }
    return this.cached.workflow;
  }

  execution() {
    if (this.cached.execution === undefined) {
      const e = this.c.execution || {};
      const id = e.id;
      const base = (e.webhookWaitingBaseUrl || 'http://localhost:5678').replace(/\/+$/, '');
      const data = {};
      this.cached.execution = {
        id,
        mode: this.mode === 'manual' ? 'test' : 'production',
        resumeUrl: e.resumeUrl || `${base}/webhook-waiting/${id}`,
        resumeFormUrl: e.resumeFormUrl || `${base}/form-waiting/${id}`,
        customData: {
          set(key, value) {
            data[String(key)] = String(value);
          },
          setAll(obj) {
            for (const k of Object.keys(obj || {})) data[k] = String(obj[k]);
          },
          get(key) {
            return data[String(key)];
          },
          getAll() {
            return Object.assign({}, data);
          },
        },
      };
    }
    return this.cached.execution;
  }

  now() {
    if (this.cached.now === undefined) this.cached.now = DateTime.now();
    return this.cached.now;
  }

  today() {
    if (this.cached.today === undefined) this.cached.today = this.now().set({ hour: 0, minute: 0, second: 0, millisecond: 0 });
    return this.cached.today;
  }

  // parameters returns the node's parameters with string expressions
  // resolved for item i ($parameter).
  parameters(i) {
    const s = this.slot(i);
    if (s.__n8n_parameters !== undefined) return s.__n8n_parameters;
    const params = this.node.parameters || {};
    const out = {};
    const r = this;
    for (const key of Object.keys(params)) {
      Object.defineProperty(out, key, {
        enumerable: true,
        configurable: true,
        get() {
          let v = params[key];
          if (v === `={{ $parameter.${key} }}`) return undefined;
          if (v && typeof v === 'object' && v.__rl === true) v = v.value;
          if (typeof v === 'string' && v.charCodeAt(0) === 61) {
            if (r.depth > 20) throw fail('The expression refers to its own parameter');
            r.depth++;
            try {
              return r.evaluate(v, i);
            } finally {
              r.depth--;
            }
          }
          return v;
        },
      });
    }
    s.__n8n_parameters = out;
    return out;
  }

  // variable returns one variable of dataProxy(i), without building the
  // others; undefined for a name that is not a variable.
  variable(name, i = 0) {
    if (name === '$json' || name === '$data') return this.json(i, false);
    if (name === '$binary') return this.binary(i, false);
    const g = VARIABLES[name];
    return g === undefined ? undefined : g(this, i);
  }

  // dataProxy returns every variable for item i as getters (the Code node
  // hands them to the user's code). $json and $binary are undefined rather
  // than failing when there is no such item.
  dataProxy(i = 0) {
    const out = {};
    for (const name of Object.keys(VARIABLES)) {
      const g = VARIABLES[name];
      Object.defineProperty(out, name, { enumerable: true, configurable: true, get: () => g(this, i) });
    }
    const soft = {
      $json: () => this.json(i, false),
      $data: () => this.json(i, false),
      $binary: () => this.binary(i, false),
    };
    for (const name of Object.keys(soft)) {
      Object.defineProperty(out, name, { enumerable: true, configurable: true, get: soft[name] });
    }
    return out;
  }
}

// Fields most runs never set, read from the prototype until they are: the
// graph (g), $('Node') objects by name (refs), and values made on first
// use (cached).
Resolver.prototype.g = undefined;
Resolver.prototype.refs = undefined;
// each item's scope (slot), made on first use; the depth of parameters
// resolving each other ($parameter)
Resolver.prototype.perItem = null;
Resolver.prototype.depth = 0;
Object.defineProperty(Resolver.prototype, 'cached', {
  get() {
    const cached = {};
    Object.defineProperty(this, 'cached', { value: cached, writable: true });
    return cached;
  },
});

// isVariable reports whether name is one of the variables dataProxy has.
export function isVariable(name) {
  return VARIABLES[name] !== undefined;
}

// createResolver returns the resolver of a node run: resolve(value,
// itemIndex), evaluate(expression, itemIndex), dataProxy(itemIndex) and
// variable(name, itemIndex), itemIndex 0 when left out.
export function createResolver(task) {
  return new Resolver(task);
}
