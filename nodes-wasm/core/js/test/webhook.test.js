import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, runTask } from './harness.js';

const TYPE = 'n8n-nodes-base.webhook';

const request = {
  headers: { 'content-type': 'application/json' },
  params: {},
  query: {},
  body: { name: 'ann', n: 21 },
  webhookUrl: 'http://localhost:5678/webhook/bench',
  executionMode: 'production',
};

test('passes the item the host built from the request', () => {
  const items = [{ json: request, pairedItem: { item: 0 } }];
  for (const version of [1, 1.1, 2, 2.1]) {
    const r = runNode(TYPE, version, { httpMethod: 'POST', path: 'bench', responseMode: 'lastNode' }, [items]);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.outputs, [items]);
  }
});

test('with several methods, input k goes to output k', () => {
  const item = { json: request, binary: { data: { data: 'aGk=', mimeType: 'text/plain' } } };
  const params = { multipleMethods: true, httpMethod: ['GET', 'POST', 'PUT'], path: 'x' };
  const r = runNode(TYPE, 2, params, [[], [item], []]);
  assert.deepEqual(r.outputs, [[], [item], []]);
  // GET and POST by default
  assert.deepEqual(runNode(TYPE, 2.1, { multipleMethods: true, path: 'x' }, [[item], []]).outputs, [[item], []]);
});

test('outputs: one, or one per method', () => {
  const r = runTask({
    node: {
      name: 'd', type: 'weft.describe', typeVersion: 1, parameters: {
        nodes: [
          { name: 'A', type: TYPE, typeVersion: 2, parameters: { path: 'a' } },
          { name: 'B', type: TYPE, typeVersion: 2, parameters: { multipleMethods: true, httpMethod: ['GET', 'POST', 'DELETE'], path: 'b' } },
          { name: 'C', type: TYPE, typeVersion: 2.1, parameters: { multipleMethods: true, path: 'c' } },
          { name: 'D', type: TYPE, typeVersion: 1, parameters: { httpMethod: ['GET'], path: 'd' } },
        ],
      },
    },
  });
  const byName = Object.fromEntries(r.nodes.map((n) => [n.name, n]));
  assert.deepEqual([byName.A.inputs, byName.A.outputs], [0, 1]);
  assert.equal(byName.B.outputs, 3);
  assert.equal(byName.C.outputs, 2);
  assert.equal(byName.D.outputs, 1);
  assert.equal(byName.A.problems, undefined);
  assert.equal(byName.B.problems, undefined);
  assert.deepEqual(byName.D.problems, ['httpMethod: ["GET"] is not one of DELETE, GET, HEAD, PATCH, POST, PUT']);
});

test('describe reports bad methods and streaming', () => {
  const r = runTask({
    node: {
      name: 'd', type: 'weft.describe', typeVersion: 1, parameters: {
        nodes: [
          { name: 'A', type: TYPE, typeVersion: 2, parameters: { httpMethod: 'FETCH', path: 'a' } },
          { name: 'B', type: TYPE, typeVersion: 2.1, parameters: { path: 'b', responseMode: 'streaming' } },
          { name: 'C', type: TYPE, typeVersion: 2, parameters: { multipleMethods: true, httpMethod: [] } },
        ],
      },
    },
  });
  assert.deepEqual(r.nodes[0].problems, ['httpMethod: "FETCH" is not one of DELETE, GET, HEAD, PATCH, POST, PUT']);
  assert.ok(r.nodes[1].problems.some((p) => p.includes('streaming')), JSON.stringify(r.nodes[1].problems));
  assert.deepEqual(r.nodes[2].problems, ['httpMethod: list at least one method']);
});

test('the spec: a trigger with the parameters n8n documents', () => {
  const r = runTask({ node: { name: 's', type: 'weft.specs', typeVersion: 1 } });
  const spec = r.specs.find((s) => s.type === TYPE);
  assert.equal(spec.trigger, true);
  assert.equal(spec.inputs, 0);
  assert.equal(spec.outputs, null); // set by the parameters
  assert.deepEqual(spec.versions, [1, 1.1, 2, 2.1]);
  const p = Object.fromEntries(spec.parameters.map((q) => [q.name, q]));
  assert.equal(p.httpMethod.default, 'GET');
  assert.equal(p.path.default, '');
  assert.equal(p.responseMode.default, 'onReceived');
  assert.deepEqual(p.responseMode.options, ['onReceived', 'lastNode', 'responseNode']);
  assert.equal(p.responseData.default, 'firstEntryJson');
  assert.equal(p.responseCode.default, 200);
  assert.equal(p.responseBinaryPropertyName.default, 'data');
  assert.ok(p.options.options.includes('rawBody') && p.options.options.includes('responseHeaders'));
});
