package engine_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/internal/conformance"
	"github.com/weftrun/weft/internal/coretest"
	"github.com/weftrun/weft/nodes"
)

// knownFailures lists the conformance cases Weft does not reproduce yet, with
// the reason. They run like every other case and are reported as failing;
// the test fails if one of them starts passing, so the list stays true.
var knownFailures = map[string]string{}

// loadCore loads the core module once per test binary; the Wait node does
// not really wait.
func loadCore(t testing.TB) *nodes.Core { return coretest.Load(t) }

// TestCoreConformance runs every conformance case on the real core module
// and compares the outcome with what n8n produced.
func TestCoreConformance(t *testing.T) {
	core := loadCore(t)
	cases, err := conformance.Load("../../api/testdata/conformance")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 48 {
		t.Fatalf("found %d conformance cases, want 48", len(cases))
	}
	type tally struct{ pass, total int }
	byType := map[string]*tally{}
	var failed []string
	for _, c := range cases {
		diffs := runCase(t, core, &c)
		pass := len(diffs) == 0
		for _, typ := range c.NodeTypes() {
			if byType[typ] == nil {
				byType[typ] = &tally{}
			}
			byType[typ].total++
			if pass {
				byType[typ].pass++
			}
		}
		reason, known := knownFailures[c.Name]
		switch {
		case pass && known:
			t.Errorf("%s passes now: remove it from knownFailures", c.Name)
		case !pass && known:
			failed = append(failed, fmt.Sprintf("%s (known: %s)", c.Name, reason))
			t.Logf("FAIL %s (known failure: %s)\n%s", c.Name, reason, strings.Join(diffs, "\n"))
		case !pass:
			failed = append(failed, c.Name)
			t.Errorf("FAIL %s: %s\n%s", c.Name, c.Description, strings.Join(diffs, "\n"))
		}
	}
	types := make([]string, 0, len(byType))
	for typ := range byType {
		types = append(types, typ)
	}
	sort.Strings(types)
	var b strings.Builder
	fmt.Fprintf(&b, "conformance: %d of %d cases pass\n", len(cases)-len(failed), len(cases))
	for _, typ := range types {
		fmt.Fprintf(&b, "  %-40s %2d/%d\n", typ, byType[typ].pass, byType[typ].total)
	}
	for _, f := range failed {
		fmt.Fprintf(&b, "  failing: %s\n", f)
	}
	t.Log(b.String())
}

func runCase(t *testing.T, core *nodes.Core, c *conformance.Case) []string {
	t.Helper()
	wf, err := api.ParseWorkflow(c.Workflow)
	if err != nil {
		return []string{"parse: " + err.Error()}
	}
	if errs := api.FatalErrors(core.Validate(context.Background(), wf)); len(errs) > 0 {
		return []string{fmt.Sprintf("validate: %v", errs)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	exec, err := core.Executor().Run(ctx, wf, engine.StartOptions{ExecutionID: "1"})
	if err != nil {
		return []string{"run: " + err.Error()}
	}
	return conformance.Compare(c.Expected, conformance.FromExecution(exec))
}
