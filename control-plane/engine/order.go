package engine

import (
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/weftrun/weft/api"
)

// childAdd is a child to enqueue after a node ran.
type childAdd struct {
	target api.ConnectionTarget
	output int
	x, y   float64
}

// compareChildren is n8n's v1 comparator for the children of a node: it
// sorts bottom-right first, so that after each child is pushed to the front
// of the stack the top-left one runs first. Like n8n's, it is not a total
// order (a left of b on the same row compares equal), which is why
// sortChildren reproduces the JavaScript engine's algorithm.
func compareChildren(a, b childAdd) int {
	if a.y < b.y {
		return 1
	}
	if a.y > b.y {
		return -1
	}
	if a.x > b.x {
		return -1
	}
	return 0
}

// sortChildren sorts as V8's Array.prototype.sort does for arrays of fewer
// than 64 elements (one run found by counting, extended by binary
// insertion), so that n8n's inconsistent comparator gives n8n's order.
// Longer lists, which do not occur in practice, are sorted stably.
func sortChildren(a []childAdd) {
	n := len(a)
	if n < 2 {
		return
	}
	if n >= 64 {
		sort.SliceStable(a, func(i, j int) bool { return compareChildren(a[i], a[j]) < 0 })
		return
	}
	// Count the initial run; a strictly descending one is reversed.
	run := 2
	desc := compareChildren(a[1], a[0]) < 0
	for i := 2; i < n; i++ {
		o := compareChildren(a[i], a[i-1])
		if (desc && o >= 0) || (!desc && o < 0) {
			break
		}
		run++
	}
	if desc {
		slices.Reverse(a[:run])
	}
	// Binary insertion of the rest.
	for start := run; start < n; start++ {
		pivot := a[start]
		left, right := 0, start
		for left < right {
			mid := left + (right-left)>>1
			if compareChildren(pivot, a[mid]) < 0 {
				right = mid
			} else {
				left = mid + 1
			}
		}
		copy(a[left+1:start+1], a[left:start])
		a[left] = pivot
	}
}

// addChildren enqueues the children of every output of a node that has
// items, in n8n's v1 order.
func (r *run) addChildren(node *api.WorkflowNode, outs [][]api.Item, runIndex int) error {
	var adds []childAdd
	for o, targets := range r.wf.Connections[node.Name][api.ConnectionMain] {
		for _, t := range targets {
			child := r.wf.NodeByName(t.Node)
			if child == nil {
				r.fail(node.Name, fmt.Sprintf("Destination node not found: %q", t.Node), "")
				return fmt.Errorf("engine: node %q connects to %q, which is not in the workflow", node.Name, t.Node)
			}
			if o < len(outs) && len(outs[o]) > 0 {
				x, y := child.XY()
				adds = append(adds, childAdd{target: t, output: o, x: x, y: y})
			}
		}
	}
	sortChildren(adds)
	for _, a := range adds {
		r.addNode(a.target, a.output, node.Name, outs, runIndex)
	}
	return nil
}

// addNode is n8n's addNodeToBeExecuted under v1: a node with one input slot
// goes to the front of the stack; a node with several waits until every
// slot of one of its waiting entries has data, then goes to the front.
func (r *run) addNode(t api.ConnectionTarget, output int, parent string, outs [][]api.Item, runIndex int) {
	node := r.wf.NodeByName(t.Node)
	src := &SourceRef{PreviousNode: parent, PreviousNodeOutput: output, PreviousNodeRun: runIndex}
	slots := r.inputsOf[t.Node]
	if slots <= 1 {
		inputs := make([][]api.Item, t.Index+1)
		inputs[t.Index] = outs[output]
		r.pushFront(&stackEntry{node: node, inputs: inputs, source: []*SourceRef{src}})
		return
	}
	w := r.waiting[t.Node]
	if w == nil {
		w = map[int]*waitEntry{}
		r.waiting[t.Node] = w
		r.waitOrder = append(r.waitOrder, t.Node)
	}
	idx := -1
	for _, k := range numericKeys(w) {
		if w[k].inputs[t.Index] == nil {
			idx = k
			break
		}
	}
	if idx < 0 {
		// As n8n does, the new entry's index is the number of entries.
		idx = len(w)
		w[idx] = &waitEntry{inputs: make([][]api.Item, slots), source: make([]*SourceRef, slots)}
	}
	we := w[idx]
	we.inputs[t.Index] = outs[output]
	we.source[t.Index] = src
	for _, in := range we.inputs {
		if in == nil {
			return
		}
	}
	r.pushFront(&stackEntry{node: node, inputs: we.inputs, source: we.source})
	r.dropWaiting(t.Node, idx)
}

// pushFront puts an entry at the front of the stack (v1's unshift).
func (r *run) pushFront(e *stackEntry) {
	r.stack = append([]*stackEntry{e}, r.stack...)
}

// dropWaiting removes one waiting entry, and the node when none is left.
func (r *run) dropWaiting(name string, idx int) {
	w := r.waiting[name]
	delete(w, idx)
	if len(w) == 0 {
		delete(r.waiting, name)
		if i := slices.Index(r.waitOrder, name); i >= 0 {
			r.waitOrder = slices.Delete(r.waitOrder, i, i+1)
		}
	}
}

// numericKeys returns the keys in ascending order, as JavaScript lists the
// integer keys of an object.
func numericKeys(w map[int]*waitEntry) []int {
	keys := make([]int, 0, len(w))
	for k := range w {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// releaseWaiting runs when the stack is empty but multi-input nodes wait
// with data missing: it releases the first one (in the order they started
// waiting) that may run with partial data, giving missing inputs zero
// items. A node whose spec requires all inputs never runs partially; one
// with an ancestor that also waits is left for later; an entry whose inputs
// hold no items at all is dropped.
func (r *run) releaseWaiting() {
	names := slices.Clone(r.waitOrder)
	for i := 0; i < len(names); i++ {
		name := names[i]
		node := r.wf.NodeByName(name)
		if node == nil {
			continue
		}
		spec := r.e.spec(node)
		inputs := spec.Inputs
		if inputs == 0 {
			inputs = r.inputsOf[name]
		}
		req := spec.Required
		if req.isSet() {
			if (req.Indexes != nil && len(req.Indexes) == inputs) || (req.Indexes == nil && req.Count == inputs) {
				continue
			}
		}
		if r.ancestorWaits(name, names) {
			continue
		}
		w := r.waiting[name]
		first := firstKeyAsString(w)
		we := w[first]
		var withData []int
		for k, in := range we.inputs {
			if in != nil {
				withData = append(withData, k)
			}
		}
		if req.isSet() {
			if req.Indexes != nil {
				missing := false
				for _, k := range req.Indexes {
					if !slices.Contains(withData, k) {
						missing = true
						break
					}
				}
				if missing {
					continue
				}
			} else if len(withData) < req.Count {
				continue
			}
		}
		main := make([][]api.Item, max(len(we.inputs), inputs))
		anyItems := false
		for k := range main {
			if k < len(we.inputs) && we.inputs[k] != nil {
				main[k] = we.inputs[k]
				anyItems = anyItems || len(main[k]) > 0
			} else {
				main[k] = []api.Item{}
			}
		}
		if anyItems {
			r.stack = append(r.stack, &stackEntry{node: node, inputs: main, source: we.source})
		}
		r.dropWaiting(name, first)
		if anyItems {
			return
		}
		names = slices.Clone(r.waitOrder)
		i = -1
	}
}

// firstKeyAsString returns the key that sorts first as a string, as n8n
// picks the earliest waiting run index (Object.keys(...).sort()).
func firstKeyAsString(w map[int]*waitEntry) int {
	best, bestS := 0, ""
	for k := range w {
		s := strconv.Itoa(k)
		if bestS == "" || s < bestS {
			best, bestS = k, s
		}
	}
	return best
}

// ancestorWaits reports whether any main ancestor of a node (at any depth,
// the node itself excluded) is among the waiting nodes.
func (r *run) ancestorWaits(name string, waiting []string) bool {
	seen := map[string]bool{name: true}
	queue := []string{name}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, p := range r.wf.Parents(cur) {
			if seen[p.Node] {
				continue
			}
			seen[p.Node] = true
			if slices.Contains(waiting, p.Node) {
				return true
			}
			queue = append(queue, p.Node)
		}
	}
	return false
}
