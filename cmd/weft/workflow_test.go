package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftrun/weft/internal/conformance"
	"github.com/weftrun/weft/internal/testmodules"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/store/sqlstore"
)

// runWorkflowCLI runs weft with the core module built for tests and a
// compile cache shared by the test binary.
func runWorkflowCLI(t *testing.T, args ...string) result {
	t.Helper()
	core := testmodules.Core(t)
	envOnce.Do(func() {
		os.Setenv(nodes.ModuleEnv, core)
		os.Setenv("WEFT_CACHE_DIR", cacheDir(t))
	})
	var out, errb bytes.Buffer
	c := cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	code := c.run(context.Background(), args)
	return result{code, out.String(), errb.String()}
}

var (
	sharedCache string
	envOnce     sync.Once
)

func cacheDir(t *testing.T) string {
	if sharedCache == "" {
		d, err := os.MkdirTemp("", "weft-cli-cache-*")
		if err != nil {
			t.Fatal(err)
		}
		sharedCache = d
	}
	return sharedCache
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedCache != "" {
		os.RemoveAll(sharedCache)
	}
	os.Exit(code)
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// cliOutcome reads `weft run --json` output as a conformance outcome.
func cliOutcome(t *testing.T, stdout string) conformance.Outcome {
	t.Helper()
	var doc struct {
		Status           string `json:"status"`
		LastNodeExecuted string `json:"lastNodeExecuted"`
		Error            *struct {
			Node    string `json:"node"`
			Message string `json:"message"`
		} `json:"error"`
		RunData map[string][]struct {
			Data struct {
				Main [][]struct {
					JSON json.RawMessage `json:"json"`
				} `json:"main"`
			} `json:"data"`
		} `json:"runData"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("weft run --json printed invalid JSON: %v\n%s", err, stdout)
	}
	o := conformance.Outcome{Status: doc.Status, LastNodeExecuted: doc.LastNodeExecuted, RunData: map[string][]conformance.NodeRun{}}
	if doc.Error != nil {
		o.Error = &conformance.Error{Node: doc.Error.Node, Message: doc.Error.Message}
	}
	for name, runs := range doc.RunData {
		for _, r := range runs {
			var nr conformance.NodeRun
			for _, out := range r.Data.Main {
				items := []json.RawMessage{}
				for _, it := range out {
					items = append(items, it.JSON)
				}
				nr.Outputs = append(nr.Outputs, items)
			}
			o.RunData[name] = append(o.RunData[name], nr)
		}
	}
	return o
}

// TestRunReproducesConformanceCases runs every conformance case through
// `weft run --json`, as a user would, and compares with n8n's run data.
func TestRunReproducesConformanceCases(t *testing.T) {
	cases, err := conformance.Load(filepath.Join("..", "..", "api", "testdata", "conformance"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 48 {
		t.Fatalf("found %d cases, want 48", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, "workflow.json", c.Workflow)
			r := runWorkflowCLI(t, "run", path, "--json")
			wantCode := exitOK
			if c.Expected.Status != "success" {
				wantCode = exitFailed
			}
			if r.code != wantCode {
				t.Errorf("exit %d, want %d; stderr: %s", r.code, wantCode, r.stderr)
			}
			if diffs := conformance.Compare(c.Expected, cliOutcome(t, r.stdout)); len(diffs) > 0 {
				t.Errorf("%s\n%s", c.Description, strings.Join(diffs, "\n"))
			}
		})
	}
}

const smallWorkflow = `{"name":"small","nodes":[
 {"id":"1","name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"id":"2","name":"Fields","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[200,0],"parameters":{"mode":"manual","assignments":{"assignments":[{"id":"a","name":"greeting","value":"={{ 'hello ' + ($json.name || 'world') }}","type":"string"}]},"options":{}}},
 {"id":"3","name":"Log","type":"n8n-nodes-base.code","typeVersion":2,"position":[400,0],"parameters":{"jsCode":"console.log('items', $input.all().length); return $input.all();"}}],
 "connections":{"Start":{"main":[[{"node":"Fields","type":"main","index":0}]]},"Fields":{"main":[[{"node":"Log","type":"main","index":0}]]}},
 "settings":{"executionOrder":"v1"}}`

func TestRunPrintsATablePerNode(t *testing.T) {
	path := writeFile(t, "small.json", []byte(smallWorkflow))
	r := runWorkflowCLI(t, "run", path)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"NODE", "ITEMS IN", "Start", "Fields", "Log", "small: success"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "[Log] info: items 1") {
		t.Errorf("console.log not shown: %q", r.stderr)
	}
	items := writeFile(t, "items.json", []byte(`[{"name":"ada"},{"name":"grace"}]`))
	r = runWorkflowCLI(t, "run", path, "--json", "--input", items)
	if r.code != exitOK || !strings.Contains(r.stdout, `"greeting": "hello grace"`) {
		t.Errorf("--input: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestRunExitCodes(t *testing.T) {
	failing := strings.Replace(smallWorkflow, `console.log('items', $input.all().length); return $input.all();`, `throw new Error('no luck')`, 1)
	r := runWorkflowCLI(t, "run", writeFile(t, "f.json", []byte(failing)))
	if r.code != exitFailed || !strings.Contains(r.stderr, "no luck") {
		t.Errorf("failing workflow: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runWorkflowCLI(t, "run", writeFile(t, "bad.json", []byte(`{"nodes": [`)))
	if r.code != exitUsage {
		t.Errorf("unparseable file: exit %d, want %d (%s)", r.code, exitUsage, r.stderr)
	}
	unknown := strings.Replace(smallWorkflow, "n8n-nodes-base.set", "n8n-nodes-base.sett", 1)
	r = runWorkflowCLI(t, "run", writeFile(t, "u.json", []byte(unknown)))
	if r.code != exitUsage || !strings.Contains(r.stderr, "n8n-nodes-base.sett") {
		t.Errorf("unknown node type: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runWorkflowCLI(t, "run", filepath.Join(t.TempDir(), "missing.json"))
	if r.code != exitUsage {
		t.Errorf("missing file: exit %d", r.code)
	}
}

func TestValidate(t *testing.T) {
	r := runWorkflowCLI(t, "validate", writeFile(t, "ok.json", []byte(smallWorkflow)))
	if r.code != exitOK || !strings.Contains(r.stdout, "valid") {
		t.Errorf("valid workflow: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	bad := strings.Replace(smallWorkflow, "n8n-nodes-base.set", "n8n-nodes-base.sett", 1)
	bad = strings.Replace(bad, `"name":"Log"`, `"name":"Fields"`, 1)
	r = runWorkflowCLI(t, "validate", writeFile(t, "bad.json", []byte(bad)))
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != exitFailed || len(lines) < 2 {
		t.Fatalf("exit %d, want %d with a line per problem:\n%s", r.code, exitFailed, r.stdout)
	}
	if !strings.Contains(r.stdout, `unknown node type "n8n-nodes-base.sett"`) || !strings.Contains(r.stdout, `duplicate node name "Fields"`) {
		t.Errorf("problems do not name the node and field:\n%s", r.stdout)
	}
	r = runWorkflowCLI(t, "validate", writeFile(t, "garbage.json", []byte(`{"nodes": 5}`)))
	if r.code != exitFailed || r.stdout == "" {
		t.Errorf("malformed workflow: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestNodes(t *testing.T) {
	r := runWorkflowCLI(t, "nodes")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"n8n-nodes-base.set", "3.4", "n8n-nodes-base.merge", "n8n-nodes-base.splitInBatches"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("weft nodes lacks %q", want)
		}
	}
	r = runWorkflowCLI(t, "nodes", "--json")
	var specs []nodes.Spec
	if err := json.Unmarshal([]byte(r.stdout), &specs); err != nil || len(specs) < 20 {
		t.Fatalf("weft nodes --json: %v, %d specs", err, len(specs))
	}
}

// TestNodeDocsAreCurrent checks that docs/nodes.md is what the specs
// generate.
func TestNodeDocsAreCurrent(t *testing.T) {
	r := runWorkflowCLI(t, "nodes", "--markdown")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	have, err := os.ReadFile(filepath.Join("..", "..", "docs", "nodes.md"))
	if err != nil {
		t.Fatal(err)
	}
	if string(have) != r.stdout {
		t.Errorf("docs/nodes.md is out of date with the node specs: run `make docs`")
	}
}

func TestMigrate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	migrations, err := sqlstore.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	latest := migrations[len(migrations)-1].Version
	r := runCLI(t, "", "migrate", "--data", dir)
	if r.code != exitOK || !strings.Contains(r.stdout, "applied migration 0001") || !strings.Contains(r.stdout, fmt.Sprintf("sqlite schema at version %d", latest)) {
		t.Fatalf("first migrate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "weft.db")); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, "", "migrate", "--data", dir)
	if r.code != exitOK || strings.Contains(r.stdout, "applied") {
		t.Fatalf("second migrate applied again: %s", r.stdout)
	}
	r = runCLI(t, "", "migrate", "--postgres", "postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
	if r.code != exitFailed || !strings.Contains(r.stderr, "connecting to postgres") {
		t.Fatalf("unreachable Postgres: exit %d, %s", r.code, r.stderr)
	}
}

func TestServerRefusesNonLoopbackWithoutAuth(t *testing.T) {
	r := runCLI(t, "", "server", "--listen", "0.0.0.0:5678", "--data", t.TempDir())
	if r.code != exitUsage || !strings.Contains(r.stderr, "no authentication") || !strings.Contains(r.stderr, "--insecure-no-auth") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestServerRefusesAPublicURLItCannotBuildOn(t *testing.T) {
	for _, bad := range []string{"weft.example.com", "ftp://weft.example.com", "https://", "https://weft.example.com/?a=1", "https://weft.example.com/#x", "https://me:pw@weft.example.com"} {
		r := runCLI(t, "", "server", "--data", t.TempDir(), "--public-url", bad)
		if r.code != exitUsage || !strings.Contains(r.stderr, fmt.Sprintf("--public-url %q: want an absolute http or https URL", bad)) {
			t.Errorf("--public-url %s: exit %d, stderr %q", bad, r.code, r.stderr)
		}
	}
}

// TestServerServesTheAPI starts `weft server` on a free loopback port, saves
// and runs a workflow through the API, and stops the server.
func TestServerServesTheAPI(t *testing.T) {
	core := testmodules.Core(t)
	envOnce.Do(func() {
		os.Setenv(nodes.ModuleEnv, core)
		os.Setenv("WEFT_CACHE_DIR", cacheDir(t))
	})
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		c := cli{stdin: strings.NewReader(""), stdout: pw, stderr: io.Discard}
		done <- c.run(ctx, []string{"server", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--max-body", "64KiB"})
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("server printed nothing: %v", err)
	}
	go io.Copy(io.Discard, pr)
	f := strings.Fields(line)
	base := ""
	for _, w := range f {
		if strings.HasPrefix(w, "http://") {
			base = w
		}
	}
	if base == "" {
		t.Fatalf("no address in %q", line)
	}
	res, err := http.Post(base+"/api/v1/workflows", "application/json", strings.NewReader(smallWorkflow))
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("create through the server: %v %v", res, err)
	}
	var created struct{ ID string }
	json.NewDecoder(res.Body).Decode(&created)
	res.Body.Close()
	res, err = http.Post(base+"/api/v1/workflows/"+created.ID+"/run", "application/json", strings.NewReader(`{"items":[{"name":"ada"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"status":"success"`) || !strings.Contains(string(body), "hello ada") {
		t.Fatalf("run through the server: %d %s", res.StatusCode, body)
	}
	// A body over --max-body is refused with a problem document, whatever
	// the path, on the declared length alone. The request goes without
	// its body: the server answers and closes at once, and a client still
	// writing the body would see its write reset instead of the answer.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "POST /webhook/anything HTTP/1.1\r\nHost: weft\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 200<<10)
	res, err = http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 413 || !strings.Contains(string(body), "body_too_large") {
		t.Fatalf("oversized body: %d %s", res.StatusCode, body)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("server exited %d", code)
	}
}

// TestNodeRunCoreRoutingNode runs a node of the core module that passes
// its items on unchanged: without a host that resolves references, the
// output holds the items themselves.
func TestNodeRunCoreRoutingNode(t *testing.T) {
	core := testmodules.Core(t)
	task := filepath.Join(t.TempDir(), "task.json")
	doc := `{"abi":1,"node":{"name":"Pass","type":"n8n-nodes-base.noOp","typeVersion":1,"parameters":{}},"inputs":[[{"json":{"name":"ada"}},{"json":{"name":"grace"}}]],"context":{}}`
	if err := os.WriteFile(task, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runWorkflowCLI(t, "node", "run", core, "--input", task, "--json")
	if r.code != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	var out struct {
		Result struct {
			Outputs [][]struct {
				JSON struct{ Name string } `json:"json"`
			} `json:"outputs"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(out.Result.Outputs) != 1 || len(out.Result.Outputs[0]) != 2 || out.Result.Outputs[0][1].JSON.Name != "grace" {
		t.Fatalf("outputs = %+v", out.Result.Outputs)
	}
}

// TestNodeRunCoreFuel runs a Code task on the core module that needs more
// than the runtime's default fuel: without --fuel the core module gets its
// own default, and an explicit --fuel still applies.
func TestNodeRunCoreFuel(t *testing.T) {
	core := testmodules.Core(t)
	task := filepath.Join(t.TempDir(), "task.json")
	doc := `{"abi":1,"node":{"name":"Busy","type":"n8n-nodes-base.code","typeVersion":2,"parameters":{"jsCode":"let x = 0;\nfor (let i = 0; i < 100000; i++) x += i % 3;\nreturn [{json: {x}}];"}},"inputs":[[{"json":{}}]],"context":{}}`
	if err := os.WriteFile(task, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runWorkflowCLI(t, "node", "run", core, "--input", task); r.code != exitOK || !strings.Contains(r.stdout, `"x": 99999`) {
		t.Fatalf("default fuel: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if r := runWorkflowCLI(t, "node", "run", core, "--input", task, "--fuel", "1000000000"); r.code != exitLimit || !strings.Contains(r.stderr, "fuel exhausted") {
		t.Fatalf("--fuel 1e9: exit %d\nstderr: %s", r.code, r.stderr)
	}
}
