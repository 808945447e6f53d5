package httpapi

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// runData returns the first item's JSON of a node's first run.
func firstItem(t *testing.T, r reply, node string) map[string]any {
	t.Helper()
	rd, _ := r.body["runData"].(map[string]any)
	runs, _ := rd[node].([]any)
	if len(runs) == 0 {
		t.Fatalf("%s did not run: %s", node, r.raw)
	}
	main := runs[0].(map[string]any)["data"].(map[string]any)["main"].([]any)
	return main[0].([]any)[0].(map[string]any)["json"].(map[string]any)
}

func TestRetry(t *testing.T) {
	base := serve(t)
	r := call(t, "POST", base+"/api/v1/workflows", wf("flaky", "throw new Error('not yet');"))
	id := r.body["id"].(string)
	failed := call(t, "POST", base+"/api/v1/workflows/"+id+"/run", `{"items":[{"name":"ada"}]}`)
	if failed.body["status"] != "error" {
		t.Fatalf("first run: %s", failed.raw)
	}
	execID := failed.body["id"].(string)
	// Fix the Code node and change the Set node, so a result carried over
	// from the failed run can be told from a new one.
	fixed := strings.Replace(wf("flaky", "return $input.all();"), "'hi '", "'hello '", 1)
	if r := call(t, "PUT", base+"/api/v1/workflows/"+id, fixed, "If-Match", `"1"`); r.status != 200 {
		t.Fatalf("update: %s", r.raw)
	}

	r = call(t, "POST", base+"/api/v1/executions/"+execID+"/retry", `{"from":"failedNode","currentVersion":true}`)
	if r.status != 200 || r.body["status"] != "success" || r.body["retryOf"] != execID || r.body["mode"] != "retry" {
		t.Fatalf("retry from the failed node: %d %s", r.status, r.raw)
	}
	if got := firstItem(t, r, "Check")["greeting"]; got != "hi ada" {
		t.Errorf("retry from the failed node: greeting %v, want the carried-over \"hi ada\"", got)
	}
	r = call(t, "POST", base+"/api/v1/executions/"+execID+"/retry", `{"currentVersion":true}`)
	if r.status != 200 || r.body["status"] != "success" {
		t.Fatalf("retry from the start: %d %s", r.status, r.raw)
	}
	if got := firstItem(t, r, "Check")["greeting"]; got != "hello ada" {
		t.Errorf("retry from the start: greeting %v, want \"hello ada\" from the current version and the same input", got)
	}
	// Without currentVersion the failed version runs again, and fails again.
	r = call(t, "POST", base+"/api/v1/executions/"+execID+"/retry", ``)
	if r.status != 200 || r.body["status"] != "error" || r.body["workflowVersion"].(float64) != 1 {
		t.Fatalf("retry of version 1: %d %s", r.status, r.raw)
	}
	expectProblem(t, call(t, "POST", base+"/api/v1/executions/"+r.body["id"].(string)+"x/retry", ``), 404, "not_found")
	ok := call(t, "POST", base+"/api/v1/workflows/"+id+"/run", ``)
	expectProblem(t, call(t, "POST", base+"/api/v1/executions/"+ok.body["id"].(string)+"/retry", ``), 409, "not_retryable")
	expectProblem(t, call(t, "POST", base+"/api/v1/executions/"+execID+"/retry", `{"from":"middle"}`), 400, "invalid_body")
	// A misspelt option is refused, named, rather than ignored.
	for body, want := range map[string]string{`{"fromStart":true}`: `unknown field \"fromStart\"`, `{"from":"start"} {}`: "something follows the JSON document"} {
		r := call(t, "POST", base+"/api/v1/executions/"+execID+"/retry", body)
		expectProblem(t, r, 400, "invalid_body")
		if !strings.Contains(r.raw, want) {
			t.Errorf("retry %s: %s", body, r.raw)
		}
	}
	r = call(t, "POST", base+"/api/v1/workflows/"+id+"/run", `{"item":[{"a":1}]}`)
	if expectProblem(t, r, 400, "invalid_body"); !strings.Contains(r.raw, `unknown field \"item\"`) {
		t.Errorf("run with a misspelt field: %s", r.raw)
	}
}

// loopWorkflow runs Loop Over Items one item at a time through a Code node
// with the given code; the loop's done output goes to Done.
func loopWorkflow(code string) string {
	return fmt.Sprintf(`{"name":"loop","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Loop","type":"n8n-nodes-base.splitInBatches","typeVersion":3,"position":[200,0],"parameters":{"batchSize":1,"options":{}}},
 {"name":"Work","type":"n8n-nodes-base.code","typeVersion":2,"position":[400,100],"parameters":{"jsCode":%q}},
 {"name":"Done","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[400,-100],"parameters":{}}],
 "connections":{"Start":{"main":[[{"node":"Loop","type":"main","index":0}]]},
  "Loop":{"main":[[{"node":"Done","type":"main","index":0}],[{"node":"Work","type":"main","index":0}]]},
  "Work":{"main":[[{"node":"Loop","type":"main","index":0}]]}},"settings":{"executionOrder":"v1"}}`, code)
}

// TestRetryFromFailedNodeInALoop fails a loop on its second item, fixes
// the node and retries from it: the loop goes on from where it was, with
// the items it had left, and ends with all of them.
func TestRetryFromFailedNodeInALoop(t *testing.T) {
	base := serve(t)
	r := call(t, "POST", base+"/api/v1/workflows", loopWorkflow("if ($json.n === 2) throw new Error('not yet');\nreturn $input.all();"))
	id := r.body["id"].(string)
	failed := call(t, "POST", base+"/api/v1/workflows/"+id+"/run", `{"items":[{"n":1},{"n":2},{"n":3}]}`)
	if failed.body["status"] != "error" {
		t.Fatalf("first run: %s", failed.raw)
	}
	if r := call(t, "PUT", base+"/api/v1/workflows/"+id, loopWorkflow("return $input.all();"), "If-Match", `"1"`); r.status != 200 {
		t.Fatalf("update: %s", r.raw)
	}
	r = call(t, "POST", base+"/api/v1/executions/"+failed.body["id"].(string)+"/retry", `{"from":"failedNode","currentVersion":true}`)
	if r.status != 200 || r.body["status"] != "success" {
		t.Fatalf("retry from the failed node: %d %s", r.status, r.raw)
	}
	rd, _ := r.body["runData"].(map[string]any)
	done, _ := rd["Done"].([]any)
	if len(done) != 1 {
		t.Fatalf("Done ran %d times: %s", len(done), r.raw)
	}
	var ns []any
	for _, it := range done[0].(map[string]any)["data"].(map[string]any)["main"].([]any)[0].([]any) {
		ns = append(ns, it.(map[string]any)["json"].(map[string]any)["n"])
	}
	if fmt.Sprint(ns) != "[1 2 3]" {
		t.Fatalf("Done got n = %v, want [1 2 3] (the loop carried on with the items it had left)", ns)
	}
	if loops, _ := rd["Loop"].([]any); len(loops) != 4 {
		t.Errorf("Loop ran %d times, want 4 (3 items, then done)", len(loops))
	}
}

// slowWorkflow waits three seconds in a Wait node before its Check node.
const slowWorkflow = `{"name":"slow","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Pause","type":"n8n-nodes-base.wait","typeVersion":1.1,"position":[200,0],"parameters":{"resume":"timeInterval","amount":3,"unit":"seconds"}},
 {"name":"Check","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[400,0],"parameters":{}}],
 "connections":{"Start":{"main":[[{"node":"Pause","type":"main","index":0}]]},"Pause":{"main":[[{"node":"Check","type":"main","index":0}]]}}}`

// startSlow starts a run that takes about three seconds and returns its
// execution id once it is running.
func startSlow(t *testing.T, base string) string {
	t.Helper()
	r := call(t, "POST", base+"/api/v1/workflows", slowWorkflow)
	id := r.body["id"].(string)
	go http.Post(base+"/api/v1/workflows/"+id+"/run", "application/json", strings.NewReader(""))
	return executionWhere(t, base, "status=running")
}

// executionWhere returns the id of the newest execution the filter query
// lists, once there is one.
func executionWhere(t *testing.T, base, query string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		l := call(t, "GET", base+"/api/v1/executions?"+query, "")
		if data, _ := l.body["data"].([]any); len(data) > 0 {
			return data[0].(map[string]any)["id"].(string)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no execution with %s", query)
	return ""
}

func TestStop(t *testing.T) {
	base := serve(t)
	execID := startSlow(t, base)
	r := call(t, "POST", base+"/api/v1/executions/"+execID+"/stop", "")
	if r.status != 200 || r.body["status"] != "canceled" {
		t.Fatalf("stop: %d %s", r.status, r.raw)
	}
	expectProblem(t, call(t, "POST", base+"/api/v1/executions/"+execID+"/stop", ""), 409, "not_running")
}

// TestStopWaiting stops an execution parked at a Wait node: it ends as
// canceled with the run data of the nodes before the Wait, and its waiting
// webhook no longer resumes it.
func TestStopWaiting(t *testing.T) {
	base := serve(t)
	wf := call(t, "POST", base+"/api/v1/workflows", approvalWorkflow).body["id"].(string)
	call(t, "POST", base+"/api/v1/workflows/"+wf+"/activate", "")
	if r := call(t, "POST", base+"/webhook/oa-approve", `{"order":5}`); r.status != 200 {
		t.Fatalf("webhook: %d %s", r.status, r.raw)
	}
	execID := executionWhere(t, base, "status=waiting")
	// Parked, it shows what ran before its wait.
	parked := call(t, "GET", base+"/api/v1/executions/"+execID, "")
	if rd, _ := parked.body["runData"].(map[string]any); rd["Hook"] == nil || rd["Wait"] != nil {
		t.Fatalf("the parked execution's run data: %s", parked.raw)
	}
	r := call(t, "POST", base+"/api/v1/executions/"+execID+"/stop", "")
	if r.status != 200 || r.body["status"] != "canceled" {
		t.Fatalf("stop: %d %s", r.status, r.raw)
	}
	got := call(t, "GET", base+"/api/v1/executions/"+execID, "")
	runData, _ := got.body["runData"].(map[string]any)
	if got.body["status"] != "canceled" || runData["Hook"] == nil || runData["Done"] != nil || got.body["lastNodeExecuted"] != "Wait" {
		t.Fatalf("stopped execution: %s", got.raw)
	}
	expectProblem(t, call(t, "POST", base+"/webhook-waiting/"+execID, `{"approved":true}`), 409, "not_waiting")
	expectProblem(t, call(t, "POST", base+"/api/v1/executions/"+execID+"/stop", ""), 409, "not_running")
}

// TestDeleteWhileRunning: a running execution cannot be deleted before it
// is stopped; deleting its workflow stops it, and the result its node
// hands back afterwards is dropped without holding up any other
// execution.
func TestDeleteWhileRunning(t *testing.T) {
	base := serve(t)
	busy := call(t, "POST", base+"/api/v1/workflows", wf("busy", "const end = Date.now() + 1500; while (Date.now() < end) {} return $input.all();")).body["id"].(string)
	go http.Post(base+"/api/v1/workflows/"+busy+"/run", "application/json", strings.NewReader(""))
	execID := executionWhere(t, base, "status=running")
	expectProblem(t, call(t, "DELETE", base+"/api/v1/executions/"+execID, ""), 409, "execution_running")
	if r := call(t, "DELETE", base+"/api/v1/workflows/"+busy, ""); r.status != 204 {
		t.Fatalf("deleting the workflow: %d %s", r.status, r.raw)
	}
	time.Sleep(2 * time.Second) // the busy Code node hands its result back
	other := call(t, "POST", base+"/api/v1/workflows", wf("other", "return $input.all();")).body["id"].(string)
	client := &http.Client{Timeout: 30 * time.Second}
	res, err := client.Post(base+"/api/v1/workflows/"+other+"/run", "application/json", strings.NewReader(""))
	if err != nil {
		t.Fatalf("a run after the deleted execution's result came back: %v", err)
	}
	defer res.Body.Close()
	var x map[string]any
	if err := json.NewDecoder(res.Body).Decode(&x); err != nil || res.StatusCode != 200 || x["status"] != "success" {
		t.Fatalf("a run after the deleted execution's result came back: %d %v %v", res.StatusCode, x, err)
	}
	expectProblem(t, call(t, "GET", base+"/api/v1/executions/"+execID, ""), 404, "not_found")
}

func TestEventsStream(t *testing.T) {
	base := serve(t)
	execID := startSlow(t, base)
	res, err := http.Get(base + "/api/v1/executions/" + execID + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	var events []string
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "data: ") {
			events = append(events, line[6:])
		}
		if strings.HasPrefix(line, "data: ") && strings.Contains(line, `"executionFinished"`) {
			break
		}
	}
	all := strings.Join(events, "\n")
	for _, want := range []string{`"type":"nodeFinished"`, `"node":"Check"`, `"type":"executionFinished"`, `"status":"success"`} {
		if !strings.Contains(all, want) {
			t.Errorf("events lack %s:\n%s", want, all)
		}
	}
	// A finished execution answers with its final event at once.
	r, err := http.Get(base + "/api/v1/executions/" + execID + "/events")
	if err != nil {
		t.Fatal(err)
	}
	sc = bufio.NewScanner(r.Body)
	var got []string
	for sc.Scan() {
		got = append(got, sc.Text())
	}
	r.Body.Close()
	if len(got) < 2 || got[0] != "event: executionFinished" || !strings.Contains(got[1], `"status":"success"`) {
		t.Fatalf("events of a finished execution: %q", got)
	}
}

func TestMetrics(t *testing.T) {
	base := serve(t)
	r := call(t, "POST", base+"/api/v1/workflows", wf("m", "return $input.all();"))
	id := r.body["id"].(string)
	for range 3 {
		call(t, "POST", base+"/api/v1/workflows/"+id+"/run", "")
	}
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	text := b.String()
	for _, want := range []string{
		`weft_executions_finished_total{status="success"} 3`,
		`weft_executions_started_total{mode="manual"} 3`,
		"weft_node_task_duration_seconds_count 6",
		"weft_runners 1",
		"weft_task_queue_depth 0",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
	// Three executions made at least three writes each (created, result,
	// finished), in at most as many commits.
	value := func(name string) float64 {
		if !strings.Contains(text, "# TYPE "+name+" counter\n") {
			t.Errorf("metrics lack counter %s:\n%s", name, text)
		}
		for _, line := range strings.Split(text, "\n") {
			if v, ok := strings.CutPrefix(line, name+" "); ok {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				return f
			}
		}
		return -1
	}
	commits, writes := value("weft_store_commits_total"), value("weft_store_writes_total")
	if writes < 9 || commits < 1 || commits > writes {
		t.Errorf("store commits %v, writes %v: want at least 9 writes in at most as many commits", commits, writes)
	}
	// The histogram is written before the counters are read: it has seen
	// at most as many commits.
	timed := -1.0
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, "weft_store_commit_duration_seconds_count "); ok {
			timed, _ = strconv.ParseFloat(v, 64)
		}
	}
	if timed < 1 || timed > commits {
		t.Errorf("weft_store_commit_duration_seconds_count = %v with %v commits: want every commit timed", timed, commits)
	}
}

// TestSubExecutionsByParent: a saved workflow an Execute Workflow node
// runs is an execution of its own, listed under its parent and naming it.
func TestSubExecutionsByParent(t *testing.T) {
	base := serve(t)
	sub := call(t, "POST", base+"/api/v1/workflows", `{"name":"double","nodes":[
 {"name":"In","type":"n8n-nodes-base.executeWorkflowTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Double","type":"n8n-nodes-base.code","typeVersion":2,"position":[200,0],"parameters":{"jsCode":"return $input.all().map(i => ({json: {n: i.json.n * 2}}));"}}
],"connections":{"In":{"main":[[{"node":"Double","type":"main","index":0}]]}}}`)
	subID := sub.body["id"].(string)
	caller := call(t, "POST", base+"/api/v1/workflows", fmt.Sprintf(`{"name":"caller","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Call","type":"n8n-nodes-base.executeWorkflow","typeVersion":1,"position":[200,0],"parameters":{"source":"database","workflowId":%q}}
],"connections":{"Start":{"main":[[{"node":"Call","type":"main","index":0}]]}}}`, subID))
	r := call(t, "POST", base+"/api/v1/workflows/"+caller.body["id"].(string)+"/run", `{"items":[{"n":21}]}`)
	if r.body["status"] != "success" || firstItem(t, r, "Call")["n"] != 42.0 {
		t.Fatalf("run: %s", r.raw)
	}
	parent := r.body["id"].(string)
	l := call(t, "GET", base+"/api/v1/executions?parentId="+parent, "")
	data, _ := l.body["data"].([]any)
	if l.status != 200 || len(data) != 1 {
		t.Fatalf("executions of parent %s: %d %s", parent, l.status, l.raw)
	}
	kid := data[0].(map[string]any)
	if kid["parentId"] != parent || kid["mode"] != "integrated" || kid["workflowId"] != subID || kid["status"] != "success" {
		t.Fatalf("sub-execution: %v", kid)
	}
	if l := call(t, "GET", base+"/api/v1/executions?parentId="+kid["id"].(string), ""); len(l.body["data"].([]any)) != 0 {
		t.Fatalf("the sub-execution lists executions of its own: %s", l.raw)
	}
}
