// Respond to Webhook (versions 1 to 1.5): answers the call that started the
// workflow (a Webhook node in "responseNode" mode). The node computes the
// HTTP answer as n8n's server would send it, asks the host to send it
// (ctx.respond) and passes its input items on. Version 1.3 (and 1.4+ with
// enableResponseOutput) has a second output with the answer. Streaming
// (version 1.5) needs a streaming webhook, which the host does not offer,
// so the answer is sent whole as in n8n without streaming. JWT answers need
// credentials and are not supported.
import { NodeOperationError } from '../errors.js';
import { set } from './lib/paths.js';
import { fromBase64 } from './lib/hash.js';
import { utf8Decode } from '../expr/bytes.js';

const RESPOND_WITH = ['allIncomingItems', 'binary', 'firstIncomingItem', 'json', 'jwt', 'noData', 'redirect', 'text'];
const JSON_BODY_DEFAULT = '{\n  "myField": "value"\n}';

function twoOutputs(params, version) {
  return version === 1.3 || (version >= 1.4 && !!(params && params.enableResponseOutput));
}

function responseOutput(ctx) {
  const version = ctx.node.typeVersion;
  return version === 1.3 || (version >= 1.4 && !!ctx.getNodeParameter('enableResponseOutput', 0, false));
}

// setCharset is Express's: the media type with charset=utf-8, parameters
// sorted by name; a type that does not parse is kept as it is.
function setCharset(type) {
  const parts = String(type).split(';');
  const media = parts[0].trim().toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(media)) return type;
  const params = { charset: 'utf-8' };
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq < 0) {
      if (p.trim() === '') continue;
      return type;
    }
    const key = p.slice(0, eq).trim().toLowerCase();
    let value = p.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    if (key !== 'charset') params[key] = value;
  }
  let out = media;
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    out += `; ${key}=${/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(v) ? v : `"${v.replace(/(["\\])/g, '\\$1')}"`}`;
  }
  return out;
}

// document turns the answer n8n's node builds ({body, headers, statusCode})
// into what Express sends: the body serialized by its type, the
// Content-Type Express picks (res.json, res.send or res.end), in the shape
// control-plane/webhook.FromNode reads.
function document(body, headers, statusCode, binary) {
  const out = {};
  let contentType;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined || name === 'undefined') continue;
    if (name === 'content-type') contentType = String(value);
    else if (name !== 'content-length') out[name] = String(value);
  }
  const doc = { status: Number(statusCode), headers: out };
  if (binary) {
    doc.body = binary;
    doc.encoding = 'base64';
    if (contentType !== undefined) doc.contentType = contentType;
    return doc;
  }
  if (body === undefined) {
    doc.contentType = contentType ?? 'application/json; charset=utf-8';
    return doc;
  }
  if (typeof body === 'string') {
    doc.body = body;
    doc.contentType = setCharset(contentType ?? 'text/html');
    return doc;
  }
  const text = JSON.stringify(body);
  if (text !== undefined) doc.body = text;
  doc.contentType = setCharset(contentType ?? 'application/json');
  return doc;
}

// sanitizeHTML is n8n's guard for an HTML file sent back: the page goes
// into an iframe with an empty origin.
function sanitizeHTML(html) {
  return `
\t\t<iframe srcdoc="${html}"
\t\t\tstyle="position:fixed; top:0; left:0; width:100vw; height:100vh; border:none; overflow:auto;"
\t\t\tallowtransparency="true">
\t\t</iframe>`;
}

// bufferJSON is how a Buffer reads in the response output (JSON.stringify
// of a Node.js Buffer).
function bufferJSON(base64) {
  return { type: 'Buffer', data: Array.from(fromBase64(base64)) };
}

function binaryFile(ctx, items) {
  const item = items[0];
  if (item === undefined) throw new TypeError("Cannot read properties of undefined (reading 'binary')");
  if (item.binary === undefined) throw new NodeOperationError('No binary data exists on the first item!');
  let name;
  if (ctx.getNodeParameter('responseDataSource', 0) === 'set') {
    name = ctx.getNodeParameter('inputFieldName', 0);
  } else {
    const keys = Object.keys(item.binary);
    if (keys.length === 0) throw new NodeOperationError('No binary data exists on the first item!');
    name = keys[0];
  }
  const data = item.binary[name];
  if (data === undefined) {
    throw new NodeOperationError(`The item has no binary field '${name}' [item 0]`, {
      itemIndex: 0,
      description: 'Check that the parameter where you specified the input binary field name is correct, and that it matches a field in the binary input',
    });
  }
  return data;
}

function firstJSON(items) {
  if (items[0] === undefined) throw new TypeError("Cannot read properties of undefined (reading 'json')");
  return items[0].json;
}

export default {
  type: 'n8n-nodes-base.respondToWebhook',
  displayName: 'Respond to Webhook',
  description: 'Returns data for Webhook',
  group: ['transform'],
  versions: [1, 1.1, 1.2, 1.3, 1.4, 1.5],
  inputs: 1,
  outputs: (params, version) => (twoOutputs(params, version) ? 2 : 1),
  itemsUnchanged: true,
  parameters: [
    {
      name: 'enableResponseOutput', type: 'boolean', default: false,
      description: 'From version 1.4: whether to add a second output with the response sent (version 1.3 always has it)',
    },
    {
      name: 'respondWith', type: 'options', default: 'firstIncomingItem', options: RESPOND_WITH,
      description: 'The data that should be returned (jwt is not supported)',
    },
    { name: 'redirectURL', type: 'string', default: '', description: 'respondWith "redirect": the URL to redirect to' },
    {
      name: 'responseBody', type: 'json', default: JSON_BODY_DEFAULT,
      description: 'respondWith "json": the JSON body (expressions resolve for the first item); respondWith "text": the text body (default empty)',
    },
    { name: 'responseDataSource', type: 'options', default: 'automatically', options: ['automatically', 'set'], description: 'respondWith "binary": take the first binary property, or the one inputFieldName names' },
    { name: 'inputFieldName', type: 'string', default: 'data', description: 'respondWith "binary", responseDataSource "set": the binary property to send' },
    {
      name: 'options',
      type: 'collection',
      default: {},
      options: ['responseCode', 'responseHeaders', 'responseKey', 'enableStreaming'],
      description: 'responseCode (default 200, 307 for a redirect); responseHeaders: {entries: [{name, value}]}; '
        + 'responseKey: put the items (allIncomingItems, firstIncomingItem) in this field; enableStreaming (version 1.5, no effect here)',
    },
  ],
  run(ctx) {
    const items = ctx.getInputData();
    let response;
    try {
      const respondWith = ctx.getNodeParameter('respondWith', 0);
      const options = ctx.getNodeParameter('options', 0, {}) || {};
      const headers = {};
      if (options.responseHeaders) {
        for (const header of options.responseHeaders.entries || []) {
          const name = header.name == null ? header.name : String(header.name);
          headers[String(name?.toLowerCase())] = header.value == null ? undefined : String(header.value);
        }
      }
      let statusCode = options.responseCode || 200;
      let body;
      let binary;
      if (respondWith === 'json') {
        const raw = ctx.getRawParameter('responseBody') === undefined ? JSON_BODY_DEFAULT : ctx.getNodeParameter('responseBody', 0);
        if (raw) {
          if (typeof raw === 'object') {
            body = raw;
          } else {
            try {
              body = JSON.parse(raw);
            } catch (e) {
              throw new NodeOperationError("Invalid JSON in 'Response Body' field", {
                description: "Check that the syntax of the JSON in the 'Response Body' parameter is valid",
              });
            }
          }
        }
      } else if (respondWith === 'jwt') {
        throw new NodeOperationError('Error signing JWT token', {
          description: 'Responding with a JWT token needs the jwtAuth credential, which this engine does not support yet',
        });
      } else if (respondWith === 'allIncomingItems') {
        const all = items.map((item) => item.json);
        body = options.responseKey ? set({}, options.responseKey, all) : all;
      } else if (respondWith === 'firstIncomingItem') {
        const first = firstJSON(items);
        body = options.responseKey ? set({}, options.responseKey, first) : first;
      } else if (respondWith === 'text') {
        body = ctx.getRawParameter('responseBody') === undefined ? '' : ctx.getNodeParameter('responseBody', 0);
      } else if (respondWith === 'binary') {
        const file = binaryFile(ctx, items);
        if (file.mimeType === 'text/html') {
          body = sanitizeHTML(utf8Decode(fromBase64(file.data || '')));
        } else {
          binary = file.data || '';
          body = bufferJSON(binary);
        }
        if (headers['content-type'] === undefined || headers['content-type'] === null) headers['content-type'] = file.mimeType;
      } else if (respondWith === 'redirect') {
        headers.location = ctx.getNodeParameter('redirectURL', 0);
        statusCode = options.responseCode ?? 307;
      } else if (respondWith !== 'noData') {
        throw new NodeOperationError(`The Response Data option "${respondWith}" is not supported!`);
      }
      response = { body, headers, statusCode };
      ctx.respond(document(body, headers, statusCode, binary));
    } catch (err) {
      if (ctx.continueOnFail()) {
        return [[{ json: { error: err.message }, pairedItem: items.map((_, item) => ({ item })) }]];
      }
      throw err;
    }
    if (responseOutput(ctx)) return [items, [{ json: { response } }]];
    return [items];
  },
};
