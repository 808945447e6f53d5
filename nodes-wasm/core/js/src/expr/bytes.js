// Bytes helpers for the string extensions: UTF-8, base64 and the hash
// functions of `.hash()` (MD5, SHA-1, SHA-2, SHA3-512). The engine has no
// TextEncoder, btoa or crypto.subtle.

export function utf8Encode(str) {
  const out = [];
  for (let i = 0; i < str.length; i++) {
    let c = str.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
      const d = str.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      c = 0xfffd;
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

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

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64FromBytes(bytes) {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64[n >> 18] + B64[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
  }
  return out;
}

// bytesFromBase64 is lenient: URL-safe letters are accepted, anything
// outside the alphabet is ignored and padding is optional.
export function bytesFromBase64(str) {
  const clean = String(str).replace(/[-_]/g, (m) => (m === '-' ? '+' : '/')).replace(/[^A-Za-z0-9+/]/g, '');
  const out = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | B64.indexOf(clean[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 255);
    }
  }
  return out;
}

function hex(words, count, bigEndian) {
  let out = '';
  for (let i = 0; i < count; i++) {
    const w = words[i];
    for (let b = 0; b < 4; b++) {
      const byte = bigEndian ? (w >>> (24 - 8 * b)) & 255 : (w >>> (8 * b)) & 255;
      out += (byte < 16 ? '0' : '') + byte.toString(16);
    }
  }
  return out;
}

// pad appends the Merkle–Damgård padding and returns 32-bit words.
function padWords(bytes, bigEndian, blockBytes) {
  const len = bytes.length;
  const lenBytes = blockBytes === 128 ? 16 : 8;
  const total = Math.ceil((len + 1 + lenBytes) / blockBytes) * blockBytes;
  const buf = new Uint8Array(total);
  for (let i = 0; i < len; i++) buf[i] = bytes[i];
  buf[len] = 0x80;
  const bitLenLo = (len * 8) >>> 0;
  const bitLenHi = Math.floor((len * 8) / 0x100000000) >>> 0;
  const words = new Array(total / 4);
  if (bigEndian) {
    buf[total - 4] = bitLenLo >>> 24;
    buf[total - 3] = (bitLenLo >>> 16) & 255;
    buf[total - 2] = (bitLenLo >>> 8) & 255;
    buf[total - 1] = bitLenLo & 255;
    buf[total - 8] = bitLenHi >>> 24;
    buf[total - 7] = (bitLenHi >>> 16) & 255;
    buf[total - 6] = (bitLenHi >>> 8) & 255;
    buf[total - 5] = bitLenHi & 255;
    for (let i = 0; i < words.length; i++) {
      words[i] = ((buf[4 * i] << 24) | (buf[4 * i + 1] << 16) | (buf[4 * i + 2] << 8) | buf[4 * i + 3]) >>> 0;
    }
  } else {
    buf[total - 8] = bitLenLo & 255;
    buf[total - 7] = (bitLenLo >>> 8) & 255;
    buf[total - 6] = (bitLenLo >>> 16) & 255;
    buf[total - 5] = bitLenLo >>> 24;
    buf[total - 4] = bitLenHi & 255;
    buf[total - 3] = (bitLenHi >>> 8) & 255;
    buf[total - 2] = (bitLenHi >>> 16) & 255;
    buf[total - 1] = bitLenHi >>> 24;
    for (let i = 0; i < words.length; i++) {
      words[i] = (buf[4 * i] | (buf[4 * i + 1] << 8) | (buf[4 * i + 2] << 16) | (buf[4 * i + 3] << 24)) >>> 0;
    }
  }
  return words;
}

const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const MD5_K = [];
for (let i = 0; i < 64; i++) MD5_K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) >>> 0;

export function md5(bytes) {
  const w = padWords(bytes, false, 64);
  let a0 = 0x67452301;
  let b0 = 0xefcdab89;
  let c0 = 0x98badcfe;
  let d0 = 0x10325476;
  for (let o = 0; o < w.length; o += 16) {
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f;
      let g;
      const r = i >> 4;
      if (r === 0) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (r === 1) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (r === 2) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const s = MD5_S[(r << 2) | (i & 3)];
      const tmp = d;
      d = c;
      c = b;
      const x = (a + f + MD5_K[i] + w[o + g]) | 0;
      b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
      a = tmp;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  return hex([a0, b0, c0, d0], 4, false);
}

export function sha1(bytes) {
  const w = padWords(bytes, true, 64);
  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const m = new Array(80);
  for (let o = 0; o < w.length; o += 16) {
    for (let i = 0; i < 16; i++) m[i] = w[o + i];
    for (let i = 16; i < 80; i++) {
      const x = m[i - 3] ^ m[i - 8] ^ m[i - 14] ^ m[i - 16];
      m[i] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let i = 0; i < 80; i++) {
      let f;
      let k;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + m[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  return hex([h0, h1, h2, h3, h4], 5, true);
}

const K256 = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

function sha256Words(bytes, init) {
  const w = padWords(bytes, true, 64);
  const h = init.slice();
  const m = new Array(64);
  for (let o = 0; o < w.length; o += 16) {
    for (let i = 0; i < 16; i++) m[i] = w[o + i];
    for (let i = 16; i < 64; i++) {
      const x = m[i - 15];
      const y = m[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      m[i] = (m[i - 16] + s0 + m[i - 7] + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K256[i] + m[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
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
  return h;
}

export function sha256(bytes) {
  return hex(sha256Words(bytes, [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]), 8, true);
}

export function sha224(bytes) {
  return hex(sha256Words(bytes, [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4]), 7, true);
}

// SHA-512 with 64-bit words as [hi, lo] pairs of 32-bit halves.
const K512 = [
  '428a2f98d728ae22', '7137449123ef65cd', 'b5c0fbcfec4d3b2f', 'e9b5dba58189dbbc', '3956c25bf348b538',
  '59f111f1b605d019', '923f82a4af194f9b', 'ab1c5ed5da6d8118', 'd807aa98a3030242', '12835b0145706fbe',
  '243185be4ee4b28c', '550c7dc3d5ffb4e2', '72be5d74f27b896f', '80deb1fe3b1696b1', '9bdc06a725c71235',
  'c19bf174cf692694', 'e49b69c19ef14ad2', 'efbe4786384f25e3', '0fc19dc68b8cd5b5', '240ca1cc77ac9c65',
  '2de92c6f592b0275', '4a7484aa6ea6e483', '5cb0a9dcbd41fbd4', '76f988da831153b5', '983e5152ee66dfab',
  'a831c66d2db43210', 'b00327c898fb213f', 'bf597fc7beef0ee4', 'c6e00bf33da88fc2', 'd5a79147930aa725',
  '06ca6351e003826f', '142929670a0e6e70', '27b70a8546d22ffc', '2e1b21385c26c926', '4d2c6dfc5ac42aed',
  '53380d139d95b3df', '650a73548baf63de', '766a0abb3c77b2a8', '81c2c92e47edaee6', '92722c851482353b',
  'a2bfe8a14cf10364', 'a81a664bbc423001', 'c24b8b70d0f89791', 'c76c51a30654be30', 'd192e819d6ef5218',
  'd69906245565a910', 'f40e35855771202a', '106aa07032bbd1b8', '19a4c116b8d2d0c8', '1e376c085141ab53',
  '2748774cdf8eeb99', '34b0bcb5e19b48a8', '391c0cb3c5c95a63', '4ed8aa4ae3418acb', '5b9cca4f7763e373',
  '682e6ff3d6b2b8a3', '748f82ee5defb2fc', '78a5636f43172f60', '84c87814a1f0ab72', '8cc702081a6439ec',
  '90befffa23631e28', 'a4506cebde82bde9', 'bef9a3f7b2c67915', 'c67178f2e372532b', 'ca273eceea26619c',
  'd186b8c721c0c207', 'eada7dd6cde0eb1e', 'f57d4f7fee6ed178', '06f067aa72176fba', '0a637dc5a2c898a6',
  '113f9804bef90dae', '1b710b35131c471b', '28db77f523047d84', '32caab7b40c72493', '3c9ebe0a15c9bebc',
  '431d67c49c100d4c', '4cc5d4becb3e42b6', '597f299cfc657e2a', '5fcb6fab3ad6faec', '6c44198c4a475817',
].map((h) => [parseInt(h.slice(0, 8), 16) | 0, parseInt(h.slice(8), 16) | 0]);

function sha512Words(bytes, init) {
  const w = padWords(bytes, true, 128);
  const h = init.map((x) => [parseInt(x.slice(0, 8), 16) | 0, parseInt(x.slice(8), 16) | 0]);
  const mh = new Array(80);
  const ml = new Array(80);
  // rotr returns the high and low words of a 64-bit rotate right by n.
  function rotrH(hi, lo, n) {
    return n < 32 ? (hi >>> n) | (lo << (32 - n)) : (lo >>> (n - 32)) | (hi << (64 - n));
  }
  function rotrL(hi, lo, n) {
    return n < 32 ? (lo >>> n) | (hi << (32 - n)) : (hi >>> (n - 32)) | (lo << (64 - n));
  }
  for (let o = 0; o < w.length; o += 32) {
    for (let i = 0; i < 16; i++) {
      mh[i] = w[o + 2 * i] | 0;
      ml[i] = w[o + 2 * i + 1] | 0;
    }
    for (let i = 16; i < 80; i++) {
      const xh = mh[i - 15];
      const xl = ml[i - 15];
      const s0h = rotrH(xh, xl, 1) ^ rotrH(xh, xl, 8) ^ (xh >>> 7);
      const s0l = rotrL(xh, xl, 1) ^ rotrL(xh, xl, 8) ^ ((xl >>> 7) | (xh << 25));
      const yh = mh[i - 2];
      const yl = ml[i - 2];
      const s1h = rotrH(yh, yl, 19) ^ rotrH(yh, yl, 61) ^ (yh >>> 6);
      const s1l = rotrL(yh, yl, 19) ^ rotrL(yh, yl, 61) ^ ((yl >>> 6) | (yh << 26));
      let lo = (ml[i - 16] >>> 0) + (s0l >>> 0) + (ml[i - 7] >>> 0) + (s1l >>> 0);
      const hi = mh[i - 16] + s0h + mh[i - 7] + s1h + Math.floor(lo / 0x100000000);
      ml[i] = lo | 0;
      mh[i] = hi | 0;
      lo = 0;
    }
    let [ah, al] = h[0];
    let [bh, bl] = h[1];
    let [ch, cl] = h[2];
    let [dh, dl] = h[3];
    let [eh, el] = h[4];
    let [fh, fl] = h[5];
    let [gh, gl] = h[6];
    let [hh, hl] = h[7];
    for (let i = 0; i < 80; i++) {
      const S1h = rotrH(eh, el, 14) ^ rotrH(eh, el, 18) ^ rotrH(eh, el, 41);
      const S1l = rotrL(eh, el, 14) ^ rotrL(eh, el, 18) ^ rotrL(eh, el, 41);
      const chh = (eh & fh) ^ (~eh & gh);
      const chl = (el & fl) ^ (~el & gl);
      let t1l = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + (K512[i][1] >>> 0) + (ml[i] >>> 0);
      const t1h = (hh + S1h + chh + K512[i][0] + mh[i] + Math.floor(t1l / 0x100000000)) | 0;
      t1l |= 0;
      const S0h = rotrH(ah, al, 28) ^ rotrH(ah, al, 34) ^ rotrH(ah, al, 39);
      const S0l = rotrL(ah, al, 28) ^ rotrL(ah, al, 34) ^ rotrL(ah, al, 39);
      const mjh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
      const mjl = (al & bl) ^ (al & cl) ^ (bl & cl);
      let t2l = (S0l >>> 0) + (mjl >>> 0);
      const t2h = (S0h + mjh + Math.floor(t2l / 0x100000000)) | 0;
      t2l |= 0;
      hh = gh;
      hl = gl;
      gh = fh;
      gl = fl;
      fh = eh;
      fl = el;
      let sl = (dl >>> 0) + (t1l >>> 0);
      eh = (dh + t1h + Math.floor(sl / 0x100000000)) | 0;
      el = sl | 0;
      dh = ch;
      dl = cl;
      ch = bh;
      cl = bl;
      bh = ah;
      bl = al;
      sl = (t1l >>> 0) + (t2l >>> 0);
      ah = (t1h + t2h + Math.floor(sl / 0x100000000)) | 0;
      al = sl | 0;
    }
    const add = [[ah, al], [bh, bl], [ch, cl], [dh, dl], [eh, el], [fh, fl], [gh, gl], [hh, hl]];
    for (let k = 0; k < 8; k++) {
      const lo = (h[k][1] >>> 0) + (add[k][1] >>> 0);
      h[k][0] = (h[k][0] + add[k][0] + Math.floor(lo / 0x100000000)) | 0;
      h[k][1] = lo | 0;
    }
  }
  const flat = [];
  for (const [hi, lo] of h) flat.push(hi, lo);
  return flat;
}

export function sha512(bytes) {
  return hex(sha512Words(bytes, [
    '6a09e667f3bcc908', 'bb67ae8584caa73b', '3c6ef372fe94f82b', 'a54ff53a5f1d36f1',
    '510e527fade682d1', '9b05688c2b3e6c1f', '1f83d9abfb41bd6b', '5be0cd19137e2179',
  ]), 16, true);
}

export function sha384(bytes) {
  return hex(sha512Words(bytes, [
    'cbbb9d5dc1059ed8', '629a292a367cd507', '9159015a3070dd17', '152fecd8f70e5939',
    '67332667ffc00b31', '8eb44a8768581511', 'db0c2e0d64f98fa7', '47b5481dbefa4fa4',
  ]), 12, true);
}

// SHA3-512 (Keccak-f[1600], rate 72 bytes, domain byte 0x06), with the
// state as 25 lanes of [lo, hi] 32-bit halves.
const RC = [
  [0x00000001, 0x00000000], [0x00008082, 0x00000000], [0x0000808a, 0x80000000], [0x80008000, 0x80000000],
  [0x0000808b, 0x00000000], [0x80000001, 0x00000000], [0x80008081, 0x80000000], [0x00008009, 0x80000000],
  [0x0000008a, 0x00000000], [0x00000088, 0x00000000], [0x80008009, 0x00000000], [0x8000000a, 0x00000000],
  [0x8000808b, 0x00000000], [0x0000008b, 0x80000000], [0x00008089, 0x80000000], [0x00008003, 0x80000000],
  [0x00008002, 0x80000000], [0x00000080, 0x80000000], [0x0000800a, 0x00000000], [0x8000000a, 0x80000000],
  [0x80008081, 0x80000000], [0x00008080, 0x80000000], [0x80000001, 0x00000000], [0x80008008, 0x80000000],
];
const ROT = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

function keccakF(lo, hi) {
  const cl = new Array(5);
  const ch = new Array(5);
  const bl = new Array(25);
  const bh = new Array(25);
  for (let round = 0; round < 24; round++) {
    for (let x = 0; x < 5; x++) {
      cl[x] = lo[x] ^ lo[x + 5] ^ lo[x + 10] ^ lo[x + 15] ^ lo[x + 20];
      ch[x] = hi[x] ^ hi[x + 5] ^ hi[x + 10] ^ hi[x + 15] ^ hi[x + 20];
    }
    for (let x = 0; x < 5; x++) {
      const nl = cl[(x + 1) % 5];
      const nh = ch[(x + 1) % 5];
      const dl = cl[(x + 4) % 5] ^ ((nl << 1) | (nh >>> 31));
      const dh = ch[(x + 4) % 5] ^ ((nh << 1) | (nl >>> 31));
      for (let y = 0; y < 25; y += 5) {
        lo[x + y] ^= dl;
        hi[x + y] ^= dh;
      }
    }
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) {
        const i = x + 5 * y;
        const r = ROT[i];
        let l = lo[i];
        let h = hi[i];
        if (r >= 32) {
          const t = l;
          l = h;
          h = t;
        }
        const s = r % 32;
        const nl = s ? (l << s) | (h >>> (32 - s)) : l;
        const nh = s ? (h << s) | (l >>> (32 - s)) : h;
        const j = y + 5 * ((2 * x + 3 * y) % 5);
        bl[j] = nl;
        bh[j] = nh;
      }
    }
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        lo[x + y] = bl[x + y] ^ (~bl[((x + 1) % 5) + y] & bl[((x + 2) % 5) + y]);
        hi[x + y] = bh[x + y] ^ (~bh[((x + 1) % 5) + y] & bh[((x + 2) % 5) + y]);
      }
    }
    lo[0] ^= RC[round][0];
    hi[0] ^= RC[round][1];
  }
}

export function sha3_512(bytes) {
  const rate = 72;
  const lo = new Array(25).fill(0);
  const hi = new Array(25).fill(0);
  const padded = bytes.slice();
  padded.push(0x06);
  while (padded.length % rate) padded.push(0);
  padded[padded.length - 1] |= 0x80;
  for (let o = 0; o < padded.length; o += rate) {
    for (let i = 0; i < rate / 8; i++) {
      const p = o + 8 * i;
      lo[i] ^= padded[p] | (padded[p + 1] << 8) | (padded[p + 2] << 16) | (padded[p + 3] << 24);
      hi[i] ^= padded[p + 4] | (padded[p + 5] << 8) | (padded[p + 6] << 16) | (padded[p + 7] << 24);
    }
    keccakF(lo, hi);
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    for (const w of [lo[i], hi[i]]) {
      for (let b = 0; b < 4; b++) {
        const byte = (w >>> (8 * b)) & 255;
        out += (byte < 16 ? '0' : '') + byte.toString(16);
      }
    }
  }
  return out;
}
