// Execute Workflow Trigger (versions 1, 1.1): where a sub-workflow starts.
// It outputs the items the calling workflow passed. With an input schema
// (version 1.1, "workflowInputs" or "jsonExample") each item keeps only the
// schema's fields, missing ones set to null.
import { parseJSON } from './lib/values.js';

function schemaFields(ctx, source) {
  if (source === 'jsonExample') {
    const raw = ctx.getNodeParameter('jsonExample', 0, '{}');
    const example = typeof raw === 'string' ? parseJSON(raw) : raw;
    return example !== null && typeof example === 'object' && !Array.isArray(example) ? Object.keys(example) : [];
  }
  const values = ctx.getNodeParameter('workflowInputs.values', 0, []) || [];
  return values.map((v) => v.name);
}

export default {
  type: 'n8n-nodes-base.executeWorkflowTrigger',
  displayName: 'Execute Workflow Trigger',
  description: 'Helpers for calling other n8n workflows. Used for designing modular, microservice-like workflows.',
  group: ['trigger'],
  versions: [1, 1.1],
  inputs: 1,
  outputs: 1,
  itemsUnchanged: true,
  parameters: [
    {
      name: 'inputSource', type: 'options', default: 'workflowInputs',
      options: ['workflowInputs', 'jsonExample', 'passthrough'],
      description: 'Version 1.1: define the input fields, infer them from a JSON example, or accept all data (version 1 accepts all data)',
    },
    { name: 'workflowInputs', type: 'fixedCollection', default: {}, description: 'values[]: {name, type}' },
    { name: 'jsonExample', type: 'json', default: '{}', description: 'An example object whose keys are the input fields' },
  ],
  run(ctx) {
    const items = ctx.getInputData();
    const source = ctx.node.typeVersion === 1 ? 'passthrough' : ctx.getNodeParameter('inputSource', 0);
    if (source === 'passthrough') return [items];
    const fields = schemaFields(ctx, source);
    const keep = new Set(fields);
    return [items.map((item, index) => {
      const json = {};
      for (const f of fields) json[f] = null;
      for (const k of Object.keys(item.json)) if (keep.has(k)) json[k] = item.json[k];
      const out = { json, pairedItem: { item: index } };
      if (item.binary !== undefined) out.binary = item.binary;
      return out;
    })];
  },
};
