// Package sdk is the Go kit for writing Weft nodes as WebAssembly modules.
//
// A node registers one handler and is built as a reactor module:
//
//	package main
//
//	import "github.com/weftrun/weft/nodes-wasm/sdk"
//
//	func init() {
//		sdk.Register(func(t *sdk.Task) (*sdk.Result, error) {
//			return &sdk.Result{Outputs: [][]sdk.Item{t.Input(0)}}, nil
//		})
//	}
//
//	func main() {}
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o node.wasm .
//
// The package provides the module's weft_v1 exports (weft_abi_version,
// weft_alloc, weft_run) and imports (log). It decodes the task and encodes
// the result with the reflection-free [json] package: item data is a
// [json.Value] that keeps key order and the exact text of numbers.
//
// A handler's error, or a panic inside it, becomes the result's error; the
// module does not trap. The host may reset the module's memory between tasks,
// so a handler must not keep state from one task to the next.
//
// Everything except the exports compiles on any platform, so handlers can be
// unit-tested with plain go test through [Execute].
package sdk

import (
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/weftrun/weft/nodes-wasm/sdk/json"
)

// ABIVersion is the weft_v1 node ABI version this SDK speaks.
const ABIVersion = 1

// Value is a JSON value; see package json.
type Value = json.Value

// Task is what a node is asked to do: its own definition with resolved
// parameters, one list of items per input, and the execution context.
type Task struct {
	ABI     int
	Node    Node
	Inputs  [][]Item
	Context json.Value // absent when the host sent none
}

// Node is the definition of the node being run.
type Node struct {
	Name        string
	Type        string
	TypeVersion float64
	Parameters  json.Value // absent when the host sent none
}

// Item is n8n's unit of data. JSON is the item's data (an object); Binary
// and PairedItem are absent (the zero json.Value) unless set.
type Item struct {
	JSON       json.Value
	Binary     json.Value
	PairedItem json.Value
}

// Result is a node's answer: one list of items per output, or an error.
type Result struct {
	Outputs [][]Item
	Error   *Error
}

// Error is an error a node reports about its work. A handler may return one
// (possibly wrapped) as its error to set the description of the result's
// error as well as its message, or set it in its Result.
type Error struct {
	Message     string
	Description string
}

func (e *Error) Error() string {
	if e == nil {
		return "<nil>"
	}
	return e.Message
}

// Handler runs one task.
type Handler func(t *Task) (*Result, error)

var handler Handler

// Register installs the node's handler; call it once, from an init function.
func Register(h Handler) {
	if handler != nil {
		panic("sdk: Register called twice")
	}
	if h == nil {
		panic("sdk: Register called with a nil handler")
	}
	handler = h
}

// Input returns the items of input i, or nil when there is no such input.
func (t *Task) Input(i int) []Item {
	if i < 0 || i >= len(t.Inputs) {
		return nil
	}
	return t.Inputs[i]
}

// Param returns the node parameter name, or the zero json.Value when it is
// not set.
func (t *Task) Param(name string) json.Value {
	return t.Node.Parameters.Get(name)
}

// Execute runs the registered handler on one task document and returns the
// result document. It is what the module's weft_run export does, and lets a
// node's tests run the node on the host.
func Execute(task []byte) []byte {
	return appendExecute(nil, task)
}

// appendExecute runs the registered handler on task and appends the result
// document to dst.
func appendExecute(dst []byte, task []byte) []byte {
	t, err := DecodeTask(task)
	if err != nil {
		return appendResult(dst, nil, err)
	}
	if handler == nil {
		return appendResult(dst, nil, errors.New("sdk: no handler registered (call sdk.Register from an init function)"))
	}
	res, err := call(handler, t)
	return appendResult(dst, res, err)
}

// call runs h and turns a panic into an error carrying the stack.
func call(h Handler, t *Task) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			stack := debug.Stack()
			if len(stack) > 4096 {
				stack = stack[:4096]
			}
			res, err = nil, &Error{Message: fmt.Sprintf("node panicked: %v", r), Description: string(stack)}
		}
	}()
	return h(t)
}

// DecodeTask parses a task document.
func DecodeTask(data []byte) (*Task, error) {
	doc, err := json.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("invalid task: %w", err)
	}
	if doc.Kind() != json.KindObject {
		return nil, fmt.Errorf("invalid task: document is %s, want an object", doc.Kind())
	}
	t := &Task{Context: doc.Get("context")}
	switch abi := doc.Get("abi"); {
	case !abi.Exists():
		return nil, errors.New("invalid task: missing abi version")
	case abi.Kind() != json.KindNumber || abi.Float() != ABIVersion:
		return nil, fmt.Errorf("unsupported task abi version %s (this node speaks %d)", abi.AppendJSON(nil), ABIVersion)
	}
	t.ABI = ABIVersion
	if node := doc.Get("node"); node.Exists() {
		if node.Kind() != json.KindObject {
			return nil, fmt.Errorf("invalid task: node is %s, want an object", node.Kind())
		}
		t.Node.Name = node.Get("name").String()
		t.Node.Type = node.Get("type").String()
		t.Node.TypeVersion = node.Get("typeVersion").Float()
		t.Node.Parameters = node.Get("parameters")
	}
	inputs := doc.Get("inputs")
	switch inputs.Kind() {
	case json.KindInvalid, json.KindNull:
		return t, nil
	case json.KindArray:
	default:
		return nil, fmt.Errorf("invalid task: inputs is %s, want an array", inputs.Kind())
	}
	t.Inputs = make([][]Item, inputs.Len())
	total := 0
	for _, in := range inputs.Elems() {
		total += in.Len()
	}
	items := make([]Item, total) // one allocation for all inputs
	for i, in := range inputs.Elems() {
		if in.Kind() != json.KindArray {
			return nil, fmt.Errorf("invalid task: inputs[%d] is %s, want an array of items", i, in.Kind())
		}
		list := items[:in.Len():in.Len()]
		items = items[in.Len():]
		for j, it := range in.Elems() {
			if it.Kind() != json.KindObject {
				return nil, fmt.Errorf("invalid task: inputs[%d][%d] is %s, want an item object", i, j, it.Kind())
			}
			for _, m := range it.Members() {
				switch m.Key {
				case "json":
					list[j].JSON = m.Value
				case "binary":
					list[j].Binary = m.Value
				case "pairedItem":
					list[j].PairedItem = m.Value
				}
			}
		}
		t.Inputs[i] = list
	}
	return t, nil
}

// AppendJSON appends the result document to dst. An item without JSON data
// is written with an empty object; absent Binary and PairedItem are left
// out.
func (r *Result) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"outputs":[`...)
	for i, out := range r.Outputs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '[')
		for j := range out {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = out[j].AppendJSON(dst)
		}
		dst = append(dst, ']')
	}
	dst = append(dst, ']')
	if r.Error != nil {
		dst = append(dst, `,"error":{"message":`...)
		dst = json.AppendString(dst, r.Error.Message)
		if r.Error.Description != "" {
			dst = append(dst, `,"description":`...)
			dst = json.AppendString(dst, r.Error.Description)
		}
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

// AppendJSON appends the item document to dst.
func (it *Item) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"json":`...)
	if it.JSON.Exists() {
		dst = it.JSON.AppendJSON(dst)
	} else {
		dst = append(dst, "{}"...)
	}
	if it.Binary.Exists() {
		dst = append(dst, `,"binary":`...)
		dst = it.Binary.AppendJSON(dst)
	}
	if it.PairedItem.Exists() {
		dst = append(dst, `,"pairedItem":`...)
		dst = it.PairedItem.AppendJSON(dst)
	}
	return append(dst, '}')
}

// appendResult writes res, or an error result for err when err is not nil.
func appendResult(dst []byte, res *Result, err error) []byte {
	if err != nil {
		e := &Error{Message: err.Error()}
		var nodeErr *Error
		if errors.As(err, &nodeErr) && nodeErr != nil {
			e.Description = nodeErr.Description
		}
		res = &Result{Error: e}
	}
	if res == nil {
		res = &Result{}
	}
	return res.AppendJSON(dst)
}
