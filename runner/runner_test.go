package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/internal/coretest"
	"github.com/weftrun/weft/internal/natstest"
	"github.com/weftrun/weft/runner"
)

const noOpWorkflow = `{"name":"noop","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Pass","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[200,0],"parameters":{}}],
 "connections":{"Start":{"main":[[{"node":"Pass","type":"main","index":0}]]}}}`

// rig is a NATS server with Weft's streams and the No Op workflow in the
// workflow bucket.
type rig struct {
	srv *natstest.Server
	nc  *nats.Conn
	js  jetstream.JetStream
	key string
}

func newRig(t *testing.T, cfg bus.Config) *rig {
	t.Helper()
	ctx := context.Background()
	srv := natstest.Start(t)
	nc, js := natstest.JetStream(t, srv.Embedded, "test")
	if err := bus.Setup(ctx, js, cfg); err != nil {
		t.Fatal(err)
	}
	kv, err := js.KeyValue(ctx, bus.WorkflowsBucket)
	if err != nil {
		t.Fatal(err)
	}
	env, err := bus.EncodeWorkflow("wf1", json.RawMessage(noOpWorkflow))
	if err != nil {
		t.Fatal(err)
	}
	key := bus.WorkflowKey(env)
	if _, err := kv.Put(ctx, key, env); err != nil {
		t.Fatal(err)
	}
	return &rig{srv: srv, nc: nc, js: js, key: key}
}

// publish sends the No Op task of an execution and returns its id.
func (g *rig) publish(t *testing.T, execution string) string {
	t.Helper()
	task := &bus.Task{ID: bus.TaskID(execution, "Pass", 0, 0), ExecutionID: execution, Workflow: g.key, Node: "Pass",
		Inputs: [][]api.Item{{{JSON: json.RawMessage(`{"n":1}`)}}}}
	data, err := bus.Codec{}.EncodeTask(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.js.Publish(context.Background(), bus.TaskSubject+execution, data, jetstream.WithMsgID(task.ID)); err != nil {
		t.Fatal(err)
	}
	return task.ID
}

// waitDone waits until r has finished n tasks.
func waitDone(t *testing.T, r *runner.Runner, n int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for r.Done() < n {
		if time.Now().After(deadline) {
			t.Fatalf("the runner finished %d tasks, want %d", r.Done(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestResultsGoStraightToAControlPlane runs tasks through a real runner on
// an embedded NATS server: while a control plane listens on the commit
// subject, results go to it with their task's acknowledgement subject and
// never touch the results stream, and the task stays unacknowledged until
// the control plane acknowledges it; while none listens, results land in
// the results stream and the runner acknowledges the task after.
func TestResultsGoStraightToAControlPlane(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g := newRig(t, bus.Config{})
	nc, js := g.nc, g.js

	rc, _ := natstest.JetStream(t, g.srv.Embedded, "runner")
	r := &runner.Runner{NC: rc, Exec: coretest.Load(t), ID: "r1", Logf: t.Logf}
	stopped := make(chan error, 1)
	go func() { stopped <- r.Run(ctx) }()

	publish := func(execution string) string { t.Helper(); return g.publish(t, execution) }
	streamMsgs := func(name string) uint64 {
		t.Helper()
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return info.State.Msgs
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("waited 30s for %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	// No control plane: the result waits in the results stream, and the
	// task is acknowledged.
	id := publish("e1")
	waitFor("the result in the results stream", func() bool { return streamMsgs(bus.ResultsStream) == 1 })
	waitFor("the task acknowledged", func() bool { return streamMsgs(bus.TasksStream) == 0 })
	results, err := js.Stream(ctx, bus.ResultsStream)
	if err != nil {
		t.Fatal(err)
	}
	m, err := results.GetLastMsgForSubject(ctx, bus.ResultSubject+"e1")
	if err != nil {
		t.Fatal(err)
	}
	var res bus.Result
	if err := json.Unmarshal(m.Data, &res); err != nil || res.ID != id || len(res.Outputs) != 1 {
		t.Fatalf("result in the stream: %s (%v), want the task %s with one output", m.Data, err, id)
	}

	// A control plane takes the result; the task waits for its
	// acknowledgement.
	got := make(chan *nats.Msg, 1)
	sub, err := nc.QueueSubscribe(bus.CommitSubject, bus.ControlPlanes, func(m *nats.Msg) { got <- m })
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	id = publish("e2")
	var handed *nats.Msg
	select {
	case handed = <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("no result on the commit subject")
	}
	if err := json.Unmarshal(handed.Data, &res); err != nil || res.ID != id || !bytes.Contains(handed.Data, []byte(`"n":1`)) {
		t.Fatalf("result handed over: %s (%v), want the task %s passing its item", handed.Data, err, id)
	}
	ack := handed.Header.Get(bus.AckHeader)
	if !bus.IsTaskAckSubject(ack) {
		t.Fatalf("result handed over with acknowledgement subject %q, want the task's", ack)
	}
	waitDone(t, r, 2)
	time.Sleep(50 * time.Millisecond)
	if n := streamMsgs(bus.TasksStream); n != 1 {
		t.Fatalf("tasks stream holds %d messages before the control plane acknowledged, want 1", n)
	}
	if err := nc.Publish(ack, []byte("+ACK")); err != nil {
		t.Fatal(err)
	}
	waitFor("the task acknowledged", func() bool { return streamMsgs(bus.TasksStream) == 0 })
	if n := streamMsgs(bus.ResultsStream); n != 1 {
		t.Errorf("results stream holds %d messages, want still 1: the handed-over result went there too", n)
	}
	cancel()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}

// slowFirst runs tasks, the first of them slowly.
type slowFirst struct {
	runner.Executor
	delay time.Duration
	calls atomic.Int32
}

func (s *slowFirst) Run(ctx context.Context, t *engine.NodeTask) (*engine.NodeResult, error) {
	if s.calls.Add(1) == 1 {
		time.Sleep(s.delay)
	}
	return s.Executor.Run(ctx, t)
}

// A task waiting in line behind a slow one is kept in progress: it is not
// redelivered when the slow one outlasts the ack wait, and it runs once.
func TestTasksInLineAreKeptInProgress(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const ackWait = 400 * time.Millisecond
	g := newRig(t, bus.Config{AckWait: ackWait})
	var mu sync.Mutex
	committed := map[string]int{}
	sub, err := g.nc.QueueSubscribe(bus.CommitSubject, bus.ControlPlanes, func(m *nats.Msg) {
		var res bus.Result
		_ = json.Unmarshal(m.Data, &res)
		mu.Lock()
		committed[res.ID]++
		mu.Unlock()
		_ = g.nc.Publish(m.Header.Get(bus.AckHeader), []byte("+ACK"))
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	if err := g.nc.Flush(); err != nil {
		t.Fatal(err)
	}
	rc, _ := natstest.JetStream(t, g.srv.Embedded, "runner")
	r := &runner.Runner{NC: rc, Exec: &slowFirst{Executor: coretest.Load(t), delay: 4 * ackWait}, ID: "r1",
		Concurrency: 1, InProgressEvery: ackWait / 4, Logf: t.Logf}
	stopped := make(chan error, 1)
	go func() { stopped <- r.Run(ctx) }()
	ids := []string{g.publish(t, "e1"), g.publish(t, "e2")}
	waitDone(t, r, 2)
	cons, err := g.js.Consumer(ctx, bus.TasksStream, bus.RunnersConsumer)
	if err != nil {
		t.Fatal(err)
	}
	// The runner has handed both results over; the control plane
	// acknowledges each once it has it.
	var ci *jetstream.ConsumerInfo
	for deadline := time.Now().Add(10 * time.Second); ; {
		if ci, err = cons.Info(ctx); err != nil {
			t.Fatal(err)
		}
		if ci.NumAckPending == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if ci.NumRedelivered != 0 || ci.Delivered.Consumer != 2 || ci.NumAckPending != 0 {
		t.Errorf("%d deliveries, %d redelivered, %d unacknowledged: want 2, none and none", ci.Delivered.Consumer, ci.NumRedelivered, ci.NumAckPending)
	}
	mu.Lock()
	for _, id := range ids {
		if committed[id] != 1 {
			t.Errorf("task %s committed %d times, want once", id, committed[id])
		}
	}
	mu.Unlock()
	cancel()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}

// TestRunnerAnswersRollCall: a runner announces itself when asked, not
// only at its heartbeats, so a control plane starting after it counts it
// at once.
func TestRunnerAnswersRollCall(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g := newRig(t, bus.Config{})
	beats := make(chan string, 16)
	sub, err := g.nc.Subscribe(bus.RunnersSubject, func(m *nats.Msg) {
		var hb struct{ ID string }
		_ = json.Unmarshal(m.Data, &hb)
		beats <- hb.ID
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	if err := g.nc.Flush(); err != nil {
		t.Fatal(err)
	}
	rc, _ := natstest.JetStream(t, g.srv.Embedded, "runner")
	// Its heartbeats come once at start, then not for an hour: any other
	// beat answers the roll call.
	r := &runner.Runner{NC: rc, Exec: coretest.Load(t), ID: "r-roll", Logf: t.Logf, HeartbeatEvery: time.Hour}
	go func() { _ = r.Run(ctx) }()
	beat := func(what string, within time.Duration) {
		t.Helper()
		select {
		case id := <-beats:
			if id != "r-roll" {
				t.Fatalf("%s: a beat from %q", what, id)
			}
		case <-time.After(within):
			t.Fatalf("no beat %s within %v", what, within)
		}
	}
	beat("at start", time.Minute)
	if err := g.nc.Publish(bus.RollCallSubject, nil); err != nil {
		t.Fatal(err)
	}
	beat("after a roll call", time.Minute)
}
