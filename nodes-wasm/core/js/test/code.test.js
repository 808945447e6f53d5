import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runNode, runTask } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

function allCases() {
  return fs.readdirSync(CASES).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(fs.readFileSync(new URL(f, CASES), 'utf8')));
}

function itemsOf(jsons) {
  return jsons.map((j, i) => ({ json: j, pairedItem: { item: i } }));
}

// code runs a Code node's parameters on items.
function code(parameters, items, context = {}) {
  return runNode('n8n-nodes-base.code', 2, parameters, [items], context);
}

function jsonOf(result) {
  assert.equal(result.error, undefined, result.error && result.error.message);
  return result.outputs.map((out) => out.map((it) => it.json));
}

// runAsync runs a task whose node returns a promise: __weft_run gives null,
// and once the promise settled __weft_take gives the result.
async function runAsync(parameters, items, context = {}) {
  const text = JSON.stringify({
    abi: 1,
    node: { name: 'Code', type: 'n8n-nodes-base.code', typeVersion: 2, parameters },
    inputs: [items],
    context,
  });
  const first = globalThis.__weft_run(text, 1, 2, 3, 4);
  if (first !== null) return JSON.parse(JSON.stringify(first));
  await new Promise((resolve) => setImmediate(resolve));
  return JSON.parse(JSON.stringify(globalThis.__weft_take()));
}

test('every case\'s Data Code node returns the items n8n recorded', () => {
  let count = 0;
  for (const c of allCases()) {
    for (const node of c.workflow.nodes) {
      if (node.type !== 'n8n-nodes-base.code' || !c.expected.runData[node.name]) continue;
      if (!/^return \[/.test(node.parameters.jsCode)) continue;
      if (c.workflow.pinData && c.workflow.pinData[node.name]) continue;
      const r = code(node.parameters, [{ json: {} }]);
      assert.deepEqual(jsonOf(r), c.expected.runData[node.name][0].outputs, `${c.name} ${node.name}`);
      count++;
    }
  }
  assert.ok(count >= 45, `only ${count} Data nodes checked`);
});

test('019: all items, plain objects without the json wrapper', () => {
  const c = loadCase('019');
  const node = c.workflow.nodes.find((n) => n.name === 'Code');
  const r = code(node.parameters, itemsOf(c.expected.runData.Data[0].outputs[0]));
  assert.deepEqual(jsonOf(r), c.expected.runData.Code[0].outputs);
});

test('020: each item with $json and $itemIndex, paired to its input item', () => {
  const c = loadCase('020');
  const node = c.workflow.nodes.find((n) => n.name === 'Code');
  const r = code(node.parameters, itemsOf(c.expected.runData.Data[0].outputs[0]));
  assert.deepEqual(jsonOf(r), c.expected.runData.Code[0].outputs);
  assert.deepEqual(r.outputs[0].map((it) => it.pairedItem), [0, 1, 2, 3].map((item) => ({ item })));
});

test('034: continueRegularOutput turns a throwing item into {error} with the line and item', () => {
  const c = loadCase('034');
  const node = c.workflow.nodes.find((n) => n.name === 'Risky');
  const r = code(node.parameters, itemsOf(c.expected.runData.Data[0].outputs[0]), { onError: node.onError });
  assert.deepEqual(jsonOf(r), c.expected.runData.Risky[0].outputs);
});

test('048: continueErrorOutput emits {error} items paired to their input (the host routes and merges them)', () => {
  const c = loadCase('048');
  const node = c.workflow.nodes.find((n) => n.name === 'Check');
  const input = itemsOf(c.expected.runData.Data[0].outputs[0]);
  const r = code(node.parameters, input, { onError: node.onError });
  const [good, bad] = c.expected.runData.Check[0].outputs;
  const out = r.outputs[0];
  assert.deepEqual(out.filter((it) => !it.json.error).map((it) => it.json), good);
  const errors = out.filter((it) => it.json.error);
  assert.deepEqual(errors.map((it) => Object.assign({}, input[it.pairedItem.item].json, it.json)), bad);
});

test('039: an error fails the node with the message and its line', () => {
  const c = loadCase('039');
  const node = c.workflow.nodes.find((n) => n.name === 'Fails');
  const r = code(node.parameters, itemsOf(c.expected.runData.Data[0].outputs[0]));
  assert.equal(r.outputs, null);
  assert.equal(r.error.message, c.expected.error.message);
});

test('error messages carry the line of the code and V8\'s wording', () => {
  const items = [{ json: { a: 1 } }, { json: { a: 2 } }];
  const msg = (jsCode, mode = 'runOnceForAllItems') => code({ jsCode, mode }, items).error;
  assert.deepEqual(msg("const a = 1;\nconst b = 2;\nthrow new Error('boom');"), { message: 'boom [line 3]' });
  assert.deepEqual(msg('function f() {\n  return null.x;\n}\nreturn f();'),
    { message: "Cannot read properties of null (reading 'x') [line 2]", description: 'TypeError' });
  assert.deepEqual(msg("return [1,2].map(v => {\n  throw new TypeError('inner ' + v);\n});"),
    { message: 'inner 1 [line 2]', description: 'TypeError' });
  assert.deepEqual(msg('return undefinedVar + 1;'), { message: 'undefinedVar is not defined [line 1]', description: 'ReferenceError' });
  assert.deepEqual(msg('\n\nreturn item.json.nope.deeper;', 'runOnceForEachItem'),
    { message: "Cannot read properties of undefined (reading 'deeper') [line 3, for item 0]", description: 'TypeError' });
  assert.deepEqual(msg("throw 'just a string';"), { message: 'Unknown error' });
  assert.equal(msg('let x = 1;\nfoo bar;').description, 'SyntaxError');
});

test('wrong return shapes fail with n8n\'s messages', () => {
  const items = [{ json: { a: 1 } }];
  const err = (jsCode, mode = 'runOnceForAllItems') => code({ jsCode, mode }, items).error;
  const notItems = { message: "Code doesn't return items properly", description: 'Please return an array of objects, one for each item you would like to output.' };
  assert.deepEqual(err('return 5;'), notItems);
  assert.deepEqual(err('return [1, 2];'), notItems);
  assert.deepEqual(err(''), notItems);
  assert.equal(err('return [{json: {a: 1}}, {b: 2}];').message, 'Unknown top-level item key: b [item 1]');
  assert.equal(err('return [{json: {a: 1}, foo: 2}];').message, 'Invalid output format [item 0]');
  assert.equal(err("return {json: 'x'};").message, "A 'json' property isn't an object [item 0]");
  assert.deepEqual(err('return [$json];', 'runOnceForEachItem'), {
    message: "Code doesn't return a single object [item 0]",
    description: "An array of objects was returned. If you need to output multiple items, please use the 'Run Once for All Items' mode instead.",
  });
  assert.deepEqual(err("return 'x';", 'runOnceForEachItem'), {
    message: "Code doesn't return an object [item 0]",
    description: "Please return an object representing the output item. ('x' was returned instead.)",
  });
  assert.deepEqual(err('const all = $input.all();\nreturn all[0];', 'runOnceForEachItem'), {
    message: "Can't use .all() here [line 1, for item 0]",
    description: "This is only available in 'Run Once for All Items' mode",
  });
  assert.equal(err('return {json: {a: 1}, extra: true};', 'runOnceForEachItem').message, 'Invalid output format [item 0]');
});

test('return values are normalised to items', () => {
  const items = [{ json: { a: 1 } }, { json: { a: 2 } }];
  const out = (jsCode, mode = 'runOnceForAllItems') => jsonOf(code({ jsCode, mode }, items))[0];
  assert.deepEqual(out('return {x: 1};'), [{ x: 1 }]);
  assert.deepEqual(out('return {json: {x: 1}};'), [{ x: 1 }]);
  assert.deepEqual(out('return [{a: 1, foo: 2}];'), [{ a: 1, foo: 2 }]);
  assert.deepEqual(out('return null;'), []);
  assert.deepEqual(out('return items;'), [{ a: 1 }, { a: 2 }]);
  assert.deepEqual(out('return $input.all().map((i) => i.json);'), [{ a: 1 }, { a: 2 }]);
  assert.deepEqual(out('return {doubled: item.json.a * 2};', 'runOnceForEachItem'), [{ doubled: 2 }, { doubled: 4 }]);
  assert.deepEqual(out('return null;', 'runOnceForEachItem'), []);
  assert.deepEqual(out('$json.b = $itemIndex; return $input.item;', 'runOnceForEachItem'), [{ a: 1, b: 0 }, { a: 2, b: 1 }]);
  assert.deepEqual(out("return {json: {d: new Date(0), m: new Map()}};", 'runOnceForEachItem'),
    [{ d: '1970-01-01T00:00:00.000Z', m: {} }, { d: '1970-01-01T00:00:00.000Z', m: {} }]);
});

test('class instances in the output become JSON strings', () => {
  const r = code({ jsCode: 'class P { constructor() { this.x = 1; } }\nreturn {p: new P(), o: {q: new P()}};' }, [{ json: {} }]);
  assert.deepEqual(jsonOf(r), [[{ p: '{"x":1}', o: { q: '{"x":1}' } }]]);
});

test('continueOnFail with all items gives one {error} item', () => {
  const r = code({ jsCode: "throw new Error('no')" }, [{ json: {} }], { onError: 'continueRegularOutput' });
  assert.deepEqual(jsonOf(r), [[{ error: 'no [line 1]' }]]);
});

test('console output goes to the logs', () => {
  const r = code({ jsCode: "console.log('hi', {a: 1});\nreturn [];" }, [{ json: {} }]);
  assert.deepEqual(r.logs, [{ level: 'info', message: 'hi {"a":1}' }]);
});

test('the sandbox has DateTime, $getWorkflowStaticData, $workflow and $execution', () => {
  const r = code({
    jsCode: [
      "const s = $getWorkflowStaticData('global'); s.n = (s.n || 0) + 1;",
      "return {same: $getWorkflowStaticData('global').n, y: DateTime.fromISO('2024-02-27T15:04:05Z', {zone: 'utc'}).year,",
      '  d: Duration.fromObject({hours: 2}).as(\'minutes\'), today: typeof $today, wf: $workflow.name, mode: $execution.mode};',
    ].join('\n'),
  }, [{ json: {} }], { workflow: { id: 'w1', name: 'My flow' }, execution: { id: '7', mode: 'manual' } });
  assert.deepEqual(jsonOf(r), [[{ same: 1, y: 2024, d: 120, today: 'object', wf: 'My flow', mode: 'test' }]]);
});

test('code using await runs asynchronously and settles through __weft_take', async () => {
  const r = await runAsync({ jsCode: 'const v = await Promise.resolve(21);\nreturn [{v: v * 2}];' }, [{ json: {} }]);
  assert.deepEqual(r.outputs.map((o) => o.map((it) => it.json)), [[{ v: 42 }]]);
  const e = await runAsync({
    mode: 'runOnceForEachItem',
    jsCode: "await null;\nif ($json.a === 2) throw new Error('two');\nreturn {a: $json.a};",
  }, [{ json: { a: 1 } }, { json: { a: 2 } }, { json: { a: 3 } }], { onError: 'continueRegularOutput' });
  assert.deepEqual(e.outputs[0].map((it) => it.json), [{ a: 1 }, { error: 'two [line 2, for item 1]' }, { a: 3 }]);
  const f = await runAsync({ jsCode: "await null;\nthrow new Error('late');" }, [{ json: {} }]);
  assert.deepEqual(f, { outputs: null, error: { message: 'late [line 2]' } });
});

test('a returned promise is awaited like n8n\'s async wrapper does', async () => {
  const r = await runAsync({ jsCode: 'return Promise.resolve([{ok: true}]);' }, [{ json: {} }]);
  assert.deepEqual(r.outputs[0].map((it) => it.json), [{ ok: true }]);
});

test('only JavaScript is supported', () => {
  const r = code({ language: 'python', pythonCode: 'return []' }, [{ json: {} }]);
  assert.match(r.error.message, /python/);
});

test('the spec lists the parameters', () => {
  const r = runTask({ node: { name: 's', type: 'weft.specs' } });
  const spec = r.specs.find((s) => s.type === 'n8n-nodes-base.code');
  assert.deepEqual(spec.parameters.map((p) => p.name), ['mode', 'language', 'jsCode']);
});

test('a syntax error is reported like any error of the code, also with continueOnFail', () => {
  const r = code({ jsCode: 'let x = 1;\nfoo bar;' }, [{ json: {} }], { onError: 'continueRegularOutput' });
  assert.equal(r.outputs[0].length, 1);
  assert.match(r.outputs[0][0].json.error, /./);
  const each = code({ jsCode: 'return {\n', mode: 'runOnceForEachItem' }, [{ json: {} }, { json: {} }], { onError: 'continueRegularOutput' });
  assert.equal(each.outputs[0].length, 2);
  assert.deepEqual(each.outputs[0].map((it) => it.pairedItem), [{ item: 0 }, { item: 1 }]);
});

test('an error raised inside a built-in gets the line of the code that called it', () => {
  const r = code({ jsCode: "const a = 1;\n\nreturn JSON.parse('nope');" }, [{ json: {} }]);
  assert.match(r.error.message, / \[line 3\]$/);
  assert.equal(r.error.description, 'SyntaxError');
});

test('$getWorkflowStaticData starts from the host\'s data and returns it when changed', () => {
  const params = { mode: 'runOnceForAllItems', jsCode: "const g = $getWorkflowStaticData('global'); g.n = (g.n || 0) + 1; $getWorkflowStaticData('node').seen = true; return [{json: {n: g.n}}];" };
  const first = code(params, itemsOf([{}]));
  assert.deepEqual(jsonOf(first), [[{ n: 1 }]]);
  assert.deepEqual(first.staticData, { global: { n: 1 }, 'node:Node': { seen: true } });
  const second = code(params, itemsOf([{}]), { staticData: first.staticData });
  assert.deepEqual(jsonOf(second), [[{ n: 2 }]]);
  assert.deepEqual(second.staticData.global, { n: 2 });
  // Reading without changing returns nothing to keep.
  const read = code({ mode: 'runOnceForAllItems', jsCode: "return [{json: {n: $getWorkflowStaticData('global').n}}];" }, itemsOf([{}]), { staticData: { global: { n: 5 } } });
  assert.deepEqual(jsonOf(read), [[{ n: 5 }]]);
  assert.equal(read.staticData, undefined);
});
