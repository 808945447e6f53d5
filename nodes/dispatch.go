package nodes

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	goruntime "runtime"
	"strconv"
	"sync"
	"time"
	"weak"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/runtime"
)

// taskDoc is the task document of a node run (nodes-wasm/core/README.md).
type taskDoc struct {
	ABI int `json:"abi"`
	// Refs lets the module return input items it passed on unchanged as
	// references (resolveOutputs).
	Refs   bool         `json:"refs"`
	Node   nodeDoc      `json:"node"`
	Inputs [][]api.Item `json:"inputs"`
	// ConnectionInput is $input when it is not Inputs[0] (the items the
	// connection brought to a node whose input 0 is another's).
	ConnectionInput []api.Item `json:"connectionInput,omitempty"`
	// Context is the taskContext document. The module keeps it as its
	// JSON text and parses it only when the node needs it.
	Context json.RawMessage `json:"context"`
}

// appendJSON appends the document as encoding/json would write it, but
// for raw parts copied as they are (they come from decoded JSON) and <, >
// and & left unescaped: every task is encoded so.
func (d *taskDoc) appendJSON(b []byte) []byte {
	buf := bytes.NewBuffer(b)
	buf.WriteString(`{"abi":`)
	buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(d.ABI), 10))
	buf.WriteString(`,"refs":`)
	buf.WriteString(strconv.FormatBool(d.Refs))
	buf.WriteString(`,"node":{"name":`)
	api.WriteJSONString(buf, d.Node.Name)
	buf.WriteString(`,"type":`)
	api.WriteJSONString(buf, d.Node.Type)
	buf.WriteString(`,"typeVersion":`)
	buf.Write(strconv.AppendFloat(buf.AvailableBuffer(), d.Node.TypeVersion, 'f', -1, 64))
	if d.Node.Prepared != "" {
		buf.WriteString(`,"prepared":"`)
		buf.WriteString(d.Node.Prepared)
		buf.WriteByte('"')
	} else if len(d.Node.Parameters) > 0 {
		buf.WriteString(`,"parameters":`)
		buf.Write(d.Node.Parameters)
	}
	buf.WriteString(`},"inputs":`)
	api.WriteItemLists(buf, d.Inputs)
	if len(d.ConnectionInput) > 0 {
		buf.WriteString(`,"connectionInput":`)
		api.WriteItems(buf, d.ConnectionInput)
	}
	buf.WriteString(`,"context":`)
	if len(d.Context) == 0 {
		buf.WriteString("null")
	} else {
		buf.Write(d.Context)
	}
	buf.WriteByte('}')
	return buf.Bytes()
}

// appendJSON appends the context as encoding/json writes it (the same
// document once decoded): a node task encodes one, reflection cost more
// than the rest of the document. Run data, rare and nested, still goes
// through encoding/json.
func (c *taskContext) appendJSON(b []byte) ([]byte, error) {
	buf := bytes.NewBuffer(b)
	buf.WriteString(`{"workflow":{"id":`)
	api.WriteJSONString(buf, c.Workflow.ID)
	buf.WriteString(`,"name":`)
	api.WriteJSONString(buf, c.Workflow.Name)
	buf.WriteString(`,"active":`)
	buf.WriteString(strconv.FormatBool(c.Workflow.Active))
	buf.WriteString(`,"timezone":`)
	api.WriteJSONString(buf, c.Workflow.Timezone)
	api.WriteRawField(buf, "nodes", c.Workflow.Nodes)
	api.WriteRawField(buf, "connections", c.Workflow.Connections)
	buf.WriteString(`},"execution":{"id":`)
	api.WriteJSONString(buf, c.Execution.ID)
	buf.WriteString(`,"mode":`)
	api.WriteJSONString(buf, c.Execution.Mode)
	if c.Execution.WebhookWaitingBaseURL != "" {
		buf.WriteString(`,"webhookWaitingBaseUrl":`)
		api.WriteJSONString(buf, c.Execution.WebhookWaitingBaseURL)
	}
	buf.WriteString(`},"runIndex":`)
	buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(c.RunIndex), 10))
	if c.OnError != "" {
		buf.WriteString(`,"onError":`)
		api.WriteJSONString(buf, c.OnError)
	}
	buf.WriteString(`,"source":`)
	engine.WriteSourceRefs(buf, c.Source)
	if len(c.RunData) > 0 {
		rd, err := json.Marshal(c.RunData)
		if err != nil {
			return nil, err
		}
		api.WriteRawField(buf, "runData", rd)
	}
	api.WriteRawField(buf, "nodeState", c.NodeState)
	api.WriteRawField(buf, "staticData", c.StaticData)
	buf.WriteString(`,"vars":`)
	api.WriteObject(buf, c.Vars, api.WriteJSONString)
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

type nodeDoc struct {
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	TypeVersion float64         `json:"typeVersion"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
	// Prepared names the parameters the module's snapshot keeps for the
	// node (prepare.go), in place of Parameters.
	Prepared string `json:"prepared,omitempty"`
}

type taskContext struct {
	Workflow   workflowDoc         `json:"workflow"`
	Execution  executionDoc        `json:"execution"`
	RunIndex   int                 `json:"runIndex"`
	OnError    string              `json:"onError,omitempty"`
	Source     []*engine.SourceRef `json:"source"`
	RunData    map[string][]runDoc `json:"runData,omitempty"`
	NodeState  json.RawMessage     `json:"nodeState,omitempty"`
	StaticData json.RawMessage     `json:"staticData,omitempty"`
	Vars       map[string]string   `json:"vars"`
}

// size is about what appendJSON writes, but for run data and variables.
func (c *taskContext) size() int {
	w := &c.Workflow
	return 256 + len(w.ID) + len(w.Name) + len(w.Timezone) + len(w.Nodes) + len(w.Connections) +
		len(c.Execution.ID) + len(c.Execution.Mode) + len(c.Execution.WebhookWaitingBaseURL) + len(c.OnError) + 96*len(c.Source) + len(c.NodeState) + len(c.StaticData)
}

type workflowDoc struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Active   bool   `json:"active"`
	Timezone string `json:"timezone"`
	// Nodes and Connections come with run data: $('X') tells a node that
	// has not run from one that does not exist, and follows the branch
	// that leads to the running node.
	Nodes       json.RawMessage `json:"nodes,omitempty"`
	Connections json.RawMessage `json:"connections,omitempty"`
}

type graphDoc struct{ nodes, connections json.RawMessage }

// graphs caches the nodes and connections documents per workflow (a
// workflow does not change while it runs). Entries go when the workflow is
// collected.
var graphs sync.Map // weak.Pointer[api.Workflow] -> graphDoc

func workflowGraph(wf *api.Workflow) (graphDoc, error) {
	key := weak.Make(wf)
	if g, ok := graphs.Load(key); ok {
		return g.(graphDoc), nil
	}
	type nodeDoc struct {
		Name        string          `json:"name"`
		Type        string          `json:"type"`
		TypeVersion float64         `json:"typeVersion"`
		Parameters  json.RawMessage `json:"parameters,omitempty"`
	}
	ns := make([]nodeDoc, len(wf.Nodes))
	for i, n := range wf.Nodes {
		ns[i] = nodeDoc{Name: n.Name, Type: n.Type, TypeVersion: n.TypeVersion, Parameters: n.Parameters}
	}
	nodes, err := json.Marshal(ns)
	if err != nil {
		return graphDoc{}, err
	}
	conns, err := json.Marshal(wf.Connections)
	if err != nil {
		return graphDoc{}, err
	}
	g := graphDoc{nodes: nodes, connections: conns}
	if _, loaded := graphs.LoadOrStore(key, g); !loaded {
		goruntime.AddCleanup(wf, func(k weak.Pointer[api.Workflow]) { graphs.Delete(k) }, key)
	}
	return g, nil
}

type executionDoc struct {
	ID   string `json:"id"`
	Mode string `json:"mode"`
	// WebhookWaitingBaseURL is what $execution.resumeUrl is built on.
	WebhookWaitingBaseURL string `json:"webhookWaitingBaseUrl,omitempty"`
}

type runDoc struct {
	Outputs [][]api.Item        `json:"outputs"`
	Source  []*engine.SourceRef `json:"source"`
}

// resultDoc is the core module's result of a node run.
type resultDoc struct {
	// Outputs holds items, or references to input items: i for input 0's
	// item i, [k, i] for input k's.
	Outputs    [][]json.RawMessage `json:"outputs"`
	Error      *api.NodeError      `json:"error"`
	Logs       []api.LogEntry      `json:"logs"`
	NodeState  json.RawMessage     `json:"nodeState"`
	StaticData json.RawMessage     `json:"staticData"`
	Wait       *struct {
		// MS is null for a wait without a time limit (webhook).
		MS      *float64 `json:"ms"`
		Webhook *struct {
			Method string `json:"method"`
		} `json:"webhook"`
	} `json:"wait"`
	ExecuteWorkflow *executeRequest `json:"executeWorkflow"`
	// Response is the HTTP answer a Respond to Webhook node asks for (the
	// document control-plane/webhook.FromNode reads).
	Response json.RawMessage `json:"response"`
	// Compiled is code the module compiled during this run, to bring back
	// in the node's next runs.
	Compiled map[string]json.RawMessage `json:"compiled"`
}

// executeRequest is the Execute Workflow node's request: run a workflow
// (a document, or {"path": FILE}) once with all items, or once per item
// (mode "each", with Workflows[i] for item i when the workflow differs per
// item); without waitForSubWorkflow the node outputs its input items.
type executeRequest struct {
	Workflow           json.RawMessage   `json:"workflow"`
	Workflows          []json.RawMessage `json:"workflows"`
	Items              []api.Item        `json:"items"`
	Mode               string            `json:"mode"`
	WaitForSubWorkflow *bool             `json:"waitForSubWorkflow"`
}

var noItems = []api.Item{}

// MentionsOtherNodes reports whether a node's parameters can reach other
// nodes' data ($('X'), $node, $items), so the task must carry run data.
func MentionsOtherNodes(n *api.WorkflowNode) bool {
	p := n.Parameters
	return n.Type == "n8n-nodes-base.code" || bytes.Contains(p, []byte("$(")) ||
		bytes.Contains(p, []byte("$node")) || bytes.Contains(p, []byte("$items"))
}

// unpreparedResult starts the module's answer to a task naming parameters
// its snapshot does not keep (core/js/src/main.js).
var unpreparedResult = []byte(`{"outputs":null,"unprepared":true,`)

// runTask encodes the task, naming the node's parameters by their prepared
// key when given one, and runs it on the module.
func (c *Core) runTask(ctx context.Context, doc *taskDoc, node string, key [32]byte, prepared string) (*runtime.Outcome, error) {
	doc.Node.Prepared = prepared
	// The code compiled in earlier runs of the node follows the document,
	// after a NUL byte (see compileCache).
	trailer := c.compiled.get(key)
	size := 512 + len(doc.Node.Name) + len(doc.Node.Type) + len(prepared) + len(doc.Node.Parameters) +
		api.ItemListsSize(doc.Inputs) + api.ItemsSize(doc.ConnectionInput) + len(doc.Context) + 1 + len(trailer)
	bp := taskBuffers.Get().(*[]byte)
	buf := (*bp)[:0]
	if cap(buf) < size {
		buf = make([]byte, 0, size)
	}
	task := doc.appendJSON(buf)
	if len(trailer) > 0 {
		task = append(append(task, 0), trailer...)
	}
	if c.record != nil {
		c.record(node, task)
		return c.mod.Run(ctx, task, c.limits)
	}
	// The module copies the task into the guest's memory: the buffer is
	// free again once Run returns.
	out, err := c.mod.Run(ctx, task, c.limits)
	if cap(task) <= maxPooledTask {
		*bp = task[:0]
		taskBuffers.Put(bp)
	}
	return out, err
}

// taskBuffers keeps the buffers task documents are written in, up to
// maxPooledTask bytes: a webhook Set task's is about 2 KB, and every task
// needs one.
var taskBuffers = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledTask = 256 << 10

// Run implements engine.Dispatcher: one node run is one call of the core
// module. Limits the node hits and traps in its code are the node's errors
// (onError applies); only a module that cannot run is an error here.
func (c *Core) Run(ctx context.Context, t *engine.NodeTask) (*engine.NodeResult, error) {
	doc := taskDoc{
		ABI:    api.ABIVersion,
		Refs:   true,
		Node:   nodeDoc{Name: t.Node.Name, Type: t.Node.Type, TypeVersion: t.Node.TypeVersion, Parameters: t.Node.Parameters},
		Inputs: make([][]api.Item, len(t.Inputs)),
	}
	tc := taskContext{
		Workflow:  workflowDoc{ID: t.Workflow.ID, Name: t.Workflow.Name, Active: t.Workflow.Active, Timezone: timezone(t.Workflow)},
		Execution: executionDoc{ID: t.ExecutionID, Mode: cmp.Or(t.Mode, "manual"), WebhookWaitingBaseURL: t.PublicURL},
		RunIndex:  t.RunIndex,
		OnError:   t.Node.ErrorMode(),
		Source:    t.Source,
		NodeState: t.NodeState,
		Vars:      map[string]string{},
	}
	if t.Node.Type == "n8n-nodes-base.code" {
		tc.StaticData = t.StaticData
	}
	for i, in := range t.Inputs {
		if in == nil {
			in = noItems
		}
		doc.Inputs[i] = in
	}
	if len(t.Inputs) == 0 || !sameList(t.Inputs[0], t.ConnectionInput) {
		doc.ConnectionInput = t.ConnectionInput
	}
	if MentionsOtherNodes(t.Node) {
		g, err := workflowGraph(t.Workflow)
		if err != nil {
			return nil, fmt.Errorf("encoding the task: %w", err)
		}
		tc.Workflow.Nodes, tc.Workflow.Connections = g.nodes, g.connections
		tc.RunData = map[string][]runDoc{}
		for _, name := range t.RunData.Nodes() {
			runs := t.RunData.Runs(name)
			rd := make([]runDoc, len(runs))
			for i := range runs {
				rd[i] = runDoc{Outputs: runs[i].Outputs(), Source: runs[i].Source}
				if rd[i].Outputs == nil {
					rd[i].Outputs = [][]api.Item{}
				}
			}
			tc.RunData[name] = rd
		}
	}
	ctxJSON, err := tc.appendJSON(make([]byte, 0, tc.size()))
	if err != nil {
		return nil, fmt.Errorf("encoding the task: %w", err)
	}
	doc.Context = ctxJSON
	key := compileKey(t.Workflow, t.Node)
	prepared := c.preparedKey(key)
	out, err := c.runTask(ctx, &doc, t.Node.Name, key, prepared)
	if err == nil && prepared != "" && bytes.HasPrefix(out.Result, unpreparedResult) {
		// the snapshot does not keep the parameters after all: the
		// module answered so before running the node
		c.unprepared(key)
		doc.Node.Parameters = t.Node.Parameters
		out, err = c.runTask(ctx, &doc, t.Node.Name, key, "")
	}
	if err != nil {
		var le *runtime.LimitError
		var te *runtime.TrapError
		if errors.As(err, &le) || errors.As(err, &te) {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return &engine.NodeResult{Error: &api.NodeError{Message: err.Error()}, Logs: out.Logs}, nil
		}
		return nil, err
	}
	var res resultDoc
	if err := decodeResult(out.Result, &res); err != nil {
		return nil, fmt.Errorf("core module returned a bad result: %w", err)
	}
	if len(res.Compiled) > 0 {
		c.compiled.add(key, res.Compiled)
	}
	c.notePrepare(key, t.Node)
	nr := &engine.NodeResult{Error: res.Error, NodeState: res.NodeState, Logs: append(out.Logs, res.Logs...)}
	if len(res.StaticData) > 0 && string(res.StaticData) != "null" {
		nr.StaticData = res.StaticData
	}
	if len(res.Response) > 0 && string(res.Response) != "null" {
		nr.Response = res.Response
	}
	if res.Error != nil {
		return nr, nil
	}
	if nr.Outputs, err = resolveOutputs(res.Outputs, t.Inputs); err != nil {
		return nil, fmt.Errorf("core module returned a bad result: %w", err)
	}
	if w := res.Wait; w != nil {
		var d time.Duration
		if w.MS != nil {
			d = time.Duration(*w.MS * float64(time.Millisecond))
		}
		switch {
		case c.handOff && (w.Webhook != nil || d > 0):
			ew := &engine.Wait{}
			if w.MS != nil {
				ew.Until = time.Now().Add(d).UnixMilli()
			}
			if w.Webhook != nil {
				ew.Webhook, ew.Method = true, w.Webhook.Method
			}
			nr.Wait = ew
		case w.Webhook != nil:
			return &engine.NodeResult{Error: &api.NodeError{Message: "Resuming on a webhook call needs a Weft server",
				Description: "weft run executes in this process only; run the workflow on `weft server` to resume it through /webhook-waiting/."}, Logs: nr.Logs}, nil
		case d > 0:
			if err := c.sleep(ctx, d); err != nil {
				return nil, err
			}
		}
	}
	if ew := res.ExecuteWorkflow; ew != nil {
		if c.handOff {
			// Sub-workflows run as executions of their own, which the
			// control plane starts and follows.
			sr, nerr := c.subRun(ew, t.Workflow)
			if nerr != nil {
				return &engine.NodeResult{Error: nerr, Logs: nr.Logs}, nil
			}
			items := ew.Items
			if items == nil {
				items = noItems
			}
			nr.Outputs, nr.SubRun = [][]api.Item{items}, sr
			return nr, nil
		}
		items, nerr, err := c.runSubWorkflows(ctx, t, ew)
		if err != nil {
			return nil, err
		}
		if nerr != nil {
			return &engine.NodeResult{Error: nerr, Logs: nr.Logs}, nil
		}
		nr.Outputs = [][]api.Item{items}
	}
	return nr, nil
}

// resolveOutputs turns the result's outputs into items, replacing
// references by the input items they name.
func resolveOutputs(raw [][]json.RawMessage, inputs [][]api.Item) ([][]api.Item, error) {
	if raw == nil {
		return nil, nil
	}
	outs := make([][]api.Item, len(raw))
	for k, list := range raw {
		if list == nil {
			continue
		}
		out := make([]api.Item, len(list))
		for i, r := range list {
			r = bytes.TrimSpace(r)
			if len(r) == 0 {
				return nil, fmt.Errorf("output %d item %d is empty", k, i)
			}
			switch c := r[0]; {
			case c == '{':
				if err := decodeItem(r, &out[i]); err != nil {
					return nil, fmt.Errorf("output %d item %d: %w", k, i, err)
				}
			case c == '[' || (c >= '0' && c <= '9'):
				in, idx := 0, 0
				var err error
				if c == '[' {
					var pair []int
					err = json.Unmarshal(r, &pair)
					if err == nil && len(pair) != 2 {
						err = errors.New("not a pair")
					}
					if err == nil {
						in, idx = pair[0], pair[1]
					}
				} else {
					// an input item passed on: every item of a routing node
					idx, err = strconv.Atoi(string(r))
				}
				if err != nil || in < 0 || in >= len(inputs) || idx < 0 || idx >= len(inputs[in]) {
					return nil, fmt.Errorf("output %d item %d: bad input reference %s", k, i, r)
				}
				out[i] = inputs[in][idx]
			default:
				return nil, fmt.Errorf("output %d item %d is not an item: %.40s", k, i, r)
			}
		}
		outs[k] = out
	}
	return outs, nil
}

func timezone(wf *api.Workflow) string {
	if wf.Settings.Timezone != "" && wf.Settings.Timezone != "DEFAULT" {
		return wf.Settings.Timezone
	}
	return "UTC"
}

// sameList reports whether a and b are the same slice (not merely equal).
func sameList(a, b []api.Item) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0]
}

// runSubWorkflows carries out an Execute Workflow request.
func (c *Core) runSubWorkflows(ctx context.Context, t *engine.NodeTask, ew *executeRequest) ([]api.Item, *api.NodeError, error) {
	wait := ew.WaitForSubWorkflow == nil || *ew.WaitForSubWorkflow
	if ew.Mode != "each" {
		out, nerr, err := c.executeWorkflow(ctx, t, ew.Workflow, ew.Items)
		if !wait && err == nil {
			return ew.Items, nil, nil
		}
		return out, nerr, err
	}
	var all []api.Item
	for i, it := range ew.Items {
		wf := ew.Workflow
		if i < len(ew.Workflows) && len(ew.Workflows[i]) > 0 && string(ew.Workflows[i]) != "null" {
			wf = ew.Workflows[i]
		}
		out, nerr, err := c.executeWorkflow(ctx, t, wf, []api.Item{it})
		if err != nil || nerr != nil {
			return nil, nerr, err
		}
		paired := json.RawMessage(fmt.Sprintf(`{"item":%d}`, i))
		for _, o := range out {
			o.PairedItem = paired
			all = append(all, o)
		}
	}
	if !wait {
		return ew.Items, nil, nil
	}
	if all == nil {
		all = noItems
	}
	return all, nil, nil
}

type depthKey struct{}

// MaxSubDepth caps how deeply sub-workflows nest (a workflow that
// executes itself): the Execute Workflow node asking for one deeper
// fails with DepthError.
const MaxSubDepth = 16

// DepthError is the error of an Execute Workflow node whose sub-workflow
// would nest deeper than MaxSubDepth.
func DepthError() *api.NodeError {
	return &api.NodeError{Message: fmt.Sprintf("Sub-workflows nest deeper than %d levels", MaxSubDepth),
		Description: "Each Execute Workflow node runs its sub-workflow within the execution running it; a workflow that executes itself needs a condition that ends the chain."}
}

// workflowRef is how an Execute Workflow request names a workflow other
// than by its document: {"id"} for a saved one, {"path"} for a file.
type workflowRef struct {
	Path  string          `json:"path"`
	ID    string          `json:"id"`
	Nodes json.RawMessage `json:"nodes"`
}

// savedID returns the id of the saved workflow raw names, or "" when raw
// is not {"id": …}.
func savedID(raw json.RawMessage) string {
	var ref workflowRef
	if json.Unmarshal(raw, &ref) != nil || ref.Nodes != nil {
		return ""
	}
	return ref.ID
}

// subRun turns an Execute Workflow request into the SubRun the control
// plane carries out: saved workflows by id, the others as documents,
// checked here (a file is read here).
func (c *Core) subRun(ew *executeRequest, parent *api.Workflow) (*engine.SubRun, *api.NodeError) {
	sr := &engine.SubRun{Each: ew.Mode == "each", NoWait: ew.WaitForSubWorkflow != nil && !*ew.WaitForSubWorkflow, At: time.Now().UnixMilli()}
	raws := []json.RawMessage{ew.Workflow}
	if sr.Each && len(ew.Workflows) > 0 {
		raws = make([]json.RawMessage, len(ew.Items))
		for i := range ew.Items {
			raws[i] = ew.Workflow
			if i < len(ew.Workflows) && len(ew.Workflows[i]) > 0 && string(ew.Workflows[i]) != "null" {
				raws[i] = ew.Workflows[i]
			}
		}
	}
	sr.Workflows = make([]string, len(raws))
	var docs []json.RawMessage
	for i, raw := range raws {
		if sr.Workflows[i] = savedID(raw); sr.Workflows[i] != "" {
			continue
		}
		wf, raw, nerr := c.document(raw, parent)
		if nerr != nil {
			return nil, nerr
		}
		doc, nerr := namedDocument(wf, raw)
		if nerr != nil {
			return nil, nerr
		}
		if docs == nil {
			docs = make([]json.RawMessage, len(raws))
		}
		docs[i] = doc
	}
	sr.Documents = docs
	return sr, nil
}

// document reads a sub-workflow given as a document, a JSON string or
// {"path"} of a file, checks it, and returns it with its bytes. A
// workflow without a name takes its caller's.
func (c *Core) document(raw json.RawMessage, parent *api.Workflow) (*api.Workflow, json.RawMessage, *api.NodeError) {
	var file workflowRef
	if json.Unmarshal(raw, &file) == nil && file.Path != "" && file.Nodes == nil {
		b, err := c.readFile(file.Path)
		if err != nil {
			return nil, nil, &api.NodeError{Message: fmt.Sprintf("The workflow file could not be read: %v", err)}
		}
		raw = b
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		raw = json.RawMessage(str)
	}
	wf, err := api.ParseWorkflow(raw)
	if err != nil {
		return nil, nil, &api.NodeError{Message: "The workflow to execute is not valid: " + err.Error()}
	}
	if errs := api.FatalErrors(wf.Validate(c)); len(errs) > 0 {
		return nil, nil, &api.NodeError{Message: "The workflow to execute is not valid: " + errs[0].Error()}
	}
	if wf.Name == "" {
		wf.Name = parent.Name
	}
	return wf, raw, nil
}

// namedDocument is a checked workflow document as the control plane keeps
// it: compact, and named as the workflow it was read as (a document
// without a name takes its caller's).
func namedDocument(wf *api.Workflow, raw json.RawMessage) (json.RawMessage, *api.NodeError) {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, &api.NodeError{Message: "The workflow to execute is not valid: " + err.Error()}
	}
	var head struct {
		Name *string `json:"name"`
	}
	if json.Unmarshal(b.Bytes(), &head) == nil && head.Name != nil && *head.Name == wf.Name {
		return b.Bytes(), nil
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		return nil, &api.NodeError{Message: "The workflow to execute is not valid: " + err.Error()}
	}
	doc["name"], _ = json.Marshal(wf.Name)
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, &api.NodeError{Message: "The workflow to execute is not valid: " + err.Error()}
	}
	return out, nil
}

// executeWorkflow runs a sub-workflow for the Execute Workflow node, with
// items as the input of its trigger, and returns the output of the node
// that ran last. A sub-workflow that fails is the node's error.
func (c *Core) executeWorkflow(ctx context.Context, t *engine.NodeTask, raw json.RawMessage, items []api.Item) ([]api.Item, *api.NodeError, error) {
	depth, _ := ctx.Value(depthKey{}).(int)
	if depth >= MaxSubDepth {
		return nil, DepthError(), nil
	}
	var ref workflowRef
	if json.Unmarshal(raw, &ref) == nil && ref.ID != "" && ref.Nodes == nil {
		if c.loadWorkflow == nil {
			return nil, &api.NodeError{Message: fmt.Sprintf("Workflow %q cannot be looked up here", ref.ID),
				Description: "Executing a saved workflow by ID needs a Weft server; give the workflow as JSON or as a local file instead."}, nil
		}
		doc, err := c.loadWorkflow(ctx, ref.ID)
		if err != nil {
			return nil, &api.NodeError{Message: fmt.Sprintf("Workflow %q could not be loaded: %v", ref.ID, err)}, nil
		}
		raw = doc
	}
	wf, _, nerr := c.document(raw, t.Workflow)
	if nerr != nil {
		return nil, nerr, nil
	}
	if ref.ID != "" {
		wf.ID = ref.ID
	}
	if items == nil {
		items = noItems
	}
	sub := c.Executor()
	// As n8n runs a sub-workflow: integrated, its pinned data unused.
	exec, err := sub.Run(context.WithValue(ctx, depthKey{}, depth+1), wf, engine.StartOptions{
		ExecutionID:   t.ExecutionID,
		Mode:          "integrated",
		IgnorePinData: true,
		StartData:     [][]api.Item{stripPaired(items)},
	})
	if err != nil {
		return nil, nil, err
	}
	if exec.Status != engine.StatusSuccess {
		msg := "The sub-workflow failed"
		if exec.Error != nil {
			msg = exec.Error.Message
		}
		return nil, &api.NodeError{Message: msg}, nil
	}
	runs := exec.RunData[exec.LastNodeExecuted]
	if len(runs) == 0 {
		return noItems, nil, nil
	}
	outs := runs[len(runs)-1].Outputs()
	if len(outs) == 0 || outs[0] == nil {
		return noItems, nil, nil
	}
	return stripPaired(outs[0]), nil, nil
}

func stripPaired(items []api.Item) []api.Item {
	out := make([]api.Item, len(items))
	for i, it := range items {
		out[i] = api.Item{JSON: it.JSON, Binary: it.Binary}
	}
	return out
}
