package orchestrator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/control-plane/metrics"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/store"
)

// Remote dispatches node tasks to runners over JetStream and collects
// their results: each result is committed to the store before it is
// acknowledged, then handed to the execution waiting for it (on this
// control plane, or on another one through a core NATS notification).
type Remote struct {
	nc    *nats.Conn
	js    jetstream.JetStream
	kv    jetstream.KeyValue
	store store.Store
	logf  func(format string, args ...any)

	// RepublishAfter is how long a task may go without a result before it
	// is published again (default 5m, beyond JetStream's duplicate
	// window): a task lost by a NATS server that lost its store is run
	// again instead of waited for forever.
	RepublishAfter time.Duration
	// PollEvery is how often a waiting task also looks for its result in
	// the store (default 2s), for results committed by another control
	// plane whose notification was missed.
	PollEvery time.Duration

	// Metrics, when set, receives task latencies.
	Metrics *metrics.Registry
	// Codec moves large task and result payloads through the blob store.
	Codec bus.Codec

	mu      sync.Mutex
	waiters map[string]chan delivery
	kvDone  sync.Map // workflow key -> struct{}
	runners sync.Map // runner id -> time.Time of its last heartbeat
}

// Runners returns how many runners announced themselves in the last 15
// seconds.
func (d *Remote) Runners() int {
	n := 0
	cutoff := time.Now().Add(-15 * time.Second)
	d.runners.Range(func(k, v any) bool {
		if v.(time.Time).After(cutoff) {
			n++
		} else {
			d.runners.Delete(k)
		}
		return true
	})
	return n
}

// QueueDepth returns how many tasks wait for a runner and how many runners
// hold without having acknowledged.
func (d *Remote) QueueDepth(ctx context.Context) (waiting, held int, err error) {
	c, err := d.js.Consumer(ctx, bus.TasksStream, bus.RunnersConsumer)
	if err != nil {
		return 0, 0, err
	}
	info, err := c.Info(ctx)
	if err != nil {
		return 0, 0, err
	}
	return int(info.NumPending), info.NumAckPending, nil
}

// NewRemote sets the bus up (streams, consumers, bucket) and returns a
// Remote; Start begins collecting results.
func NewRemote(ctx context.Context, nc *nats.Conn, st store.Store, cfg bus.Config, logf func(string, ...any)) (*Remote, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: %w", err)
	}
	if cfg.Logf == nil {
		cfg.Logf = logf
	}
	if err := bus.Setup(ctx, js, cfg); err != nil {
		return nil, err
	}
	kv, err := js.KeyValue(ctx, bus.WorkflowsBucket)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: %w", err)
	}
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &Remote{nc: nc, js: js, kv: kv, store: st, logf: logf, waiters: map[string]chan delivery{},
		RepublishAfter: 5 * time.Minute, PollEvery: 2 * time.Second}, nil
}

// PutWorkflow makes a workflow document available to runners and returns
// its key.
func (d *Remote) PutWorkflow(ctx context.Context, id string, doc json.RawMessage) (string, error) {
	env, err := bus.EncodeWorkflow(id, doc)
	if err != nil {
		return "", err
	}
	key := bus.WorkflowKey(env)
	if _, ok := d.kvDone.Load(key); ok {
		return key, nil
	}
	if err := retry(ctx, func() error { _, err := d.kv.Put(ctx, key, env); return err }); err != nil {
		return "", fmt.Errorf("orchestrator: publishing workflow %s: %w", id, err)
	}
	d.kvDone.Store(key, struct{}{})
	return key, nil
}

// retry runs f until it succeeds or ctx ends, backing off: NATS being
// restarted is a wait, not a failure.
func retry(ctx context.Context, f func() error) error {
	delay := 50 * time.Millisecond
	for {
		err := f()
		if err == nil || errors.Is(err, store.ErrNotFound) {
			// What is gone (an execution deleted meanwhile) does not come
			// back by trying again.
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// delivery is a result handed to the execution waiting for it. commit is
// nil when the result is in the store already; otherwise it is a result a
// runner handed over, not yet committed: the execution commits it, with
// the next task or with its outcome, then calls commit.acked.
type delivery struct {
	raw    []byte
	commit *pendingResult
}

// pendingResult is a result received but not yet in the store; acked
// acknowledges its task, once it is.
type pendingResult struct {
	row   store.TaskResult
	acked func()
}

func (d *Remote) addWaiter(id string) chan delivery {
	ch := make(chan delivery, 1)
	d.mu.Lock()
	d.waiters[id] = ch
	d.mu.Unlock()
	return ch
}

func (d *Remote) removeWaiter(id string) {
	d.mu.Lock()
	delete(d.waiters, id)
	d.mu.Unlock()
}

// deliver hands a result to its local waiter; false when no execution
// here waits for it. A result handed over uncommitted (dv.commit set) is
// delivered only when the waiter takes it at once.
func (d *Remote) deliver(id string, dv delivery) bool {
	d.mu.Lock()
	ch := d.waiters[id]
	d.mu.Unlock()
	if ch == nil {
		return false
	}
	select {
	case ch <- dv:
		return true
	default:
		return dv.commit == nil
	}
}

// dispatch runs one task remotely. prior holds results committed before a
// resume, replayed instead of dispatched. A result a runner handed over
// comes back uncommitted: it is added to pending, and the caller commits
// it before anything depends on it durably.
func (d *Remote) dispatch(ctx context.Context, t *engine.NodeTask, key string, prior map[string]json.RawMessage, pending *pendingResults) (*engine.NodeResult, error) {
	id := bus.TaskID(t.ExecutionID, t.Node.Name, t.RunIndex, t.Try)
	if raw, ok := prior[id]; ok {
		return d.decodeResult(ctx, raw)
	}
	ch := d.addWaiter(id)
	defer d.removeWaiter(id)
	if prior != nil {
		// Resumed: the result may have been committed since prior was read.
		if raw, err := d.store.TaskResult(ctx, id); err == nil {
			return d.decodeResult(ctx, raw)
		}
	}
	data, err := d.Codec.EncodeTask(ctx, bus.NewTask(t, key, nodes.MentionsOtherNodes(t.Node)))
	if err != nil {
		return nil, fmt.Errorf("encoding task %s: %w", id, err)
	}
	if err := bus.TooLarge(d.nc, data); err != nil {
		return &engine.NodeResult{Error: bus.TooLargeError("The node's input", err)}, nil
	}
	publish := func() error {
		return retry(ctx, func() error {
			return bus.Publish(ctx, d.nc, bus.TaskSubject+t.ExecutionID, id, data)
		})
	}
	began := time.Now()
	if err := publish(); err != nil {
		return nil, fmt.Errorf("publishing task %s: %w", id, err)
	}
	if d.Metrics != nil {
		defer func() { d.Metrics.TaskLatency.Observe(time.Since(began)) }()
	}
	poll := time.NewTicker(d.PollEvery)
	defer poll.Stop()
	republish := time.NewTimer(d.RepublishAfter)
	defer republish.Stop()
	for {
		select {
		case dv := <-ch:
			if dv.commit != nil {
				pending.add(dv.commit)
			}
			return d.decodeResult(ctx, dv.raw)
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-poll.C:
			if raw, err := d.store.TaskResult(ctx, id); err == nil {
				return d.decodeResult(ctx, raw)
			}
		case <-republish.C:
			d.logf("task %s: no result after %v; publishing it again", id, d.RepublishAfter)
			if err := publish(); err != nil {
				return nil, fmt.Errorf("publishing task %s: %w", id, err)
			}
			republish.Reset(d.RepublishAfter)
		}
	}
}

func (d *Remote) decodeResult(ctx context.Context, raw []byte) (*engine.NodeResult, error) {
	r, err := d.Codec.DecodeResult(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("task result: %w", err)
	}
	return r.NodeResult()
}

// Start collects results, notifications and dead letters until ctx ends.
func (d *Remote) Start(ctx context.Context) error {
	cons, err := bus.WaitForConsumer(ctx, d.js, bus.ResultsStream, bus.ControlConsumer)
	if err != nil {
		return err
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(1024))
	if err != nil {
		return fmt.Errorf("orchestrator: results: %w", err)
	}
	notify, err := d.nc.Subscribe(bus.NotifySubject, func(m *nats.Msg) {
		var r bus.Result
		if json.Unmarshal(m.Data, &r) == nil {
			d.deliver(r.ID, delivery{raw: m.Data})
		}
	})
	if err != nil {
		it.Stop()
		return fmt.Errorf("orchestrator: %w", err)
	}
	dead, err := d.nc.QueueSubscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES."+bus.TasksStream+"."+bus.RunnersConsumer, bus.ControlPlanes, func(m *nats.Msg) {
		d.deadLetter(ctx, m.Data)
	})
	if err != nil {
		it.Stop()
		notify.Unsubscribe()
		return fmt.Errorf("orchestrator: %w", err)
	}
	msgs := make(chan resultMsg, 2048)
	// Results handed straight over by runners join the same commit loop
	// as those from the stream; their tasks are acknowledged once they are
	// committed.
	direct, err := d.nc.QueueSubscribe(bus.CommitSubject, bus.ControlPlanes, func(m *nats.Msg) {
		r := directResult{m: m, nc: d.nc, ack: m.Header.Get(bus.AckHeader)}
		if !bus.IsTaskAckSubject(r.ack) {
			d.logf("dropping a result handed over with %q as its task's acknowledgement subject", r.ack)
			return
		}
		select {
		case msgs <- r:
		case <-ctx.Done():
		}
	})
	if err != nil {
		it.Stop()
		notify.Unsubscribe()
		dead.Unsubscribe()
		return fmt.Errorf("orchestrator: %w", err)
	}
	beats, err := d.nc.Subscribe(bus.RunnersSubject, func(m *nats.Msg) {
		var hb struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(m.Data, &hb) == nil && hb.ID != "" {
			d.runners.Store(hb.ID, time.Now())
		}
	})
	if err != nil {
		it.Stop()
		notify.Unsubscribe()
		dead.Unsubscribe()
		direct.Unsubscribe()
		return fmt.Errorf("orchestrator: %w", err)
	}
	// Runners running already announce themselves now, not at their next
	// heartbeat.
	if err := d.nc.Flush(); err == nil {
		_ = d.nc.Publish(bus.RollCallSubject, nil)
	}
	go func() {
		for {
			m, err := it.Next()
			if err != nil {
				if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
					return
				}
				continue
			}
			select {
			case msgs <- m:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		<-ctx.Done()
		it.Stop()
		notify.Unsubscribe()
		dead.Unsubscribe()
		direct.Unsubscribe()
		beats.Unsubscribe()
	}()
	go d.commitLoop(ctx, msgs)
	return nil
}

// resultMsg is a result to commit: from the results stream (a
// jetstream.Msg) or handed straight over by a runner (directResult).
type resultMsg interface {
	Data() []byte
	// Ack confirms the result is committed.
	Ack() error
	// Term refuses it for good.
	Term() error
}

// directResult is a result a runner sent on bus.CommitSubject. Once it is
// committed, its task is acknowledged on the subject the runner gave.
type directResult struct {
	m   *nats.Msg
	nc  *nats.Conn
	ack string
}

func (r directResult) Data() []byte { return r.m.Data }
func (r directResult) Ack() error   { return r.nc.Publish(r.ack, ackTask) }

// Term refuses a result: its task is delivered again, and after as many
// deliveries as the consumer allows its execution fails with the reason.
func (r directResult) Term() error { return r.nc.Publish(r.ack, nakTask) }

var (
	ackTask = []byte("+ACK")
	nakTask = []byte("-NAK")
)

// commitLoop commits results in batches: whatever has arrived, up to 512,
// in one transaction, then acknowledges and delivers them.
func (d *Remote) commitLoop(ctx context.Context, msgs <-chan resultMsg) {
	const maxBatch = 512
	batch := make([]resultMsg, 0, maxBatch)
	for {
		var first resultMsg
		select {
		case first = <-msgs:
		case <-ctx.Done():
			return
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxBatch {
			select {
			case m := <-msgs:
				batch = append(batch, m)
			default:
				break fill
			}
		}
		rows := make([]store.TaskResult, 0, len(batch))
		keep := make([]resultMsg, 0, len(batch))
		for _, m := range batch {
			// Only the identity is needed here; the waiting execution
			// decodes the rest.
			var r struct {
				ID          string `json:"id"`
				ExecutionID string `json:"executionId"`
			}
			if err := json.Unmarshal(m.Data(), &r); err != nil || r.ID == "" || r.ExecutionID == "" {
				d.logf("dropping a malformed result (%d bytes): %v", len(m.Data()), err)
				_ = m.Term()
				continue
			}
			row := store.TaskResult{TaskID: r.ID, ExecutionID: r.ExecutionID, Result: m.Data()}
			if direct, ok := m.(directResult); ok {
				// The execution here commits it with what comes next.
				if d.deliver(r.ID, delivery{raw: m.Data(), commit: &pendingResult{row: row, acked: func() { _ = direct.Ack() }}}) {
					continue
				}
			}
			rows = append(rows, row)
			keep = append(keep, m)
		}
		if len(rows) == 0 {
			continue
		}
		err := retry(ctx, func() error {
			err := d.store.SaveTaskResults(ctx, rows)
			if err != nil {
				d.logf("committing %d results: %v; retrying", len(rows), err)
			}
			return err
		})
		if err != nil {
			// Shutting down: unacknowledged results are redelivered to
			// whichever control plane runs next.
			return
		}
		for i, m := range keep {
			_ = m.Ack()
			if !d.deliver(rows[i].TaskID, delivery{raw: m.Data()}) {
				_ = d.nc.Publish(bus.NotifySubject, m.Data())
			}
		}
	}
}

// deadLetter handles a task JetStream gave up on: it moves the task to the
// dead-letter subject with the reason, and fails the node run with it.
func (d *Remote) deadLetter(ctx context.Context, advisory []byte) {
	var adv struct {
		Stream     string `json:"stream"`
		StreamSeq  uint64 `json:"stream_seq"`
		Deliveries uint64 `json:"deliveries"`
	}
	if err := json.Unmarshal(advisory, &adv); err != nil || adv.StreamSeq == 0 {
		return
	}
	stream, err := d.js.Stream(ctx, bus.TasksStream)
	if err != nil {
		d.logf("dead letter: %v", err)
		return
	}
	raw, err := stream.GetMsg(ctx, adv.StreamSeq)
	if err != nil {
		d.logf("dead letter: task at sequence %d: %v", adv.StreamSeq, err)
		return
	}
	var t bus.Task
	if err := json.Unmarshal(raw.Data, &t); err != nil || t.ID == "" {
		_ = stream.DeleteMsg(ctx, adv.StreamSeq)
		return
	}
	reason := fmt.Sprintf("node %q: the task was delivered to runners %d times without a result (each runner crashed, was killed or timed out on it)", t.Node, adv.Deliveries)
	m := nats.NewMsg(bus.DeadSubject)
	m.Data = raw.Data
	m.Header.Set("Weft-Reason", reason)
	m.Header.Set(jetstream.MsgIDHeader, t.ID)
	if _, err := d.js.PublishMsg(ctx, m); err != nil {
		d.logf("dead letter %s: %v", t.ID, err)
		return
	}
	res, _ := json.Marshal(bus.Result{ID: t.ID, ExecutionID: t.ExecutionID, Failure: reason})
	if _, err := d.js.Publish(ctx, bus.ResultSubject+t.ExecutionID, res, jetstream.WithMsgID(t.ID)); err != nil {
		d.logf("dead letter %s: %v", t.ID, err)
		return
	}
	_ = stream.DeleteMsg(ctx, adv.StreamSeq)
}
