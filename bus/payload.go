package bus

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/control-plane/engine"
)

// DefaultPayloadThreshold is the encoded size above which a task's or a
// result's items travel through the blob store instead of the message.
const DefaultPayloadThreshold = 256 << 10

// Codec encodes tasks and results, moving large payloads to a blob store
// so NATS messages stay small. A zero Codec (no blob store) keeps
// everything inline.
type Codec struct {
	Blobs     blob.Store
	Threshold int
}

func (c Codec) threshold() int {
	if c.Threshold > 0 {
		return c.Threshold
	}
	return DefaultPayloadThreshold
}

// taskPayload is the part of a task that can be large.
type taskPayload struct {
	Inputs          [][]api.Item                 `json:"inputs"`
	ConnectionInput []api.Item                   `json:"connectionInput,omitempty"`
	RunData         map[string][]engine.TaskData `json:"runData,omitempty"`
	NodeState       json.RawMessage              `json:"nodeState,omitempty"`
}

// resultPayload is the part of a result that can be large.
type resultPayload struct {
	Outputs   [][]api.Item    `json:"outputs"`
	NodeState json.RawMessage `json:"nodeState,omitempty"`
	Logs      []api.LogEntry  `json:"logs,omitempty"`
	Response  json.RawMessage `json:"response,omitempty"`
	// SubRun travels here when it names workflow documents, which may be
	// large.
	SubRun *engine.SubRun `json:"subRun,omitempty"`
}

// EncodeTask encodes a task; above the threshold its payload goes to the
// blob store first (the object exists before the message names it).
func (c Codec) EncodeTask(ctx context.Context, t *Task) ([]byte, error) {
	data, err := encodeTask(t)
	if err != nil || c.Blobs == nil || len(data) <= c.threshold() {
		return data, err
	}
	p, err := json.Marshal(taskPayload{Inputs: t.Inputs, ConnectionInput: t.ConnectionInput, RunData: t.RunData, NodeState: t.NodeState})
	if err != nil {
		return nil, err
	}
	ref, err := c.Blobs.Put(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("task %s: storing its %d-byte payload: %w", t.ID, len(p), err)
	}
	slim := *t
	slim.Inputs, slim.ConnectionInput, slim.RunData, slim.NodeState = nil, nil, nil, nil
	slim.PayloadRef = string(ref)
	return encodeTask(&slim)
}

// DecodeTask decodes a task, fetching its payload from the blob store when
// the message names one.
func (c Codec) DecodeTask(ctx context.Context, data []byte) (*Task, error) {
	var t Task
	if err := decodeTask(data, &t); err != nil {
		return nil, err
	}
	if t.PayloadRef == "" {
		return &t, nil
	}
	var p taskPayload
	if err := c.fetch(ctx, t.PayloadRef, &p); err != nil {
		return &t, fmt.Errorf("task %s: %w", t.ID, err)
	}
	t.Inputs, t.ConnectionInput, t.RunData, t.NodeState, t.PayloadRef = p.Inputs, p.ConnectionInput, p.RunData, p.NodeState, ""
	return &t, nil
}

// EncodeResult encodes a result; above the threshold its payload goes to
// the blob store first.
func (c Codec) EncodeResult(ctx context.Context, r *Result) ([]byte, error) {
	data, err := encodeResult(r)
	if err != nil || c.Blobs == nil || len(data) <= c.threshold() {
		return data, err
	}
	rp := resultPayload{Outputs: r.Outputs, NodeState: r.NodeState, Logs: r.Logs, Response: r.Response}
	if r.SubRun != nil && len(r.SubRun.Documents) > 0 {
		rp.SubRun = r.SubRun
	}
	p, err := json.Marshal(rp)
	if err != nil {
		return nil, err
	}
	ref, err := c.Blobs.Put(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("result %s: storing its %d-byte payload: %w", r.ID, len(p), err)
	}
	slim := *r
	slim.Outputs, slim.NodeState, slim.Logs, slim.Response = nil, nil, nil, nil
	if rp.SubRun != nil {
		slim.SubRun = nil
	}
	slim.PayloadRef = string(ref)
	return encodeResult(&slim)
}

// DecodeResult decodes a result, fetching its payload from the blob store
// when the message names one.
func (c Codec) DecodeResult(ctx context.Context, data []byte) (*Result, error) {
	var r Result
	if err := decodeResult(data, &r); err != nil {
		return nil, err
	}
	if r.PayloadRef == "" {
		return &r, nil
	}
	var p resultPayload
	if err := c.fetch(ctx, r.PayloadRef, &p); err != nil {
		return &r, fmt.Errorf("result %s: %w", r.ID, err)
	}
	r.Outputs, r.NodeState, r.Logs, r.Response, r.PayloadRef = p.Outputs, p.NodeState, p.Logs, p.Response, ""
	if p.SubRun != nil {
		r.SubRun = p.SubRun
	}
	return &r, nil
}

func (c Codec) fetch(ctx context.Context, ref string, into any) error {
	if c.Blobs == nil {
		return fmt.Errorf("its payload is in the blob store (%s), and no blob store is configured here", ref)
	}
	r, err := blob.ParseRef(ref)
	if err != nil {
		return err
	}
	b, err := c.Blobs.Get(ctx, r)
	if err != nil {
		return fmt.Errorf("fetching its payload: %w", err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		return fmt.Errorf("its payload %s: %w", ref, err)
	}
	return nil
}
