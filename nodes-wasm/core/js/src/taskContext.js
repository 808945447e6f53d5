// The task context (core README, "Task context") may come as JSON text.
// It is then parsed on first use: most node runs never need it. Code reads
// it through contextOf(task), never task.context.

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
