package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/internal/coretest"
	"github.com/weftrun/weft/internal/natstest"
	"github.com/weftrun/weft/runner"
)

const noOpWorkflow = `{"name":"noop","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Pass","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[200,0],"parameters":{}}],
 "connections":{"Start":{"main":[[{"node":"Pass","type":"main","index":0}]]}}}`

// TestResultsGoStraightToAControlPlane runs tasks through a real runner on
// an embedded NATS server: while a control plane answers on the commit
// subject, results go to it and never touch the results stream; while none
// answers, they land in the results stream. Either way the task is
// acknowledged only after.
func TestResultsGoStraightToAControlPlane(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := natstest.Start(t)
	nc, js := natstest.JetStream(t, srv.Embedded, "test")
	if err := bus.Setup(ctx, js, bus.Config{}); err != nil {
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

	rc, _ := natstest.JetStream(t, srv.Embedded, "runner")
	r := &runner.Runner{NC: rc, Exec: coretest.Load(t), ID: "r1", Logf: t.Logf}
	stopped := make(chan error, 1)
	go func() { stopped <- r.Run(ctx) }()

	publish := func(execution string) string {
		t.Helper()
		task := &bus.Task{ID: bus.TaskID(execution, "Pass", 0, 0), ExecutionID: execution, Workflow: key, Node: "Pass",
			Inputs: [][]api.Item{{{JSON: json.RawMessage(`{"n":1}`)}}}}
		data, err := bus.Codec{}.EncodeTask(ctx, task)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.Publish(ctx, bus.TaskSubject+execution, data, jetstream.WithMsgID(task.ID)); err != nil {
			t.Fatal(err)
		}
		return task.ID
	}
	waitDone := func(n int64) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for r.Done() < n {
			if time.Now().After(deadline) {
				t.Fatalf("the runner finished %d tasks, want %d", r.Done(), n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
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

	// No control plane: the result waits in the results stream.
	id := publish("e1")
	waitDone(1)
	if n := streamMsgs(bus.ResultsStream); n != 1 {
		t.Fatalf("results stream holds %d messages with no control plane, want 1", n)
	}
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

	// A control plane commits and answers: nothing more in the stream.
	got := make(chan []byte, 1)
	sub, err := nc.QueueSubscribe(bus.CommitSubject, bus.ControlPlanes, func(m *nats.Msg) {
		got <- m.Data
		_ = m.Respond(bus.Committed)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	id = publish("e2")
	var data []byte
	select {
	case data = <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("no result on the commit subject")
	}
	waitDone(2)
	if err := json.Unmarshal(data, &res); err != nil || res.ID != id || !bytes.Contains(data, []byte(`"n":1`)) {
		t.Fatalf("result handed over: %s (%v), want the task %s passing its item", data, err, id)
	}
	if n := streamMsgs(bus.ResultsStream); n != 1 {
		t.Errorf("results stream holds %d messages, want still 1: the committed result went there too", n)
	}
	// Acks are not confirmed to the runner; give the server a moment.
	deadline := time.Now().Add(10 * time.Second)
	for streamMsgs(bus.TasksStream) != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := streamMsgs(bus.TasksStream); n != 0 {
		t.Errorf("tasks stream holds %d messages, want 0: every task acknowledged", n)
	}
	cancel()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}
