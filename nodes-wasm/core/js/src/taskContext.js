// The task context (core README, "Task context") may come as JSON text.
// It is then parsed on first use: most node runs never need it. Code reads
// it through contextOf(task), never task.context; until it is parsed,
// unparsedContext gives the text, so that a caller can tell a key is
// absent without parsing it.

let pendingTask = null;
let pendingText;
let parsed;

// takeContext notes the task the module is running; its context, when the
// host sent it as JSON text, is parsed on first use.
export function takeContext(task) {
  const raw = task.context;
  if (typeof raw === 'string') {
    pendingTask = task;
    pendingText = raw;
  } else {
    pendingTask = null;
    pendingText = undefined;
  }
  parsed = undefined;
}

// contextOf returns task's context, parsing it on first use.
export function contextOf(task) {
  if (task !== pendingTask) return task.context;
  if (parsed === undefined) {
    parsed = typeof globalThis.__weft_json_parse === 'function' ? globalThis.__weft_json_parse(pendingText) : JSON.parse(pendingText);
  }
  return parsed;
}

// unparsedContext returns the JSON text of task's context while it has not
// been parsed, else undefined.
export function unparsedContext(task) {
  return task === pendingTask && parsed === undefined ? pendingText : undefined;
}

// contextLacks reports whether task's context surely has no key at its
// top level without parsing it: its text does not hold the key at all.
// False when it may have it (or was parsed already). The key comes as it
// is written in JSON, quotes included ('"connectionInput"').
export function contextLacks(task, quotedKey) {
  const text = unparsedContext(task);
  return text !== undefined && !contains(text, quotedKey);
}

// contains is the C reactor's __weft_contains (memmem), or indexOf outside
// the engine.
const contains = typeof globalThis.__weft_contains === 'function'
  ? globalThis.__weft_contains
  : (text, s) => text.indexOf(s) >= 0;
