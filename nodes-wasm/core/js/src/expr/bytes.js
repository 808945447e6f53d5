// Byte codings and digests for the expression runtime's string extensions
// (base64Encode, hash, …). The digests and codings are the Crypto node's
// (nodes/lib/hash.js); UTF-8 decoding lives here.
import { utf8, toHex, toBase64, fromBase64, digest } from '../nodes/lib/hash.js';

export const utf8Encode = utf8;

// utf8Decode decodes UTF-8 bytes; invalid sequences become U+FFFD.
export function utf8Decode(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    let c;
    let extra;
    if (b < 0x80) {
      c = b;
      extra = 0;
    } else if (b >= 0xc2 && b < 0xe0) {
      c = b & 31;
      extra = 1;
    } else if (b >= 0xe0 && b < 0xf0) {
      c = b & 15;
      extra = 2;
    } else if (b >= 0xf0 && b < 0xf5) {
      c = b & 7;
      extra = 3;
    } else {
      out += '\ufffd';
      i++;
      continue;
    }
    if (i + extra >= bytes.length + (extra ? 0 : 1)) {
      out += '\ufffd';
      break;
    }
    let ok = true;
    for (let k = 1; k <= extra; k++) {
      const n = bytes[i + k];
      if (n === undefined || (n & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
      c = (c << 6) | (n & 63);
    }
    if (!ok) {
      out += '\ufffd';
      i++;
      continue;
    }
    i += extra + 1;
    if (c >= 0x10000) {
      c -= 0x10000;
      out += String.fromCharCode(0xd800 + (c >> 10), 0xdc00 + (c & 1023));
    } else {
      out += String.fromCharCode(c);
    }
  }
  return out;
}

export const base64FromBytes = toBase64;

// bytesFromBase64 is lenient: URL-safe letters are accepted and anything
// outside the alphabet is skipped.
export function bytesFromBase64(str) {
  return fromBase64(String(str));
}

const hexDigest = (name) => (bytes) => toHex(digest(name, bytes));

export const md5 = hexDigest('md5');
export const sha1 = hexDigest('sha1');
export const sha224 = hexDigest('sha224');
export const sha256 = hexDigest('sha256');
export const sha384 = hexDigest('sha384');
export const sha512 = hexDigest('sha512');
export const sha3_512 = hexDigest('sha3-512');
