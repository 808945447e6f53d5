// Package nodes runs Weft's core nodes: the n8n node types built into the
// core module (nodes-wasm/core), a WebAssembly module that holds QuickJS, the
// n8n expression runtime and every core node. Expressions and Code nodes are
// evaluated inside that module only; no user JavaScript runs in this process.
//
// Core is the in-process engine.Dispatcher for workflows made of core nodes,
// and the node registry: the specs each node type declares once in the
// module, from which validation, `weft nodes` and docs come.
package nodes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
	"github.com/weftrun/weft/runtime"
)

// ModuleEnv names the environment variable that points at the core module.
const ModuleEnv = "WEFT_CORE_MODULE"

// DefaultFuel is the fuel budget of a core node task. The interpreter loop of
// a JavaScript engine charges far more units per operation than compiled
// code, so the core module gets a budget of its own: about 2 s of busy
// JavaScript on the reference machine (a counting loop burns 2–3·10^12 units
// a second there).
const DefaultFuel = 4_000_000_000_000

// InitFuel is the budget of the core module's start-up: creating the
// JavaScript engine, loading the bundle (Luxon included) and the warm-up.
const InitFuel = 100_000_000_000

// FuelSlice is the fuel the core module's tasks get between two refill
// calls, where the host checks the deadline: about 0.1 ms of a busy
// JavaScript loop, 0.5 ms of typical node code and at most about 100 ms of
// the engine's own C code (which charges about a unit an instruction). A
// node task on one item (some 3·10^7 units) then makes no refill call; the
// runtime's default slice, sized for compiled code, made 26 of them.
const FuelSlice = 250_000_000

// Spec is what a node type declares about itself.
type Spec struct {
	Type        string      `json:"type"`
	DisplayName string      `json:"displayName"`
	Description string      `json:"description,omitempty"`
	Versions    []float64   `json:"versions"`
	Trigger     bool        `json:"trigger,omitempty"`
	Inputs      int         `json:"inputs"`  // -1: depends on the parameters
	Outputs     *int        `json:"outputs"` // nil: depends on the parameters
	Parameters  []Parameter `json:"parameters"`
}

// Parameter is one parameter of a node type.
type Parameter struct {
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	Default     json.RawMessage   `json:"default,omitempty"`
	Options     []json.RawMessage `json:"options,omitempty"`
	Description string            `json:"description,omitempty"`
}

// Core is the loaded core module.
type Core struct {
	mod    *runtime.Module
	specs  []Spec
	byType map[string]*Spec
	limits runtime.Limits
	sleep  func(ctx context.Context, d time.Duration) error
	// readFile reads the sub-workflow files of Execute Workflow (source
	// localFile).
	readFile func(string) ([]byte, error)
	// handOff returns Wait nodes' waits and Execute Workflow nodes' runs
	// of sub-workflows to the dispatcher (runners: the control plane parks
	// the execution, and runs sub-workflows as executions).
	handOff bool
	// loadWorkflow finds a saved workflow by id for Execute Workflow
	// (source "database"); nil outside a server.
	loadWorkflow func(ctx context.Context, id string) (json.RawMessage, error)
	// compiled keeps compiled expressions and code per node.
	compiled compileCache
	// prep compiles hot nodes' expressions into the module's snapshot.
	prep preparer
	// record, when set, sees every node task's bytes as sent to the module.
	record func(node string, task []byte)
}

// Option configures a Core.
type Option func(*Core)

// WithLimits sets the limits of every node task; zero fields take the
// runtime's defaults, except Fuel, which defaults to DefaultFuel.
func WithLimits(l runtime.Limits) Option { return func(c *Core) { c.limits = l } }

// WithTaskRecorder calls f with every node task's bytes exactly as the
// module receives them (the task document, then any compiled code), before
// the call; f must not keep task. For measuring the module outside the
// runtime (scripts/core-instructions.sh).
func WithTaskRecorder(f func(node string, task []byte)) Option {
	return func(c *Core) { c.record = f }
}

// HandOff makes Run return what a control plane does better than a node
// task: a Wait node's waits, in NodeResult.Wait, so no runner slot is
// held while an execution waits (the control plane sleeps through short
// waits and parks the execution in the store for the others); and an
// Execute Workflow node's runs of sub-workflows, in NodeResult.SubRun
// (saved ones by id, the others as checked documents), so each is an
// execution of its own, recorded, listed and able to wait. Call it before
// the core runs any task.
func (c *Core) HandOff() { c.handOff = true }

// SetWorkflowLoader sets how Execute Workflow finds a saved workflow by
// id (source "database"). Call it before the core runs any task.
func (c *Core) SetWorkflowLoader(f func(ctx context.Context, id string) (json.RawMessage, error)) {
	c.loadWorkflow = f
}

// WithSleep replaces how the Wait node waits (tests).
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Core) { c.sleep = f }
}

// FindModule returns the path of the core module: $WEFT_CORE_MODULE, else
// nodes/core.wasm next to the running executable (bin/weft finds
// bin/nodes/core.wasm), else bin/nodes/core.wasm under the working directory.
func FindModule() (string, error) {
	if p := os.Getenv(ModuleEnv); p != "" {
		return p, nil
	}
	var tried []string
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), "nodes", "core.wasm")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		tried = append(tried, p)
	}
	p := filepath.Join("bin", "nodes", "core.wasm")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	tried = append(tried, p)
	return "", fmt.Errorf("core module not found (looked for %s); build it with `make core` or set %s", strings.Join(tried, ", "), ModuleEnv)
}

// Load compiles the core module and reads its node specs.
func Load(ctx context.Context, eng *runtime.Engine, wasm []byte, opts ...Option) (*Core, error) {
	mod, err := eng.Load(ctx, wasm, runtime.WithInitFuel(InitFuel), runtime.WithModuleFuelSlice(FuelSlice))
	if err != nil {
		return nil, fmt.Errorf("core module: %w", err)
	}
	c := &Core{mod: mod, sleep: engine.Sleep, readFile: os.ReadFile}
	for _, o := range opts {
		o(c)
	}
	if c.limits.Fuel == 0 {
		c.limits.Fuel = DefaultFuel
	}
	var res struct {
		Specs []Spec         `json:"specs"`
		Error *api.NodeError `json:"error"`
	}
	if err := c.call(ctx, "weft.specs", nil, &res); err != nil {
		return nil, err
	}
	if res.Error != nil {
		return nil, fmt.Errorf("core module: reading node specs: %s", res.Error.Message)
	}
	c.specs = res.Specs
	sort.Slice(c.specs, func(i, j int) bool { return c.specs[i].Type < c.specs[j].Type })
	c.byType = make(map[string]*Spec, len(c.specs))
	for i := range c.specs {
		c.byType[c.specs[i].Type] = &c.specs[i]
	}
	return c, nil
}

// LoadFile reads and loads the core module at path.
func LoadFile(ctx context.Context, eng *runtime.Engine, path string, opts ...Option) (*Core, error) {
	wasm, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("core module: %w", err)
	}
	return Load(ctx, eng, wasm, opts...)
}

// Specs returns the node types, sorted by type.
func (c *Core) Specs() []Spec { return c.specs }

// call runs a module task of one of the weft.* types and decodes its result.
func (c *Core) call(ctx context.Context, typ string, params any, out any) error {
	p, err := json.Marshal(params)
	if err != nil {
		return err
	}
	task, err := json.Marshal(api.Task{ABI: api.ABIVersion, Node: api.Node{Name: typ, Type: typ, Parameters: p}, Inputs: [][]api.Item{{}}})
	if err != nil {
		return err
	}
	o, err := c.mod.Run(ctx, task, c.limits)
	if err != nil {
		return fmt.Errorf("core module: %s: %w", typ, err)
	}
	if err := json.Unmarshal(o.Result, out); err != nil {
		return fmt.Errorf("core module: %s: bad result: %w", typ, err)
	}
	return nil
}

// Lookup implements api.NodeTypes.
func (c *Core) Lookup(typ string, version float64) (api.NodeTypeInfo, error) {
	s, ok := c.byType[typ]
	if !ok {
		return api.NodeTypeInfo{}, &api.UnknownNodeTypeError{Type: typ}
	}
	if !slices.Contains(s.Versions, version) {
		return api.NodeTypeInfo{}, &api.UnsupportedVersionError{Type: typ, Version: version, Supported: s.Versions}
	}
	info := api.NodeTypeInfo{Inputs: s.Inputs, Trigger: s.Trigger}
	if s.Outputs != nil {
		n := *s.Outputs
		info.Outputs = func(json.RawMessage) int { return n }
	} else {
		info.Outputs = func(params json.RawMessage) int {
			d, err := c.describe(context.Background(), &api.WorkflowNode{Name: "node", Type: typ, TypeVersion: version, Parameters: params})
			if err != nil || d.Outputs < 1 {
				return 1
			}
			return d.Outputs
		}
	}
	return info, nil
}

type described struct {
	Name    string   `json:"name"`
	Known   bool     `json:"known"`
	Inputs  int      `json:"inputs"`
	Outputs int      `json:"outputs"`
	Problem []string `json:"problems"`
}

func (c *Core) describe(ctx context.Context, n *api.WorkflowNode) (*described, error) {
	params := n.Parameters
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	node := map[string]any{"name": n.Name, "type": n.Type, "typeVersion": n.TypeVersion, "parameters": params}
	var res struct {
		Nodes []described    `json:"nodes"`
		Error *api.NodeError `json:"error"`
	}
	if err := c.call(ctx, "weft.describe", map[string]any{"nodes": []any{node}}, &res); err != nil {
		return nil, err
	}
	if res.Error != nil {
		return nil, errors.New(res.Error.Message)
	}
	if len(res.Nodes) != 1 {
		return nil, errors.New("core module: weft.describe returned no node")
	}
	return &res.Nodes[0], nil
}

// NodeSpec is the executor's engine.SpecFunc for core nodes: Merge's
// waiting rules (engine.DefaultSpec) and the outputs every type declares.
func (c *Core) NodeSpec(n *api.WorkflowNode) engine.NodeSpec {
	spec := engine.DefaultSpec(n)
	if spec.Outputs == 0 {
		if s, ok := c.byType[n.Type]; ok && s.Outputs != nil {
			spec.Outputs = *s.Outputs
		}
	}
	return spec
}

// Executor returns an executor that runs workflows on this core module.
func (c *Core) Executor(opts ...engine.Option) *engine.Executor {
	return engine.New(c, append([]engine.Option{engine.WithSpec(c.NodeSpec)}, opts...)...)
}
