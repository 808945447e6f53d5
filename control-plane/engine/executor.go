package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/weftrun/weft/api"
)

// errNotObject is returned when a JSON value that must be an object is not.
var errNotObject = errors.New("not a JSON object")

// Executor runs workflows. It is safe for concurrent use; every Run has its
// own state.
type Executor struct {
	d        Dispatcher
	maxRuns  int
	spec     SpecFunc
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
	dispatch bool
	observe  func(NodeEvent)
}

// NodeEvent tells an observer about one node run: Status "running" when
// it starts, then "success" or "error" with its output item count.
type NodeEvent struct {
	Node   string `json:"node"`
	Run    int    `json:"run"`
	Status string `json:"status"`
	// Items counts the items on all outputs (finished runs only).
	Items int `json:"items,omitempty"`
	// StartTime is in Unix milliseconds; ExecutionTime in milliseconds.
	StartTime     int64  `json:"startTime"`
	ExecutionTime int64  `json:"executionTime,omitempty"`
	Error         string `json:"error,omitempty"`
}

// WithObserver calls f as node runs start and finish, from the goroutine
// running the execution; f must return quickly.
func WithObserver(f func(NodeEvent)) Option { return func(e *Executor) { e.observe = f } }

// Option configures an Executor.
type Option func(*Executor)

// WithMaxNodeRuns caps the node runs of one execution (DefaultMaxNodeRuns
// otherwise). An execution that would exceed it fails, naming the cap.
func WithMaxNodeRuns(n int) Option { return func(e *Executor) { e.maxRuns = n } }

// WithSpec sets how the executor learns node type facts (DefaultSpec
// otherwise).
func WithSpec(f SpecFunc) Option { return func(e *Executor) { e.spec = f } }

// WithClock sets the clock used for run data timestamps (time.Now
// otherwise).
func WithClock(now func() time.Time) Option { return func(e *Executor) { e.now = now } }

// WithSleep sets how the executor waits between retries (a timer that
// honours the context otherwise). Tests pass a function that records the
// wait and returns at once.
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(e *Executor) { e.sleep = f }
}

// WithTriggerDispatch makes the executor dispatch trigger nodes too. By
// default a trigger-type node (api.IsTriggerType) outputs its input data
// without being dispatched: n8n does that outside manual mode, and in manual
// mode the Manual Trigger's own output is the same single empty item.
func WithTriggerDispatch() Option { return func(e *Executor) { e.dispatch = true } }

// New returns an Executor that runs nodes through d.
func New(d Dispatcher, opts ...Option) *Executor {
	e := &Executor{d: d, maxRuns: DefaultMaxNodeRuns, spec: DefaultSpec, now: time.Now, sleep: Sleep}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Sleep waits for d or until ctx is done, and returns ctx's error then.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stackEntry is a node ready to run with its input data (n8n's
// IExecuteData). A nil input list is an input that got no data.
type stackEntry struct {
	node   *api.WorkflowNode
	inputs [][]api.Item
	source []*SourceRef
}

// waitEntry holds the inputs a multi-input node has received so far.
type waitEntry struct {
	inputs [][]api.Item
	source []*SourceRef
}

// run is the state of one execution.
type run struct {
	e         *Executor
	ctx       context.Context
	wf        *api.Workflow
	start     StartOptions
	exec      *Execution
	stack     []*stackEntry
	waiting   map[string]map[int]*waitEntry
	waitOrder []string
	state     map[string]json.RawMessage
	execIndex int
	runs      int
	inputsOf  map[string]int
}

// Run executes wf from its start node and returns the execution. The error
// is non-nil only when the execution could not be carried out: no start
// node, a connection to a missing node, a dispatcher failure, or ctx ending
// (then Status is "canceled"). A node failing is not an error here: the
// Execution says so with Status "error". Whenever an Execution is returned
// its run data holds what ran.
func (e *Executor) Run(ctx context.Context, wf *api.Workflow, start StartOptions) (*Execution, error) {
	r := &run{
		e: e, ctx: ctx, wf: wf, start: start,
		exec:     &Execution{ID: start.ExecutionID, RunData: map[string][]TaskData{}, StaticData: start.StaticData},
		waiting:  map[string]map[int]*waitEntry{},
		state:    map[string]json.RawMessage{},
		inputsOf: connectedInputs(wf),
	}
	node, err := startNode(wf, start.StartNode)
	if err != nil {
		return nil, err
	}
	data := start.StartData
	if data == nil {
		data = [][]api.Item{{{JSON: emptyJSON}}}
	}
	r.stack = []*stackEntry{{node: node, inputs: data}}
	if err := r.loop(); err != nil {
		return r.exec, err
	}
	if r.exec.Status == "" {
		r.exec.Status = StatusSuccess
	}
	return r.exec, nil
}

// startNode picks the node an execution starts from.
func startNode(wf *api.Workflow, name string) (*api.WorkflowNode, error) {
	if name != "" {
		n := wf.NodeByName(name)
		if n == nil {
			return nil, fmt.Errorf("engine: start node %q is not in the workflow", name)
		}
		return n, nil
	}
	starts := wf.StartNodes()
	for _, n := range starts {
		if n.Type == "n8n-nodes-base.manualTrigger" {
			return n, nil
		}
	}
	if len(starts) == 0 {
		return nil, errors.New("engine: no node to start the workflow from could be found")
	}
	return starts[0], nil
}

// connectedInputs maps each node to the number of its main input slots
// that connections reach (highest input index + 1), n8n's
// connectionsByDestinationNode[node].main.length.
func connectedInputs(wf *api.Workflow) map[string]int {
	m := map[string]int{}
	for _, nc := range wf.Connections {
		for _, targets := range nc[api.ConnectionMain] {
			for _, t := range targets {
				m[t.Node] = max(m[t.Node], t.Index+1)
			}
		}
	}
	return m
}

// fail ends the execution with an error on a node.
func (r *run) fail(node string, msg, desc string) {
	r.exec.Status = StatusError
	r.exec.Error = &ExecError{Node: node, Message: msg, Description: desc}
}

// loop is n8n's execution loop (WorkflowExecute.processRunExecutionData)
// for the v1 order.
func (r *run) loop() error {
	for len(r.stack) > 0 {
		if err := r.ctx.Err(); err != nil {
			r.exec.Status = StatusCanceled
			return err
		}
		ent := r.stack[0]
		r.stack = r.stack[1:]
		done, err := r.step(ent)
		if err != nil || done {
			return err
		}
	}
	return nil
}

// step runs one stack entry. done reports that the execution ended.
func (r *run) step(ent *stackEntry) (done bool, err error) {
	node := ent.node
	started := r.e.now()
	execIndex := r.execIndex
	r.execIndex++
	inputs := stampInputs(ent.inputs)
	runIndex := len(r.exec.RunData[node.Name])

	if r.runs >= r.e.maxRuns {
		msg := fmt.Sprintf("execution stopped: more than %d node runs (the per-execution limit)", r.e.maxRuns)
		r.fail(node.Name, msg, "")
		return true, nil
	}
	r.runs++

	var pinned []api.Item
	isPinned := false
	if !r.start.IgnorePinData && !node.Disabled {
		var perr error
		pinned, isPinned, perr = r.wf.PinData.Items(node.Name)
		if perr != nil {
			return true, fmt.Errorf("engine: %w", perr)
		}
	}

	if r.e.observe != nil {
		r.e.observe(NodeEvent{Node: node.Name, Run: runIndex, Status: "running", StartTime: started.UnixMilli()})
	}
	tries, wait := node.RetryPolicy()
	var outs [][]api.Item
	var nodeErr *NodeError
	// ran spans the tries as their results time them, when they do.
	var ran struct{ start, end int64 }
	timed := func(res *NodeResult) {
		if res.StartTime > 0 {
			if ran.start == 0 {
				ran.start = res.StartTime
			}
			ran.end = res.StartTime + res.ExecutionTime
		}
	}
	for try := 0; try < tries; try++ {
		if try != 0 {
			nodeErr = nil
			if wait != 0 {
				if err := r.e.sleep(r.ctx, wait); err != nil {
					r.exec.Status = StatusCanceled
					return true, err
				}
			}
		}
		if isPinned {
			outs = [][]api.Item{append([]api.Item{}, pinned...)}
		} else {
			res, err := r.runNode(ent, inputs, runIndex, try)
			if err != nil {
				return true, err
			}
			timed(res)
			for res.Error == nil && try != tries-1 && firstItemHasError(res.Outputs) {
				if err := r.e.sleep(r.ctx, wait); err != nil {
					r.exec.Status = StatusCanceled
					return true, err
				}
				try++
				if res, err = r.runNode(ent, inputs, runIndex, try); err != nil {
					return true, err
				}
				timed(res)
			}
			if res.Error != nil {
				nodeErr = res.Error
				r.exec.LastNodeExecuted = node.Name
				continue
			}
			outs = copyOutputs(res.Outputs)
			if outs != nil && node.OnError == api.OnErrorContinueErrorOutput {
				regular := r.e.spec(node).Outputs
				if regular == 0 {
					regular = len(outs)
				}
				outs = routeErrorOutput(outs, inputs, regular, ent.source != nil)
			}
		}
		assignPairedItems(outs, inputs)
		if outs != nil {
			r.exec.LastNodeExecuted = node.Name
		}
		if node.AlwaysOutputData {
			outs = alwaysOutput(outs, inputs)
		}
		break
	}

	if outs == nil && nodeErr == nil {
		// The node succeeded without data: the branch ends, unrecorded.
		return false, nil
	}
	source := ent.source
	if source == nil {
		source = []*SourceRef{}
	}
	task := TaskData{StartTime: started.UnixMilli(), ExecutionIndex: execIndex, ExecutionStatus: StatusSuccess, Source: source}
	if execIndex == 0 && !r.start.StartedAt.IsZero() {
		task.StartTime = r.start.StartedAt.UnixMilli()
	}
	took := func() int64 {
		if ran.start > 0 {
			task.StartTime = ran.start
			return ran.end - ran.start
		}
		return r.e.now().Sub(started).Milliseconds()
	}
	if nodeErr != nil {
		task.Error = nodeErr
		task.ExecutionStatus = StatusError
		if !continuesOnError(node) {
			task.ExecutionTime = took()
			r.exec.RunData[node.Name] = append(r.exec.RunData[node.Name], task)
			r.observed(node.Name, runIndex, &task)
			r.fail(node.Name, nodeErr.Message, nodeErr.Description)
			return true, nil
		}
		// Continue on error: the first input passes through to output 0.
		outs = [][]api.Item{}
		if len(inputs) > 0 && inputs[0] != nil {
			outs = [][]api.Item{append([]api.Item{}, inputs[0]...)}
		}
	}
	for i := range outs {
		if outs[i] == nil {
			outs[i] = []api.Item{}
		}
	}
	task.Data = map[string][][]api.Item{api.ConnectionMain: outs}
	task.ExecutionTime = took()
	r.exec.RunData[node.Name] = append(r.exec.RunData[node.Name], task)
	r.observed(node.Name, runIndex, &task)

	if err := r.addChildren(node, outs, runIndex); err != nil {
		return true, err
	}
	if len(r.stack) == 0 && len(r.waitOrder) > 0 {
		r.releaseWaiting()
	}
	return false, nil
}

// observed reports a recorded run to the observer.
func (r *run) observed(node string, runIndex int, t *TaskData) {
	if r.e.observe == nil {
		return
	}
	ev := NodeEvent{Node: node, Run: runIndex, Status: t.ExecutionStatus, StartTime: t.StartTime, ExecutionTime: t.ExecutionTime}
	for _, out := range t.Outputs() {
		ev.Items += len(out)
	}
	if t.Error != nil {
		ev.Error = t.Error.Message
	}
	r.e.observe(ev)
}

// runNode is n8n's runNode for one try: disabled nodes pass input 0
// through, triggers pass their input through, a node without any input
// data does not run, executeOnce keeps the first item of each input, and
// everything else goes to the dispatcher. Nil outputs mean no data.
func (r *run) runNode(ent *stackEntry, inputs [][]api.Item, runIndex, try int) (*NodeResult, error) {
	node := ent.node
	if node.Disabled {
		if len(inputs) == 0 || inputs[0] == nil {
			return &NodeResult{}, nil
		}
		return &NodeResult{Outputs: [][]api.Item{inputs[0]}}, nil
	}
	if !r.e.dispatch && api.IsTriggerType(node.Type) {
		return &NodeResult{Outputs: copyOutputs(inputs)}, nil
	}
	var connInput []api.Item
	for _, in := range inputs {
		if len(in) > 0 {
			connInput = in
			break
		}
	}
	if connInput == nil {
		return &NodeResult{}, nil
	}
	taskInputs := inputs
	if node.ExecuteOnce {
		taskInputs = make([][]api.Item, len(inputs))
		for i, in := range inputs {
			if in != nil {
				taskInputs[i] = in[:min(1, len(in))]
			}
		}
	}
	t := &NodeTask{
		ExecutionID:     r.start.ExecutionID,
		Mode:            r.start.Mode,
		PublicURL:       r.start.PublicURL,
		Workflow:        r.wf,
		Node:            node,
		Inputs:          taskInputs,
		ConnectionInput: connInput,
		RunIndex:        runIndex,
		Try:             try,
		Source:          ent.source,
		RunData:         RunDataView{m: r.exec.RunData},
		NodeState:       r.state[node.Name],
		StaticData:      r.exec.StaticData,
	}
	res, err := r.e.d.Run(r.ctx, t)
	if err != nil {
		r.exec.LastNodeExecuted = node.Name
		if cerr := r.ctx.Err(); cerr != nil {
			// The execution was stopped while the node ran.
			r.exec.Status = StatusCanceled
			return nil, cerr
		}
		r.fail(node.Name, err.Error(), "")
		return nil, fmt.Errorf("engine: node %q: %w", node.Name, err)
	}
	if res == nil {
		res = &NodeResult{}
	}
	for _, l := range res.Logs {
		r.exec.Logs = append(r.exec.Logs, LogEntry{Node: node.Name, Level: l.Level, Message: l.Message})
	}
	if res.NodeState != nil {
		r.state[node.Name] = res.NodeState
	}
	if res.StaticData != nil {
		r.exec.StaticData, r.exec.StaticDataChanged = res.StaticData, true
	}
	return res, nil
}

// continuesOnError reports whether a failing node lets the execution go on
// (continueOnFail, or onError continueRegularOutput / continueErrorOutput).
func continuesOnError(n *api.WorkflowNode) bool {
	return n.ContinueOnFail || n.OnError == api.OnErrorContinueRegularOutput ||
		n.OnError == api.OnErrorContinueErrorOutput
}
