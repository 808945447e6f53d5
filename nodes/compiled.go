package nodes

import (
	"crypto/sha256"
	"encoding/binary"
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
	// added counts the entries kept, for tests.
	added int
}

type compiledNode struct {
	entries map[string]compiledEntry
	// trailer is entries in the form a task carries them after its JSON
	// document (nodes-wasm/core/README.md, "Compiled code"). It is never
	// changed in place: get hands it out without a copy.
	trailer []byte
}

// compiledEntry is one function the module compiled: its bytecode (base64
// in the result document) and what the module keeps with it.
type compiledEntry struct {
	Code []byte `json:"c"`
	Meta string `json:"m"`
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

// get returns the trailer of the node's entries, or nil.
func (c *compileCache) get(key [32]byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := c.nodes[key]; n != nil {
		return n.trailer
	}
	return nil
}

// add keeps what a run of the node compiled. Entries whose key or code is
// not what the module writes are ignored.
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
		n = &compiledNode{entries: map[string]compiledEntry{}}
		c.nodes[key] = n
	}
	for k, raw := range entries {
		if len(n.entries) >= maxCompiledEntries {
			break
		}
		var e compiledEntry
		if len(k) != 32 || json.Unmarshal(raw, &e) != nil || len(e.Code) == 0 {
			continue
		}
		n.entries[k] = e
		c.added++
	}
	// A new slice: tasks running now may still be reading the old one.
	var trailer []byte
	for k, e := range n.entries {
		trailer = appendEntry(trailer, k, e)
	}
	n.trailer = trailer
}

// appendEntry appends one entry in the trailer's layout: key (32 bytes),
// meta length (u32 little endian), meta, code length, code.
func appendEntry(b []byte, key string, e compiledEntry) []byte {
	b = append(b, key...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(e.Meta)))
	b = append(b, e.Meta...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(e.Code)))
	return append(b, e.Code...)
}
