package nodes

import (
	"crypto/sha256"
	"encoding/json"
	"sync"

	"github.com/weftrun/weft/api"
)

// compileCache keeps, per node, the code the core module compiled for it
// (expressions, Code node code) as the module's bytecode, so later runs of
// the node load it instead of parsing again: every task starts from the
// module's snapshot, which holds no user code. Entries are scoped to one
// node of one workflow with exactly these parameters, so what one workflow's
// runs produced is only ever handed back to that same node. The cache lives
// with the Core (the bytecode is specific to its module build) and is
// bounded.
type compileCache struct {
	mu    sync.Mutex
	nodes map[[32]byte]*compiledNode
}

type compiledNode struct {
	entries map[string]json.RawMessage
	doc     json.RawMessage // entries, marshalled
}

// maxCompiledNodes bounds the cache; past it an arbitrary node's entries go.
const maxCompiledNodes = 4096

// maxCompiledEntries bounds one node's entries (a node whose expressions
// change per item, say).
const maxCompiledEntries = 256

func compileKey(wf *api.Workflow, n *api.WorkflowNode) [32]byte {
	h := sha256.New()
	for _, s := range []string{wf.ID, wf.Name, n.Name, n.Type} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(n.Parameters)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

func (c *compileCache) get(key [32]byte) json.RawMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := c.nodes[key]; n != nil {
		return n.doc
	}
	return nil
}

func (c *compileCache) add(key [32]byte, entries map[string]json.RawMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nodes == nil {
		c.nodes = map[[32]byte]*compiledNode{}
	}
	n := c.nodes[key]
	if n == nil {
		if len(c.nodes) >= maxCompiledNodes {
			for k := range c.nodes {
				delete(c.nodes, k)
				break
			}
		}
		n = &compiledNode{entries: map[string]json.RawMessage{}}
		c.nodes[key] = n
	}
	for k, v := range entries {
		if len(n.entries) >= maxCompiledEntries {
			break
		}
		n.entries[k] = v
	}
	if doc, err := json.Marshal(n.entries); err == nil {
		n.doc = doc
	}
}
