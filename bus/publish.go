package bus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/weftrun/weft/api"
)

// PublishWait is how long Publish waits for JetStream's answer when its
// context sets no deadline.
const PublishWait = 5 * time.Second

// headerRoom is what a message's headers may take of the server's limit.
const headerRoom = 4 << 10

// TooLarge returns an error naming both sizes when data cannot go in one
// message on nc (the server's max_payload, less room for headers); nil
// when it fits. Publishing such data fails however often it is tried.
func TooLarge(nc *nats.Conn, data []byte) error {
	if limit := nc.MaxPayload(); limit > 0 && int64(len(data))+headerRoom > limit {
		return fmt.Errorf("%d bytes, over the %d bytes a message may carry on this NATS server", len(data), limit-headerRoom)
	}
	return nil
}

// TooLargeError is the error of a node whose task or result does not fit
// in a message (err from TooLarge): without a blob store, large payloads
// have nowhere to go. what names the payload ("The node's input").
func TooLargeError(what string, err error) *api.NodeError {
	return &api.NodeError{Message: what + " is too large for the message bus: " + err.Error(),
		Description: "Give the control plane and runners a blob store (--s3-bucket …) so large payloads go there, or raise the NATS server's max_payload."}
}

// Publish stores data in the JetStream stream that takes subject, with
// msgID as its Nats-Msg-Id, and returns once the stream acknowledged it (a
// duplicate inside the window counts as stored). It does what
// jetstream.JetStream.Publish does for one message, but reads the usual
// acknowledgement without a JSON decoder: every node task goes through
// here. Without a deadline in ctx it waits PublishWait for the answer: a
// request sent just as the server went away gets none.
func Publish(ctx context.Context, nc *nats.Conn, subject, msgID string, data []byte) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, PublishWait)
		defer cancel()
	}
	m := nats.NewMsg(subject)
	m.Data = data
	m.Header.Set(jetstream.MsgIDHeader, msgID)
	reply, err := nc.RequestMsgWithContext(ctx, m)
	if err != nil {
		if errors.Is(err, nats.ErrNoResponders) {
			return fmt.Errorf("bus: publishing to %s: no stream takes it (is JetStream up?): %w", subject, err)
		}
		return fmt.Errorf("bus: publishing to %s: %w", subject, err)
	}
	if err := pubAckError(reply.Data); err != nil {
		return fmt.Errorf("bus: publishing to %s: %w", subject, err)
	}
	return nil
}

// pubAckError reads JetStream's answer to a publish: nil for
// {"stream":…,"seq":…}, the stream's error otherwise.
func pubAckError(b []byte) error {
	if bytes.HasPrefix(b, []byte(`{"stream":"`)) && !bytes.Contains(b, []byte(`"error"`)) {
		return nil
	}
	var ack struct {
		Stream string `json:"stream"`
		Error  *struct {
			Code        int    `json:"code"`
			ErrCode     int    `json:"err_code"`
			Description string `json:"description"`
		} `json:"error"`
	}
	if err := json.Unmarshal(b, &ack); err != nil {
		return fmt.Errorf("unreadable acknowledgement %q", b)
	}
	if ack.Error != nil {
		return fmt.Errorf("the stream refused it: %s (error %d)", ack.Error.Description, ack.Error.ErrCode)
	}
	if ack.Stream == "" {
		return fmt.Errorf("acknowledgement names no stream: %q", b)
	}
	return nil
}
