// Package api is Weft's wire contract: the node task and result documents that
// cross the Wasm boundary, and the error codes shared by every component.
package api

import (
	"bytes"
	"encoding/json"
	"slices"
)

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

// WriteItems writes items as encoding/json writes them (the same document
// once decoded; raw values go out as they are): null for a nil list.
func WriteItems(buf *bytes.Buffer, items []Item) {
	if items == nil {
		buf.WriteString("null")
		return
	}
	buf.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`{"json":`)
		if len(it.JSON) == 0 {
			buf.WriteString("null")
		} else {
			buf.Write(it.JSON)
		}
		if len(it.Binary) > 0 {
			buf.WriteString(`,"binary":`)
			buf.Write(it.Binary)
		}
		if len(it.PairedItem) > 0 {
			buf.WriteString(`,"pairedItem":`)
			buf.Write(it.PairedItem)
		}
		buf.WriteByte('}')
	}
	buf.WriteByte(']')
}

// ItemListsSize is about what WriteItemLists writes for lists, so that a
// buffer can be sized once.
func ItemListsSize(lists [][]Item) int {
	n := 2
	for _, list := range lists {
		n += ItemsSize(list) + 1
	}
	return n
}

// ItemsSize is about what WriteItems writes for items.
func ItemsSize(items []Item) int {
	n := 2
	for _, it := range items {
		n += len(it.JSON) + len(it.Binary) + len(it.PairedItem) + 40
	}
	return n
}

// WriteItemLists writes one item list per input or output: null for nil.
func WriteItemLists(buf *bytes.Buffer, lists [][]Item) {
	if lists == nil {
		buf.WriteString("null")
		return
	}
	buf.WriteByte('[')
	for i, list := range lists {
		if i > 0 {
			buf.WriteByte(',')
		}
		WriteItems(buf, list)
	}
	buf.WriteByte(']')
}

// WriteObject writes m as a JSON object, keys in order as encoding/json
// writes them, each value by write: {} for an empty map, null for nil.
func WriteObject[V any](buf *bytes.Buffer, m map[string]V, write func(*bytes.Buffer, V)) {
	if m == nil {
		buf.WriteString("null")
		return
	}
	// Up to eight keys are sorted without an allocation: run data's node
	// names and output types are written for every execution.
	var small [8]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		WriteJSONString(buf, k)
		buf.WriteByte(':')
		write(buf, m[k])
	}
	buf.WriteByte('}')
}

// WriteRawField writes ,"name":raw unless raw is empty (a field with
// omitempty, after others); raw goes out as it is.
func WriteRawField(buf *bytes.Buffer, name string, raw json.RawMessage) {
	if len(raw) == 0 {
		return
	}
	buf.WriteString(`,"`)
	buf.WriteString(name)
	buf.WriteString(`":`)
	buf.Write(raw)
}
