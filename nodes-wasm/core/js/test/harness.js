// Runs tasks through the bundle's entry point under Node, for unit tests.
// The real module runs the same code inside QuickJS in Wasm; the Go
// conformance tests exercise that.
import '../src/main.js';

export function runTask(task) {
  return JSON.parse(globalThis.__weft_run(JSON.stringify({ abi: 1, inputs: [[]], ...task })));
}

// runNode runs one node on items: runNode('n8n-nodes-base.set', 3.4, params, [items], context).
export function runNode(type, typeVersion, parameters, inputs, context = {}) {
  return runTask({ node: { name: 'Node', type, typeVersion, parameters }, inputs, context });
}

// json maps a result's outputs to the items' json, as the conformance cases record them.
export function json(result) {
  if (result.error) throw new Error(`node failed: ${result.error.message}`);
  return result.outputs.map((out) => out.map((it) => it.json));
}
