package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// This file holds n8n's workflow export document as Go types. The document is
// Weft's input format unchanged: ParseWorkflow reads an n8n export, and
// MarshalJSON writes back the same document, fields Weft does not model
// included (they are kept in the Extra maps).
//
// Presence is part of the document: a field that was absent stays absent, a
// field that was present with a zero value ("disabled": false, "notes": "")
// or with null is written back as it was. Slices and maps are present when
// non-nil; scalar fields remember their presence in unexported state, so a
// Workflow built in code writes only the fields it sets to non-zero values.

// Error handling modes of a node (its "onError" field), as n8n names them.
const (
	OnErrorStopWorkflow          = "stopWorkflow"
	OnErrorContinueRegularOutput = "continueRegularOutput"
	OnErrorContinueErrorOutput   = "continueErrorOutput"
)

// ConnectionMain is the connection type that carries items between nodes.
// n8n's AI nodes use further types (ai_tool, ai_languageModel, …).
const ConnectionMain = "main"

// ExecutionOrderV1 is the only execution order Weft implements: n8n's "v1".
const ExecutionOrderV1 = "v1"

// ExecutionOrderV0 is n8n's legacy execution order, used by workflows created
// before n8n 1.0 and by n8n itself when settings.executionOrder is absent.
const ExecutionOrderV0 = "v0"

// Workflow is an n8n workflow export: the JSON the n8n editor downloads, the
// CLI exports and the public API returns.
type Workflow struct {
	// ID is the workflow's id. n8n ids are strings; exports from n8n before
	// 1.0 have numeric ids, which are kept here as their decimal text and
	// written back as numbers.
	ID string
	// Name is the workflow's name ($workflow.name in expressions).
	Name string
	// Active tells whether the workflow's triggers are enabled.
	Active bool
	// Nodes are the workflow's nodes in document order.
	Nodes []WorkflowNode
	// Connections are the edges of the graph, keyed by source node name.
	Connections Connections
	// Settings are the workflow's settings.
	Settings Settings
	// PinData holds the items pinned on nodes, keyed by node name.
	PinData PinData
	// StaticData is the workflow's static data ($getWorkflowStaticData),
	// kept as raw JSON.
	StaticData json.RawMessage
	// Meta is n8n's metadata object (instanceId, templateId, …), kept as raw
	// JSON.
	Meta json.RawMessage
	// Tags are the workflow's tags.
	Tags []Tag
	// VersionID is the id of this version of the workflow.
	VersionID string
	// Extra holds the top-level fields Weft does not model (createdAt,
	// updatedAt, isArchived, shared, …), each as raw JSON. Keys that name a
	// modeled field are ignored when writing.
	Extra map[string]json.RawMessage

	fields fieldState
}

// WorkflowNode is one node of a workflow, as n8n stores it. (Node, in
// task.go, is the different document a node receives when it runs.)
type WorkflowNode struct {
	// ID is the node's id, a UUID in current n8n versions.
	ID string
	// Name is the node's name, unique within the workflow. Connections,
	// pinned data and expressions such as $('Name') refer to nodes by name.
	Name string
	// Type is the node type, such as "n8n-nodes-base.set".
	Type string
	// TypeVersion is the version of the node type: 1, 2.2, 3.4, …
	TypeVersion float64
	// Parameters are the node's parameters as raw JSON, kept byte for byte
	// so that key order survives. A node without the field has none.
	Parameters json.RawMessage
	// Position is the node's place on the canvas, [x, y]. n8n's v1 execution
	// order sorts sibling branches by it (top, then left).
	Position []float64
	// Disabled nodes pass their first input through to output 0.
	Disabled bool
	// Notes is the node's note text.
	Notes string
	// NotesInFlow tells the editor to show the note on the canvas.
	NotesInFlow bool
	// OnError is the error handling mode: one of the OnError constants, or
	// empty for n8n's default (stopWorkflow). See ErrorMode.
	OnError string
	// ContinueOnFail is the setting that onError replaced; true means
	// continueRegularOutput when OnError is empty.
	ContinueOnFail bool
	// RetryOnFail makes n8n retry a failing node. See RetryPolicy.
	RetryOnFail bool
	// MaxTries is the number of tries when RetryOnFail is set.
	MaxTries int
	// WaitBetweenTries is the pause between tries, in milliseconds.
	WaitBetweenTries int
	// AlwaysOutputData makes a node that outputs nothing output one empty
	// item instead.
	AlwaysOutputData bool
	// ExecuteOnce makes the node run on its first input item only.
	ExecuteOnce bool
	// Credentials maps a credential type to the credential used, as raw
	// JSON ({"slackApi": {"id": "1", "name": "Slack"}}).
	Credentials json.RawMessage
	// WebhookID is the id of the node's webhook path, for webhook and other
	// trigger nodes.
	WebhookID string
	// Extra holds the node fields Weft does not model, each as raw JSON.
	// Keys that name a modeled field are ignored when writing.
	Extra map[string]json.RawMessage

	fields fieldState
}

// Settings are a workflow's settings. n8n also stores saveManualExecutions
// and saveExecutionProgress, which may be booleans or the string "DEFAULT";
// they, and any other setting, stay in Extra.
type Settings struct {
	// ExecutionOrder is the execution order: "v1" (the only one Weft runs) or
	// n8n's legacy "v0". n8n uses v0 when it is absent.
	ExecutionOrder string
	// Timezone is the workflow's timezone, such as "Europe/Berlin".
	Timezone string
	// ErrorWorkflow is the id of the workflow to run when this one fails.
	ErrorWorkflow string
	// SaveDataErrorExecution is "all" or "none".
	SaveDataErrorExecution string
	// SaveDataSuccessExecution is "all" or "none".
	SaveDataSuccessExecution string
	// CallerPolicy says which workflows may call this one as a sub-workflow.
	CallerPolicy string
	// CallerIDs is the comma-separated list of workflow ids allowed to call
	// this one when CallerPolicy is "workflowsFromAList".
	CallerIDs string
	// ExecutionTimeout is the timeout in seconds; n8n writes -1 for none.
	ExecutionTimeout int
	// Extra holds the settings Weft does not model, each as raw JSON. Keys
	// that name a modeled field are ignored when writing.
	Extra map[string]json.RawMessage

	fields fieldState
}

// Tag is one of a workflow's tags. n8n exports tags as objects with an id
// and a name; a tag given as a bare string is read as its name and written
// back as a string.
type Tag struct {
	// ID is the tag's id; numeric ids are kept as decimal text.
	ID string
	// Name is the tag's name.
	Name string
	// Extra holds the tag fields Weft does not model (createdAt, updatedAt,
	// …), each as raw JSON.
	Extra map[string]json.RawMessage

	fields fieldState
}

// Connections are a workflow's edges: source node name → connection type →
// output index → targets. In n8n's JSON:
//
//	{"If": {"main": [[{"node": "A", "type": "main", "index": 0}], [...]]}}
//
// An output with no targets is [] or null; both are kept as they were (nil
// for null).
type Connections map[string]NodeConnections

// NodeConnections are the outgoing connections of one node, keyed by
// connection type ("main", "ai_tool", …); each holds one target list per
// output index.
type NodeConnections map[string][][]ConnectionTarget

// ConnectionTarget is the far end of a connection: the node it enters, the
// connection type and the input index.
type ConnectionTarget struct {
	// Node is the name of the node the connection enters.
	Node string
	// Type is the connection type, normally equal to the type the connection
	// is listed under.
	Type string
	// Index is the input index of Node the connection enters.
	Index int
	// Extra holds fields Weft does not model, each as raw JSON.
	Extra map[string]json.RawMessage

	fields fieldState
}

// PinData holds pinned output items, keyed by node name, each value the raw
// JSON list of items. n8n stores items as {"json": {...}} but older exports
// and hand-written files hold bare objects; both are accepted and kept as
// written. Items reads them in either shape.
type PinData map[string]json.RawMessage

// ParseWorkflow parses an n8n workflow export. Errors name the place: invalid
// JSON reports its offset, and a field of the wrong JSON type reports the
// node and the field (`node 3 ("Set"): typeVersion must be a number, got
// string`; node indices count from 0, as in the nodes array). ParseWorkflow
// checks the document's types only; Validate checks its meaning. A leading
// UTF-8 byte order mark, which some editors add, is skipped.
func ParseWorkflow(data []byte) (*Workflow, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	var probe json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := lineCol(data, se.Offset)
			return nil, fmt.Errorf("workflow: invalid JSON at offset %d (line %d, column %d): %w", se.Offset, line, col, err)
		}
		return nil, fmt.Errorf("workflow: invalid JSON: %w", err)
	}
	if k := jsonKind(probe); k != "object" {
		return nil, fmt.Errorf("workflow: the document must be a JSON object, got %s", k)
	}
	w := new(Workflow)
	if err := w.decode(probe); err != nil {
		return nil, err
	}
	return w, nil
}

// utf8BOM is the UTF-8 encoding of U+FEFF, the byte order mark.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// ErrorMode returns the node's effective error handling mode, as n8n decides
// it: OnError when set, else continueRegularOutput for the legacy
// continueOnFail, else stopWorkflow.
func (n *WorkflowNode) ErrorMode() string {
	switch {
	case n.OnError != "":
		return n.OnError
	case n.ContinueOnFail:
		return OnErrorContinueRegularOutput
	default:
		return OnErrorStopWorkflow
	}
}

// RetryPolicy returns how many times n8n tries the node and how long it
// waits between tries. Without RetryOnFail that is one try; with it, n8n
// clamps MaxTries to 2…5 (0 meaning 3) and WaitBetweenTries to 0…5000 ms
// (0 meaning 1000).
func (n *WorkflowNode) RetryPolicy() (tries int, wait time.Duration) {
	if !n.RetryOnFail {
		return 1, 0
	}
	tries = n.MaxTries
	if tries == 0 {
		tries = 3
	}
	tries = min(5, max(2, tries))
	ms := n.WaitBetweenTries
	if ms == 0 {
		ms = 1000
	}
	ms = min(5000, max(0, ms))
	return tries, time.Duration(ms) * time.Millisecond
}

// XY returns the node's canvas position, or 0, 0 when it has none.
func (n *WorkflowNode) XY() (x, y float64) {
	if len(n.Position) < 2 {
		return 0, 0
	}
	return n.Position[0], n.Position[1]
}

// Items returns the items pinned on a node, in n8n's item shape, and whether
// the node has pinned data at all (an empty list is pinned data too).
//
// An entry that is an object with a "json" key is taken as a full item
// ({json, binary?, pairedItem?}); any other object is taken as the item's
// json, as n8n does when it upgrades old pinned data. An object whose data
// has a field named "json" is therefore read as a full item, in n8n as here.
func (p PinData) Items(node string) ([]Item, bool, error) {
	raw, ok := p[node]
	if !ok {
		return nil, false, nil
	}
	entries, err := pinEntries(node, raw)
	if err != nil {
		return nil, true, err
	}
	items := make([]Item, 0, len(entries))
	for i, e := range entries {
		it, err := pinItem(node, i, e)
		if err != nil {
			return nil, true, err
		}
		items = append(items, it)
	}
	return items, true, nil
}

// pinEntries splits a node's pinned data into its list entries.
func pinEntries(node string, raw json.RawMessage) ([]json.RawMessage, error) {
	if k := jsonKind(raw); k != "array" {
		return nil, fmt.Errorf("pinData for %q must be an array of items, got %s", node, k)
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, fmt.Errorf("pinData for %q: %w", node, err)
	}
	return entries, nil
}

// pinItem reads one pinned entry in either of its shapes.
func pinItem(node string, i int, raw json.RawMessage) (Item, error) {
	if k := jsonKind(raw); k != "object" {
		return Item{}, fmt.Errorf("pinData for %q item %d must be an object, got %s", node, i, k)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return Item{}, fmt.Errorf("pinData for %q item %d: %w", node, i, err)
	}
	js, wrapped := m["json"]
	if !wrapped {
		return Item{JSON: raw}, nil
	}
	if k := jsonKind(js); k != "object" {
		return Item{}, fmt.Errorf("pinData for %q item %d: field \"json\" must be an object, got %s", node, i, k)
	}
	return Item{JSON: js, Binary: m["binary"], PairedItem: m["pairedItem"]}, nil
}
