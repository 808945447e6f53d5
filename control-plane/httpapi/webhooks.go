package httpapi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/internal/tick"
	"github.com/weftrun/weft/control-plane/orchestrator"
	"github.com/weftrun/weft/control-plane/webhook"
	"github.com/weftrun/weft/store"
)

// Hooks keeps the webhook registries: Live holds the Webhook nodes of
// active workflows (their active versions), served under /webhook/; Test
// holds those of every workflow's current version, served under
// /webhook-test/. Both follow the store: Reload after a change made here,
// Follow for changes made by other control planes.
type Hooks struct {
	Store store.Store
	Live  *webhook.Registry
	Test  *webhook.Registry
	// Logf reports registrations that cannot be served.
	Logf func(format string, args ...any)

	mu        sync.Mutex
	versions  sync.Map // workflow id -> active version (int), for Live
	current   sync.Map // workflow id -> current version (int), for Test
	lastEvent int64
}

// NewHooks returns empty registries over st.
func NewHooks(st store.Store, logf func(string, ...any)) *Hooks {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &Hooks{Store: st, Live: webhook.NewRegistry(), Test: webhook.NewRegistry(), Logf: logf}
}

// Load registers the webhooks of every workflow in the store.
func (h *Hooks) Load(ctx context.Context) error {
	// Remember where the change log is now, so Follow starts after it.
	last, err := h.Store.LatestEventID(ctx)
	if err != nil {
		return err
	}
	h.mu.Lock()
	h.lastEvent = last
	h.mu.Unlock()
	return store.EachWorkflow(ctx, h.Store, func(w *store.Workflow) error {
		if err := h.Reload(ctx, w.ID); err != nil {
			h.Logf("webhooks of workflow %s: %v", w.ID, err)
		}
		return nil
	})
}

// registrations parses a workflow document's webhook registrations.
func registrations(id string, doc []byte) ([]webhook.Registration, error) {
	wf, err := api.ParseWorkflow(doc)
	if err != nil {
		return nil, err
	}
	wf.ID = id
	return webhook.Registrations(wf)
}

// Reload re-registers one workflow's webhooks from the store (removing
// them when it is gone or inactive).
func (h *Hooks) Reload(ctx context.Context, id string) error {
	w, err := h.Store.GetWorkflow(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		h.Live.Remove(id)
		h.Test.Remove(id)
		h.versions.Delete(id)
		h.current.Delete(id)
		return nil
	}
	if err != nil {
		return err
	}
	if regs, err := registrations(id, w.Document); err == nil {
		if err := h.Test.Set(id, regs); err != nil {
			h.Logf("test webhooks of workflow %s: %v", id, err)
		}
		h.current.Store(id, w.Version)
	}
	if !w.Active() {
		h.Live.Remove(id)
		h.versions.Delete(id)
		return nil
	}
	doc := w.Document
	if w.ActiveVersion != w.Version {
		v, err := h.Store.GetVersion(ctx, id, w.ActiveVersion)
		if err != nil {
			return err
		}
		doc = v.Document
	}
	regs, err := registrations(id, doc)
	if err != nil {
		return err
	}
	if err := h.Live.Set(id, regs); err != nil {
		return err
	}
	h.versions.Store(id, w.ActiveVersion)
	return nil
}

// CheckActivation reports whether a workflow's webhook registrations
// could be served if it were activated: a *webhook.ConflictError when
// another active workflow holds one of its paths.
func (h *Hooks) CheckActivation(id string, regs []webhook.Registration) error {
	probe := webhook.NewRegistry()
	for _, other := range h.Live.Workflows() {
		if other == id {
			continue
		}
		if err := probe.Set(other, h.Live.Registrations(other)); err != nil {
			return err
		}
	}
	return probe.Set(id, regs)
}

// Follow applies workflow changes from the store's change log, as other
// control planes make them, every interval until ctx ends.
func (h *Hooks) Follow(ctx context.Context, every time.Duration) {
	tick.Every(ctx, every, func() { h.follow(ctx) })
}

func (h *Hooks) follow(ctx context.Context) {
	h.mu.Lock()
	after := h.lastEvent
	h.mu.Unlock()
	seen := map[string]bool{}
	for {
		evs, err := h.Store.WorkflowEvents(ctx, after, store.MaxPageSize)
		if err != nil {
			if ctx.Err() == nil {
				h.Logf("following workflow changes: %v", err)
			}
			break
		}
		for _, ev := range evs {
			after = ev.ID
			if ev.WorkflowID != "" && !seen[ev.WorkflowID] {
				seen[ev.WorkflowID] = true
				if err := h.Reload(ctx, ev.WorkflowID); err != nil {
					h.Logf("webhooks of workflow %s: %v", ev.WorkflowID, err)
				}
			}
		}
		if len(evs) < store.MaxPageSize {
			break
		}
	}
	h.mu.Lock()
	h.lastEvent = after
	h.mu.Unlock()
}

// writeWebhookResponse sends a webhook answer.
func writeWebhookResponse(ctx *fasthttp.RequestCtx, r webhook.Response) {
	for k, v := range r.Headers {
		ctx.Response.Header.Set(k, v)
	}
	if r.ContentType != "" {
		ctx.SetContentType(r.ContentType)
	} else {
		ctx.Response.Header.SetContentLength(len(r.Body))
		ctx.Response.Header.Del("Content-Type")
		ctx.Response.Header.SetNoDefaultContentType(true)
	}
	ctx.SetStatusCode(r.Status)
	ctx.SetBody(r.Body)
}

// webhookRequest turns the HTTP request into the webhook package's view;
// prefix is what the webhookUrl it reports is under (/webhook/ or
// /webhook-waiting/).
func (a *API) webhookRequest(ctx *fasthttp.RequestCtx, prefix, path string, params map[string]string, test bool) webhook.Request {
	headers := make(map[string]string, ctx.Request.Header.Len())
	for k, v := range ctx.Request.Header.All() {
		key := strings.ToLower(string(k))
		if have, ok := headers[key]; ok {
			headers[key] = have + ", " + string(v)
		} else {
			headers[key] = string(v)
		}
	}
	scheme := "http"
	if ctx.IsTLS() {
		scheme = "https"
	}
	// Without a public URL, webhookUrl is built on the scheme and host the
	// request came to.
	origin := scheme + "://" + string(ctx.Host())
	base := origin
	if a.PublicURL != "" {
		base = strings.TrimSuffix(a.PublicURL, "/")
	}
	return webhook.Request{
		Method:      string(ctx.Method()),
		Path:        path,
		URL:         origin + string(ctx.RequestURI()),
		BaseURL:     base + strings.TrimSuffix(prefix, "/"),
		Headers:     headers,
		Query:       webhook.ParseQuery(string(ctx.QueryArgs().QueryString())),
		Params:      params,
		ContentType: string(ctx.Request.Header.ContentType()),
		Body:        ctx.PostBody(),
		Test:        test,
	}
}

// tooLarge answers 413 when the body is over the limit.
func (a *API) tooLarge(ctx *fasthttp.RequestCtx) bool {
	if a.MaxBodyBytes > 0 && len(ctx.PostBody()) > a.MaxBodyBytes {
		writeProblem(ctx, fasthttp.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("the body is %d bytes; the limit is %d", len(ctx.PostBody()), a.MaxBodyBytes))
		return true
	}
	return false
}

// requestItem builds the webhook item of a request, or answers why it
// cannot (400 with n8n's body for a body that does not parse).
func requestItem(ctx *fasthttp.RequestCtx, req webhook.Request, ep webhook.Endpoint) (api.Item, bool) {
	item, err := webhook.RequestItem(req, ep)
	if err == nil {
		return item, true
	}
	var bad *webhook.BadRequestError
	if errors.As(err, &bad) {
		writeWebhookResponse(ctx, bad.Response())
	} else {
		writeProblem(ctx, fasthttp.StatusBadRequest, "bad_request", err.Error())
	}
	return api.Item{}, false
}

// serveWebhook runs the workflow a webhook belongs to and answers as its
// Webhook node says. The execution is committed before any answer, so a
// 2xx answer always has its execution.
func (a *API) serveWebhook(ctx *fasthttp.RequestCtx, prefix string, test bool) {
	path := strings.TrimPrefix(string(ctx.Path()), prefix)
	method := string(ctx.Method())
	reg := a.Hooks.Live
	if test {
		reg = a.Hooks.Test
	}
	origin := string(ctx.Request.Header.Peek("Origin"))
	if method == fasthttp.MethodOptions {
		a.preflight(ctx, reg, path, origin)
		return
	}
	var r webhook.Registration
	var params map[string]string
	ok := false
	if raw, in := strings.CutPrefix(string(ctx.URI().PathOriginal()), prefix); in && strings.Contains(raw, "%") {
		// As sent: a ":name" value may hold an escaped slash.
		r, params, ok = reg.MatchEscaped(method, raw)
	} else {
		r, params, ok = reg.Match(method, path)
	}
	if !ok {
		methods := reg.Methods(path)
		if slices.Contains(methods, method) {
			// Decoded, the path answers the method; as sent (an escaped
			// slash in a segment), it reaches nothing.
			methods = nil
		}
		writeWebhookResponse(ctx, webhook.NotFound(method, path, methods))
		return
	}
	if origin != "" {
		ctx.Response.Header.Set("Access-Control-Allow-Origin", webhook.AllowOrigin(r.Endpoint.AllowedOrigins, origin))
		ctx.Response.Header.Add("Vary", "Origin")
	}
	if a.tooLarge(ctx) {
		return
	}
	ep := r.Endpoint
	req := a.webhookRequest(ctx, webhook.Prefix, path, params, test)
	if resp, refused := webhook.Refuse(ep, req, ctx.RemoteIP().String()); refused {
		writeWebhookResponse(ctx, resp)
		return
	}
	if ep.RespondNodeMissing {
		writeWebhookResponse(ctx, webhook.NoRespondNode(ep))
		return
	}
	item, ok := requestItem(ctx, req, ep)
	if !ok {
		return
	}
	version, mode := 0, "webhook"
	if test {
		mode = "manual"
		if v, ok := a.Hooks.current.Load(r.WorkflowID); ok {
			version = v.(int)
		}
	} else if v, ok := a.Hooks.versions.Load(r.WorkflowID); ok {
		version = v.(int)
	}
	h, err := a.Orch.Start(ctx, orchestrator.StartRequest{
		WorkflowID: r.WorkflowID, Version: version, Mode: mode, StartNode: r.Node,
		StartData: webhook.StartData(ep, method, item),
	})
	if err != nil {
		// Nothing was accepted: the client may send it again.
		writeProblem(ctx, fasthttp.StatusServiceUnavailable, "not_started", "the workflow could not be started: "+err.Error())
		return
	}
	a.answerWebhook(ctx, ep, h)
}

// answerWebhook answers per the Webhook node's response mode.
func (a *API) answerWebhook(ctx *fasthttp.RequestCtx, ep webhook.Endpoint, h *orchestrator.Handle) {
	timeout := a.runTimeout()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	// The execution is committed: each answer that does not carry its
	// outcome says where to follow it.
	later := func(code, why string) {
		ctx.Response.Header.Set("Location", "/api/v1/executions/"+h.ID)
		writeProblem(ctx, fasthttp.StatusAccepted, code, fmt.Sprintf("execution %s %s; follow it at /api/v1/executions/%s", h.ID, why, h.ID))
	}
	slow := func() { later("still_running", fmt.Sprintf("is still running after %v", timeout)) }
	parked := func() { later("waiting", "waits at a Wait node before it answers") }
	// A server shutting down answers before it goes; the execution
	// resumes at the next start.
	closing := func() { later("still_running", "goes on when the server runs again") }
	switch ep.ResponseMode {
	case webhook.ModeLastNode:
		select {
		case <-h.Ran():
		case <-timer.C:
			slow()
			return
		case <-ctx.Done():
			closing()
			return
		}
		if h.Parked() {
			parked()
			return
		}
		exec := h.Execution()
		if exec == nil || exec.Status != "success" {
			msg := "the execution did not finish"
			if exec != nil && exec.Error != nil {
				msg = exec.Error.Message
			}
			writeWebhookResponse(ctx, webhook.Failed(ep, msg))
			return
		}
		var items []api.Item
		if runs := exec.RunData[exec.LastNodeExecuted]; len(runs) > 0 {
			if outs := runs[len(runs)-1].Outputs(); len(outs) > 0 {
				items = outs[0]
				if items == nil {
					items = []api.Item{}
				}
			}
		}
		if ep.ResponseData == webhook.DataFirstEntryBinary && len(items) > 0 {
			inflated, err := a.Orch.InflateItems(ctx, items[:1])
			if err != nil {
				writeWebhookResponse(ctx, webhook.Failed(ep, err.Error()))
				return
			}
			items = inflated
		}
		resp, _ := webhook.LastNode(ep, items)
		writeWebhookResponse(ctx, resp)
	case webhook.ModeResponseNode:
		select {
		case doc := <-h.Response():
			resp, err := webhook.FromNode(doc)
			if err != nil {
				writeWebhookResponse(ctx, webhook.Failed(ep, err.Error()))
				return
			}
			writeWebhookResponse(ctx, webhook.AddEndpointHeaders(ep, resp))
		case <-h.Done():
			// The Respond node may have answered as the execution ended.
			select {
			case doc := <-h.Response():
				if resp, err := webhook.FromNode(doc); err == nil {
					writeWebhookResponse(ctx, webhook.AddEndpointHeaders(ep, resp))
					return
				}
			default:
			}
			if h.Parked() {
				parked()
				return
			}
			if exec := h.Execution(); exec == nil || exec.Status != "success" {
				writeWebhookResponse(ctx, webhook.Failed(ep, "the execution failed before responding"))
				return
			}
			writeWebhookResponse(ctx, webhook.NoResponse(ep))
		case <-timer.C:
			slow()
		case <-ctx.Done():
			closing()
		}
	default:
		writeWebhookResponse(ctx, webhook.Received(ep))
	}
}

// preflight answers a browser's CORS preflight (OPTIONS) for a webhook
// path: the methods it takes, and whether the origin may call the one
// asked for.
func (a *API) preflight(ctx *fasthttp.RequestCtx, reg *webhook.Registry, path, origin string) {
	methods := reg.Methods(path)
	want := string(ctx.Request.Header.Peek("Access-Control-Request-Method"))
	if want == "" && len(methods) > 0 {
		want = methods[0]
	}
	r, _, ok := reg.Match(want, path)
	if !ok {
		writeWebhookResponse(ctx, webhook.NotFound(want, path, methods))
		return
	}
	h := &ctx.Response.Header
	h.Set("Access-Control-Allow-Methods", strings.Join(append([]string{fasthttp.MethodOptions}, methods...), ", "))
	if origin != "" {
		h.Set("Access-Control-Allow-Origin", webhook.AllowOrigin(r.Endpoint.AllowedOrigins, origin))
		h.Add("Vary", "Origin")
	}
	if asked := ctx.Request.Header.Peek("Access-Control-Request-Headers"); len(asked) > 0 {
		h.Set("Access-Control-Allow-Headers", string(asked))
	}
	h.Set("Access-Control-Max-Age", "300")
	ctx.SetStatusCode(fasthttp.StatusNoContent)
}

// serveWaiting resumes an execution parked at a Wait node that waits for
// a webhook call.
func (a *API) serveWaiting(ctx *fasthttp.RequestCtx) {
	rest := strings.TrimPrefix(string(ctx.Path()), "/webhook-waiting/")
	id, _, _ := strings.Cut(rest, "/")
	if id == "" {
		writeProblem(ctx, fasthttp.StatusNotFound, "no_route", "want /webhook-waiting/{executionId}")
		return
	}
	if a.tooLarge(ctx) {
		return
	}
	method := string(ctx.Method())
	// The call is taken and answered as its Wait node says; the errors
	// below name any other execution.
	ep := webhook.Endpoint{TypeVersion: 2, Methods: []string{method}, ResponseMode: webhook.ModeOnReceived, ResponseCode: 200, URLPath: rest}
	e, getErr := a.Store.GetExecution(ctx, id)
	if getErr == nil && e.Status == store.StatusWaiting && e.WaitWebhook {
		if n, err := a.Orch.WaitNode(ctx, e); err == nil {
			if wep, err := webhook.WaitEndpoint(n); err == nil {
				wep.Methods, wep.URLPath = ep.Methods, rest
				ep = wep
			}
		}
	}
	req := a.webhookRequest(ctx, "/webhook-waiting/", rest, map[string]string{}, false)
	if resp, refused := webhook.Refuse(ep, req, ctx.RemoteIP().String()); refused {
		writeWebhookResponse(ctx, resp)
		return
	}
	item, ok := requestItem(ctx, req, ep)
	if !ok {
		return
	}
	// What the store said of the execution comes after what is wrong with
	// the call itself.
	var h *orchestrator.Handle
	err := getErr
	if err == nil {
		h, err = a.Orch.ResumeWebhook(ctx, e, method, item)
	}
	if err != nil {
		var wrong *orchestrator.WrongMethodError
		switch {
		case errors.As(err, &wrong):
			ctx.Response.Header.Set("Allow", wrong.Want)
			writeProblem(ctx, fasthttp.StatusMethodNotAllowed, "method_not_allowed", err.Error())
		case errors.Is(err, store.ErrNotFound):
			writeProblem(ctx, fasthttp.StatusNotFound, "not_found", "no execution "+id)
		case errors.Is(err, orchestrator.ErrNotWaiting):
			writeProblem(ctx, fasthttp.StatusConflict, "not_waiting", err.Error())
		default:
			writeProblem(ctx, fasthttp.StatusServiceUnavailable, "not_resumed", err.Error())
		}
		return
	}
	if h == nil || ep.ResponseMode == webhook.ModeOnReceived {
		// Resumed elsewhere, or answered at once.
		writeWebhookResponse(ctx, webhook.Received(ep))
		return
	}
	a.answerWebhook(ctx, ep, h)
}
