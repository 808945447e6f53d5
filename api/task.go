// Package api is Weft's wire contract: the node task and result documents that
// cross the Wasm boundary, and the error codes shared by every component.
package api

import "encoding/json"

// ABIVersion is the version of the weft_v1 node ABI this build speaks. A
// reactor module reports its version from weft_abi_version; a task carries it
// in its "abi" field.
const ABIVersion = 1

// Task is the document a node receives: the node's own definition with its
// parameters already resolved, one item list per input, and execution context.
type Task struct {
	ABI     int             `json:"abi"`
	Node    Node            `json:"node"`
	Inputs  [][]Item        `json:"inputs"`
	Context json.RawMessage `json:"context,omitempty"`
}

// Node identifies the node a task runs and carries its resolved parameters.
type Node struct {
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	TypeVersion float64         `json:"typeVersion,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
}

// Item is n8n's unit of data: a JSON object, optional binary attachments and
// the lineage that ties it to the input item it came from.
type Item struct {
	JSON       json.RawMessage `json:"json"`
	Binary     json.RawMessage `json:"binary,omitempty"`
	PairedItem json.RawMessage `json:"pairedItem,omitempty"`
}

// Result is what a node returns: one item list per output, or an error.
type Result struct {
	Outputs [][]Item   `json:"outputs"`
	Error   *NodeError `json:"error,omitempty"`
	Logs    []LogEntry `json:"logs,omitempty"`
}

// NodeError is an error a node reports about its own work, as opposed to a
// limit or trap the runtime detects.
type NodeError struct {
	Message     string `json:"message"`
	Description string `json:"description,omitempty"`
}

// LogEntry is one line a node logged, through the log host function or its
// standard streams.
type LogEntry struct {
	Level   string `json:"level"`
	Message string `json:"message"`
}
