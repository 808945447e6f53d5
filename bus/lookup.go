package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
)

// WorkflowLookupSubject is the request subject on which control planes
// answer with a saved workflow by id (for Execute Workflow, source
// "database").
const WorkflowLookupSubject = "weft.workflows.get"

// lookupReply answers a workflow lookup.
type lookupReply struct {
	Workflow json.RawMessage `json:"workflow,omitempty"`
	Error    string          `json:"error,omitempty"`
}

// LookupWorkflow returns a function that asks the control planes for a
// saved workflow by id.
func LookupWorkflow(nc *nats.Conn) func(ctx context.Context, id string) (json.RawMessage, error) {
	return func(ctx context.Context, id string) (json.RawMessage, error) {
		m, err := nc.RequestWithContext(ctx, WorkflowLookupSubject, []byte(id))
		if err != nil {
			if errors.Is(err, nats.ErrNoResponders) {
				return nil, errors.New("no control plane is reachable to look the workflow up")
			}
			return nil, err
		}
		var r lookupReply
		if err := json.Unmarshal(m.Data, &r); err != nil {
			return nil, fmt.Errorf("bad lookup reply: %w", err)
		}
		if r.Error != "" {
			return nil, errors.New(r.Error)
		}
		return r.Workflow, nil
	}
}

// ServeWorkflowLookups answers lookups with find until the subscription
// is drained; control planes share the work (queue group).
func ServeWorkflowLookups(nc *nats.Conn, find func(ctx context.Context, id string) (json.RawMessage, error)) (*nats.Subscription, error) {
	return nc.QueueSubscribe(WorkflowLookupSubject, ControlPlanes, func(m *nats.Msg) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var r lookupReply
		doc, err := find(ctx, string(m.Data))
		if err != nil {
			r.Error = err.Error()
		} else {
			r.Workflow = doc
		}
		b, _ := json.Marshal(r)
		_ = m.Respond(b)
	})
}
