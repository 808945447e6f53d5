// Package store keeps Weft's state: workflows with their immutable versions,
// executions with their run data, and an event log of changes. One
// implementation (sqlstore) serves SQLite for the embedded mode and Postgres
// for the distributed mode; one test suite (storetest) runs against both.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Errors every implementation returns (wrapped or as is).
var (
	// ErrNotFound: no such workflow, version or execution.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the caller's version of the record is not the current
	// one (optimistic concurrency: someone else changed it first).
	ErrConflict = errors.New("version conflict")
)

// Workflow is a stored workflow: its current version's document and the
// version that runs when it is triggered (ActiveVersion, 0 when inactive).
type Workflow struct {
	ID            string
	Name          string
	Version       int
	ActiveVersion int
	// Document is the n8n workflow export of the current version, byte for
	// byte as it was saved.
	Document json.RawMessage
	// StaticData is what its executions kept with $getWorkflowStaticData
	// (nil until one does); GetWorkflow fills it.
	StaticData json.RawMessage
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Active reports whether the workflow's triggers are enabled.
func (w *Workflow) Active() bool { return w.ActiveVersion > 0 }

// WorkflowVersion is one immutable saved version of a workflow.
type WorkflowVersion struct {
	WorkflowID string
	Version    int
	Name       string
	Document   json.RawMessage
	CreatedAt  time.Time
}

// Execution statuses.
const (
	StatusNew      = "new"
	StatusRunning  = "running"
	StatusSuccess  = "success"
	StatusError    = "error"
	StatusCanceled = "canceled"
	StatusWaiting  = "waiting"
)

// Execution is one run of a workflow version.
type Execution struct {
	ID              string
	WorkflowID      string
	WorkflowVersion int
	Status          string
	// Mode is how it started: manual, webhook, trigger, retry, integrated
	// (a sub-workflow), error.
	Mode       string
	StartedAt  time.Time
	FinishedAt time.Time // zero while it runs
	// Error is the failure document ({"node", "message", …}), if any.
	Error            json.RawMessage
	LastNodeExecuted string
	// RetryOf and ParentID link retries and sub-workflow runs.
	RetryOf  string
	ParentID string
	// RunData is n8n's runData document and Logs the lines nodes logged;
	// GetExecution fills them, ListExecutions does not.
	RunData json.RawMessage
	Logs    json.RawMessage
	// StartNode and StartData are where the execution starts and with
	// what input (n8n's [[items]] per input; nil: one empty item), kept so
	// any control plane can resume it. GetExecution and ClaimExecutions
	// fill StartData.
	StartNode string
	StartData json.RawMessage
	// WorkflowDoc, when set, is the workflow document the execution runs
	// instead of WorkflowVersion's: a sub-workflow an Execute Workflow
	// node of that version gave as JSON or as a file. GetExecution,
	// ClaimExecutions and ClaimWaiting fill it.
	WorkflowDoc json.RawMessage
	// Owner is the control plane running the execution, until LeaseUntil.
	Owner      string
	LeaseUntil time.Time
	// A waiting execution resumes at WaitUntil (zero: only through a
	// webhook call), or, with WaitWebhook, when /webhook-waiting/{id} is
	// called with WaitMethod (any method when empty); WaitTask is the Wait
	// node's task.
	WaitUntil   time.Time
	WaitTask    string
	WaitWebhook bool
	WaitMethod  string
}

// TaskResult is one node result committed for an execution, keyed by task
// ID (execution/node/run/try).
type TaskResult struct {
	TaskID      string
	ExecutionID string
	Result      json.RawMessage
}

// Page asks for one page of a list: the items after the cursor a previous
// page returned ("" for the first page), at most Limit of them.
type Page struct {
	After string
	Limit int
}

// ExecutionFilter narrows ListExecutions; zero fields match everything.
type ExecutionFilter struct {
	WorkflowID string
	Status     string
	// ParentID matches the executions an execution started: its Execute
	// Workflow nodes' sub-executions (and retries of them), and its error
	// workflow's execution.
	ParentID string
	// StartedAfter and StartedBefore bound StartedAt (inclusive, exclusive).
	StartedAfter  time.Time
	StartedBefore time.Time
}

// Event is one entry of the change log.
type Event struct {
	ID          int64
	At          time.Time
	Kind        string // workflow.created, workflow.updated, …, execution.finished
	WorkflowID  string
	ExecutionID string
	Detail      json.RawMessage
}

// Store is Weft's state.
type Store interface {
	// CreateWorkflow saves a new workflow as version 1.
	CreateWorkflow(ctx context.Context, name string, doc json.RawMessage) (*Workflow, error)
	// GetWorkflow returns a workflow with its current version's document.
	GetWorkflow(ctx context.Context, id string) (*Workflow, error)
	// UpdateWorkflow saves a new version if the current version is
	// ifVersion, else returns ErrConflict.
	UpdateWorkflow(ctx context.Context, id string, ifVersion int, name string, doc json.RawMessage) (*Workflow, error)
	// DeleteWorkflow removes a workflow, its versions and its executions if
	// the current version is ifVersion (0: any). Executions of other
	// workflows parked until one of its executions ended are woken as
	// WakeWaiting does.
	DeleteWorkflow(ctx context.Context, id string, ifVersion int) error
	// ListWorkflows returns workflows by id, and the cursor of the next
	// page ("" after the last).
	ListWorkflows(ctx context.Context, p Page) ([]*Workflow, string, error)
	// ListVersions returns every version of a workflow, newest first.
	ListVersions(ctx context.Context, id string) ([]*WorkflowVersion, error)
	// GetVersion returns one version.
	GetVersion(ctx context.Context, id string, version int) (*WorkflowVersion, error)
	// SetStaticData replaces a workflow's static data.
	SetStaticData(ctx context.Context, id string, data json.RawMessage) error
	// SetWebhooks makes routes the webhook routes a workflow holds (none:
	// it holds none). A route another workflow holds fails the whole call
	// with a *RouteConflictError.
	SetWebhooks(ctx context.Context, workflowID string, routes []WebhookRoute) error
	// SetActiveVersion activates a version (0 deactivates).
	SetActiveVersion(ctx context.Context, id string, version int) (*Workflow, error)

	// CreateExecution saves a new execution (its ID is assigned when
	// empty) and returns it.
	CreateExecution(ctx context.Context, e *Execution) (*Execution, error)
	// FinishExecution records the outcome of an execution, with its run
	// data and the lines its nodes logged (a JSON array, or nil). A
	// successful execution's task results are dropped (the run data holds
	// them now); those of one that failed or was canceled are kept, with
	// the node state the run data lacks, for a retry from the failed node.
	FinishExecution(ctx context.Context, id, status string, errDoc json.RawMessage, lastNode string, runData, logs json.RawMessage) error
	// GetExecution returns an execution with its run data.
	GetExecution(ctx context.Context, id string) (*Execution, error)
	// ListExecutions returns executions newest first, without run data.
	ListExecutions(ctx context.Context, f ExecutionFilter, p Page) ([]*Execution, string, error)
	// DeleteExecution removes an execution and its run data; ErrConflict
	// while it runs (it would go on writing for rows that are gone). A
	// waiting sub-execution's parent, parked until it ends, is woken as
	// WakeWaiting does.
	DeleteExecution(ctx context.Context, id string) error

	// SaveTaskResults commits node results in one transaction. A task ID
	// already stored keeps its first result (results are idempotent); a
	// result of an execution that no longer exists is dropped.
	SaveTaskResults(ctx context.Context, rs []TaskResult) error
	// TaskResult returns the committed result of one task, or ErrNotFound.
	TaskResult(ctx context.Context, taskID string) (json.RawMessage, error)
	// TaskResults returns every result committed for an execution, by
	// task ID.
	TaskResults(ctx context.Context, executionID string) (map[string]json.RawMessage, error)
	// ClaimExecutions makes owner the owner, until until, of at most
	// limit running executions whose lease has ended (or, with
	// takeOver, of every running execution), and returns them with their
	// start data.
	ClaimExecutions(ctx context.Context, owner string, until time.Time, limit int, takeOver bool) ([]*Execution, error)
	// SuspendExecution parks a running execution at a Wait node: status
	// waiting, no owner; with webhook, a call to its waiting webhook with
	// method (any, when empty) resumes it; runData, when set, is the run
	// data of what ran before the wait, shown while it waits. ErrConflict
	// when it is not running.
	SuspendExecution(ctx context.Context, id string, until time.Time, taskID string, webhook bool, method string, runData json.RawMessage) error
	// WakeExecutions makes waiting executions whose time has come running
	// again, with an ended lease so ClaimExecutions hands them out; it
	// returns how many.
	WakeExecutions(ctx context.Context, now time.Time) (int, error)
	// WakeWaiting makes an execution that waits for its sub-executions
	// (waiting with neither a time nor a webhook call to wait for)
	// running again, with an ended lease so ClaimExecutions hands it out;
	// false when it does not wait so.
	WakeWaiting(ctx context.Context, id string) (bool, error)
	// ResumeWaiting replaces the result of a waiting execution's Wait
	// task (the webhook call's data) and makes it running again, in one
	// transaction. ErrConflict when it does not wait for a webhook call.
	ResumeWaiting(ctx context.Context, id string, result json.RawMessage) error
	// ClaimWaiting makes a waiting execution running again, owned by
	// owner until until, and returns it with its start data: whoever stops
	// it runs it to its Wait node, where it ends. ErrConflict when it does
	// not wait.
	ClaimWaiting(ctx context.Context, id, owner string, until time.Time) (*Execution, error)
	// SetSchedules makes entries the schedules of a workflow version:
	// rows of other nodes go; a node already scheduled for the same
	// version keeps its NextAt and LastFired; others take the entry's
	// NextAt. No entries removes the workflow's schedules.
	SetSchedules(ctx context.Context, workflowID string, version int, entries []Schedule) error
	// DueSchedules returns schedules whose NextAt is at or before now.
	DueSchedules(ctx context.Context, now time.Time, limit int) ([]Schedule, error)
	// FireSchedule records that s fired at firedAt (its NextAt as read)
	// and fires next at next, and when e is not nil commits e with it, in
	// one transaction. It returns false, committing nothing, when another
	// control plane fired that instant first (NextAt changed).
	FireSchedule(ctx context.Context, s Schedule, firedAt, next time.Time, e *Execution) (*Execution, bool, error)
	// RenewLeases extends the lease of the running executions among ids
	// that owner holds, and returns how many there are.
	RenewLeases(ctx context.Context, owner string, ids []string, until time.Time) (int, error)

	// PruneExecutions deletes finished executions started before
	// r.MaxAge ago, and the oldest finished ones beyond the newest
	// r.MaxCount, with their change log entries (one new entry records
	// the pruning and its count; such entries older than r.MaxAge go), in
	// transactions of at most r.Batch
	// executions so other writers are never blocked for long; after each
	// it rests four times as long as the transaction took, so pruning
	// holds the database at most a fifth of the time. It returns how many
	// it deleted.
	PruneExecutions(ctx context.Context, r Retention) (int, error)

	// BlobRefs calls f with every blob reference the stored data holds,
	// for a garbage collector of the blob store: anything in it that looks
	// like a reference ("sha256:" and 64 lowercase hex digits), and what
	// looks like one in the content of the blobs it names (run data kept
	// as a blob, payloads), except binary data, which names nothing. A
	// reference may be reported more than once. Rows are read in short
	// batches, so writers are never blocked for long; a reference
	// committed while BlobRefs runs may be missed (a collector spares
	// recent blobs for that), but one committed before it started is
	// reported even if its row moves meanwhile (results into run data).
	// It stops at the first error f returns, and returns it as is.
	BlobRefs(ctx context.Context, f func(ref string) error) error

	// Events returns change log entries after an event id, oldest first.
	Events(ctx context.Context, afterID int64, limit int) ([]*Event, error)

	// WorkflowEvents returns the entries about workflows (created,
	// updated, activated, …) after an event id, oldest first, passing over
	// the executions' entries without reading them.
	WorkflowEvents(ctx context.Context, afterID int64, limit int) ([]*Event, error)

	// LatestEventID returns the id of the change log's newest entry (0
	// when it is empty).
	LatestEventID(ctx context.Context) (int64, error)

	// Close releases the store's connections.
	Close() error
}

// Schedule is one Schedule Trigger node of an active workflow.
type Schedule struct {
	WorkflowID      string
	Node            string
	WorkflowVersion int
	// NextAt is the instant it fires next; LastFired the last one it
	// fired (zero: never).
	NextAt    time.Time
	LastFired time.Time
}

// WebhookRoute is a method and path an active workflow's Webhook node
// holds.
type WebhookRoute struct {
	Method, Path string
	Node         string
}

// RouteConflictError names the workflow already holding a webhook route; it
// wraps ErrConflict.
type RouteConflictError struct {
	Route      WebhookRoute
	WorkflowID string
}

func (e *RouteConflictError) Error() string {
	return fmt.Sprintf("%s /webhook/%s is already served by workflow %s", e.Route.Method, e.Route.Path, e.WorkflowID)
}

func (e *RouteConflictError) Unwrap() error { return ErrConflict }

// Retention says which executions to keep; zero fields keep everything.
type Retention struct {
	MaxAge   time.Duration
	MaxCount int
	// Batch is the number of executions deleted per transaction (default
	// 50: about 1-2 ms of SQLite's one connection at a time).
	Batch int
}

// DefaultPageSize and MaxPageSize bound list pages.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// Size returns the page size to use for p.
func (p Page) Size() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageSize
	case p.Limit > MaxPageSize:
		return MaxPageSize
	}
	return p.Limit
}

// EachWorkflow calls f with every workflow, a page at a time, and stops at
// the first error.
func EachWorkflow(ctx context.Context, st Store, f func(*Workflow) error) error {
	after := ""
	for {
		ws, next, err := st.ListWorkflows(ctx, Page{After: after, Limit: MaxPageSize})
		if err != nil {
			return err
		}
		for _, w := range ws {
			if err := f(w); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		after = next
	}
}
