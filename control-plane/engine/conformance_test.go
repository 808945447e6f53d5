package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
)

// conformanceCase is a conformance case file (api/testdata/conformance).
type conformanceCase struct {
	Name     string          `json:"name"`
	Workflow json.RawMessage `json:"workflow"`
	Expected struct {
		Status  string `json:"status"`
		RunData map[string][]struct {
			Outputs [][]json.RawMessage `json:"outputs"`
		} `json:"runData"`
		LastNodeExecuted string `json:"lastNodeExecuted"`
		Error            *struct {
			Node    string `json:"node"`
			Message string `json:"message"`
		} `json:"error"`
	} `json:"expected"`
}

// replaySkip lists cases the replay cannot stand in for: their node routes
// items to an error output, which the executor computes from items a node
// returns in a shape the expected data no longer shows. Dedicated tests
// (TestContinueErrorOutput) cover them.
var replaySkip = map[string]bool{
	"035-onerror-continue-error-output": true,
	"048-onerror-code-error-output":     true,
}

// replayDispatcher answers every node run with the outputs n8n recorded for
// it, and checks that the inputs the executor assembled are the outputs n8n
// recorded for the source runs. The executor alone then decides which nodes
// run, how often, in which order, and what disabled, pinned and trigger
// nodes output.
type replayDispatcher struct {
	c    *conformanceCase
	errs []string
}

// Run implements Dispatcher.
func (d *replayDispatcher) Run(_ context.Context, t *NodeTask) (*NodeResult, error) {
	runs := d.c.Expected.RunData[t.Node.Name]
	if t.RunIndex >= len(runs) {
		return nil, fmt.Errorf("unexpected run %d of %q", t.RunIndex, t.Node.Name)
	}
	for k, src := range t.Source {
		if src == nil || k >= len(t.Inputs) {
			continue
		}
		want := d.c.Expected.RunData[src.PreviousNode][src.PreviousNodeRun].Outputs[src.PreviousNodeOutput]
		if t.Node.ExecuteOnce && len(want) > 1 {
			want = want[:1]
		}
		if got := jsonList(t.Inputs[k]); !reflect.DeepEqual(got, rawList(want)) {
			d.errs = append(d.errs, fmt.Sprintf("%s run %d input %d: got %v, want %v", t.Node.Name, t.RunIndex, k, got, rawList(want)))
		}
	}
	run := runs[t.RunIndex]
	if e := d.c.Expected.Error; e != nil && e.Node == t.Node.Name && len(run.Outputs) == 0 {
		return &NodeResult{Error: &NodeError{Message: e.Message}}, nil
	}
	outs := make([][]api.Item, len(run.Outputs))
	for i, o := range run.Outputs {
		outs[i] = []api.Item{}
		for _, js := range o {
			outs[i] = append(outs[i], api.Item{JSON: js})
		}
	}
	return &NodeResult{Outputs: outs}, nil
}

// jsonList decodes the json of items.
func jsonList(items []api.Item) []any {
	out := []any{}
	for _, it := range items {
		var v any
		_ = json.Unmarshal(it.JSON, &v)
		out = append(out, v)
	}
	return out
}

// rawList decodes raw JSON values.
func rawList(raws []json.RawMessage) []any {
	out := []any{}
	for _, r := range raws {
		var v any
		_ = json.Unmarshal(r, &v)
		out = append(out, v)
	}
	return out
}

// TestConformanceReplay runs every conformance case against the replay
// dispatcher and compares the execution with what n8n produced, by the
// README's comparison rule.
func TestConformanceReplay(t *testing.T) {
	dir := os.Getenv("WEFT_CONFORMANCE_CASES")
	if dir == "" {
		// The project's copy of ../shared/conformance/cases.
		dir = filepath.Join("..", "..", "api", "testdata", "conformance")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 48 {
		t.Fatalf("%d conformance cases in %s, want all 48", len(files), dir)
	}
	for _, file := range files {
		var c conformanceCase
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if replaySkip[c.Name] {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			wf, err := api.ParseWorkflow(c.Workflow)
			if err != nil {
				t.Fatal(err)
			}
			d := &replayDispatcher{c: &c}
			ex, err := New(d, WithSleep(recordSleep(new([]time.Duration)))).Run(context.Background(), wf, StartOptions{})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			for _, e := range d.errs {
				t.Error(e)
			}
			compareExecution(t, &c, ex)
		})
	}
}

// compareExecution applies the conformance comparison rule.
func compareExecution(t *testing.T, c *conformanceCase, ex *Execution) {
	t.Helper()
	exp := c.Expected
	if ex.Status != exp.Status {
		t.Errorf("status %q, want %q (error %+v)", ex.Status, exp.Status, ex.Error)
	}
	var got, want []string
	for n := range ex.RunData {
		got = append(got, n)
	}
	for n := range exp.RunData {
		want = append(want, n)
	}
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("nodes %v, want %v (order %v)", got, want, runOrder(ex))
	}
	for name, runs := range exp.RunData {
		if len(ex.RunData[name]) != len(runs) {
			t.Errorf("%s: %d runs, want %d", name, len(ex.RunData[name]), len(runs))
			continue
		}
		for i, r := range runs {
			w := []any{}
			for _, o := range r.Outputs {
				w = append(w, rawList(o))
			}
			if g := plainOutputs(ex.RunData[name][i].Outputs()); !reflect.DeepEqual(g, w) {
				t.Errorf("%s run %d outputs %v, want %v", name, i, g, w)
			}
		}
	}
	if exp.Status == StatusError {
		if ex.Error == nil || ex.Error.Node != exp.Error.Node || ex.Error.Message != exp.Error.Message {
			t.Errorf("error %+v, want %+v", ex.Error, exp.Error)
		}
		if ex.LastNodeExecuted != exp.LastNodeExecuted {
			t.Errorf("lastNodeExecuted %q, want %q", ex.LastNodeExecuted, exp.LastNodeExecuted)
		}
	}
}
