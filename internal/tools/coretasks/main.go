// Command coretasks runs a workflow in process on the core module and
// writes each node task of its last run, byte for byte as the module
// receives it, to DIR/<node>.task. The workflow runs twice first, so the
// tasks carry the compiled code a warm node's tasks carry; DIR/<node>.prepare
// is the weft.prepare task the Core sends once the node turned hot.
// scripts/core-instructions.sh counts the native instructions of such
// tasks.
//
//	go run ./internal/tools/coretasks -workflow wf.json -item '{"n":1}' -out DIR
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/runtime"
)

func main() {
	wfPath := flag.String("workflow", "", "n8n workflow export to run from its first trigger")
	item := flag.String("item", `{}`, "JSON of the one item the trigger starts with")
	out := flag.String("out", "", "directory to write <node>.task files to")
	flag.Parse()
	if *wfPath == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: coretasks -workflow FILE [-item JSON] -out DIR")
		os.Exit(2)
	}
	if err := run(*wfPath, *item, *out); err != nil {
		fmt.Fprintln(os.Stderr, "coretasks:", err)
		os.Exit(1)
	}
}

func run(wfPath, item, out string) error {
	doc, err := os.ReadFile(wfPath)
	if err != nil {
		return err
	}
	wf, err := api.ParseWorkflow(doc)
	if err != nil {
		return fmt.Errorf("%s: %w", wfPath, err)
	}
	if !json.Valid([]byte(item)) {
		return fmt.Errorf("-item is not JSON: %s", item)
	}
	ctx := context.Background()
	eng, err := runtime.NewEngine(ctx, runtime.NewConfig())
	if err != nil {
		return err
	}
	defer eng.Close(ctx)
	path, err := nodes.FindModule()
	if err != nil {
		return err
	}
	var mu sync.Mutex
	tasks := map[string][]byte{}
	core, err := nodes.LoadFile(ctx, eng, path, nodes.WithTaskRecorder(func(node string, task []byte) {
		mu.Lock()
		tasks[node] = append([]byte(nil), task...)
		mu.Unlock()
	}))
	if err != nil {
		return err
	}
	start := [][]api.Item{{{JSON: json.RawMessage(item)}}}
	for range 3 {
		clear(tasks)
		e, err := core.Executor().Run(ctx, wf, engine.StartOptions{StartData: start})
		if err != nil {
			return err
		}
		if e.Status != engine.StatusSuccess {
			return fmt.Errorf("the workflow ended %s: %v", e.Status, e.Error)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for node, task := range tasks {
		if err := os.WriteFile(filepath.Join(out, node+".task"), task, 0o644); err != nil {
			return err
		}
		fmt.Println(filepath.Join(out, node+".task"))
	}
	// What the Core sends once a node turned hot (nodes/prepare.go).
	for _, n := range wf.Nodes {
		if _, ok := tasks[n.Name]; !ok {
			continue
		}
		prep := nodes.PrepareTask([]json.RawMessage{n.Parameters})
		if err := os.WriteFile(filepath.Join(out, n.Name+".prepare"), prep, 0o644); err != nil {
			return err
		}
	}
	return nil
}
