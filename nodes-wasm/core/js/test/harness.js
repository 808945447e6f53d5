// Runs tasks through the bundle's entry point under Node, for unit tests.
// The real module runs the same code inside QuickJS in Wasm; the Go
// conformance tests exercise that.
import '../src/main.js';

// runTask runs a task and resolves output items that reference input items
// (routing nodes return positions), as the host does.
export function runTask(task) {
  const full = { abi: 1, inputs: [[]], ...task };
  const result = JSON.parse(globalThis.__weft_run(JSON.stringify(full)));
  if (Array.isArray(result.outputs)) {
    result.outputs = result.outputs.map((list) => (Array.isArray(list) ? list.map((it) => {
      if (typeof it === 'number') return full.inputs[0][it];
      if (Array.isArray(it)) return full.inputs[it[0]][it[1]];
      return it;
    }) : list));
  }
  return result;
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
