package orchestrator

import (
	"testing"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/store"
)

// TestErrorWorkflowOf checks which workflow handles a failure, by n8n's
// rules.
func TestErrorWorkflowOf(t *testing.T) {
	plain := &api.Workflow{}
	named := &api.Workflow{Settings: api.Settings{ErrorWorkflow: "handler"}}
	self := &api.Workflow{Settings: api.Settings{ErrorWorkflow: "wf"}}
	trigger := &api.Workflow{Nodes: []api.WorkflowNode{{Name: "On error", Type: ErrorTriggerType}}}
	disabled := &api.Workflow{Nodes: []api.WorkflowNode{{Name: "On error", Type: ErrorTriggerType, Disabled: true}}}
	cases := []struct {
		name, mode string
		wf         *api.Workflow
		want       string
	}{
		{"named, from a webhook", "webhook", named, "handler"},
		{"named, from a schedule", "trigger", named, "handler"},
		{"named, from a retry", "retry", named, "handler"},
		{"named, from a manual run", "manual", named, ""},
		{"none named, no Error Trigger", "webhook", plain, ""},
		{"none named, its own Error Trigger", "webhook", trigger, "wf"},
		{"none named, its own Error Trigger, failing as an error workflow", "error", trigger, ""},
		{"none named, a disabled Error Trigger", "webhook", disabled, ""},
		{"itself named", "webhook", self, "wf"},
		{"itself named, failing as an error workflow", "error", self, ""},
		{"another named, failing as an error workflow", "error", named, "handler"},
	}
	for _, c := range cases {
		e := &store.Execution{WorkflowID: "wf", Mode: c.mode}
		if got := errorWorkflowOf(e, c.wf); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
