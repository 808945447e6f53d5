// Package httpapi is Weft's REST API under /api/v1 (fasthttp): workflows
// with versions and optimistic concurrency (ETag / If-Match), manual runs,
// executions, node types, and the health endpoints. Errors are
// application/problem+json documents with stable codes.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/metrics"
	"github.com/weftrun/weft/control-plane/orchestrator"
	"github.com/weftrun/weft/control-plane/schedule"
	"github.com/weftrun/weft/control-plane/webhook"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/store"
)

// API serves the REST API.
type API struct {
	Store store.Store
	Core  *nodes.Core
	// Orch runs executions.
	Orch *orchestrator.Orchestrator
	// RunTimeout bounds how long a manual run started through the API is
	// waited for; after it the answer is 202 with the running execution.
	RunTimeout time.Duration
	// MaxBodyBytes caps request bodies (413 above it).
	MaxBodyBytes int
	// Metrics is served at /metrics when set.
	Metrics *metrics.Registry
	// Hooks routes webhook calls; nil serves no webhooks.
	Hooks *Hooks
	// PublicURL is the URL users reach the server at, such as
	// https://weft.example.com behind a proxy: webhook items' webhookUrl
	// is built on it. Empty: the scheme and host each request came to.
	PublicURL string
}

// problem is an RFC 9457 problem document; Code is stable, Detail is for
// people.
type problem struct {
	Type   string   `json:"type"`
	Title  string   `json:"title"`
	Status int      `json:"status"`
	Code   string   `json:"code"`
	Detail string   `json:"detail,omitempty"`
	Errors []string `json:"errors,omitempty"`
}

func writeProblem(ctx *fasthttp.RequestCtx, status int, code, detail string, errs ...string) {
	p := problem{Type: "https://weft.run/problems/" + code, Title: fasthttp.StatusMessage(status), Status: status, Code: code, Detail: detail, Errors: errs}
	b, _ := json.Marshal(p)
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/problem+json")
	ctx.SetBody(b)
}

func writeJSON(ctx *fasthttp.RequestCtx, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeProblem(ctx, fasthttp.StatusInternalServerError, "internal", err.Error())
		return
	}
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json")
	ctx.SetBody(b)
}

// storeError maps store errors to problems.
func storeError(ctx *fasthttp.RequestCtx, err error) {
	// What the client asked for, without the layer that found it missing:
	// `workflow "x": not found`.
	said := strings.TrimPrefix(err.Error(), "store: ")
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeProblem(ctx, fasthttp.StatusNotFound, "not_found", said)
	case errors.Is(err, store.ErrConflict):
		writeProblem(ctx, fasthttp.StatusConflict, "version_conflict", said)
	default:
		writeProblem(ctx, fasthttp.StatusInternalServerError, "internal", err.Error())
	}
}

// ErrorHandler answers requests the server could not read (set it as the
// fasthttp.Server's ErrorHandler): a body over the server's limit gets 413,
// anything else 400, both as problem documents.
func (a *API) ErrorHandler(ctx *fasthttp.RequestCtx, err error) {
	if errors.Is(err, fasthttp.ErrBodyTooLarge) {
		writeProblem(ctx, fasthttp.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("the body is over the limit of %d bytes", a.MaxBodyBytes))
		return
	}
	var small *fasthttp.ErrSmallBuffer
	if errors.As(err, &small) {
		writeProblem(ctx, fasthttp.StatusRequestHeaderFieldsTooLarge, "headers_too_large", "the request's headers are over the server's read buffer")
		return
	}
	// The parser's error quotes the request, credentials and all: say
	// what went wrong without it.
	msg, _, _ := strings.Cut(err.Error(), ": buffer size=")
	writeProblem(ctx, fasthttp.StatusBadRequest, "bad_request", "the request could not be read: "+msg)
}

// Handler returns the request handler.
func (a *API) Handler() fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		path := string(ctx.Path())
		switch {
		case path == "/healthz":
			writeJSON(ctx, 200, map[string]string{"status": "ok"})
		case path == "/readyz":
			a.ready(ctx)
		case path == "/metrics" && a.Metrics != nil:
			ctx.SetContentType("text/plain; version=0.0.4; charset=utf-8")
			a.Metrics.Write(ctx)
		case strings.HasPrefix(path, "/api/v1/"):
			a.route(ctx, strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/"))
		case a.Hooks != nil && strings.HasPrefix(path, "/webhook/"):
			a.serveWebhook(ctx, "/webhook/", false)
		case a.Hooks != nil && strings.HasPrefix(path, "/webhook-test/"):
			a.serveWebhook(ctx, "/webhook-test/", true)
		case a.Hooks != nil && strings.HasPrefix(path, "/webhook-waiting/"):
			a.serveWaiting(ctx)
		default:
			writeProblem(ctx, fasthttp.StatusNotFound, "no_route", "no such endpoint: "+path)
		}
	}
}

func (a *API) ready(ctx *fasthttp.RequestCtx) {
	c, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, _, err := a.Store.ListWorkflows(c, store.Page{Limit: 1}); err != nil {
		writeProblem(ctx, fasthttp.StatusServiceUnavailable, "store_unavailable", err.Error())
		return
	}
	if a.Orch != nil {
		if err := a.Orch.BusError(); err != nil {
			writeProblem(ctx, fasthttp.StatusServiceUnavailable, "bus_unavailable", err.Error())
			return
		}
	}
	writeJSON(ctx, 200, map[string]string{"status": "ready"})
}

func (a *API) route(ctx *fasthttp.RequestCtx, seg []string) {
	method := string(ctx.Method())
	allow := func(methods ...string) bool {
		for _, m := range methods {
			if m == method {
				return true
			}
		}
		ctx.Response.Header.Set("Allow", strings.Join(methods, ", "))
		writeProblem(ctx, fasthttp.StatusMethodNotAllowed, "method_not_allowed", method+" is not allowed here")
		return false
	}
	switch {
	case len(seg) == 1 && seg[0] == "workflows":
		if allow("GET", "POST") {
			if method == "GET" {
				a.listWorkflows(ctx)
			} else {
				a.createWorkflow(ctx)
			}
		}
	case len(seg) == 2 && seg[0] == "workflows":
		if allow("GET", "PUT", "DELETE") {
			switch method {
			case "GET":
				a.getWorkflow(ctx, seg[1])
			case "PUT":
				a.updateWorkflow(ctx, seg[1])
			default:
				a.deleteWorkflow(ctx, seg[1])
			}
		}
	case len(seg) == 3 && seg[0] == "workflows" && seg[2] == "versions":
		if allow("GET") {
			a.listVersions(ctx, seg[1])
		}
	case len(seg) == 4 && seg[0] == "workflows" && seg[2] == "versions":
		if allow("GET") {
			a.getVersion(ctx, seg[1], seg[3])
		}
	case len(seg) == 3 && seg[0] == "workflows" && (seg[2] == "activate" || seg[2] == "deactivate"):
		if allow("POST") {
			a.activate(ctx, seg[1], seg[2] == "activate")
		}
	case len(seg) == 3 && seg[0] == "workflows" && seg[2] == "run":
		if allow("POST") {
			a.run(ctx, seg[1])
		}
	case len(seg) == 1 && seg[0] == "executions":
		if allow("GET") {
			a.listExecutions(ctx)
		}
	case len(seg) == 2 && seg[0] == "executions":
		if allow("GET", "DELETE") {
			if method == "GET" {
				a.getExecution(ctx, seg[1])
			} else {
				a.deleteExecution(ctx, seg[1])
			}
		}
	case len(seg) == 3 && seg[0] == "executions" && seg[2] == "retry":
		if allow("POST") {
			a.retry(ctx, seg[1])
		}
	case len(seg) == 3 && seg[0] == "executions" && seg[2] == "stop":
		if allow("POST") {
			a.stop(ctx, seg[1])
		}
	case len(seg) == 3 && seg[0] == "executions" && seg[2] == "events":
		if allow("GET") {
			a.events(ctx, seg[1])
		}
	case len(seg) == 1 && seg[0] == "node-types":
		if allow("GET") {
			writeJSON(ctx, 200, map[string]any{"data": a.Core.Specs()})
		}
	case len(seg) == 1 && seg[0] == "openapi.json":
		if allow("GET") {
			serveOpenAPI(ctx)
		}
	default:
		writeProblem(ctx, fasthttp.StatusNotFound, "no_route", "no such endpoint: "+string(ctx.Path()))
	}
}

// checkSchedules refuses a workflow whose Schedule Triggers could never
// fire (a bad cron expression or timezone): activated, it would sit there
// doing nothing.
func checkSchedules(wf *api.Workflow) (int, error) {
	count := 0
	for i := range wf.Nodes {
		n := &wf.Nodes[i]
		if n.Type != schedule.NodeType || n.Disabled {
			continue
		}
		if _, err := schedule.Parse(n, wf.Settings.Timezone, schedule.WithWorkflowID(wf.ID)); err != nil {
			return 0, fmt.Errorf("node %q cannot fire: %w", n.Name, err)
		}
		count++
	}
	return count, nil
}

// webhookRoutes lists the routes a workflow's Webhook nodes hold.
func webhookRoutes(regs []webhook.Registration) []store.WebhookRoute {
	var routes []store.WebhookRoute
	for _, r := range regs {
		for _, m := range r.Endpoint.Methods {
			routes = append(routes, store.WebhookRoute{Method: m, Path: r.Endpoint.Path, Node: r.Node})
		}
	}
	return routes
}

// reloadHooks brings a changed workflow's webhooks and schedules up to
// date.
func (a *API) reloadHooks(ctx context.Context, id string) {
	if a.Orch != nil {
		if err := a.Orch.SyncSchedules(context.WithoutCancel(ctx), id); err != nil && a.Hooks != nil {
			a.Hooks.Logf("schedules of workflow %s: %v", id, err)
		}
	}
	if a.Hooks == nil {
		return
	}
	if err := a.Hooks.Reload(context.WithoutCancel(ctx), id); err != nil {
		a.Hooks.Logf("webhooks of workflow %s: %v", id, err)
	}
}

// workflowDoc is a workflow as the API returns it.
type workflowDoc struct {
	ID            string          `json:"id"`
	Name          string          `json:"name"`
	Version       int             `json:"version"`
	Active        bool            `json:"active"`
	ActiveVersion int             `json:"activeVersion,omitempty"`
	CreatedAt     time.Time       `json:"createdAt"`
	UpdatedAt     time.Time       `json:"updatedAt"`
	Workflow      json.RawMessage `json:"workflow,omitempty"`
}

func toDoc(w *store.Workflow, withBody bool) workflowDoc {
	d := workflowDoc{ID: w.ID, Name: w.Name, Version: w.Version, Active: w.Active(), ActiveVersion: w.ActiveVersion, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	if withBody {
		d.Workflow = w.Document
	}
	return d
}

func etag(w *store.Workflow) string { return `"` + strconv.Itoa(w.Version) + `"` }

// writeWorkflow answers with a workflow, its document and its ETag.
func writeWorkflow(ctx *fasthttp.RequestCtx, status int, w *store.Workflow) {
	ctx.Response.Header.Set("ETag", etag(w))
	writeJSON(ctx, status, toDoc(w, true))
}

// ifMatch reads If-Match as a workflow version: 0 when absent or "*".
func ifMatch(ctx *fasthttp.RequestCtx) (int, bool) {
	h := strings.TrimSpace(string(ctx.Request.Header.Peek("If-Match")))
	if h == "" || h == "*" {
		return 0, true
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v <= 0 {
		writeProblem(ctx, fasthttp.StatusBadRequest, "bad_if_match", "If-Match must be an ETag this API returned, such as \"3\"")
		return 0, false
	}
	return v, true
}

// readWorkflow parses and validates the request body as an n8n workflow
// export. On failure it writes the problem and returns nil.
func (a *API) readWorkflow(ctx *fasthttp.RequestCtx) (*api.Workflow, json.RawMessage) {
	body := ctx.PostBody()
	if a.MaxBodyBytes > 0 && len(body) > a.MaxBodyBytes {
		writeProblem(ctx, fasthttp.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("the body is %d bytes; the limit is %d", len(body), a.MaxBodyBytes))
		return nil, nil
	}
	if ct := string(ctx.Request.Header.ContentType()); ct != "" && !isJSONType(ct) {
		writeProblem(ctx, fasthttp.StatusUnsupportedMediaType, "unsupported_media_type", "send the workflow as application/json")
		return nil, nil
	}
	// The document is kept as sent, less a byte order mark, which is not
	// JSON: it is what the parser reads.
	body = unwrapResource(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	wf, err := api.ParseWorkflow(body)
	if err != nil {
		writeProblem(ctx, fasthttp.StatusBadRequest, "invalid_workflow", err.Error())
		return nil, nil
	}
	if errs := api.FatalErrors(a.Core.Validate(ctx, wf)); len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Error()
		}
		writeProblem(ctx, fasthttp.StatusUnprocessableEntity, "invalid_workflow", problems("the workflow has", len(errs)), msgs...)
		return nil, nil
	}
	return wf, bytes.Clone(body)
}

// isJSONType reports whether a Content-Type names JSON: application/json or a
// +json type, in any case, with any parameters.
func isJSONType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// unwrapResource takes the workflow out of a body shaped as GET answers
// it (id, version, … and the document under "workflow"), so what was read
// can be edited and sent back as it is. An n8n export has its nodes at
// the top and is returned unchanged.
func unwrapResource(body []byte) []byte {
	var r struct {
		Nodes    json.RawMessage `json:"nodes"`
		Workflow json.RawMessage `json:"workflow"`
	}
	if json.Unmarshal(body, &r) != nil || r.Nodes != nil || len(r.Workflow) == 0 || r.Workflow[0] != '{' {
		return body
	}
	return r.Workflow
}

// decodeStrict decodes a request body into v, refusing fields v does not
// have (a misspelt option would otherwise be ignored without a word) and
// anything after the document.
func decodeStrict(body []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("something follows the JSON document")
	}
	return nil
}

// problems says how many problems something has: 1 problem, 2 problems.
func problems(what string, n int) string {
	if n == 1 {
		return what + " 1 problem"
	}
	return fmt.Sprintf("%s %d problems", what, n)
}

func (a *API) createWorkflow(ctx *fasthttp.RequestCtx) {
	wf, body := a.readWorkflow(ctx)
	if wf == nil {
		return
	}
	w, err := a.Store.CreateWorkflow(ctx, wf.Name, body)
	if err != nil {
		storeError(ctx, err)
		return
	}
	a.reloadHooks(ctx, w.ID)
	ctx.Response.Header.Set("Location", "/api/v1/workflows/"+w.ID)
	writeWorkflow(ctx, fasthttp.StatusCreated, w)
}

func (a *API) getWorkflow(ctx *fasthttp.RequestCtx, id string) {
	w, err := a.Store.GetWorkflow(ctx, id)
	if err != nil {
		storeError(ctx, err)
		return
	}
	writeWorkflow(ctx, 200, w)
}

func (a *API) updateWorkflow(ctx *fasthttp.RequestCtx, id string) {
	v, ok := ifMatch(ctx)
	if !ok {
		return
	}
	if v == 0 {
		writeProblem(ctx, fasthttp.StatusPreconditionRequired, "if_match_required", "send If-Match with the ETag of the version you edited, so a concurrent edit is not lost")
		return
	}
	wf, body := a.readWorkflow(ctx)
	if wf == nil {
		return
	}
	w, err := a.Store.UpdateWorkflow(ctx, id, v, wf.Name, body)
	if err != nil {
		storeError(ctx, err)
		return
	}
	a.reloadHooks(ctx, id)
	writeWorkflow(ctx, 200, w)
}

func (a *API) deleteWorkflow(ctx *fasthttp.RequestCtx, id string) {
	v, ok := ifMatch(ctx)
	if !ok {
		return
	}
	running, err := a.runningOf(ctx, id)
	if err != nil {
		storeError(ctx, err)
		return
	}
	if err := a.Store.DeleteWorkflow(ctx, id, v); err != nil {
		storeError(ctx, err)
		return
	}
	a.reloadHooks(ctx, id)
	// Its executions went with it: those still running have nothing left
	// to run for.
	for _, x := range running {
		if _, err := a.Orch.RequestStop(x); err != nil {
			a.Hooks.Logf("workflow %s deleted: stopping execution %s: %v", id, x, err)
		}
	}
	ctx.SetStatusCode(fasthttp.StatusNoContent)
}

// runningOf returns the ids of a workflow's running executions.
func (a *API) runningOf(ctx context.Context, workflowID string) ([]string, error) {
	var ids []string
	p := store.Page{Limit: 500}
	for {
		es, next, err := a.Store.ListExecutions(ctx, store.ExecutionFilter{WorkflowID: workflowID, Status: store.StatusRunning}, p)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			ids = append(ids, e.ID)
		}
		if next == "" {
			return ids, nil
		}
		p.After = next
	}
}

// onlyParams refuses a query with parameters the endpoint does not take:
// a misspelt filter (workflowid) would otherwise list everything.
func onlyParams(ctx *fasthttp.RequestCtx, names ...string) bool {
	for k := range ctx.QueryArgs().All() {
		if !slices.Contains(names, string(k)) {
			writeProblem(ctx, fasthttp.StatusBadRequest, "unknown_parameter", fmt.Sprintf("no query parameter %q here; this endpoint takes %s", k, strings.Join(names, ", ")))
			return false
		}
	}
	return true
}

func pageOf(ctx *fasthttp.RequestCtx) (store.Page, bool) {
	args := ctx.QueryArgs()
	p := store.Page{After: string(args.Peek("cursor"))}
	if l := args.Peek("limit"); len(l) > 0 {
		n, err := strconv.Atoi(string(l))
		if err != nil || n <= 0 {
			writeProblem(ctx, fasthttp.StatusBadRequest, "bad_limit", "limit must be a positive number")
			return p, false
		}
		p.Limit = n
	}
	return p, true
}

type listDoc struct {
	Data       any    `json:"data"`
	NextCursor string `json:"nextCursor,omitempty"`
}

func (a *API) listWorkflows(ctx *fasthttp.RequestCtx) {
	if !onlyParams(ctx, "limit", "cursor") {
		return
	}
	p, ok := pageOf(ctx)
	if !ok {
		return
	}
	ws, next, err := a.Store.ListWorkflows(ctx, p)
	if err != nil {
		storeError(ctx, err)
		return
	}
	docs := make([]workflowDoc, len(ws))
	for i, w := range ws {
		docs[i] = toDoc(w, false)
	}
	writeJSON(ctx, 200, listDoc{Data: docs, NextCursor: next})
}

func (a *API) listVersions(ctx *fasthttp.RequestCtx, id string) {
	vs, err := a.Store.ListVersions(ctx, id)
	if err != nil {
		storeError(ctx, err)
		return
	}
	type versionDoc struct {
		Version   int       `json:"version"`
		Name      string    `json:"name"`
		CreatedAt time.Time `json:"createdAt"`
	}
	docs := make([]versionDoc, len(vs))
	for i, v := range vs {
		docs[i] = versionDoc{v.Version, v.Name, v.CreatedAt}
	}
	writeJSON(ctx, 200, listDoc{Data: docs})
}

// getVersion answers one saved version of a workflow with its document,
// as it was saved: the one an activation pinned runs on it.
func (a *API) getVersion(ctx *fasthttp.RequestCtx, id, version string) {
	n, err := strconv.Atoi(version)
	if err != nil || n <= 0 {
		writeProblem(ctx, fasthttp.StatusBadRequest, "bad_version", fmt.Sprintf("%q is not a version number (1, 2, …)", version))
		return
	}
	v, err := a.Store.GetVersion(ctx, id, n)
	if err != nil {
		storeError(ctx, err)
		return
	}
	writeJSON(ctx, 200, struct {
		Version   int             `json:"version"`
		Name      string          `json:"name"`
		CreatedAt time.Time       `json:"createdAt"`
		Workflow  json.RawMessage `json:"workflow"`
	}{v.Version, v.Name, v.CreatedAt, v.Document})
}

func (a *API) activate(ctx *fasthttp.RequestCtx, id string, on bool) {
	version := 0
	if on {
		w, err := a.Store.GetWorkflow(ctx, id)
		if err != nil {
			storeError(ctx, err)
			return
		}
		version = w.Version
		if v, ok := ifMatch(ctx); !ok {
			return
		} else if v > 0 {
			version = v
		}
		doc := w.Document
		if version != w.Version {
			ver, err := a.Store.GetVersion(ctx, id, version)
			if err != nil {
				storeError(ctx, err)
				return
			}
			doc = ver.Document
		}
		wf, err := api.ParseWorkflow(doc)
		if err != nil {
			writeProblem(ctx, fasthttp.StatusUnprocessableEntity, "invalid_workflow", err.Error())
			return
		}
		wf.ID = id
		schedules, err := checkSchedules(wf)
		if err != nil {
			writeProblem(ctx, fasthttp.StatusUnprocessableEntity, "invalid_schedule", err.Error())
			return
		}
		// A Webhook node that cannot listen (a path set by an expression,
		// say) is the version's fault, not a conflict.
		regs, err := webhook.Registrations(wf)
		if err != nil {
			writeProblem(ctx, fasthttp.StatusUnprocessableEntity, "invalid_webhook", err.Error())
			return
		}
		if schedules == 0 && len(regs) == 0 {
			writeProblem(ctx, fasthttp.StatusUnprocessableEntity, "no_trigger",
				fmt.Sprintf("version %d of workflow %s has no trigger that activation would start: add a Webhook or Schedule Trigger node (one that is not disabled); a workflow run only by Execute Workflow, by an Error Trigger or by hand needs no activation", version, id))
			return
		}
		if a.Hooks != nil {
			if err := a.Hooks.CheckActivation(id, regs); err != nil {
				writeProblem(ctx, fasthttp.StatusConflict, "webhook_conflict", err.Error())
				return
			}
			// The store's table makes the claim atomic across control
			// planes.
			if err := a.Store.SetWebhooks(ctx, id, webhookRoutes(regs)); err != nil {
				if errors.Is(err, store.ErrConflict) {
					writeProblem(ctx, fasthttp.StatusConflict, "webhook_conflict", err.Error())
					return
				}
				storeError(ctx, err)
				return
			}
		}
	}
	w, err := a.Store.SetActiveVersion(ctx, id, version)
	if err != nil {
		if on {
			_ = a.Store.SetWebhooks(context.WithoutCancel(ctx), id, nil)
		}
		storeError(ctx, err)
		return
	}
	if !on {
		if err := a.Store.SetWebhooks(ctx, id, nil); err != nil {
			storeError(ctx, err)
			return
		}
	}
	a.reloadHooks(ctx, id)
	writeJSON(ctx, 200, toDoc(w, false))
}

// executionDoc is an execution as the API returns it.
type executionDoc struct {
	ID               string          `json:"id"`
	WorkflowID       string          `json:"workflowId"`
	WorkflowVersion  int             `json:"workflowVersion"`
	Status           string          `json:"status"`
	Mode             string          `json:"mode"`
	StartedAt        time.Time       `json:"startedAt"`
	FinishedAt       *time.Time      `json:"finishedAt,omitempty"`
	Error            json.RawMessage `json:"error,omitempty"`
	LastNodeExecuted string          `json:"lastNodeExecuted,omitempty"`
	RetryOf          string          `json:"retryOf,omitempty"`
	ParentID         string          `json:"parentId,omitempty"`
	// Workflow is the document a sub-execution ran when its Execute
	// Workflow node gave it as JSON or as a file.
	Workflow json.RawMessage `json:"workflow,omitempty"`
	RunData  json.RawMessage `json:"runData,omitempty"`
	Logs     json.RawMessage `json:"logs,omitempty"`
}

func toExecDoc(e *store.Execution) executionDoc {
	d := executionDoc{ID: e.ID, WorkflowID: e.WorkflowID, WorkflowVersion: e.WorkflowVersion, Status: e.Status, Mode: e.Mode,
		StartedAt: e.StartedAt, Error: e.Error, LastNodeExecuted: e.LastNodeExecuted, RetryOf: e.RetryOf, ParentID: e.ParentID, Workflow: e.WorkflowDoc, RunData: e.RunData, Logs: e.Logs}
	if !e.FinishedAt.IsZero() {
		t := e.FinishedAt
		d.FinishedAt = &t
	}
	return d
}

// run starts a manual run of the workflow's current version with the
// body's items (an array of items or plain objects; empty: one empty item),
// waits for it and returns the execution with its run data.
func (a *API) run(ctx *fasthttp.RequestCtx, id string) {
	w, err := a.Store.GetWorkflow(ctx, id)
	if err != nil {
		storeError(ctx, err)
		return
	}
	var start [][]api.Item
	if body := bytes.TrimSpace(ctx.PostBody()); len(body) > 0 {
		var req struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := decodeStrict(body, &req); err != nil {
			writeProblem(ctx, fasthttp.StatusBadRequest, "invalid_body", "want {\"items\": [...]}: "+err.Error())
			return
		}
		if req.Items != nil {
			items := make([]api.Item, len(req.Items))
			for i, raw := range req.Items {
				it, err := toItem(raw)
				if err != nil {
					writeProblem(ctx, fasthttp.StatusBadRequest, "invalid_item", fmt.Sprintf("item %d: %v", i, err))
					return
				}
				items[i] = it
			}
			start = [][]api.Item{items}
		}
	}
	h, err := a.Orch.Start(ctx, orchestrator.StartRequest{WorkflowID: w.ID, Version: w.Version, Mode: "manual", StartData: start})
	if err != nil {
		storeError(ctx, err)
		return
	}
	a.answerExecution(ctx, h, a.runTimeout())
}

// runTimeout is how long a run is waited for before answering 202.
func (a *API) runTimeout() time.Duration {
	if a.RunTimeout > 0 {
		return a.RunTimeout
	}
	return 5 * time.Minute
}

// answerExecution waits up to timeout for an execution and answers with
// it: 200 when it finished, 202 while it still runs.
func (a *API) answerExecution(ctx *fasthttp.RequestCtx, h *orchestrator.Handle, timeout time.Duration) {
	status := 200
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := h.Wait(wctx); (err != nil && wctx.Err() != nil) || h.Parked() {
		// Still running, or parked at a Wait node: it goes on later.
		status = fasthttp.StatusAccepted
		ctx.Response.Header.Set("Location", "/api/v1/executions/"+h.ID)
	}
	saved, err := a.Store.GetExecution(context.WithoutCancel(ctx), h.ID)
	if err != nil {
		storeError(ctx, err)
		return
	}
	writeJSON(ctx, status, toExecDoc(saved))
}

func toItem(raw json.RawMessage) (api.Item, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		return api.Item{}, errors.New("want a JSON object")
	}
	if j, ok := probe["json"]; ok {
		for k := range probe {
			if k != "json" && k != "binary" && k != "pairedItem" {
				return api.Item{}, fmt.Errorf("an item {\"json\": …} has only json, binary and pairedItem, not %q", k)
			}
		}
		if len(j) == 0 || j[0] != '{' {
			return api.Item{}, errors.New("json must be an object")
		}
		if b, ok := probe["binary"]; ok && (len(b) == 0 || b[0] != '{') {
			return api.Item{}, errors.New("binary must be an object of binary properties")
		}
		return api.Item{JSON: j, Binary: probe["binary"], PairedItem: probe["pairedItem"]}, nil
	}
	return api.Item{JSON: raw}, nil
}

func (a *API) listExecutions(ctx *fasthttp.RequestCtx) {
	if !onlyParams(ctx, "workflowId", "status", "parentId", "startedAfter", "startedBefore", "limit", "cursor") {
		return
	}
	p, ok := pageOf(ctx)
	if !ok {
		return
	}
	args := ctx.QueryArgs()
	f := store.ExecutionFilter{WorkflowID: string(args.Peek("workflowId")), Status: string(args.Peek("status")), ParentID: string(args.Peek("parentId"))}
	switch f.Status {
	case "", store.StatusNew, store.StatusRunning, store.StatusWaiting, store.StatusSuccess, store.StatusError, store.StatusCanceled:
	default:
		writeProblem(ctx, fasthttp.StatusBadRequest, "bad_status", fmt.Sprintf("status %q is not one of new, running, waiting, success, error, canceled", f.Status))
		return
	}
	for _, tf := range []struct {
		name string
		dst  *time.Time
	}{{"startedAfter", &f.StartedAfter}, {"startedBefore", &f.StartedBefore}} {
		name, dst := tf.name, tf.dst
		if v := args.Peek(name); len(v) > 0 {
			t, err := time.Parse(time.RFC3339, string(v))
			if err != nil {
				writeProblem(ctx, fasthttp.StatusBadRequest, "bad_time", name+" must be an RFC 3339 time, such as 2026-01-02T15:04:05Z")
				return
			}
			*dst = t
		}
	}
	es, next, err := a.Store.ListExecutions(ctx, f, p)
	if err != nil {
		storeError(ctx, err)
		return
	}
	docs := make([]executionDoc, len(es))
	for i, e := range es {
		docs[i] = toExecDoc(e)
	}
	writeJSON(ctx, 200, listDoc{Data: docs, NextCursor: next})
}

func (a *API) getExecution(ctx *fasthttp.RequestCtx, id string) {
	e, err := a.Store.GetExecution(ctx, id)
	if err != nil {
		storeError(ctx, err)
		return
	}
	writeJSON(ctx, 200, toExecDoc(e))
}

func (a *API) deleteExecution(ctx *fasthttp.RequestCtx, id string) {
	if err := a.Store.DeleteExecution(ctx, id); errors.Is(err, store.ErrConflict) {
		writeProblem(ctx, fasthttp.StatusConflict, "execution_running",
			fmt.Sprintf("execution %s is running; stop it first (POST /api/v1/executions/%s/stop)", id, id))
		return
	} else if err != nil {
		storeError(ctx, err)
		return
	}
	ctx.SetStatusCode(fasthttp.StatusNoContent)
}
