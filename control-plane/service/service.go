// Package service assembles a control plane from its parts: the store, the
// bus (an embedded NATS server or a NATS URL), the orchestrator and, in the
// embedded mode, runners in the same process. `weft server` and `weft
// control-plane` are thin commands over it, and so are the tests that run
// the whole system.
package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/blob/gc"
	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/control-plane/internal/tick"
	"github.com/weftrun/weft/control-plane/metrics"
	"github.com/weftrun/weft/control-plane/orchestrator"
	"github.com/weftrun/weft/nodes"
	"github.com/weftrun/weft/runner"
	"github.com/weftrun/weft/store"
)

// Config describes a control plane.
type Config struct {
	// Store is the system of record, already migrated.
	Store store.Store
	// Core is the core module: the node specs the control plane validates
	// and plans with, and what in-process runners execute.
	Core *nodes.Core
	// NATSURL is the NATS server to use; empty starts an embedded one
	// storing in DataDir/nats.
	NATSURL string
	// DataDir holds the embedded NATS server's files.
	DataDir string
	// NATSListen makes the embedded NATS server accept TCP clients too
	// (host:port), so runners in other processes can join.
	NATSListen string
	// Runners is how many runners to start in this process (the embedded
	// mode starts one); RunnerConcurrency is each one's concurrency.
	Runners           int
	RunnerConcurrency int
	// Bus tunes streams and consumers.
	Bus bus.Config
	// Blobs keeps large payloads: task items and results above
	// PayloadThreshold bytes (default bus.DefaultPayloadThreshold), and
	// large run data. Nil with a DataDir opens DataDir/blobs.
	Blobs            blob.Store
	PayloadThreshold int
	// Owner names this control plane in leases (random when empty);
	// Lease is the lease length.
	Owner string
	Lease time.Duration
	// PublicURL is the URL users reach the server at; error workflows get
	// execution links on it (none when empty).
	PublicURL string
	// Alone says no other control plane shares the store: at start this
	// one takes over every running execution at once instead of waiting
	// for their leases to end.
	Alone bool
	// Logf reports problems; nil discards them.
	Logf func(format string, args ...any)
	// Retention says which finished executions to keep; zero fields keep
	// everything. Pruning runs every PruneEvery (default 10 s: each
	// pruning has less to delete, and spreads it thinner, than one a
	// minute).
	Retention  store.Retention
	PruneEvery time.Duration
	// BlobGCEvery is how often the blobs that stored data no longer
	// references are deleted from Blobs (default an hour; negative:
	// never), BlobGCGrace how long before a collection began such a blob
	// must have been stored for it to go (default gc.DefaultGrace). The
	// grace period must exceed the longest a task can wait in NATS for a
	// runner: the store does not reference its blobs yet.
	BlobGCEvery time.Duration
	BlobGCGrace time.Duration
}

// Service is a running control plane.
type Service struct {
	Store        store.Store
	Core         *nodes.Core
	Orchestrator *orchestrator.Orchestrator
	Remote       *orchestrator.Remote
	// NATS is the embedded server, nil with NATSURL.
	NATS *bus.Embedded
	// Runners are the in-process runners.
	Runners []*runner.Runner
	// Metrics are the control plane's metrics.
	Metrics *metrics.Registry
	// Blobs is the blob store, nil when there is none.
	Blobs blob.Store

	nc      *nats.Conn
	lookups *nats.Subscription
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	stopRun context.CancelFunc
	runWG   sync.WaitGroup
}

// RandomID returns a short random identifier for owners and runners.
func RandomID(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	host, _ := os.Hostname()
	if host == "" {
		host = "weft"
	}
	return prefix + "-" + host + "-" + hex.EncodeToString(b[:])
}

// Start starts a control plane. Close stops it.
func Start(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Core == nil {
		return nil, errors.New("service: a store and the core module are required")
	}
	if cfg.Owner == "" {
		cfg.Owner = RandomID("cp")
	}
	logf := cfg.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	s := &Service{Store: cfg.Store, Core: cfg.Core, Metrics: metrics.New()}
	var err error
	if cfg.Blobs == nil && cfg.DataDir != "" {
		if cfg.Blobs, err = blob.OpenDir(filepath.Join(cfg.DataDir, "blobs")); err != nil {
			return nil, fmt.Errorf("service: %w", err)
		}
	}
	if cfg.PayloadThreshold <= 0 {
		cfg.PayloadThreshold = bus.DefaultPayloadThreshold
	}
	s.Blobs = cfg.Blobs
	codec := bus.Codec{Blobs: cfg.Blobs, Threshold: cfg.PayloadThreshold}
	if u, ok := cfg.Store.(interface{ UseBlobs(blob.Store, int) }); ok && cfg.Blobs != nil {
		u.UseBlobs(cfg.Blobs, cfg.PayloadThreshold)
	}
	if cfg.NATSURL == "" {
		// In process, the store is the only record that matters: a crash
		// takes NATS down with the control plane, which then resumes
		// every execution from the store and republishes its tasks.
		cfg.Bus.Memory = true
		if cfg.DataDir == "" {
			return nil, errors.New("service: the embedded NATS server needs a data directory")
		}
		dir := filepath.Join(cfg.DataDir, "nats")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("service: %w", err)
		}
		if s.NATS, err = bus.StartEmbedded(bus.EmbeddedOptions{StoreDir: dir, Listen: cfg.NATSListen}); err != nil {
			return nil, err
		}
		s.nc, err = s.NATS.Connect(cfg.Owner)
	} else {
		s.nc, err = bus.Connect(cfg.NATSURL, cfg.Owner, bus.ReportConnection(cfg.NATSURL, logf)...)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	base, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	setupCtx, cancelSetup := context.WithTimeout(ctx, time.Minute)
	defer cancelSetup()
	if s.Remote, err = orchestrator.NewRemote(setupCtx, s.nc, cfg.Store, cfg.Bus, logf); err != nil {
		s.Close()
		return nil, err
	}
	s.Remote.Metrics = s.Metrics
	s.Remote.Codec = codec
	if err := s.Remote.Start(base); err != nil {
		s.Close()
		return nil, err
	}
	s.Orchestrator = orchestrator.New(base, cfg.Store, s.Remote, orchestrator.Options{Owner: cfg.Owner, Lease: cfg.Lease, Spec: cfg.Core.NodeSpec, Logf: logf, Metrics: s.Metrics, PublicURL: cfg.PublicURL})
	remote := s.Remote
	s.Metrics.AddGauge(metrics.Gauge{Name: "weft_runners", Help: "Runners that announced themselves in the last 15 seconds.", Read: func() float64 { return float64(remote.Runners()) }})
	queue := func(held bool) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(base, 2*time.Second)
			defer cancel()
			w, h, err := remote.QueueDepth(ctx)
			if err != nil {
				return -1
			}
			if held {
				return float64(h)
			}
			return float64(w)
		}
	}
	s.Metrics.AddGauge(metrics.Gauge{Name: "weft_task_queue_depth", Help: "Node tasks waiting for a runner.", Read: queue(false)})
	s.Metrics.AddGauge(metrics.Gauge{Name: "weft_tasks_in_flight", Help: "Node tasks delivered to runners and not yet acknowledged.", Read: queue(true)})
	if ws, ok := cfg.Store.(interface{ WriteStats() (uint64, uint64) }); ok {
		s.Metrics.AddGauge(metrics.Gauge{Name: "weft_store_commits_total", Help: "Transactions the store committed for grouped writes.", Counter: true,
			Read: func() float64 { c, _ := ws.WriteStats(); return float64(c) }})
		s.Metrics.AddGauge(metrics.Gauge{Name: "weft_store_writes_total", Help: "Writes (an execution created or finished, results saved, ...) those transactions held.", Counter: true,
			Read: func() float64 { _, w := ws.WriteStats(); return float64(w) }})
	}
	if oc, ok := cfg.Store.(interface{ ObserveCommits(func(time.Duration)) }); ok {
		oc.ObserveCommits(s.Metrics.StoreCommits.Observe)
	}
	orch := s.Orchestrator
	s.Metrics.AddGauge(metrics.Gauge{Name: "weft_executions_running", Help: "Executions running on this control plane.", Read: func() float64 { return float64(orch.Running()) }})

	if cfg.Runners > 0 {
		// Long waits park the execution in the store instead of holding
		// a runner.
		cfg.Core.HandOff()
	}
	runCtx, stopRun := context.WithCancel(context.WithoutCancel(ctx))
	s.stopRun = stopRun
	for i := range cfg.Runners {
		var rc *nats.Conn
		if s.NATS != nil {
			rc, err = s.NATS.Connect(fmt.Sprintf("%s-runner-%d", cfg.Owner, i))
		} else {
			rc, err = bus.Connect(cfg.NATSURL, fmt.Sprintf("%s-runner-%d", cfg.Owner, i), bus.ReportConnection(cfg.NATSURL, logf)...)
		}
		if err != nil {
			s.Close()
			return nil, err
		}
		r := &runner.Runner{NC: rc, Exec: cfg.Core, ID: fmt.Sprintf("%s-runner-%d", cfg.Owner, i), Concurrency: cfg.RunnerConcurrency, Logf: logf, Codec: codec}
		s.Runners = append(s.Runners, r)
		s.runWG.Add(1)
		go func() {
			defer s.runWG.Done()
			defer rc.Close()
			if err := r.Run(runCtx); err != nil {
				logf("%v", err)
			}
		}()
	}

	st := cfg.Store
	lookups, err := bus.ServeWorkflowLookups(s.nc, func(ctx context.Context, id string) (json.RawMessage, error) {
		w, err := st.GetWorkflow(ctx, id)
		if err != nil {
			return nil, err
		}
		if !w.Active() || w.ActiveVersion == w.Version {
			return w.Document, nil
		}
		v, err := st.GetVersion(ctx, id, w.ActiveVersion)
		if err != nil {
			return nil, err
		}
		return v.Document, nil
	})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("service: %w", err)
	}
	s.lookups = lookups
	cfg.Core.SetWorkflowLoader(bus.LookupWorkflow(s.nc))

	if _, err := s.Orchestrator.Resume(setupCtx, cfg.Alone); err != nil {
		logf("resuming executions: %v", err)
	}
	if err := s.Orchestrator.SyncAllSchedules(setupCtx); err != nil {
		logf("syncing schedules: %v", err)
	}
	s.wg.Add(4)
	go func() {
		defer s.wg.Done()
		s.Orchestrator.Maintain(base)
	}()
	go func() {
		defer s.wg.Done()
		prune(base, cfg, logf)
	}()
	go func() {
		defer s.wg.Done()
		collectBlobs(base, cfg, logf)
	}()
	go func() {
		defer s.wg.Done()
		s.Orchestrator.RunSchedules(base, time.Second)
	}()
	return s, nil
}

// Close stops the control plane: executions still running stay running in
// the store (the next control plane resumes them), runners drain.
func (s *Service) Close() {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	if s.Orchestrator != nil {
		s.Orchestrator.Wait()
	}
	if s.stopRun != nil {
		s.stopRun()
	}
	s.runWG.Wait()
	if s.lookups != nil {
		_ = s.lookups.Unsubscribe()
	}
	if s.nc != nil {
		s.nc.Close()
	}
	if s.NATS != nil {
		s.NATS.Shutdown()
	}
}

// prune deletes executions the retention settings no longer keep, in
// batches, every cfg.PruneEvery.
func prune(ctx context.Context, cfg Config, logf func(string, ...any)) {
	if cfg.Retention.MaxAge <= 0 && cfg.Retention.MaxCount <= 0 {
		return
	}
	every := cfg.PruneEvery
	if every <= 0 {
		every = 10 * time.Second
	}
	tick.Every(ctx, every, func() {
		n, err := cfg.Store.PruneExecutions(ctx, cfg.Retention)
		if err != nil && ctx.Err() == nil {
			logf("pruning executions: %v", err)
		} else if n > 0 {
			logf("pruned %d executions (retention: max age %v, max count %d)", n, cfg.Retention.MaxAge, cfg.Retention.MaxCount)
		}
	})
}

// collectBlobs deletes, every cfg.BlobGCEvery, the blobs no stored data
// references any more. It has a timer of its own: the first collection
// comes an interval after start, once pruning (every minute by default)
// has run, and each one frees the blobs of the executions pruned or
// deleted since the one before.
func collectBlobs(ctx context.Context, cfg Config, logf func(string, ...any)) {
	if cfg.Blobs == nil || cfg.BlobGCEvery < 0 {
		return
	}
	every, grace := cfg.BlobGCEvery, cfg.BlobGCGrace
	if every == 0 {
		every = time.Hour
	}
	if grace <= 0 {
		grace = gc.DefaultGrace
	}
	tick.Every(ctx, every, func() {
		st, err := gc.Collect(ctx, cfg.Store, cfg.Blobs, gc.Options{Grace: grace, Logf: logf})
		switch {
		case err != nil && ctx.Err() == nil && st.Deleted > 0:
			logf("%v (%s)", err, st)
		case err != nil && ctx.Err() == nil:
			logf("%v", err)
		case st.Deleted > 0:
			logf("blob gc: %s", st)
		}
	})
}
