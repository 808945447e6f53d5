package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/weftrun/weft/control-plane/service"
	"github.com/weftrun/weft/internal/testmodules"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/runtime"
	"github.com/weftrun/weft/store/sqlstore"
)

// serve starts the API on a loopback port with a SQLite store and the real
// core module, and returns its base URL.
func serve(t *testing.T) string { return serveWith(t, nil) }

// serveWith serves the API as serve does, set up by with first.
func serveWith(t *testing.T, with func(*API)) string {
	t.Helper()
	base, _, _ := serveServer(t, with)
	return base
}

// serveServer serves the API as serveWith does and returns its server and
// the service under it too.
func serveServer(t *testing.T, with func(*API)) (string, *fasthttp.Server, *service.Service) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	eng, err := runtime.NewEngine(ctx, runtime.NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	core, err := nodes.LoadFile(ctx, eng, testmodules.Core(t))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := service.Start(ctx, service.Config{Store: st, Core: core, DataDir: t.TempDir(), Runners: 1, RunnerConcurrency: 2, Alone: true})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := &API{Store: st, Core: core, Orch: svc.Orchestrator, MaxBodyBytes: 64 << 10, Metrics: svc.Metrics, Hooks: NewHooks(st, t.Logf)}
	if with != nil {
		with(a)
	}
	srv := &fasthttp.Server{Handler: a.Handler(), ErrorHandler: a.ErrorHandler}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Shutdown()
		svc.Close()
		st.Close()
		eng.Close(ctx)
	})
	return "http://" + ln.Addr().String(), srv, svc
}

type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func call(t *testing.T, method, url, body string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := reply{status: res.StatusCode, header: res.Header, raw: string(b)}
	if len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, &r.body); err != nil {
			t.Fatalf("%s %s: body is not a JSON object: %s", method, url, b)
		}
	}
	return r
}

func expectProblem(t *testing.T, r reply, status int, code string) {
	t.Helper()
	if r.status != status || r.body["code"] != code || r.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("got %d %s (%s), want %d problem %q", r.status, r.raw, r.header.Get("Content-Type"), status, code)
	}
}

// workflow runs from its Manual Trigger; its Webhook node, on a path of
// its name, lets it be activated.
const workflow = `{"name":"%[1]s","nodes":[
 {"id":"1","name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"id":"4","name":"Hook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,200],"parameters":{"path":"hook-%[1]s","options":{}}},
 {"id":"2","name":"Fields","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[200,0],"parameters":{"mode":"manual","assignments":{"assignments":[{"id":"a","name":"greeting","value":"={{ 'hi ' + ($json.name || 'there') }}","type":"string"}]},"options":{}}},
 {"id":"3","name":"Check","type":"n8n-nodes-base.code","typeVersion":2,"position":[400,0],"parameters":{"jsCode":"%[2]s"}}],
 "connections":{"Start":{"main":[[{"node":"Fields","type":"main","index":0}]]},"Fields":{"main":[[{"node":"Check","type":"main","index":0}]]}},
 "settings":{"executionOrder":"v1"}}`

func wf(name, code string) string { return fmt.Sprintf(workflow, name, code) }

func TestWorkflowLifecycle(t *testing.T) {
	base := serve(t)
	r := call(t, "POST", base+"/api/v1/workflows", wf("greet", "return $input.all();"))
	if r.status != 201 || r.header.Get("ETag") != `"1"` || r.header.Get("Location") == "" {
		t.Fatalf("create: %d %v %s", r.status, r.header, r.raw)
	}
	id := r.body["id"].(string)
	if r.body["workflow"].(map[string]any)["name"] != "greet" {
		t.Fatalf("created document: %s", r.raw)
	}
	r = call(t, "GET", base+"/api/v1/workflows/"+id, "")
	if r.status != 200 || r.header.Get("ETag") != `"1"` {
		t.Fatalf("get: %d %s", r.status, r.raw)
	}
	expectProblem(t, call(t, "PUT", base+"/api/v1/workflows/"+id, wf("greet2", "return $input.all();")), 428, "if_match_required")
	r = call(t, "PUT", base+"/api/v1/workflows/"+id, wf("greet2", "return $input.all();"), "If-Match", `"1"`)
	if r.status != 200 || r.header.Get("ETag") != `"2"` || r.body["name"] != "greet2" {
		t.Fatalf("update: %d %s", r.status, r.raw)
	}
	// A second editor who also started from version 1 loses nothing: 409.
	expectProblem(t, call(t, "PUT", base+"/api/v1/workflows/"+id, wf("other", "return [];"), "If-Match", `"1"`), 409, "version_conflict")
	// What GET answers can be edited and sent back as it is: its
	// workflow document is what is saved.
	got := call(t, "GET", base+"/api/v1/workflows/"+id, "")
	edited := strings.Replace(got.raw, `"name":"greet2"`, `"name":"greet3"`, 2)
	r = call(t, "PUT", base+"/api/v1/workflows/"+id, edited, "If-Match", `"2"`)
	if doc, _ := r.body["workflow"].(map[string]any); r.status != 200 || r.body["name"] != "greet3" || doc["name"] != "greet3" || doc["workflow"] != nil || doc["nodes"] == nil {
		t.Fatalf("update with GET's answer: %d %s", r.status, r.raw)
	}
	r = call(t, "GET", base+"/api/v1/workflows/"+id+"/versions", "")
	if data := r.body["data"].([]any); len(data) != 3 {
		t.Fatalf("versions: %s", r.raw)
	}
	// A workflow with nothing that activation starts is refused.
	manual := call(t, "POST", base+"/api/v1/workflows", strings.Replace(wf("by hand", "return $input.all();"), `"type":"n8n-nodes-base.webhook"`, `"disabled":true,"type":"n8n-nodes-base.webhook"`, 1))
	expectProblem(t, call(t, "POST", base+"/api/v1/workflows/"+manual.body["id"].(string)+"/activate", ""), 422, "no_trigger")
	r = call(t, "POST", base+"/api/v1/workflows/"+id+"/activate", "")
	if r.status != 200 || r.body["active"] != true || r.body["activeVersion"].(float64) != 3 {
		t.Fatalf("activate: %d %s", r.status, r.raw)
	}
	r = call(t, "POST", base+"/api/v1/workflows/"+id+"/deactivate", "")
	if r.status != 200 || r.body["active"] != false {
		t.Fatalf("deactivate: %s", r.raw)
	}
	expectProblem(t, call(t, "DELETE", base+"/api/v1/workflows/"+id, "", "If-Match", `"1"`), 409, "version_conflict")
	if r := call(t, "DELETE", base+"/api/v1/workflows/"+id, "", "If-Match", `"3"`); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	r = call(t, "GET", base+"/api/v1/workflows/"+id, "")
	if expectProblem(t, r, 404, "not_found"); r.body["detail"] != fmt.Sprintf("workflow %q: not found", id) {
		t.Errorf("not found detail: %s", r.raw)
	}
}

func TestBadInput(t *testing.T) {
	base := serve(t)
	expectProblem(t, call(t, "POST", base+"/api/v1/workflows", `{"nodes": [`), 400, "invalid_workflow")
	bad := strings.Replace(wf("bad", "return [];"), "n8n-nodes-base.set", "n8n-nodes-base.sett", 1)
	r := call(t, "POST", base+"/api/v1/workflows", bad)
	expectProblem(t, r, 422, "invalid_workflow")
	if !strings.Contains(r.raw, `unknown node type \"n8n-nodes-base.sett\"`) || !strings.Contains(r.raw, `Fields`) || r.body["detail"] != "the workflow has 1 problem" {
		t.Errorf("422 does not name the node and type: %s", r.raw)
	}
	expectProblem(t, call(t, "POST", base+"/api/v1/workflows", `{"name":"big","nodes":[],"x":"`+strings.Repeat("a", 70<<10)+`"}`), 413, "body_too_large")
	expectProblem(t, call(t, "GET", base+"/api/v1/workflows?limit=zero", ""), 400, "bad_limit")
	expectProblem(t, call(t, "PATCH", base+"/api/v1/workflows", ""), 405, "method_not_allowed")
	expectProblem(t, call(t, "GET", base+"/api/v1/nowhere", ""), 404, "no_route")
	for ct, want := range map[string]int{"APPLICATION/JSON; charset=utf-8": 201, "application/vnd.n8n+json": 201, "application/jsonfoo": 415, "text/plain": 415} {
		if r := call(t, "POST", base+"/api/v1/workflows", wf("typed", "return [];"), "Content-Type", ct); r.status != want {
			t.Errorf("Content-Type %q: %d %s, want %d", ct, r.status, r.raw, want)
		}
	}
	expectProblem(t, call(t, "PUT", base+"/api/v1/workflows/x", wf("x", "return [];"), "If-Match", "yesterday"), 400, "bad_if_match")

	// Headers over the read buffer: 431, and the answer does not quote
	// them back (they may hold credentials).
	r = call(t, "GET", base+"/api/v1/workflows", "", "Authorization", "Bearer secret-token-123", "Cookie", "s="+strings.Repeat("a", 5000))
	expectProblem(t, r, 431, "headers_too_large")
	if strings.Contains(r.raw, "secret-token") {
		t.Errorf("the answer quotes the request: %s", r.raw)
	}
}

// TestWorkflowWithByteOrderMark saves a workflow sent with a UTF-8 byte
// order mark, as some editors write files, and reads and runs it back.
func TestWorkflowWithByteOrderMark(t *testing.T) {
	base := serve(t)
	bom := "\xef\xbb\xbf"
	r := call(t, "POST", base+"/api/v1/workflows", bom+wf("bom", "return $input.all();"))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	id := r.body["id"].(string)
	if r := call(t, "PUT", base+"/api/v1/workflows/"+id, bom+wf("bom 2", "return $input.all();"), "If-Match", `"1"`); r.status != 200 {
		t.Fatalf("update: %d %s", r.status, r.raw)
	}
	if r := call(t, "GET", base+"/api/v1/workflows/"+id, ""); r.status != 200 || r.body["name"] != "bom 2" {
		t.Fatalf("read back: %d %s", r.status, r.raw)
	}
	if r := call(t, "POST", base+"/api/v1/workflows/"+id+"/run", ""); r.status != 200 || r.body["status"] != "success" {
		t.Fatalf("run: %d %s", r.status, r.raw)
	}
}

func TestRunAndExecutions(t *testing.T) {
	base := serve(t)
	ok := call(t, "POST", base+"/api/v1/workflows", wf("ok", "return $input.all();")).body["id"].(string)
	failing := call(t, "POST", base+"/api/v1/workflows", wf("failing", "throw new Error('nope')")).body["id"].(string)

	r := call(t, "POST", base+"/api/v1/workflows/"+ok+"/run", `{"items":[{"name":"ada"},{"json":{"name":"grace"}}]}`)
	if r.status != 200 || r.body["status"] != "success" || r.body["mode"] != "manual" {
		t.Fatalf("run: %d %s", r.status, r.raw)
	}
	if !strings.Contains(r.raw, `"greeting":"hi grace"`) {
		t.Fatalf("run data lacks the node output: %s", r.raw)
	}
	okExec := r.body["id"].(string)
	r = call(t, "POST", base+"/api/v1/workflows/"+failing+"/run", "")
	if r.status != 200 || r.body["status"] != "error" || r.body["lastNodeExecuted"] != "Check" || !strings.Contains(r.raw, "nope") {
		t.Fatalf("failing run: %d %s", r.status, r.raw)
	}
	expectProblem(t, call(t, "POST", base+"/api/v1/workflows/"+ok+"/run", `{"items":[5]}`), 400, "invalid_item")
	expectProblem(t, call(t, "POST", base+"/api/v1/workflows/"+ok+"/run", `{"items":[{"json":{},"binary":5}]}`), 400, "invalid_item")
	if r := call(t, "POST", base+"/api/v1/workflows/"+ok+"/run", `{"items":[{"json":{},"extra":1}]}`); r.status != 400 || !strings.Contains(r.raw, `extra`) {
		t.Errorf("an item with an unknown field: %d %s", r.status, r.raw)
	}

	r = call(t, "GET", base+"/api/v1/executions/"+okExec, "")
	if r.status != 200 || r.body["runData"] == nil || r.body["finishedAt"] == nil {
		t.Fatalf("get execution: %s", r.raw)
	}
	if got := call(t, "GET", base+"/api/v1/executions?workflowId="+ok, "").body["data"].([]any); len(got) != 1 {
		t.Fatalf("executions of one workflow: %d", len(got))
	}
	if got := call(t, "GET", base+"/api/v1/executions?status=error", "").body["data"].([]any); len(got) != 1 {
		t.Fatalf("failed executions: %d", len(got))
	}
	page := call(t, "GET", base+"/api/v1/executions?limit=1", "")
	if len(page.body["data"].([]any)) != 1 || page.body["nextCursor"] == nil {
		t.Fatalf("first page: %s", page.raw)
	}
	second := call(t, "GET", base+"/api/v1/executions?limit=1&cursor="+page.body["nextCursor"].(string), "")
	if d := second.body["data"].([]any); len(d) != 1 || d[0].(map[string]any)["id"] == page.body["data"].([]any)[0].(map[string]any)["id"] {
		t.Fatalf("second page: %s", second.raw)
	}
	expectProblem(t, call(t, "GET", base+"/api/v1/executions?startedAfter=monday", ""), 400, "bad_time")
	if r := call(t, "DELETE", base+"/api/v1/executions/"+okExec, ""); r.status != 204 {
		t.Fatalf("delete execution: %d", r.status)
	}
	expectProblem(t, call(t, "GET", base+"/api/v1/executions/"+okExec, ""), 404, "not_found")
}

func TestNodeTypesAndHealth(t *testing.T) {
	base := serve(t)
	r := call(t, "GET", base+"/api/v1/node-types", "")
	if r.status != 200 || !strings.Contains(r.raw, `"type":"n8n-nodes-base.set"`) {
		t.Fatalf("node types: %d", r.status)
	}
	if r := call(t, "GET", base+"/healthz", ""); r.status != 200 {
		t.Fatalf("healthz: %d", r.status)
	}
	if r := call(t, "GET", base+"/readyz", ""); r.status != 200 || r.body["status"] != "ready" {
		t.Fatalf("readyz: %d %s", r.status, r.raw)
	}
}

// TestNotReadyWithoutNATS: a control plane that lost NATS cannot carry
// work, and /readyz says so.
func TestNotReadyWithoutNATS(t *testing.T) {
	base, _, svc := serveServer(t, nil)
	if r := call(t, "GET", base+"/readyz", ""); r.status != 200 {
		t.Fatalf("readyz with NATS up: %d %s", r.status, r.raw)
	}
	svc.NATS.Shutdown()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := call(t, "GET", base+"/readyz", "")
		if r.status == 503 {
			expectProblem(t, r, 503, "bus_unavailable")
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz with NATS down: %d %s", r.status, r.raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
