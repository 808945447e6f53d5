// Package coretest loads the real core module for tests outside package
// nodes, once per test binary, with a Wait node that does not really wait.
package coretest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/weftrun/weft/internal/testmodules"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/runtime"
)

var (
	once sync.Once
	core *nodes.Core
	err  error
)

// Load builds (through testmodules.Core) and loads the core module.
func Load(tb testing.TB) *nodes.Core {
	tb.Helper()
	path := testmodules.Core(tb)
	once.Do(func() {
		ctx := context.Background()
		eng, e := runtime.NewEngine(ctx, runtime.NewConfig())
		if e != nil {
			err = e
			return
		}
		core, err = nodes.LoadFile(ctx, eng, path, nodes.WithSleep(func(ctx context.Context, d time.Duration) error { return ctx.Err() }))
	})
	if err != nil {
		tb.Fatal(err)
	}
	return core
}
