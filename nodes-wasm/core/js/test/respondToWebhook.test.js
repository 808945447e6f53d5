import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, runTask } from './harness.js';

const TYPE = 'n8n-nodes-base.respondToWebhook';
const JSON_CT = 'application/json; charset=utf-8';
const HTML_CT = 'text/html; charset=utf-8';

function items(...jsons) {
  return jsons.map((json, i) => ({ json, pairedItem: { item: i } }));
}

function respond(parameters, input = items({ name: 'ann', n: 21 }, { name: 'bob', n: 2 }), { version = 1.1, context = {} } = {}) {
  return runNode(TYPE, version, parameters, [input], context);
}

test('first incoming item (the default): its JSON, outputs the items unchanged', () => {
  const input = items({ name: 'ann', n: 21 }, { name: 'bob', n: 2 });
  const r = respond({}, input);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.response, { status: 200, headers: {}, body: '{"name":"ann","n":21}', contentType: JSON_CT });
  assert.deepEqual(r.outputs, [input]);
});

test('all incoming items, and responseKey puts them in a field', () => {
  assert.equal(respond({ respondWith: 'allIncomingItems' }).response.body, '[{"name":"ann","n":21},{"name":"bob","n":2}]');
  const r = respond({ respondWith: 'allIncomingItems', options: { responseKey: 'data.items' } });
  assert.equal(r.response.body, '{"data":{"items":[{"name":"ann","n":21},{"name":"bob","n":2}]}}');
  assert.equal(respond({ respondWith: 'firstIncomingItem', options: { responseKey: 'user' } }).response.body, '{"user":{"name":"ann","n":21}}');
});

test('json: the body as written, expressions resolved for the first item', () => {
  let r = respond({ respondWith: 'json', responseBody: '={\n  "hello": "{{ $json.name }}",\n  "double": {{ $json.n * 2 }}\n}' });
  assert.deepEqual(r.response, { status: 200, headers: {}, body: '{"hello":"ann","double":42}', contentType: JSON_CT });
  r = respond({ respondWith: 'json', responseBody: '={{ $json }}' });
  assert.equal(r.response.body, '{"name":"ann","n":21}');
  r = respond({ respondWith: 'json', responseBody: '={{ [$json.n, null] }}' });
  assert.equal(r.response.body, '[21,null]');
  // a JSON string is sent as text, as n8n's server sends any string
  r = respond({ respondWith: 'json', responseBody: '"just a string"' });
  assert.deepEqual(r.response, { status: 200, headers: {}, body: 'just a string', contentType: HTML_CT });
  // n8n's default body when the parameter is absent
  assert.equal(respond({ respondWith: 'json' }).response.body, '{"myField":"value"}');
  // an empty body sends nothing
  assert.deepEqual(respond({ respondWith: 'json', responseBody: '' }).response, { status: 200, headers: {}, contentType: JSON_CT });
});

test('json that does not parse fails with n8n\'s message', () => {
  const r = respond({ respondWith: 'json', responseBody: '{"a": nope}' });
  assert.equal(r.outputs, null);
  assert.deepEqual(r.error, {
    message: "Invalid JSON in 'Response Body' field",
    description: "Check that the syntax of the JSON in the 'Response Body' parameter is valid",
  });
  assert.equal(r.response, undefined);
});

test('text: sent as HTML unless a header says otherwise', () => {
  let r = respond({ respondWith: 'text', responseBody: '=Hello {{ $json.name }}!' });
  assert.deepEqual(r.response, { status: 200, headers: {}, body: 'Hello ann!', contentType: HTML_CT });
  r = respond({
    respondWith: 'text', responseBody: 'a,b',
    options: { responseCode: 201, responseHeaders: { entries: [{ name: 'Content-Type', value: 'text/csv; header=present' }, { name: 'X-Count', value: 2 }] } },
  });
  assert.deepEqual(r.response, { status: 201, headers: { 'x-count': '2' }, body: 'a,b', contentType: 'text/csv; charset=utf-8; header=present' });
  assert.deepEqual(respond({ respondWith: 'text' }).response, { status: 200, headers: {}, body: '', contentType: HTML_CT });
});

test('no data, with status and headers', () => {
  const r = respond({ respondWith: 'noData', options: { responseCode: 204, responseHeaders: { entries: [{ name: 'X-A', value: '1' }, { name: 'Content-Length', value: '5' }] } } });
  assert.deepEqual(r.response, { status: 204, headers: { 'x-a': '1' }, contentType: JSON_CT });
  // responseCode 0 is 200, as n8n's `|| 200`
  assert.equal(respond({ respondWith: 'noData', options: { responseCode: 0 } }).response.status, 200);
});

test('redirect: 307 unless a code is set', () => {
  let r = respond({ respondWith: 'redirect', redirectURL: '=https://example.com/{{ $json.name }}' });
  assert.deepEqual(r.response, { status: 307, headers: { location: 'https://example.com/ann' }, contentType: JSON_CT });
  r = respond({ respondWith: 'redirect', redirectURL: 'https://n8n.io', options: { responseCode: 301 } });
  assert.equal(r.response.status, 301);
});

test('binary: the file as base64 with its type', () => {
  const png = { data: 'iVBORw0KGgo=', mimeType: 'image/png', fileName: 'a.png' };
  const input = [{ json: { a: 1 }, binary: { picture: png, other: { data: 'aGk=', mimeType: 'text/plain' } } }];
  let r = respond({ respondWith: 'binary' }, input);
  assert.deepEqual(r.response, { status: 200, headers: {}, body: 'iVBORw0KGgo=', encoding: 'base64', contentType: 'image/png' });
  r = respond({ respondWith: 'binary', responseDataSource: 'set', inputFieldName: 'other', options: { responseHeaders: { entries: [{ name: 'content-type', value: 'application/x-custom' }] } } }, input);
  assert.deepEqual(r.response, { status: 200, headers: {}, body: 'aGk=', encoding: 'base64', contentType: 'application/x-custom' });
  // HTML goes into a sandboxed iframe, as text
  const html = [{ json: {}, binary: { data: { data: Buffer.from('<p>hi</p>').toString('base64'), mimeType: 'text/html' } } }];
  r = respond({ respondWith: 'binary' }, html);
  assert.equal(r.response.contentType, HTML_CT);
  assert.equal(r.response.encoding, undefined);
  assert.match(r.response.body, /^\n\t\t<iframe srcdoc="<p>hi<\/p>"\n/);
});

test('binary errors name the missing data', () => {
  let r = respond({ respondWith: 'binary' }, items({ a: 1 }));
  assert.equal(r.error.message, 'No binary data exists on the first item!');
  r = respond({ respondWith: 'binary' }, [{ json: {}, binary: {} }]);
  assert.equal(r.error.message, 'No binary data exists on the first item!');
  r = respond({ respondWith: 'binary', responseDataSource: 'set', inputFieldName: 'file' }, [{ json: {}, binary: { data: { data: '', mimeType: 'text/plain' } } }]);
  assert.equal(r.error.message, "The item has no binary field 'file' [item 0]");
});

test('version 1.3 has a second output with the response; 1.4 and 1.5 when enabled', () => {
  const input = items({ name: 'ann' });
  const expected = { body: { name: 'ann' }, headers: {}, statusCode: 200 };
  let r = respond({}, input, { version: 1.3 });
  assert.deepEqual(r.outputs, [input, [{ json: { response: expected } }]]);
  r = respond({ enableResponseOutput: true }, input, { version: 1.4 });
  assert.deepEqual(r.outputs, [input, [{ json: { response: expected } }]]);
  r = respond({}, input, { version: 1.5 });
  assert.deepEqual(r.outputs, [input]);
  r = respond({ enableResponseOutput: true }, input, { version: 1.2 });
  assert.deepEqual(r.outputs, [input]);
  // a file reads as a Node.js Buffer in the response output
  const file = [{ json: {}, binary: { data: { data: 'aGk=', mimeType: 'text/plain' } } }];
  r = respond({ respondWith: 'binary' }, file, { version: 1.3 });
  assert.deepEqual(r.outputs[1][0].json.response.body, { type: 'Buffer', data: [104, 105] });
  assert.deepEqual(r.outputs[1][0].json.response.headers, { 'content-type': 'text/plain' });
});

test('the outputs a workflow sees', () => {
  const r = runTask({
    node: {
      name: 'd', type: 'weft.describe', typeVersion: 1, parameters: {
        nodes: [
          { name: 'A', type: TYPE, typeVersion: 1.1, parameters: {} },
          { name: 'B', type: TYPE, typeVersion: 1.3, parameters: {} },
          { name: 'C', type: TYPE, typeVersion: 1.4, parameters: { enableResponseOutput: true } },
          { name: 'D', type: TYPE, typeVersion: 1.5, parameters: { respondWith: 'xml' } },
        ],
      },
    },
  });
  assert.deepEqual(r.nodes.map((n) => n.outputs), [1, 2, 2, 1]);
  assert.match(r.nodes[3].problems[0], /^respondWith: "xml" is not one of/);
});

test('errors: continue on fail, no items, JWT, unknown mode', () => {
  const input = items({ a: 1 }, { a: 2 });
  let r = respond({ respondWith: 'json', responseBody: '{' }, input, { context: { onError: 'continueRegularOutput' } });
  assert.deepEqual(r.outputs, [[{ json: { error: "Invalid JSON in 'Response Body' field" }, pairedItem: [{ item: 0 }, { item: 1 }] }]]);
  assert.equal(r.response, undefined);
  r = respond({}, []);
  assert.equal(r.error.message, "Cannot read properties of undefined (reading 'json')");
  r = respond({ respondWith: 'jwt' });
  assert.equal(r.error.message, 'Error signing JWT token');
  r = respond({ respondWith: 'xml' });
  assert.equal(r.error.message, 'The Response Data option "xml" is not supported!');
});
