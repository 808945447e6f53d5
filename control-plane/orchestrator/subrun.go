package orchestrator

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/store"
)

// An Execute Workflow node hands its sub-workflows' runs to the control
// plane (engine.SubRun): each is an execution of its own, mode
// "integrated", with the node's execution as its parent. It is recorded
// and listed like any other, its nodes run on runners, it can wait at a
// Wait node (its parent waits as long, parked in the store), and its
// error workflow starts when it fails. The node's output is the output of
// its last node, as n8n gives it. A sub-workflow given as a document (JSON
// or a file) is kept with its execution, which belongs to the workflow of
// the node that gave it.
//
// Durability: the runner's request is committed before any sub-execution
// exists, and their ids derive from it, so a replay finds them instead of
// starting others. Once they have ended, what the node settled to is kept
// as a result of its own (settledID): a later replay needs neither them
// nor their run data, which retention may have removed.

// MaxSubDepth caps how deeply sub-executions nest (a workflow that
// executes itself), as it caps sub-workflows run within a task: the node
// asking for one deeper fails.
const MaxSubDepth = nodes.MaxSubDepth

// ModeIntegrated is the mode of an execution an Execute Workflow node
// started, as n8n names it.
const ModeIntegrated = "integrated"

// settledID names the result an Execute Workflow task settled to once
// its sub-executions ended.
func settledID(taskID string) string { return taskID + "/settled" }

// startedID names the note that a task's i-th sub-execution was created:
// a replay that finds the note and not the execution knows it was deleted
// rather than never started.
func startedID(taskID string, i int) string { return taskID + "/started/" + strconv.Itoa(i) }

// subExecutionID is the id of the i-th execution the task asked for at
// at (Unix milliseconds), made like the store's own ids (the time, then
// 32 bits) from the task and i, so a replay finds it.
func subExecutionID(taskID string, at int64, i int) string {
	h := sha256.Sum256([]byte(taskID + "#" + strconv.Itoa(i)))
	return fmt.Sprintf("%012x%08x", at+int64(i), binary.BigEndian.Uint32(h[:4]))
}

// subRun carries out an Execute Workflow node's request: it starts the
// sub-executions in turn, each after the one before has ended, and
// settles the node's result from their outcomes. errParked when one waits
// (the parent parks until it ends).
func (d execDispatcher) subRun(ctx context.Context, t *engine.NodeTask, req *engine.NodeResult) (*engine.NodeResult, error) {
	o := d.o
	taskID := bus.TaskID(t.ExecutionID, t.Node.Name, t.RunIndex, t.Try)
	if raw, ok := d.prior[settledID(taskID)]; ok {
		return o.remote.decodeResult(ctx, raw)
	}
	sr := req.SubRun
	var items []api.Item
	if len(req.Outputs) > 0 {
		items = req.Outputs[0]
	}
	if len(sr.Workflows) == 0 || (sr.Each && len(sr.Workflows) != 1 && len(sr.Workflows) != len(items)) {
		return &engine.NodeResult{Error: &api.NodeError{Message: "The request to execute workflows names no workflow, or not one per item"}, Logs: req.Logs}, nil
	}
	// The request is committed before the executions it names exist.
	if err := d.commitPending(ctx); err != nil {
		return nil, err
	}
	calls := 1
	if sr.Each {
		calls = len(items)
	}
	if d.h.stopped.Load() {
		// Stopped while its sub-executions ran: they stop too.
		for i := range calls {
			o.stopSub(ctx, subExecutionID(taskID, sr.At, i))
		}
		d.h.cancel()
		return nil, context.Canceled
	}
	var out []api.Item
	for i := range calls {
		in := items
		if sr.Each {
			in = items[i : i+1]
		}
		child := subExecutionID(taskID, sr.At, i)
		_, started := d.prior[startedID(taskID, i)]
		wf, doc := sr.Workflow(i)
		nerr, err := d.startSub(ctx, child, wf, doc, in, started)
		if err != nil {
			return nil, err
		}
		if !started && nerr == nil {
			note, _ := json.Marshal(bus.Result{ID: startedID(taskID, i), ExecutionID: t.ExecutionID})
			row := store.TaskResult{TaskID: startedID(taskID, i), ExecutionID: t.ExecutionID, Result: note}
			if err := retry(ctx, func() error { return o.store.SaveTaskResults(ctx, []store.TaskResult{row}) }); err != nil {
				return nil, err
			}
		}
		if nerr == nil && !sr.NoWait {
			var got []api.Item
			got, nerr, err = o.awaitSub(ctx, t, taskID, child)
			if err != nil {
				if d.h.stopped.Load() {
					o.stopSub(context.WithoutCancel(ctx), child)
				}
				return nil, err
			}
			for _, it := range got {
				if sr.Each {
					it.PairedItem = json.RawMessage(`{"item":` + strconv.Itoa(i) + `}`)
				}
				out = append(out, it)
			}
		}
		if nerr != nil {
			return d.settle(ctx, taskID, req, &engine.NodeResult{Error: nerr, Logs: req.Logs})
		}
	}
	if sr.NoWait {
		return d.settle(ctx, taskID, req, &engine.NodeResult{Outputs: req.Outputs, Logs: req.Logs})
	}
	if out == nil {
		out = []api.Item{}
	}
	return d.settle(ctx, taskID, req, &engine.NodeResult{Outputs: [][]api.Item{out}, Logs: req.Logs})
}

// settle keeps what an Execute Workflow task settled to, timed from the
// request's start to now, and returns it.
func (d execDispatcher) settle(ctx context.Context, taskID string, req, res *engine.NodeResult) (*engine.NodeResult, error) {
	if req.StartTime > 0 {
		res.StartTime, res.ExecutionTime = req.StartTime, max(0, time.Now().UnixMilli()-req.StartTime)
	}
	id := settledID(taskID)
	data, err := d.o.remote.Codec.EncodeResult(ctx, &bus.Result{ID: id, ExecutionID: d.h.ID, Outputs: res.Outputs, Error: res.Error, Logs: res.Logs,
		StartTime: res.StartTime, ExecutionTime: res.ExecutionTime})
	if err != nil {
		return nil, fmt.Errorf("keeping the result of %s: %w", taskID, err)
	}
	row := store.TaskResult{TaskID: id, ExecutionID: d.h.ID, Result: data}
	if err := retry(ctx, func() error { return d.o.store.SaveTaskResults(ctx, []store.TaskResult{row}) }); err != nil {
		return nil, err
	}
	return res, nil
}

// startSub starts sub-execution id of this execution, running the saved
// workflow wf or else the workflow document doc with items, unless it
// exists already, or existed (started) and was deleted. A node error says
// why it cannot start.
func (d execDispatcher) startSub(ctx context.Context, id, wf string, doc json.RawMessage, items []api.Item, started bool) (*api.NodeError, error) {
	o, parent := d.o, d.e.ID
	if o.Handle(id) != nil {
		return nil, nil
	}
	if _, err := o.store.GetExecution(ctx, id); !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if started {
		return deletedSub(id), nil
	}
	if depth, err := o.subDepth(ctx, d.e); err != nil {
		return nil, err
	} else if depth >= MaxSubDepth {
		return nodes.DepthError(), nil
	}
	// A document belongs to the workflow of the node that gave it.
	child := &store.Execution{ID: id, WorkflowID: d.e.WorkflowID, WorkflowVersion: d.e.WorkflowVersion, WorkflowDoc: doc,
		Status: store.StatusRunning, Mode: ModeIntegrated, ParentID: parent, Owner: o.owner, LeaseUntil: o.leaseEnd()}
	var lw *loadedWorkflow
	var err error
	switch {
	case wf != "":
		lw, err = o.subWorkflow(ctx, wf)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) || ctx.Err() == nil {
				return &api.NodeError{Message: fmt.Sprintf("Workflow %q could not be loaded: %v", wf, err)}, nil
			}
			return nil, err
		}
		child.WorkflowID, child.WorkflowVersion = wf, lw.version
	case doc != nil:
		if lw, err = o.documentWorkflow(ctx, doc); err != nil {
			if ctx.Err() == nil {
				return &api.NodeError{Message: "The workflow to execute is not valid: " + err.Error()}, nil
			}
			return nil, err
		}
	default:
		return &api.NodeError{Message: "The request to execute a workflow names none"}, nil
	}
	startData := [][]api.Item{unpaired(items)}
	child.StartData = itemListsJSON(startData)
	e, err := o.store.CreateExecution(ctx, child)
	if err != nil {
		if _, gerr := o.store.GetExecution(ctx, id); gerr == nil {
			return nil, nil // created meanwhile
		}
		return nil, err
	}
	o.launch(e, lw, startData, nil, false)
	return nil, nil
}

// subWorkflow loads the version of a saved workflow that Execute Workflow
// runs: the active one, else the current one.
func (o *Orchestrator) subWorkflow(ctx context.Context, id string) (*loadedWorkflow, error) {
	w, err := o.store.GetWorkflow(ctx, id)
	if err != nil {
		return nil, err
	}
	v := w.Version
	if w.Active() {
		v = w.ActiveVersion
	}
	return o.workflow(ctx, id, v)
}

// subDepth counts the executions from e up that Execute Workflow nodes
// started; only those above e are read.
func (o *Orchestrator) subDepth(ctx context.Context, e *store.Execution) (int, error) {
	n := 0
	for ; n < MaxSubDepth && e.Mode == ModeIntegrated && e.ParentID != ""; n++ {
		var err error
		if e, err = o.store.GetExecution(ctx, e.ParentID); errors.Is(err, store.ErrNotFound) {
			return n + 1, nil
		} else if err != nil {
			return 0, err
		}
	}
	return n, nil
}

// deletedSub is the error of a node whose sub-execution was deleted
// before it ended.
func deletedSub(id string) *api.NodeError {
	return &api.NodeError{Message: fmt.Sprintf("The sub-workflow's execution %s was deleted before it ended", id)}
}

// unpaired returns items without their pairing: a sub-execution's start
// data and its output to the caller pair anew.
func unpaired(items []api.Item) []api.Item {
	out := make([]api.Item, len(items))
	for i, it := range items {
		out[i] = api.Item{JSON: it.JSON, Binary: it.Binary}
	}
	return out
}

// awaitSub waits for sub-execution id to end and returns the output of
// its last node, or its failure as the node's error. When it waits, the
// parent parks (errParked) until it ends.
func (o *Orchestrator) awaitSub(ctx context.Context, t *engine.NodeTask, taskID, id string) ([]api.Item, *api.NodeError, error) {
	for {
		if h := o.Handle(id); h != nil {
			select {
			case <-h.Done():
			case <-ctx.Done():
				return nil, nil, ctx.Err()
			}
		}
		e, err := o.store.GetExecution(ctx, id)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return nil, deletedSub(id), nil
			}
			return nil, nil, err
		}
		switch e.Status {
		case store.StatusWaiting:
			return nil, nil, o.parkForSub(ctx, t, taskID, id)
		case store.StatusRunning, store.StatusNew:
			// It runs on another control plane, or was left by one that
			// stopped and is about to be claimed.
			if err := engine.Sleep(ctx, lookEvery); err != nil {
				return nil, nil, err
			}
			continue
		}
		out, nerr := subOutcome(e)
		return out, nerr, nil
	}
}

// subOutcome is what an ended sub-execution gives its Execute Workflow
// node: the first output of its last node's last run, or its failure.
func subOutcome(e *store.Execution) ([]api.Item, *api.NodeError) {
	if e.Status != store.StatusSuccess {
		var ee engine.ExecError
		_ = json.Unmarshal(e.Error, &ee)
		switch {
		case e.Status == store.StatusCanceled:
			ee.Message = fmt.Sprintf("The sub-workflow's execution %s was stopped", e.ID)
		case ee.Message == "":
			ee.Message = fmt.Sprintf("The sub-workflow's execution %s failed", e.ID)
		}
		if ee.Description == "" {
			ee.Description = fmt.Sprintf("Sub-workflow execution %s of workflow %s", e.ID, e.WorkflowID)
			if ee.Node != "" {
				ee.Description += fmt.Sprintf(", at node %q", ee.Node)
			}
		}
		return nil, &api.NodeError{Message: ee.Message, Description: ee.Description}
	}
	var runData map[string][]engine.TaskData
	if len(e.RunData) > 0 {
		if err := json.Unmarshal(e.RunData, &runData); err != nil {
			return nil, &api.NodeError{Message: fmt.Sprintf("The run data of the sub-workflow's execution %s cannot be read: %v", e.ID, err)}
		}
	}
	runs := runData[e.LastNodeExecuted]
	if len(runs) == 0 {
		return []api.Item{}, nil
	}
	outs := runs[len(runs)-1].Outputs()
	if len(outs) == 0 || outs[0] == nil {
		return []api.Item{}, nil
	}
	return unpaired(outs[0]), nil
}

// parkForSub parks the parent of sub-execution id, which waits, at its
// Execute Workflow task taskID until it ends (wakeParent).
func (o *Orchestrator) parkForSub(ctx context.Context, t *engine.NodeTask, taskID, id string) error {
	if err := o.store.SuspendExecution(ctx, t.ExecutionID, time.Time{}, taskID, false, "", t.RunData.JSON()); err != nil {
		return err
	}
	o.publishEvent(Event{Type: "executionWaiting", ExecutionID: t.ExecutionID})
	// It may have ended since it was read, its wake-up finding the parent
	// still running: look again.
	if e, err := o.store.GetExecution(ctx, id); err != nil || (e.Status != store.StatusWaiting && e.Status != store.StatusRunning) {
		o.wakeParent(context.WithoutCancel(ctx), t.ExecutionID)
	}
	return errParked
}

// wakeParent resumes an execution parked until its sub-execution ended.
func (o *Orchestrator) wakeParent(ctx context.Context, id string) {
	var woke bool
	if err := retry(ctx, func() (err error) { woke, err = o.store.WakeWaiting(ctx, id); return err }); err != nil {
		o.logf("execution %s: waking it after its sub-execution ended: %v", id, err)
		return
	}
	if woke {
		if _, err := o.Resume(ctx, false); err != nil {
			o.logf("execution %s: resuming it after its sub-execution ended: %v", id, err)
		}
	}
}

// stopSub stops sub-execution id wherever it is.
func (o *Orchestrator) stopSub(ctx context.Context, id string) {
	if o.stopHere(id) != nil {
		return
	}
	e, err := o.store.GetExecution(ctx, id)
	if err != nil {
		return
	}
	switch e.Status {
	case store.StatusWaiting:
		if _, err := o.StopWaiting(ctx, id); err != nil && !errors.Is(err, ErrNotWaiting) {
			o.logf("execution %s: stopping it with its parent: %v", id, err)
		}
	case store.StatusRunning:
		_ = o.remote.nc.Publish(StopSubject+id, nil)
	}
}
