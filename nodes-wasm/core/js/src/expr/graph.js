// The workflow's nodes and main connections, when the task carries them
// (task.context.workflow.nodes and .connections). They tell a node that
// does not exist from one that has not run, which output of a node leads
// to the running node, and whether a node is upstream of it.

export class Graph {
  constructor(wf) {
    this.known = Array.isArray(wf.nodes);
    this.nodes = new Map();
    if (this.known) {
      for (const n of wf.nodes) {
        if (typeof n === 'string') this.nodes.set(n, { name: n });
        else if (n && typeof n.name === 'string') this.nodes.set(n.name, n);
      }
    }
    this.connections = wf.connections && typeof wf.connections === 'object' ? wf.connections : null;
    this.byDest = null;
  }

  // parents returns, for a node, its incoming main connections as
  // [{node, output}] in n8n's order.
  parents(name) {
    if (!this.connections) return [];
    if (!this.byDest) {
      const by = new Map();
      for (const source of Object.keys(this.connections)) {
        const main = this.connections[source] && this.connections[source].main;
        if (!Array.isArray(main)) continue;
        main.forEach((conns, output) => {
          if (!Array.isArray(conns)) return;
          for (const c of conns) {
            if (!c || typeof c.node !== 'string') continue;
            let list = by.get(c.node);
            if (!list) by.set(c.node, (list = []));
            list.push({ node: source, output, input: c.index || 0 });
          }
        });
      }
      for (const list of by.values()) list.sort((a, b) => a.input - b.input);
      this.byDest = by;
    }
    return this.byDest.get(name) || [];
  }

  // ancestors returns the names of every node upstream of name.
  ancestors(name) {
    const seen = new Set();
    const queue = [name];
    while (queue.length) {
      const cur = queue.shift();
      for (const p of this.parents(cur)) {
        if (!seen.has(p.node)) {
          seen.add(p.node);
          queue.push(p.node);
        }
      }
    }
    return seen;
  }

  // outputTowards returns the output of parent whose connection a search
  // back from name meets first, or undefined when none leads to name.
  outputTowards(name, parent) {
    const seen = new Set();
    const queue = [name];
    while (queue.length) {
      const cur = queue.shift();
      if (seen.has(cur)) continue;
      seen.add(cur);
      for (const p of this.parents(cur)) {
        if (p.node === parent) return p.output;
        queue.push(p.node);
      }
    }
    return undefined;
  }
}
