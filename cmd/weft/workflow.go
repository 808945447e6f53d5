package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/runtime"
)

// loadCore loads the core module (nodes.FindModule) on an engine with the
// CLI's compile cache. The returned function closes the engine.
func loadCore(ctx context.Context) (*nodes.Core, func(), error) {
	path, err := nodes.FindModule()
	if err != nil {
		return nil, nil, err
	}
	eng, err := runtime.NewEngine(ctx, engineConfig())
	if err != nil {
		return nil, nil, err
	}
	closeEngine := func() { _ = eng.Close(context.WithoutCancel(ctx)) }
	core, err := nodes.LoadFile(ctx, eng, path)
	if err != nil {
		closeEngine()
		return nil, nil, err
	}
	return core, closeEngine, nil
}

// readWorkflow reads and parses a workflow file ("-" for standard input).
func (c cli) readWorkflow(path string) (*api.Workflow, error) {
	data, err := c.readFileOrStdin(path)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	wf, err := api.ParseWorkflow(data)
	if err != nil {
		return nil, fail(exitUsage, "%s: %v", path, err)
	}
	return wf, nil
}

// readFileOrStdin reads a file, or standard input for "-".
func (c cli) readFileOrStdin(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(c.stdin)
	}
	return os.ReadFile(path)
}

// runOutput is what `weft run --json` prints.
type runOutput struct {
	Status           string                       `json:"status"`
	Error            *engine.ExecError            `json:"error,omitempty"`
	LastNodeExecuted string                       `json:"lastNodeExecuted,omitempty"`
	RunData          map[string][]engine.TaskData `json:"runData"`
	Logs             []engine.LogEntry            `json:"logs,omitempty"`
}

func (c cli) workflowRun(ctx context.Context, args []string) error {
	fs := c.flagSet("run")
	asJSON := fs.Bool("json", false, "print the execution as JSON: status, error, lastNodeExecuted and runData in n8n's shape")
	input := fs.String("input", "", "JSON file (or - for stdin) with the items to start with: an array of items or of plain objects")
	timeout := fs.Duration("timeout", 0, "stop the execution after this long (0: no limit)")
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: weft run WORKFLOW.json [--json] [--input FILE|-] [--timeout DUR]")
		fmt.Fprintln(c.stderr, "Runs the workflow from its Manual Trigger (or its first trigger). Exit 0 on success, 1 when the workflow failed, 2 when the file is invalid.")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fail(exitUsage, "run: want one workflow file, got %d arguments", len(pos))
	}
	wf, err := c.readWorkflow(pos[0])
	if err != nil {
		return err
	}
	var start [][]api.Item
	if *input != "" {
		items, err := c.readItems(*input)
		if err != nil {
			return err
		}
		start = [][]api.Item{items}
	}
	core, closeEngine, err := loadCore(ctx)
	if err != nil {
		return err
	}
	defer closeEngine()
	if errs := api.FatalErrors(core.Validate(ctx, wf)); len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(c.stderr, e)
		}
		if len(errs) == 1 {
			return fail(exitUsage, "%s: the workflow is invalid (1 problem)", pos[0])
		}
		return fail(exitUsage, "%s: the workflow is invalid (%d problems)", pos[0], len(errs))
	}
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	begin := time.Now()
	exec, err := core.Executor().Run(ctx, wf, engine.StartOptions{
		ExecutionID: strconv.FormatInt(time.Now().UnixNano(), 36),
		StartData:   start,
	})
	if exec == nil {
		return err
	}
	if exec.Status == engine.StatusSuccess && err != nil {
		exec.Status = engine.StatusError
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if e := enc.Encode(runOutput{Status: exec.Status, Error: exec.Error, LastNodeExecuted: exec.LastNodeExecuted, RunData: exec.RunData, Logs: exec.Logs}); e != nil {
			return e
		}
	} else {
		for _, l := range exec.Logs {
			fmt.Fprintf(c.stderr, "[%s] %s: %s\n", l.Node, l.Level, l.Message)
		}
		c.printRunTable(wf, exec, time.Since(begin))
	}
	switch {
	case err != nil && exec.Error == nil:
		return fail(exitFailed, "%v", err)
	case exec.Status != engine.StatusSuccess:
		msg := exec.Status
		if exec.Error != nil {
			msg = exec.Error.Message
			if exec.Error.Node != "" {
				msg = fmt.Sprintf("node %q: %s", exec.Error.Node, msg)
			}
		}
		return fail(exitFailed, "workflow failed: %s", msg)
	}
	return nil
}

// printRunTable prints one row per node that ran, in the order nodes first
// ran: runs, items in and out, time and status.
func (c cli) printRunTable(wf *api.Workflow, exec *engine.Execution, total time.Duration) {
	type row struct {
		name          string
		first         int
		runs, in, out int
		ms            int64
		status        string
		errMsg        string
	}
	var rows []row
	for name, runs := range exec.RunData {
		r := row{name: name, first: 1 << 30, runs: len(runs), status: "success"}
		for i := range runs {
			td := &runs[i]
			r.first = min(r.first, td.ExecutionIndex)
			r.ms += td.ExecutionTime
			for _, s := range td.Source {
				if s == nil {
					continue
				}
				if prev := exec.RunData[s.PreviousNode]; s.PreviousNodeRun < len(prev) {
					if outs := prev[s.PreviousNodeRun].Outputs(); s.PreviousNodeOutput < len(outs) {
						r.in += len(outs[s.PreviousNodeOutput])
					}
				}
			}
			for _, o := range td.Outputs() {
				r.out += len(o)
			}
			if td.ExecutionStatus != "" && td.ExecutionStatus != "success" {
				r.status = td.ExecutionStatus
				if td.Error != nil {
					r.errMsg = td.Error.Message
				}
			}
		}
		rows = append(rows, r)
	}
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && rows[j].first < rows[j-1].first; j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tRUNS\tITEMS IN\tITEMS OUT\tTIME\tSTATUS")
	for _, r := range rows {
		status := r.status
		if r.errMsg != "" {
			status += ": " + r.errMsg
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%dms\t%s\n", r.name, r.runs, r.in, r.out, r.ms, status)
	}
	_ = tw.Flush()
	summary := fmt.Sprintf("%s: %s in %s", wf.Name, exec.Status, total.Round(time.Millisecond))
	if exec.Error != nil {
		summary += fmt.Sprintf(" (node %q: %s)", exec.Error.Node, exec.Error.Message)
	}
	fmt.Fprintln(c.stdout, summary)
}

// readItems reads start items: an array of items ({"json": …}) or of plain
// objects, which become the items' json.
func (c cli) readItems(path string) ([]api.Item, error) {
	data, err := c.readFileOrStdin(path)
	if err != nil {
		return nil, fail(exitUsage, "%v", err)
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fail(exitUsage, "%s: want a JSON array of items: %v", path, err)
	}
	items := make([]api.Item, len(raw))
	for i, e := range raw {
		it, err := toItem(e)
		if err != nil {
			return nil, fail(exitUsage, "%s: item %d: %v", path, i, err)
		}
		items[i] = it
	}
	return items, nil
}

func (c cli) workflowValidate(ctx context.Context, args []string) error {
	fs := c.flagSet("validate")
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: weft validate WORKFLOW.json")
		fmt.Fprintln(c.stderr, "Prints every problem found, one per line; exit 1 if there is any.")
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fail(exitUsage, "validate: want one workflow file, got %d arguments", len(pos))
	}
	wf, err := c.readWorkflow(pos[0])
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) && !errors.Is(err, iofs.ErrNotExist) {
			fmt.Fprintln(c.stdout, ee.err)
			return &exitError{code: exitFailed}
		}
		return err
	}
	core, closeEngine, err := loadCore(ctx)
	if err != nil {
		return err
	}
	defer closeEngine()
	problems := core.Validate(ctx, wf)
	for _, p := range problems {
		fmt.Fprintln(c.stdout, p)
	}
	if n := len(api.FatalErrors(problems)); n > 0 {
		return &exitError{code: exitFailed}
	}
	if len(problems) == 0 {
		fmt.Fprintf(c.stdout, "%s: valid\n", pos[0])
	}
	return nil
}

func (c cli) nodeTypes(ctx context.Context, args []string) error {
	fs := c.flagSet("nodes")
	asJSON := fs.Bool("json", false, "print the node types' full specs as JSON")
	asMarkdown := fs.Bool("markdown", false, "print the node reference (docs/nodes.md) generated from the specs")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	core, closeEngine, err := loadCore(ctx)
	if err != nil {
		return err
	}
	defer closeEngine()
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(core.Specs())
	}
	if *asMarkdown {
		return nodes.WriteMarkdown(c.stdout, core.Specs())
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tVERSIONS\tNAME")
	for _, s := range core.Specs() {
		vs := make([]string, len(s.Versions))
		for i, v := range s.Versions {
			vs[i] = strconv.FormatFloat(v, 'f', -1, 64)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Type, strings.Join(vs, ", "), s.DisplayName)
	}
	return tw.Flush()
}
