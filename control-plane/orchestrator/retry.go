package orchestrator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/store"
)

// ErrNotRetryable is returned for a retry of an execution that did not
// fail.
var ErrNotRetryable = errors.New("only a failed or stopped execution can be retried")

// RetryRequest says how to retry an execution.
type RetryRequest struct {
	ExecutionID string
	// FromFailedNode reuses the results of every node run that succeeded
	// and runs again from the node that failed; otherwise the workflow
	// runs from the start with the same input.
	FromFailedNode bool
	// CurrentVersion runs the workflow's current version instead of the
	// version the execution ran.
	CurrentVersion bool
}

// Retry starts a new execution (mode "retry", RetryOf set) from a failed
// one.
func (o *Orchestrator) Retry(ctx context.Context, req RetryRequest) (*Handle, error) {
	old, err := o.store.GetExecution(ctx, req.ExecutionID)
	if err != nil {
		return nil, err
	}
	if old.Status != store.StatusError && old.Status != store.StatusCanceled {
		return nil, fmt.Errorf("execution %s is %s: %w", old.ID, old.Status, ErrNotRetryable)
	}
	// A sub-workflow given as a document runs it again, whatever version
	// its caller's workflow is at, and keeps belonging to the one it did.
	var lw *loadedWorkflow
	version := old.WorkflowVersion
	if req.CurrentVersion && old.WorkflowDoc == nil {
		lw, err = o.workflow(ctx, old.WorkflowID, 0)
		if lw != nil {
			version = lw.version
		}
	} else {
		lw, err = o.workflowOf(ctx, old)
	}
	if err != nil {
		return nil, err
	}
	var startData [][]api.Item
	if len(old.StartData) > 0 {
		if err := json.Unmarshal(old.StartData, &startData); err != nil {
			return nil, fmt.Errorf("execution %s start data: %w", old.ID, err)
		}
	}
	e, err := o.store.CreateExecution(ctx, &store.Execution{
		WorkflowID: old.WorkflowID, WorkflowVersion: version, Status: store.StatusRunning, Mode: "retry",
		StartNode: old.StartNode, StartData: old.StartData, RetryOf: old.ID, ParentID: old.ParentID, WorkflowDoc: old.WorkflowDoc,
		Owner: o.owner, LeaseUntil: o.leaseEnd(),
	})
	if err != nil {
		return nil, err
	}
	var prior map[string]json.RawMessage
	if req.FromFailedNode && len(old.RunData) > 0 {
		if prior, err = o.carryOver(ctx, old, e.ID); err != nil {
			errDoc, _ := json.Marshal(map[string]string{"message": "could not carry over the results of " + old.ID + ": " + err.Error()})
			_ = o.store.FinishExecution(context.WithoutCancel(ctx), e.ID, store.StatusError, errDoc, "", nil, nil)
			return nil, err
		}
	}
	return o.launch(e, lw, startData, prior, false), nil
}

// carryOver commits the successful node runs of an old execution as the
// new execution's results, so the executor replays them instead of
// dispatching, and returns them. A run's result comes from the old
// execution's kept task results when there is one, so the node state it
// left (Loop Over Items' remaining items) goes on; otherwise from its run
// data.
func (o *Orchestrator) carryOver(ctx context.Context, old *store.Execution, newID string) (map[string]json.RawMessage, error) {
	var runData map[string][]engine.TaskData
	if err := json.Unmarshal(old.RunData, &runData); err != nil {
		return nil, fmt.Errorf("run data: %w", err)
	}
	kept, err := o.store.TaskResults(ctx, old.ID)
	if err != nil {
		return nil, err
	}
	prior := map[string]json.RawMessage{}
	var rows []store.TaskResult
	for node, runs := range runData {
		for i, r := range runs {
			if r.ExecutionStatus != engine.StatusSuccess || r.Error != nil {
				continue
			}
			id := bus.TaskID(newID, node, i, 0)
			res := keptResult(kept, old.ID, node, i)
			if res == nil {
				outs := r.Outputs()
				if outs == nil {
					outs = [][]api.Item{}
				}
				res = &bus.Result{Outputs: outs}
			}
			// Shown as it ran then, not as now.
			res.ID, res.ExecutionID, res.StartTime, res.ExecutionTime = id, newID, r.StartTime, r.ExecutionTime
			b, err := json.Marshal(res)
			if err != nil {
				return nil, err
			}
			prior[id] = b
			rows = append(rows, store.TaskResult{TaskID: id, ExecutionID: newID, Result: b})
		}
	}
	if err := o.store.SaveTaskResults(ctx, rows); err != nil {
		return nil, err
	}
	return prior, nil
}

// keptResult returns the kept result of the last attempt at run of node,
// reduced to what a replay of a finished run needs (its outputs and node
// state: not its logs, answer, wait or static data, which belonged to the
// old execution), or nil when there is none that succeeded, or when the
// run's outputs came from sub-executions (its run data holds them).
func keptResult(kept map[string]json.RawMessage, execID, node string, run int) *bus.Result {
	var raw json.RawMessage
	for try := 0; ; try++ {
		b, ok := kept[bus.TaskID(execID, node, run, try)]
		if !ok {
			break
		}
		raw = b
	}
	var res bus.Result
	if raw == nil || json.Unmarshal(raw, &res) != nil || res.Error != nil || res.Failure != "" || res.Wait != nil || res.SubRun != nil {
		return nil
	}
	return &bus.Result{Outputs: res.Outputs, NodeState: res.NodeState, PayloadRef: res.PayloadRef}
}

// StopSubject carries stop requests to whichever control plane runs an
// execution: weft.stop.<execution id>.
const StopSubject = "weft.stop."

// BusError says why the message bus cannot carry work now; nil when
// this control plane is connected to NATS.
func (o *Orchestrator) BusError() error {
	if st := o.remote.nc.Status(); st != nats.CONNECTED {
		return fmt.Errorf("the connection to NATS is %s", strings.ToLower(st.String()))
	}
	return nil
}

// RequestStop stops an execution here, or asks the control plane running
// it to. It returns the execution's handle when it was running here.
func (o *Orchestrator) RequestStop(id string) (*Handle, error) {
	if h := o.stopHere(id); h != nil {
		return h, nil
	}
	return nil, o.remote.nc.Publish(StopSubject+id, nil)
}

// StopWaiting stops an execution parked at a Wait node. It is claimed
// from the store and run here to its Wait node, replaying what its nodes
// committed, and ends there as canceled with their run data.
// ErrNotWaiting when it does not wait (it runs again, or has ended).
func (o *Orchestrator) StopWaiting(ctx context.Context, id string) (*Handle, error) {
	e, err := o.store.ClaimWaiting(ctx, id, o.owner, o.leaseEnd())
	if errors.Is(err, store.ErrConflict) {
		return nil, fmt.Errorf("execution %s: %w", id, ErrNotWaiting)
	}
	if err != nil {
		return nil, err
	}
	h, err := o.resumeOne(ctx, e, true)
	if err != nil {
		// Its run cannot be replayed: it ends without run data.
		o.logf("execution %s: cannot replay the stopped execution: %v", id, err)
		errDoc, _ := json.Marshal(map[string]string{"message": "the execution was stopped"})
		if ferr := o.store.FinishExecution(context.WithoutCancel(ctx), id, store.StatusCanceled, errDoc, "", nil, nil); ferr != nil {
			return nil, ferr
		}
		return nil, nil
	}
	return h, nil
}

// listenForStops makes this control plane honour stop requests sent to
// any control plane.
func (o *Orchestrator) listenForStops() error {
	sub, err := o.remote.nc.Subscribe(StopSubject+"*", func(m *nats.Msg) {
		o.Stop(m.Subject[len(StopSubject):])
	})
	if err != nil {
		return err
	}
	go func() {
		<-o.base.Done()
		_ = sub.Unsubscribe()
	}()
	return nil
}
