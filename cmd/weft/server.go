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
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
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
	env                                               envDefaults
	maxBodyBytes                                      int // maxBody, checked
}

func (p *planeFlags) register(fs *flag.FlagSet, embedded bool) {
	fs.StringVar(&p.listen, "listen", envOr("WEFT_LISTEN", "127.0.0.1:5678"), "address to serve HTTP on (env WEFT_LISTEN)")
	fs.StringVar(&p.postgres, "postgres", envOr("WEFT_POSTGRES_URL", ""), "Postgres URL, postgres://USER:PASSWORD@HOST:5432/DATABASE (env WEFT_POSTGRES_URL)")
	fs.StringVar(&p.nats, "nats", envOr("WEFT_NATS_URL", ""), "NATS server URL (env WEFT_NATS_URL)")
	fs.StringVar(&p.publicURL, "public-url", envOr("WEFT_PUBLIC_URL", ""), "URL users reach the server at, e.g. https://weft.example.com behind a proxy: webhook items' webhookUrl and error workflows' execution links are built on it (default: the scheme and host a request came to) (env WEFT_PUBLIC_URL)")
	fs.BoolVar(&p.insecure, "insecure-no-auth", false, "serve on a non-loopback address although the API has no authentication yet")
	fs.StringVar(&p.maxBody, "max-body", envOr("WEFT_MAX_BODY", "16MiB"), "largest request body accepted (env WEFT_MAX_BODY)")
	fs.DurationVar(&p.lease, "lease", p.env.duration("lease", "WEFT_LEASE", 30*time.Second), "how long an execution stays with a control plane that stopped renewing it (env WEFT_LEASE)")
	fs.DurationVar(&p.keepFor, "keep-executions-for", p.env.duration("keep-executions-for", "WEFT_KEEP_EXECUTIONS_FOR", 14*24*time.Hour), "delete finished executions older than this; 0 keeps them (env WEFT_KEEP_EXECUTIONS_FOR)")
	fs.IntVar(&p.keepCount, "keep-executions", p.env.int("keep-executions", "WEFT_KEEP_EXECUTIONS", 10000), "keep at most this many finished executions; 0 keeps all (env WEFT_KEEP_EXECUTIONS)")
	fs.DurationVar(&p.blobGCEvery, "blob-gc-every", p.env.duration("blob-gc-every", "WEFT_BLOB_GC_EVERY", time.Hour), "this often, delete the blobs no stored data references any more; 0 never (env WEFT_BLOB_GC_EVERY)")
	fs.DurationVar(&p.blobGCGrace, "blob-gc-grace", p.env.duration("blob-gc-grace", "WEFT_BLOB_GC_GRACE", gc.DefaultGrace), "spare unreferenced blobs stored less than this long ago; must exceed the longest a task waits for a runner (env WEFT_BLOB_GC_GRACE)")
	fs.DurationVar(&p.ackWait, "ack-wait", p.env.duration("ack-wait", "WEFT_ACK_WAIT", 30*time.Second), "how long a task may go without a sign of life from its runner before it is redelivered (env WEFT_ACK_WAIT)")
	if embedded {
		fs.StringVar(&p.data, "data", envOr("WEFT_DATA", defaultDataDir), "data directory: SQLite database, NATS store (env WEFT_DATA)")
		fs.StringVar(&p.natsListen, "nats-listen", envOr("WEFT_NATS_LISTEN", ""), "also serve the embedded NATS on this host:port, for runners in other processes; loopback only unless --insecure-no-auth (env WEFT_NATS_LISTEN)")
		fs.IntVar(&p.runners, "runners", p.env.int("runners", "WEFT_RUNNERS", 1), "runners in this process; 0 needs --nats or --nats-listen for runners in other processes (env WEFT_RUNNERS)")
	} else {
		fs.IntVar(&p.runners, "runners", p.env.int("runners", "WEFT_RUNNERS", 0), "runners in this process, besides any `weft runner` (env WEFT_RUNNERS)")
	}
	fs.IntVar(&p.concurrency, "concurrency", p.env.int("concurrency", "WEFT_CONCURRENCY", goruntime.NumCPU()), "tasks each in-process runner runs at once (env WEFT_CONCURRENCY)")
	p.blobs.register(fs)
}

// check refuses settings that would make the server misbehave rather than
// fail: variables that do not parse, and values that parse but mean
// nothing (docs/configuration.md says what 0 means for each). It runs
// before anything is opened, so a mistake costs no start-up.
func (p *planeFlags) check(fs *flag.FlagSet, embedded bool) error {
	if err := p.env.check(fs); err != nil {
		return err
	}
	if err := p.blobs.env.check(fs); err != nil {
		return err
	}
	if err := checkListen(p.listen, p.insecure); err != nil {
		return err
	}
	if err := checkNATSListen(p.natsListen, p.insecure); err != nil {
		return err
	}
	if p.postgres != "" {
		if err := checkPostgresURL(fs, "WEFT_POSTGRES_URL", p.postgres); err != nil {
			return err
		}
	}
	limit, err := runtime.ParseBytes(p.maxBody)
	if err != nil {
		return fail(exitUsage, "%s: %v", origin(fs, "max-body", "WEFT_MAX_BODY"), err)
	}
	if limit == 0 {
		return fail(exitUsage, "%s: must be positive: every request with a body would be refused", setting(fs, "max-body", "WEFT_MAX_BODY"))
	}
	p.maxBodyBytes = int(limit)
	if err := checkPublicURL(p.publicURL); err != nil {
		return err
	}
	switch {
	case p.lease <= 0:
		return fail(exitUsage, "%s: must be positive: it is how long an execution stays with a control plane that stopped renewing it", setting(fs, "lease", "WEFT_LEASE"))
	case p.ackWait <= 0:
		return fail(exitUsage, "%s: must be positive: it is how long a task may go without a sign of life before it is redelivered", setting(fs, "ack-wait", "WEFT_ACK_WAIT"))
	case p.keepFor < 0:
		return fail(exitUsage, "%s: must not be negative (0 keeps finished executions however old)", setting(fs, "keep-executions-for", "WEFT_KEEP_EXECUTIONS_FOR"))
	case p.keepCount < 0:
		return fail(exitUsage, "%s: must not be negative (0 keeps all finished executions)", setting(fs, "keep-executions", "WEFT_KEEP_EXECUTIONS"))
	case p.blobGCEvery < 0:
		return fail(exitUsage, "%s: must not be negative (0 turns blob collection off)", setting(fs, "blob-gc-every", "WEFT_BLOB_GC_EVERY"))
	case p.blobGCGrace <= 0:
		return fail(exitUsage, "%s: must be positive: the blobs of tasks waiting in NATS are referenced nowhere in the store yet", setting(fs, "blob-gc-grace", "WEFT_BLOB_GC_GRACE"))
	case p.runners < 0:
		return fail(exitUsage, "%s: must not be negative", setting(fs, "runners", "WEFT_RUNNERS"))
	case p.runners == 0 && embedded && p.nats == "" && p.natsListen == "":
		return fail(exitUsage, "%s: no runner could reach the embedded NATS, so no node would ever run; keep at least 1, or give --nats-listen for `weft runner` processes", setting(fs, "runners", "WEFT_RUNNERS"))
	case p.concurrency < 1:
		return fail(exitUsage, "%s: must be at least 1", setting(fs, "concurrency", "WEFT_CONCURRENCY"))
	}
	return nil
}

// readBuffer bounds a request's line and headers: proxies in front add
// headers of their own (authentication, tracing), often past fasthttp's
// 4 KiB default. Larger requests get 431.
const readBuffer = 16 << 10

// checkListen refuses non-loopback addresses without --insecure-no-auth.
func checkListen(listen string, insecure bool) error {
	if ok, err := loopback("--listen", listen); err != nil {
		return err
	} else if !ok && !insecure {
		return fail(exitUsage, "refusing to listen on %s: the API has no authentication yet, so anyone who can reach it could run code; listen on 127.0.0.1, or pass --insecure-no-auth if a proxy in front authenticates", listen)
	}
	return nil
}

// checkNATSListen applies the rule of --listen to the embedded NATS
// server, which has no authentication either: whoever reaches it can take
// tasks, with their data, and forge results.
func checkNATSListen(listen string, insecure bool) error {
	if listen == "" {
		return nil
	}
	if ok, err := loopback("--nats-listen", listen); err != nil {
		return err
	} else if !ok && !insecure {
		return fail(exitUsage, "refusing to serve the embedded NATS on %s: it has no authentication, so anyone who can reach it could read tasks and forge results; serve it on 127.0.0.1, or pass --insecure-no-auth if only trusted hosts can reach it", listen)
	}
	return nil
}

// loopback reports whether listen (host:port) is on a loopback address.
func loopback(flagName, listen string) (bool, error) {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false, fail(exitUsage, "%s %q: %v", flagName, listen, err)
	}
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback()), nil
}

// server runs the embedded mode: everything in one process.
func (c cli) server(ctx context.Context, args []string) error {
	fs := c.flagSet("server")
	var p planeFlags
	p.register(fs, true)
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: weft server [--listen 127.0.0.1:5678] [--data DIR] [--postgres URL] [--nats URL | --nats-listen 127.0.0.1:4222] [--insecure-no-auth] [--blob-dir DIR | --s3-bucket NAME …]")
		fmt.Fprintln(c.stderr, "Runs Weft in one process: the store (SQLite in --data unless --postgres), NATS JetStream")
		fmt.Fprintln(c.stderr, "(embedded unless --nats), a runner, the REST API and webhooks.")
		fs.PrintDefaults()
	}
	if pos, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(pos) != 0 {
		fs.Usage()
		return fail(exitUsage, "server: unexpected arguments %v", pos)
	}
	if err := p.check(fs, true); err != nil {
		return err
	}
	return c.servePlane(ctx, &p, true)
}

// controlPlane runs the distributed mode's control plane.
func (c cli) controlPlane(ctx context.Context, args []string) error {
	fs := c.flagSet("control-plane")
	var p planeFlags
	p.register(fs, false)
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: weft control-plane --postgres URL --nats URL [--listen 127.0.0.1:5678] [--insecure-no-auth] [--blob-dir DIR | --s3-bucket NAME [--s3-endpoint URL] [--s3-region REGION] [--s3-prefix PREFIX] [--s3-path-style]]")
		fmt.Fprintln(c.stderr, "Runs a control plane of the distributed mode; node tasks go to `weft runner` processes.")
		fs.PrintDefaults()
	}
	if pos, err := parseInterspersed(fs, args); err != nil {
		return err
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
	if err := p.check(fs, false); err != nil {
		return err
	}
	return c.servePlane(ctx, &p, false)
}

// servePlane serves until ctx ends; p has passed check.
func (c cli) servePlane(ctx context.Context, p *planeFlags, embedded bool) error {
	blobGCEvery := p.blobGCEvery
	if blobGCEvery == 0 {
		blobGCEvery = -1 // service.Config: negative is never, 0 the default
	}
	url := p.postgres
	if embedded {
		var err error
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
		return fail(exitFailed, "%v", explainNATS(p.nats, err))
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
	a := &httpapi.API{Store: st, Core: core, Orch: svc.Orchestrator, MaxBodyBytes: p.maxBodyBytes, Metrics: svc.Metrics, Hooks: hooks, PublicURL: p.publicURL}
	srv := &fasthttp.Server{Handler: a.Handler(), ErrorHandler: a.ErrorHandler, ReadBufferSize: readBuffer, MaxRequestBodySize: p.maxBodyBytes + 1, Name: "weft", ReadTimeout: time.Minute}
	natsDesc := "embedded NATS"
	if p.nats != "" {
		natsDesc = "NATS " + bus.RedactURL(p.nats)
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
	var env envDefaults
	natsURL := fs.String("nats", envOr("WEFT_NATS_URL", ""), "NATS server URL (env WEFT_NATS_URL)")
	conc := fs.Int("concurrency", env.int("concurrency", "WEFT_CONCURRENCY", goruntime.NumCPU()), "tasks run at once (env WEFT_CONCURRENCY)")
	drain := fs.Duration("drain-timeout", env.duration("drain-timeout", "WEFT_DRAIN_TIMEOUT", 30*time.Second), "on SIGTERM, how long to finish held tasks before handing them back (env WEFT_DRAIN_TIMEOUT)")
	id := fs.String("id", envOr("WEFT_RUNNER_ID", ""), "name of this runner (default: host and a random suffix) (env WEFT_RUNNER_ID)")
	var bf blobFlags
	bf.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: weft runner --nats URL [--concurrency N] [--drain-timeout 30s] [--id NAME] [--blob-dir DIR | --s3-bucket NAME [--s3-endpoint URL] [--s3-region REGION] [--s3-prefix PREFIX] [--s3-path-style]]")
		fmt.Fprintln(c.stderr, "Runs node tasks from NATS JetStream. Keeps no state; on SIGTERM it stops taking tasks,")
		fmt.Fprintln(c.stderr, "finishes the ones it holds and hands back what it cannot finish in time.")
		fs.PrintDefaults()
	}
	if pos, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(pos) != 0 {
		fs.Usage()
		return fail(exitUsage, "runner: unexpected arguments %v", pos)
	}
	if *natsURL == "" {
		return fail(exitUsage, "runner: --nats (or WEFT_NATS_URL) is required")
	}
	if err := env.check(fs); err != nil {
		return err
	}
	if err := bf.env.check(fs); err != nil {
		return err
	}
	if *conc < 1 {
		return fail(exitUsage, "%s: must be at least 1", setting(fs, "concurrency", "WEFT_CONCURRENCY"))
	}
	if *drain <= 0 {
		return fail(exitUsage, "%s: must be positive: it is how long a stopping runner finishes the tasks it holds before handing them back", setting(fs, "drain-timeout", "WEFT_DRAIN_TIMEOUT"))
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
	core.HandOff()
	servePprof(logger)
	r := &runner.Runner{NC: nc, Exec: core, ID: *id, Concurrency: *conc, DrainTimeout: *drain, Logf: logger.Printf, Codec: bus.Codec{Blobs: blobs, Threshold: threshold}}
	fmt.Fprintf(c.stdout, "weft %s runner %s: %d task(s) at once from %s\n", version, *id, *conc, bus.RedactURL(*natsURL))
	ran := make(chan struct{})
	defer close(ran)
	var stopping sync.Once
	sayStopping := func() {
		stopping.Do(func() {
			logger.Printf("runner %s: stopping: the tasks it holds finish within %v or go back to the queue (interrupt again to stop at once)", *id, *drain)
		})
	}
	go func() {
		select {
		case <-ctx.Done():
			sayStopping()
		case <-ran:
		}
	}()
	if err := r.Run(ctx); err != nil {
		return fail(exitFailed, "%v", err)
	}
	if ctx.Err() != nil {
		sayStopping() // before the word that it drained, however quickly it did
	}
	fmt.Fprintf(c.stdout, "runner %s drained after %d task(s)\n", *id, r.Done())
	return nil
}

// explainNATS says what a control plane failing to set up JetStream on
// NATS at natsURL most likely means: the bus only reports what timed out
// (a server it cannot reach takes a minute to fail), or NATS's own words.
func explainNATS(natsURL string, err error) error {
	if natsURL == "" {
		return err // the embedded server: neither can happen
	}
	where := bus.RedactURL(natsURL)
	switch {
	case errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount):
		return fmt.Errorf("NATS at %s: JetStream is not enabled for this account; enable it in the server's account configuration: %w", where, err)
	case errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrJetStreamNotEnabled):
		return fmt.Errorf("NATS at %s answers, but JetStream seems disabled: start nats-server with -js (or a jetstream block in its configuration): %w", where, err)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("cannot reach NATS at %s, or its JetStream did not answer: %w", where, err)
	}
	return err
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
