package orchestrator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/store"
)

// errParked ends an execution's walk when a Wait node parked it in the
// store; it is not a failure.
var errParked = errors.New("the execution waits")

// ErrNotWaiting is returned when a webhook call tries to resume an
// execution that does not wait for one.
var ErrNotWaiting = errors.New("the execution is not waiting for a webhook call")

// WrongMethodError says a waiting execution's webhook was called with a
// method its Wait node does not accept.
type WrongMethodError struct {
	ExecutionID, Method, Want string
}

func (e *WrongMethodError) Error() string {
	return fmt.Sprintf("execution %s waits for a %s call, not %s", e.ExecutionID, e.Want, e.Method)
}

// parkShortest is the shortest wait parked in the store; shorter ones are
// slept through here (a Wait node's result replayed close to its end).
const parkShortest = 5 * time.Second

// handleWait acts on a node's request to pause the execution: a short
// remaining wait is slept through; anything else parks the execution in
// the store and ends this walk with errParked.
func (o *Orchestrator) handleWait(ctx context.Context, t *engine.NodeTask, w *engine.Wait) error {
	var until time.Time
	if w.Until > 0 {
		until = time.UnixMilli(w.Until)
		left := time.Until(until)
		if left <= 0 {
			return nil
		}
		if !w.Webhook && left < parkShortest {
			return engine.Sleep(ctx, left)
		}
	}
	id := bus.TaskID(t.ExecutionID, t.Node.Name, t.RunIndex, t.Try)
	// What ran before the wait is kept with it, for whoever looks at the
	// parked execution.
	if err := o.store.SuspendExecution(ctx, t.ExecutionID, until, id, w.Webhook, strings.ToUpper(w.Method), t.RunData.JSON()); err != nil {
		return err
	}
	o.publishEvent(Event{Type: "executionWaiting", ExecutionID: t.ExecutionID})
	return errParked
}

// WakeDue resumes parked executions whose time has come; Maintain calls
// it, and so can tests.
func (o *Orchestrator) WakeDue(ctx context.Context) error {
	n, err := o.store.WakeExecutions(ctx, time.Now())
	if err != nil || n == 0 {
		return err
	}
	_, err = o.Resume(ctx, false)
	return err
}

// WaitNode returns the Wait node an execution is parked at.
func (o *Orchestrator) WaitNode(ctx context.Context, e *store.Execution) (*api.WorkflowNode, error) {
	name, ok := bus.TaskNode(e.ID, e.WaitTask)
	if !ok {
		return nil, fmt.Errorf("execution %s: %w", e.ID, ErrNotWaiting)
	}
	lw, err := o.workflowOf(ctx, e)
	if err != nil {
		return nil, err
	}
	n := lw.wf.NodeByName(name)
	if n == nil {
		return nil, fmt.Errorf("execution %s waits at node %q, which its workflow lacks", e.ID, name)
	}
	return n, nil
}

// ResumeWebhook resumes an execution parked at a Wait node that waits for
// a webhook call, as e was read from the store (a resume since then makes
// this one fail with ErrNotWaiting): the call's item replaces the Wait
// node's output. The returned handle follows the resumed execution when
// it runs here.
func (o *Orchestrator) ResumeWebhook(ctx context.Context, e *store.Execution, method string, item api.Item) (*Handle, error) {
	id := e.ID
	switch {
	case e.Status != store.StatusWaiting:
		return nil, fmt.Errorf("execution %s is %s: %w", id, e.Status, ErrNotWaiting)
	case !e.WaitWebhook && e.WaitUntil.IsZero():
		return nil, fmt.Errorf("execution %s waits for an execution it started to end (GET /api/v1/executions?parentId=%s lists them): %w", id, id, ErrNotWaiting)
	case !e.WaitWebhook:
		return nil, fmt.Errorf("execution %s waits until %s: %w", id, e.WaitUntil.UTC().Format(time.RFC3339), ErrNotWaiting)
	}
	if e.WaitMethod != "" && !strings.EqualFold(method, e.WaitMethod) {
		return nil, &WrongMethodError{ExecutionID: id, Method: method, Want: e.WaitMethod}
	}
	outs, err := o.remote.Codec.DeflateItems(ctx, [][]api.Item{{item}})
	if err != nil {
		return nil, err
	}
	// The Wait node's run keeps the time it ran at (only that is read
	// of its result, which holds its input items too).
	var prev struct {
		StartTime     int64 `json:"startTime"`
		ExecutionTime int64 `json:"executionTime"`
	}
	if raw, err := o.store.TaskResult(ctx, e.WaitTask); err == nil {
		_ = json.Unmarshal(raw, &prev)
	}
	res, err := json.Marshal(bus.Result{ID: e.WaitTask, ExecutionID: id, Outputs: outs, StartTime: prev.StartTime, ExecutionTime: prev.ExecutionTime})
	if err != nil {
		return nil, err
	}
	if err := o.store.ResumeWaiting(ctx, id, res); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, fmt.Errorf("execution %s: %w", id, ErrNotWaiting)
		}
		return nil, err
	}
	claimed, err := o.store.ClaimExecutions(ctx, o.owner, o.leaseEnd(), 100, false)
	if err != nil {
		return nil, err
	}
	var h *Handle
	for _, c := range claimed {
		ch, err := o.resumeOne(ctx, c, false)
		if err != nil {
			o.logf("execution %s: cannot resume: %v", c.ID, err)
			continue
		}
		if c.ID == id {
			// The handle from the launch itself: the execution may end
			// before a lookup by id could find it running.
			h = ch
		}
	}
	return h, nil
}
