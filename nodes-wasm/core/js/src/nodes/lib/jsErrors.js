// Errors raised by user JavaScript, reported as n8n reports them: V8's
// wording for the common engine errors, and the line of the user's code the
// error came from.

// v8Message rewrites the engine's messages for the most common errors in
// the words V8 (and so n8n) uses.
export function v8Message(name, message) {
  if (typeof message !== 'string') return message;
  let m;
  if (name === 'ReferenceError' && (m = /^'(.+)' is not defined$/.exec(message))) {
    return `${m[1]} is not defined`;
  }
  if (name === 'TypeError') {
    if ((m = /^cannot read property '(.*)' of (undefined|null)$/.exec(message))) {
      return `Cannot read properties of ${m[2]} (reading '${m[1]}')`;
    }
    if ((m = /^cannot set property '(.*)' of (undefined|null)$/.exec(message))) {
      return `Cannot set properties of ${m[2]} (setting '${m[1]}')`;
    }
  }
  return message;
}

// Frames of code compiled from a string: QuickJS names the source <input>
// ("at fn (<input>:3:7)"; a syntax error's position is "at <input>:3:7");
// V8 reports "(eval at …, <anonymous>:3:7)".
const RUNTIME_FRAME = /\(<input>:(\d+)(?::\d+)?\)|<anonymous>:(\d+):\d+\)?$/;
const COMPILE_FRAME = /^\s*at <input>:(\d+)(?::\d+)?\s*$/;

// sourceLine returns the line in the compiled source where the error was
// raised (the first frame in compiled code), or undefined.
export function sourceLine(err, compiling) {
  const stack = err && typeof err === 'object' ? err.stack : undefined;
  if (typeof stack !== 'string') return undefined;
  const rows = stack.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    let m = RUNTIME_FRAME.exec(row);
    if (m) return Number(m[1] || m[2]);
    if (compiling && (m = COMPILE_FRAME.exec(row))) return Number(m[1]);
  }
  return undefined;
}

// isThenable reports whether v is a promise-like value.
export function isThenable(v) {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';
}
