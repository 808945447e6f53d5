import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import nodeCrypto from 'node:crypto';
import { runNode } from './harness.js';

const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

function crypto(parameters, jsons, extra = [], context = {}) {
  const items = jsons.map((json, i) => Object.assign({ json, pairedItem: { item: i } }, extra[i] || {}));
  return runNode('n8n-nodes-base.crypto', 1, parameters, [items], context);
}

function jsonOf(r) {
  assert.equal(r.error, undefined, r.error && r.error.message);
  return r.outputs[0].map((it) => it.json);
}

test('030: MD5, SHA256 and HMAC-SHA256 in hex', () => {
  const c = loadCase('030');
  for (const [name, from] of [['MD5', 'Data'], ['SHA256', 'MD5'], ['HMAC', 'SHA256']]) {
    const node = c.workflow.nodes.find((n) => n.name === name);
    assert.deepEqual(jsonOf(crypto(node.parameters, c.expected.runData[from][0].outputs[0])), c.expected.runData[name][0].outputs[0], name);
  }
});

const TYPES = ['MD5', 'SHA1', 'SHA256', 'SHA384', 'SHA512', 'SHA3-256', 'SHA3-384', 'SHA3-512'];
const VALUES = ['', 'hello', 'héllo wörld 😀', 'x'.repeat(200)];

test('every hash type and encoding matches Node\'s crypto', () => {
  for (const type of TYPES) {
    for (const encoding of ['hex', 'base64']) {
      const out = jsonOf(crypto({ type, encoding, value: '={{ $json.v }}' }, VALUES.map((v) => ({ v }))));
      assert.deepEqual(out.map((j) => j.data), VALUES.map((v) => nodeCrypto.createHash(type).update(v).digest(encoding)), `${type} ${encoding}`);
    }
  }
});

test('every HMAC type matches Node\'s crypto, short and long secrets', () => {
  for (const type of TYPES) {
    for (const secret of ['k', 'long secret '.repeat(20)]) {
      const out = jsonOf(crypto({ action: 'hmac', type, secret, value: '={{ $json.v }}' }, VALUES.map((v) => ({ v }))));
      assert.deepEqual(out.map((j) => j.data), VALUES.map((v) => nodeCrypto.createHmac(type, secret).update(v).digest('hex')), type);
    }
  }
});

test('hashing binary data', () => {
  const bytes = Buffer.from([0, 1, 2, 250, 255, 10]);
  const binary = { file: { data: bytes.toString('base64'), mimeType: 'application/octet-stream' } };
  const r = crypto({ type: 'SHA256', binaryData: true, binaryPropertyName: 'file' }, [{ a: 1 }], [{ binary }]);
  assert.deepEqual(jsonOf(r), [{ a: 1, data: nodeCrypto.createHash('sha256').update(bytes).digest('hex') }]);
  assert.equal(r.outputs[0][0].binary, undefined);
  const missing = crypto({ binaryData: true }, [{}], [{ binary }]);
  assert.equal(missing.error.message, "This operation expects the node's input data to contain a binary file 'data', but none was found [item 0]");
});

test('the result goes to dataPropertyName; binary data is kept', () => {
  const binary = { f: { data: 'QQ==' } };
  const r = crypto({ value: 'a', dataPropertyName: 'x.y' }, [{ k: 1 }], [{ binary }]);
  assert.deepEqual(jsonOf(r), [{ k: 1, 'x.y': '0cc175b9c0f1b6a831c399e269772661' }]);
  assert.deepEqual(r.outputs[0][0].binary, binary);
});

test('generate: uuid, hex, base64 and ascii strings of the length asked', () => {
  const gen = (params) => jsonOf(crypto(Object.assign({ action: 'generate' }, params), [{}]))[0].data;
  assert.match(gen({}), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(gen({ encodingType: 'hex', stringLength: 10 }), /^[0-9a-f]{10}$/);
  assert.match(gen({ encodingType: 'base64', stringLength: 16 }), /^[A-Za-z0-9]{1,16}$/);
  assert.equal(gen({ encodingType: 'ascii', stringLength: 8 }).length, 8);
});

test('a value that is not a string fails like Node does; continueOnFail gives {error}', () => {
  const r = crypto({ value: '={{ $json.n }}' }, [{ n: 5 }]);
  assert.equal(r.error.message, 'The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received type number (5)');
  const c = crypto({ value: '={{ $json.n }}' }, [{ n: 5 }], [], { onError: 'continueRegularOutput' });
  assert.deepEqual(jsonOf(c), [{ error: r.error.message }]);
});

test('signing is not supported', () => {
  assert.match(crypto({ action: 'sign', value: 'x', algorithm: 'RSA-SHA256', privateKey: 'k' }, [{}]).error.message, /not supported/);
});
