package nodes

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/weftrun/weft/api"
)

// Validate checks a workflow: everything api.Workflow.Validate checks with
// the core node types, then each known node's parameters against its type's
// spec (an option value the type does not have, a value of the wrong type).
// Entries are *api.ValidationError or *api.ValidationWarning.
func (c *Core) Validate(ctx context.Context, wf *api.Workflow) []error {
	errs := wf.Validate(c)
	if len(wf.Nodes) == 0 {
		errs = append(errs, &api.ValidationError{Field: "nodes", Message: "the workflow has no nodes"})
	}
	var known []map[string]any
	for i := range wf.Nodes {
		n := &wf.Nodes[i]
		if _, err := c.Lookup(n.Type, n.TypeVersion); err != nil {
			continue
		}
		params := n.Parameters
		if len(params) == 0 {
			params = json.RawMessage("{}")
		}
		known = append(known, map[string]any{"name": n.Name, "type": n.Type, "typeVersion": n.TypeVersion, "parameters": params})
	}
	if len(known) == 0 {
		return errs
	}
	var res struct {
		Nodes []described    `json:"nodes"`
		Error *api.NodeError `json:"error"`
	}
	if err := c.call(ctx, "weft.describe", map[string]any{"nodes": known}, &res); err != nil {
		return append(errs, &api.ValidationError{Field: "parameters", Message: fmt.Sprintf("checking parameters: %v", err)})
	}
	if res.Error != nil {
		return append(errs, &api.ValidationError{Field: "parameters", Message: "checking parameters: " + res.Error.Message})
	}
	for _, d := range res.Nodes {
		for _, p := range d.Problem {
			errs = append(errs, &api.ValidationError{Node: d.Name, Field: "parameters", Message: fmt.Sprintf("node %q: parameters: %s", d.Name, p)})
		}
	}
	return errs
}
