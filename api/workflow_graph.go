package api

import (
	"cmp"
	"slices"
	"strings"
)

// ConnectionRef is an incoming main connection of a node: the source node,
// the source's output index and the input index it enters.
type ConnectionRef struct {
	// Node is the name of the source node.
	Node string
	// Output is the source's output index.
	Output int
	// Input is the input index of the node the connection enters.
	Input int
}

// NodeByName returns the first node with the given name, or nil.
func (w *Workflow) NodeByName(name string) *WorkflowNode {
	for i := range w.Nodes {
		if w.Nodes[i].Name == name {
			return &w.Nodes[i]
		}
	}
	return nil
}

// Children returns the targets of a node's main output, in document order
// (a copy; nil when the output has none).
func (w *Workflow) Children(name string, output int) []ConnectionTarget {
	outs := w.Connections[name][ConnectionMain]
	if output < 0 || output >= len(outs) || len(outs[output]) == 0 {
		return nil
	}
	return slices.Clone(outs[output])
}

// Parents returns the main connections that enter a node, ordered by input
// index, then by the source's place in Nodes (sources that are not nodes
// last, by name), output index and document order.
func (w *Workflow) Parents(name string) []ConnectionRef {
	var refs []ConnectionRef
	for _, src := range w.sourceOrder() {
		for out, targets := range w.Connections[src][ConnectionMain] {
			for _, t := range targets {
				if t.Node == name {
					refs = append(refs, ConnectionRef{Node: src, Output: out, Input: t.Index})
				}
			}
		}
	}
	slices.SortStableFunc(refs, func(a, b ConnectionRef) int { return cmp.Compare(a.Input, b.Input) })
	return refs
}

// sourceOrder returns the source names of the connections: those of nodes
// in node order, then the others by name.
func (w *Workflow) sourceOrder() []string {
	var out []string
	seen := make(map[string]bool, len(w.Connections))
	for i := range w.Nodes {
		name := w.Nodes[i].Name
		if _, ok := w.Connections[name]; ok && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	rest := len(out)
	for name := range w.Connections {
		if !seen[name] {
			out = append(out, name)
		}
	}
	slices.Sort(out[rest:])
	return out
}

// StartNodes returns the enabled trigger-like nodes (see IsTriggerType) that
// no main connection enters, in node order.
func (w *Workflow) StartNodes() []*WorkflowNode {
	entered := map[string]bool{}
	for _, nc := range w.Connections {
		for _, targets := range nc[ConnectionMain] {
			for _, t := range targets {
				entered[t.Node] = true
			}
		}
	}
	var out []*WorkflowNode
	for i := range w.Nodes {
		n := &w.Nodes[i]
		if !n.Disabled && IsTriggerType(n.Type) && !entered[n.Name] {
			out = append(out, n)
		}
	}
	return out
}

// IsTriggerType reports whether a node type starts executions by its name:
// types ending in "Trigger" or "trigger" (manualTrigger, scheduleTrigger,
// executeWorkflowTrigger, chatTrigger, …), and n8n-nodes-base.webhook and
// n8n-nodes-base.start.
func IsTriggerType(typ string) bool {
	switch typ {
	case "n8n-nodes-base.webhook", "n8n-nodes-base.start":
		return true
	}
	return strings.HasSuffix(typ, "Trigger") || strings.HasSuffix(typ, "trigger")
}
