package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/runtime"
)

func (c cli) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	return fs
}

func (c cli) nodeRun(ctx context.Context, args []string) error {
	fs := c.flagSet("weft node run")
	input := fs.String("input", "", "task JSON or items array: a file, or - for standard input (default: one empty item)")
	fuel := fs.Uint64("fuel", 0, fmt.Sprintf("fuel budget in units (default %d; %d for the core module, whose JavaScript burns fuel faster)", runtime.DefaultFuel, nodes.DefaultFuel))
	memory := fs.String("memory", "", fmt.Sprintf("memory cap, e.g. 16MiB, 512KiB, 65536 (default %s)", runtime.FormatBytes(runtime.DefaultMemoryBytes)))
	timeout := fs.Duration("timeout", 0, fmt.Sprintf("wall-time budget (default %s)", runtime.DefaultTimeout))
	asJSON := fs.Bool("json", false, "print one JSON document with the result, fuel used, duration and logs")
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "Usage: weft node run MODULE.wasm [flags]\n\nRuns one task on a node module and prints its result.\nExit: 0 success, 1 node error or trap, 2 usage, 3 limit hit, 4 invalid module.\n\nFlags:")
		fs.PrintDefaults()
	}
	pos, err := oneModule(fs, args, "node run")
	if err != nil {
		return err
	}
	if *timeout < 0 {
		return fail(exitUsage, "--timeout must be positive, got %s", *timeout)
	}
	cfg := engineConfig()
	if *memory != "" {
		n, err := runtime.ParseBytes(*memory)
		if err != nil {
			return fail(exitUsage, "--memory: %v", err)
		}
		if n < 64<<10 {
			return fail(exitUsage, "--memory: %s is less than one 64 KiB page", *memory)
		}
		cfg = cfg.WithMemoryLimit(n)
	}
	wasm, err := os.ReadFile(pos[0])
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	task, err := c.readTask(*input, pos[0])
	if err != nil {
		return fail(exitUsage, "input: %v", err)
	}

	if *fuel == 0 && isCoreModule(pos[0]) {
		*fuel = nodes.DefaultFuel
	}
	mod, closeEngine, err := loadModule(ctx, cfg, wasm)
	if err != nil {
		return err
	}
	defer closeEngine()
	out, runErr := mod.Run(ctx, task, runtime.Limits{Fuel: *fuel, Timeout: *timeout})
	if runErr != nil {
		c.printLogs(out.Logs)
		return runtimeExit(runErr)
	}
	res, err := out.Decode()
	if err != nil {
		c.printLogs(out.Logs)
		return runtimeExit(err)
	}
	if *asJSON {
		doc := struct {
			Result     json.RawMessage `json:"result"`
			FuelUsed   uint64          `json:"fuelUsed"`
			DurationMs float64         `json:"durationMs"`
			Logs       []api.LogEntry  `json:"logs"`
		}{out.Result, out.FuelUsed, float64(out.Duration.Microseconds()) / 1000, append(res.Logs, out.Logs...)}
		if doc.Logs == nil {
			doc.Logs = []api.LogEntry{}
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return err
		}
	} else {
		var buf bytes.Buffer
		if err := json.Indent(&buf, out.Result, "", "  "); err != nil {
			return runtimeExit(&runtime.TrapError{Message: "result is not valid JSON: " + err.Error()})
		}
		buf.WriteByte('\n')
		if _, err := c.stdout.Write(buf.Bytes()); err != nil {
			return err
		}
		c.printLogs(append(res.Logs, out.Logs...))
		fmt.Fprintf(c.stderr, "fuel %d units, %s\n", out.FuelUsed, out.Duration.Round(time.Microsecond))
	}
	if res.Error != nil {
		msg := res.Error.Message
		if res.Error.Description != "" {
			msg += ": " + res.Error.Description
		}
		return fail(exitFailed, "node error: %s", msg)
	}
	return nil
}

// oneModule parses a node subcommand's flags and its single MODULE.wasm
// argument. The flag package has printed what is wrong with a flag already,
// so that error carries no message of its own.
func oneModule(fs *flag.FlagSet, args []string, cmd string) ([]string, error) {
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != 1 {
		fs.Usage()
		return nil, fail(exitUsage, "%s: want exactly one MODULE.wasm, got %d arguments", cmd, len(pos))
	}
	return pos, nil
}

func (c cli) printLogs(logs []api.LogEntry) {
	for _, l := range logs {
		fmt.Fprintf(c.stderr, "[%s] %s\n", l.Level, l.Message)
	}
}

// runtimeExit maps the runtime's typed errors to exit codes.
func runtimeExit(err error) error {
	var lim *runtime.LimitError
	var mod *runtime.ModuleError
	var trap *runtime.TrapError
	switch {
	case errors.As(err, &lim):
		return &exitError{code: exitLimit, err: err}
	case errors.As(err, &mod):
		return &exitError{code: exitInvalid, err: err}
	case errors.As(err, &trap):
		if trap.Stderr != "" {
			return &exitError{code: exitFailed, err: fmt.Errorf("%w\n%s", err, trap.Stderr)}
		}
		return &exitError{code: exitFailed, err: err}
	}
	return &exitError{code: exitFailed, err: err}
}

// readTask reads --input: a task document, or an items array wrapped into a
// task for input 0. Items may be n8n items ({"json": …}) or bare objects.
func (c cli) readTask(input, module string) ([]byte, error) {
	var raw []byte
	var err error
	switch input {
	case "":
		raw = []byte(`[{"json":{}}]`)
	case "-":
		raw, err = io.ReadAll(c.stdin)
	default:
		raw, err = os.ReadFile(input)
	}
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, errors.New("empty: want a task object or an items array")
	}
	if !json.Valid(raw) {
		var v any
		err := json.Unmarshal(raw, &v)
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	switch raw[0] {
	case '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return nil, err
		}
		items := make([]api.Item, len(elems))
		for i, e := range elems {
			if items[i], err = toItem(e); err != nil {
				return nil, fmt.Errorf("item %d: %v", i, err)
			}
		}
		name := strings.TrimSuffix(filepath.Base(module), filepath.Ext(module))
		return json.Marshal(api.Task{
			ABI:    api.ABIVersion,
			Node:   api.Node{Name: name, Type: name, TypeVersion: 1, Parameters: json.RawMessage(`{}`)},
			Inputs: [][]api.Item{items},
		})
	case '{':
		var probe struct {
			ABI    *int            `json:"abi"`
			Inputs json.RawMessage `json:"inputs"`
		}
		if err := json.Unmarshal(raw, &probe); err != nil {
			return nil, err
		}
		if probe.ABI != nil && *probe.ABI != api.ABIVersion {
			return nil, fmt.Errorf("task abi %d is not supported (this runtime speaks version %d)", *probe.ABI, api.ABIVersion)
		}
		if len(probe.Inputs) == 0 || probe.Inputs[0] != '[' {
			return nil, errors.New(`a task needs an "inputs" array of item arrays`)
		}
		if probe.ABI == nil {
			return append([]byte(`{"abi":1,`), raw[1:]...), nil
		}
		return raw, nil
	}
	return nil, errors.New("want a task object or an items array")
}

func toItem(e json.RawMessage) (api.Item, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(e, &obj); err != nil {
		return api.Item{}, errors.New("not a JSON object")
	}
	if j, ok := obj["json"]; ok && len(obj) <= 3 && (len(j) > 0 && j[0] == '{') {
		var it api.Item
		err := json.Unmarshal(e, &it)
		return it, err
	}
	return api.Item{JSON: e}, nil
}

func (c cli) nodeInspect(ctx context.Context, args []string) error {
	fs := c.flagSet("weft node inspect")
	asJSON := fs.Bool("json", false, "print the description as JSON")
	pos, err := oneModule(fs, args, "node inspect")
	if err != nil {
		return err
	}
	wasm, err := os.ReadFile(pos[0])
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	mod, closeEngine, err := loadModule(ctx, engineConfig(), wasm)
	if err != nil {
		return err
	}
	defer closeEngine()
	info := mod.Info()
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}
	w := c.stdout
	fmt.Fprintf(w, "digest   %s\nsize     %d bytes\nprofile  %s\n", info.Digest, info.Size, info.Profile)
	if info.Memory != nil {
		maxMem := "unbounded"
		if info.Memory.MaxBytes > 0 {
			maxMem = runtime.FormatBytes(info.Memory.MaxBytes)
		}
		fmt.Fprintf(w, "memory   %s initial, %s max (after the limit)\n", runtime.FormatBytes(info.Memory.MinBytes), maxMem)
	} else {
		fmt.Fprintln(w, "memory   none")
	}
	fmt.Fprintf(w, "imports  %d\n", len(info.Imports))
	for _, imp := range info.Imports {
		fmt.Fprintf(w, "  %s.%s (%s)\n", imp.Module, imp.Name, imp.Kind)
	}
	fmt.Fprintf(w, "exports  %d\n", len(info.Exports))
	for _, e := range info.Exports {
		fmt.Fprintf(w, "  %s\n", e)
	}
	return nil
}

// loadModule starts an engine and loads wasm on it. Load errors come back
// with their exit codes; the returned function closes the engine.
func loadModule(ctx context.Context, cfg runtime.Config, wasm []byte) (*runtime.Module, func(), error) {
	eng, err := runtime.NewEngine(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	closeEngine := func() { _ = eng.Close(context.WithoutCancel(ctx)) }
	mod, err := eng.Load(ctx, wasm)
	if err != nil {
		closeEngine()
		return nil, nil, runtimeExit(err)
	}
	return mod, closeEngine, nil
}

// engineConfig is the CLI's engine: compiled code cached on disk so a second
// run of a large module does not compile it again. WEFT_CACHE_DIR moves the
// cache; WEFT_CACHE_DIR=off disables it.
func engineConfig() runtime.Config {
	cfg := runtime.NewConfig()
	dir := os.Getenv("WEFT_CACHE_DIR")
	if dir == "" {
		if base, err := os.UserCacheDir(); err == nil {
			dir = filepath.Join(base, "weft", "compiled")
		}
	}
	if dir != "" && dir != "off" {
		cfg = cfg.WithCacheDir(dir)
	}
	return cfg
}

// isCoreModule reports whether path is the core module weft runs workflows
// with (nodes.FindModule).
func isCoreModule(path string) bool {
	core, err := nodes.FindModule()
	if err != nil {
		return false
	}
	a, errA := os.Stat(path)
	b, errB := os.Stat(core)
	return errA == nil && errB == nil && os.SameFile(a, b)
}
