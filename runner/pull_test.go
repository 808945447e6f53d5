package runner

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/internal/natstest"
)

// pullSetup starts a NATS server with Weft's streams and returns a
// publisher of tasks, the runners' consumer, and a puller on a
// connection of its own (closed at the end of the test).
func pullSetup(t *testing.T) (*nats.Conn, func(id string), jetstream.Consumer, *puller) {
	t.Helper()
	ctx := context.Background()
	srv := natstest.Start(t)
	_, js := natstest.JetStream(t, srv.Embedded, "control")
	if err := bus.Setup(ctx, js, bus.Config{}); err != nil {
		t.Fatal(err)
	}
	cons, err := js.Consumer(ctx, bus.TasksStream, bus.RunnersConsumer)
	if err != nil {
		t.Fatal(err)
	}
	publish := func(id string) {
		t.Helper()
		if _, err := js.Publish(ctx, bus.TaskSubject+id, []byte(id), jetstream.WithMsgID(id)); err != nil {
			t.Fatal(err)
		}
	}
	nc, _ := natstest.JetStream(t, srv.Embedded, "runner")
	p, err := newPuller(nc, bus.TasksStream, bus.RunnersConsumer, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.close)
	return nc, publish, cons, p
}

func pending(t *testing.T, cons jetstream.Consumer) (waiting, ackPending int) {
	t.Helper()
	ci, err := cons.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ci.NumWaiting, ci.NumAckPending
}

// eventually fails the test when cond does not hold within 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not seen in 10s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPullerTakesTasksInBatches(t *testing.T) {
	_, publish, cons, p := pullSetup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, id := range []string{"e1", "e2", "e3"} {
		publish(id)
	}
	take := func(want string) taskMsg {
		t.Helper()
		m, err := p.next(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", want, err)
		}
		if string(m.Data()) != want {
			t.Fatalf("task %q, want %q", m.Data(), want)
		}
		return m
	}
	if err := p.request(2); err != nil {
		t.Fatal(err)
	}
	taken := []taskMsg{take("e1"), take("e2")}
	if p.open() {
		t.Fatal("a request for two still open after two tasks")
	}
	// The third stays with the server until asked for.
	if _, acks := pending(t, cons); acks != 2 {
		t.Fatalf("%d tasks held after a batch of two, want 2", acks)
	}
	if err := p.request(1); err != nil {
		t.Fatal(err)
	}
	taken = append(taken, take("e3"))
	for _, m := range taken {
		if err := m.Ack(); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the acknowledgements", func() bool { _, acks := pending(t, cons); return acks == 0 })

	// Nothing left: the request ends when its time is up, and the next
	// one brings what comes.
	if err := p.request(1); err != nil {
		t.Fatal(err)
	}
	if _, err := p.next(ctx); !errors.Is(err, errRequestEnded) {
		t.Fatalf("a request with nothing to bring: %v", err)
	}
	publish("e4")
	if err := p.request(1); err != nil {
		t.Fatal(err)
	}
	_ = take("e4").Ack()
}

// A request the puller counts as open but the server does not hold (a
// pull the server dropped without a word) ends after two missed
// heartbeats, not at some long timeout, and the next one gets the task.
func TestPullerRecoversFromALostRequest(t *testing.T) {
	_, publish, cons, p := pullSetup(t)
	p.owed = 1 // believed out; never sent
	publish("e1")
	if waiting, _ := pending(t, cons); waiting != 0 {
		t.Fatalf("%d requests waiting at the server, want none", waiting)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*pullHeartbeat)
	defer cancel()
	if _, err := p.next(ctx); !errors.Is(err, errRequestEnded) {
		t.Fatalf("a lost request: %v", err)
	}
	if err := p.request(1); err != nil {
		t.Fatal(err)
	}
	m, err := p.next(ctx)
	if err != nil {
		t.Fatalf("the task behind a lost request: %v", err)
	}
	if string(m.Data()) != "e1" {
		t.Fatalf("task %q", m.Data())
	}
	_ = m.Ack()
}

// Stopping withdraws the open request and hands back what arrived.
func TestPullerStopsAtOnceAndHandsBack(t *testing.T) {
	nc, publish, cons, p := pullSetup(t)
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.request(1); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.next(ctx)
		done <- err
	}()
	// The request reaches the server, then the runner stops.
	eventually(t, "the request", func() bool { waiting, _ := pending(t, cons); return waiting == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("next after stopping: %v", err)
	}
	// A task that came in meanwhile, for the request still open, is
	// handed back by close.
	publish("late")
	eventually(t, "the late task's delivery", func() bool { _, acks := pending(t, cons); return acks == 1 })
	if err := nc.Flush(); err != nil { // it is in the puller's queue
		t.Fatal(err)
	}
	p.close()
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	// Not held until the ack wait: a new puller gets it at once.
	q, err := newPuller(nc, bus.TasksStream, bus.RunnersConsumer, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer q.close()
	qctx, qcancel := context.WithTimeout(context.Background(), 20*pullHeartbeat)
	defer qcancel()
	if err := q.request(1); err != nil {
		t.Fatal(err)
	}
	m, err := q.next(qctx)
	if err != nil || string(m.Data()) != "late" {
		t.Fatalf("the task that came while stopping: %v, %v", m, err)
	}
}

// A consumer that is gone is reported as such: first by the request it
// held, then by every request after.
func TestPullerReportsAMissingConsumer(t *testing.T) {
	_, _, cons, p := pullSetup(t)
	ctx := context.Background()
	if err := p.request(1); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the request", func() bool { waiting, _ := pending(t, cons); return waiting == 1 })
	js, err := jetstream.New(p.nc)
	if err != nil {
		t.Fatal(err)
	}
	if err := js.DeleteConsumer(ctx, bus.TasksStream, bus.RunnersConsumer); err != nil {
		t.Fatal(err)
	}
	if _, err := p.next(ctx); err == nil || !strings.Contains(err.Error(), "Consumer Deleted") {
		t.Fatalf("the open request when the consumer went: %v", err)
	}
	if err := p.request(1); err != nil {
		t.Fatal(err)
	}
	if _, err := p.next(ctx); err == nil || !strings.Contains(err.Error(), "no JetStream consumer runners on stream WEFT_TASKS answers") {
		t.Fatalf("a request to a missing consumer: %v", err)
	}
}
