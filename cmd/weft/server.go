package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof" // served only with WEFT_PPROF
	"net/url"
	goruntime "runtime"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/weftrun/weft/blob/gc"
	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/control-plane/httpapi"
	"github.com/weftrun/weft/control-plane/service"
	"github.com/weftrun/weft/runner"
	"github.com/weftrun/weft/runtime"
	"github.com/weftrun/weft/store"
	"github.com/weftrun/weft/store/sqlstore"
)

// planeFlags are the flags `weft server` and `weft control-plane` share.
type planeFlags struct {
	listen, data, postgres, nats, natsListen, maxBody string
	publicURL                                         string
	insecure                                          bool
	concurrency, runners                              int
	lease, ackWait, keepFor                           time.Duration
	keepCount                                         int
	blobGCEvery, blobGCGrace                          time.Duration
	blobs                                             blobFlags
}

func (p *planeFlags) register(fs *flag.FlagSet, embedded bool) {
	fs.StringVar(&p.listen, "listen", envOr("WEFT_LISTEN", "127.0.0.1:5678"), "address to serve HTTP on (env WEFT_LISTEN)")
	fs.StringVar(&p.postgres, "postgres", envOr("WEFT_POSTGRES_URL", ""), "Postgres URL (env WEFT_POSTGRES_URL)")
	fs.StringVar(&p.nats, "nats", envOr("WEFT_NATS_URL", ""), "NATS server URL (env WEFT_NATS_URL)")
	fs.StringVar(&p.publicURL, "public-url", envOr("WEFT_PUBLIC_URL", ""), "URL users reach the server at, e.g. https://weft.example.com behind a proxy: webhook items' webhookUrl and error workflows' execution links are built on it (default: the scheme and host a request came to) (env WEFT_PUBLIC_URL)")
	fs.BoolVar(&p.insecure, "insecure-no-auth", false, "serve on a non-loopback address although the API has no authentication yet")
	fs.StringVar(&p.maxBody, "max-body", envOr("WEFT_MAX_BODY", "16MiB"), "largest request body accepted (env WEFT_MAX_BODY)")
	fs.DurationVar(&p.lease, "lease", envDuration("WEFT_LEASE", 30*time.Second), "how long an execution stays with a control plane that stopped renewing it (env WEFT_LEASE)")
	fs.DurationVar(&p.keepFor, "keep-executions-for", envDuration("WEFT_KEEP_EXECUTIONS_FOR", 14*24*time.Hour), "delete finished executions older than this; 0 keeps them (env WEFT_KEEP_EXECUTIONS_FOR)")
	fs.IntVar(&p.keepCount, "keep-executions", envInt("WEFT_KEEP_EXECUTIONS", 10000), "keep at most this many finished executions; 0 keeps all (env WEFT_KEEP_EXECUTIONS)")
	fs.DurationVar(&p.blobGCEvery, "blob-gc-every", envDuration("WEFT_BLOB_GC_EVERY", time.Hour), "this often, delete the blobs no stored data references any more; 0 never (env WEFT_BLOB_GC_EVERY)")
	fs.DurationVar(&p.blobGCGrace, "blob-gc-grace", envDuration("WEFT_BLOB_GC_GRACE", gc.DefaultGrace), "spare unreferenced blobs stored less than this long ago; must exceed the longest a task waits for a runner (env WEFT_BLOB_GC_GRACE)")
	fs.DurationVar(&p.ackWait, "ack-wait", envDuration("WEFT_ACK_WAIT", 30*time.Second), "how long a task may go without a sign of life from its runner before it is redelivered (env WEFT_ACK_WAIT)")
	if embedded {
		fs.StringVar(&p.data, "data", envOr("WEFT_DATA", defaultDataDir), "data directory: SQLite database, NATS store (env WEFT_DATA)")
		fs.StringVar(&p.natsListen, "nats-listen", envOr("WEFT_NATS_LISTEN", ""), "also serve the embedded NATS on this host:port, for runners in other processes (env WEFT_NATS_LISTEN)")
		fs.IntVar(&p.runners, "runners", envInt("WEFT_RUNNERS", 1), "runners in this process (env WEFT_RUNNERS)")
	} else {
		fs.IntVar(&p.runners, "runners", envInt("WEFT_RUNNERS", 0), "runners in this process, besides any `weft runner` (env WEFT_RUNNERS)")
	}
	fs.IntVar(&p.concurrency, "concurrency", envInt("WEFT_CONCURRENCY", goruntime.NumCPU()), "tasks each in-process runner runs at once (env WEFT_CONCURRENCY)")
	p.blobs.register(fs)
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(envOr(name, "")); err == nil {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(envOr(name, "")); err == nil {
		return v
	}
	return def
}

// checkListen refuses non-loopback addresses without --insecure-no-auth.
func checkListen(listen string, insecure bool) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fail(exitUsage, "--listen %q: %v", listen, err)
	}
	if ip := net.ParseIP(host); !insecure && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fail(exitUsage, "refusing to listen on %s: the API has no authentication yet, so anyone who can reach it could run code; listen on 127.0.0.1, or pass --insecure-no-auth if a proxy in front authenticates", listen)
	}
	return nil
}

// server runs the embedded mode: everything in one process.
func (c cli) server(ctx context.Context, args []string) error {
	fs := c.flagSet("server")
	var p planeFlags
	p.register(fs, true)
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: weft server [--listen 127.0.0.1:5678] [--data DIR] [--postgres URL] [--nats URL] [--insecure-no-auth]")
		fmt.Fprintln(c.stderr, "Runs Weft in one process: the store (SQLite in --data unless --postgres), NATS JetStream")
		fmt.Fprintln(c.stderr, "(embedded unless --nats), a runner, the REST API and webhooks.")
		fs.PrintDefaults()
	}
	if pos, err := parseInterspersed(fs, args); err != nil {
		return fail(exitUsage, "%v", err)
	} else if len(pos) != 0 {
		fs.Usage()
		return fail(exitUsage, "server: unexpected arguments %v", pos)
	}
	return c.servePlane(ctx, &p, true)
}

// controlPlane runs the distributed mode's control plane.
func (c cli) controlPlane(ctx context.Context, args []string) error {
	fs := c.flagSet("control-plane")
	var p planeFlags
	p.register(fs, false)
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: weft control-plane --postgres URL --nats URL [--listen 127.0.0.1:5678] [--insecure-no-auth]")
		fmt.Fprintln(c.stderr, "Runs a control plane of the distributed mode; node tasks go to `weft runner` processes.")
		fs.PrintDefaults()
	}
	if pos, err := parseInterspersed(fs, args); err != nil {
		return fail(exitUsage, "%v", err)
	} else if len(pos) != 0 {
		fs.Usage()
		return fail(exitUsage, "control-plane: unexpected arguments %v", pos)
	}
	if p.postgres == "" {
		return fail(exitUsage, "control-plane: --postgres (or WEFT_POSTGRES_URL) is required; for a single process with SQLite, run `weft server`")
	}
	if p.nats == "" {
		return fail(exitUsage, "control-plane: --nats (or WEFT_NATS_URL) is required; for a single process with embedded NATS, run `weft server`")
	}
	return c.servePlane(ctx, &p, false)
}

func (c cli) servePlane(ctx context.Context, p *planeFlags, embedded bool) error {
	if err := checkListen(p.listen, p.insecure); err != nil {
		return err
	}
	limit, err := runtime.ParseBytes(p.maxBody)
	if err != nil {
		return fail(exitUsage, "--max-body: %v", err)
	}
	if err := checkPublicURL(p.publicURL); err != nil {
		return err
	}
	if p.blobGCEvery < 0 {
		return fail(exitUsage, "--blob-gc-every %v: must not be negative (0 turns blob collection off)", p.blobGCEvery)
	}
	if p.blobGCGrace <= 0 {
		return fail(exitUsage, "--blob-gc-grace %v: must be positive: the blobs of tasks waiting in NATS are referenced nowhere in the store yet", p.blobGCGrace)
	}
	blobGCEvery := p.blobGCEvery
	if blobGCEvery == 0 {
		blobGCEvery = -1 // service.Config: negative is never, 0 the default
	}
	url := p.postgres
	if embedded {
		if url, err = storeURL(p.postgres, p.data); err != nil {
			return err
		}
	}
	st, err := sqlstore.Open(ctx, url)
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return fail(exitFailed, "%v", err)
	}
	logger := log.New(c.stderr, "", log.LstdFlags)
	if warnings, err := st.Warnings(ctx); err != nil {
		logger.Printf("warning: %v", err)
	} else {
		for _, w := range warnings {
			logger.Printf("warning: %s", w)
		}
	}
	core, closeEngine, err := loadCore(ctx)
	if err != nil {
		return err
	}
	defer closeEngine()
	blobs, err := p.blobs.open(ctx, p.data)
	if err != nil {
		return err
	}
	threshold, err := p.blobs.payloadThreshold()
	if err != nil {
		return err
	}
	svc, err := service.Start(ctx, service.Config{
		Store: st, Core: core, NATSURL: p.nats, DataDir: p.data, NATSListen: p.natsListen, Blobs: blobs, PayloadThreshold: threshold,
		Runners: p.runners, RunnerConcurrency: p.concurrency, Lease: p.lease, PublicURL: p.publicURL,
		BlobGCEvery: blobGCEvery, BlobGCGrace: p.blobGCGrace,
		Bus:       bus.Config{AckWait: p.ackWait},
		Retention: store.Retention{MaxAge: p.keepFor, MaxCount: p.keepCount},
		Alone:     embedded && p.postgres == "" && p.nats == "",
		Logf:      logger.Printf,
	})
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	defer svc.Close()
	servePprof(logger)
	ln, err := net.Listen("tcp", p.listen)
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	hooks := httpapi.NewHooks(st, logger.Printf)
	if err := hooks.Load(ctx); err != nil {
		return fail(exitFailed, "loading webhooks: %v", err)
	}
	go hooks.Follow(ctx, time.Second)
	a := &httpapi.API{Store: st, Core: core, Orch: svc.Orchestrator, MaxBodyBytes: int(limit), Metrics: svc.Metrics, Hooks: hooks, PublicURL: p.publicURL}
	srv := &fasthttp.Server{Handler: a.Handler(), ErrorHandler: a.ErrorHandler, MaxRequestBodySize: int(limit) + 1, Name: "weft", ReadTimeout: time.Minute}
	natsDesc := "embedded NATS"
	if p.nats != "" {
		natsDesc = "NATS " + p.nats
	} else if u := svc.NATS.ClientURL(); u != "" {
		natsDesc = "embedded NATS at " + u
	}
	fmt.Fprintf(c.stdout, "weft %s serving http://%s (%s store, %s, %d runner(s) in process)\n", version, ln.Addr(), st.Dialect(), natsDesc, p.runners)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		fmt.Fprintln(c.stdout, "shutting down")
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := srv.ShutdownWithContext(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return nil
	}
}

// runnerCmd runs a stateless runner until SIGTERM/SIGINT, then drains.
func (c cli) runnerCmd(ctx context.Context, args []string) error {
	fs := c.flagSet("runner")
	natsURL := fs.String("nats", envOr("WEFT_NATS_URL", ""), "NATS server URL (env WEFT_NATS_URL)")
	conc := fs.Int("concurrency", envInt("WEFT_CONCURRENCY", goruntime.NumCPU()), "tasks run at once (env WEFT_CONCURRENCY)")
	drain := fs.Duration("drain-timeout", envDuration("WEFT_DRAIN_TIMEOUT", 30*time.Second), "on SIGTERM, how long to finish held tasks before handing them back (env WEFT_DRAIN_TIMEOUT)")
	id := fs.String("id", envOr("WEFT_RUNNER_ID", ""), "name of this runner (default: host and a random suffix)")
	var bf blobFlags
	bf.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: weft runner --nats URL [--concurrency N] [--drain-timeout 30s]")
		fmt.Fprintln(c.stderr, "Runs node tasks from NATS JetStream. Keeps no state; on SIGTERM it stops taking tasks,")
		fmt.Fprintln(c.stderr, "finishes the ones it holds and hands back what it cannot finish in time.")
		fs.PrintDefaults()
	}
	if pos, err := parseInterspersed(fs, args); err != nil {
		return fail(exitUsage, "%v", err)
	} else if len(pos) != 0 {
		fs.Usage()
		return fail(exitUsage, "runner: unexpected arguments %v", pos)
	}
	if *natsURL == "" {
		return fail(exitUsage, "runner: --nats (or WEFT_NATS_URL) is required")
	}
	if *conc < 1 {
		return fail(exitUsage, "runner: --concurrency must be at least 1")
	}
	if *id == "" {
		*id = service.RandomID("runner")
	}
	blobs, err := bf.open(ctx, "")
	if err != nil {
		return err
	}
	threshold, err := bf.payloadThreshold()
	if err != nil {
		return err
	}
	core, closeEngine, err := loadCore(ctx)
	if err != nil {
		return err
	}
	defer closeEngine()
	logger := log.New(c.stderr, "", log.LstdFlags)
	nc, err := bus.Connect(*natsURL, *id, bus.ReportConnection(*natsURL, logger.Printf)...)
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	defer nc.Close()
	core.SetWorkflowLoader(bus.LookupWorkflow(nc))
	core.HandOffWaits()
	servePprof(logger)
	r := &runner.Runner{NC: nc, Exec: core, ID: *id, Concurrency: *conc, DrainTimeout: *drain, Logf: logger.Printf, Codec: bus.Codec{Blobs: blobs, Threshold: threshold}}
	fmt.Fprintf(c.stdout, "weft %s runner %s: %d task(s) at once from %s\n", version, *id, *conc, *natsURL)
	if err := r.Run(ctx); err != nil {
		return fail(exitFailed, "%v", err)
	}
	fmt.Fprintf(c.stdout, "runner %s drained after %d task(s)\n", *id, r.Done())
	return nil
}

// servePprof serves Go's profiling endpoints on WEFT_PPROF's address, when
// set: on a listener of their own, never on the API's.
func servePprof(logger *log.Logger) {
	if addr := envOr("WEFT_PPROF", ""); addr != "" {
		go func() { logger.Printf("pprof: %v", http.ListenAndServe(addr, nil)) }()
	}
}

// checkPublicURL accepts an empty URL or an absolute http(s) one without
// query or fragment, such as https://weft.example.com/automation.
func checkPublicURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fail(exitUsage, "--public-url %q: want an absolute http or https URL without query, fragment or credentials, such as https://weft.example.com", s)
	}
	return nil
}
