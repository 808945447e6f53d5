// Execute Workflow (versions 1–1.3): runs a sub-workflow given inline
// (source "parameter"), in a local file (source "localFile") or saved in
// Weft under an id (source "database"). The node asks
// the host to run it (ctx.executeWorkflow) and returns no data itself: the
// host supplies the node's outputs from the sub-workflow's last node.
//
// The request is {workflow, items, mode, waitForSubWorkflow} where workflow
// is the workflow object, {path} for a local file or {id} for a saved one. Mode "each" runs the
// sub-workflow once per item (items[i] alone); when the workflow depends on
// the item, `workflows` lists the one for each item.
import { NodeOperationError } from '../errors.js';

function workflowFor(ctx, source, itemIndex) {
  if (source === 'parameter') {
    const json = ctx.getNodeParameter('workflowJson', itemIndex);
    if (json !== null && typeof json === 'object') return json;
    try {
      return JSON.parse(String(json));
    } catch (err) {
      throw new NodeOperationError(err && err.message ? err.message : String(err), { itemIndex });
    }
  }
  if (source === 'localFile') {
    const path = ctx.getNodeParameter('workflowPath', itemIndex);
    return { path: String(path) };
  }
  if (source === 'database') {
    let id = ctx.getNodeParameter('workflowId', itemIndex, '');
    // Version 1.1 and later hold a resource locator: {__rl, value, mode}.
    if (id !== null && typeof id === 'object') id = id.value;
    if (id === undefined || id === null || String(id) === '') {
      throw new NodeOperationError('No workflow to execute: set the workflow\'s ID', { itemIndex });
    }
    return { id: String(id) };
  }
  throw new NodeOperationError(`The Execute Workflow source '${source}' is not supported yet`, {
    description: 'Give the workflow by ID, as JSON ("Define Below") or as a local file.',
  });
}

// inputItems applies the "Workflow Inputs" mapping (version 1.2 and later,
// source "database"): each item becomes the mapped values.
function inputItems(ctx, items) {
  if (ctx.node.typeVersion < 1.2) return items;
  const schema = ctx.getNodeParameter('workflowInputs.schema', 0, []) || [];
  if (!schema.length) return items;
  const removed = new Set(schema.filter((f) => f.removed).map((f) => f.id));
  return items.map((item, index) => {
    const value = ctx.getNodeParameter('workflowInputs.value', index, {}) || {};
    const json = {};
    for (const k of Object.keys(value)) if (!removed.has(k)) json[k] = value[k];
    return { json, index, pairedItem: { item: index } };
  });
}

export default {
  type: 'n8n-nodes-base.executeWorkflow',
  displayName: 'Execute Workflow',
  description: 'Execute another workflow',
  group: ['transform'],
  versions: [1, 1.1, 1.2, 1.3],
  inputs: 1,
  outputs: 1,
  parameters: [
    {
      name: 'source', type: 'options', default: 'database', options: ['database', 'localFile', 'parameter', 'url'],
      description: 'Where to get the workflow from: "database" (workflowId, a workflow saved in Weft), "parameter" (workflowJson) or "localFile" (workflowPath, read where the node runs); url is not supported. On a server each run is an execution of its own, mode integrated, listed under its caller, and may wait at Wait nodes',
    },
    { name: 'workflowId', type: 'resourceLocator', default: '', description: 'With source "database": the id of the saved workflow (a string, or a resource locator {value})' },
    { name: 'workflowJson', type: 'json', default: '\n\n\n', description: 'With source "parameter": the workflow JSON' },
    { name: 'workflowPath', type: 'string', default: '', description: 'With source "localFile": the path of the workflow JSON file' },
    {
      name: 'workflowInputs', type: 'resourceMapper', default: { mappingMode: 'defineBelow', value: null },
      description: 'Version 1.2+: the values to pass as each item (value) for the fields of schema',
    },
    { name: 'mode', type: 'options', default: 'once', options: ['once', 'each'], description: 'Run the sub-workflow once with all items, or once per item' },
    {
      name: 'options', type: 'collection', default: {}, options: ['waitForSubWorkflow'],
      description: 'waitForSubWorkflow (default true): wait for the sub-workflow and output its result',
    },
  ],
  run(ctx) {
    const source = ctx.getNodeParameter('source', 0);
    const mode = ctx.getNodeParameter('mode', 0, 'once');
    const items = inputItems(ctx, ctx.getInputData());
    const waitForSubWorkflow = ctx.getNodeParameter('options.waitForSubWorkflow', 0, true) !== false;
    if (mode === 'each') {
      const workflows = [];
      let same = true;
      const first = workflowFor(ctx, source, 0);
      const raw = ctx.getRawParameter({ localFile: 'workflowPath', database: 'workflowId' }[source] || 'workflowJson');
      const perItem = typeof raw === 'string' && raw.startsWith('=');
      for (let i = 1; perItem && i < items.length; i++) {
        workflows[i] = workflowFor(ctx, source, i);
        if (JSON.stringify(workflows[i]) !== JSON.stringify(first)) same = false;
      }
      ctx.executeWorkflow(first, items);
      const request = ctx.requests.executeWorkflow;
      request.mode = 'each';
      request.waitForSubWorkflow = waitForSubWorkflow;
      if (!same) {
        workflows[0] = first;
        request.workflows = workflows;
      }
      return null;
    }
    ctx.executeWorkflow(workflowFor(ctx, source, 0), items);
    const request = ctx.requests.executeWorkflow;
    request.mode = 'once';
    request.waitForSubWorkflow = waitForSubWorkflow;
    return null;
  },
};
