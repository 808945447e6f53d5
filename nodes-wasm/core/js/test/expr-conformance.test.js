// The expressions of the conformance cases (api/testdata/conformance),
// resolved by the expression runtime alone against the run data n8n
// recorded: every expression in every node that ran must evaluate, and
// the Set nodes' assignments must give the values n8n's output holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createResolver } from '../src/expr/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../../api/testdata/conformance');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));

function byName(name) {
  const c = cases.find((k) => k.name.startsWith(name));
  assert.ok(c, `case ${name}`);
  return c;
}

// parentOf returns the node and output that feed a node's input 0.
function parentOf(wf, node) {
  for (const [source, conns] of Object.entries(wf.connections)) {
    const main = conns.main || [];
    for (let output = 0; output < main.length; output++) {
      for (const c of main[output] || []) {
        if (c.node === node && (c.index || 0) === 0) return { node: source, output };
      }
    }
  }
  return null;
}

function asItems(list) {
  return list.map((json, i) => ({ json, pairedItem: { item: i } }));
}

// taskFor builds the task a node's first run gets, as the executor sends
// it: its input, where it came from and every run recorded before it.
function taskFor(c, nodeName) {
  const wf = c.workflow;
  const node = wf.nodes.find((n) => n.name === nodeName);
  const parent = parentOf(wf, nodeName);
  const runData = {};
  for (const [name, runs] of Object.entries(c.expected.runData)) {
    if (name === nodeName) continue;
    const p = parentOf(wf, name);
    runData[name] = runs.map((run) => ({
      outputs: run.outputs.map(asItems),
      source: p ? [{ previousNode: p.node, previousNodeOutput: p.output, previousNodeRun: 0 }] : [],
    }));
  }
  const input = parent ? asItems(c.expected.runData[parent.node][0].outputs[parent.output]) : [{ json: {} }];
  return {
    node: { name: node.name, type: node.type, typeVersion: node.typeVersion, parameters: node.parameters },
    inputs: [input],
    context: {
      workflow: { id: wf.id, name: wf.name, active: false, timezone: 'UTC' },
      execution: { id: '1', mode: 'manual' },
      runIndex: 0,
      source: parent ? [{ previousNode: parent.node, previousNodeOutput: parent.output, previousNodeRun: 0 }] : [],
      runData,
    },
  };
}

function expressions(v, out = []) {
  if (typeof v === 'string') {
    if (v.startsWith('=')) out.push(v);
  } else if (v && typeof v === 'object') {
    for (const x of Object.values(v)) expressions(x, out);
  }
  return out;
}

// setValue converts an assignment's value as Set 3.4 does for the types
// the cases use.
function setValue(v, type) {
  if (v === undefined || v === null) return null;
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'number':
      return Number(v);
    case 'boolean':
      return typeof v === 'string' ? v.toLowerCase() === 'true' : Boolean(v);
    default:
      return JSON.parse(JSON.stringify(v));
  }
}

const failing = new Set(['033-stop-and-error', '047-expr-missing-node-error']);

test('every expression of every conformance case evaluates', () => {
  let count = 0;
  for (const c of cases) {
    for (const node of c.workflow.nodes) {
      const exprs = expressions(node.parameters);
      if (!exprs.length || !c.expected.runData[node.name] || failing.has(c.name)) continue;
      const task = taskFor(c, node.name);
      const r = createResolver(task);
      const items = task.inputs[0];
      for (const e of exprs) {
        for (let i = 0; i < Math.max(items.length, 1); i++) {
          assert.doesNotThrow(() => r.resolve(e, i), `${c.name} ${node.name} ${e} item ${i}`);
          count++;
        }
      }
    }
  }
  assert.ok(count > 150, `${count} evaluations`);
});

test('Set assignments give the values n8n recorded', () => {
  const skip = new Set(['003-set-raw-json', '027-loop-over-items', '035-onerror-continue-error-output']);
  let checked = 0;
  for (const c of cases) {
    if (skip.has(c.name)) continue;
    for (const node of c.workflow.nodes) {
      if (node.type !== 'n8n-nodes-base.set' || node.parameters.mode === 'raw' || node.disabled) continue;
      const runs = c.expected.runData[node.name];
      if (!runs || !runs[0].outputs.length) continue;
      const out = runs[0].outputs[0];
      const task = taskFor(c, node.name);
      const r = createResolver(task);
      for (const a of node.parameters.assignments.assignments) {
        if (a.name.includes('.')) continue;
        for (let i = 0; i < out.length; i++) {
          const got = setValue(r.resolve(a.value, i), a.type);
          assert.deepEqual(got, out[i][a.name], `${c.name} ${node.name}.${a.name} item ${i}`);
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 100, `${checked} values`);
});

function resolveAll(caseName, nodeName) {
  const c = byName(caseName);
  const task = taskFor(c, nodeName);
  const r = createResolver(task);
  const node = c.workflow.nodes.find((n) => n.name === nodeName);
  return task.inputs[0].map((_, i) => {
    const o = {};
    for (const a of node.parameters.assignments.assignments) o[a.name] = r.resolve(a.value, i);
    return o;
  });
}

test('042: $json paths, $input.first/last/all/item, $itemIndex, brackets', () => {
  assert.deepEqual(resolveAll('042', 'Expr'), [
    { deep: 'gold', firstTag: 'admin', firstName: 'alice smith', lastId: 3, allCount: 3, itemAge: 34, idx: 0, bracket: 'Berlin' },
    { deep: undefined, firstTag: undefined, firstName: 'alice smith', lastId: 3, allCount: 3, itemAge: 17, idx: 1, bracket: 'Paris' },
    { deep: 'silver', firstTag: 'dev', firstName: 'alice smith', lastId: 3, allCount: 3, itemAge: 52, idx: 2, bracket: 'Berlin' },
  ]);
});

test("043: $('Data').item follows pairing, .first(), .all(), $node, $workflow, $runIndex", () => {
  const out = resolveAll('043', 'Refs');
  assert.deepEqual(out, [
    { pairedName: 'a', firstX: 10, sumX: 60, legacy: 10, wfName: '043-expr-node-refs', run: 0 },
    { pairedName: 'b', firstX: 10, sumX: 60, legacy: 20, wfName: '043-expr-node-refs', run: 0 },
    { pairedName: 'c', firstX: 10, sumX: 60, legacy: 30, wfName: '043-expr-node-refs', run: 0 },
  ]);
});

test('044: template literals, string methods, ternary, mixed text', () => {
  const out = resolveAll('044', 'Str');
  assert.deepEqual(out[0], {
    tpl: 'alice smith lives in Berlin', upper: 'ALICE SMITH', last: 'smith', repl: '@lice smith', hasDev: true, tern: 'senior', mixed: 'Hi alice, age 34!',
  });
  assert.deepEqual(out[1], {
    tpl: 'bob jones lives in Paris', upper: 'BOB JONES', last: 'jones', repl: 'bob jones', hasDev: false, tern: 'junior', mixed: 'Hi bob, age 17!',
  });
  assert.equal(out[2].repl, 'c@rol white');
});

test('045: array methods and n8n extensions', () => {
  assert.deepEqual(resolveAll('045', 'Arr'), [{
    mapped: [30, 10, 30, 70], filtered: [3, 3, 7], reduced: 14, joined: '3-1-3-7', len: 4, isEmptyArr: true, isEmptyObj: true, title: 'Hello Big World', plucked: ['a', 'b'], total: 14, uniq: [3, 1, 7], firstEl: 3,
  }]);
});

test('046: JSON, Math, DateTime, spread, optional chaining, nullish coalescing', () => {
  assert.deepEqual(resolveAll('046', 'Misc'), [
    { json: '{"score":88,"level":"gold"}', math: 11, when: '2021-03-15 10:00', spread: { score: 88, level: 'gold', id: 1 }, optional: 'GOLD', nullish: 88 },
    { json: '{}', math: 4, when: '2023-11-02 08:30', spread: { id: 2 }, optional: 'none', nullish: -1 },
  ]);
});

test("047: a reference to a node that doesn't exist fails", () => {
  const c = byName('047');
  const r = createResolver(taskFor(c, 'Bad Ref'));
  assert.throws(() => r.resolve("={{ $('Does Not Exist').item.json.x }}", 0), {
    name: 'ExpressionError',
    message: c.expected.error.message,
  });
  assert.equal(c.expected.error.message, "Referenced node doesn't exist");
});
