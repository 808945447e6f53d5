package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/weftrun/weft/internal/natstest"
	"github.com/weftrun/weft/internal/pgtest"
	"github.com/weftrun/weft/internal/s3test"
	"github.com/weftrun/weft/internal/testmodules"
	"github.com/weftrun/weft/nodes"
)

// The tests in this file run the distributed mode as users deploy it: a
// `weft control-plane` process and `weft runner` processes (this test
// binary re-executed as weft), real Postgres, and a real NATS server with
// JetStream on a loopback port. They kill processes with SIGKILL, restart
// NATS and terminate Postgres backends while work is in flight, and check
// that every accepted execution finishes with each node's result recorded
// once.

// runMainEnv makes the test binary behave as the weft command.
const runMainEnv = "WEFT_TEST_RUN_MAIN"

// proc is a weft process started by a test.
type proc struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	ready chan string
	done  chan struct{}
}

// startWeft starts `weft args…` and waits until it prints a line
// containing want; it returns the process and that line.
func startWeft(t *testing.T, want string, args ...string) (*proc, string) {
	t.Helper()
	core := testmodules.Core(t)
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1", nodes.ModuleEnv+"="+core, "WEFT_CACHE_DIR="+cacheDir(t))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, ready: make(chan string, 1), done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.lines = append(p.lines, line)
			p.mu.Unlock()
			if !sent && strings.Contains(line, want) {
				p.ready <- line
				sent = true
			}
		}
		_ = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { p.kill() })
	select {
	case line := <-p.ready:
		return p, line
	case <-p.done:
		t.Fatalf("weft %s exited before printing %q:\n%s", args[0], want, p.output())
	case <-time.After(2 * time.Minute):
		t.Fatalf("weft %s did not print %q in 2 minutes:\n%s", args[0], want, p.output())
	}
	return nil, ""
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

func (p *proc) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// term sends SIGTERM and waits for the exit.
func (p *proc) term(t *testing.T) int {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		t.Fatalf("no exit a minute after SIGTERM:\n%s", p.output())
	}
	return p.cmd.ProcessState.ExitCode()
}

// cluster is a distributed deployment for one test.
type cluster struct {
	t *testing.T
	// blobArgs point control planes and runners at the test's S3 server;
	// tiny payloads already go through it.
	blobArgs  []string
	blobCount func() int
	pg        string
	app       string
	nats      *natstest.Server
	cp        *proc
	base      string
	client    *http.Client
}

func newCluster(t *testing.T) *cluster {
	t.Helper()
	pg := pgtest.URL(t)
	// Tag this test's Postgres sessions so the test can terminate them
	// without touching anyone else's.
	app := fmt.Sprintf("weft_test_%d_%d", os.Getpid(), time.Now().UnixNano())
	c := &cluster{t: t, pg: pg + "&application_name=" + app, app: app, nats: natstest.Start(t), client: &http.Client{Timeout: 2 * time.Minute}}
	endpoint, bucket := s3test.Start(t)
	id, secret := s3test.Credentials()
	t.Setenv("AWS_ACCESS_KEY_ID", id)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	prefix := s3test.Prefix(t, endpoint, bucket)
	c.blobArgs = []string{"--s3-bucket", bucket, "--s3-endpoint", endpoint, "--s3-path-style", "--s3-region", s3test.Region(),
		"--s3-prefix", prefix, "--payload-threshold", "300B"}
	c.blobCount = func() int {
		out, err := s3test.Client(endpoint).ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
		if err != nil {
			t.Fatalf("listing the blob bucket: %v", err)
		}
		return len(out.Contents)
	}
	c.startControlPlane()
	return c
}

func (c *cluster) startControlPlane() {
	c.t.Helper()
	args := append([]string{"control-plane", "--postgres", c.pg, "--nats", c.nats.URL(),
		"--listen", "127.0.0.1:0", "--lease", "2s", "--ack-wait", "3s"}, c.blobArgs...)
	p, line := startWeft(c.t, "serving http://", args...)
	c.cp = p
	for _, w := range strings.Fields(line) {
		if strings.HasPrefix(w, "http://") {
			c.base = w
		}
	}
}

func (c *cluster) startRunner(conc int) *proc {
	c.t.Helper()
	args := append([]string{"runner", "--nats", c.nats.URL(), "--concurrency", fmt.Sprint(conc), "--drain-timeout", "20s"}, c.blobArgs...)
	p, _ := startWeft(c.t, "task(s) at once", args...)
	return p
}

// createWorkflow saves a workflow through the API and returns its id.
func (c *cluster) createWorkflow(doc string) string {
	c.t.Helper()
	res, err := c.client.Post(c.base+"/api/v1/workflows", "application/json", strings.NewReader(doc))
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 201 {
		c.t.Fatalf("create workflow: %d %s", res.StatusCode, body)
	}
	var w struct{ ID string }
	_ = json.Unmarshal(body, &w)
	return w.ID
}

type execDoc struct {
	ID      string                       `json:"id"`
	Status  string                       `json:"status"`
	Error   json.RawMessage              `json:"error"`
	RunData map[string][]json.RawMessage `json:"runData"`
}

// run starts a manual run; it returns the execution the API answered
// with, or ok=false when the API refused it (then nothing was accepted).
func (c *cluster) run(id string, n int) (execDoc, int, error) {
	res, err := c.client.Post(c.base+"/api/v1/workflows/"+id+"/run", "application/json", strings.NewReader(fmt.Sprintf(`{"items":[{"n":%d}]}`, n)))
	if err != nil {
		return execDoc{}, 0, err
	}
	defer res.Body.Close()
	var e execDoc
	body, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(body, &e)
	return e, res.StatusCode, nil
}

// waitExecution polls the API until the execution has finished.
func (c *cluster) waitExecution(id string, within time.Duration) execDoc {
	c.t.Helper()
	deadline := time.Now().Add(within)
	for {
		res, err := c.client.Get(c.base + "/api/v1/executions/" + id)
		if err == nil {
			var e execDoc
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if json.Unmarshal(body, &e) == nil && e.Status != "" && e.Status != "running" && e.Status != "new" {
				return e
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("execution %s did not finish within %v\ncontrol plane:\n%s", id, within, c.cp.output())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// slowWorkflow's Slow node (a Code node spinning) holds its runner for ms
// milliseconds. A Wait node would not: its wait goes back to the control
// plane.
func slowWorkflow(ms int) string {
	return fmt.Sprintf(`{"name":"slow","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Slow","type":"n8n-nodes-base.code","typeVersion":2,"position":[200,0],"parameters":{"jsCode":"const end = Date.now() + %d; while (Date.now() < end) {} return $input.all();"}},
 {"name":"Set","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[400,0],"parameters":{"assignments":{"assignments":[
   {"id":"a","name":"double","value":"={{ $json.n * 2 }}","type":"number"}]},"includeOtherFields":true,"options":{}}}
],"connections":{"Start":{"main":[[{"node":"Slow","type":"main","index":0}]]},"Slow":{"main":[[{"node":"Set","type":"main","index":0}]]}}}`, ms)
}

// checkOnce asserts an execution succeeded with each node run exactly once
// and the item computed from n.
func checkOnce(t *testing.T, e execDoc, n int) {
	t.Helper()
	if e.Status != "success" {
		t.Errorf("execution %s: status %s, error %s", e.ID, e.Status, e.Error)
		return
	}
	for _, node := range []string{"Start", "Slow", "Set"} {
		if len(e.RunData[node]) != 1 {
			t.Errorf("execution %s: node %s ran %d times, want once", e.ID, node, len(e.RunData[node]))
		}
	}
	var set []struct {
		Data struct {
			Main [][]struct {
				JSON struct {
					N      int `json:"n"`
					Double int `json:"double"`
				} `json:"json"`
			} `json:"main"`
		} `json:"data"`
	}
	raw, _ := json.Marshal(e.RunData["Set"])
	if err := json.Unmarshal(raw, &set); err != nil || len(set) != 1 || len(set[0].Data.Main) != 1 || len(set[0].Data.Main[0]) != 1 {
		t.Errorf("execution %s: Set output %s", e.ID, raw)
		return
	}
	if got := set[0].Data.Main[0][0].JSON; got.N != n || got.Double != 2*n {
		t.Errorf("execution %s: Set output %+v, want n %d double %d", e.ID, got, n, 2*n)
	}
}

// slowN returns the n of the item the Slow node passed on (-1 when it did
// not run once with one item): the run's input, to check its output by.
func slowN(e execDoc) int {
	var slow []struct {
		Data struct {
			Main [][]struct {
				JSON struct{ N int } `json:"json"`
			} `json:"main"`
		} `json:"data"`
	}
	raw, _ := json.Marshal(e.RunData["Slow"])
	if json.Unmarshal(raw, &slow) == nil && len(slow) == 1 && len(slow[0].Data.Main) == 1 && len(slow[0].Data.Main[0]) == 1 {
		return slow[0].Data.Main[0][0].JSON.N
	}
	return -1
}

// runAsync starts count runs of wf (items n = from, from+1, …) without
// waiting; the channel gets each run's answer (empty when the request
// failed).
func (c *cluster) runAsync(wf string, from, count int) <-chan execDoc {
	out := make(chan execDoc, count)
	for i := range count {
		go func() {
			e, _, _ := c.run(wf, from+i)
			out <- e
		}()
	}
	return out
}

// startRuns starts count runs concurrently and returns the accepted ones
// (execution id -> n).
func (c *cluster) startRuns(wf string, count int) map[string]int {
	c.t.Helper()
	var mu sync.Mutex
	accepted := map[string]int{}
	var wg sync.WaitGroup
	for i := range count {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, status, err := c.run(wf, i)
			if err == nil && (status == 200 || status == 202) && e.ID != "" {
				mu.Lock()
				accepted[e.ID] = i
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return accepted
}

func TestDistributedRunnerKilledMidTask(t *testing.T) {
	c := newCluster(t)
	victim := c.startRunner(2)
	wf := c.createWorkflow(slowWorkflow(1500))
	results := c.runAsync(wf, 0, 4)
	// Let the victim take tasks, then kill it without warning; a second
	// runner picks them up once their ack wait runs out.
	time.Sleep(700 * time.Millisecond)
	victim.kill()
	c.startRunner(2)
	for range 4 {
		e := <-results
		if e.ID == "" {
			t.Fatal("a run was not accepted")
		}
		if e.Status == "running" {
			e = c.waitExecution(e.ID, 2*time.Minute)
		}
		checkOnce(t, e, slowN(e))
	}
	if n := c.blobCount(); n == 0 {
		t.Error("no payload went through S3, although the threshold is 300 bytes")
	}
}

func TestDistributedRunnerDrainsOnSIGTERM(t *testing.T) {
	c := newCluster(t)
	r := c.startRunner(2)
	wf := c.createWorkflow(slowWorkflow(1000))
	results := c.runAsync(wf, 10, 2)
	time.Sleep(500 * time.Millisecond)
	if code := r.term(t); code != 0 {
		t.Fatalf("runner exited %d after SIGTERM:\n%s", code, r.output())
	}
	if out := r.output(); !strings.Contains(out, "drained after") {
		t.Fatalf("runner did not report draining:\n%s", out)
	}
	// The tasks it held were finished before it exited; the Set tasks that
	// follow need a runner.
	c.startRunner(1)
	for range 2 {
		e := <-results
		if e.Status == "running" {
			e = c.waitExecution(e.ID, time.Minute)
		}
		if e.Status != "success" {
			t.Fatalf("execution %s: %s %s", e.ID, e.Status, e.Error)
		}
	}
}

// TestDistributedSecondSignalStopsAtOnce: a runner draining after SIGTERM
// stops at once on a second signal, without waiting for its task.
func TestDistributedSecondSignalStopsAtOnce(t *testing.T) {
	c := newCluster(t)
	r := c.startRunner(1)
	c.runAsync(c.createWorkflow(slowWorkflow(5000)), 10, 1)
	time.Sleep(1500 * time.Millisecond) // the runner holds the Slow task
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(r.output(), "stopping") {
		if time.Now().After(deadline) {
			t.Fatalf("the runner did not say it was stopping:\n%s", r.output())
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = r.cmd.Process.Signal(syscall.SIGINT)
	<-r.done
	if st := r.cmd.ProcessState; st.Success() || strings.Contains(r.output(), "drained after") {
		t.Fatalf("the runner finished its task after a second signal (%v):\n%s", st, r.output())
	}
}

func TestDistributedNATSRestartLosesNothing(t *testing.T) {
	c := newCluster(t)
	c.startRunner(4)
	wf := c.createWorkflow(slowWorkflow(20))
	done := make(chan map[string]int)
	go func() { done <- c.startRuns(wf, 60) }()
	time.Sleep(300 * time.Millisecond)
	c.nats.Restart(t)
	accepted := <-done
	if len(accepted) == 0 {
		t.Fatal("no run was accepted")
	}
	for id, n := range accepted {
		checkOnce(t, c.waitExecution(id, 2*time.Minute), n)
	}
	t.Logf("%d of 60 runs accepted across the NATS restart; all finished", len(accepted))
}

func TestDistributedPostgresBackendsTerminated(t *testing.T) {
	c := newCluster(t)
	c.startRunner(4)
	wf := c.createWorkflow(slowWorkflow(20))
	admin, err := sql.Open("pgx", os.Getenv("WEFT_TEST_POSTGRES_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	stop := make(chan struct{})
	var killed int
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(150 * time.Millisecond):
			}
			var n int
			_ = admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, c.app).Scan(&n)
			killed += n
		}
	}()
	accepted := c.startRuns(wf, 60)
	close(stop)
	if killed == 0 {
		t.Fatal("no backend was terminated: the test did not test anything")
	}
	for id, n := range accepted {
		checkOnce(t, c.waitExecution(id, 2*time.Minute), n)
	}
	// Nothing half-written: every execution in the store is finished and
	// has its run data, or was never there.
	var unfinished int
	db, err := sql.Open("pgx", c.pg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT count(*) FROM executions e LEFT JOIN execution_data d ON d.execution_id = e.id WHERE e.status <> 'running' AND d.run_data IS NULL`).Scan(&unfinished); err != nil {
		t.Fatal(err)
	}
	if unfinished != 0 {
		t.Errorf("%d finished executions without run data", unfinished)
	}
	t.Logf("%d backends terminated; %d of 60 runs accepted, all finished", killed, len(accepted))
}

func TestDistributedControlPlaneKilledResumes(t *testing.T) {
	c := newCluster(t)
	c.startRunner(4)
	wf := c.createWorkflow(slowWorkflow(1500))
	ids := c.runAsync(wf, 100, 3)
	// The runs are committed within milliseconds; kill the control plane
	// while their Slow tasks run.
	time.Sleep(700 * time.Millisecond)
	c.cp.kill()
	for range 3 {
		<-ids // the requests fail: the server is gone
	}
	c.startControlPlane()
	db, err := sql.Open("pgx", c.pg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id FROM executions`)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		all = append(all, id)
	}
	rows.Close()
	if len(all) != 3 {
		t.Fatalf("%d executions in the store, want 3", len(all))
	}
	for _, id := range all {
		e := c.waitExecution(id, 2*time.Minute)
		checkOnce(t, e, slowN(e))
	}
	if !strings.Contains(c.cp.output(), "resuming with") {
		t.Errorf("the new control plane did not report resuming:\n%s", c.cp.output())
	}
}

// TestDistributedSubWorkflowSurvivesControlPlaneKill kills the control
// plane while a sub-execution's node runs: the next control plane
// resumes both it and its caller, which takes its output, and the
// sub-workflow is not started a second time.
func TestDistributedSubWorkflowSurvivesControlPlaneKill(t *testing.T) {
	t.Run("saved", func(t *testing.T) {
		c := newCluster(t)
		sub := c.createWorkflow(slowWorkflow(1500))
		subWorkflowSurvivesKill(t, c, fmt.Sprintf(`"source":"database","workflowId":{"__rl":true,"value":%q,"mode":"id"}`, sub))
	})
	t.Run("inline", func(t *testing.T) {
		doc, _ := json.Marshal(slowWorkflow(1500))
		subWorkflowSurvivesKill(t, newCluster(t), `"source":"parameter","workflowJson":`+string(doc))
	})
}

// subWorkflowSurvivesKill runs an Execute Workflow node with the source
// parameters given, running slowWorkflow, and kills the control plane
// while its Slow node runs.
func subWorkflowSurvivesKill(t *testing.T, c *cluster, source string) {
	c.startRunner(4)
	caller := c.createWorkflow(fmt.Sprintf(`{"name":"caller","nodes":[
 {"name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"name":"Call","type":"n8n-nodes-base.executeWorkflow","typeVersion":1.1,"position":[200,0],"parameters":{%s,"options":{}}}
],"connections":{"Start":{"main":[[{"node":"Call","type":"main","index":0}]]}}}`, source))
	answered := c.runAsync(caller, 5, 1)
	db, err := sql.Open("pgx", c.pg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids := func(cond string) []string {
		t.Helper()
		rows, err := db.Query(`SELECT id FROM executions WHERE ` + cond)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id string
			_ = rows.Scan(&id)
			out = append(out, id)
		}
		return out
	}
	// Kill the control plane once the sub-execution's Slow node runs.
	for deadline := time.Now().Add(time.Minute); len(ids(`parent_id <> ''`)) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no sub-execution started\ncontrol plane:\n%s", c.cp.output())
		}
	}
	time.Sleep(500 * time.Millisecond)
	c.cp.kill()
	<-answered
	c.startControlPlane()

	parents := ids(`parent_id = ''`)
	if len(parents) != 1 {
		t.Fatalf("%d top-level executions, want 1", len(parents))
	}
	e := c.waitExecution(parents[0], 2*time.Minute)
	if e.Status != "success" || len(e.RunData["Call"]) != 1 {
		t.Fatalf("caller: %s %s, Call ran %d times", e.Status, e.Error, len(e.RunData["Call"]))
	}
	if out := string(e.RunData["Call"][0]); !strings.Contains(out, `"json":{"n":5,"double":10}`) {
		t.Fatalf("Call's run: %s, want the sub-workflow's output", out)
	}
	kids := ids(`parent_id = '` + parents[0] + `'`)
	if len(kids) != 1 {
		t.Fatalf("%d sub-executions, want 1", len(kids))
	}
	checkOnce(t, c.waitExecution(kids[0], time.Minute), 5)
	if !strings.Contains(c.cp.output(), "resuming with") {
		t.Errorf("the new control plane did not report resuming:\n%s", c.cp.output())
	}
}

func init() {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
}
