package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/weftrun/weft/control-plane/httpapi"
	"github.com/weftrun/weft/runtime"
	"github.com/weftrun/weft/store/sqlstore"
)

// server runs the embedded mode: the store (SQLite in --data, or Postgres),
// the core module in process and the REST API.
func (c cli) server(ctx context.Context, args []string) error {
	fs := c.flagSet("server")
	listen := fs.String("listen", envOr("WEFT_LISTEN", "127.0.0.1:5678"), "address to serve HTTP on (env WEFT_LISTEN)")
	data := fs.String("data", envOr("WEFT_DATA", defaultDataDir), "data directory of the embedded mode (env WEFT_DATA)")
	postgres := fs.String("postgres", envOr("WEFT_POSTGRES_URL", ""), "Postgres URL instead of SQLite in --data (env WEFT_POSTGRES_URL)")
	insecure := fs.Bool("insecure-no-auth", false, "serve on a non-loopback address although the API has no authentication yet")
	maxBody := fs.String("max-body", "16MiB", "largest request body accepted")
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: weft server [--listen 127.0.0.1:5678] [--data DIR | --postgres URL] [--insecure-no-auth]")
		fs.PrintDefaults()
	}
	if pos, err := parseInterspersed(fs, args); err != nil {
		return fail(exitUsage, "%v", err)
	} else if len(pos) != 0 {
		fs.Usage()
		return fail(exitUsage, "server: unexpected arguments %v", pos)
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		return fail(exitUsage, "--listen %q: %v", *listen, err)
	}
	if ip := net.ParseIP(host); !*insecure && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fail(exitUsage, "refusing to listen on %s: the API has no authentication yet, so anyone who can reach it could run code; listen on 127.0.0.1, or pass --insecure-no-auth if a proxy in front authenticates", *listen)
	}
	limit, err := runtime.ParseBytes(*maxBody)
	if err != nil {
		return fail(exitUsage, "--max-body: %v", err)
	}
	url, err := storeURL(*postgres, *data)
	if err != nil {
		return err
	}
	st, err := sqlstore.Open(ctx, url)
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return fail(exitFailed, "%v", err)
	}
	core, closeEngine, err := loadCore(ctx)
	if err != nil {
		return err
	}
	defer closeEngine()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	a := &httpapi.API{Store: st, Core: core, MaxBodyBytes: int(limit)}
	srv := &fasthttp.Server{Handler: a.Handler(), MaxRequestBodySize: int(limit) + 1, Name: "weft", ReadTimeout: time.Minute}
	fmt.Fprintf(c.stdout, "weft %s serving http://%s (%s store)\n", version, ln.Addr(), st.Dialect())
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
