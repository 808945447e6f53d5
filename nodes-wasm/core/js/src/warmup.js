// The warm-up task: exercise the hot paths once so the snapshot the runtime
// takes afterwards already holds compiled code and grown heaps.
export function warmUp(runNode) {
  const items = [];
  for (let i = 0; i < 20; i++) items.push({ json: { id: i, name: `item ${i}`, tags: ['a', 'b'], when: '2024-01-01T00:00:00.000Z' } });
  runNode({
    abi: 1,
    node: {
      name: 'warm-up', type: 'n8n-nodes-base.set', typeVersion: 3.4,
      parameters: {
        mode: 'manual',
        assignments: { assignments: [
          { id: 'a', name: 'lower', value: '={{ $json.name.toLowerCase() }}', type: 'string' },
          { id: 'b', name: 'next', value: '={{ $json.id + 1 }}', type: 'number' },
          { id: 'c', name: 'title', value: '={{ $json.name.toTitleCase() }} of {{ $input.all().length }}', type: 'string' },
          { id: 'd', name: 'day', value: '={{ DateTime.fromISO($json.when).plus(1, "day").toISODate() }}', type: 'string' },
          { id: 'e', name: 'tags', value: '={{ $json.tags.first() }}', type: 'string' },
        ] },
        options: {},
      },
    },
    inputs: [items],
    context: { runIndex: 0 },
  });
}
