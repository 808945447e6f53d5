package httpapi

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// routes is every route the handler serves (API.Handler and API.route).
// The document must describe exactly these; keep the table in sync with
// the handler, and TestOpenAPI_Routes keeps the document in sync with both.
var routes = []string{
	"GET /api/v1/workflows",
	"POST /api/v1/workflows",
	"GET /api/v1/workflows/{id}",
	"PUT /api/v1/workflows/{id}",
	"DELETE /api/v1/workflows/{id}",
	"GET /api/v1/workflows/{id}/versions",
	"GET /api/v1/workflows/{id}/versions/{version}",
	"POST /api/v1/workflows/{id}/activate",
	"POST /api/v1/workflows/{id}/deactivate",
	"POST /api/v1/workflows/{id}/run",
	"GET /api/v1/executions",
	"GET /api/v1/executions/{id}",
	"DELETE /api/v1/executions/{id}",
	"POST /api/v1/executions/{id}/retry",
	"POST /api/v1/executions/{id}/stop",
	"GET /api/v1/executions/{id}/events",
	"GET /api/v1/node-types",
	"GET /api/v1/openapi.json",
	"GET /healthz",
	"GET /readyz",
	"GET /metrics",
}

// webhookPaths are the prefixes Webhook and Wait nodes listen under; every
// one answers DELETE, GET, HEAD, PATCH, POST and PUT.
var webhookPaths = []string{"/webhook/{path}", "/webhook-test/{path}", "/webhook-waiting/{executionId}"}

// webhookMethods are the methods of a Webhook node (webhook.Methods).
var webhookMethods = []string{"DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"}

// unexercised lists the documented answers the scenario cannot provoke
// against a healthy in-process server, with the reason: keyed by
// "operationId status" ("*" for every operation) or, for webhooks, by
// "path status".
var unexercised = map[string]string{
	"* 500":                     "the store does not fail",
	"retryExecution 202":        "serve(t) waits five minutes for a run",
	"stopExecution 202":         "one control plane runs every execution",
	"stopExecution 503":         "the embedded bus does not fail",
	"streamExecutionEvents 503": "the embedded bus does not fail",
	"getReadiness 503":          "the store does not fail, and NATS stays up",
	"getMetrics 404":            "serve(t) serves metrics",

	"/webhook-test/{path} 202":           "serve(t) waits five minutes for a run",
	"/webhook/{path} 503":                "the orchestrator does not fail to start runs",
	"/webhook-test/{path} 503":           "the orchestrator does not fail to start runs",
	"/webhook-waiting/{executionId} 503": "the orchestrator does not fail to resume runs",
}

func TestOpenAPI_Document(t *testing.T) {
	s := loadSpec(t)
	if s.root["openapi"] != "3.1.0" {
		t.Errorf("openapi is %v, want 3.1.0", s.root["openapi"])
	}
	if info := obj(s.root["info"]); info["title"] != "Weft" || info["version"] == nil {
		t.Errorf("info: %v", info)
	}
	for _, name := range []string{"Workflow", "WorkflowResource", "WorkflowVersion", "Execution", "ExecutionList", "WorkflowList", "Problem", "NodeType", "RunRequest", "RetryRequest"} {
		if obj(obj(s.root["components"])["schemas"])[name] == nil {
			t.Errorf("components.schemas lacks %s", name)
		}
	}
	var errs []string
	s.walk(s.root, "#", func(at string, m map[string]any) {
		if r, ok := m["$ref"].(string); ok {
			if _, err := s.resolve(r); err != nil {
				errs = append(errs, at+": "+err.Error())
			}
		}
		for _, k := range []string{"schema", "x-event-data"} {
			if sc, ok := m[k]; ok {
				errs = append(errs, checkKeywords(sc, at+"/"+k)...)
			}
		}
	})
	for name, sc := range obj(obj(s.root["components"])["schemas"]) {
		errs = append(errs, checkKeywords(sc, "#/components/schemas/"+name)...)
	}
	tags := map[string]bool{}
	for _, tag := range s.root["tags"].([]any) {
		tags[obj(tag)["name"].(string)] = true
	}
	ids := map[string]string{}
	for _, op := range s.operations() {
		where := op.method + " " + op.path
		if op.id() == "" || ids[op.id()] != "" {
			errs = append(errs, fmt.Sprintf("%s: operationId %q is missing or also names %s", where, op.id(), ids[op.id()]))
		}
		ids[op.id()] = where
		if op.op["summary"] == nil {
			errs = append(errs, where+": no summary")
		}
		opTags, _ := op.op["tags"].([]any)
		if len(opTags) == 0 {
			errs = append(errs, where+": no tags")
		}
		for _, tag := range opTags {
			if !tags[tag.(string)] {
				errs = append(errs, fmt.Sprintf("%s: tag %v is not declared", where, tag))
			}
		}
		var inTemplate, declared []string
		for seg := range strings.SplitSeq(op.path, "/") {
			if strings.HasPrefix(seg, "{") {
				inTemplate = append(inTemplate, strings.Trim(seg, "{}"))
			}
		}
		for _, p := range s.parameters(op) {
			if p["in"] == "path" {
				declared = append(declared, p["name"].(string))
				if p["required"] != true {
					errs = append(errs, fmt.Sprintf("%s: path parameter %v is not required", where, p["name"]))
				}
			}
		}
		if !slices.Equal(inTemplate, declared) {
			errs = append(errs, fmt.Sprintf("%s: path parameters %v, template %v", where, declared, inTemplate))
		}
		responses := obj(op.op["responses"])
		if len(responses) == 0 {
			errs = append(errs, where+": no responses")
		}
		for status, r := range responses {
			resp := s.deref(r)
			desc, _ := resp["description"].(string)
			if desc == "" {
				errs = append(errs, fmt.Sprintf("%s %s: no description", where, status))
			}
			media := obj(obj(resp["content"])["application/problem+json"])
			if media == nil {
				continue
			}
			codes := s.problemCodes(media["schema"])
			if len(codes) == 0 {
				errs = append(errs, fmt.Sprintf("%s %s: the problem schema does not list its codes", where, status))
			}
			for _, code := range codes {
				if !strings.Contains(desc, "`"+code+"`") {
					errs = append(errs, fmt.Sprintf("%s %s: the description does not name the code %s", where, status, code))
				}
			}
		}
	}
	for _, e := range errs {
		t.Error(e)
	}
}

func TestOpenAPI_Routes(t *testing.T) {
	s := loadSpec(t)
	var documented, want []string
	for _, op := range s.operations() {
		documented = append(documented, op.method+" "+op.path)
	}
	want = append(want, routes...)
	for _, p := range webhookPaths {
		for _, m := range webhookMethods {
			want = append(want, m+" "+p)
		}
	}
	slices.Sort(documented)
	slices.Sort(want)
	for _, r := range want {
		if !slices.Contains(documented, r) {
			t.Errorf("the handler serves %s; the document does not describe it", r)
		}
	}
	for _, r := range documented {
		if !slices.Contains(want, r) {
			t.Errorf("the document describes %s; the routes table does not list it", r)
		}
	}

	c := newChecker(t, s, serve(t))
	isWebhook := func(path string) bool { return slices.Contains(webhookPaths, path) }
	probePath := func(template string) string {
		r := strings.NewReplacer("{id}", "openapi-probe", "{path}", "openapi-probe", "{executionId}", "openapi-probe")
		return r.Replace(template)
	}
	// Every documented operation is routed: no 404 no_route, no 405.
	for _, op := range s.operations() {
		if isWebhook(op.path) {
			continue
		}
		a := c.do(exchange{method: op.method, path: probePath(op.path), request: unchecked})
		if a.status == 405 || a.status == 404 && a.body["code"] == "no_route" {
			t.Errorf("%s %s is documented but not routed: %d %s", op.method, op.path, a.status, a.raw)
		}
	}
	// A documented path answers its other methods with 405 and an Allow
	// header that lists exactly the documented ones. The top-level
	// endpoints answer every method, so only /api/v1 is checked.
	notAllowed := s.deref(map[string]any{"$ref": "#/components/responses/MethodNotAllowed"})
	for path := range obj(s.root["paths"]) {
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		methods := s.methods(path)
		for _, m := range []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"} {
			if slices.Contains(methods, m) {
				continue
			}
			a, err := c.send(exchange{method: m, path: probePath(path)})
			if err != nil {
				t.Fatal(err)
			}
			var allow []string
			for v := range strings.SplitSeq(a.header.Get("Allow"), ",") {
				allow = append(allow, strings.TrimSpace(v))
			}
			slices.Sort(allow)
			if a.status != 405 || !slices.Equal(allow, methods) {
				t.Errorf("%s %s: %d, Allow %q; want 405, Allow %v", m, path, a.status, a.header.Get("Allow"), methods)
			}
			for _, e := range s.checkResponse(notAllowed, m, a) {
				t.Errorf("%s %s: 405 answer: %s", m, path, e)
			}
		}
	}
	// Paths the document does not describe are not routed.
	noRoute := s.deref(map[string]any{"$ref": "#/components/responses/NoRoute"})
	for _, p := range []string{"/api/v1/nowhere", "/api/v1/workflows/x/y/z", "/api/v2/workflows", "/nowhere"} {
		a, err := c.send(exchange{method: "GET", path: p})
		if err != nil {
			t.Fatal(err)
		}
		if a.status != 404 || a.body["code"] != "no_route" {
			t.Errorf("GET %s: %d %s, want 404 no_route", p, a.status, a.raw)
		}
		for _, e := range s.checkResponse(noRoute, "GET", a) {
			t.Errorf("GET %s: %s", p, e)
		}
	}

	// Webhook paths answer every documented method; which methods a path
	// allows depends on the workflows, so there is no 405 cross-check.
	for _, p := range webhookPaths {
		if a := c.do(exchange{method: "GET", path: probePath(p), request: unchecked}); a.status == 404 && a.body["code"] == "no_route" {
			t.Errorf("%s is documented but not routed: %s", p, a.raw)
		}
	}
	for _, op := range s.operations() {
		if isWebhook(op.path) {
			c.do(exchange{method: op.method, path: probePath(op.path), request: unchecked})
		}
	}
}

func TestOpenAPI_Scenario(t *testing.T) {
	s := loadSpec(t)
	c := newChecker(t, s, serve(t))

	// The document itself.
	a := c.do(exchange{method: "GET", path: "/api/v1/openapi.json", status: 200})
	if a.raw != string(openAPIDocument) {
		t.Error("GET /api/v1/openapi.json does not answer with the embedded document")
	}

	// Workflows: create, read, update with If-Match, list, versions.
	a = c.do(exchange{method: "POST", path: "/api/v1/workflows", body: wf("greet", "return $input.all();"), status: 201})
	id := a.body["id"].(string)
	if a.header.Get("Location") != "/api/v1/workflows/"+id || a.header.Get("ETag") != `"1"` {
		t.Fatalf("create: Location %q, ETag %q", a.header.Get("Location"), a.header.Get("ETag"))
	}
	a = c.do(exchange{method: "GET", path: a.header.Get("Location"), status: 200})
	if a.header.Get("ETag") != `"1"` || obj(a.body["workflow"])["name"] != "greet" {
		t.Fatalf("get: ETag %q, %s", a.header.Get("ETag"), a.raw)
	}
	failing := c.do(exchange{method: "POST", path: "/api/v1/workflows", body: wf("failing", "console.log('about to fail'); throw new Error('nope')"), status: 201}).body["id"].(string)
	a = c.do(exchange{method: "PUT", path: "/api/v1/workflows/" + id, body: wf("greet2", "return $input.all();"), header: []string{"If-Match", `"1"`}, status: 200})
	if a.header.Get("ETag") != `"2"` || a.body["version"] != 2.0 {
		t.Fatalf("update: ETag %q, %s", a.header.Get("ETag"), a.raw)
	}
	a = c.do(exchange{method: "GET", path: "/api/v1/workflows?limit=1", status: 200})
	next, _ := a.body["nextCursor"].(string)
	if len(a.body["data"].([]any)) != 1 || next == "" {
		t.Fatalf("first page of workflows: %s", a.raw)
	}
	c.do(exchange{method: "GET", path: "/api/v1/workflows?limit=1&cursor=" + url.QueryEscape(next), status: 200})
	c.do(exchange{method: "GET", path: "/api/v1/workflows", status: 200})
	if a = c.do(exchange{method: "GET", path: "/api/v1/workflows/" + id + "/versions", status: 200}); len(a.body["data"].([]any)) != 2 {
		t.Fatalf("versions: %s", a.raw)
	}
	// The first version keeps its own document after the update.
	if a = c.do(exchange{method: "GET", path: "/api/v1/workflows/" + id + "/versions/1", status: 200}); a.body["name"] != "greet" || !strings.Contains(a.raw, `"nodes"`) {
		t.Fatalf("version 1: %s", a.raw)
	}
	c.do(exchange{method: "GET", path: "/api/v1/workflows/" + id + "/versions/3", status: 404, code: "not_found"})

	// Activation, of the current version and of an older one.
	if a = c.do(exchange{method: "POST", path: "/api/v1/workflows/" + id + "/activate", status: 200}); a.body["activeVersion"] != 2.0 {
		t.Fatalf("activate: %s", a.raw)
	}
	if a = c.do(exchange{method: "POST", path: "/api/v1/workflows/" + id + "/activate", header: []string{"If-Match", `"1"`}, status: 200}); a.body["activeVersion"] != 1.0 {
		t.Fatalf("activate version 1: %s", a.raw)
	}
	if a = c.do(exchange{method: "POST", path: "/api/v1/workflows/" + id + "/deactivate", status: 200}); a.body["active"] != false {
		t.Fatalf("deactivate: %s", a.raw)
	}

	// Runs and executions.
	a = c.do(exchange{method: "POST", path: "/api/v1/workflows/" + id + "/run", body: `{"items":[{"name":"ada"},{"json":{"name":"grace"}}]}`, status: 200})
	if a.body["status"] != "success" || a.body["runData"] == nil {
		t.Fatalf("run: %s", a.raw)
	}
	okExec := a.body["id"].(string)
	if a = c.do(exchange{method: "POST", path: "/api/v1/workflows/" + failing + "/run", status: 200}); a.body["status"] != "error" || a.body["error"] == nil || !strings.Contains(a.raw, "about to fail") {
		t.Fatalf("failing run: %s", a.raw)
	}
	failedExec := a.body["id"].(string)
	c.do(exchange{method: "GET", path: "/api/v1/executions", status: 200})
	after := url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339))
	before := url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339))
	a = c.do(exchange{method: "GET", path: "/api/v1/executions?workflowId=" + id + "&status=success&startedAfter=" + after + "&startedBefore=" + before + "&limit=10", status: 200})
	if d := a.body["data"].([]any); len(d) != 1 || obj(d[0])["id"] != okExec {
		t.Fatalf("filtered executions: %s", a.raw)
	}
	a = c.do(exchange{method: "GET", path: "/api/v1/executions?limit=1", status: 200})
	next, _ = a.body["nextCursor"].(string)
	if next == "" {
		t.Fatalf("first page of executions: %s", a.raw)
	}
	c.do(exchange{method: "GET", path: "/api/v1/executions?limit=1&cursor=" + url.QueryEscape(next), status: 200})
	if a = c.do(exchange{method: "GET", path: "/api/v1/executions/" + okExec, status: 200}); a.body["finishedAt"] == nil {
		t.Fatalf("get execution: %s", a.raw)
	}
	c.do(exchange{method: "GET", path: "/api/v1/executions/" + failedExec, status: 200})
	if a = c.do(exchange{method: "GET", path: "/api/v1/executions/" + okExec + "/events", status: 200}); !strings.Contains(a.raw, "event: executionFinished") {
		t.Fatalf("events of a finished execution: %q", a.raw)
	}

	// Retries.
	a = c.do(exchange{method: "POST", path: "/api/v1/executions/" + failedExec + "/retry", body: `{"from":"failedNode","currentVersion":true}`, status: 200})
	if a.body["retryOf"] != failedExec || a.body["mode"] != "retry" {
		t.Fatalf("retry: %s", a.raw)
	}
	c.do(exchange{method: "POST", path: "/api/v1/executions/" + failedExec + "/retry", body: `{"from":"start"}`, status: 200})
	c.do(exchange{method: "POST", path: "/api/v1/executions/" + failedExec + "/retry", status: 200})

	// A running execution: its events, then a stop.
	c.running(t)

	// Deletion.
	c.do(exchange{method: "DELETE", path: "/api/v1/executions/" + okExec, status: 204})
	c.do(exchange{method: "DELETE", path: "/api/v1/workflows/" + id, header: []string{"If-Match", `"2"`}, status: 204})
	c.do(exchange{method: "DELETE", path: "/api/v1/workflows/" + failing, status: 204})

	// Node types and operations.
	if a = c.do(exchange{method: "GET", path: "/api/v1/node-types", status: 200}); !strings.Contains(a.raw, `"type":"n8n-nodes-base.set"`) {
		t.Fatalf("node types: %.200s", a.raw)
	}
	c.do(exchange{method: "GET", path: "/healthz", status: 200})
	c.do(exchange{method: "GET", path: "/readyz", status: 200})
	if a = c.do(exchange{method: "GET", path: "/metrics", status: 200}); !strings.Contains(a.raw, "weft_executions_started_total") {
		t.Fatalf("metrics: %.200s", a.raw)
	}

	c.badInputs(t)

	c.webhooks(t)

	// Every documented answer was checked, or cannot be provoked here.
	// Webhook answers do not depend on the method, so each path's are
	// counted over all its methods.
	missing := map[string]bool{}
	for _, op := range s.operations() {
		for status := range obj(op.op["responses"]) {
			key := op.id() + " " + status
			if slices.Contains(webhookPaths, op.path) {
				key = op.path + " " + status
			}
			if !c.seen[key] && unexercised[key] == "" && unexercised["* "+status] == "" {
				missing[key] = true
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(missing)) {
		t.Errorf("the scenario never checks the documented answer %s", key)
	}
}

// running checks the answers about running executions: two slow runs, one
// followed through its events, one stopped.
func (c *checker) running(t *testing.T) {
	followed := c.do(exchange{method: "POST", path: "/api/v1/workflows", body: slowWorkflow, status: 201}).body["id"].(string)
	stopped := c.do(exchange{method: "POST", path: "/api/v1/workflows", body: slowWorkflow, status: 201}).body["id"].(string)
	type result struct {
		x   exchange
		a   answer
		err error
	}
	var wg sync.WaitGroup
	results := make([]result, 3)
	start := func(i int, x exchange) {
		wg.Go(func() {
			a, err := c.send(x)
			results[i] = result{x, a, err}
		})
	}
	start(0, exchange{method: "POST", path: "/api/v1/workflows/" + followed + "/run", status: 200})
	start(1, exchange{method: "POST", path: "/api/v1/workflows/" + stopped + "/run", status: 200})
	followedExec, stoppedExec := c.waitStatus(t, followed, "running"), c.waitStatus(t, stopped, "running")
	start(2, exchange{method: "GET", path: "/api/v1/executions/" + followedExec + "/events", status: 200})

	if a := c.do(exchange{method: "GET", path: "/api/v1/executions/" + followedExec, status: 200}); a.body["status"] != "running" {
		t.Fatalf("running execution: %s", a.raw)
	}
	c.do(exchange{method: "POST", path: "/api/v1/executions/" + followedExec + "/retry", status: 409, code: "not_retryable"})
	c.do(exchange{method: "DELETE", path: "/api/v1/executions/" + stoppedExec, status: 409, code: "execution_running"})
	if a := c.do(exchange{method: "POST", path: "/api/v1/executions/" + stoppedExec + "/stop", status: 200}); a.body["status"] != "canceled" {
		t.Fatalf("stop: %s", a.raw)
	}
	c.do(exchange{method: "POST", path: "/api/v1/executions/" + stoppedExec + "/stop", status: 409, code: "not_running"})
	// A run that parks at a Wait node answers at once, with where to
	// follow it.
	parks := c.do(exchange{method: "POST", path: "/api/v1/workflows", body: parkingRun, status: 201}).body["id"].(string)
	if a := c.do(exchange{method: "POST", path: "/api/v1/workflows/" + parks + "/run", status: 202}); a.body["status"] != "waiting" || a.header.Get("Location") != "/api/v1/executions/"+a.body["id"].(string) {
		t.Fatalf("a run that parks: %v %s", a.header, a.raw)
	}
	wg.Wait()
	for _, r := range results {
		if r.err != nil {
			t.Fatal(r.err)
		}
		c.verify(r.x, r.a)
	}
	if !strings.Contains(results[2].a.raw, "event: nodeFinished") {
		t.Errorf("the events of a running execution lack nodeFinished: %q", results[2].a.raw)
	}
	if results[1].a.body["status"] != "canceled" {
		t.Errorf("the stopped run answered %s", results[1].a.raw)
	}
}

// hookWorkflow is a Webhook node on POST /webhook/oa-<name> followed by a
// Code node: name, response mode, the Webhook node's options, code.
const hookWorkflow = `{"name":"hook %[1]s","nodes":[
 {"id":"h","name":"Hook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"oa-%[1]s",
  "parameters":{"httpMethod":"POST","path":"oa-%[1]s","responseMode":"%[2]s","options":%[3]s}},
 {"id":"c","name":"Check","type":"n8n-nodes-base.code","typeVersion":2,"position":[200,0],"parameters":{"jsCode":"%[4]s"}}],
 "connections":{"Hook":{"main":[[{"node":"Check","type":"main","index":0}]]}}}`

// approvalWorkflow parks at a Wait node until POST /webhook-waiting/{id}.
const approvalWorkflow = `{"name":"approval","nodes":[
 {"id":"h","name":"Hook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"oa-approve",
  "parameters":{"httpMethod":"POST","path":"oa-approve","responseMode":"onReceived","options":{}}},
 {"id":"w","name":"Wait","type":"n8n-nodes-base.wait","typeVersion":1.1,"position":[200,0],"parameters":{"resume":"webhook","httpMethod":"POST"}},
 {"id":"d","name":"Done","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[400,0],"parameters":{}}],
 "connections":{"Hook":{"main":[[{"node":"Wait","type":"main","index":0}]]},"Wait":{"main":[[{"node":"Done","type":"main","index":0}]]}}}`

// parkingRun parks at a Wait node until a call resumes it.
const parkingRun = `{"name":"parks","nodes":[
 {"id":"s","name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"id":"w","name":"Wait","type":"n8n-nodes-base.wait","typeVersion":1.1,"position":[200,0],"parameters":{"resume":"webhook","httpMethod":"POST"}}],
 "connections":{"Start":{"main":[[{"node":"Wait","type":"main","index":0}]]}}}`

// parkingWorkflow answers in the given response mode, but parks at a Wait
// node first.
const parkingWorkflow = `{"name":"parks %[1]s","nodes":[
 {"id":"h","name":"Hook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"oa-park-%[1]s",
  "parameters":{"httpMethod":"POST","path":"oa-park-%[1]s","responseMode":"%[1]s","options":{}}},
 {"id":"w","name":"Wait","type":"n8n-nodes-base.wait","typeVersion":1.1,"position":[200,0],"parameters":{"resume":"webhook","httpMethod":"POST"}},
 {"id":"r","name":"Respond","type":"n8n-nodes-base.respondToWebhook","typeVersion":1.1,"position":[400,0],"parameters":{"options":{}}}],
 "connections":{"Hook":{"main":[[{"node":"Wait","type":"main","index":0}]]},"Wait":{"main":[[{"node":"Respond","type":"main","index":0}]]}}}`

// webhooks checks the answers of webhook calls, on the production and the
// test URL, and of resuming a waiting execution.
func (c *checker) webhooks(t *testing.T) {
	create := func(doc string) string {
		return c.do(exchange{method: "POST", path: "/api/v1/workflows", body: doc, status: 201}).body["id"].(string)
	}
	activate := func(id string) {
		c.do(exchange{method: "POST", path: "/api/v1/workflows/" + id + "/activate", status: 200})
	}
	greet := create(fmt.Sprintf(hookWorkflow, "greet", "lastNode", "{}", "return [{json: {got: $json.body.x}}];"))
	// The test URL serves a workflow's current version, active or not.
	c.do(exchange{method: "POST", path: "/webhook-test/oa-greet", body: `{"x":1}`, status: 200})
	c.do(exchange{method: "POST", path: "/webhook/oa-greet", body: `{"x":1}`, status: 404})
	activate(greet)
	activate(create(fmt.Sprintf(hookWorkflow, "fail", "lastNode", "{}", "throw new Error('nope');")))
	activate(create(fmt.Sprintf(hookWorkflow, "refuse", "onReceived", `{"ipWhitelist":"10.9.9.9"}`, "return $input.all();")))
	activate(create(fmt.Sprintf(hookWorkflow, "custom", "onReceived", `{"responseCode":{"values":{"responseCode":201}}}`, "return $input.all();")))
	big := `{"x":"` + strings.Repeat("a", 70<<10) + `"}`
	for _, prefix := range []string{"/webhook/", "/webhook-test/"} {
		if a := c.do(exchange{method: "POST", path: prefix + "oa-greet", body: `{"x":7}`, status: 200}); a.raw != `{"got":7}` {
			t.Errorf("POST %soa-greet: %s", prefix, a.raw)
		}
		if a := c.do(exchange{method: "GET", path: prefix + "oa-greet", status: 405}); a.header.Get("Allow") != "POST" {
			t.Errorf("GET %soa-greet: Allow %q", prefix, a.header.Get("Allow"))
		}
		c.do(exchange{method: "HEAD", path: prefix + "oa-greet", status: 405})
		c.do(exchange{method: "POST", path: prefix + "oa-greet", body: `{"x": nope}`, status: 400})
		c.do(exchange{method: "POST", path: prefix + "oa-greet", body: big, status: 413, code: "body_too_large"})
		c.do(exchange{method: "POST", path: prefix + "oa-nowhere", body: `{}`, status: 404})
		c.do(exchange{method: "PUT", path: prefix + "oa-nowhere", status: 404})
		c.do(exchange{method: "POST", path: prefix + "oa-fail", body: `{}`, status: 500})
		c.do(exchange{method: "POST", path: prefix + "oa-refuse", body: `{}`, status: 403})
		c.do(exchange{method: "POST", path: prefix + "oa-custom", body: `{}`, status: 201})
	}
	// A second workflow cannot take a path an active one holds.
	dup := create(fmt.Sprintf(hookWorkflow, "greet", "onReceived", "{}", "return $input.all();"))
	c.do(exchange{method: "POST", path: "/api/v1/workflows/" + dup + "/activate", status: 409, code: "webhook_conflict"})
	// A Webhook node whose path is an expression cannot listen.
	exprPath := create(`{"name":"expr","nodes":[{"id":"h","name":"Hook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"oa-expr",
 "parameters":{"httpMethod":"POST","path":"={{ 'p' + 1 }}","options":{}}}],"connections":{}}`)
	if a := c.do(exchange{method: "POST", path: "/api/v1/workflows/" + exprPath + "/activate", status: 422, code: "invalid_webhook"}); !strings.Contains(a.raw, "Hook") {
		t.Errorf("refused webhook: %s", a.raw)
	}
	// A schedule that could never fire is refused, naming its node.
	never := create(`{"name":"never","nodes":[{"id":"s","name":"Every 61st minute","type":"n8n-nodes-base.scheduleTrigger","typeVersion":1.2,"position":[0,0],
 "parameters":{"rule":{"interval":[{"field":"cronExpression","expression":"61 * * * *"}]}}}],"connections":{}}`)
	if a := c.do(exchange{method: "POST", path: "/api/v1/workflows/" + never + "/activate", status: 422, code: "invalid_schedule"}); !strings.Contains(a.raw, "Every 61st minute") {
		t.Errorf("refused schedule: %s", a.raw)
	}
	c.do(exchange{method: "DELETE", path: "/api/v1/workflows/" + dup, status: 204})

	approval := create(approvalWorkflow)
	activate(approval)
	c.do(exchange{method: "POST", path: "/webhook/oa-approve", body: `{"order":5}`, status: 200})
	waiting := c.waitStatus(t, approval, "waiting")
	c.do(exchange{method: "PUT", path: "/webhook-waiting/" + waiting, body: `{"approved":true}`, status: 405, code: "method_not_allowed"})
	c.do(exchange{method: "POST", path: "/webhook-waiting/" + waiting, body: `{"approved":true}`, status: 200})
	c.waitStatus(t, approval, "success")
	c.do(exchange{method: "POST", path: "/webhook-waiting/" + waiting, body: `{}`, status: 409, code: "not_waiting"})
	// A workflow that parks before it has an answer says so, and where to
	// follow its execution.
	for _, mode := range []string{"lastNode", "responseNode"} {
		activate(create(fmt.Sprintf(parkingWorkflow, mode)))
		a := c.do(exchange{method: "POST", path: "/webhook/oa-park-" + mode, body: `{}`, status: 202, code: "waiting"})
		if loc := a.header.Get("Location"); !strings.HasPrefix(loc, "/api/v1/executions/") {
			t.Errorf("%s workflow parked: Location %q", mode, loc)
		}
	}
	c.do(exchange{method: "GET", path: "/webhook-waiting/nope", status: 404, code: "not_found"})
	c.do(exchange{method: "POST", path: "/webhook-waiting/nope", body: `{"x": nope}`, status: 400})
	c.do(exchange{method: "POST", path: "/webhook-waiting/nope", body: big, status: 413, code: "body_too_large"})
}

// waitStatus returns the id of an execution of the workflow with the
// status, once there is one.
func (c *checker) waitStatus(t *testing.T, workflowID, status string) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		a := c.do(exchange{method: "GET", path: "/api/v1/executions?status=" + status + "&workflowId=" + workflowID, status: 200})
		if d := a.body["data"].([]any); len(d) > 0 {
			return obj(d[0])["id"].(string)
		}
	}
	t.Fatalf("workflow %s has no %s execution", workflowID, status)
	return ""
}

// badInputs provokes each documented problem with a request the handler
// refuses.
func (c *checker) badInputs(t *testing.T) {
	w := c.do(exchange{method: "POST", path: "/api/v1/workflows", body: wf("target", "return $input.all();"), status: 201}).body["id"].(string)
	done := c.do(exchange{method: "POST", path: "/api/v1/workflows/" + w + "/run", status: 200}).body["id"].(string)
	wfURL := "/api/v1/workflows/" + w
	unknownType := strings.Replace(wf("bad", "return [];"), "n8n-nodes-base.set", "n8n-nodes-base.sett", 1)
	big := `{"name":"big","nodes":[],"connections":{},"x":"` + strings.Repeat("a", 70<<10) + `"}`
	ifMatch := func(v string) []string { return []string{"If-Match", v} }
	for _, x := range []exchange{
		{method: "POST", path: "/api/v1/workflows", body: `{"nodes": [`, request: malformed, status: 400, code: "invalid_workflow"},
		{method: "POST", path: "/api/v1/workflows", body: `{"name": 5, "nodes": []}`, request: malformed, status: 400, code: "invalid_workflow"},
		{method: "POST", path: "/api/v1/workflows", body: big, status: 413, code: "body_too_large"},
		{method: "POST", path: "/api/v1/workflows", body: wf("text", "return [];"), header: []string{"Content-Type", "text/plain"}, request: malformed, status: 415, code: "unsupported_media_type"},
		{method: "POST", path: "/api/v1/workflows", body: unknownType, status: 422, code: "invalid_workflow"},
		{method: "GET", path: "/api/v1/workflows?limit=zero", request: malformed, status: 400, code: "bad_limit"},
		{method: "GET", path: "/api/v1/workflows/nope", status: 404, code: "not_found"},
		{method: "PUT", path: wfURL, body: wf("x", "return [];"), request: malformed, status: 428, code: "if_match_required"},
		{method: "PUT", path: wfURL, body: wf("x", "return [];"), header: ifMatch("yesterday"), status: 400, code: "bad_if_match"},
		{method: "PUT", path: wfURL, body: `[]`, header: ifMatch(`"1"`), request: malformed, status: 400, code: "invalid_workflow"},
		{method: "PUT", path: wfURL, body: wf("x", "return [];"), header: ifMatch(`"7"`), status: 409, code: "version_conflict"},
		{method: "PUT", path: wfURL, body: big, header: ifMatch(`"1"`), status: 413, code: "body_too_large"},
		{method: "PUT", path: wfURL, body: wf("x", "return [];"), header: []string{"If-Match", `"1"`, "Content-Type", "application/xml"}, request: malformed, status: 415, code: "unsupported_media_type"},
		{method: "PUT", path: wfURL, body: unknownType, header: ifMatch(`"1"`), status: 422, code: "invalid_workflow"},
		{method: "PUT", path: "/api/v1/workflows/nope", body: wf("x", "return [];"), header: ifMatch(`"1"`), status: 404, code: "not_found"},
		{method: "DELETE", path: wfURL, header: ifMatch("W/x"), status: 400, code: "bad_if_match"},
		{method: "DELETE", path: wfURL, header: ifMatch(`"7"`), status: 409, code: "version_conflict"},
		{method: "DELETE", path: "/api/v1/workflows/nope", status: 404, code: "not_found"},
		{method: "GET", path: "/api/v1/workflows/nope/versions", status: 404, code: "not_found"},
		{method: "GET", path: "/api/v1/workflows?page=2", request: malformed, status: 400, code: "unknown_parameter"},
		{method: "GET", path: "/api/v1/executions?workflowid=x", request: malformed, status: 400, code: "unknown_parameter"},
		{method: "GET", path: "/api/v1/workflows/nope/versions/1", status: 404, code: "not_found"},
		{method: "GET", path: "/api/v1/workflows/nope/versions/first", status: 400, code: "bad_version"},
		{method: "POST", path: wfURL + "/activate", header: ifMatch("soon"), status: 400, code: "bad_if_match"},
		{method: "POST", path: wfURL + "/activate", header: ifMatch(`"9"`), status: 404, code: "not_found"},
		{method: "POST", path: "/api/v1/workflows/nope/deactivate", status: 404, code: "not_found"},
		{method: "POST", path: wfURL + "/run", body: `[1]`, request: malformed, status: 400, code: "invalid_body"},
		{method: "POST", path: wfURL + "/run", body: `{"items":[5]}`, request: malformed, status: 400, code: "invalid_item"},
		{method: "POST", path: wfURL + "/run", body: `{"items":[{"json":"x"}]}`, request: malformed, status: 400, code: "invalid_item"},
		{method: "POST", path: "/api/v1/workflows/nope/run", status: 404, code: "not_found"},
		{method: "GET", path: "/api/v1/executions?startedAfter=monday", request: malformed, status: 400, code: "bad_time"},
		{method: "GET", path: "/api/v1/executions?status=done", request: malformed, status: 400, code: "bad_status"},
		{method: "GET", path: "/api/v1/executions?startedBefore=2026-13-01T00:00:00Z", request: malformed, status: 400, code: "bad_time"},
		{method: "GET", path: "/api/v1/executions?limit=-1", request: malformed, status: 400, code: "bad_limit"},
		{method: "GET", path: "/api/v1/executions/nope", status: 404, code: "not_found"},
		{method: "DELETE", path: "/api/v1/executions/nope", status: 404, code: "not_found"},
		{method: "POST", path: "/api/v1/executions/" + done + "/retry", body: `{"from":"middle"}`, request: malformed, status: 400, code: "invalid_body"},
		{method: "POST", path: "/api/v1/executions/" + done + "/retry", body: `{"from":`, request: malformed, status: 400, code: "invalid_body"},
		{method: "POST", path: "/api/v1/executions/" + done + "/retry", status: 409, code: "not_retryable"},
		{method: "POST", path: "/api/v1/executions/nope/retry", status: 404, code: "not_found"},
		{method: "POST", path: "/api/v1/executions/" + done + "/stop", status: 409, code: "not_running"},
		{method: "POST", path: "/api/v1/executions/nope/stop", status: 404, code: "not_found"},
		{method: "GET", path: "/api/v1/executions/nope/events", status: 404, code: "not_found"},
	} {
		c.do(x)
	}
}

// requestKind says how a request relates to the document.
type requestKind int

const (
	// wellFormed requests must validate against the document.
	wellFormed requestKind = iota
	// malformed requests break the document on purpose; the document must
	// reject them, as the handler does.
	malformed
	// unchecked requests probe routing and are not checked.
	unchecked
)

// exchange is one request and the answer the test expects.
type exchange struct {
	method, path, body string
	// header holds name, value pairs; a Content-Type among them replaces
	// application/json, which a body is sent as by default.
	header  []string
	request requestKind
	// status and code, when set, are the status and the problem code the
	// answer must have.
	status int
	code   string
}

type answer struct {
	status int
	header http.Header
	raw    string
	// body is the body when it is a JSON object.
	body map[string]any
}

// checker sends requests to a server and checks each exchange against
// the document, remembering which documented answers it checked.
type checker struct {
	t    *testing.T
	spec *spec
	base string
	// seen holds "operationId status" and "path status" for each
	// documented answer checked.
	seen map[string]bool
}

func newChecker(t *testing.T, s *spec, base string) *checker {
	return &checker{t: t, spec: s, base: base, seen: map[string]bool{}}
}

// send makes the request; it is safe for concurrent use.
func (c *checker) send(x exchange) (answer, error) {
	req, err := http.NewRequest(x.method, c.base+x.path, strings.NewReader(x.body))
	if err != nil {
		return answer{}, err
	}
	if x.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(x.header); i += 2 {
		req.Header.Set(x.header[i], x.header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", x.method, x.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", x.method, x.path, err)
	}
	a := answer{status: res.StatusCode, header: res.Header, raw: string(b)}
	_ = json.Unmarshal(b, &a.body)
	return a, nil
}

// do sends the request and checks the exchange.
func (c *checker) do(x exchange) answer {
	c.t.Helper()
	a, err := c.send(x)
	if err != nil {
		c.t.Fatal(err)
	}
	c.verify(x, a)
	return a
}

// verify checks a request and its answer against the document, then
// against the exchange's expectations.
func (c *checker) verify(x exchange, a answer) {
	t := c.t
	t.Helper()
	where := x.method + " " + x.path
	if len(where) > 120 {
		where = where[:120] + "…"
	}
	for _, e := range c.check(x, a) {
		t.Errorf("%s: %s", where, e)
	}
	if x.status != 0 && a.status != x.status || x.code != "" && a.body["code"] != x.code {
		t.Fatalf("%s: %d %.300s; want %d %s", where, a.status, a.raw, x.status, x.code)
	}
}

// check returns how an exchange disagrees with the document.
func (c *checker) check(x exchange, a answer) []string {
	u, err := url.Parse(x.path)
	if err != nil {
		return []string{err.Error()}
	}
	op, ok := c.spec.match(x.method, u.Path)
	if !ok {
		return []string{"the document describes no such operation"}
	}
	var errs []string
	if x.request != unchecked {
		sent := http.Header{}
		for i := 0; i+1 < len(x.header); i += 2 {
			sent.Set(x.header[i], x.header[i+1])
		}
		if x.body != "" && sent.Get("Content-Type") == "" {
			sent.Set("Content-Type", "application/json")
		}
		reqErrs := c.spec.checkRequest(op, u, sent, x.body)
		switch {
		case x.request == wellFormed && len(reqErrs) > 0:
			errs = append(errs, "the document rejects the request: "+strings.Join(reqErrs, "; "))
		case x.request == malformed && len(reqErrs) == 0:
			errs = append(errs, "the document accepts a request the handler refuses")
		}
	}
	resp, status := c.spec.response(op, a.status)
	if resp == nil {
		return append(errs, fmt.Sprintf("%s does not document status %d (%.300s)", op.id(), a.status, a.raw))
	}
	c.seen[op.id()+" "+status] = true
	c.seen[op.path+" "+status] = true
	for _, e := range c.spec.checkResponse(resp, x.method, a) {
		errs = append(errs, op.id()+" "+status+": "+e)
	}
	return errs
}
