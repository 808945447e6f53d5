// Package engine is Weft's execution core: it walks an n8n workflow in n8n's
// "v1" execution order, hands every node run to a Dispatcher and records run
// data in n8n's shape. It performs no I/O of its own; nodes run elsewhere
// (in-process Wasm, or runners reached over the network) behind Dispatcher.
package engine

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"time"

	"github.com/weftrun/weft/api"
)

// Execution statuses, as n8n names them.
const (
	StatusSuccess  = "success"
	StatusError    = "error"
	StatusCanceled = "canceled"
)

// DefaultMaxNodeRuns is the per-execution cap on node runs used when New is
// not given WithMaxNodeRuns.
const DefaultMaxNodeRuns = 10000

// NodeError is the error a node reports about its own work; it is the same
// document the node ABI carries (message, description).
type NodeError = api.NodeError

// Dispatcher runs one node. Implementations send the task to a runner or
// execute it in process. A non-nil Go error means the infrastructure failed
// (the runner is gone, the module trapped outside the node's control): the
// execution fails with it. A node's own failure is NodeResult.Error.
type Dispatcher interface {
	Run(ctx context.Context, t *NodeTask) (*NodeResult, error)
}

// NodeTask is one run of one node, as the executor hands it to a Dispatcher.
type NodeTask struct {
	// ExecutionID identifies the execution ($execution.id).
	ExecutionID string
	// Mode is how the execution started ($execution.mode): manual,
	// webhook, trigger, …; empty means manual.
	Mode string
	// PublicURL is the URL users reach the server at, that
	// $execution.resumeUrl is built on; empty: n8n's default,
	// http://localhost:5678.
	PublicURL string
	// Workflow is the workflow being executed. Read only.
	Workflow *api.Workflow
	// Node is the node to run. Read only.
	Node *api.WorkflowNode
	// Inputs holds one item list per main input. A nil list is an input that
	// received no data at all; an empty one received zero items. Every item
	// carries a pairedItem pointing at its own index ({"item": i}, plus
	// "input" for inputs other than 0), as n8n stamps them. With executeOnce
	// each list holds at most its first item.
	Inputs [][]api.Item
	// ConnectionInput is what expressions see as $input: the first input
	// that has items, in full. executeOnce does not shorten it (n8n's
	// connectionInputData: with executeOnce, $input.all() still has every
	// item while the node runs on the first one).
	ConnectionInput []api.Item
	// RunIndex is how many times the node ran before in this execution
	// ($runIndex).
	RunIndex int
	// Try counts the attempts at this run, from 0; above 0 only with
	// retryOnFail.
	Try int
	// Source names, per input, the node run the input's items came from
	// (nil for an input without data). Used to resolve pairedItem lineage.
	Source []*SourceRef
	// RunData is a read-only view of the run data recorded so far.
	RunData RunDataView
	// NodeState is the node's own context ($getContext('node')) as the
	// node's previous run in this execution left it; nil on the first run.
	// Loop Over Items keeps its remaining items here.
	NodeState json.RawMessage
	// StaticData is the workflow's static data as the execution has it so
	// far ($getWorkflowStaticData), nil when there is none.
	StaticData json.RawMessage
}

// NodeResult is what a node run produced.
type NodeResult struct {
	// Outputs holds one item list per main output. A nil Outputs is n8n's
	// "no data": the run is not recorded and the branch ends. An empty but
	// non-nil list per output is a run that produced zero items.
	Outputs [][]api.Item
	// Error is the node's own failure; Outputs is ignored when it is set.
	Error *NodeError
	// NodeState, when non-nil, replaces the node's context for its next
	// run in this execution.
	NodeState json.RawMessage
	// Logs are the lines the node logged (console.log in a Code node).
	Logs []api.LogEntry
	// Response is the HTTP response a Respond to Webhook node asked for
	// (a webhook.Response document); nil for every other node.
	Response json.RawMessage
	// Wait, when set, asks the execution to pause after this node (a Wait
	// node whose dispatcher hands the waiting to the control plane).
	Wait *Wait `json:"wait,omitempty"`
	// StaticData, when set, is the workflow's static data as the node
	// left it.
	StaticData json.RawMessage
	// StartTime (Unix milliseconds) and ExecutionTime (milliseconds) say
	// when and for how long the node ran, where it ran; a result replayed
	// after a resume keeps them. With StartTime 0 the executor times the
	// run itself.
	StartTime     int64
	ExecutionTime int64
	// SubRun, when set, asks for saved workflows to run as executions of
	// their own (an Execute Workflow node whose dispatcher hands them to
	// the control plane). Outputs then hold the items they take, in one
	// list; with SubRun.NoWait those are the node's output as well.
	SubRun *SubRun
}

// SubRun is an Execute Workflow node's request to run workflows as
// executions of their own (mode "integrated", the node's execution as
// their parent), and to take the output of their last node as its own.
type SubRun struct {
	// Workflows holds the id of the saved workflow to run: one for every
	// item, or a single one for them all. An empty id stands for the
	// document at the same place in Documents (a workflow given as JSON
	// or as a file).
	Workflows []string `json:"workflows"`
	// Documents holds the workflow documents of the empty ids.
	Documents []json.RawMessage `json:"documents,omitempty"`
	// Each runs the workflow once per item, with that item alone;
	// otherwise it runs once with every item.
	Each bool `json:"each,omitempty"`
	// NoWait starts the executions and goes on without their results.
	NoWait bool `json:"noWait,omitempty"`
	// At is when the node asked, in Unix milliseconds; the executions'
	// ids derive from it, so a request replayed finds the executions it
	// started.
	At int64 `json:"at"`
}

// Workflow returns what run i runs: a saved workflow's id, or else a
// workflow document.
func (s *SubRun) Workflow(i int) (string, json.RawMessage) {
	if i >= len(s.Workflows) {
		i = 0
	}
	if s.Workflows[i] != "" || i >= len(s.Documents) {
		return s.Workflows[i], nil
	}
	return "", s.Documents[i]
}

// Wait is a node's request to pause the execution after it: until a time,
// or until a call to the execution's waiting webhook (with an optional
// time limit), whichever comes first.
type Wait struct {
	// Until is in Unix milliseconds; 0 means no time limit.
	Until int64 `json:"until,omitempty"`
	// Webhook lets /webhook-waiting/{execution id} resume the execution;
	// Method is the HTTP method it expects.
	Webhook bool   `json:"webhook,omitempty"`
	Method  string `json:"method,omitempty"`
}

// LogEntry is one line a node logged during an execution.
type LogEntry struct {
	Node    string `json:"node"`
	Level   string `json:"level"`
	Message string `json:"message"`
}

// SourceRef is one entry of a run's source: the node run whose output fed
// an input (n8n's ISourceData).
type SourceRef struct {
	PreviousNode       string `json:"previousNode"`
	PreviousNodeOutput int    `json:"previousNodeOutput"`
	PreviousNodeRun    int    `json:"previousNodeRun"`
}

// TaskData is one run of one node, n8n's ITaskData.
type TaskData struct {
	// StartTime is when the run started, in Unix milliseconds.
	StartTime int64 `json:"startTime"`
	// ExecutionIndex orders node runs across the execution.
	ExecutionIndex int `json:"executionIndex"`
	// ExecutionTime is the run's duration in milliseconds.
	ExecutionTime int64 `json:"executionTime"`
	// ExecutionStatus is "success" or "error".
	ExecutionStatus string `json:"executionStatus"`
	// Data holds the outputs under "main"; absent for a run that failed
	// the execution.
	Data map[string][][]api.Item `json:"data,omitempty"`
	// Error is the node's error, for failed runs (also when the node
	// continued on error).
	Error *NodeError `json:"error,omitempty"`
	// Source names, per input, where the input came from.
	Source []*SourceRef `json:"source"`
}

// Outputs returns the run's main outputs.
func (t *TaskData) Outputs() [][]api.Item { return t.Data[api.ConnectionMain] }

// ExecError is the error that failed an execution.
type ExecError struct {
	// Node is the node that failed, empty for failures outside any node.
	Node string `json:"node,omitempty"`
	// Message is the error message (n8n's error.message).
	Message string `json:"message"`
	// Description is the node error's description, if any.
	Description string `json:"description,omitempty"`
}

// Execution is the result of running a workflow.
type Execution struct {
	// ID is the execution id given in StartOptions.
	ID string `json:"id,omitempty"`
	// Status is "success", "error" or "canceled".
	Status string `json:"status"`
	// Error is set when Status is "error".
	Error *ExecError `json:"error,omitempty"`
	// LastNodeExecuted is the last node that produced data or failed.
	LastNodeExecuted string `json:"lastNodeExecuted,omitempty"`
	// RunData maps node names to their runs, in run order.
	RunData map[string][]TaskData `json:"runData"`
	// Logs are the lines nodes logged, in the order they ran.
	Logs []LogEntry `json:"logs,omitempty"`
	// StaticData is the workflow's static data at the end, and
	// StaticDataChanged whether a node changed it.
	StaticData        json.RawMessage `json:"-"`
	StaticDataChanged bool            `json:"-"`
}

// RunDataView is a read-only view of run data. The items it returns are
// shared with the executor and must not be modified, and the view is valid
// only during the Dispatcher.Run call that received it.
type RunDataView struct{ m map[string][]TaskData }

// NewRunDataView returns a view of m, for dispatchers that rebuild a task
// received from elsewhere.
func NewRunDataView(m map[string][]TaskData) RunDataView { return RunDataView{m: m} }

// JSON returns the run data so far as n8n's runData document.
func (v RunDataView) JSON() json.RawMessage { return RunDataJSON(v.m) }

// Runs returns a node's runs so far (a copy of the list).
func (v RunDataView) Runs(node string) []TaskData { return slices.Clone(v.m[node]) }

// Output returns the items of one output of one run of a node, and whether
// that run and output exist.
func (v RunDataView) Output(node string, run, output int) ([]api.Item, bool) {
	runs := v.m[node]
	if run < 0 || run >= len(runs) {
		return nil, false
	}
	outs := runs[run].Outputs()
	if output < 0 || output >= len(outs) {
		return nil, false
	}
	return outs[output], true
}

// Nodes returns the names of the nodes that ran, sorted.
func (v RunDataView) Nodes() []string {
	out := make([]string, 0, len(v.m))
	for k := range v.m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// StartOptions say where and how an execution starts.
type StartOptions struct {
	// ExecutionID identifies the execution; it is passed to every task.
	ExecutionID string
	// StartNode names the node to start from. Empty means the first Manual
	// Trigger among the workflow's start nodes, else its first start node.
	StartNode string
	// StartData is the start node's input. Nil means one empty item
	// [[{"json": {}}]], as n8n uses for manual runs.
	StartData [][]api.Item
	// IgnorePinData runs pinned nodes for real, as n8n does outside manual
	// executions.
	IgnorePinData bool
	// Mode is how the execution started, passed to every task (empty:
	// manual).
	Mode string
	// PublicURL is passed to every task (NodeTask.PublicURL).
	PublicURL string
	// StaticData is the workflow's static data when the execution starts.
	StaticData json.RawMessage
	// StartedAt, when set, is when the execution started: its first
	// node's run is stamped with it, also when a resumed execution
	// replays that run later.
	StartedAt time.Time
}
