// Command coretasks runs a workflow in process on the core module and
// writes each node task of its last run, byte for byte as the module
// receives it, to DIR/<node>.task. The workflow runs twice first, so the
// tasks carry the compiled code a warm node's tasks carry. Then it waits
// for the Core to prepare the nodes (nodes/prepare.go) and writes the
// weft.prepare tasks it sent to DIR/prepare-N and each node's task after
// that to DIR/<node>.prepared.
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
	"time"

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
	var prepares [][]byte
	core, err := nodes.LoadFile(ctx, eng, path, nodes.WithTaskRecorder(func(node string, task []byte) {
		mu.Lock()
		defer mu.Unlock()
		if node == "weft.prepare" {
			prepares = append(prepares, append([]byte(nil), task...))
			return
		}
		tasks[node] = append([]byte(nil), task...)
	}))
	if err != nil {
		return err
	}
	start := [][]api.Item{{{JSON: json.RawMessage(item)}}}
	runOnce := func() error {
		mu.Lock()
		clear(tasks)
		mu.Unlock()
		e, err := core.Executor().Run(ctx, wf, engine.StartOptions{StartData: start})
		if err != nil {
			return err
		}
		if e.Status != engine.StatusSuccess {
			return fmt.Errorf("the workflow ended %s: %v", e.Status, e.Error)
		}
		return nil
	}
	for range 3 {
		if err := runOnce(); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	write := func(name string, b []byte) error {
		fmt.Println(filepath.Join(out, name))
		return os.WriteFile(filepath.Join(out, name), b, 0o644)
	}
	mu.Lock()
	for node, task := range tasks {
		if err := write(node+".task", task); err != nil {
			mu.Unlock()
			return err
		}
	}
	mu.Unlock()
	// Once the Core prepared the nodes (nodes/prepare.go): their tasks,
	// and what it sent to prepare them, in order.
	for rounds := 0; ; {
		time.Sleep(300 * time.Millisecond)
		now, failed := core.PrepareRounds()
		if failed > 0 {
			return fmt.Errorf("%d rounds of preparing failed", failed)
		}
		if now == rounds {
			break
		}
		rounds = now
	}
	if err := runOnce(); err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	for node, task := range tasks {
		if err := write(node+".prepared", task); err != nil {
			return err
		}
	}
	for i, p := range prepares {
		if err := write(fmt.Sprintf("prepare-%d", i+1), p); err != nil {
			return err
		}
	}
	return nil
}
