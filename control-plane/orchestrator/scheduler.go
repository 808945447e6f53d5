package orchestrator

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/internal/tick"
	"github.com/weftrun/weft/control-plane/schedule"
	"github.com/weftrun/weft/store"
)

// Schedule Trigger nodes of active workflows live in the store's schedule
// rows; every control plane looks for due rows each second and fires them
// with store.FireSchedule, which commits the execution in the transaction
// that moves the row to its next instant. Whichever control plane gets
// there first fires an instant; the others see the row moved and skip it.
// After downtime, schedule.Missed decides: at most the latest missed
// firing, and only within the grace window.

// schedules caches parsed schedules by workflow version and node.
type schedules struct {
	mu sync.Mutex
	m  map[string]*schedule.Schedule
}

func (o *Orchestrator) parsedSchedule(lw *loadedWorkflow, node string) (*schedule.Schedule, error) {
	key := wfVersionKey(lw.wf.ID, lw.version) + "/" + node
	o.sched.mu.Lock()
	defer o.sched.mu.Unlock()
	if s, ok := o.sched.m[key]; ok {
		return s, nil
	}
	n := lw.wf.NodeByName(node)
	if n == nil {
		return nil, fmt.Errorf("node %q is not in the workflow", node)
	}
	s, err := schedule.Parse(n, lw.wf.Settings.Timezone, schedule.WithWorkflowID(lw.wf.ID))
	if err != nil {
		return nil, err
	}
	if o.sched.m == nil {
		o.sched.m = map[string]*schedule.Schedule{}
	}
	o.sched.m[key] = s
	return s, nil
}

// SyncSchedules brings a workflow's schedule rows in line with its active
// version: its enabled Schedule Trigger nodes, or none when inactive or
// deleted.
func (o *Orchestrator) SyncSchedules(ctx context.Context, workflowID string) error {
	w, err := o.store.GetWorkflow(ctx, workflowID)
	if err != nil {
		return nil // deleted: its rows went with it
	}
	if !w.Active() {
		return o.store.SetSchedules(ctx, workflowID, 0, nil)
	}
	lw, err := o.workflow(ctx, workflowID, w.ActiveVersion)
	if err != nil {
		return err
	}
	now := time.Now()
	var entries []store.Schedule
	for _, n := range lw.wf.Nodes {
		if n.Type != schedule.NodeType || n.Disabled {
			continue
		}
		s, err := o.parsedSchedule(lw, n.Name)
		if err != nil {
			return err
		}
		if next := s.Next(now); !next.IsZero() {
			entries = append(entries, store.Schedule{Node: n.Name, NextAt: next})
		}
	}
	return o.store.SetSchedules(ctx, workflowID, w.ActiveVersion, entries)
}

// SyncAllSchedules syncs every workflow's schedules (at start).
func (o *Orchestrator) SyncAllSchedules(ctx context.Context) error {
	return store.EachWorkflow(ctx, o.store, func(w *store.Workflow) error {
		if err := o.SyncSchedules(ctx, w.ID); err != nil {
			o.logf("schedules of workflow %s: %v", w.ID, err)
		}
		return nil
	})
}

// FireDue fires the schedules that are due, and returns how many
// executions it started.
func (o *Orchestrator) FireDue(ctx context.Context) (int, error) {
	now := time.Now()
	due, err := o.store.DueSchedules(ctx, now, 100)
	if err != nil {
		return 0, err
	}
	started := 0
	for _, row := range due {
		lw, err := o.workflow(ctx, row.WorkflowID, row.WorkflowVersion)
		if err != nil {
			o.logf("schedule %s/%s: %v", row.WorkflowID, row.Node, err)
			continue
		}
		s, err := o.parsedSchedule(lw, row.Node)
		if err != nil {
			o.logf("schedule %s/%s: %v", row.WorkflowID, row.Node, err)
			continue
		}
		next := s.Next(now)
		if next.IsZero() {
			next = now.AddDate(100, 0, 0)
		}
		// The firing due now, or after downtime the latest missed one if
		// it is recent enough (schedule.Missed).
		fire, at := s.Missed(row.NextAt.Add(-time.Nanosecond), now)
		if !fire {
			if _, _, err := o.store.FireSchedule(ctx, row, now, next, nil); err != nil {
				o.logf("schedule %s/%s: %v", row.WorkflowID, row.Node, err)
			}
			o.logf("schedule %s/%s: skipped firings missed since %v (older than the grace window)", row.WorkflowID, row.Node, row.NextAt)
			continue
		}
		startData := [][]api.Item{{schedule.Item(at, s.Location())}}
		sd, _ := json.Marshal(startData)
		e, won, err := o.store.FireSchedule(ctx, row, at, next, &store.Execution{
			WorkflowID: row.WorkflowID, WorkflowVersion: row.WorkflowVersion, Status: store.StatusRunning, Mode: "trigger",
			StartNode: row.Node, StartData: sd, Owner: o.owner, LeaseUntil: o.leaseEnd(),
		})
		if err != nil {
			o.logf("schedule %s/%s: %v", row.WorkflowID, row.Node, err)
			continue
		}
		if !won {
			continue // another control plane fired it
		}
		o.launch(e, lw, startData, nil, false)
		started++
	}
	return started, nil
}

// RunSchedules fires due schedules every interval until ctx ends.
func (o *Orchestrator) RunSchedules(ctx context.Context, every time.Duration) {
	tick.Every(ctx, every, func() {
		if _, err := o.FireDue(ctx); err != nil && ctx.Err() == nil {
			o.logf("firing schedules: %v", err)
		}
	})
}
