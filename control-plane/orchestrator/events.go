package orchestrator

import (
	"bytes"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
)

// EventSubject prefixes the core NATS subjects of live execution events:
// weft.events.<execution id>. Every control plane can follow every
// execution, wherever it runs.
const EventSubject = "weft.events."

// Event is one live event of an execution.
type Event struct {
	// Type is nodeStarted, nodeFinished or executionFinished.
	Type        string            `json:"type"`
	ExecutionID string            `json:"executionId"`
	At          time.Time         `json:"at"`
	Node        *engine.NodeEvent `json:"node,omitempty"`
	// Status is the execution's final status (executionFinished).
	Status string `json:"status,omitempty"`
}

func (o *Orchestrator) publishEvent(ev Event) {
	if o.remote == nil || o.remote.nc == nil {
		return
	}
	ev.At = time.Now().UTC()
	b := eventBuffers.Get().(*bytes.Buffer)
	b.Reset()
	ev.writeJSON(b)
	// Publish copies the message out before it returns.
	_ = o.remote.nc.Publish(EventSubject+ev.ExecutionID, b.Bytes())
	eventBuffers.Put(b)
}

// eventBuffers keeps the buffers events are written in: every node run
// publishes two.
var eventBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 512)) }}

// writeJSON writes the event as encoding/json would (but for <, > and &,
// left as they are): every node run publishes two, so they skip
// reflection.
func (ev *Event) writeJSON(b *bytes.Buffer) {
	b.WriteString(`{"type":`)
	api.WriteJSONString(b, ev.Type)
	b.WriteString(`,"executionId":`)
	api.WriteJSONString(b, ev.ExecutionID)
	b.WriteString(`,"at":"`)
	b.Write(ev.At.AppendFormat(b.AvailableBuffer(), time.RFC3339Nano))
	b.WriteByte('"')
	if n := ev.Node; n != nil {
		b.WriteString(`,"node":{"node":`)
		api.WriteJSONString(b, n.Node)
		b.WriteString(`,"run":`)
		b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(n.Run), 10))
		b.WriteString(`,"status":`)
		api.WriteJSONString(b, n.Status)
		if n.Items != 0 {
			b.WriteString(`,"items":`)
			b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(n.Items), 10))
		}
		b.WriteString(`,"startTime":`)
		b.Write(strconv.AppendInt(b.AvailableBuffer(), n.StartTime, 10))
		if n.ExecutionTime != 0 {
			b.WriteString(`,"executionTime":`)
			b.Write(strconv.AppendInt(b.AvailableBuffer(), n.ExecutionTime, 10))
		}
		if n.Error != "" {
			b.WriteString(`,"error":`)
			api.WriteJSONString(b, n.Error)
		}
		b.WriteByte('}')
	}
	if ev.Status != "" {
		b.WriteString(`,"status":`)
		api.WriteJSONString(b, ev.Status)
	}
	b.WriteByte('}')
}

func (o *Orchestrator) observer(id string) func(engine.NodeEvent) {
	return func(ne engine.NodeEvent) {
		typ := "nodeFinished"
		if ne.Status == "running" {
			typ = "nodeStarted"
		}
		o.publishEvent(Event{Type: typ, ExecutionID: id, Node: &ne})
	}
}

// Subscribe follows an execution's live events until cancel is called.
// Events are delivered as JSON documents; slow readers lose events rather
// than slow the execution down.
func (o *Orchestrator) Subscribe(id string) (<-chan []byte, func(), error) {
	ch := make(chan []byte, 256)
	sub, err := o.remote.nc.Subscribe(EventSubject+id, func(m *nats.Msg) {
		select {
		case ch <- m.Data:
		default:
		}
	})
	if err != nil {
		return nil, nil, err
	}
	// The subscription is live once the server has it.
	_ = o.remote.nc.Flush()
	return ch, func() { _ = sub.Unsubscribe() }, nil
}
