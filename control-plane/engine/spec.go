package engine

import (
	"encoding/json"

	"github.com/weftrun/weft/api"
)

// NodeSpec is what the executor needs to know about a node's type that the
// workflow does not say (n8n reads it from the node type's description).
type NodeSpec struct {
	// Inputs is the number of main inputs the node type declares; 0 means
	// unknown (the executor then uses the connected inputs).
	Inputs int
	// Outputs is the number of regular main outputs the node type declares,
	// not counting the error output; 0 means unknown (the executor then
	// takes the number of outputs the node returned).
	Outputs int
	// Required says which inputs must have received data before a waiting
	// multi-input node may run with data missing on its other inputs
	// (n8n's requiredInputs, under the v1 execution order).
	Required InputRequirement
}

// InputRequirement is n8n's requiredInputs: either a number of inputs or a
// list of input indexes. The zero value requires nothing.
type InputRequirement struct {
	// Count, when positive, is the number of inputs that must have data.
	Count int
	// Indexes, when non-nil, lists the inputs that must have data.
	Indexes []int
}

// isSet reports whether the requirement says anything.
func (r InputRequirement) isSet() bool { return r.Count > 0 || r.Indexes != nil }

// SpecFunc returns the NodeSpec of a node.
type SpecFunc func(n *api.WorkflowNode) NodeSpec

// DefaultSpec knows the node types whose spec changes execution order: the
// Merge node from version 2 (two inputs, or numberInputs from version 3.1;
// "chooseBranch" requires inputs 0 and 1, the other modes one input, as its
// requiredInputs expression says). Every other node type gets the zero
// NodeSpec.
func DefaultSpec(n *api.WorkflowNode) NodeSpec {
	if n.Type == "n8n-nodes-base.merge" && n.TypeVersion >= 2 {
		var p struct {
			Mode         string `json:"mode"`
			NumberInputs int    `json:"numberInputs"`
		}
		_ = json.Unmarshal(n.Parameters, &p)
		inputs := 2
		if p.NumberInputs > 0 && n.TypeVersion >= 3.1 {
			inputs = p.NumberInputs
		}
		spec := NodeSpec{Inputs: inputs, Outputs: 1, Required: InputRequirement{Count: 1}}
		if p.Mode == "chooseBranch" {
			spec.Required = InputRequirement{Indexes: []int{0, 1}}
		}
		return spec
	}
	return NodeSpec{}
}
