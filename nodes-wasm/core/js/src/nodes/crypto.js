// Crypto (version 1): hash or HMAC a value (or an item's binary data) and
// generate random strings. Signing with a private key is not supported.
import { NodeOperationError } from '../errors.js';
import { digest, hmac, isSupported, utf8, toHex, toBase64, fromBase64, latin1 } from './lib/hash.js';

const HASH_TYPES = ['MD5', 'SHA1', 'SHA256', 'SHA3-256', 'SHA3-384', 'SHA3-512', 'SHA384', 'SHA512'];

// receivedType describes a value as Node's ERR_INVALID_ARG_TYPE does.
function receivedType(v) {
  if (v === null) return 'Received null';
  if (v === undefined) return 'Received undefined';
  if (typeof v === 'function') return `Received function ${v.name || ''}`.trimEnd();
  if (typeof v === 'object') {
    const name = v.constructor && v.constructor.name;
    return name ? `Received an instance of ${name}` : 'Received an instance of Object';
  }
  let shown = String(v);
  if (typeof v === 'string') shown = `'${shown.length > 25 ? `${shown.slice(0, 25)}...` : shown}'`;
  return `Received type ${typeof v} (${shown})`;
}

function dataBytes(value) {
  if (typeof value === 'string') return utf8(value);
  throw new NodeOperationError(`The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView. ${receivedType(value)}`);
}

function keyBytes(value) {
  if (typeof value === 'string') return utf8(value);
  throw new NodeOperationError(`The "key" argument must be of type string or an instance of ArrayBuffer, Buffer, TypedArray, DataView, KeyObject, or CryptoKey. ${receivedType(value)}`);
}

function encode(bytes, encoding) {
  if (encoding === 'base64') return toBase64(bytes);
  if (encoding === 'hex') return toHex(bytes);
  if (encoding === 'latin1' || encoding === 'binary') return latin1(bytes);
  throw new NodeOperationError(`The encoding '${encoding}' is not supported`);
}

function randomBytes(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(Math.random() * 256);
  return out;
}

function uuid() {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function randomString(encodingType, length) {
  const n = Number(length);
  if (!Number.isInteger(n) || n < 0) {
    throw new NodeOperationError(`The value of "size" is out of range. It must be >= 0 && <= 2147483647. Received ${length}`);
  }
  const bytes = randomBytes(n);
  if (encodingType === 'base64') return toBase64(bytes).replace(/\W/g, '').slice(0, n);
  if (encodingType === 'hex') return toHex(bytes).slice(0, n);
  if (encodingType === 'ascii') {
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i] & 0x7f);
    return s.slice(0, n);
  }
  throw new NodeOperationError(`Unknown encoding: ${encodingType}`);
}

// binaryBytes returns the bytes of an item's binary property.
function binaryBytes(item, itemIndex, propertyName) {
  if (!item.binary) throw new NodeOperationError('No binary data exists on item!', { itemIndex });
  const data = item.binary[propertyName];
  if (!data) {
    throw new NodeOperationError(
      `This operation expects the node's input data to contain a binary file '${propertyName}', but none was found [item ${itemIndex}]`,
      { itemIndex, description: 'Make sure that the previous node outputs a binary file' },
    );
  }
  if (data.id && data.data === undefined) {
    throw new NodeOperationError('Binary data stored outside the item is not supported yet', { itemIndex });
  }
  return fromBase64(String(data.data || ''));
}

export default {
  type: 'n8n-nodes-base.crypto',
  displayName: 'Crypto',
  description: 'Provide cryptographic utilities',
  group: ['transform'],
  versions: [1],
  inputs: 1,
  outputs: 1,
  parameters: [
    { name: 'action', type: 'options', default: 'hash', options: ['generate', 'hash', 'hmac', 'sign'], description: 'What to do (sign is not supported)' },
    { name: 'binaryData', type: 'boolean', default: false, description: 'hash/hmac: whether to take the data from a binary property' },
    { name: 'binaryPropertyName', type: 'string', default: 'data', description: 'hash/hmac with binaryData: the binary property' },
    { name: 'type', type: 'options', default: 'MD5', options: HASH_TYPES, description: 'hash/hmac: the hash algorithm' },
    { name: 'value', type: 'string', default: '', description: 'The value to hash or HMAC' },
    { name: 'dataPropertyName', type: 'string', default: 'data', description: 'The field to write the result to' },
    { name: 'secret', type: 'string', default: '', description: 'hmac: the secret key' },
    { name: 'encoding', type: 'options', default: 'hex', options: ['base64', 'hex'], description: 'hash/hmac: the output encoding' },
    { name: 'encodingType', type: 'options', default: 'uuid', options: ['ascii', 'base64', 'hex', 'uuid'], description: 'generate: the kind of random string' },
    { name: 'stringLength', type: 'number', default: 32, description: 'generate (ascii, base64, hex): the length of the string' },
  ],
  run(ctx) {
    const items = ctx.getInputData();
    const action = ctx.getNodeParameter('action', 0);
    const out = [];
    for (let i = 0; i < items.length; i++) {
      try {
        const item = items[i];
        const dataPropertyName = ctx.getNodeParameter('dataPropertyName', i);
        let binaryProcessed = false;
        let newValue;
        if (action === 'generate') {
          const encodingType = ctx.getNodeParameter('encodingType', i);
          newValue = encodingType === 'uuid' ? uuid() : randomString(encodingType, ctx.getNodeParameter('stringLength', i));
        } else if (action === 'hash' || action === 'hmac') {
          const type = ctx.getNodeParameter('type', i);
          const encoding = ctx.getNodeParameter('encoding', i);
          if (!isSupported(type)) throw new NodeOperationError('Digest method not supported');
          const key = action === 'hmac' ? keyBytes(ctx.getNodeParameter('secret', i)) : null;
          let bytes;
          if (ctx.getNodeParameter('binaryData', i)) {
            bytes = binaryBytes(item, i, ctx.getNodeParameter('binaryPropertyName', i));
            binaryProcessed = true;
          } else {
            bytes = dataBytes(ctx.getNodeParameter('value', i, ''));
          }
          newValue = encode(key ? hmac(type, key, bytes) : digest(type, bytes), encoding);
        } else if (action === 'sign') {
          throw new NodeOperationError('The Crypto action "Sign" is not supported yet', {
            description: 'Signing with a private key needs public-key cryptography, which this engine does not provide.',
          });
        } else {
          throw new NodeOperationError(`The action "${action}" is not known`);
        }
        const json = Object.assign({}, item.json);
        json[dataPropertyName] = newValue;
        const newItem = { json, pairedItem: { item: i } };
        if (item.binary !== undefined && !binaryProcessed) newItem.binary = item.binary;
        out.push(newItem);
      } catch (err) {
        if (ctx.continueOnFail()) {
          out.push({ json: { error: err && err.message !== undefined ? err.message : String(err) }, pairedItem: { item: i } });
          continue;
        }
        throw err;
      }
    }
    return [out];
  },
};
