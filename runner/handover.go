package runner

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/weftrun/weft/bus"
)

// handovers hands results straight to control planes. A result goes out on
// bus.CommitSubject carrying its task's acknowledgement subject in the
// bus.AckHeader header: the control plane that takes it commits it, then
// acknowledges the task itself, and nothing comes back to the runner. The
// message's reply subject is for NATS alone: when no control plane
// listens, the server answers there at once with a no-responders status,
// and the result goes to the results stream instead. A control plane that
// takes a result and dies before committing it never acknowledges the
// task, which JetStream then delivers again after its ack wait.
type handovers struct {
	nc     *nats.Conn
	sub    *nats.Subscription
	prefix string
	// unclaimed is called, on a goroutine of its own, with a result no
	// control plane was there to take.
	unclaimed func(h handover)

	mu     sync.Mutex
	n      uint64
	out    map[string]handover
	order  []string // tokens in out, oldest first
	closed bool
	wg     sync.WaitGroup
}

// handover is a result sent and not known to be taken. It keeps what the
// results stream needs and the task's acknowledgement subject, not the
// task message: under load a second's worth of them is held.
type handover struct {
	ack                 string
	taskID, executionID string
	data                []byte
	at                  time.Time
}

// forgetAfter is how long a handover is remembered: a no-responders status
// comes back within a round trip to the server. One that comes later
// (after a reconnection) finds nothing, and the task is delivered again
// after the consumer's ack wait.
const forgetAfter = time.Second

func newHandovers(nc *nats.Conn, unclaimed func(handover)) (*handovers, error) {
	h := &handovers{nc: nc, prefix: nc.NewInbox() + ".", unclaimed: unclaimed, out: map[string]handover{}}
	sub, err := nc.Subscribe(h.prefix+"*", h.status)
	if err != nil {
		return nil, err
	}
	h.sub = sub
	return h, nil
}

// send hands a result over; an error means it did not leave.
func (h *handovers) send(ack, taskID, executionID string, data []byte) error {
	now := time.Now()
	h.mu.Lock()
	h.n++
	token := strconv.FormatUint(h.n, 36)
	h.out[token] = handover{ack: ack, taskID: taskID, executionID: executionID, data: data, at: now}
	h.order = append(h.order, token)
	// Forget the handovers no status came back for: they were taken.
	i := 0
	for ; i < len(h.order); i++ {
		old, ok := h.out[h.order[i]]
		if ok && now.Sub(old.at) < forgetAfter {
			break
		}
		delete(h.out, h.order[i])
	}
	h.order = h.order[i:]
	h.mu.Unlock()
	m := &nats.Msg{Subject: bus.CommitSubject, Reply: h.prefix + token, Data: data, Header: nats.Header{bus.AckHeader: []string{ack}}}
	if err := h.nc.PublishMsg(m); err != nil {
		h.mu.Lock()
		delete(h.out, token)
		h.mu.Unlock()
		return err
	}
	return nil
}

// status takes what NATS answered on a handover's reply subject: a
// no-responders status sends the result on to the results stream.
func (h *handovers) status(m *nats.Msg) {
	token := m.Subject[len(h.prefix):]
	h.mu.Lock()
	defer h.mu.Unlock()
	ho, ok := h.out[token]
	delete(h.out, token)
	if !ok || h.closed || m.Header.Get("Status") != "503" {
		return
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		h.unclaimed(ho)
	}()
}

// close flushes what was sent, so that a no-responders status for it
// comes back, and waits for the results sent on to the results stream.
func (h *handovers) close(ctx context.Context) {
	_ = h.nc.FlushWithContext(ctx)
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	_ = h.sub.Unsubscribe()
	h.wg.Wait()
}
