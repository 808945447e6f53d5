// The expression runtime: templates, variables, errors and n8n's extension
// methods, with values taken from n8n's behaviour and documentation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResolver } from '../src/expr/index.js';

const ITEMS = [
  { json: { id: 1, name: 'alice smith', age: 34, tags: ['admin', 'dev'], profile: { score: 88, level: 'gold' }, joined: '2021-03-15T10:00:00.000Z', n: 0, t: true, f: false, nul: null, s: '' }, pairedItem: { item: 0 } },
  { json: { id: 2, name: 'bob jones', age: 17, tags: [], profile: {} }, pairedItem: { item: 1 } },
];

function resolver(items = ITEMS, context = {}, node = {}, connectionInput = undefined) {
  return createResolver({
    node: { name: 'Node', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: {}, ...node },
    inputs: [items],
    connectionInput,
    context: { workflow: { id: 'wf1', name: 'My workflow', active: false, timezone: 'UTC' }, execution: { id: '7', mode: 'manual' }, runIndex: 0, source: [], ...context },
  });
}

const R = resolver();
const ev = (expr, i = 0) => R.resolve(expr, i);
const evJson = (expr, json) => resolver([{ json }]).resolve(expr, 0);

function throwsMessage(fn, message) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, 'ExpressionError');
    if (message instanceof RegExp) assert.match(e.message, message);
    else assert.equal(e.message, message);
    return true;
  });
}

test('strings without = are returned as written', () => {
  assert.equal(ev('plain {{ $json.id }}'), 'plain {{ $json.id }}');
  assert.equal(ev(''), '');
  assert.equal(ev('='), '');
  assert.equal(ev('=just text'), 'just text');
  assert.equal(ev(5), 5);
  assert.equal(ev(null), null);
  assert.equal(ev(true), true);
});

test('a lone {{ }} keeps the type of its value', () => {
  assert.equal(ev('={{ $json.id }}'), 1);
  assert.equal(ev('={{ $json.t }}'), true);
  assert.equal(ev('={{ $json.nul }}'), null);
  assert.equal(ev('={{ $json.missing }}'), undefined);
  assert.deepEqual(ev('={{ $json.tags }}'), ['admin', 'dev']);
  assert.equal(ev('={{ $json.profile }}'), ITEMS[0].json.profile);
  assert.equal(ev('={{$json.id}}'), 1);
  assert.equal(ev('={{ { a: 1 } }}').a, 1);
  assert.equal(ev('={{ "}}" }}'), '}}');
  assert.equal(ev('={{ $json.id // a comment }}'), 1);
  assert.equal(ev('={{ $json.id; }}'), 1);
  assert.equal(ev('={{ 1; 2 }}'), 1);
});

test('text around {{ }} makes a string, as n8n joins the parts', () => {
  assert.equal(ev('=Hi {{ $json.name }}!'), 'Hi alice smith!');
  assert.equal(ev('={{ $json.id }}{{ $json.age }}'), '134');
  assert.equal(ev('=n={{ $json.n }} t={{ $json.t }} f={{ $json.f }}'), 'n=0 t=true f=false');
  assert.equal(ev('=[{{ $json.nul }}][{{ $json.missing }}][{{ $json.s }}][{{ NaN }}]'), '[][][][]');
  assert.equal(ev('=obj {{ $json.profile }}'), 'obj [object Object]');
  assert.equal(ev('=arr {{ $json.tags }}'), 'arr admin,dev');
  assert.equal(ev('=nested {{ [1, [2, null], undefined] }}'), 'nested 1,2,,');
  assert.equal(ev('=date {{ DateTime.fromISO("2024-01-02T03:04:05.000Z") }}'), 'date 2024-01-02T03:04:05.000Z');
  assert.equal(ev('={{ $json.id }} '), '1 ');
  assert.equal(ev('=a {{ "{{" }} b'), 'a {{ b');
});

test('parameters are resolved deeply, keeping key order', () => {
  const out = ev({ b: '={{ $json.id }}', a: ['x', '={{ $json.name }}', { c: '={{ $json.age > 18 }}' }], n: 3 });
  assert.deepEqual(out, { b: 1, a: ['x', 'alice smith', { c: true }], n: 3 });
  assert.deepEqual(Object.keys(out), ['b', 'a', 'n']);
});

test('$json, $binary, $input, $itemIndex, $runIndex', () => {
  assert.equal(ev('={{ $json.name }}', 1), 'bob jones');
  assert.equal(ev('={{ $input.item.json.id }}', 1), 2);
  assert.equal(ev('={{ $input.first().json.id }}', 1), 1);
  assert.equal(ev('={{ $input.last().json.id }}', 0), 2);
  assert.equal(ev('={{ $input.all().length }}'), 2);
  assert.equal(ev('={{ $input.all().map(i => i.json.id).join() }}'), '1,2');
  assert.equal(ev('={{ $itemIndex }}', 1), 1);
  assert.equal(ev('={{ $runIndex }}'), 0);
  assert.equal(resolver(ITEMS, { runIndex: 3 }).resolve('={{ $runIndex }}', 0), 3);
  assert.equal(ev('={{ $thisItem.json.id }}', 1), 2);
  assert.equal(ev('={{ $position }}', 1), 1);
  assert.equal(ev('={{ $data.id }}', 1), 2);
  const bin = resolver([{ json: {}, binary: { file: { data: 'AAAA', mimeType: 'text/plain', fileName: 'a.txt' } } }]);
  assert.deepEqual(bin.resolve('={{ $binary }}', 0), { file: { mimeType: 'text/plain', fileName: 'a.txt' } });
  assert.deepEqual(ev('={{ $binary }}'), {});
  throwsMessage(() => ev('={{ $input.first(1) }}'), '$input.first() should have no arguments');
  throwsMessage(() => resolver([]).resolve('={{ $input.item }}', 0), 'No execution data available');
  throwsMessage(() => resolver([]).resolve('={{ $json.a }}', 0), "Node 'Node' hasn't been executed");
});

test("$input is the task's connectionInput when given", () => {
  const r = resolver(ITEMS, {}, {}, [{ json: { id: 9 } }]);
  assert.equal(r.resolve('={{ $json.id }}', 0), 9);
  assert.equal(r.resolve('={{ $input.all().length }}', 0), 1);
});

test('$workflow, $execution, $prevNode, $vars, $mode, $parameter', () => {
  const r = resolver(ITEMS, {
    source: [{ previousNode: 'Before', previousNodeOutput: 1, previousNodeRun: 2 }],
    vars: { region: 'eu' },
  }, { parameters: { a: 'x', b: '={{ $json.id + 1 }}', c: '={{ $parameter.b * 10 }}' } });
  assert.deepEqual(r.resolve('={{ [$workflow.id, $workflow.name, $workflow.active] }}', 0), ['wf1', 'My workflow', false]);
  assert.equal(r.resolve('={{ $execution.id }}', 0), '7');
  assert.equal(r.resolve('={{ $execution.mode }}', 0), 'test');
  assert.match(r.resolve('={{ $execution.resumeUrl }}', 0), /\/webhook-waiting\/7$/);
  assert.equal(r.resolve('={{ $execution.customData.set("k", 1), $execution.customData.get("k") }}', 0), '1');
  assert.deepEqual(r.resolve('={{ [$prevNode.name, $prevNode.outputIndex, $prevNode.runIndex] }}', 0), ['Before', 1, 2]);
  assert.equal(r.resolve('={{ $vars.region }}', 0), 'eu');
  assert.equal(r.resolve('={{ $mode }}', 0), 'manual');
  assert.equal(r.resolve('={{ $parameter.a }}', 0), 'x');
  assert.equal(r.resolve('={{ $parameter.b }}', 1), 3);
  assert.equal(r.resolve('={{ $parameter.c }}', 1), 30);
  assert.equal(r.resolve('={{ $rawParameter.b }}', 1), '={{ $json.id + 1 }}');
  assert.equal(r.resolve('={{ $prevNode.name }}', 0), 'Before');
  assert.equal(ev('={{ $prevNode.name }}'), undefined);
});

test('$now and $today are Luxon DateTimes in the workflow time zone', () => {
  assert.equal(ev('={{ $now.isValid }}'), true);
  assert.equal(ev('={{ $now.zoneName }}'), 'UTC');
  assert.equal(ev('={{ $today.hour + $today.minute + $today.second }}'), 0);
  assert.equal(ev('={{ $today.toISODate() === $now.toISODate() }}'), true);
  assert.ok(Math.abs(ev('={{ $now.toMillis() }}') - Date.now()) < 5000);
  assert.equal(ev("={{ DateTime.fromISO('2024-05-06T07:08:09Z').toFormat('yyyy-LL-dd HH:mm:ss') }}"), '2024-05-06 07:08:09');
  assert.equal(ev("={{ Duration.fromObject({ hours: 2 }).as('minutes') }}"), 120);
  assert.equal(ev("={{ Interval.fromDateTimes(DateTime.fromISO('2024-01-01'), DateTime.fromISO('2024-01-03')).length('days') }}"), 2);
  const plus2 = resolver(ITEMS, { workflow: { timezone: 'UTC+2' } });
  assert.equal(plus2.resolve("={{ DateTime.fromISO('2024-05-06T07:08:09Z').hour }}", 0), 9);
  assert.equal(resolver().resolve("={{ DateTime.fromISO('2024-05-06T07:08:09Z').hour }}", 0), 7);
});

test('$if, $ifEmpty, $min, $max and friends', () => {
  assert.equal(ev("={{ $if($json.age > 30, 'old', 'young') }}"), 'old');
  assert.equal(ev("={{ $if($json.age > 30, 'old', 'young') }}", 1), 'young');
  assert.equal(ev("={{ $if($json.age > 50, 'old') }}"), false);
  assert.equal(ev("={{ $if(true, 'ok', $json.missing.boom) }}"), 'ok');
  throwsMessage(() => ev('={{ $if(true) }}'), '$if requires at least 2 parameters: test, value_if_true[, and value_if_false]');
  assert.equal(ev("={{ $ifEmpty($json.s, 'fallback') }}"), 'fallback');
  assert.equal(ev("={{ $ifEmpty($json.tags, 'x') }}", 1), 'x');
  assert.equal(ev("={{ $ifEmpty($json.profile, 'x') }}", 1), 'x');
  assert.equal(ev("={{ $ifEmpty($json.name, 'x') }}"), 'alice smith');
  assert.equal(ev("={{ $ifEmpty($json.n, 'x') }}"), 0);
  assert.equal(ev('={{ $min(3, 1, 2) + $max(3, 1, 2) }}'), 4);
  assert.equal(ev('={{ $average(1, 2, 3) }}'), 2);
  assert.equal(ev('={{ $not(false) }}'), true);
  assert.deepEqual(ev('={{ numberList(1, 4) }}'), [1, 2, 3, 4]);
  assert.deepEqual(ev("={{ zip(['a', 'b'], [1, 2]) }}"), { a: 1, b: 2 });
});

test('unknown names read as undefined; hidden globals as empty objects', () => {
  assert.equal(ev('={{ someName }}'), undefined);
  assert.equal(ev('={{ typeof someOtherName }}'), 'undefined');
  assert.equal(ev('={{ $nothing }}'), undefined);
  assert.deepEqual(ev('={{ process }}'), {});
  assert.deepEqual(ev('={{ globalThis }}'), {});
  assert.equal(ev('={{ typeof Function }}'), 'object');
  assert.equal(ev('={{ isNaN("abc") }}'), false);
  assert.equal(ev('={{ Math.round(2.5) + parseInt("4") + JSON.parse("[1]")[0] }}'), 8);
  assert.equal(ev('={{ this.$json.id }}'), 1);
});

test('errors are ExpressionErrors with the message n8n shows', () => {
  throwsMessage(() => ev('={{ $json.missing.toUpperCase() }}'), "Cannot read properties of undefined (reading 'toUpperCase')");
  throwsMessage(() => ev('={{ $json.id +* 2 }}'), 'invalid syntax');
  throwsMessage(() => ev('={{ }}'), 'invalid syntax');
  throwsMessage(() => ev('=a {{ ) }} b'), 'invalid syntax');
  throwsMessage(() => ev('={{ $json.constructor }}'), 'Expression contains invalid constructor function call');
  throwsMessage(() => ev('={{ $json.name.toUpperCase }}'), 'this is a function, please add ()');
  throwsMessage(() => ev('={{ DateTime }}'), 'this is a DateTime, please access its methods');
  assert.throws(() => ev('={{ JSON.parse("not json") }}'), { name: 'ExpressionError' });
  assert.throws(() => ev('={{ (() => { throw new Error("boom") })() }}'), { name: 'ExpressionError', message: 'boom' });
  try {
    ev('={{ $json.missing.x }}', 1);
    assert.fail('no error');
  } catch (e) {
    assert.equal(e.itemIndex, 1);
  }
});

function nodeContext(extra = {}) {
  // Data (3 items) -> Step (3 items, paired 1:1) -> current node
  const data = [{ json: { id: 1, name: 'a' } }, { json: { id: 2, name: 'b' } }, { json: { id: 3, name: 'c' } }];
  const step = data.map((d, i) => ({ json: { id: d.json.id }, pairedItem: { item: i } }));
  return {
    source: [{ previousNode: 'Step', previousNodeOutput: 0, previousNodeRun: 0 }],
    runData: {
      Trigger: [{ outputs: [[{ json: {} }]], source: [] }],
      Data: [{ outputs: [data.map((d) => ({ ...d, pairedItem: { item: 0 } }))], source: [{ previousNode: 'Trigger', previousNodeOutput: 0, previousNodeRun: 0 }] }],
      Step: [{ outputs: [step], source: [{ previousNode: 'Data', previousNodeOutput: 0, previousNodeRun: 0 }] }],
    },
    ...extra,
  };
}

function stepItems() {
  return [0, 1, 2].map((i) => ({ json: { id: i + 1 }, pairedItem: { item: i } }));
}

test("$('Node') reads other nodes' data and follows item pairing", () => {
  const r = resolver(stepItems(), nodeContext());
  assert.equal(r.resolve("={{ $('Data').item.json.name }}", 2), 'c');
  assert.equal(r.resolve("={{ $('Data').pairedItem().json.name }}", 1), 'b');
  assert.equal(r.resolve("={{ $('Data').itemMatching(0).json.name }}", 2), 'a');
  assert.equal(r.resolve("={{ $('Data').first().json.name }}", 2), 'a');
  assert.equal(r.resolve("={{ $('Data').last().json.name }}", 0), 'c');
  assert.equal(r.resolve("={{ $('Data').all().length }}", 0), 3);
  assert.equal(r.resolve("={{ $('Data').all(0, 0)[1].json.id }}", 0), 2);
  assert.equal(r.resolve("={{ $('Data').isExecuted }}", 0), true);
  assert.equal(r.resolve("={{ $('Trigger').item.json }}", 0), r.resolve("={{ $('Trigger').first().json }}", 0));
  assert.equal(r.resolve("={{ $('Step').item.json.id }}", 1), 2);
  assert.equal(r.resolve('={{ $node["Data"].json.name }}', 1), 'b');
  assert.equal(r.resolve('={{ $node.Data.runIndex }}', 1), 0);
  assert.equal(r.resolve("={{ $items('Data').length }}", 0), 3);
  assert.equal(r.resolve("={{ $items('Data', 0, 0)[2].json.name }}", 0), 'c');
  assert.equal(r.resolve('={{ $items().length }}', 0), 3);
  assert.equal(r.resolve('={{ $item(2).$json.id }}', 0), 3);
  throwsMessage(() => r.resolve("={{ $('Data').itemMatching() }}", 0), 'Missing item index for .itemMatching()');
  throwsMessage(() => r.resolve("={{ $('Nope').item }}", 0), "Referenced node doesn't exist");
  throwsMessage(() => r.resolve('={{ $node["Nope"].json }}', 0), "Referenced node doesn't exist");
  throwsMessage(() => r.resolve("={{ $items('Nope') }}", 0), "Referenced node doesn't exist");
  throwsMessage(() => r.resolve('={{ $() }}', 0), 'When calling $(), please specify a node');
  throwsMessage(() => r.resolve("={{ $('Data').all(0, 5) }}", 0), 'Run 5 of node "Data" not found');
  throwsMessage(() => r.resolve("={{ $('Data').all(3) }}", 0), 'Node "Data" has no branch with index 3.');
});

test('with the workflow graph, unexecuted and unconnected nodes are told apart', () => {
  const workflow = {
    id: 'w', name: 'w', timezone: 'UTC',
    nodes: [{ name: 'Trigger' }, { name: 'Data' }, { name: 'Step' }, { name: 'Node' }, { name: 'Later' }, { name: 'If', parameters: { x: 1 } }],
    connections: {
      Trigger: { main: [[{ node: 'Data', type: 'main', index: 0 }]] },
      Data: { main: [[{ node: 'If', type: 'main', index: 0 }]] },
      If: { main: [[], [{ node: 'Step', type: 'main', index: 0 }]] },
      Step: { main: [[{ node: 'Node', type: 'main', index: 0 }]] },
      Node: { main: [[{ node: 'Later', type: 'main', index: 0 }]] },
    },
  };
  const ctx = nodeContext({ workflow });
  ctx.runData.If = [{ outputs: [[{ json: { branch: 'true' } }], [{ json: { branch: 'false' } }]], source: [] }];
  const r = resolver(stepItems(), ctx);
  throwsMessage(() => r.resolve("={{ $('Later').first() }}", 0), "Node 'Later' hasn't been executed");
  throwsMessage(() => r.resolve("={{ $('Later').item }}", 0), 'Invalid expression');
  assert.equal(r.resolve("={{ $('Later').isExecuted }}", 0), false);
  assert.equal(r.resolve("={{ $('If').first().json.branch }}", 0), 'false');
  assert.equal(r.resolve('={{ $node["If"].json.branch }}', 0), 'false');
  assert.deepEqual(r.resolve("={{ $('If').params }}", 0), { x: 1 });
  assert.equal(r.resolve("={{ $('Data').item.json.name }}", 1), 'b');
});

test('paired item failures', () => {
  const ctx = nodeContext();
  throwsMessage(() => resolver([{ json: {} }], ctx).resolve("={{ $('Data').item }}", 0), "Paired item data for item from node 'Node' is unavailable. Ensure 'Node' is providing the required output.");
  ctx.runData.Step[0].outputs[0][1] = { json: { id: 2 } };
  throwsMessage(() => resolver(stepItems(), ctx).resolve("={{ $('Data').item }}", 1), "Paired item data for item from node 'Step' is unavailable. Ensure 'Step' is providing the required output.");
  throwsMessage(() => resolver(stepItems(), { ...nodeContext(), source: [] }).resolve("={{ $('Data').item }}", 0), 'Paired item resolution failed');
});

test('string extensions', () => {
  const cases = [
    ["'hello'.hash()", '5d41402abc4b2a76b9719d911017c592'],
    ["'hello'.hash('sha256')", '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
    ["'hello'.hash('SHA1')", 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d'],
    ["'hello'.hash('base64')", 'aGVsbG8='],
    ["'<b>bold</b>, <a>link</a>'.removeTags()", 'bold, link'],
    ["'*bold*, [link]()'.removeMarkdown()", 'bold, link'],
    ["'# Title\\n**strong** and `code`'.removeMarkdown()", 'Title\nstrong and code'],
    ["'Nathan says \"hi\"'.quote()", '"Nathan says \\"hi\\""'],
    ["'it\\'s'.quote(\"'\")", "'it\\'s'"],
    ["'hello'.base64Encode()", 'aGVsbG8='],
    ["'aGVsbG8='.base64Decode()", 'hello'],
    ["'héllo wörld'.base64Encode().base64Decode()", 'héllo wörld'],
    ["'123'.toNumber()", 123],
    ["'1.23E10'.toNumber()", 12300000000],
    ["'$1,000'.toInt()", 1],
    ["'€12.5'.toFloat()", 12.5],
    ["'42.9'.toInt()", 42],
    ["'ff'.toInt(16)", 255],
    ["'0x10'.toNumber()", 16],
    ["'quick brown $fox'.toSnakeCase()", 'quick_brown_fox'],
    ["'Quick-Brown Fox'.toSnakeCase()", 'quick_brown_fox'],
    ["'quick brown fox. jumps! over? the dog'.toSentenceCase()", 'Quick brown fox. Jumps! Over? The dog'],
    ["'HELLO WORLD'.toSentenceCase()", 'Hello world'],
    ["'the lord of the rings'.toTitleCase()", 'The Lord of the Rings'],
    ["'iPhone and a case: the review'.toTitleCase()", 'iPhone and a Case: the Review'],
    ["'name=Nathan Automat'.urlEncode()", 'name%3DNathan%20Automat'],
    ["'name=Nathan Automat'.urlEncode(true)", 'name=Nathan%20Automat'],
    ["'name%3DNathan%20Automat'.urlDecode()", 'name=Nathan Automat'],
    ["'déjà vu, ÆØÅ ß'.replaceSpecialChars()", 'deja vu, AEOA ss'],
    ["'abc'.length()", 3],
    ["'me@n8n.io'.isEmail()", true],
    ["'me @n8n.io'.isEmail()", false],
    ["'not an email'.isEmail()", false],
    ["'https://n8n.io/path?q=1'.isUrl()", true],
    ["'n8n.io'.isUrl()", false],
    ["'n8n.io'.isDomain()", true],
    ["'1.5'.isNumeric()", true],
    ["'1 5'.isNumeric()", false],
    ["'abc'.isNumeric()", false],
    ["''.isEmpty()", true],
    ["' '.isEmpty()", false],
    ["' '.isBlank()", true],
    ["'x'.isNotEmpty()", true],
    ["'Email me: nathan@n8n.io today'.extractEmail()", 'nathan@n8n.io'],
    ["'nothing'.extractEmail()", undefined],
    ["'nathan@n8n.io'.extractDomain()", 'n8n.io'],
    ["'https://www.n8n.io/path'.extractDomain()", 'www.n8n.io'],
    ["'Check out http://n8n.io/workflows now'.extractUrl()", 'http://n8n.io/workflows'],
    ["'http://n8n.io/workflows'.extractUrlPath()", '/workflows'],
    ["'https://n8n.io'.extractUrlPath()", '/'],
    ["'not a url'.extractUrlPath()", undefined],
    ["'{\"name\":\"Nathan\"}'.parseJson().name", 'Nathan'],
    ["'false'.toBoolean()", false],
    ["'no'.toBoolean()", false],
    ["'0'.toBoolean()", false],
    ["''.toBoolean()", false],
    ["'yes'.toBoolean()", true],
    ["'abc'.toJsonString()", '"abc"'],
    ["'2024-03-30T18:49:00Z'.toDateTime().toISO()", '2024-03-30T18:49:00.000Z'],
    ["'2024-03-30'.toDateTime().toISO()", '2024-03-30T00:00:00.000Z'],
    ["'30/03/2024'.toDateTime('dd/MM/yyyy').toISODate()", '2024-03-30'],
    ["'1708695471'.toDateTime('s').toISO()", '2024-02-23T13:37:51.000Z'],
    ["'Tue, 01 Nov 2022 09:00:00 GMT'.toDateTime().toISO()", '2022-11-01T09:00:00.000Z'],
  ];
  for (const [expr, want] of cases) assert.deepEqual(ev(`={{ ${expr} }}`), want, expr);
  throwsMessage(() => ev("={{ 'abc'.toNumber() }}"), 'cannot convert to number');
  throwsMessage(() => ev("={{ '1,5'.toFloat() }}"), 'cannot convert to float, expected . as decimal separator');
  throwsMessage(() => ev("={{ 'abc'.toInt() }}"), 'cannot convert to integer');
  throwsMessage(() => ev("={{ \"{'name':'Nathan'}\".parseJson() }}"), "Parsing failed. Check you're using double quotes");
  throwsMessage(() => ev("={{ 'x'.hash('crc') }}"), /^Unknown algorithm crc/);
  throwsMessage(() => ev("={{ 'not a date'.toDateTime() }}"), 'cannot convert to Luxon DateTime');
});

test('number extensions', () => {
  const cases = [
    ['(1.256).round()', 1],
    ['(1.256).round(1)', 1.3],
    ['(1.256).round(2)', 1.26],
    ['(1.234).ceil()', 2],
    ['(1.234).floor()', 1],
    ['(-1.7).abs()', 1.7],
    ['(4).isInteger()', true],
    ['(4.12).isInteger()', false],
    ['(33).isEven()', false],
    ['(42).isEven()', true],
    ['(33).isOdd()', true],
    ['(-3).isOdd()', true],
    ['(0).toBoolean()', false],
    ['(-1.3).toBoolean()', true],
    ['(2.6).toInt()', 3],
    ['(2.5).toFloat()', 2.5],
    ["(1708695471).toDateTime('s').toISO()", '2024-02-23T13:37:51.000Z'],
    ['(1708695471000).toDateTime().toISO()', '2024-02-23T13:37:51.000Z'],
    ["(1708695471000000).toDateTime('us').toISO()", '2024-02-23T13:37:51.000Z'],
    ["(45345).toDateTime('excel').toISO()", '2024-02-23T00:00:00.000Z'],
    ['(123456.789).format()', '123,456.789'],
    ["(123456.789).format('de-DE')", '123.456,789'],
    ["(0.256).format('en-US', { style: 'percent' })", '26%'],
    ["(1234.5).format('en-US', { style: 'currency', currency: 'USD' })", '$1,234.50'],
    ['$json.age.isEven()', true],
    ['(5).isEmpty()', false],
    ['(0).isEmpty()', true],
  ];
  for (const [expr, want] of cases) assert.deepEqual(ev(`={{ ${expr} }}`), want, expr);
  throwsMessage(() => ev('={{ (1.5).isEven() }}'), 'isEven() is only callable on integers');
  throwsMessage(() => ev("={{ (1).toDateTime('days') }}"), "Unsupported format 'days'. toDateTime() supports 'ms', 's', 'us' and 'excel'.");
});

test('array extensions', () => {
  const cases = [
    ['[12, 1, 5].average()', 6],
    ['[].average()', 0],
    ['[12, 1, 5].sum()', 18],
    ['[12, 1, 5].min()', 1],
    ['[12, 1, 5].max()', 12],
    ["['quick', 'brown', 'fox'].first()", 'quick'],
    ["['quick', 'brown', 'fox'].last()", 'fox'],
    ['[].first()', undefined],
    ['[2, null, 1, ""].compact()', [2, 1]],
    ["[{ a: null, b: 1 }, {}, 'nil', 0].compact()", [{ b: 1 }, 0]],
    ['[1, 2, 3, 4, 5, 6].chunk(4)', [[1, 2, 3, 4], [5, 6]]],
    ['[1, 2, 3].difference([2, 3])', [1]],
    ['[1, 2].intersection([2, 3])', [2]],
    ['[1, 2].union([2, 3])', [1, 2, 3]],
    ["[{ name: 'Nathan' }, { age: 42 }].merge([{ city: 'Berlin' }, { country: 'Germany' }])", { name: 'Nathan', city: 'Berlin', age: 42, country: 'Germany' }],
    ["[{ a: 1 }, { b: 2 }, { a: 3 }].merge()", { a: 1, b: 2 }],
    ["[{ name: 'Nathan', age: 42 }, { name: 'Jan', city: 'Berlin' }].pluck('name')", ['Nathan', 'Jan']],
    ["[{ name: 'Nathan', age: 42 }, { name: 'Jan', city: 'Berlin' }].pluck('age')", [42]],
    ["[{ name: 'Nathan', age: 42 }].pluck('name', 'age')", [['Nathan', 42]]],
    ["[{ name: 'bob' }, { name: 'meg' }].renameKeys('name', 'x')", [{ x: 'bob' }, { x: 'meg' }]],
    ["[{ name: 'a', v: 1 }, { name: 'b', v: 2 }].smartJoin('name', 'v')", { a: 1, b: 2 }],
    ["['forget', 'me'].append('not')", ['forget', 'me', 'not']],
    ['[9, 0, 2].append(1, 0)', [9, 0, 2, 1, 0]],
    ['[1, 2, 1, { a: 1 }, { a: 1 }].unique()', [1, 2, { a: 1 }]],
    ["[{ a: 1, b: 1 }, { a: 1, b: 2 }].unique('a')", [{ a: 1, b: 1 }]],
    ['[1, 1, 2].removeDuplicates()', [1, 2]],
    ['[].isEmpty()', true],
    ['[0].isNotEmpty()', true],
    ['[1, "a"].toJsonString()', '[1,"a"]'],
    ['[1].toInt()', undefined],
    ['[3, 1, 2].includes(2)', true],
    ['[[1], [2]].flat().length', 2],
  ];
  for (const [expr, want] of cases) assert.deepEqual(ev(`={{ ${expr} }}`), want, expr);
  assert.ok([1, 2, 3].includes(ev('={{ [1, 2, 3].randomItem() }}')));
  throwsMessage(() => ev("={{ [1, 'a'].sum() }}"), 'sum(): all array elements must be numbers');
  throwsMessage(() => ev('={{ [1].chunk(0) }}'), 'chunk(): expected non-zero numeric arg, e.g. .chunk(5)');
  throwsMessage(() => ev('={{ [1].union(2) }}'), 'union(): expected array arg, e.g. .union([1, 2, 3, 4])');
});

test('object and boolean extensions', () => {
  const cases = [
    ["({ name: 'Nathan' }).isEmpty()", false],
    ['({}).isEmpty()', true],
    ['({}).isNotEmpty()', false],
    ["({ x: null, y: 2, z: '' }).compact()", { y: 2 }],
    ["({ name: 'Mr Nathan', city: 'hanoi' }).urlEncode()", 'name=Mr+Nathan&city=hanoi'],
    ["({ name: 'Nathan', age: 42 }).hasField('name')", true],
    ["({ name: 'Nathan', age: 42 }).hasField('Name')", false],
    ["({ name: 'Nathan', city: 'hanoi' }).removeField('name')", { city: 'hanoi' }],
    ["({ name: 'Mr Nathan', city: 'hanoi', age: 42 }).removeFieldsContaining('Nathan')", { city: 'hanoi', age: 42 }],
    ["({ name: 'Mr Nathan', city: 'hanoi', age: 42 }).removeFieldsContaining('Han')", { name: 'Mr Nathan', city: 'hanoi', age: 42 }],
    ["({ name: 'Mr Nathan', city: 'hanoi', age: 42 }).keepFieldsContaining('Nathan')", { name: 'Mr Nathan' }],
    ["({ name: 'Mr Nathan', city: 'hanoi', age: 42 }).keepFieldsContaining('han')", { name: 'Mr Nathan', city: 'hanoi' }],
    ["({ name: 'Mr Nathan', age: 42 }).keys()", ['name', 'age']],
    ["({ name: 'Mr Nathan', age: 42 }).values()", ['Mr Nathan', 42]],
    ["({ name: 'Nathan', age: 42 }).toJsonString()", '{"name":"Nathan","age":42}'],
    ['$json.profile.keys()', ['score', 'level']],
    ['true.toNumber()', 1],
    ['false.toInt()', 0],
    ['true.toBoolean()', true],
    ['$json.f.isEmpty()', true],
    ['$json.nul.isEmpty()', true],
    ['$json.missing.isEmpty()', true],
    ['$json.missing.isNotEmpty()', false],
    ['$json.missing?.isEmpty()', undefined],
    ["$json.name?.toTitleCase() ?? 'x'", 'Alice Smith'],
    ["$json.profile?.level.toTitleCase()", 'Gold'],
  ];
  for (const [expr, want] of cases) assert.deepEqual(ev(`={{ ${expr} }}`), want, expr);
});

test('extension methods dispatch on the value type as n8n does', () => {
  throwsMessage(() => ev('={{ $json.missing.toTitleCase() }}'), "toTitleCase can't be used on undefined value");
  throwsMessage(() => ev('={{ $json.nul.first() }}'), "first can't be used on null value");
  throwsMessage(() => ev('={{ (5).toTitleCase() }}'), 'toTitleCase() is only callable on type "String"');
  throwsMessage(() => ev("={{ 'abc'.format() }}"), 'format() is only callable on types "Date", and "Number"');
  throwsMessage(() => ev("={{ 'abc'.sum() }}"), 'sum() is only callable on type "Array"');
  // a native method of the value stands in when the type has no such extension
  assert.equal(ev("={{ 'a-b'.split('-').length }}"), 2);
  assert.deepEqual(ev('={{ [1, 2].keys().next() }}'), { value: 0, done: false });
  // ISO date strings are dates for extensions, except toDate/toDateTime
  assert.equal(ev("={{ $json.joined.format('yyyy-LL-dd') }}"), '2021-03-15');
  assert.equal(ev('={{ $json.joined.isEmpty() }}'), false);
  assert.equal(ev("={{ $json.joined.toDateTime().plus(1, 'day').toISO() }}"), '2021-03-16T10:00:00.000Z');
  assert.ok(ev("={{ $json.joined.plus(1, 'day') }}") instanceof Date);
  // method names in strings are left alone
  assert.equal(ev("={{ 'a.first()' + \".isEmpty()\" }}"), 'a.first().isEmpty()');
  assert.equal(ev('={{ `x.sum() ${[1, 2].sum()}` }}'), 'x.sum() 3');
  assert.equal(ev('={{ /\\.first\\(/.test("a.first(") }}'), true);
  // chains, nesting and arguments that are extension calls themselves
  assert.equal(ev("={{ $json.name.toTitleCase().quote().length() }}"), 13);
  assert.deepEqual(ev('={{ [[3, 1], [2]].map(a => a.sum()).sum() }}'), 6);
  assert.equal(ev("={{ ($json.tags.first() + '!').toTitleCase() }}"), 'Admin!');
  assert.equal(ev('={{ [1, 2, 3].sum }}'), undefined);
  assert.equal(ev("={{ $json['tags'].first() }}"), 'admin');
  assert.equal(ev("={{ $('Node') === undefined ? 1 : $input.all().pluck('json').length }}"), 2);
  assert.equal(ev('={{ new Date(0).toDateTime().toMillis() }}'), 0);
  assert.equal(ev("={{ $if(true, 'abc', 'x').toTitleCase() }}"), 'Abc');
  assert.equal(ev('={{ [1, 2].isEmpty?.() }}'), false);
});

test('date extensions', () => {
  const dt = "DateTime.fromISO('2024-03-30T18:49:00.000Z')";
  const cases = [
    [`${dt}.extract('month')`, 3],
    [`${dt}.extract('hour')`, 18],
    [`${dt}.extract()`, 13],
    [`${dt}.extract('yearDayNumber')`, 90],
    [`${dt}.format('dd/LL/yyyy')`, '30/03/2024'],
    [`${dt}.format('dd LLL yy')`, '30 Mar 24'],
    [`${dt}.format("HH 'hours and' mm 'minutes'")`, '18 hours and 49 minutes'],
    [`${dt}.plus(7, 'days').toISO()`, '2024-04-06T18:49:00.000Z'],
    [`${dt}.plus(4, 'years').toISO()`, '2028-03-30T18:49:00.000Z'],
    [`${dt}.minus(2, 'hours').toISO()`, '2024-03-30T16:49:00.000Z'],
    [`${dt}.plus({ days: 1, hours: 1 }).toISO()`, '2024-03-31T19:49:00.000Z'],
    [`${dt}.plus(Duration.fromObject({ minutes: 11 })).toISO()`, '2024-03-30T19:00:00.000Z'],
    [`${dt}.minus(10).toISO()`, '2024-03-30T18:48:59.990Z'],
    [`${dt}.isBetween('2020-06-01', '2025-06-01')`, true],
    [`${dt}.isBetween('2025-06-01', '2020-06-01')`, true],
    [`${dt}.isBetween('2024-04-01', '2025-06-01')`, false],
    [`${dt}.beginningOf('month').toISO()`, '2024-03-01T00:00:00.000Z'],
    [`${dt}.beginningOf().toISO()`, '2024-03-25T00:00:00.000Z'],
    [`${dt}.endOfMonth().toISO()`, '2024-03-31T23:59:59.999Z'],
    [`${dt}.isWeekend()`, true],
    [`${dt}.isDst()`, false],
    [`${dt}.toInt()`, 1711824540000],
    [`${dt}.isEmpty()`, false],
    [`DateTime.fromISO('2025-01-01').diffTo('2024-03-30T18:49:07.234', 'days').toFixed(2)`, '276.22'],
    [`DateTime.fromISO('2025-01-01').diffTo(DateTime.fromISO('2024-12-01'), ['months', 'days'])`, { months: 1, days: 0 }],
    [`${dt}.toDateTime() === ${dt}`, false],
    [`${dt}.isInLast(1, 'minutes')`, false],
    [`$now.isInLast(1, 'minutes')`, true],
    [`$now.minus(1, 'days').diffToNow('hours').toFixed(0)`, '-24'],
    ["new Date('2024-03-30T18:49:00.000Z').extract('day')", 30],
  ];
  for (const [expr, want] of cases) assert.deepEqual(ev(`={{ ${expr} }}`), want, expr);
  throwsMessage(() => ev(`={{ ${dt}.isBetween('2020-01-01') }}`), 'isBetween(): expected exactly two args');
  throwsMessage(() => ev(`={{ ${dt}.diffTo($now, 'fortnights') }}`), /^Unsupported unit 'fortnights'/);
});

test('built-ins newer than the engine are available', () => {
  assert.equal(ev('={{ [1, 2, 3].at(-1) }}'), 3);
  assert.equal(ev("={{ 'abc'.at(-1) }}"), 'c');
  assert.equal(ev("={{ 'a-b-c'.replaceAll('-', '+') }}"), 'a+b+c');
  assert.equal(ev("={{ Object.hasOwn({ a: 1 }, 'a') }}"), true);
  assert.deepEqual(ev('={{ structuredClone({ a: [1, { b: 2 }] }) }}'), { a: [1, { b: 2 }] });
  assert.equal(ev('={{ [1, 2, 3].findLast(x => x < 3) }}'), 2);
  assert.deepEqual(ev('={{ [3, 1, 2].toSorted() }}'), [1, 2, 3]);
  assert.deepEqual(ev('={{ [1, 2].toReversed() }}'), [2, 1]);
});

test('the data proxy for the Code node has every variable', () => {
  const p = R.dataProxy(1);
  assert.equal(p.$json.id, 2);
  assert.equal(p.$input.all().length, 2);
  assert.equal(p.$itemIndex, 1);
  assert.equal(typeof p.$, 'function');
  assert.equal(typeof p.DateTime.now, 'function');
  assert.equal(p.$workflow.name, 'My workflow');
  assert.equal(resolver([]).dataProxy(0).$json, undefined);
  for (const name of ['$json', '$input', '$', '$node', '$items', '$now', '$today', '$workflow', '$execution', '$prevNode', '$vars', '$ifEmpty', '$jmespath']) {
    assert.ok(Object.keys(p).includes(name), name);
  }
});

test('compiled expressions are shared and fast enough', () => {
  const items = [];
  for (let i = 0; i < 2000; i++) items.push({ json: { name: `item ${i}`, id: i } });
  const r = resolver(items);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < items.length; i++) {
    r.resolve({ a: '={{ $json.name.toUpperCase() }}', b: '={{ $json.id + 1 }}', c: '=x{{ $json.id }}' }, i);
  }
  const perItem = Number(process.hrtime.bigint() - t0) / items.length / 1000;
  assert.ok(perItem < 50, `${perItem} us per item`);
});

test('$jmespath queries data', () => {
  const data = "({ people: [{ name: 'a', age: 30 }, { name: 'b', age: 20 }], foo: { bar: 1 } })";
  assert.deepEqual(ev(`={{ $jmespath(${data}, 'people[*].name') }}`), ['a', 'b']);
  assert.deepEqual(ev(`={{ $jmespath(${data}, 'people[?age > \`25\`].name | [0]') }}`), 'a');
  assert.deepEqual(ev(`={{ $jmespath(${data}, 'sort_by(people, &age)[].name') }}`), ['b', 'a']);
  assert.deepEqual(ev(`={{ $jmespath(${data}, '{n: foo.bar, c: length(people)}') }}`), { n: 1, c: 2 });
  assert.equal(ev(`={{ $jmespath(${data}, 'missing.x') }}`), null);
  assert.deepEqual(ev("={{ $jmespath($input.all(), '[*].json.id') }}"), [1, 2]);
  throwsMessage(() => ev("={{ $jmespath('x', 'a') }}"), 'expected two arguments (Object, string) for this function');
});

test('the Intl stand-in formats dates, numbers and lists as en-US does', async () => {
  const { DateTimeFormat, NumberFormat, ListFormat } = await import('../src/expr/intl.js');
  const presets = [
    {}, { year: 'numeric', month: 'short', day: 'numeric' }, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' },
    { hour: 'numeric', minute: '2-digit' }, { hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short' },
    { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit' },
    { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' },
    { hour: 'numeric', minute: '2-digit', hourCycle: 'h23' }, { month: 'long', year: 'numeric' }, { dateStyle: 'medium' },
  ];
  for (const zone of ['UTC', 'Europe/Berlin', 'America/New_York']) {
    for (const when of ['2021-03-15T10:05:09Z', '2024-07-01T23:59:00Z', '2025-12-31T00:00:00Z']) {
      for (const p of presets) {
        const o = { ...p, timeZone: zone };
        let want = new Intl.DateTimeFormat('en-US', o).format(new Date(when)).replace(/\u202f/g, ' ');
        if (zone === 'Europe/Berlin') want = want.replace(/GMT\+(\d)$/, 'GMT+$1');
        assert.equal(new DateTimeFormat('en-US', o).format(new Date(when)), want, `${zone} ${when} ${JSON.stringify(p)}`);
      }
    }
  }
  assert.throws(() => new DateTimeFormat('en-US', { timeZone: 'Mars/Olympus' }), RangeError);
  assert.equal(new NumberFormat('en-US').format(1234567.891), '1,234,567.891');
  assert.equal(new NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(1234.5), '1.234,50\u00a0\u20ac');
  assert.equal(new NumberFormat('en-US', { style: 'unit', unit: 'hour', unitDisplay: 'long' }).format(2), '2 hours');
  assert.equal(new ListFormat('en-US', { type: 'conjunction', style: 'narrow' }).format(['a', 'b', 'c']), 'a, b, c');
  assert.equal(new ListFormat('en-US').format(['a', 'b', 'c']), 'a, b, and c');
});

test('time zone rules match the time zone database today', async () => {
  const { zoneInfo, zoneOffset } = await import('../src/expr/tz.js');
  const zones = ['Europe/Berlin', 'Europe/London', 'Europe/Helsinki', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/St_Johns', 'America/Sao_Paulo', 'Asia/Kolkata', 'Asia/Tokyo', 'Asia/Jerusalem', 'Australia/Sydney', 'Australia/Adelaide', 'Pacific/Auckland', 'Africa/Cairo', 'Etc/GMT+5'];
  for (const zone of zones) {
    const dtf = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    for (let ts = Date.UTC(2024, 0, 1); ts < Date.UTC(2027, 0, 1); ts += 86400000 / 4 + 60000) {
      const p = Object.fromEntries(dtf.formatToParts(ts).map((x) => [x.type, x.value]));
      const want = Math.round((Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - Math.floor(ts / 60000) * 60000) / 60000);
      assert.equal(zoneOffset(zoneInfo(zone), ts), want, `${zone} ${new Date(ts).toISOString()}`);
    }
  }
  assert.equal(zoneInfo('Mars/Olympus'), undefined);
});
