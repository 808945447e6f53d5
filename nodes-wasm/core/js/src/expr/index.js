// Minimal expression resolver: `={{ }}` templates over $json, $input and
// $itemIndex. Replaced by the full n8n expression runtime.
import { ExpressionError } from '../errors.js';

function splitTemplate(src) {
  const parts = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) { parts.push({ text: src.slice(i) }); break; }
    if (open > i) parts.push({ text: src.slice(i, open) });
    const close = src.indexOf('}}', open + 2);
    if (close < 0) { parts.push({ text: src.slice(open) }); break; }
    parts.push({ code: src.slice(open + 2, close) });
    i = close + 2;
  }
  return parts;
}

export function createResolver(task) {
  const inputs = task.inputs || [];
  const ctxData = task.context || {};
  const connectionInput = ctxData.connectionInput || inputs[0] || [];

  function dataProxy(itemIndex) {
    const item = connectionInput[itemIndex] || connectionInput[0] || { json: {} };
    return {
      $json: item.json,
      $binary: item.binary || {},
      $itemIndex: itemIndex,
      $runIndex: ctxData.runIndex || 0,
      $input: {
        item,
        all: () => connectionInput,
        first: () => connectionInput[0],
        last: () => connectionInput[connectionInput.length - 1],
      },
    };
  }

  function evaluate(src, itemIndex) {
    const parts = splitTemplate(src);
    const proxy = dataProxy(itemIndex);
    const names = Object.keys(proxy);
    const values = names.map((n) => proxy[n]);
    const vals = parts.map((p) => {
      if (p.text !== undefined) return p.text;
      try {
        return new Function(...names, `return (${p.code});`)(...values);
      } catch (e) {
        throw new ExpressionError(e.message, { itemIndex });
      }
    });
    if (vals.length === 1 && parts[0].code !== undefined) return vals[0];
    return vals.map((v) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))).join('');
  }

  function resolve(value, itemIndex) {
    if (typeof value === 'string') {
      return value.startsWith('=') ? evaluate(value.slice(1), itemIndex) : value;
    }
    if (Array.isArray(value)) return value.map((v) => resolve(v, itemIndex));
    if (value !== null && typeof value === 'object') {
      const out = {};
      for (const k of Object.keys(value)) out[k] = resolve(value[k], itemIndex);
      return out;
    }
    return value;
  }

  return { resolve, dataProxy };
}
