package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// NodeTypes is the node registry as workflow validation sees it.
type NodeTypes interface {
	// Lookup returns the spec of a node type at a version, or an error
	// saying why not: an *UnknownNodeTypeError, an *UnsupportedVersionError
	// listing the supported versions, or any other error (reported against
	// the node's type).
	Lookup(typ string, version float64) (NodeTypeInfo, error)
}

// NodeTypeInfo is what validation needs to know of a node type.
type NodeTypeInfo struct {
	// Outputs returns the number of main outputs given the node's
	// parameters (always a JSON object); nil means 1. It does not count the
	// error output that onError: continueErrorOutput adds.
	Outputs func(params json.RawMessage) int
	// Inputs is the number of main inputs. 0 means 1 for a node that is not
	// a trigger and none for a trigger; a negative value means any number
	// (for types whose inputs depend on parameters).
	Inputs int
	// Trigger marks node types that start executions.
	Trigger bool
}

// UnknownNodeTypeError is the error a NodeTypes returns for a type it does
// not know.
type UnknownNodeTypeError struct {
	// Type is the node type looked up.
	Type string
}

// Error implements error.
func (e *UnknownNodeTypeError) Error() string {
	return fmt.Sprintf("unknown node type %q", e.Type)
}

// UnsupportedVersionError is the error a NodeTypes returns for a known type
// at a version it does not implement.
type UnsupportedVersionError struct {
	// Type is the node type looked up.
	Type string
	// Version is the version asked for.
	Version float64
	// Supported lists the versions the registry has, in ascending order.
	Supported []float64
}

// Error implements error.
func (e *UnsupportedVersionError) Error() string {
	vs := make([]string, len(e.Supported))
	for i, v := range e.Supported {
		vs[i] = formatVersion(v)
	}
	return fmt.Sprintf("typeVersion %s is not supported by %s (supported: %s)",
		formatVersion(e.Version), e.Type, strings.Join(vs, ", "))
}

// formatVersion writes a type version as n8n shows it: 1, 2.2, 3.4.
func formatVersion(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// ValidationError is one problem Validate found. Message is the whole text,
// naming the node and the field.
type ValidationError struct {
	// Node is the name of the node concerned, or empty for workflow-level
	// problems and nodes without a name.
	Node string
	// Field is the field concerned: "name", "type", "typeVersion",
	// "parameters", "position", "onError", "credentials", "connections",
	// "pinData" or "settings.executionOrder".
	Field string
	// Message describes the problem.
	Message string
}

// Error implements error.
func (e *ValidationError) Error() string { return e.Message }

// ValidationWarning is something Validate found that does not stop the
// workflow from running but that the user should know, such as an execution
// order Weft replaces with v1.
type ValidationWarning struct {
	// Node is the name of the node concerned, or empty.
	Node string
	// Field is the field concerned.
	Field string
	// Message describes the issue.
	Message string
}

// Error implements error: the message after "warning: ".
func (w *ValidationWarning) Error() string { return "warning: " + w.Message }

// FatalErrors returns the entries of a Validate result that are not
// warnings: the workflow can run when it is empty.
func FatalErrors(errs []error) []error {
	var out []error
	for _, err := range errs {
		var w *ValidationWarning
		if !errors.As(err, &w) {
			out = append(out, err)
		}
	}
	return out
}

// Validate checks the workflow and returns every problem found, in a fixed
// order: settings, then nodes in document order, then connections by source
// node, then pinned data. Entries are *ValidationError, or *ValidationWarning
// for issues that do not prevent a run (see FatalErrors).
//
// Messages name the node and the field, such as `node "Set": unknown node
// type "n8n-nodes-base.sett"`; a node without a name is named by its index
// in Nodes, counted from 0 (as are the indices in `duplicate node name "Set"
// (nodes 2 and 5)`).
//
// With a nil reg the node types, versions and output and input counts are
// not checked; every structural check still is. Cycles are legal: n8n loops
// are built from them.
//
// Execution order: Weft runs n8n's v1 order only. "v0", and a missing
// executionOrder (which n8n reads as v0), give a warning and the workflow
// runs with v1; any other value is an error.
func (w *Workflow) Validate(reg NodeTypes) []error {
	v := &validator{w: w, reg: reg, byName: map[string]int{}, infos: map[int]NodeTypeInfo{}, uncounted: map[int]bool{}}
	v.settings()
	for i := range w.Nodes {
		v.node(i)
	}
	v.connections()
	v.pinData()
	return v.errs
}

// validator collects the problems of one workflow.
type validator struct {
	w      *Workflow
	reg    NodeTypes
	errs   []error
	byName map[string]int       // first node with each name
	infos  map[int]NodeTypeInfo // node index → its type, when the registry knows it
	// uncounted marks nodes whose outputs cannot be counted.
	uncounted map[int]bool
}

// add records a problem.
func (v *validator) add(node, field, format string, args ...any) {
	v.errs = append(v.errs, &ValidationError{Node: node, Field: field, Message: fmt.Sprintf(format, args...)})
}

// warn records a warning.
func (v *validator) warn(node, field, format string, args ...any) {
	v.errs = append(v.errs, &ValidationWarning{Node: node, Field: field, Message: fmt.Sprintf(format, args...)})
}

// settings checks the execution order.
func (v *validator) settings() {
	const f = "settings.executionOrder"
	switch eo := v.w.Settings.ExecutionOrder; eo {
	case ExecutionOrderV1:
	case ExecutionOrderV0:
		v.warn("", f, `settings.executionOrder "v0" (n8n's legacy order) is not supported; the workflow runs with "v1" order`)
	case "":
		v.warn("", f, `settings.executionOrder is not set (n8n would use its legacy "v0" order); the workflow runs with "v1" order`)
	default:
		v.add("", f, `settings.executionOrder %q is not supported (only "v1" is)`, eo)
	}
}

// label names a node in messages: by name, or by index when it has none.
func label(n *WorkflowNode, i int) string {
	if n.Name == "" {
		return fmt.Sprintf("node %d", i)
	}
	return fmt.Sprintf("node %q", n.Name)
}

// node checks one node's own fields.
func (v *validator) node(i int) {
	n := &v.w.Nodes[i]
	l := label(n, i)
	if n.Name == "" {
		v.add("", "name", "%s: field \"name\" is empty", l)
	} else if first, dup := v.byName[n.Name]; dup {
		v.add(n.Name, "name", "duplicate node name %q (nodes %d and %d)", n.Name, first, i)
	} else {
		v.byName[n.Name] = i
	}
	if n.Type == "" {
		v.add(n.Name, "type", "%s: field \"type\" is missing", l)
	}
	versionOK := false
	switch {
	case n.fields.present&nTypeVersion == 0 && n.TypeVersion == 0:
		v.add(n.Name, "typeVersion", "%s: field \"typeVersion\" is missing", l)
	case n.TypeVersion <= 0:
		v.add(n.Name, "typeVersion", "%s: typeVersion must be positive, got %s", l, formatVersion(n.TypeVersion))
	default:
		versionOK = true
	}
	paramsOK := true
	if len(n.Parameters) > 0 {
		if k := jsonKind(n.Parameters); k != "object" {
			v.add(n.Name, "parameters", "%s: field \"parameters\" must be an object, got %s", l, k)
			paramsOK = false
		}
	}
	if n.Position != nil && len(n.Position) != 2 {
		unit := "numbers"
		if len(n.Position) == 1 {
			unit = "number"
		}
		v.add(n.Name, "position", "%s: position must be [x, y], got %d %s", l, len(n.Position), unit)
	} else if n.Position == nil && n.fields.null&nPosition != 0 {
		v.add(n.Name, "position", "%s: position must be [x, y], got null", l)
	}
	switch n.OnError {
	case "", OnErrorStopWorkflow, OnErrorContinueRegularOutput, OnErrorContinueErrorOutput:
	default:
		v.add(n.Name, "onError", "%s: onError %q is not one of %s, %s, %s", l, n.OnError,
			OnErrorStopWorkflow, OnErrorContinueRegularOutput, OnErrorContinueErrorOutput)
	}
	if len(n.Credentials) > 0 {
		if k := jsonKind(n.Credentials); k != "object" && k != "null" {
			v.add(n.Name, "credentials", "%s: field \"credentials\" must be an object, got %s", l, k)
		}
	}
	if v.reg == nil || n.Type == "" || !versionOK {
		return
	}
	info, err := v.reg.Lookup(n.Type, n.TypeVersion)
	if err != nil {
		field := "type"
		var uv *UnsupportedVersionError
		if errors.As(err, &uv) {
			field = "typeVersion"
		}
		v.add(n.Name, field, "%s: %s", l, err.Error())
		return
	}
	if !paramsOK && info.Outputs != nil {
		// Outputs cannot be counted from parameters that are not an object.
		v.uncounted[i] = true
	}
	v.infos[i] = info
}

// outputCount returns the number of main outputs of node i, the error
// output included, and whether it is known.
func (v *validator) outputCount(i int) (int, bool) {
	info, ok := v.infos[i]
	if !ok || v.uncounted[i] {
		return 0, false
	}
	n := &v.w.Nodes[i]
	count := 1
	if info.Outputs != nil {
		params := n.Parameters
		if len(params) == 0 {
			params = json.RawMessage("{}")
		}
		count = info.Outputs(params)
	}
	if n.ErrorMode() == OnErrorContinueErrorOutput {
		count++
	}
	return count, true
}

// inputCount returns the number of main inputs of node i, or -1 when it is
// unknown or unbounded.
func (v *validator) inputCount(i int) int {
	info, ok := v.infos[i]
	if !ok || info.Inputs < 0 {
		return -1
	}
	if info.Inputs == 0 && !info.Trigger {
		return 1
	}
	return info.Inputs
}

// connections checks every connection's ends and indices.
func (v *validator) connections() {
	for _, src := range v.w.sourceOrder() {
		si, ok := v.byName[src]
		if !ok {
			v.add(src, "connections", "connection from unknown node %q", src)
			continue
		}
		nc := v.w.Connections[src]
		for _, typ := range sortedConnTypes(nc) {
			from := fmt.Sprintf("connection from %q", src)
			if typ != ConnectionMain {
				from = fmt.Sprintf("connection from %q (%s)", src, typ)
			}
			count, counted := v.outputCount(si)
			for out, targets := range nc[typ] {
				if typ == ConnectionMain && counted && out >= count && len(targets) > 0 {
					v.add(src, "connections", "%s output %d: %s has %s", from, out,
						v.w.Nodes[si].Type, outputsPhrase(count, v.w.Nodes[si].ErrorMode() == OnErrorContinueErrorOutput))
				}
				for _, t := range targets {
					v.target(src, from, typ, out, t)
				}
			}
		}
	}
}

// target checks one connection target.
func (v *validator) target(src, from, typ string, out int, t ConnectionTarget) {
	ti, ok := v.byName[t.Node]
	if !ok {
		v.add(src, "connections", "%s output %d to missing node %q", from, out, t.Node)
		return
	}
	if t.Index < 0 {
		v.add(src, "connections", "%s output %d to %q: input index %d is negative", from, out, t.Node, t.Index)
		return
	}
	if typ != ConnectionMain {
		return
	}
	if in := v.inputCount(ti); in >= 0 && t.Index >= in {
		has := fmt.Sprintf("has %d inputs", in)
		switch in {
		case 0:
			has = "has no inputs"
		case 1:
			has = "has 1 input"
		}
		v.add(src, "connections", "%s output %d to %q input %d: %s %s", from, out, t.Node, t.Index, v.w.Nodes[ti].Type, has)
	}
}

// sortedConnTypes returns the connection types of a node, main first.
func sortedConnTypes(nc NodeConnections) []string {
	keys := sortedKeys(nc)
	if i := slices.Index(keys, ConnectionMain); i > 0 {
		keys = slices.Insert(slices.Delete(keys, i, i+1), 0, ConnectionMain)
	}
	return keys
}

// outputsPhrase says how many outputs a node has.
func outputsPhrase(n int, withError bool) string {
	s := fmt.Sprintf("%d outputs", n)
	if n == 1 {
		s = "1 output"
	}
	if withError {
		s += " (including the error output)"
	}
	return s
}

// pinData checks that pinned data belongs to existing nodes and holds items.
func (v *validator) pinData() {
	for _, name := range sortedKeys(v.w.PinData) {
		if _, ok := v.byName[name]; !ok {
			v.add(name, "pinData", "pinData for missing node %q", name)
			continue
		}
		if _, _, err := v.w.PinData.Items(name); err != nil {
			v.add(name, "pinData", "%s", err.Error())
		}
	}
}
