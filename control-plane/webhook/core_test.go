package webhook_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/control-plane/webhook"
	"github.com/weftrun/weft/internal/testmodules"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/runtime"
)

// These tests run webhook workflows through the real core module: the
// request becomes the Webhook node's item, the execution runs, and the
// answer is built from the last node or from the Respond to Webhook node.

func loadCore(t *testing.T) *nodes.Core {
	t.Helper()
	path := testmodules.Core(t)
	eng, err := runtime.NewEngine(context.Background(), runtime.NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Close(context.Background()) })
	c, err := nodes.LoadFile(context.Background(), eng, path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// recorder is a Dispatcher that keeps the responses nodes ask for.
type recorder struct {
	engine.Dispatcher
	mu        sync.Mutex
	responses []json.RawMessage
}

func (r *recorder) Run(ctx context.Context, t *engine.NodeTask) (*engine.NodeResult, error) {
	res, err := r.Dispatcher.Run(ctx, t)
	if err == nil && res.Response != nil {
		r.mu.Lock()
		r.responses = append(r.responses, res.Response)
		r.mu.Unlock()
	}
	return res, err
}

const flow = `{"id":"wf1","name":"bench","versionId":"v1","nodes":[
 {"id":"1","name":"Webhook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"2222",
  "parameters":{"httpMethod":"POST","path":"bench","responseMode":"%MODE%","options":{}}},
 {"id":"2","name":"Edit Fields","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[200,0],
  "parameters":{"assignments":{"assignments":[
   {"id":"a1","name":"greeting","value":"={{ 'hello ' + $json.body.name }}","type":"string"},
   {"id":"a2","name":"double","value":"={{ $json.body.n * 2 }}","type":"number"}]},"options":{}}}%RESPOND%
 ],
 "connections":{"Webhook":{"main":[[{"node":"Edit Fields","type":"main","index":0}]]}%RESPONDCONN%},
 "settings":{"executionOrder":"v1"}}`

func workflow(t *testing.T, mode string, respond bool) *api.Workflow {
	t.Helper()
	doc := []byte(flow)
	repl := map[string]string{"%MODE%": mode, "%RESPOND%": "", "%RESPONDCONN%": ""}
	if respond {
		repl["%RESPOND%"] = `,{"id":"3","name":"Respond","type":"n8n-nodes-base.respondToWebhook","typeVersion":1.1,"position":[400,0],
		  "parameters":{"respondWith":"json","responseBody":"={\"hi\": \"{{ $json.greeting }}\", \"n\": {{ $json.double }} }",
		  "options":{"responseCode":201,"responseHeaders":{"entries":[{"name":"X-Run","value":"={{ $json.double }}"}]}}}}`
		repl["%RESPONDCONN%"] = `,"Edit Fields":{"main":[[{"node":"Respond","type":"main","index":0}]]}`
	}
	for k, v := range repl {
		doc = []byte(strings.ReplaceAll(string(doc), k, v))
	}
	wf, err := api.ParseWorkflow(doc)
	if err != nil {
		t.Fatal(err)
	}
	return wf
}

// call runs a request through registry, item, execution; it returns the
// execution and the responses nodes asked for.
func call(t *testing.T, c *nodes.Core, wf *api.Workflow, method, path, body string) (webhook.Registration, *engine.Execution, []json.RawMessage) {
	t.Helper()
	reg := webhook.NewRegistry()
	regs, err := webhook.Registrations(wf)
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Set(wf.ID, regs); err != nil {
		t.Fatal(err)
	}
	r, params, ok := reg.Match(method, path)
	if !ok {
		t.Fatalf("%s %s matched nothing", method, path)
	}
	item, err := webhook.RequestItem(webhook.Request{
		Method: method, Path: path, URL: "http://localhost:5678/webhook/" + path,
		Headers: map[string]string{"content-type": "application/json"}, Params: params, Body: []byte(body),
	}, r.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{Dispatcher: c}
	ex := engine.New(rec, engine.WithSpec(c.NodeSpec))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	exec, err := ex.Run(ctx, wf, engine.StartOptions{ExecutionID: "e1", StartNode: r.Node, StartData: webhook.StartData(r.Endpoint, method, item), IgnorePinData: true})
	if err != nil {
		t.Fatal(err)
	}
	if exec.Status != engine.StatusSuccess {
		t.Fatalf("execution %s: %+v", exec.Status, exec.Error)
	}
	return r, exec, rec.responses
}

func TestCore_lastNode(t *testing.T) {
	c := loadCore(t)
	r, exec, responses := call(t, c, workflow(t, "lastNode", false), "POST", "/bench", `{"name":"ann","n":21}`)
	if len(responses) != 0 {
		t.Errorf("responses %s without a Respond to Webhook node", responses)
	}
	webhookOut := exec.RunData["Webhook"][0].Outputs()[0][0].JSON
	var w map[string]any
	if err := json.Unmarshal(webhookOut, &w); err != nil || w["webhookUrl"] != "http://localhost:5678/webhook/bench" || w["executionMode"] != "production" {
		t.Errorf("webhook item %s", webhookOut)
	}
	runs := exec.RunData[exec.LastNodeExecuted]
	resp, err := webhook.LastNode(r.Endpoint, runs[len(runs)-1].Outputs()[0])
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || string(resp.Body) != `{"greeting":"hello ann","double":42}` || resp.ContentType != "application/json; charset=utf-8" {
		t.Errorf("answer %d %s %s", resp.Status, resp.ContentType, resp.Body)
	}
}

func TestCore_respondToWebhook(t *testing.T) {
	c := loadCore(t)
	_, exec, responses := call(t, c, workflow(t, "responseNode", true), "POST", "bench/", `{"name":"bob","n":5}`)
	if len(responses) != 1 {
		t.Fatalf("got %d responses, want 1", len(responses))
	}
	resp, err := webhook.FromNode(responses[0])
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 201 || string(resp.Body) != `{"hi":"hello bob","n":10}` || resp.ContentType != "application/json; charset=utf-8" ||
		resp.Headers["x-run"] != "10" || resp.Headers["content-security-policy"] != webhook.SandboxCSP {
		t.Errorf("answer %d %s %v %s", resp.Status, resp.ContentType, resp.Headers, resp.Body)
	}
	// The node passes its items on.
	out := exec.RunData["Respond"][0].Outputs()[0]
	if len(out) != 1 || string(out[0].JSON) != `{"greeting":"hello bob","double":10}` {
		t.Errorf("Respond output %s", out[0].JSON)
	}
}
