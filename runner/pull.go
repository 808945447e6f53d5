package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
)

// A pull request lasts pullExpiry; JetStream sends a heartbeat every
// pullHeartbeat while it waits, and a request that misses two is taken for
// lost.
const (
	pullExpiry    = time.Second
	pullHeartbeat = 250 * time.Millisecond
)

// taskMsg is a task as a runner handles it: its data and the replies
// JetStream takes for it.
type taskMsg interface {
	Data() []byte
	Ack() error
	Nak() error
	Term() error
	InProgress() error
	// AckSubject is where the task is acknowledged, by whoever commits
	// its result.
	AckSubject() string
}

// puller takes a runner's tasks from a JetStream pull consumer: one
// request at a time, for as many tasks as the runner has free slots, on a
// reply subject of its own. It counts what the open request still owes;
// every request ends in a way it sees (its last task, a timeout status
// carrying what it still owed, or two missed heartbeats), so it never
// waits on a request the server no longer holds for longer than that.
type puller struct {
	nc       *nats.Conn
	sub      *nats.Subscription
	msgs     chan *nats.Msg
	timer    *time.Timer
	subject  string
	stream   string
	consumer string
	// owed is how many tasks the open request may still bring; 0 when
	// none is open.
	owed     int
	requests map[int][]byte
}

// newPuller subscribes for the tasks of requests of up to maxBatch.
func newPuller(nc *nats.Conn, stream, consumer string, maxBatch int) (*puller, error) {
	// Room for a whole batch, heartbeats, and tasks of a request given up
	// for lost that still come.
	msgs := make(chan *nats.Msg, 2*maxBatch+16)
	sub, err := nc.ChanSubscribe(nc.NewInbox(), msgs)
	if err != nil {
		return nil, fmt.Errorf("subscribing for tasks: %w", err)
	}
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &puller{
		nc:       nc,
		sub:      sub,
		msgs:     msgs,
		timer:    t,
		subject:  "$JS.API.CONSUMER.MSG.NEXT." + stream + "." + consumer,
		stream:   stream,
		consumer: consumer,
		requests: map[int][]byte{},
	}, nil
}

// open reports whether a request is out.
func (p *puller) open() bool { return p.owed > 0 }

// queued is how many messages arrived and wait to be taken.
func (p *puller) queued() int { return len(p.msgs) }

// request asks for up to n tasks. No request may be open.
func (p *puller) request(n int) error {
	req, ok := p.requests[n]
	if !ok {
		req = fmt.Appendf(nil, `{"batch":%d,"expires":%d,"idle_heartbeat":%d}`, n, pullExpiry.Nanoseconds(), pullHeartbeat.Nanoseconds())
		p.requests[n] = req
	}
	if err := p.nc.PublishRequest(p.subject, p.sub.Subject, req); err != nil {
		return fmt.Errorf("requesting tasks: %w", err)
	}
	p.owed = n
	return nil
}

// next returns the next task: one queued, or one the open request
// brings. It returns errRequestEnded when the request ended without one
// (nothing to take in its time, or lost), and ctx's error once ctx ends.
// A task from a request given up for lost may still come later; it is
// returned like any other.
func (p *puller) next(ctx context.Context) (taskMsg, error) {
	for {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !p.open() && p.queued() == 0 {
			return nil, errRequestEnded
		}
		p.timer.Reset(2 * pullHeartbeat)
		select {
		case m := <-p.msgs:
			if t, err := p.receive(m); t != nil || err != nil {
				return t, err
			}
		case <-p.timer.C:
			// Two heartbeats missed: the server no longer holds the
			// request (or the connection is down).
			p.owed = 0
			return nil, errRequestEnded
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// take returns a task that has arrived already, or nil.
func (p *puller) take() (taskMsg, error) {
	for {
		select {
		case m := <-p.msgs:
			if t, err := p.receive(m); t != nil || err != nil {
				return t, err
			}
		default:
			return nil, nil
		}
	}
}

// receive accounts for one message: a task, or a status (nil, nil for a
// heartbeat).
func (p *puller) receive(m *nats.Msg) (taskMsg, error) {
	if status := m.Header.Get("Status"); status != "" && len(m.Data) == 0 {
		switch status {
		case "100": // idle heartbeat
			return nil, nil
		case "404", "408": // the request's time is up
			p.owed = 0
			return nil, errRequestEnded
		}
		p.owed = 0
		if status == "503" {
			return nil, fmt.Errorf("no JetStream consumer %s on stream %s answers (deleted, or JetStream unavailable)", p.consumer, p.stream)
		}
		return nil, fmt.Errorf("status %s %s", status, m.Header.Get("Description"))
	}
	if p.owed > 0 {
		p.owed--
	}
	return &jsMsg{nc: p.nc, m: m}, nil
}

// errRequestEnded says the open request ended short of what it asked for.
var errRequestEnded = errors.New("the pull request ended")

// close ends the subscription, which withdraws an open request (the
// server delivers only to a subject someone listens on), and hands back
// the tasks that arrived but were not taken. One on its way at that
// instant is redelivered after the consumer's ack wait.
func (p *puller) close() {
	_ = p.sub.Unsubscribe()
	p.timer.Stop()
	for {
		select {
		case m := <-p.msgs:
			if len(m.Data) > 0 || m.Header.Get("Status") == "" {
				_ = (&jsMsg{nc: p.nc, m: m}).Nak()
			}
		default:
			return
		}
	}
}

// jsMsg is a JetStream message taken by a puller.
type jsMsg struct {
	nc *nats.Conn
	m  *nats.Msg
}

var (
	ackAck        = []byte("+ACK")
	ackNak        = []byte("-NAK")
	ackTerm       = []byte("+TERM")
	ackInProgress = []byte("+WPI")
)

func (j *jsMsg) Data() []byte       { return j.m.Data }
func (j *jsMsg) Ack() error         { return j.reply(ackAck) }
func (j *jsMsg) Nak() error         { return j.reply(ackNak) }
func (j *jsMsg) Term() error        { return j.reply(ackTerm) }
func (j *jsMsg) InProgress() error  { return j.reply(ackInProgress) }
func (j *jsMsg) AckSubject() string { return j.m.Reply }

func (j *jsMsg) reply(b []byte) error {
	if j.m.Reply == "" {
		return errors.New("task message has no reply subject")
	}
	return j.nc.Publish(j.m.Reply, b)
}
