// Runs tasks through the bundle's entry point under Node, for unit tests.
// The real module runs the same code inside QuickJS in Wasm; the Go
// conformance tests exercise that.
import fs from 'node:fs';
import '../src/main.js';

// runTask runs a task and resolves output items that reference input items
// (routing nodes return positions), as the host does.
export function runTask(task) {
  const full = { abi: 1, inputs: [[]], ...task };
  const result = JSON.parse(JSON.stringify(globalThis.__weft_run(JSON.stringify(full))));
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

// Conformance case loader: the node's inputs are the outputs n8n recorded
// for the nodes feeding it (the Code nodes' literals), stamped with
// pairedItem as the host does.
const CASES = new URL('../../../../api/testdata/conformance/', import.meta.url);

export function loadCase(prefix) {
  const file = fs.readdirSync(CASES).find((f) => f.startsWith(prefix));
  return JSON.parse(fs.readFileSync(new URL(file, CASES), 'utf8'));
}

export function runCase(prefix, nodeName) {
  const c = loadCase(prefix);
  const wf = c.workflow;
  const node = wf.nodes.find((n) => n.name === nodeName);
  const inputs = [];
  for (const [src, conn] of Object.entries(wf.connections)) {
    conn.main.forEach((dests, out) => (dests || []).forEach((d) => {
      if (d.node !== nodeName) return;
      const items = c.expected.runData[src][0].outputs[out] || [];
      inputs[d.index] = items.map((json, i) => ({ json, pairedItem: d.index ? { item: i, input: d.index } : { item: i } }));
    }));
  }
  for (let k = 0; k < inputs.length; k++) inputs[k] = inputs[k] || [];
  const result = runNode(node.type, node.typeVersion, node.parameters, inputs, {
    onError: node.onError || 'stopWorkflow',
    execution: { id: '1', mode: 'manual' },
  });
  const runs = c.expected.runData[nodeName];
  return { result, expected: runs && runs[0].outputs, error: c.expected.error };
}
