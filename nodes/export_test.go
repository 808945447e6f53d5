package nodes

import (
	"encoding/hex"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/runtime"
)

// ModuleOf is the core module c runs its tasks on.
func ModuleOf(c *Core) *runtime.Module { return c.mod }

// MarkPrepared makes c believe the module's snapshot keeps the parameters
// of node n of wf, as if a round of preparing had kept them.
func MarkPrepared(c *Core, wf *api.Workflow, n *api.WorkflowNode) {
	c.prep.mu.Lock()
	defer c.prep.mu.Unlock()
	if c.prep.ready == nil {
		c.prep.ready = map[[32]byte]string{}
	}
	key := compileKey(wf, n)
	c.prep.ready[key] = hex.EncodeToString(key[:])
}
