// Webhook (versions 1, 1.1, 2, 2.1): starts a workflow when its URL is
// called. The control plane (control-plane/webhook) registers the URL,
// builds the item from the request as n8n does and answers the call; the
// node passes the item on. A node that listens to several methods has one
// output per method: the host puts the item on input k for the k-th
// method, and the node moves input k to output k.
const METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'];

// methods returns the methods a node listens to, or undefined when it
// listens to one.
function methodList(params) {
  if (params.multipleMethods !== true) return undefined;
  return Array.isArray(params.httpMethod) ? params.httpMethod : ['GET', 'POST'];
}

function validate(params) {
  const problems = [];
  const list = methodList(params);
  const check = (m) => {
    if (typeof m === 'string' && m.startsWith('=')) return;
    if (!METHODS.includes(m)) problems.push(`httpMethod: ${JSON.stringify(m)} is not one of ${METHODS.join(', ')}`);
  };
  if (list) {
    if (!list.length) problems.push('httpMethod: list at least one method');
    list.forEach(check);
  } else if (params.httpMethod !== undefined) {
    check(params.httpMethod);
  }
  if (params.responseMode === 'streaming') problems.push('responseMode: streaming responses are not supported');
  return problems;
}

export default {
  type: 'n8n-nodes-base.webhook',
  displayName: 'Webhook',
  description: 'Starts the workflow when a webhook is called',
  group: ['trigger'],
  versions: [1, 1.1, 2, 2.1],
  trigger: true,
  outputs: (params) => {
    const list = methodList(params || {});
    return list ? Math.max(list.length, 1) : 1;
  },
  itemsUnchanged: true,
  parameters: [
    { name: 'multipleMethods', type: 'boolean', default: false, description: 'Whether to listen to several HTTP methods, with one output per method' },
    {
      name: 'httpMethod', type: 'options', default: 'GET',
      description: `The HTTP method to listen to: one of ${METHODS.join(', ')}; with multipleMethods a list of them (default GET and POST)`,
    },
    {
      name: 'path', type: 'string', default: '',
      description: "The path to listen to under /webhook/; ':name' segments match any value and put it in $json.params (the URL is then /webhook/<webhookId>/<path>); empty: the node's webhookId",
    },
    {
      name: 'authentication', type: 'options', default: 'none', options: ['basicAuth', 'headerAuth', 'jwtAuth', 'none'],
      description: "The way to authenticate. Weft has no credentials yet: a webhook with basicAuth, headerAuth or jwtAuth answers every call as n8n does when the node has no credentials (500, 'No authentication data defined on node!') and never runs the workflow",
    },
    {
      name: 'responseMode', type: 'options', default: 'onReceived', options: ['onReceived', 'lastNode', 'responseNode'],
      description: 'When and how to respond: as soon as the request arrives, with the data of the last node that ran, or with a Respond to Webhook node (streaming is not supported)',
    },
    {
      name: 'responseCode', type: 'number', default: 200,
      description: 'Versions 1 and 1.1: the HTTP response code to return (from version 2: options.responseCode)',
    },
    {
      name: 'responseData', type: 'options', default: 'firstEntryJson', options: ['allEntries', 'firstEntryJson', 'firstEntryBinary', 'noData'],
      description: 'responseMode "lastNode": what to return: all the items as a list, the JSON of the first one, its binary file, or no body',
    },
    { name: 'responseBinaryPropertyName', type: 'string', default: 'data', description: 'responseData "firstEntryBinary": the binary property to return' },
    {
      name: 'options',
      type: 'collection',
      default: {},
      options: [
        'allowedOrigins', 'binaryData', 'binaryPropertyName', 'ignoreBots', 'ipWhitelist', 'noResponseBody', 'rawBody',
        'responseCode', 'responseContentType', 'responseData', 'responseHeaders', 'responsePropertyName',
      ],
      description: 'allowedOrigins (CORS, default *); binaryData (version 1): take the whole body as a file; '
        + 'binaryPropertyName: the binary property received files go to (default data); ignoreBots; '
        + 'ipWhitelist: comma-separated addresses allowed to call; noResponseBody; rawBody: also keep the raw body as binary data; '
        + 'responseCode (from version 2): {values: {responseCode, customCode}}; responseContentType and responsePropertyName (firstEntryJson); '
        + 'responseData: the text an onReceived answer sends; responseHeaders: {entries: [{name, value}]}',
    },
  ],
  validate,
  run(ctx) {
    const list = methodList(ctx.node.parameters || {});
    if (!list) return [ctx.getInputData(0)];
    return list.map((_, k) => ctx.getInputData(k));
  },
};
