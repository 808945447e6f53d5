package nodes

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"time"
)

// preparer has the core module compile the expressions of nodes that run
// again and again into its snapshot (runtime.Module.Resnapshot), so that
// their tasks find them compiled instead of loading their bytecode each
// time (nodes-wasm/core/js/src/prepare.js). A node qualifies once it has
// run prepareAfter times; a background loop gathers such nodes for
// prepareDelay and prepares them in one task. Only expressions whose code
// cannot run anything while it is compiled are prepared (the module
// decides), and preparing compiles code without running it, so the
// snapshot holds no data of any execution.
type preparer struct {
	mu sync.Mutex
	// runs counts the runs of nodes with expressions not prepared yet.
	runs map[[32]byte]int
	// claimed holds the nodes prepared or about to be.
	claimed map[[32]byte]bool
	// pending is the parameters of the nodes to prepare next.
	pending []json.RawMessage
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
	// maxPrepared bounds the nodes prepared over the module's life: the
	// snapshot only grows.
	maxPrepared = 1024
	// maxCounted bounds runs; past it the counts start again.
	maxCounted = 4096
)

// WithoutPreparing stops the Core from compiling hot nodes' expressions
// into the module's snapshot (for measuring what that saves).
func WithoutPreparing() Option {
	return func(c *Core) { c.prep.off = true }
}

// note counts a run of the node with the given key and parameters, and
// starts preparing it when it qualifies.
func (c *Core) notePrepare(key [32]byte, params json.RawMessage) {
	p := &c.prep
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.off || p.claimed[key] || len(p.claimed) >= maxPrepared {
		return
	}
	if !bytes.Contains(params, []byte(`"=`)) {
		return
	}
	if p.runs == nil {
		p.runs, p.claimed = map[[32]byte]int{}, map[[32]byte]bool{}
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
	p.pending = append(p.pending, params)
	if !p.busy {
		p.busy = true
		go c.prepareLoop()
	}
}

// prepareLoop prepares the pending nodes, a round at a time, until none
// are left.
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
		_, err := c.mod.Resnapshot(context.Background(), PrepareTask(batch))
		p.mu.Lock()
		p.rounds++
		if err != nil {
			p.failed++
		}
		p.mu.Unlock()
	}
}

// PrepareTask is the module task that compiles the expressions of the
// nodes with these parameters (weft.prepare).
func PrepareTask(params []json.RawMessage) []byte {
	b := []byte(`{"abi":1,"node":{"name":"weft.prepare","type":"weft.prepare","typeVersion":1,"parameters":{"nodes":[`)
	for i, p := range params {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"parameters":`...)
		b = append(b, p...)
		b = append(b, '}')
	}
	return append(b, `]}},"inputs":[[]],"context":{}}`...)
}

// PrepareRounds reports how many rounds of preparing the Core ran and how
// many of them failed.
func (c *Core) PrepareRounds() (rounds, failed int) {
	c.prep.mu.Lock()
	defer c.prep.mu.Unlock()
	return c.prep.rounds, c.prep.failed
}
