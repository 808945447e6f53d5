// Package runner is Weft's stateless worker: it pulls node tasks from NATS
// JetStream, runs each in the core Wasm module and hands the result to a
// control plane, which commits it and then acknowledges the task (when no
// control plane listens, the runner puts the result in the results stream
// and acknowledges the task itself). It keeps nothing but caches: workflows
// come from the bus's workflow bucket by content key. Stopping it drains:
// it takes no new task, finishes the ones it holds, and hands back to
// JetStream (nak) whatever it cannot finish in time.
package runner

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/control-plane/engine"
)

// Executor runs one node task; *nodes.Core is one.
type Executor interface {
	Run(ctx context.Context, t *engine.NodeTask) (*engine.NodeResult, error)
}

// Runner pulls and runs node tasks.
type Runner struct {
	// NC is the connection to NATS.
	NC *nats.Conn
	// Exec runs the tasks.
	Exec Executor
	// ID names this runner in results and heartbeats.
	ID string
	// Concurrency is how many tasks run at once (default 1).
	Concurrency int
	// DrainTimeout bounds how long a stopping runner waits for the tasks
	// it holds (default 30s); the rest are handed back.
	DrainTimeout time.Duration
	// HeartbeatEvery is how often the runner announces itself (default
	// 5s); it also does when a control plane calls the roll.
	HeartbeatEvery time.Duration
	// InProgressEvery is how often a running task tells JetStream it is
	// still being worked on (default 10s; keep it under the consumer's
	// AckWait).
	InProgressEvery time.Duration
	// Logf reports problems; nil discards them.
	Logf func(format string, args ...any)
	// Codec moves large task and result payloads through the blob store.
	Codec bus.Codec

	done      atomic.Int64
	workflows wfCache
	handovers *handovers
}

// Done returns how many tasks this runner finished: their results handed
// to a control plane (which acknowledges the task once it has committed
// the result), or stored in the results stream and the task acknowledged.
func (r *Runner) Done() int64 { return r.done.Load() }

func (r *Runner) logf(format string, args ...any) {
	if r.Logf != nil {
		r.Logf(format, args...)
	}
}

// Run works until ctx ends, then drains and returns nil. It returns an
// error only when it cannot start (no JetStream, no consumer in time).
func (r *Runner) Run(ctx context.Context) error {
	js, err := jetstream.New(r.NC)
	if err != nil {
		return fmt.Errorf("runner: %w", err)
	}
	waiting := time.AfterFunc(5*time.Second, func() {
		// Without NATS itself, the connection says so.
		if r.NC.IsConnected() {
			r.logf("runner %s: waiting for a control plane to create the task stream on NATS", r.ID)
		}
	})
	_, err = bus.WaitForConsumer(ctx, js, bus.TasksStream, bus.RunnersConsumer)
	waiting.Stop()
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("runner: %w", err)
	}
	kv, err := bus.WaitForBucket(ctx, js)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("runner: %w", err)
	}
	conc := max(1, r.Concurrency)

	// work is the context tasks run under: it outlives ctx by up to
	// DrainTimeout so held tasks can finish.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	if r.handovers, err = newHandovers(r.NC, func(h handover) { r.toResults(work, h) }); err != nil {
		return fmt.Errorf("runner: %w", err)
	}
	defer func() {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		r.handovers.close(fctx)
	}()
	go r.heartbeat(ctx, conc)

	var wg sync.WaitGroup
	r.pull(ctx, work, kv, conc, &wg)

	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	drain := r.DrainTimeout
	if drain <= 0 {
		drain = 30 * time.Second
	}
	select {
	case <-finished:
	case <-time.After(drain):
		r.logf("runner %s: tasks still running after %v; handing them back", r.ID, drain)
		cancelWork()
		<-finished
	}
	return nil
}

// pull takes tasks in batches and runs each in a goroutine counted by
// wg, until ctx ends. A batch asks for a task for every free slot and as
// many again to wait in line, so a slot that frees up finds its next task
// at hand; tasks in line are kept in progress while they wait. A slot is
// a task's run: it frees up once the node has run, and handing the result
// over goes on without it, so the next task does not wait for a commit.
func (r *Runner) pull(ctx, work context.Context, kv jetstream.KeyValue, conc int, wg *sync.WaitGroup) {
	free := make(chan struct{}, conc)
	for range conc {
		free <- struct{}{}
	}
	var (
		p        *puller
		line     []taskMsg
		lastErr  string
		loggedAt time.Time
	)
	defer func() {
		for _, m := range line {
			_ = m.Nak()
		}
		if p != nil {
			p.close()
		}
	}()
	// report logs a pulling problem, a repeated one at most every 10 s.
	report := func(err error) {
		if e := err.Error(); e != lastErr || time.Since(loggedAt) > 10*time.Second {
			r.logf("runner %s: pulling tasks: %v", r.ID, err)
			lastErr, loggedAt = e, time.Now()
		}
	}
	fail := func(err error) {
		report(err)
		if errors.Is(err, nats.ErrBadSubscription) || errors.Is(err, nats.ErrConnectionClosed) {
			p.close()
			p = nil
		}
		// Not a hot loop while NATS is away.
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
		}
	}
	// gather moves the tasks that have arrived into the line.
	gather := func() {
		for {
			m, err := p.take()
			if m == nil {
				if err != nil && !errors.Is(err, errRequestEnded) {
					report(err)
				}
				if err == nil {
					return
				}
				continue
			}
			line = append(line, m)
		}
	}
	for ctx.Err() == nil {
		if p == nil {
			var err error
			if p, err = newPuller(r.NC, bus.TasksStream, bus.RunnersConsumer, 2*conc); err != nil {
				report(err)
				p = nil
				select {
				case <-time.After(time.Second):
				case <-ctx.Done():
				}
				continue
			}
		}
		if len(line) == 0 {
			if !p.open() && p.queued() == 0 {
				if err := p.request(len(free) + conc); err != nil {
					fail(err)
					continue
				}
			}
			m, err := p.next(ctx)
			if errors.Is(err, errRequestEnded) {
				continue
			}
			if err != nil {
				if ctx.Err() == nil {
					fail(err)
				}
				continue
			}
			line = append(line, m)
		}
		gather()
		if !r.waitForSlot(ctx, free, &line, gather) {
			return
		}
		msg := line[0]
		line = line[1:]
		wg.Add(1)
		go func() {
			defer wg.Done()
			var once sync.Once
			release := func() { once.Do(func() { free <- struct{}{} }) }
			defer release()
			r.handle(work, kv, msg, release)
		}()
	}
}

// waitForSlot takes a free slot for the first task in line, telling
// JetStream every task in line (gathered afresh each time) is in progress
// while it waits; false when ctx ended first.
func (r *Runner) waitForSlot(ctx context.Context, free chan struct{}, line *[]taskMsg, gather func()) bool {
	select {
	case <-free:
		return true
	default:
	}
	t := time.NewTimer(r.inProgressEvery())
	defer t.Stop()
	for {
		select {
		case <-free:
			return true
		case <-t.C:
			gather()
			for _, m := range *line {
				_ = m.InProgress()
			}
			t.Reset(r.inProgressEvery())
		case <-ctx.Done():
			return false
		}
	}
}

// heartbeat announces the runner on core NATS so control planes can count
// runners.
func (r *Runner) heartbeat(ctx context.Context, conc int) {
	t := time.NewTicker(cmp.Or(r.HeartbeatEvery, 5*time.Second))
	defer t.Stop()
	beat := func() {
		b, _ := json.Marshal(map[string]any{"id": r.ID, "concurrency": conc, "done": r.done.Load()})
		_ = r.NC.Publish(bus.RunnersSubject, b)
	}
	// Answering roll calls, before the first beat: a control plane that
	// subscribed after it asks again once it has.
	if roll, err := r.NC.Subscribe(bus.RollCallSubject, func(*nats.Msg) { beat() }); err == nil {
		defer roll.Unsubscribe()
		_ = r.NC.Flush()
	}
	for {
		beat()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// handle runs one task and hands its result on, calling ran once the node
// is done. A task is acknowledged only once its result is committed (by
// the control plane that took it) or stored in the results stream; on any
// failure before that it is left to JetStream to redeliver (nak, or the
// ack wait).
func (r *Runner) handle(ctx context.Context, kv jetstream.KeyValue, msg taskMsg, ran func()) {
	t, err := r.Codec.DecodeTask(ctx, msg.Data())
	if t == nil || t.ID == "" || t.ExecutionID == "" {
		r.logf("runner %s: dropping a malformed task (%d bytes): %v", r.ID, len(msg.Data()), err)
		_ = msg.Term()
		return
	}
	stop := r.keepAlive(msg)
	var res *bus.Result
	if err != nil {
		if ctx.Err() == nil {
			res = &bus.Result{ID: t.ID, ExecutionID: t.ExecutionID, Failure: err.Error(), Runner: r.ID}
		}
	} else {
		res = r.execute(ctx, kv, t)
	}
	ran()
	if res == nil {
		stop()
		// Canceled by the drain timeout: someone else gets it.
		_ = msg.Nak()
		return
	}
	data, err := r.Codec.EncodeResult(ctx, res)
	if err != nil {
		res = &bus.Result{ID: t.ID, ExecutionID: t.ExecutionID, Failure: "encoding the result: " + err.Error(), Runner: r.ID}
		data, _ = json.Marshal(res)
	}
	if err := bus.TooLarge(r.NC, data); err != nil {
		// It would fail to go out however often the task ran.
		res = &bus.Result{ID: t.ID, ExecutionID: t.ExecutionID, Error: bus.TooLargeError("The node's output", err), Logs: res.Logs, Runner: r.ID}
		data, _ = json.Marshal(res)
	}
	stop()
	// Straight to a control plane, which commits the result and then
	// acknowledges the task.
	if err := r.handovers.send(msg.AckSubject(), t.ID, t.ExecutionID, data); err == nil {
		r.done.Add(1)
		return
	}
	if r.toResults(ctx, handover{ack: msg.AckSubject(), taskID: t.ID, executionID: t.ExecutionID, data: data}) {
		r.done.Add(1)
	}
}

// toResults publishes a result no control plane took to the results
// stream, which keeps it until one does, then acknowledges its task; false
// when it could not, and the task was handed back.
func (r *Runner) toResults(ctx context.Context, h handover) bool {
	r.logf("runner %s: task %s: no control plane took the result; sending it through the results stream", r.ID, h.taskID)
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		err := bus.Publish(pctx, r.NC, bus.ResultSubject+h.executionID, h.taskID, h.data)
		if err == nil {
			break
		}
		if pctx.Err() != nil {
			r.logf("runner %s: task %s: could not publish the result: %v; it will be redelivered", r.ID, h.taskID, err)
			_ = r.NC.Publish(h.ack, ackNak)
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := r.NC.Publish(h.ack, ackAck); err != nil {
		r.logf("runner %s: task %s: ack: %v", r.ID, h.taskID, err)
	}
	return true
}

// execute runs the task; nil means it was canceled and must be handed
// back.
func (r *Runner) execute(ctx context.Context, kv jetstream.KeyValue, t *bus.Task) *bus.Result {
	fail := func(format string, args ...any) *bus.Result {
		return &bus.Result{ID: t.ID, ExecutionID: t.ExecutionID, Failure: fmt.Sprintf(format, args...), Runner: r.ID}
	}
	wf, err := r.workflows.get(ctx, kv, t.Workflow)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fail("loading workflow %s: %v", t.Workflow, err)
	}
	// Binary data travels as blob references; the node gets the bytes.
	if t.Inputs, err = r.Codec.InflateItems(ctx, t.Inputs); err != nil {
		return fail("task %s: %v", t.ID, err)
	}
	if t.ConnectionInput != nil {
		ci, err := r.Codec.InflateItems(ctx, [][]api.Item{t.ConnectionInput})
		if err != nil {
			return fail("task %s: %v", t.ID, err)
		}
		t.ConnectionInput = ci[0]
	}
	nt, err := t.NodeTask(wf)
	if err != nil {
		return fail("%v", err)
	}
	began := time.Now()
	res, err := r.Exec.Run(ctx, nt)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fail("node %q: %v", t.Node, err)
	}
	res.StartTime, res.ExecutionTime = began.UnixMilli(), time.Since(began).Milliseconds()
	if res.Outputs, err = r.Codec.DeflateItems(ctx, res.Outputs); err != nil {
		return fail("node %q: %v", t.Node, err)
	}
	return bus.NewResult(t, res, r.ID)
}

func (r *Runner) inProgressEvery() time.Duration {
	if r.InProgressEvery <= 0 {
		return 10 * time.Second
	}
	return r.InProgressEvery
}

// keepAlive tells JetStream the task is in progress until stop is called.
func (r *Runner) keepAlive(msg taskMsg) (stop func()) {
	every := r.inProgressEvery()
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	}()
	return func() { close(done) }
}

// wfCache keeps parsed workflows by content key. Entries never change
// (the key is the content's hash); the cache is bounded.
type wfCache struct {
	mu    sync.Mutex
	m     map[string]*api.Workflow
	order []string
}

const wfCacheSize = 1024

func (c *wfCache) get(ctx context.Context, kv jetstream.KeyValue, key string) (*api.Workflow, error) {
	c.mu.Lock()
	wf := c.m[key]
	c.mu.Unlock()
	if wf != nil {
		return wf, nil
	}
	e, err := kv.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	if bus.WorkflowKey(e.Value()) != key {
		return nil, errors.New("the stored document does not match its key")
	}
	wf, err = bus.DecodeWorkflow(e.Value())
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if have := c.m[key]; have != nil {
		return have, nil
	}
	if c.m == nil {
		c.m = map[string]*api.Workflow{}
	}
	if len(c.order) >= wfCacheSize {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	c.m[key] = wf
	c.order = append(c.order, key)
	return wf, nil
}
