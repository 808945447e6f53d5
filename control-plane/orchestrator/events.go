package orchestrator

import (
	"encoding/json"
	"time"

	"github.com/nats-io/nats.go"

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
	b, err := json.Marshal(ev)
	if err != nil {
		return
	}
	_ = o.remote.nc.Publish(EventSubject+ev.ExecutionID, b)
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
