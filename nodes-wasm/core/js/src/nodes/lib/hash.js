// Message digests and HMAC in plain JavaScript (the engine has no crypto
// module): MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512 and SHA3-256/384/512, over
// byte arrays, with the UTF-8, hex and base64 codings the Crypto node needs.

// utf8 encodes a string as UTF-8 bytes; lone surrogates become U+FFFD, as
// Node's Buffer.from(string) does.
export function utf8(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

const HEX = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? '0' : '') + i.toString(16));

export function toHex(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function toBase64(bytes) {
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    s += B64[n >> 18] + B64[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    s += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
  }
  return s;
}

const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  t[45] = 62; // '-' (URL-safe alphabet)
  t[95] = 63; // '_'
  return t;
})();

// fromBase64 decodes base64 leniently, as Node does: characters outside the
// alphabet are skipped and decoding stops at the first '='.
export function fromBase64(s) {
  const out = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 61) break;
    const v = c < 128 ? B64_INDEX[c] : -1;
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 255);
    }
  }
  return new Uint8Array(out);
}

// latin1 maps bytes to the characters U+0000–U+00FF.
export function latin1(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}


// Every algorithm works block by block on a state: init() returns a fresh
// state, compress(state, bytes, offset) absorbs one block, finish(state,
// tail, totalLength) pads the last bytes and returns the digest. HMAC keeps
// the state after the key block, so a secret used for many items is
// absorbed once.

// mdPad returns the tail padded with 0x80, zeros and the bit length on
// lenBytes bytes: one or two blocks.
function mdPad(tail, total, block, lenBytes, littleEndian) {
  let size = tail.length + 1 + lenBytes;
  size += (block - (size % block)) % block;
  const out = new Uint8Array(size);
  out.set(tail, 0);
  out[tail.length] = 0x80;
  const lo = (total * 8) >>> 0;
  const hi = Math.floor(total / 0x20000000) >>> 0;
  if (littleEndian) {
    const p = size - lenBytes;
    for (let i = 0; i < 4; i++) out[p + i] = (lo >>> (8 * i)) & 255;
    for (let i = 0; i < 4; i++) out[p + 4 + i] = (hi >>> (8 * i)) & 255;
  } else {
    for (let i = 0; i < 4; i++) out[size - 1 - i] = (lo >>> (8 * i)) & 255;
    for (let i = 0; i < 4; i++) out[size - 5 - i] = (hi >>> (8 * i)) & 255;
  }
  return out;
}

function wordsBE(words, n) {
  const out = new Uint8Array(n * 4);
  for (let j = 0; j < n; j++) {
    const v = words[j];
    out[j * 4] = (v >>> 24) & 255;
    out[j * 4 + 1] = (v >>> 16) & 255;
    out[j * 4 + 2] = (v >>> 8) & 255;
    out[j * 4 + 3] = v & 255;
  }
  return out;
}

// ---------------------------------------------------------------- MD5

const MD5_S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
const MD5_K = new Int32Array(64);
for (let i = 0; i < 64; i++) MD5_K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0;
const MD5_G = new Int32Array(64);
for (let i = 0; i < 64; i++) MD5_G[i] = i < 16 ? i : i < 32 ? (5 * i + 1) & 15 : i < 48 ? (3 * i + 5) & 15 : (7 * i) & 15;
const md5W = new Int32Array(16);

const MD5 = {
  block: 64,
  init: () => new Int32Array([0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476]),
  compress(h, m, off) {
    const w = md5W;
    for (let i = 0; i < 16; i++) {
      const p = off + i * 4;
      w[i] = m[p] | (m[p + 1] << 8) | (m[p + 2] << 16) | (m[p + 3] << 24);
    }
    let a = h[0];
    let b = h[1];
    let c = h[2];
    let d = h[3];
    for (let i = 0; i < 64; i++) {
      let f;
      if (i < 16) f = (b & c) | (~b & d);
      else if (i < 32) f = (d & b) | (~d & c);
      else if (i < 48) f = b ^ c ^ d;
      else f = c ^ (b | ~d);
      const t = (a + f + MD5_K[i] + w[MD5_G[i]]) | 0;
      const s = MD5_S[i];
      a = d;
      d = c;
      c = b;
      b = (b + ((t << s) | (t >>> (32 - s)))) | 0;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + b) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
  },
  finish(h, tail, total) {
    const m = mdPad(tail, total, 64, 8, true);
    for (let off = 0; off < m.length; off += 64) MD5.compress(h, m, off);
    const out = new Uint8Array(16);
    for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) out[j * 4 + i] = (h[j] >>> (8 * i)) & 255;
    return out;
  },
};

// ---------------------------------------------------------------- SHA-1

const sha1W = new Int32Array(80);

const SHA1 = {
  block: 64,
  init: () => new Int32Array([0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0]),
  compress(h, m, off) {
    const w = sha1W;
    for (let i = 0; i < 16; i++) {
      const p = off + i * 4;
      w[i] = (m[p] << 24) | (m[p + 1] << 16) | (m[p + 2] << 8) | m[p + 3];
    }
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h[0];
    let b = h[1];
    let c = h[2];
    let d = h[3];
    let e = h[4];
    for (let i = 0; i < 80; i++) {
      let f;
      let k;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc | 0; }
      else { f = b ^ c ^ d; k = 0xca62c1d6 | 0; }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + b) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
    h[4] = (h[4] + e) | 0;
  },
  finish(h, tail, total) {
    const m = mdPad(tail, total, 64, 8, false);
    for (let off = 0; off < m.length; off += 64) SHA1.compress(h, m, off);
    return wordsBE(h, 5);
  },
};

// ---------------------------------------------------------------- SHA-256

const K256 = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const sha256W = new Int32Array(64);

function sha256Compress(h, m, off) {
  const w = sha256W;
  for (let i = 0; i < 16; i++) {
    const p = off + i * 4;
    w[i] = (m[p] << 24) | (m[p + 1] << 16) | (m[p + 2] << 8) | m[p + 3];
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15];
    const y = w[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = h[0];
  let b = h[1];
  let c = h[2];
  let d = h[3];
  let e = h[4];
  let f = h[5];
  let g = h[6];
  let hh = h[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K256[i] + w[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + b) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
  h[5] = (h[5] + f) | 0;
  h[6] = (h[6] + g) | 0;
  h[7] = (h[7] + hh) | 0;
}

const SHA256 = {
  block: 64,
  init: () => new Int32Array([0x6a09e667, 0xbb67ae85 | 0, 0x3c6ef372, 0xa54ff53a | 0, 0x510e527f, 0x9b05688c | 0, 0x1f83d9ab, 0x5be0cd19]),
  compress: sha256Compress,
  finish(h, tail, total) {
    const m = mdPad(tail, total, 64, 8, false);
    for (let off = 0; off < m.length; off += 64) sha256Compress(h, m, off);
    return wordsBE(h, 8);
  },
};

const SHA224 = {
  block: 64,
  init: () => new Int32Array([0xc1059ed8 | 0, 0x367cd507, 0x3070dd17, 0xf70e5939 | 0, 0xffc00b31 | 0, 0x68581511, 0x64f98fa7, 0xbefa4fa4 | 0]),
  compress: sha256Compress,
  finish(h, tail, total) {
    const m = mdPad(tail, total, 64, 8, false);
    for (let off = 0; off < m.length; off += 64) sha256Compress(h, m, off);
    return wordsBE(h, 7);
  },
};

// ---------------------------------------------------------------- SHA-512 / SHA-384
// 64-bit words are pairs of 32-bit halves: hi at 2i, lo at 2i+1. A carry out
// of the low half shows as a sum below one of its terms (unsigned).

const K512 = new Int32Array([
  0x428a2f98, 0xd728ae22, 0x71374491, 0x23ef65cd, 0xb5c0fbcf, 0xec4d3b2f, 0xe9b5dba5, 0x8189dbbc,
  0x3956c25b, 0xf348b538, 0x59f111f1, 0xb605d019, 0x923f82a4, 0xaf194f9b, 0xab1c5ed5, 0xda6d8118,
  0xd807aa98, 0xa3030242, 0x12835b01, 0x45706fbe, 0x243185be, 0x4ee4b28c, 0x550c7dc3, 0xd5ffb4e2,
  0x72be5d74, 0xf27b896f, 0x80deb1fe, 0x3b1696b1, 0x9bdc06a7, 0x25c71235, 0xc19bf174, 0xcf692694,
  0xe49b69c1, 0x9ef14ad2, 0xefbe4786, 0x384f25e3, 0x0fc19dc6, 0x8b8cd5b5, 0x240ca1cc, 0x77ac9c65,
  0x2de92c6f, 0x592b0275, 0x4a7484aa, 0x6ea6e483, 0x5cb0a9dc, 0xbd41fbd4, 0x76f988da, 0x831153b5,
  0x983e5152, 0xee66dfab, 0xa831c66d, 0x2db43210, 0xb00327c8, 0x98fb213f, 0xbf597fc7, 0xbeef0ee4,
  0xc6e00bf3, 0x3da88fc2, 0xd5a79147, 0x930aa725, 0x06ca6351, 0xe003826f, 0x14292967, 0x0a0e6e70,
  0x27b70a85, 0x46d22ffc, 0x2e1b2138, 0x5c26c926, 0x4d2c6dfc, 0x5ac42aed, 0x53380d13, 0x9d95b3df,
  0x650a7354, 0x8baf63de, 0x766a0abb, 0x3c77b2a8, 0x81c2c92e, 0x47edaee6, 0x92722c85, 0x1482353b,
  0xa2bfe8a1, 0x4cf10364, 0xa81a664b, 0xbc423001, 0xc24b8b70, 0xd0f89791, 0xc76c51a3, 0x0654be30,
  0xd192e819, 0xd6ef5218, 0xd6990624, 0x5565a910, 0xf40e3585, 0x5771202a, 0x106aa070, 0x32bbd1b8,
  0x19a4c116, 0xb8d2d0c8, 0x1e376c08, 0x5141ab53, 0x2748774c, 0xdf8eeb99, 0x34b0bcb5, 0xe19b48a8,
  0x391c0cb3, 0xc5c95a63, 0x4ed8aa4a, 0xe3418acb, 0x5b9cca4f, 0x7763e373, 0x682e6ff3, 0xd6b2b8a3,
  0x748f82ee, 0x5defb2fc, 0x78a5636f, 0x43172f60, 0x84c87814, 0xa1f0ab72, 0x8cc70208, 0x1a6439ec,
  0x90befffa, 0x23631e28, 0xa4506ceb, 0xde82bde9, 0xbef9a3f7, 0xb2c67915, 0xc67178f2, 0xe372532b,
  0xca273ece, 0xea26619c, 0xd186b8c7, 0x21c0c207, 0xeada7dd6, 0xcde0eb1e, 0xf57d4f7f, 0xee6ed178,
  0x06f067aa, 0x72176fba, 0x0a637dc5, 0xa2c898a6, 0x113f9804, 0xbef90dae, 0x1b710b35, 0x131c471b,
  0x28db77f5, 0x23047d84, 0x32caab7b, 0x40c72493, 0x3c9ebe0a, 0x15c9bebc, 0x431d67c4, 0x9c100d4c,
  0x4cc5d4be, 0xcb3e42b6, 0x597f299c, 0xfc657e2a, 0x5fcb6fab, 0x3ad6faec, 0x6c44198c, 0x4a475817,
]);
const IV512 = [0x6a09e667, 0xf3bcc908, 0xbb67ae85, 0x84caa73b, 0x3c6ef372, 0xfe94f82b, 0xa54ff53a, 0x5f1d36f1,
  0x510e527f, 0xade682d1, 0x9b05688c, 0x2b3e6c1f, 0x1f83d9ab, 0xfb41bd6b, 0x5be0cd19, 0x137e2179];
const IV384 = [0xcbbb9d5d, 0xc1059ed8, 0x629a292a, 0x367cd507, 0x9159015a, 0x3070dd17, 0x152fecd8, 0xf70e5939,
  0x67332667, 0xffc00b31, 0x8eb44a87, 0x68581511, 0xdb0c2e0d, 0x64f98fa7, 0x47b5481d, 0xbefa4fa4];
const sha512W = new Int32Array(160);

function sha512Compress(h, m, off) {
  const w = sha512W;
  for (let i = 0; i < 32; i++) {
    const p = off + i * 4;
    w[i] = (m[p] << 24) | (m[p + 1] << 16) | (m[p + 2] << 8) | m[p + 3];
  }
  for (let i = 16; i < 80; i++) {
    const xh = w[(i - 15) * 2];
    const xl = w[(i - 15) * 2 + 1];
    const s0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7);
    const s0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25));
    const yh = w[(i - 2) * 2];
    const yl = w[(i - 2) * 2 + 1];
    const s1h = ((yh >>> 19) | (yl << 13)) ^ ((yl >>> 29) | (yh << 3)) ^ (yh >>> 6);
    const s1l = ((yl >>> 19) | (yh << 13)) ^ ((yh >>> 29) | (yl << 3)) ^ ((yl >>> 6) | (yh << 26));
    const l1 = w[(i - 16) * 2 + 1];
    const l2 = w[(i - 7) * 2 + 1];
    let lo = (l1 + s0l) | 0;
    let hi = (w[(i - 16) * 2] + s0h + ((lo >>> 0) < (l1 >>> 0) ? 1 : 0)) | 0;
    let t = lo;
    lo = (lo + l2) | 0;
    hi = (hi + w[(i - 7) * 2] + ((lo >>> 0) < (t >>> 0) ? 1 : 0)) | 0;
    t = lo;
    lo = (lo + s1l) | 0;
    hi = (hi + s1h + ((lo >>> 0) < (t >>> 0) ? 1 : 0)) | 0;
    w[i * 2] = hi;
    w[i * 2 + 1] = lo;
  }
  let ah = h[0]; let al = h[1];
  let bh = h[2]; let bl = h[3];
  let ch = h[4]; let cl = h[5];
  let dh = h[6]; let dl = h[7];
  let eh = h[8]; let el = h[9];
  let fh = h[10]; let fl = h[11];
  let gh = h[12]; let gl = h[13];
  let hh = h[14]; let hl = h[15];
  for (let i = 0; i < 80; i++) {
    const S1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
    const S1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
    const chh = (eh & fh) ^ (~eh & gh);
    const chl = (el & fl) ^ (~el & gl);
    // t1 = h + S1 + ch + K[i] + w[i]
    let t1l = (hl + S1l) | 0;
    let t1h = (hh + S1h + ((t1l >>> 0) < (hl >>> 0) ? 1 : 0)) | 0;
    let t = t1l;
    t1l = (t1l + chl) | 0;
    t1h = (t1h + chh + ((t1l >>> 0) < (t >>> 0) ? 1 : 0)) | 0;
    t = t1l;
    t1l = (t1l + K512[i * 2 + 1]) | 0;
    t1h = (t1h + K512[i * 2] + ((t1l >>> 0) < (t >>> 0) ? 1 : 0)) | 0;
    t = t1l;
    t1l = (t1l + w[i * 2 + 1]) | 0;
    t1h = (t1h + w[i * 2] + ((t1l >>> 0) < (t >>> 0) ? 1 : 0)) | 0;
    // t2 = S0 + maj
    const S0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
    const S0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
    const majh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
    const majl = (al & bl) ^ (al & cl) ^ (bl & cl);
    const t2l = (S0l + majl) | 0;
    const t2h = (S0h + majh + ((t2l >>> 0) < (S0l >>> 0) ? 1 : 0)) | 0;
    hh = gh; hl = gl;
    gh = fh; gl = fl;
    fh = eh; fl = el;
    el = (dl + t1l) | 0;
    eh = (dh + t1h + ((el >>> 0) < (dl >>> 0) ? 1 : 0)) | 0;
    dh = ch; dl = cl;
    ch = bh; cl = bl;
    bh = ah; bl = al;
    al = (t1l + t2l) | 0;
    ah = (t1h + t2h + ((al >>> 0) < (t1l >>> 0) ? 1 : 0)) | 0;
  }
  const add = (j, vh, vl) => {
    const lo = (h[j + 1] + vl) | 0;
    h[j] = (h[j] + vh + ((lo >>> 0) < (vl >>> 0) ? 1 : 0)) | 0;
    h[j + 1] = lo;
  };
  add(0, ah, al); add(2, bh, bl); add(4, ch, cl); add(6, dh, dl);
  add(8, eh, el); add(10, fh, fl); add(12, gh, gl); add(14, hh, hl);
}

function sha512Family(iv, outWords) {
  const algo = {
    block: 128,
    init: () => new Int32Array(iv),
    compress: sha512Compress,
    finish(h, tail, total) {
      const m = mdPad(tail, total, 128, 16, false);
      for (let off = 0; off < m.length; off += 128) sha512Compress(h, m, off);
      return wordsBE(h, outWords);
    },
  };
  return algo;
}

// ---------------------------------------------------------------- SHA-3
// Keccak-f[1600] on 25 lanes of two 32-bit halves (lo at 2i, hi at 2i+1).

const RC = new Int32Array([
  0x00000001, 0x00000000, 0x00008082, 0x00000000, 0x0000808a, 0x80000000, 0x80008000, 0x80000000,
  0x0000808b, 0x00000000, 0x80000001, 0x00000000, 0x80008081, 0x80000000, 0x00008009, 0x80000000,
  0x0000008a, 0x00000000, 0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000a, 0x00000000,
  0x8000808b, 0x00000000, 0x0000008b, 0x80000000, 0x00008089, 0x80000000, 0x00008003, 0x80000000,
  0x00008002, 0x80000000, 0x00000080, 0x80000000, 0x0000800a, 0x00000000, 0x8000000a, 0x80000000,
  0x80008081, 0x80000000, 0x00008080, 0x80000000, 0x80000001, 0x00000000, 0x80008008, 0x80000000,
]);
// rho and pi as tables: lane i moves to PI_DST[i], rotated left by PI_ROT[i].
const ROT = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];
const PI_DST = new Int32Array(25);
const PI_ROT = new Int32Array(25);
for (let x = 0; x < 5; x++) {
  for (let y = 0; y < 5; y++) {
    PI_DST[x + 5 * y] = y + 5 * ((2 * x + 3 * y) % 5);
    PI_ROT[x + 5 * y] = ROT[x + 5 * y];
  }
}
const X1 = new Int32Array(25);
const X2 = new Int32Array(25);
for (let i = 0; i < 25; i++) {
  const x = i % 5;
  const y = i - x;
  X1[i] = ((x + 1) % 5) + y;
  X2[i] = ((x + 2) % 5) + y;
}
const kc = new Int32Array(10);
const kb = new Int32Array(50);

function keccakF(s) {
  const c = kc;
  const b = kb;
  for (let round = 0; round < 24; round++) {
    for (let x = 0; x < 10; x += 2) {
      c[x] = s[x] ^ s[x + 10] ^ s[x + 20] ^ s[x + 30] ^ s[x + 40];
      c[x + 1] = s[x + 1] ^ s[x + 11] ^ s[x + 21] ^ s[x + 31] ^ s[x + 41];
    }
    for (let x = 0; x < 5; x++) {
      const nx = x === 4 ? 0 : (x + 1) * 2;
      const px = x === 0 ? 8 : (x - 1) * 2;
      const dl = c[px] ^ ((c[nx] << 1) | (c[nx + 1] >>> 31));
      const dh = c[px + 1] ^ ((c[nx + 1] << 1) | (c[nx] >>> 31));
      for (let j = x * 2; j < 50; j += 10) {
        s[j] ^= dl;
        s[j + 1] ^= dh;
      }
    }
    for (let i = 0; i < 25; i++) {
      const lo = s[i * 2];
      const hi = s[i * 2 + 1];
      const r = PI_ROT[i];
      const j = PI_DST[i] * 2;
      if (r === 0) {
        b[j] = lo;
        b[j + 1] = hi;
      } else if (r < 32) {
        b[j] = (lo << r) | (hi >>> (32 - r));
        b[j + 1] = (hi << r) | (lo >>> (32 - r));
      } else {
        const q = r - 32;
        b[j] = (hi << q) | (lo >>> (32 - q));
        b[j + 1] = (lo << q) | (hi >>> (32 - q));
      }
    }
    for (let i = 0; i < 25; i++) {
      const j = i * 2;
      const j1 = X1[i] * 2;
      const j2 = X2[i] * 2;
      s[j] = b[j] ^ (~b[j1] & b[j2]);
      s[j + 1] = b[j + 1] ^ (~b[j1 + 1] & b[j2 + 1]);
    }
    s[0] ^= RC[round * 2];
    s[1] ^= RC[round * 2 + 1];
  }
}

function sha3Family(outBytes) {
  const rate = 200 - 2 * outBytes;
  const absorb = (s, m, off) => {
    for (let i = 0; i < rate; i += 8) {
      const p = off + i;
      const lane = i >> 2;
      s[lane] ^= m[p] | (m[p + 1] << 8) | (m[p + 2] << 16) | (m[p + 3] << 24);
      s[lane + 1] ^= m[p + 4] | (m[p + 5] << 8) | (m[p + 6] << 16) | (m[p + 7] << 24);
    }
    keccakF(s);
  };
  return {
    block: rate,
    init: () => new Int32Array(50),
    compress: absorb,
    finish(s, tail) {
      const m = new Uint8Array(rate);
      m.set(tail, 0);
      m[tail.length] ^= 0x06;
      m[rate - 1] ^= 0x80;
      absorb(s, m, 0);
      const out = new Uint8Array(outBytes);
      for (let i = 0; i < outBytes; i++) out[i] = (s[i >> 2] >>> (8 * (i & 3))) & 255;
      return out;
    },
  };
}

// ---------------------------------------------------------------- registry

const ALGORITHMS = {
  md5: MD5,
  sha1: SHA1,
  sha224: SHA224,
  sha256: SHA256,
  sha384: sha512Family(IV384, 12),
  sha512: sha512Family(IV512, 16),
  'sha3-256': sha3Family(32),
  'sha3-384': sha3Family(48),
  'sha3-512': sha3Family(64),
};

function algorithm(name) {
  const a = ALGORITHMS[String(name).toLowerCase()];
  if (!a) throw new Error('Digest method not supported');
  return a;
}

export function isSupported(name) {
  return ALGORITHMS[String(name).toLowerCase()] !== undefined;
}

// run absorbs bytes into state h (already holding prefixLength bytes) and
// returns the digest.
function run(a, h, bytes, prefixLength) {
  const full = bytes.length - (bytes.length % a.block);
  for (let off = 0; off < full; off += a.block) a.compress(h, bytes, off);
  return a.finish(h, bytes.subarray(full), prefixLength + bytes.length);
}

// digest hashes bytes with the named algorithm (MD5, SHA1, SHA256, …, any case).
export function digest(name, bytes) {
  const a = algorithm(name);
  return run(a, a.init(), bytes, 0);
}

// The states after the inner and outer key blocks, by algorithm and key.
const hmacKeys = new Map();

// hmac computes HMAC(key, bytes) with the named algorithm.
export function hmac(name, key, bytes) {
  const a = algorithm(name);
  const id = `${a.block}:${String(name).toLowerCase()}:${toHex(key)}`;
  let keyed = hmacKeys.get(id);
  if (!keyed) {
    let k = key;
    if (k.length > a.block) k = run(a, a.init(), k, 0);
    const ipad = new Uint8Array(a.block);
    const opad = new Uint8Array(a.block);
    for (let i = 0; i < a.block; i++) {
      const v = i < k.length ? k[i] : 0;
      ipad[i] = v ^ 0x36;
      opad[i] = v ^ 0x5c;
    }
    const inner = a.init();
    a.compress(inner, ipad, 0);
    const outer = a.init();
    a.compress(outer, opad, 0);
    keyed = { inner, outer };
    if (hmacKeys.size > 64) hmacKeys.clear();
    hmacKeys.set(id, keyed);
  }
  const innerDigest = run(a, keyed.inner.slice(), bytes, a.block);
  return run(a, keyed.outer.slice(), innerDigest, a.block);
}
