// Splitting an expression (the parameter without its leading `=`) into
// text and `{{ code }}` chunks, as n8n does: the first chunk is always text
// (possibly empty); a `}}` inside a quoted string of the code does not close
// it; `\{{` and `\}}` are escaped brackets.

function insideString(text, end) {
  let quote = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) { // backslash: skip the escaped character
      i++;
      continue;
    }
    if (quote === 0) {
      if (c === 39 || c === 34 || c === 96) quote = c;
    } else if (c === quote) {
      quote = 0;
    }
  }
  return quote !== 0;
}

// splitTemplate returns [{text}|{code, closed}] chunks.
export function splitTemplate(src) {
  if (src === '') return [{ text: '' }];
  const last = src.length - 2;
  if (src.charCodeAt(0) === 123 && src.charCodeAt(1) === 123 && src.indexOf('}}') === last &&
    src.indexOf('{{', 2) < 0 && src.charCodeAt(last - 1) !== 92) {
    // the common `{{ code }}`
    return [{ text: '' }, { code: src.slice(2, last), closed: true }];
  }
  const chunks = [];
  let buffer = '';
  let i = 0;
  let open = true; // searching for `{{` (true) or `}}` (false)
  while (i < src.length) {
    const at = src.indexOf(open ? '{{' : '}}', i);
    if (at < 0) {
      buffer += src.slice(i);
      chunks.push(open ? { text: buffer } : { code: unescapeClose(buffer), closed: false });
      buffer = '';
      i = src.length;
      break;
    }
    if (at > i && src.charCodeAt(at - 1) === 92) {
      // escaped bracket: kept as written
      buffer += src.slice(i, at + 2);
      i = at + 2;
      continue;
    }
    if (!open && insideString(buffer + src.slice(i, at), buffer.length + at - i)) {
      buffer += src.slice(i, at + 2);
      i = at + 2;
      continue;
    }
    buffer += src.slice(i, at);
    if (open) {
      chunks.push({ text: buffer });
    } else {
      chunks.push({ code: unescapeClose(buffer), closed: true });
    }
    buffer = '';
    open = !open;
    i = at + 2;
  }
  if (chunks.length === 0) chunks.push({ text: '' });
  return chunks;
}

function unescapeClose(code) {
  return code.indexOf('\\}}') < 0 ? code : code.replace('\\}}', '}}');
}
