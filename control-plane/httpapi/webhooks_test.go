package httpapi

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weftrun/weft/store"
	"github.com/weftrun/weft/store/sqlstore"
)

// raw sends a request and returns the status, headers and body as sent.
func raw(t *testing.T, method, url, contentType, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// activate saves and activates a workflow and returns its id.
func activate(t *testing.T, base, doc string) string {
	t.Helper()
	r := call(t, "POST", base+"/api/v1/workflows", doc)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	id := r.body["id"].(string)
	if r := call(t, "POST", base+"/api/v1/workflows/"+id+"/activate", ""); r.status != 200 {
		t.Fatalf("activate: %d %s", r.status, r.raw)
	}
	return id
}

func TestWebhookLastNode(t *testing.T) {
	base := serve(t)
	doc, err := os.ReadFile("../../examples/workflows/webhook-greeting.json")
	if err != nil {
		t.Fatal(err)
	}
	// Not served before activation, except on the test URL.
	status, _, body := raw(t, "POST", base+"/webhook/greeting", "application/json", `{"name":"ann","n":21}`)
	if status != 404 {
		t.Fatalf("before activation: %d %s", status, body)
	}
	id := activate(t, base, string(doc))
	status, hdr, body := raw(t, "POST", base+"/webhook/greeting", "application/json", `{"name":"ann","n":21}`)
	if status != 200 || body != `{"greeting":"hello ann","double":42}` || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("webhook: %d %q %s", status, hdr.Get("Content-Type"), body)
	}
	// The execution was saved with the request as the Webhook node's item
	// (its outcome recorded maybe just after the answer went out).
	execID := executionWhere(t, base, "status=success&workflowId="+id)
	l := call(t, "GET", base+"/api/v1/executions?workflowId="+id, "")
	data := l.body["data"].([]any)
	if len(data) != 1 || data[0].(map[string]any)["mode"] != "webhook" || data[0].(map[string]any)["id"] != execID {
		t.Fatalf("executions: %s", l.raw)
	}
	e := call(t, "GET", base+"/api/v1/executions/"+execID, "")
	in := firstItem(t, e, "Webhook")
	if in["body"].(map[string]any)["name"] != "ann" || in["executionMode"] != "production" || in["webhookUrl"] != base+"/webhook/greeting" {
		t.Fatalf("webhook item: %v", in)
	}

	// Errors: wrong method, unknown path, a body that is not JSON, too big.
	status, hdr, body = raw(t, "GET", base+"/webhook/greeting", "", "")
	if status != 405 || hdr.Get("Allow") != "POST" {
		t.Fatalf("GET: %d allow %q %s", status, hdr.Get("Allow"), body)
	}
	if status, _, body = raw(t, "POST", base+"/webhook/nope", "application/json", `{}`); status != 404 || !strings.Contains(body, "nope") {
		t.Fatalf("unknown path: %d %s", status, body)
	}
	status, _, body = raw(t, "POST", base+"/webhook/greeting", "application/json", `{"name": nope}`)
	if status != 400 || !strings.Contains(body, "Failed to parse request body") || !strings.Contains(body, "position") {
		t.Fatalf("bad JSON: %d %s", status, body)
	}
	big := `{"name":"` + strings.Repeat("x", 70<<10) + `","n":1}`
	if status, _, body = raw(t, "POST", base+"/webhook/greeting", "application/json", big); status != 413 {
		t.Fatalf("too big: %d %s", status, body)
	}
	// Neither refused request left an execution behind.
	if l := call(t, "GET", base+"/api/v1/executions?workflowId="+id, ""); len(l.body["data"].([]any)) != 1 {
		t.Fatalf("refused requests started executions: %s", l.raw)
	}

	// Deactivated: gone from /webhook/, still on /webhook-test/.
	call(t, "POST", base+"/api/v1/workflows/"+id+"/deactivate", "")
	if status, _, _ := raw(t, "POST", base+"/webhook/greeting", "application/json", `{"name":"a","n":1}`); status != 404 {
		t.Fatalf("after deactivation: %d", status)
	}
	status, _, body = raw(t, "POST", base+"/webhook-test/greeting", "application/json", `{"name":"bo","n":2}`)
	if status != 200 || body != `{"greeting":"hello bo","double":4}` {
		t.Fatalf("test URL: %d %s", status, body)
	}
	if in := lastWebhookItem(t, base, id); in["webhookUrl"] != base+"/webhook-test/greeting" || in["executionMode"] != "test" {
		t.Fatalf("test URL's webhook item: %v", in)
	}
}

// lastWebhookItem returns the Webhook node's item in a workflow's latest
// execution, once that is recorded: a webhook answering with the last
// node's output answers before the outcome's commit.
func lastWebhookItem(t *testing.T, base, workflowID string) map[string]any {
	t.Helper()
	l := call(t, "GET", base+"/api/v1/executions?limit=1&workflowId="+workflowID, "")
	data := l.body["data"].([]any)
	if len(data) == 0 {
		t.Fatalf("no execution: %s", l.raw)
	}
	url := base + "/api/v1/executions/" + data[0].(map[string]any)["id"].(string)
	e := call(t, "GET", url, "")
	for deadline := time.Now().Add(10 * time.Second); e.body["status"] == "running" && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		e = call(t, "GET", url, "")
	}
	return firstItem(t, e, "Webhook")
}

func TestWebhookURLOnThePublicURL(t *testing.T) {
	base := serveWith(t, func(a *API) { a.PublicURL = "https://weft.example.com/automation/" })
	doc, err := os.ReadFile("../../examples/workflows/webhook-greeting.json")
	if err != nil {
		t.Fatal(err)
	}
	id := activate(t, base, string(doc))
	for path, want := range map[string]string{
		"/webhook/greeting":      "https://weft.example.com/automation/webhook/greeting",
		"/webhook-test/greeting": "https://weft.example.com/automation/webhook-test/greeting",
	} {
		if status, _, body := raw(t, "POST", base+path, "application/json", `{"name":"ann","n":21}`); status != 200 {
			t.Fatalf("%s: %d %s", path, status, body)
		}
		if in := lastWebhookItem(t, base, id); in["webhookUrl"] != want {
			t.Errorf("%s: webhookUrl %v, want %s", path, in["webhookUrl"], want)
		}
	}
}

const respondWorkflow = `{"name":"respond %[1]s","nodes":[
 {"id":"w","name":"Hook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"%[1]s-id",
  "parameters":{"httpMethod":"POST","path":"%[1]s","responseMode":"%[2]s","options":{}}},
 {"id":"r","name":"Respond","type":"n8n-nodes-base.respondToWebhook","typeVersion":1.1,"position":[200,0],
  "parameters":{"respondWith":"json","responseBody":"={{ JSON.stringify({got: $json.body.x, when: 'now'}) }}","options":{"responseCode":201,"responseHeaders":{"entries":[{"name":"X-Weft","value":"yes"}]}}}},
 {"id":"s","name":"After","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[400,0],"parameters":{}}
],"connections":{"Hook":{"main":[[{"node":"Respond","type":"main","index":0}]]},"Respond":{"main":[[{"node":"After","type":"main","index":0}]]}}}`

func TestWebhookRespondNodeAndOnReceived(t *testing.T) {
	base := serve(t)
	activate(t, base, fmt.Sprintf(respondWorkflow, "answer", "responseNode"))
	status, hdr, body := raw(t, "POST", base+"/webhook/answer", "application/json", `{"x":7}`)
	if status != 201 || hdr.Get("X-Weft") != "yes" || body != `{"got":7,"when":"now"}` {
		t.Fatalf("responseNode: %d %v %s", status, hdr, body)
	}
	id := activate(t, base, fmt.Sprintf(respondWorkflow, "later", "onReceived"))
	status, _, body = raw(t, "POST", base+"/webhook/later", "application/json", `{"x":8}`)
	if status != 200 || body != `{"message":"Workflow was started"}` {
		t.Fatalf("onReceived: %d %s", status, body)
	}
	// Answered at once; the execution was committed first and finishes.
	deadline := time.Now().Add(30 * time.Second)
	for {
		l := call(t, "GET", base+"/api/v1/executions?workflowId="+id+"&status=success", "")
		if len(l.body["data"].([]any)) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the onReceived execution did not finish: %s", l.raw)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A second workflow cannot take a path an active one holds.
	r := call(t, "POST", base+"/api/v1/workflows", fmt.Sprintf(respondWorkflow, "answer", "onReceived"))
	dup := r.body["id"].(string)
	expectProblem(t, call(t, "POST", base+"/api/v1/workflows/"+dup+"/activate", ""), 409, "webhook_conflict")
}

const waitingWorkflow = `{"name":"approval","nodes":[
 {"id":"w","name":"Hook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"ap-id",
  "parameters":{"httpMethod":"POST","path":"approve","responseMode":"onReceived","options":{}}},
 {"id":"x","name":"Wait","type":"n8n-nodes-base.wait","typeVersion":1.1,"position":[200,0],"parameters":{"resume":"webhook","httpMethod":"POST"}},
 {"id":"y","name":"Done","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[400,0],"parameters":{}}
],"connections":{"Hook":{"main":[[{"node":"Wait","type":"main","index":0}]]},"Wait":{"main":[[{"node":"Done","type":"main","index":0}]]}}}`

func TestWebhookWaiting(t *testing.T) {
	base := serve(t)
	id := activate(t, base, waitingWorkflow)
	if status, _, body := raw(t, "POST", base+"/webhook/approve", "application/json", `{"order":5}`); status != 200 {
		t.Fatalf("start: %d %s", status, body)
	}
	var execID string
	deadline := time.Now().Add(30 * time.Second)
	for execID == "" {
		l := call(t, "GET", base+"/api/v1/executions?workflowId="+id+"&status=waiting", "")
		if data := l.body["data"].([]any); len(data) == 1 {
			execID = data[0].(map[string]any)["id"].(string)
		}
		if time.Now().After(deadline) {
			t.Fatal("the execution did not park at the Wait node")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The Wait node takes POST: a GET (a link preview, a crawler) is
	// refused and resumes nothing.
	status, hdr, body := raw(t, "GET", base+"/webhook-waiting/"+execID, "", "")
	if status != 405 || hdr.Get("Allow") != "POST" || !strings.Contains(body, "waits for a POST call, not GET") {
		t.Fatalf("GET: %d allow %q %s", status, hdr.Get("Allow"), body)
	}
	if e := call(t, "GET", base+"/api/v1/executions/"+execID, ""); e.body["status"] != "waiting" {
		t.Fatalf("after a refused call: %s", e.raw)
	}
	status, _, body = raw(t, "POST", base+"/webhook-waiting/"+execID, "application/json", `{"approved":true}`)
	if status != 200 {
		t.Fatalf("resume: %d %s", status, body)
	}
	for {
		e := call(t, "GET", base+"/api/v1/executions/"+execID, "")
		if e.body["status"] == "success" {
			done := firstItem(t, e, "Done")
			if done["body"].(map[string]any)["approved"] != true || done["webhookUrl"] != base+"/webhook-waiting/"+execID {
				t.Fatalf("Done got %v", done)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not resumed: %s", e.raw)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if status, _, body = raw(t, "POST", base+"/webhook-waiting/"+execID, "application/json", `{}`); status != 409 {
		t.Fatalf("second call: %d %s", status, body)
	}
	if status, _, body = raw(t, "POST", base+"/webhook-waiting/nope", "application/json", `{}`); status != 404 {
		t.Fatalf("unknown execution: %d %s", status, body)
	}
}

const fileWorkflow = `{"name":"echo file","nodes":[
 {"id":"w","name":"Hook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"file-id",
  "parameters":{"httpMethod":"POST","path":"file","responseMode":"lastNode","responseData":"firstEntryBinary","options":{}}},
 {"id":"n","name":"Pass","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[200,0],"parameters":{}}
],"connections":{"Hook":{"main":[[{"node":"Pass","type":"main","index":0}]]}}}`

// TestWebhookBinaryThroughBlobs sends a file through a workflow: the node
// sees the bytes, the answer carries them, and the saved execution holds a
// blob reference instead of the data.
func TestWebhookBinaryThroughBlobs(t *testing.T) {
	base := serve(t)
	id := activate(t, base, fileWorkflow)
	file := "\x00\x01binary body \xff\xfe" + strings.Repeat("z", 100)
	status, hdr, body := raw(t, "POST", base+"/webhook/file", "application/octet-stream", file)
	if status != 200 || body != file || hdr.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("echo: %d %q %q", status, hdr.Get("Content-Type"), body)
	}
	// The answer may go out before the outcome is recorded.
	execID := executionWhere(t, base, "status=success&workflowId="+id)
	e := call(t, "GET", base+"/api/v1/executions/"+execID, "")
	if strings.Contains(e.raw, base64.StdEncoding.EncodeToString([]byte(file))) || !strings.Contains(e.raw, "weft-blob:sha256:") {
		t.Fatalf("saved run data holds the file inline: %s", e.raw)
	}
}

// TestWebhookWithAuthenticationIsRefused: a webhook node that asks for
// authentication has no credentials to check calls against, so every call
// gets n8n's answer for that case and no execution starts.
func TestWebhookWithAuthenticationIsRefused(t *testing.T) {
	base := serve(t)
	doc := strings.Replace(fmt.Sprintf(hookWorkflow, "auth", "onReceived", `{}`, "return $input.all();"),
		`"path":"oa-auth"`, `"path":"oa-auth","authentication":"basicAuth"`, 1)
	id := activate(t, base, doc)
	req, _ := http.NewRequest("POST", base+"/webhook/oa-auth", strings.NewReader(`{"a":1}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("user", "secret")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 500 || string(body) != "No authentication data defined on node!" || res.Header.Get("WWW-Authenticate") != `Basic realm="Webhook"` {
		t.Fatalf("got %d %v %s", res.StatusCode, res.Header, body)
	}
	if l := call(t, "GET", base+"/api/v1/executions?workflowId="+id, ""); len(l.body["data"].([]any)) != 0 {
		t.Fatalf("an execution started: %s", l.raw)
	}
}

// Another control plane's activation reaches this one's webhooks on the
// next follow, however many execution entries the change log took in
// meanwhile.
func TestHooksFollowWorkflowChangesPastExecutions(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../examples/workflows/webhook-greeting.json")
	if err != nil {
		t.Fatal(err)
	}
	w, err := st.CreateWorkflow(ctx, "greeting", doc)
	if err != nil {
		t.Fatal(err)
	}
	h := NewHooks(st, t.Logf)
	if err := h.Load(ctx); err != nil {
		t.Fatal(err)
	}
	// Executions log two entries each: more than a page of them.
	for range store.MaxPageSize {
		e, err := st.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "webhook"})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, ok := h.Live.Match("POST", "greeting"); ok {
		t.Fatal("served before activation")
	}
	if _, err := st.SetActiveVersion(ctx, w.ID, 1); err != nil {
		t.Fatal(err)
	}
	h.follow(ctx)
	if _, _, ok := h.Live.Match("POST", "greeting"); !ok {
		t.Fatal("an activation behind a page of execution entries was not followed")
	}
	if _, err := st.SetActiveVersion(ctx, w.ID, 0); err != nil {
		t.Fatal(err)
	}
	h.follow(ctx)
	if _, _, ok := h.Live.Match("POST", "greeting"); ok {
		t.Fatal("a deactivation was not followed")
	}
}

// TestWebhookAnswerAtShutdown shuts the server down while a lastNode call
// waits for its execution: the caller learns that the execution is saved
// and where to follow it, not an empty success.
func TestWebhookAnswerAtShutdown(t *testing.T) {
	base, srv, _ := serveServer(t, nil)
	id := call(t, "POST", base+"/api/v1/workflows", fmt.Sprintf(hookWorkflow, "slow", "lastNode", "{}",
		"const end = Date.now() + 2000; while (Date.now() < end) {} return $input.all();")).body["id"].(string)
	call(t, "POST", base+"/api/v1/workflows/"+id+"/activate", "")
	answered := make(chan reply, 1)
	go func() { answered <- call(t, "POST", base+"/webhook/oa-slow", `{}`) }()
	executionWhere(t, base, "status=running")
	go srv.Shutdown()
	r := <-answered
	if r.status != 202 || r.body["code"] != "still_running" || !strings.HasPrefix(r.header.Get("Location"), "/api/v1/executions/") {
		t.Fatalf("answer at shutdown: %d %v %s", r.status, r.header, r.raw)
	}
}

// TestWebhookCORS: a browser's preflight gets the path's methods and the
// origin the node allows; the call itself carries the allowed origin.
func TestWebhookCORS(t *testing.T) {
	base := serve(t)
	id := call(t, "POST", base+"/api/v1/workflows", fmt.Sprintf(hookWorkflow, "cors", "onReceived", `{"allowedOrigins":"https://a.example,https://b.example"}`, "return $input.all();")).body["id"].(string)
	call(t, "POST", base+"/api/v1/workflows/"+id+"/activate", "")
	req, _ := http.NewRequest("OPTIONS", base+"/webhook/oa-cors", nil)
	req.Header.Set("Origin", "https://b.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 204 || res.Header.Get("Access-Control-Allow-Origin") != "https://b.example" ||
		res.Header.Get("Access-Control-Allow-Methods") != "OPTIONS, POST" || res.Header.Get("Access-Control-Allow-Headers") != "content-type" {
		t.Fatalf("preflight: %d %v", res.StatusCode, res.Header)
	}
	r := call(t, "POST", base+"/webhook/oa-cors", `{}`, "Origin", "https://evil.example")
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "https://a.example" {
		t.Fatalf("a call from another origin: %d %v", r.status, r.header)
	}
	req, _ = http.NewRequest("OPTIONS", base+"/webhook/nowhere", nil)
	req.Header.Set("Origin", "https://b.example")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 404 {
		t.Fatalf("preflight of an unknown path: %v %v", res, err)
	}
}

// resumeWorkflow parks at a Wait node whose resume call is answered as its
// responseMode says (%s), then sets a field and answers through a Respond
// to Webhook node.
const resumeWorkflow = `{"name":"resume %[1]s","nodes":[
 {"id":"h","name":"Hook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"rs-%[1]s",
  "parameters":{"httpMethod":"POST","path":"rs-%[1]s","responseMode":"onReceived","options":{}}},
 {"id":"w","name":"Wait","type":"n8n-nodes-base.wait","typeVersion":1.1,"position":[200,0],"parameters":{"resume":"webhook","httpMethod":"POST","responseMode":"%[1]s","options":{}}},
 {"id":"s","name":"Set","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[400,0],"parameters":{"assignments":{"assignments":[
   {"id":"a","name":"approved","value":"={{ $json.body.ok }}","type":"boolean"}]},"options":{}}},
 {"id":"r","name":"Respond","type":"n8n-nodes-base.respondToWebhook","typeVersion":1.1,"position":[600,0],"parameters":{"respondWith":"text","responseBody":"thanks","options":{}}}],
 "connections":{"Hook":{"main":[[{"node":"Wait","type":"main","index":0}]]},"Wait":{"main":[[{"node":"Set","type":"main","index":0}]]},"Set":{"main":[[{"node":"Respond","type":"main","index":0}]]}}}`

// TestResumeAnsweredAsTheWaitNodeSays: the call that resumes a parked
// execution gets the answer its Wait node's response mode names.
func TestResumeAnsweredAsTheWaitNodeSays(t *testing.T) {
	base := serve(t)
	for mode, want := range map[string]string{"onReceived": `{"message":"Workflow was started"}`, "lastNode": `{"approved":true}`, "responseNode": "thanks"} {
		id := call(t, "POST", base+"/api/v1/workflows", fmt.Sprintf(resumeWorkflow, mode)).body["id"].(string)
		call(t, "POST", base+"/api/v1/workflows/"+id+"/activate", "")
		call(t, "POST", base+"/webhook/rs-"+mode, `{}`)
		execID := executionWhere(t, base, "status=waiting&workflowId="+id)
		status, _, body := raw(t, "POST", base+"/webhook-waiting/"+execID, "application/json", `{"ok":true}`)
		if status != 200 || strings.TrimSpace(body) != want {
			t.Errorf("%s: resume answered %d %s, want %s", mode, status, body, want)
		}
	}
}

// TestResponseNodeWithoutRespondNode: a webhook that answers through a
// Respond to Webhook node in a workflow without one gets n8n's error, and
// starts nothing.
func TestResponseNodeWithoutRespondNode(t *testing.T) {
	base := serve(t)
	id := call(t, "POST", base+"/api/v1/workflows", fmt.Sprintf(hookWorkflow, "norespond", "responseNode", "{}", "return $input.all();")).body["id"].(string)
	call(t, "POST", base+"/api/v1/workflows/"+id+"/activate", "")
	status, _, body := raw(t, "POST", base+"/webhook/oa-norespond", "application/json", `{}`)
	if status != 500 || !strings.Contains(body, "No Respond to Webhook node found in the workflow") {
		t.Fatalf("answer: %d %s", status, body)
	}
	if l := call(t, "GET", base+"/api/v1/executions?workflowId="+id, ""); len(l.body["data"].([]any)) != 0 {
		t.Fatalf("executions: %s", l.raw)
	}
}

// TestWebhookParamWithEscapedSlash: a ":name" segment may hold an escaped
// slash; the node sees it decoded, as in n8n.
func TestWebhookParamWithEscapedSlash(t *testing.T) {
	base := serve(t)
	activate(t, base, `{"name":"files","nodes":[
 {"name":"Hook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"f1les","parameters":{"path":"files/:name","responseMode":"lastNode","options":{}}},
 {"name":"Name","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[200,0],"parameters":{"assignments":{"assignments":[
   {"id":"a","name":"name","value":"={{ $json.params.name }}","type":"string"}]},"options":{}}}
],"connections":{"Hook":{"main":[[{"node":"Name","type":"main","index":0}]]}}}`)
	for path, want := range map[string]string{
		"f1les/files/report.txt":      `{"name":"report.txt"}`,
		"f1les/files/2026%2Fq4.txt":   `{"name":"2026/q4.txt"}`,
		"f1les/files/my%20notes.txt":  `{"name":"my notes.txt"}`,
		"f1les/files/2026/q4.txt":     "",
		"f1les%2Ffiles/q4.txt":        "",
		"f1les/files/%2F..%2Fetc.txt": `{"name":"/../etc.txt"}`,
	} {
		status, _, body := raw(t, "GET", base+"/webhook/"+path, "", "")
		if want == "" {
			if status != 404 {
				t.Errorf("GET %s: %d %s, want 404", path, status, body)
			}
			continue
		}
		if status != 200 || strings.TrimSpace(body) != want {
			t.Errorf("GET %s: %d %s, want 200 %s", path, status, body, want)
		}
	}
}
