package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/weftrun/weft/control-plane/orchestrator"
	"github.com/weftrun/weft/store"
)

// retry starts a new execution from a failed one: from the start with the
// same input, or ({"from": "failedNode"}) reusing every node run that
// succeeded. {"currentVersion": true} runs the workflow's current version.
func (a *API) retry(ctx *fasthttp.RequestCtx, id string) {
	var req struct {
		From           string `json:"from"`
		CurrentVersion bool   `json:"currentVersion"`
	}
	if body := bytes.TrimSpace(ctx.PostBody()); len(body) > 0 {
		if err := decodeStrict(body, &req); err != nil {
			writeProblem(ctx, fasthttp.StatusBadRequest, "invalid_body", `want {"from": "start" | "failedNode", "currentVersion": bool}: `+err.Error())
			return
		}
	}
	switch req.From {
	case "", "start", "failedNode":
	default:
		writeProblem(ctx, fasthttp.StatusBadRequest, "invalid_body", fmt.Sprintf(`"from" is %q; want "start" or "failedNode"`, req.From))
		return
	}
	h, err := a.Orch.Retry(ctx, orchestrator.RetryRequest{ExecutionID: id, FromFailedNode: req.From == "failedNode", CurrentVersion: req.CurrentVersion})
	if errors.Is(err, orchestrator.ErrNotRetryable) {
		writeProblem(ctx, fasthttp.StatusConflict, "not_retryable", err.Error())
		return
	}
	if err != nil {
		storeError(ctx, err)
		return
	}
	a.answerExecution(ctx, h, a.runTimeout())
}

// stop stops a running or waiting execution, wherever it runs.
func (a *API) stop(ctx *fasthttp.RequestCtx, id string) {
	e, err := a.Store.GetExecution(ctx, id)
	if err != nil {
		storeError(ctx, err)
		return
	}
	var h *orchestrator.Handle
	if e.Status == store.StatusWaiting {
		h, err = a.Orch.StopWaiting(ctx, id)
		if errors.Is(err, orchestrator.ErrNotWaiting) {
			// Resumed or ended meanwhile: stop it as what it is now.
			if e, err = a.Store.GetExecution(ctx, id); err != nil {
				storeError(ctx, err)
				return
			}
		} else if err != nil {
			storeError(ctx, err)
			return
		}
	}
	if h == nil && e.Status != store.StatusWaiting {
		if e.Status != store.StatusRunning && e.Status != store.StatusNew {
			writeProblem(ctx, fasthttp.StatusConflict, "not_running", fmt.Sprintf("execution %s is %s, not running", id, e.Status))
			return
		}
		h, err = a.Orch.RequestStop(id)
		if err != nil {
			writeProblem(ctx, fasthttp.StatusServiceUnavailable, "bus_unavailable", err.Error())
			return
		}
		if h == nil {
			// Another control plane runs it; it stops when the request
			// reaches it.
			ctx.Response.Header.Set("Location", "/api/v1/executions/"+id)
			writeJSON(ctx, fasthttp.StatusAccepted, toExecDoc(e))
			return
		}
	}
	if h != nil {
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		_, _ = h.Wait(wctx)
	}
	saved, err := a.Store.GetExecution(context.WithoutCancel(ctx), id)
	if err != nil {
		storeError(ctx, err)
		return
	}
	writeJSON(ctx, 200, toExecDoc(saved))
}

// events streams an execution's live events as Server-Sent Events until it
// finishes or the client goes away. A finished execution gets its final
// event at once.
func (a *API) events(ctx *fasthttp.RequestCtx, id string) {
	e, err := a.Store.GetExecution(ctx, id)
	if err != nil {
		storeError(ctx, err)
		return
	}
	final := func(status string) []byte {
		b, _ := json.Marshal(orchestrator.Event{Type: "executionFinished", ExecutionID: id, At: time.Now().UTC(), Status: status})
		return b
	}
	ctx.SetContentType("text/event-stream")
	ctx.Response.Header.Set("Cache-Control", "no-cache")
	ctx.Response.Header.Set("X-Accel-Buffering", "no")
	if e.Status != store.StatusRunning && e.Status != store.StatusNew && e.Status != store.StatusWaiting {
		ctx.SetBody(sseFrame("executionFinished", final(e.Status)))
		return
	}
	ch, cancel, err := a.Orch.Subscribe(id)
	if err != nil {
		writeProblem(ctx, fasthttp.StatusServiceUnavailable, "bus_unavailable", err.Error())
		return
	}
	st := a.Store
	ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
		defer cancel()
		// The execution may have finished between the read above and the
		// subscription: look again now that no event can be missed.
		if e, err := st.GetExecution(context.Background(), id); err == nil && e.Status != store.StatusRunning && e.Status != store.StatusNew && e.Status != store.StatusWaiting {
			_, _ = w.Write(sseFrame("executionFinished", final(e.Status)))
			_ = w.Flush()
			return
		}
		_, _ = w.WriteString(": following execution " + id + "\n\n")
		if w.Flush() != nil {
			return
		}
		keepAlive := time.NewTicker(15 * time.Second)
		defer keepAlive.Stop()
		for {
			select {
			case b := <-ch:
				var ev orchestrator.Event
				_ = json.Unmarshal(b, &ev)
				_, _ = w.Write(sseFrame(ev.Type, b))
				if w.Flush() != nil || ev.Type == "executionFinished" {
					return
				}
			case <-keepAlive.C:
				_, _ = w.WriteString(": keep-alive\n\n")
				if w.Flush() != nil {
					return
				}
			}
		}
	})
}

func sseFrame(event string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("event: ")
	b.WriteString(event)
	b.WriteString("\ndata: ")
	b.Write(data)
	b.WriteString("\n\n")
	return b.Bytes()
}
