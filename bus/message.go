package bus

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
)

// Task is one node run as it travels to a runner.
type Task struct {
	// ID is execution/node/run/try, unique per attempt; it is the
	// Nats-Msg-Id of the task and of its result.
	ID          string `json:"id"`
	ExecutionID string `json:"executionId"`
	Mode        string `json:"mode,omitempty"`
	// PublicURL is engine.NodeTask.PublicURL.
	PublicURL string `json:"publicUrl,omitempty"`
	// Workflow is the key of the workflow document in the workflows
	// bucket (WorkflowKey).
	Workflow string `json:"workflow"`
	Node     string `json:"node"`
	// Inputs holds one list per input; null for an input without data.
	Inputs [][]api.Item `json:"inputs"`
	// ConnectionInput is absent when it is the first input.
	ConnectionInput []api.Item          `json:"connectionInput,omitempty"`
	RunIndex        int                 `json:"runIndex"`
	Try             int                 `json:"try,omitempty"`
	Source          []*engine.SourceRef `json:"source,omitempty"`
	// RunData holds the runs the node's expressions may read (outputs and
	// source only); absent when the node reads no other node.
	RunData    map[string][]engine.TaskData `json:"runData,omitempty"`
	NodeState  json.RawMessage              `json:"nodeState,omitempty"`
	StaticData json.RawMessage              `json:"staticData,omitempty"`
	// PayloadRef names the blob holding Inputs, ConnectionInput, RunData
	// and NodeState when they were too large for the message.
	PayloadRef string `json:"payloadRef,omitempty"`
}

// Result is what a runner sends back for a Task.
type Result struct {
	ID          string          `json:"id"`
	ExecutionID string          `json:"executionId"`
	Outputs     [][]api.Item    `json:"outputs"`
	Error       *api.NodeError  `json:"error,omitempty"`
	NodeState   json.RawMessage `json:"nodeState,omitempty"`
	Logs        []api.LogEntry  `json:"logs,omitempty"`
	Response    json.RawMessage `json:"response,omitempty"`
	// Wait asks the control plane to pause the execution (Wait node).
	Wait *engine.Wait `json:"wait,omitempty"`
	// StaticData is the workflow's static data as the node left it.
	StaticData json.RawMessage `json:"staticData,omitempty"`
	// SubRun asks the control plane to run saved workflows as executions
	// (Execute Workflow); Outputs hold the items they take.
	SubRun *engine.SubRun `json:"subRun,omitempty"`
	// StartTime (Unix milliseconds) and ExecutionTime (milliseconds) time
	// the node's run on its runner.
	StartTime     int64 `json:"startTime,omitempty"`
	ExecutionTime int64 `json:"executionTime,omitempty"`
	// Failure is an infrastructure failure (the task could not be run at
	// all); the execution fails with it.
	Failure string `json:"failure,omitempty"`
	Runner  string `json:"runner,omitempty"`
	// PayloadRef names the blob holding Outputs, NodeState, Logs and
	// Response when they were too large for the message.
	PayloadRef string `json:"payloadRef,omitempty"`
}

// TaskID names one attempt of one node run.
func TaskID(executionID, node string, run, try int) string {
	return executionID + "/" + escapeName(node) + "/" + strconv.Itoa(run) + "/" + strconv.Itoa(try)
}

// escapeName keeps node names (which may hold any character) from
// breaking the ID's structure.
// TaskNode returns the name of the node a task ID of the execution runs;
// false when the ID is not one of that execution's.
func TaskNode(executionID, taskID string) (string, bool) {
	rest, ok := strings.CutPrefix(taskID, executionID+"/")
	if !ok {
		return "", false
	}
	name, _, ok := strings.Cut(rest, "/")
	if !ok {
		return "", false
	}
	return strings.NewReplacer("%2F", "/", "%25", "%").Replace(name), true
}

func escapeName(s string) string {
	if !strings.ContainsAny(s, "/%") {
		return s
	}
	return strings.NewReplacer("%", "%25", "/", "%2F").Replace(s)
}

// WorkflowKey is the bucket key of a workflow document: its SHA-256.
func WorkflowKey(doc []byte) string {
	h := sha256.Sum256(doc)
	return hex.EncodeToString(h[:])
}

// NewTask turns an executor's task into a message.
func NewTask(t *engine.NodeTask, workflowKey string, withRunData bool) *Task {
	m := &Task{
		ID:          TaskID(t.ExecutionID, t.Node.Name, t.RunIndex, t.Try),
		ExecutionID: t.ExecutionID,
		Mode:        t.Mode,
		PublicURL:   t.PublicURL,
		Workflow:    workflowKey,
		Node:        t.Node.Name,
		Inputs:      t.Inputs,
		RunIndex:    t.RunIndex,
		Try:         t.Try,
		Source:      t.Source,
		NodeState:   t.NodeState,
		StaticData:  t.StaticData,
	}
	if len(t.Inputs) == 0 || !sameItems(t.Inputs[0], t.ConnectionInput) {
		m.ConnectionInput = t.ConnectionInput
	}
	if withRunData {
		m.RunData = map[string][]engine.TaskData{}
		for _, name := range t.RunData.Nodes() {
			runs := t.RunData.Runs(name)
			slim := make([]engine.TaskData, len(runs))
			for i, r := range runs {
				slim[i] = engine.TaskData{Data: r.Data, Source: r.Source, ExecutionStatus: r.ExecutionStatus}
			}
			m.RunData[name] = slim
		}
	}
	return m
}

func sameItems(a, b []api.Item) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// NodeTask rebuilds the executor's task from a message and the workflow
// it names.
func (m *Task) NodeTask(wf *api.Workflow) (*engine.NodeTask, error) {
	node := wf.NodeByName(m.Node)
	if node == nil {
		return nil, fmt.Errorf("task %s: node %q is not in workflow %s", m.ID, m.Node, m.Workflow)
	}
	t := &engine.NodeTask{
		ExecutionID:     m.ExecutionID,
		Mode:            m.Mode,
		PublicURL:       m.PublicURL,
		Workflow:        wf,
		Node:            node,
		Inputs:          m.Inputs,
		ConnectionInput: m.ConnectionInput,
		RunIndex:        m.RunIndex,
		Try:             m.Try,
		Source:          m.Source,
		RunData:         engine.NewRunDataView(m.RunData),
		NodeState:       m.NodeState,
		StaticData:      m.StaticData,
	}
	if t.ConnectionInput == nil {
		for _, in := range t.Inputs {
			if len(in) > 0 {
				t.ConnectionInput = in
				break
			}
		}
	}
	return t, nil
}

// NewResult turns a node's result into a message.
func NewResult(m *Task, r *engine.NodeResult, runner string) *Result {
	return &Result{
		ID: m.ID, ExecutionID: m.ExecutionID, Outputs: r.Outputs, Error: r.Error,
		NodeState: r.NodeState, Logs: r.Logs, Response: r.Response, Wait: r.Wait, StaticData: r.StaticData, SubRun: r.SubRun, Runner: runner,
		StartTime: r.StartTime, ExecutionTime: r.ExecutionTime,
	}
}

// ErrTaskFailed wraps a Result's Failure.
var ErrTaskFailed = errors.New("task failed")

// NodeResult turns a result message back into the executor's result; a
// Failure becomes an error.
func (r *Result) NodeResult() (*engine.NodeResult, error) {
	if r.Failure != "" {
		return nil, fmt.Errorf("%w: %s", ErrTaskFailed, r.Failure)
	}
	return &engine.NodeResult{Outputs: r.Outputs, Error: r.Error, NodeState: r.NodeState, Logs: r.Logs, Response: r.Response, Wait: r.Wait, StaticData: r.StaticData, SubRun: r.SubRun,
		StartTime: r.StartTime, ExecutionTime: r.ExecutionTime}, nil
}

// workflowEnvelope is a workflow as the workflows bucket keeps it: the
// n8n document and the identity the store gave it ($workflow.id).
type workflowEnvelope struct {
	ID       string          `json:"id"`
	Workflow json.RawMessage `json:"workflow"`
}

// EncodeWorkflow is the bucket value of a workflow document; WorkflowKey
// of it is its key.
func EncodeWorkflow(id string, doc json.RawMessage) ([]byte, error) {
	return json.Marshal(workflowEnvelope{ID: id, Workflow: doc})
}

// DecodeWorkflow parses a bucket value.
func DecodeWorkflow(b []byte) (*api.Workflow, error) {
	var env workflowEnvelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("bad workflow envelope: %w", err)
	}
	wf, err := api.ParseWorkflow(env.Workflow)
	if err != nil {
		return nil, err
	}
	wf.ID = env.ID
	return wf, nil
}
