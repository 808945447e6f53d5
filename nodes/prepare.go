package nodes

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/weftrun/weft/api"
)

// preparer has the core module compile the expressions of nodes that run
// again and again into its snapshot (runtime.Module.Resnapshot), so that
// their tasks find them compiled instead of loading their bytecode each
// time, and keep their parameters there, so that their tasks name them
// by key instead of carrying them to be parsed again
// (nodes-wasm/core/js/src/prepare.js). A node qualifies once it has run
// prepareAfter times; a background loop gathers such nodes for
// prepareDelay and prepares them in one task. Only expressions whose code
// cannot run anything while it is compiled are prepared (the module
// decides), and preparing compiles code without running it, so the
// snapshot holds no data of any execution.
type preparer struct {
	mu sync.Mutex
	// runs counts the runs of nodes not prepared yet.
	runs map[[32]byte]int
	// claimed holds the nodes prepared or about to be.
	claimed map[[32]byte]bool
	// ready holds the nodes whose parameters the snapshot keeps, with the
	// key their tasks name them by: every task from now on starts from a
	// snapshot that has them.
	ready map[[32]byte]string
	// pending is the nodes to prepare next; bytes sums the parameters of
	// those claimed.
	pending []preparing
	bytes   int
	busy    bool
	off     bool
	// rounds and failed count the preparing tasks run and failed.
	rounds, failed int
}

const (
	// prepareAfter is how many runs of a node make it worth preparing.
	prepareAfter = 3
	// prepareDelay is how long the loop gathers nodes before a round.
	prepareDelay = 100 * time.Millisecond
	// maxPrepared bounds the nodes prepared over the module's life, and
	// maxPreparedBytes their parameters' size: the snapshot only grows,
	// and every task's memory holds it. A node whose parameters exceed
	// maxNodeBytes (a long Code node, say) is not prepared.
	maxPrepared      = 512
	maxPreparedBytes = 4 << 20
	maxNodeBytes     = 64 << 10
	// maxCounted bounds runs; past it the counts start again.
	maxCounted = 4096
)

// preparing is a node to prepare: its key, type and parameters.
type preparing struct {
	key     [32]byte
	typ     string
	version float64
	params  json.RawMessage
}

// WithoutPreparing stops the Core from preparing hot nodes into the
// module's snapshot (for measuring what that saves).
func WithoutPreparing() Option {
	return func(c *Core) { c.prep.off = true }
}

// notePrepare counts a run of node n, whose key is key, and starts
// preparing it when it qualifies.
func (c *Core) notePrepare(key [32]byte, n *api.WorkflowNode) {
	params := n.Parameters
	p := &c.prep
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.off || p.claimed[key] || len(p.claimed) >= maxPrepared {
		return
	}
	// parameters worth keeping: more than {}, and not too many
	if len(params) > maxNodeBytes || p.bytes+len(params) > maxPreparedBytes || len(bytes.TrimSpace(params)) <= 2 {
		return
	}
	if p.runs == nil {
		p.runs, p.claimed, p.ready = map[[32]byte]int{}, map[[32]byte]bool{}, map[[32]byte]string{}
	}
	if len(p.runs) >= maxCounted {
		clear(p.runs)
	}
	p.runs[key]++
	if p.runs[key] < prepareAfter {
		return
	}
	delete(p.runs, key)
	p.claimed[key] = true
	p.bytes += len(params)
	p.pending = append(p.pending, preparing{key, n.Type, n.TypeVersion, params})
	if !p.busy {
		p.busy = true
		go c.prepareLoop()
	}
}

// prepareLoop prepares the pending nodes, a round at a time, until none
// are left. A round that fails leaves its nodes unprepared for good: their
// tasks carry their parameters as before.
func (c *Core) prepareLoop() {
	p := &c.prep
	for {
		time.Sleep(prepareDelay)
		p.mu.Lock()
		batch := p.pending
		p.pending = nil
		if len(batch) == 0 {
			p.busy = false
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
		task := prepareTask(batch)
		if c.record != nil {
			c.record("weft.prepare", task)
		}
		_, err := c.mod.Resnapshot(context.Background(), task)
		p.mu.Lock()
		p.rounds++
		if err != nil {
			p.failed++
		} else {
			for _, n := range batch {
				p.ready[n.key] = hex.EncodeToString(n.key[:])
			}
		}
		p.mu.Unlock()
	}
}

// prepareTask is the module task that prepares nodes (weft.prepare).
func prepareTask(nodes []preparing) []byte {
	b := []byte(`{"abi":1,"node":{"name":"weft.prepare","type":"weft.prepare","typeVersion":1,"parameters":{"nodes":[`)
	for i, n := range nodes {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":"`...)
		b = hex.AppendEncode(b, n.key[:])
		b = append(b, `","type":`...)
		typ, _ := json.Marshal(n.typ)
		b = append(b, typ...)
		b = append(b, `,"typeVersion":`...)
		b = strconv.AppendFloat(b, n.version, 'f', -1, 64)
		b = append(b, `,"parameters":`...)
		b = append(b, n.params...)
		b = append(b, '}')
	}
	return append(b, `]}},"inputs":[[]],"context":{}}`...)
}

// preparedKey returns the key a task names the node's parameters by, or
// "" when the snapshot does not keep them.
func (c *Core) preparedKey(key [32]byte) string {
	p := &c.prep
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ready[key]
}

// unprepared forgets that the snapshot keeps the node's parameters (a
// task found them missing), so its tasks carry them again.
func (c *Core) unprepared(key [32]byte) {
	c.prep.mu.Lock()
	delete(c.prep.ready, key)
	c.prep.mu.Unlock()
}

// PrepareRounds reports how many rounds of preparing the Core ran and how
// many of them failed.
func (c *Core) PrepareRounds() (rounds, failed int) {
	c.prep.mu.Lock()
	defer c.prep.mu.Unlock()
	return c.prep.rounds, c.prep.failed
}
