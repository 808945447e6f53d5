// Package orchestrator runs workflow executions for the control plane: it
// commits an execution to the store before anything else happens, walks it
// with the engine while runners do the node work (Remote), records the
// outcome, and resumes the executions a stopped control plane left behind.
//
// Ownership is a lease in the store: the control plane that starts an
// execution owns it and keeps renewing the lease; when a control plane
// dies, another one (or itself, restarted) claims the execution once the
// lease ends and replays it: committed node results are reused, the rest
// are dispatched again.
package orchestrator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/control-plane/internal/tick"
	"github.com/weftrun/weft/control-plane/metrics"
	"github.com/weftrun/weft/store"
)

// Orchestrator starts, tracks and resumes executions.
type Orchestrator struct {
	store  store.Store
	remote *Remote
	spec   engine.SpecFunc
	owner  string
	lease  time.Duration
	logf   func(format string, args ...any)
	met    *metrics.Registry
	// publicURL is Options.PublicURL without a trailing slash.
	publicURL string

	base    context.Context
	mu      sync.Mutex
	running map[string]*Handle
	wfs     sync.Map // wfVersionKey -> *loadedWorkflow
	sched   schedules
	wg      sync.WaitGroup
}

// Options configure an Orchestrator.
type Options struct {
	// Owner names this control plane in execution leases; it must be
	// unique among running control planes.
	Owner string
	// Lease is how long an execution stays with its control plane without
	// a renewal (default 30s).
	Lease time.Duration
	// Spec tells the executor node type facts (nodes.Core.NodeSpec).
	Spec engine.SpecFunc
	// Logf reports problems; nil discards them.
	Logf func(format string, args ...any)
	// Metrics, when set, counts executions.
	Metrics *metrics.Registry
	// PublicURL is the server's base URL as users reach it, for the
	// execution links error workflows receive.
	PublicURL string
}

// New returns an orchestrator whose executions live until base ends.
func New(base context.Context, st store.Store, remote *Remote, o Options) *Orchestrator {
	if o.Lease <= 0 {
		o.Lease = 30 * time.Second
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if o.Spec == nil {
		o.Spec = engine.DefaultSpec
	}
	orch := &Orchestrator{store: st, remote: remote, spec: o.Spec, owner: o.Owner, lease: o.Lease, logf: o.Logf, met: o.Metrics, publicURL: strings.TrimSuffix(o.PublicURL, "/"),
		base: base, running: map[string]*Handle{}}
	if err := orch.listenForStops(); err != nil {
		o.Logf("stop requests from other control planes will not reach this one: %v", err)
	}
	return orch
}

func (o *Orchestrator) leaseEnd() time.Time { return time.Now().Add(o.lease) }

// StartRequest says what to run.
type StartRequest struct {
	WorkflowID string
	// Version is the workflow version to run; 0 runs the current one.
	Version int
	// Mode is how it started: manual, webhook, trigger, retry, …
	Mode string
	// StartNode and StartData as in engine.StartOptions.
	StartNode string
	StartData [][]api.Item
	RetryOf   string
	ParentID  string
}

// Handle follows one execution this control plane runs.
type Handle struct {
	ID   string
	done chan struct{}
	// ran is closed when the walk has ended and exec holds the outcome,
	// before that outcome is in the store.
	ran    chan struct{}
	exec   *engine.Execution
	err    error
	cancel context.CancelFunc
	// stopped is set when the execution was stopped on request.
	stopped atomic.Bool
	// response receives the first HTTP response a node asked for
	// (Respond to Webhook).
	response  chan json.RawMessage
	responded sync.Once
	// pending holds results runners handed over that this execution has
	// not committed yet.
	pending pendingResults
}

// pendingResults are results an execution received but has not committed:
// each is committed before anything that depends on it goes out durably
// (the next task, a parked wait, an outcome other than success), or with
// the execution's successful outcome, which holds it in its run data. Its
// task is acknowledged only then, so a control plane that dies first
// leaves the task to run again. A webhook's answer may go out before: it
// is not kept, and the execution it came from is.
type pendingResults struct {
	mu   sync.Mutex
	list []*pendingResult
}

func (p *pendingResults) add(r *pendingResult) {
	p.mu.Lock()
	p.list = append(p.list, r)
	p.mu.Unlock()
}

func (p *pendingResults) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.list)
}

func (p *pendingResults) take() []*pendingResult {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.list
	p.list = nil
	return l
}

// commit stores the pending results, then acknowledges their tasks. On
// failure they stay pending.
func (p *pendingResults) commit(ctx context.Context, st store.Store) error {
	l := p.take()
	if len(l) == 0 {
		return nil
	}
	rows := make([]store.TaskResult, len(l))
	for i, r := range l {
		rows[i] = r.row
	}
	if err := st.SaveTaskResults(ctx, rows); err != nil {
		p.mu.Lock()
		p.list = append(l, p.list...)
		p.mu.Unlock()
		return err
	}
	for _, r := range l {
		r.acked()
	}
	return nil
}

// committed acknowledges the tasks of results the store now holds otherwise
// (in the outcome's run data).
func (p *pendingResults) committed() {
	for _, r := range p.take() {
		r.acked()
	}
}

// Response delivers the HTTP response the execution's Respond to Webhook
// node asked for, as soon as that node has run; it never delivers when no
// such node runs (wait for Done as well).
func (h *Handle) Response() <-chan json.RawMessage { return h.response }

// Execution returns the execution's outcome once Ran or Done is closed
// (nil before).
func (h *Handle) Execution() *engine.Execution {
	select {
	case <-h.ran:
		return h.exec
	default:
		return nil
	}
}

// Ran is closed when the execution's outcome is known, before it is
// recorded (Done follows once it is). A webhook answering with the last
// node's output needs no more: the execution is in the store, and a
// control plane that died before recording the outcome leaves it to be
// resumed elsewhere, its node results committed or their tasks not yet
// acknowledged (the tasks run again, as they do when a runner dies).
func (h *Handle) Ran() <-chan struct{} { return h.ran }

// Done is closed when the execution has finished and been recorded.
func (h *Handle) Done() <-chan struct{} { return h.done }

// Parked reports, once Ran or Done is closed, whether the walk ended with
// the execution parked at a Wait node: it goes on when resumed.
func (h *Handle) Parked() bool {
	select {
	case <-h.ran:
		return errors.Is(h.err, errParked)
	default:
		return false
	}
}

// Wait waits for the execution to finish and returns it (with its error
// when it could not be carried out).
func (h *Handle) Wait(ctx context.Context) (*engine.Execution, error) {
	select {
	case <-h.done:
		return h.exec, h.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type loadedWorkflow struct {
	wf      *api.Workflow
	key     string
	version int
	// usesStatic: a node may read the workflow's static data.
	usesStatic bool
}

func wfVersionKey(id string, version int) string { return id + "@" + strconv.Itoa(version) }

// workflow loads and publishes a workflow version, once per version.
func (o *Orchestrator) workflow(ctx context.Context, id string, version int) (*loadedWorkflow, error) {
	if version > 0 {
		if lw, ok := o.wfs.Load(wfVersionKey(id, version)); ok {
			return lw.(*loadedWorkflow), nil
		}
	}
	var doc json.RawMessage
	if version > 0 {
		v, err := o.store.GetVersion(ctx, id, version)
		if err != nil {
			return nil, err
		}
		doc = v.Document
	} else {
		w, err := o.store.GetWorkflow(ctx, id)
		if err != nil {
			return nil, err
		}
		version, doc = w.Version, w.Document
		if lw, ok := o.wfs.Load(wfVersionKey(id, version)); ok {
			return lw.(*loadedWorkflow), nil
		}
	}
	wf, err := api.ParseWorkflow(doc)
	if err != nil {
		return nil, fmt.Errorf("workflow %s version %d: %w", id, version, err)
	}
	wf.ID = id
	key, err := o.remote.PutWorkflow(ctx, id, doc)
	if err != nil {
		return nil, err
	}
	lw := &loadedWorkflow{wf: wf, key: key, version: version, usesStatic: bytes.Contains(doc, []byte("$getWorkflowStaticData"))}
	actual, _ := o.wfs.LoadOrStore(wfVersionKey(id, version), lw)
	return actual.(*loadedWorkflow), nil
}

// workflowOf loads what an execution runs: a saved version, or the
// document it was given.
func (o *Orchestrator) workflowOf(ctx context.Context, e *store.Execution) (*loadedWorkflow, error) {
	if e.WorkflowDoc != nil {
		return o.documentWorkflow(ctx, e.WorkflowDoc)
	}
	return o.workflow(ctx, e.WorkflowID, e.WorkflowVersion)
}

// documentWorkflow loads and publishes a workflow document that is no
// saved version (a sub-workflow given as JSON or as a file), once per
// document. Its $workflow.id is the document's own id, if any.
func (o *Orchestrator) documentWorkflow(ctx context.Context, doc json.RawMessage) (*loadedWorkflow, error) {
	sum := sha256.Sum256(doc)
	cacheKey := "doc:" + hex.EncodeToString(sum[:])
	if lw, ok := o.wfs.Load(cacheKey); ok {
		return lw.(*loadedWorkflow), nil
	}
	wf, err := api.ParseWorkflow(doc)
	if err != nil {
		return nil, fmt.Errorf("workflow document: %w", err)
	}
	key, err := o.remote.PutWorkflow(ctx, wf.ID, doc)
	if err != nil {
		return nil, err
	}
	actual, _ := o.wfs.LoadOrStore(cacheKey, &loadedWorkflow{wf: wf, key: key})
	return actual.(*loadedWorkflow), nil
}

// Start commits a new execution and runs it in the background. When Start
// returns without error the execution is in the store: it will finish even
// if this control plane dies.
func (o *Orchestrator) Start(ctx context.Context, req StartRequest) (*Handle, error) {
	lw, err := o.workflow(ctx, req.WorkflowID, req.Version)
	if err != nil {
		return nil, err
	}
	// Binary data goes to the blob store before anything holds it.
	if req.StartData, err = o.remote.Codec.DeflateItems(ctx, req.StartData); err != nil {
		return nil, fmt.Errorf("start data: %w", err)
	}
	var startData json.RawMessage
	if req.StartData != nil {
		startData = itemListsJSON(req.StartData)
	}
	mode := req.Mode
	if mode == "" {
		mode = "manual"
	}
	e, err := o.store.CreateExecution(ctx, &store.Execution{
		WorkflowID: req.WorkflowID, WorkflowVersion: lw.version, Status: store.StatusRunning, Mode: mode,
		StartNode: req.StartNode, StartData: startData, RetryOf: req.RetryOf, ParentID: req.ParentID,
		Owner: o.owner, LeaseUntil: o.leaseEnd(),
	})
	if err != nil {
		return nil, err
	}
	return o.launch(e, lw, req.StartData, nil, false), nil
}

// itemListsJSON encodes start data as the store keeps it. Items are JSON
// by the time they get here (decoded from a request, made by a trigger,
// or a node's checked output).
func itemListsJSON(lists [][]api.Item) json.RawMessage {
	b := bytes.NewBuffer(make([]byte, 0, api.ItemListsSize(lists)))
	api.WriteItemLists(b, lists)
	return b.Bytes()
}

// launch runs a committed execution in the background.
func (o *Orchestrator) launch(e *store.Execution, lw *loadedWorkflow, startData [][]api.Item, prior map[string]json.RawMessage, stopped bool) *Handle {
	if o.met != nil {
		o.met.ExecutionsStarted.Inc(e.Mode)
	}
	ctx, cancel := context.WithCancel(o.base)
	h := &Handle{ID: e.ID, done: make(chan struct{}), ran: make(chan struct{}), cancel: cancel, response: make(chan json.RawMessage, 1)}
	h.stopped.Store(stopped)
	o.mu.Lock()
	o.running[e.ID] = h
	o.mu.Unlock()
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		defer cancel()
		o.execute(ctx, h, e, lw, startData, prior)
	}()
	return h
}

// execDispatcher is the engine's dispatcher for one execution.
type execDispatcher struct {
	o     *Orchestrator
	r     *Remote
	h     *Handle
	e     *store.Execution
	key   string
	prior map[string]json.RawMessage
}

func (d execDispatcher) Run(ctx context.Context, t *engine.NodeTask) (*engine.NodeResult, error) {
	if d.h.stopped.Load() {
		if _, replayed := d.prior[bus.TaskID(t.ExecutionID, t.Node.Name, t.RunIndex, t.Try)]; !replayed {
			// Stopped: nothing new runs.
			d.h.cancel()
			return nil, context.Canceled
		}
	}
	// What this task is computed from is committed before it goes out.
	if err := d.commitPending(ctx); err != nil {
		return nil, err
	}
	res, err := d.r.dispatch(ctx, t, d.key, d.prior, &d.h.pending)
	if err != nil || res == nil {
		return res, err
	}
	if res.SubRun != nil && res.Error == nil {
		return d.subRun(ctx, t, res)
	}
	if res.Response != nil && res.Error == nil {
		// Answered from results maybe not committed yet: their tasks stay
		// unacknowledged until they are (see Ran).
		d.h.responded.Do(func() { d.h.response <- res.Response })
	}
	if res.Wait != nil && res.Error == nil {
		if err := d.commitPending(ctx); err != nil {
			return nil, err
		}
		if d.h.stopped.Load() {
			// Stopped while it waited: it ends at its Wait node.
			d.h.cancel()
			return nil, context.Canceled
		}
		if err := d.o.handleWait(ctx, t, res.Wait); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (d execDispatcher) commitPending(ctx context.Context) error {
	if d.h.pending.len() == 0 {
		return nil
	}
	return retry(ctx, func() error { return d.h.pending.commit(ctx, d.o.store) })
}

func (o *Orchestrator) execute(ctx context.Context, h *Handle, e *store.Execution, lw *loadedWorkflow, startData [][]api.Item, prior map[string]json.RawMessage) {
	defer func() {
		o.mu.Lock()
		delete(o.running, e.ID)
		o.mu.Unlock()
		select {
		case <-h.ran:
		default:
			close(h.ran)
		}
		close(h.done)
	}()
	x := engine.New(execDispatcher{o: o, r: o.remote, h: h, e: e, key: lw.key, prior: prior}, engine.WithSpec(o.spec), engine.WithObserver(o.observer(e.ID)))
	opts := engine.StartOptions{
		ExecutionID: e.ID, StartNode: e.StartNode, StartData: startData, Mode: e.Mode, PublicURL: o.publicURL,
		IgnorePinData: e.Mode != "manual", StartedAt: e.StartedAt,
	}
	if lw.usesStatic {
		if w, err := o.store.GetWorkflow(ctx, e.WorkflowID); err == nil {
			opts.StaticData = w.StaticData
		}
	}
	exec, runErr := x.Run(ctx, lw.wf, opts)
	h.exec, h.err = exec, runErr
	stopped := h.stopped.Load()
	// A successful outcome holds the results still pending in its run data
	// and commits them with itself; any other outcome needs them as task
	// results (a retry starts from them), committed first.
	withOutcome := runErr == nil && !stopped && exec != nil && exec.Status == store.StatusSuccess && h.pending.len() > 0
	if !withOutcome && h.pending.len() > 0 {
		if err := retry(o.base, func() error { return h.pending.commit(o.base, o.store) }); err != nil {
			o.logf("execution %s: committing node results: %v", e.ID, err)
		}
	}
	if runErr == nil && !stopped && exec != nil && exec.Status != "" {
		// The outcome is final. Whoever only needs it may go on now; the
		// results it holds are committed, or, pending, their tasks stay
		// unacknowledged until its record commits them (see Ran).
		close(h.ran)
	}
	if runErr != nil && o.base.Err() != nil && !stopped {
		// This control plane is shutting down: the execution stays
		// running in the store and is resumed by whoever comes next.
		return
	}
	if errors.Is(runErr, errParked) {
		// Parked at a Wait node: the store holds it until it is due.
		return
	}
	status, lastNode := store.StatusError, ""
	var errDoc, runData, logs json.RawMessage
	if exec != nil {
		status, lastNode = exec.Status, exec.LastNodeExecuted
		runData = engine.RunDataJSON(exec.RunData)
		if len(exec.Logs) > 0 {
			logs, _ = json.Marshal(exec.Logs)
		}
		if exec.Error != nil {
			errDoc, _ = json.Marshal(exec.Error)
		}
	}
	if stopped {
		status = store.StatusCanceled
		errDoc, _ = json.Marshal(map[string]string{"message": "the execution was stopped"})
	} else if runErr != nil && errDoc == nil {
		errDoc, _ = json.Marshal(map[string]string{"message": runErr.Error()})
		if status == store.StatusSuccess || status == "" {
			status = store.StatusError
		}
	}
	fctx := context.WithoutCancel(o.base)
	recordCtx := fctx
	if o.Running() > 1 {
		// The outcome is out; with other executions writing too, its
		// record can share one of their commits.
		recordCtx = store.Unhurried(fctx)
	}
	if err := retry(o.base, func() error {
		return o.store.FinishExecution(recordCtx, e.ID, status, errDoc, lastNode, runData, logs)
	}); err != nil {
		o.logf("execution %s: recording the outcome: %v", e.ID, err)
	} else if withOutcome {
		h.pending.committed()
	}
	// As n8n does, manual runs do not keep what they put in static data;
	// nor do sub-workflows given as documents, which have none of their
	// own.
	if exec != nil && exec.StaticDataChanged && e.Mode != "manual" && e.WorkflowDoc == nil {
		if err := o.store.SetStaticData(fctx, e.WorkflowID, exec.StaticData); err != nil {
			o.logf("execution %s: saving the workflow's static data: %v", e.ID, err)
		}
	}
	o.publishEvent(Event{Type: "executionFinished", ExecutionID: e.ID, Status: status})
	if e.ParentID != "" && e.Mode == ModeIntegrated {
		// Its parent may be parked until it ended.
		o.wakeParent(o.base, e.ParentID)
	}
	if status == store.StatusError {
		o.startErrorWorkflow(e, lw.wf, exec, errDoc)
	}
	if o.met != nil {
		o.met.ExecutionsFinished.Inc(status)
	}
}

// Stop stops an execution running here; false when it is not.
func (o *Orchestrator) Stop(id string) bool {
	return o.stopHere(id) != nil
}

// stopHere stops an execution running here and returns its handle, or
// nil when it does not run here.
func (o *Orchestrator) stopHere(id string) *Handle {
	o.mu.Lock()
	h := o.running[id]
	o.mu.Unlock()
	if h == nil {
		return nil
	}
	h.stopped.Store(true)
	h.cancel()
	return h
}

// InflateItems puts binary data kept in the blob store back into items,
// for whoever needs the bytes (a webhook answering with a file).
func (o *Orchestrator) InflateItems(ctx context.Context, items []api.Item) ([]api.Item, error) {
	out, err := o.remote.Codec.InflateItems(ctx, [][]api.Item{items})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Handle returns the handle of an execution running here.
func (o *Orchestrator) Handle(id string) *Handle {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.running[id]
}

// runningIDs returns the ids of the executions running here.
func (o *Orchestrator) runningIDs() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	ids := make([]string, 0, len(o.running))
	for id := range o.running {
		ids = append(ids, id)
	}
	return ids
}

// Running returns how many executions run here.
func (o *Orchestrator) Running() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.running)
}

// Resume claims running executions whose lease has ended (every running
// one with takeOver, for a control plane that knows it is alone) and
// resumes them. It returns how many it resumed.
func (o *Orchestrator) Resume(ctx context.Context, takeOver bool) (int, error) {
	n := 0
	for {
		es, err := o.store.ClaimExecutions(ctx, o.owner, time.Now().Add(o.lease), 100, takeOver)
		if err != nil {
			return n, err
		}
		for _, e := range es {
			if o.Handle(e.ID) != nil {
				continue
			}
			if _, err := o.resumeOne(ctx, e, false); err != nil {
				o.logf("execution %s: cannot resume: %v", e.ID, err)
				errDoc, _ := json.Marshal(map[string]string{"message": "could not be resumed: " + err.Error()})
				_ = o.store.FinishExecution(ctx, e.ID, store.StatusError, errDoc, "", nil, nil)
				continue
			}
			n++
		}
		if len(es) < 100 {
			return n, nil
		}
	}
}

// resumeOne runs a claimed execution again from its committed results;
// stopped, it replays them and ends where it would run something new or
// wait.
func (o *Orchestrator) resumeOne(ctx context.Context, e *store.Execution, stopped bool) (*Handle, error) {
	lw, err := o.workflowOf(ctx, e)
	if err != nil {
		return nil, err
	}
	var startData [][]api.Item
	if len(e.StartData) > 0 {
		if err := json.Unmarshal(e.StartData, &startData); err != nil {
			return nil, fmt.Errorf("start data: %w", err)
		}
	}
	prior, err := o.store.TaskResults(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	o.logf("execution %s: resuming with %d committed node results", e.ID, len(prior))
	return o.launch(e, lw, startData, prior, stopped), nil
}

// Maintain renews this control plane's leases and claims abandoned
// executions until ctx ends; then it waits for running executions to
// notice the end of the base context.
func (o *Orchestrator) Maintain(ctx context.Context) {
	// Every second: parked waits end on time, to the second, and an
	// abandoned execution is claimed as soon as its lease ends. Both walk
	// the status index past the entries of executions finished since the
	// last look (Postgres keeps them until it vacuums); a walk every
	// second is a tenth of one every ten, and holds the CPU for as much
	// less, in the way of requests under load.
	look := func() {
		if err := o.WakeDue(ctx); err != nil && !errors.Is(err, context.Canceled) {
			o.logf("waking waiting executions: %v", err)
		}
		if _, err := o.Resume(ctx, false); err != nil && !errors.Is(err, context.Canceled) {
			o.logf("claiming abandoned executions: %v", err)
		}
	}
	look()
	go tick.Every(ctx, lookEvery, look)
	tick.Every(ctx, o.lease/3, func() {
		if ids := o.runningIDs(); len(ids) > 0 {
			if _, err := o.store.RenewLeases(ctx, o.owner, ids, time.Now().Add(o.lease)); err != nil && !errors.Is(err, context.Canceled) {
				o.logf("renewing leases: %v", err)
			}
		}
	})
}

// lookEvery is how often due waits and ended leases are looked for.
const lookEvery = time.Second

// Wait waits until every execution launched here has returned.
func (o *Orchestrator) Wait() { o.wg.Wait() }
