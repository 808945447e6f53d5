// Package conformance loads the n8n conformance cases (workflows with the run
// data real n8n produced) and compares a run's outcome with them by the
// cases' comparison rule: same status; same node names in run data; per node
// the same number of runs, outputs per run and items per output, each item's
// json deep-equal (key order ignored, numbers by value); for error cases also
// the failing node, its message and lastNodeExecuted.
package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
)

// Case is one case file.
type Case struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Workflow    json.RawMessage `json:"workflow"`
	Expected    Outcome         `json:"expected"`
}

// Outcome is an execution reduced to what the comparison rule looks at.
type Outcome struct {
	Status           string               `json:"status"`
	RunData          map[string][]NodeRun `json:"runData"`
	LastNodeExecuted string               `json:"lastNodeExecuted,omitempty"`
	Error            *Error               `json:"error,omitempty"`
}

// NodeRun is one run of a node: the json of the items on each output.
type NodeRun struct {
	Outputs [][]json.RawMessage `json:"outputs"`
}

// Error names the failing node and its message.
type Error struct {
	Node    string `json:"node"`
	Message string `json:"message"`
}

// Load reads every *.json case in dir, sorted by name.
func Load(dir string) ([]Case, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	cases := make([]Case, 0, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var c Case
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// FromExecution reduces an execution to an Outcome. A run without data
// (the run that failed the execution) has no outputs.
func FromExecution(e *engine.Execution) Outcome {
	o := Outcome{Status: e.Status, LastNodeExecuted: e.LastNodeExecuted, RunData: map[string][]NodeRun{}}
	if e.Error != nil {
		o.Error = &Error{Node: e.Error.Node, Message: e.Error.Message}
	}
	for name, runs := range e.RunData {
		nr := make([]NodeRun, len(runs))
		for i := range runs {
			outs := runs[i].Outputs()
			nr[i].Outputs = make([][]json.RawMessage, len(outs))
			for k, items := range outs {
				nr[i].Outputs[k] = itemsJSON(items)
			}
		}
		o.RunData[name] = nr
	}
	return o
}

func itemsJSON(items []api.Item) []json.RawMessage {
	out := make([]json.RawMessage, len(items))
	for i, it := range items {
		out[i] = it.JSON
	}
	return out
}

// Compare returns the differences between want and got, empty when the
// comparison rule holds.
func Compare(want, got Outcome) []string {
	var diffs []string
	add := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	if want.Status != got.Status {
		add("status: want %q, got %q", want.Status, got.Status)
	}
	if want.Status == engine.StatusError {
		w, g := want.Error, got.Error
		switch {
		case w == nil:
		case g == nil:
			add("error: want node %q message %q, got none", w.Node, w.Message)
		default:
			if w.Node != g.Node {
				add("error node: want %q, got %q", w.Node, g.Node)
			}
			if w.Message != g.Message {
				add("error message: want %q, got %q", w.Message, g.Message)
			}
		}
		if want.LastNodeExecuted != got.LastNodeExecuted {
			add("lastNodeExecuted: want %q, got %q", want.LastNodeExecuted, got.LastNodeExecuted)
		}
	}
	names := map[string]bool{}
	for n := range want.RunData {
		names[n] = true
	}
	for n := range got.RunData {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		w, inW := want.RunData[n]
		g, inG := got.RunData[n]
		switch {
		case !inW:
			add("node %q ran but should not have", n)
			continue
		case !inG:
			add("node %q did not run", n)
			continue
		case len(w) != len(g):
			add("node %q: want %d runs, got %d", n, len(w), len(g))
			continue
		}
		for r := range w {
			wo, goOut := w[r].Outputs, g[r].Outputs
			if len(wo) != len(goOut) {
				add("node %q run %d: want %d outputs, got %d", n, r, len(wo), len(goOut))
				continue
			}
			for k := range wo {
				if len(wo[k]) != len(goOut[k]) {
					add("node %q run %d output %d: want %d items, got %d\n  want %s\n  got  %s", n, r, k, len(wo[k]), len(goOut[k]), brief(wo[k]), brief(goOut[k]))
					continue
				}
				for i := range wo[k] {
					if !equalJSON(wo[k][i], goOut[k][i]) {
						add("node %q run %d output %d item %d:\n  want %s\n  got  %s", n, r, k, i, wo[k][i], goOut[k][i])
					}
				}
			}
		}
	}
	return diffs
}

func brief(items []json.RawMessage) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = string(it)
	}
	s := "[" + strings.Join(parts, ", ") + "]"
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

func equalJSON(a, b json.RawMessage) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// NodeTypes returns the node types a case's workflow uses.
func (c *Case) NodeTypes() []string {
	var wf struct {
		Nodes []struct {
			Type string `json:"type"`
		} `json:"nodes"`
	}
	_ = json.Unmarshal(c.Workflow, &wf)
	seen := map[string]bool{}
	var out []string
	for _, n := range wf.Nodes {
		if !seen[n.Type] {
			seen[n.Type] = true
			out = append(out, n.Type)
		}
	}
	sort.Strings(out)
	return out
}
