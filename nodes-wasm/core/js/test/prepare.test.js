// Preparing expressions ahead of their tasks (src/prepare.js): only code
// that cannot close the function it is compiled into is prepared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainCode, preparable, prepare } from '../src/prepare.js';

test('plain code is prepared', () => {
  for (const code of [
    ' $json.body.n * 2 ',
    " 'hello ' + $json.body.name ",
    ' $json.name.toUpperCase() ',
    ' $json.double > 10 ',
    ' $json.a / 2 ',
    ' ($json.a + 1) / $json["b"] ',
    ' $json.list[0]?.name ?? "none" ',
    ' $("Set").item.json.x ',
    ' $json.s.split(",").map(x => x.trim()) ',
    ' "a)b" + \'}\' + "\\"" ',
    ' 1.5e3 + 0x1f ',
  ]) assert.equal(plainCode(code), true, code);
});

test('code that could reach outside its parentheses is not', () => {
  for (const code of [
    ' 1); } }), (globalThis.pwn = 1), (function(){ { (1 ',
    ' 1)), (globalThis.pwn = 1), ((1 ',
    ' a) ',
    ' (a ',
    ' [a) ',
    ' a; b ',
    ' { a: 1 }.a ',
    ' `${a}` ',
    ' /)/.test(a) ',
    ' typeof /)/ ',
    ' a // ) ',
    ' a /* ) */ ',
    ' a <!-- ) ',
    ' a\n--> ) ',
    ' "unterminated ',
    ' "line\nbreak" ',
    ' \\u0029 ',
    ' a\u2028) ',
    ' #x ',
    'a'.repeat(5000),
  ]) assert.equal(plainCode(code), false, JSON.stringify(code));
});

test('expressions with a chunk that is not plain are left to their tasks', () => {
  assert.equal(preparable('={{ $json.a }}'), true);
  assert.equal(preparable('=id {{ $json.a }} and {{ $json.b }}'), true);
  assert.equal(preparable('=id {{ $json.a }} and {{ `${$json.b}` }}'), false);
  assert.equal(preparable('={{ $json.a '), false);
  assert.equal(preparable('=no code'), false);
  assert.equal(preparable('plain'), false);
});

test('prepare compiles what it can and counts the rest', () => {
  const counts = prepare([
    { parameters: { assignments: { assignments: [{ value: '={{ $json.n * 2 }}' }, { value: '={{ `${$json.n}` }}' }, { value: 'constant' }] } } },
    { parameters: { conditions: [{ leftValue: '={{ $json.double }}' }], options: {} } },
    null,
  ]);
  assert.deepEqual(counts, { done: 2, left: 1, unkept: 0 });
  assert.equal(globalThis.pwn, undefined);
  prepare([{ parameters: { x: '={{ 1); } }), (globalThis.pwn = 1), (function(){ { (1 }}' } }]);
  assert.equal(globalThis.pwn, undefined);
});

test('prepare keeps the parameters of nodes given with a key', async () => {
  const { preparedParameters } = await import('../src/prepare.js');
  const params = { assignments: { assignments: [{ value: '={{ $json.k }}' }] } };
  prepare([{ key: 'k1', parameters: params }, { parameters: { x: 1 } }]);
  assert.equal(preparedParameters('k1'), params);
  assert.equal(preparedParameters('k2'), undefined);
  assert.equal(preparedParameters(undefined), undefined);
});

test('a node whose parameters cannot be planned is not kept', async () => {
  const { preparedParameters } = await import('../src/prepare.js');
  const params = { assignments: { assignments: [{ value: '={{ $json.k }}' }] } };
  Object.defineProperty(params, 'broken', { enumerable: true, get() { throw new Error('no'); } });
  const counts = prepare([{ key: 'k-broken', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: params }]);
  assert.equal(counts.unkept, 1);
  assert.equal(preparedParameters('k-broken'), undefined);
});

test('preparing allocates outside the task arena, and resumes it after', () => {
  const calls = [];
  globalThis.__weft_arena_pause = (on) => calls.push(on);
  try {
    prepare([{ parameters: { x: '={{ $json.a }}' } }]);
    assert.deepEqual(calls, [true, false]);
    calls.length = 0;
    const params = {};
    Object.defineProperty(params, 'x', { enumerable: true, get() { throw new Error('no'); } });
    prepare([{ key: 'k-arena', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: params }]);
    assert.deepEqual(calls, [true, false]);
  } finally {
    delete globalThis.__weft_arena_pause;
  }
});
