// The task context (core README, "Task context") may come as JSON text.
// It is then parsed on first read of task.context: most node runs never
// need it. Until then unparsedContext gives the text, so that a caller
// can tell a key is absent without parsing it.

let pendingTask = null;
let pendingText;

// lazyContext makes task.context parse on first read when the host sent it
// as a JSON string.
export function lazyContext(task) {
  const raw = task.context;
  if (typeof raw !== 'string') return;
  let parsed;
  pendingTask = task;
  pendingText = raw;
  Object.defineProperty(task, 'context', {
    get() {
      if (parsed === undefined) {
        parsed = typeof globalThis.__weft_json_parse === 'function' ? globalThis.__weft_json_parse(raw) : JSON.parse(raw);
        if (pendingTask === task) pendingTask = null;
      }
      return parsed;
    },
  });
}

// unparsedContext returns the JSON text of task's context while it has not
// been parsed, else undefined.
export function unparsedContext(task) {
  return pendingTask === task ? pendingText : undefined;
}

// contextLacks reports whether task's context surely has no key name at
// its top level without parsing it: its text does not hold the key at all.
// False when it may have it (or was parsed already).
export function contextLacks(task, name) {
  const text = unparsedContext(task);
  if (text === undefined) return false;
  const key = '"' + name + '"';
  const contains = globalThis.__weft_contains;
  return !(typeof contains === 'function' ? contains(text, key) : text.indexOf(key) >= 0);
}
