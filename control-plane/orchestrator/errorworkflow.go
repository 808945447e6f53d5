package orchestrator

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/store"
)

// ErrorTriggerType is the node an error workflow starts from.
const ErrorTriggerType = "n8n-nodes-base.errorTrigger"

// errorPayload is n8n's input to an error workflow.
type errorPayload struct {
	Execution struct {
		ID               string          `json:"id"`
		URL              string          `json:"url,omitempty"`
		RetryOf          string          `json:"retryOf,omitempty"`
		Error            json.RawMessage `json:"error"`
		LastNodeExecuted string          `json:"lastNodeExecuted"`
		Mode             string          `json:"mode"`
	} `json:"execution"`
	Workflow struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"workflow"`
}

// errorWorkflowOf returns the workflow a failed execution's error workflow
// runs, by n8n's rules: none for a manual run (someone is watching it);
// settings.errorWorkflow, unless that is the workflow itself failing as
// an error workflow; otherwise the workflow itself when it has an Error
// Trigger node and did not fail as an error workflow.
func errorWorkflowOf(e *store.Execution, wf *api.Workflow) string {
	if e.Mode == "manual" {
		return ""
	}
	if e.WorkflowDoc != nil {
		// A sub-workflow given as a document is not the workflow it
		// belongs to: only its own setting names one.
		return wf.Settings.ErrorWorkflow
	}
	if t := wf.Settings.ErrorWorkflow; t != "" {
		if e.Mode == "error" && t == e.WorkflowID {
			return ""
		}
		return t
	}
	if e.Mode == "error" {
		return ""
	}
	for _, n := range wf.Nodes {
		if n.Type == ErrorTriggerType && !n.Disabled {
			return e.WorkflowID
		}
	}
	return ""
}

// startErrorWorkflow starts the failed execution's error workflow, as
// n8n does (errorWorkflowOf).
func (o *Orchestrator) startErrorWorkflow(e *store.Execution, wf *api.Workflow, exec *engine.Execution, errDoc json.RawMessage) {
	target := errorWorkflowOf(e, wf)
	if target == "" {
		return
	}
	ctx := context.WithoutCancel(o.base)
	lw, err := o.workflow(ctx, target, 0)
	if err != nil {
		o.logf("execution %s failed; its error workflow %s cannot be loaded: %v", e.ID, target, err)
		return
	}
	var start string
	for _, n := range lw.wf.Nodes {
		if n.Type == ErrorTriggerType && !n.Disabled {
			start = n.Name
			break
		}
	}
	if start == "" {
		o.logf("execution %s failed; its error workflow %s has no Error Trigger node", e.ID, target)
		return
	}
	var p errorPayload
	p.Execution.ID, p.Execution.RetryOf, p.Execution.Mode = e.ID, e.RetryOf, e.Mode
	p.Execution.URL = o.executionURL(e.ID)
	p.Execution.Error = errorDocument(exec, errDoc)
	if exec != nil {
		p.Execution.LastNodeExecuted = exec.LastNodeExecuted
	}
	p.Workflow.ID, p.Workflow.Name = e.WorkflowID, wf.Name
	item, err := json.Marshal(p)
	if err != nil {
		return
	}
	h, err := o.Start(ctx, StartRequest{WorkflowID: target, Mode: "error", StartNode: start, StartData: [][]api.Item{{{JSON: item}}}, ParentID: e.ID})
	if err != nil {
		o.logf("execution %s failed; starting its error workflow %s: %v", e.ID, target, err)
		return
	}
	o.logf("execution %s failed; error workflow %s started as execution %s", e.ID, target, h.ID)
}

// errorDocument is the error as n8n passes it: message, description and
// the failing node.
func errorDocument(exec *engine.Execution, errDoc json.RawMessage) json.RawMessage {
	if exec == nil || exec.Error == nil {
		if len(errDoc) > 0 {
			return errDoc
		}
		return json.RawMessage(`{"message":"unknown error"}`)
	}
	doc := map[string]any{"message": exec.Error.Message}
	if exec.Error.Description != "" {
		doc["description"] = exec.Error.Description
	}
	if exec.Error.Node != "" {
		doc["node"] = map[string]string{"name": exec.Error.Node}
	}
	b, _ := json.Marshal(doc)
	return b
}

// executionURL is where a person sees an execution through the API.
func (o *Orchestrator) executionURL(id string) string {
	if o.publicURL == "" {
		return ""
	}
	return fmt.Sprintf("%s/api/v1/executions/%s", o.publicURL, id)
}
