// Command weft is Weft's single binary: the server, the runner and the tools
// around them. Run "weft help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// Exit codes shared by every command.
const (
	exitOK      = 0
	exitFailed  = 1 // the node or workflow reported an error, or trapped
	exitUsage   = 2 // bad flags, arguments or input
	exitLimit   = 3 // a limit stopped the task
	exitInvalid = 4 // the module is invalid or imports what Weft does not provide
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `weft runs n8n workflows with every node inside a WebAssembly sandbox.

Usage:
  weft run WORKFLOW.json [--json] [--input FILE|-] [--timeout DUR]
  weft validate WORKFLOW.json
  weft nodes [--json | --markdown]
  weft migrate [--postgres URL | --data DIR]
  weft blobs gc [--grace 1h] [--dry-run] [--postgres URL | --data DIR] [--blob-dir DIR | --s3-bucket NAME …]
  weft server [--listen 127.0.0.1:5678] [--data DIR] [--postgres URL] [--nats URL | --nats-listen 127.0.0.1:4222] [--insecure-no-auth] [--blob-dir DIR | --s3-bucket NAME …]
  weft control-plane --postgres URL --nats URL [--listen 127.0.0.1:5678] [--insecure-no-auth] [--blob-dir DIR | --s3-bucket NAME …]
  weft runner --nats URL [--concurrency N] [--drain-timeout 30s] [--id NAME] [--blob-dir DIR | --s3-bucket NAME …]
  weft import WORKFLOW.json [--activate] [--server http://127.0.0.1:5678]
  weft node run MODULE.wasm [--input FILE|-] [--fuel N] [--memory SIZE] [--timeout DUR] [--json]
  weft node inspect MODULE.wasm [--json]
  weft version

Postgres URLs are postgres://USER:PASSWORD@HOST:5432/DATABASE. The S3 flags
are --s3-bucket, --s3-endpoint, --s3-region, --s3-prefix and --s3-path-style.
Run "weft COMMAND -h" for a command's flags.
`

// cli carries the streams a command writes to, so tests can run commands
// in-process.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// exitError carries an exit code with the message printed on stderr.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func fail(code int, format string, args ...any) error {
	return &exitError{code: code, err: fmt.Errorf(format, args...)}
}

// gcPercent is the garbage collector's target when GOGC is not set: a
// collection once the heap has grown by three times what survived the last
// one, instead of Go's default of once. Weft's processes keep a small live
// heap (25 MB for the embedded server under load) and allocate fast, so
// collections at Go's default come several times a second, each slowing
// the requests it overlaps; at 300 the webhook benchmark's p99 at half load
// dropped by about a millisecond (docs/benchmarks.md). GOGC, and
// GOMEMLIMIT under a memory limit, still decide when set.
const gcPercent = 300

// setGCPercent applies gcPercent unless GOGC is set.
func setGCPercent(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

func main() {
	setGCPercent(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal stops weft cleanly (a runner drains its tasks); a
	// second one, with signals back to their default, stops it at once.
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := cli{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}.run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func (c cli) run(ctx context.Context, args []string) int {
	err := c.dispatch(ctx, args)
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(c.stderr, "weft:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(c.stderr, "weft:", err)
	return exitFailed
}

func (c cli) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, usage)
		return &exitError{code: exitUsage, err: errors.New("")}
	}
	switch args[0] {
	case "node":
		if len(args) < 2 {
			return fail(exitUsage, "node: want a subcommand: run or inspect")
		}
		switch args[1] {
		case "run":
			return c.nodeRun(ctx, args[2:])
		case "inspect":
			return c.nodeInspect(ctx, args[2:])
		}
		return fail(exitUsage, "node: unknown subcommand %q (want run or inspect)", args[1])
	case "run":
		return c.workflowRun(ctx, args[1:])
	case "validate":
		return c.workflowValidate(ctx, args[1:])
	case "nodes":
		return c.nodeTypes(ctx, args[1:])
	case "migrate":
		return c.migrate(ctx, args[1:])
	case "blobs":
		return c.blobsCmd(ctx, args[1:])
	case "server":
		return c.server(ctx, args[1:])
	case "control-plane":
		return c.controlPlane(ctx, args[1:])
	case "runner":
		return c.runnerCmd(ctx, args[1:])
	case "import":
		return c.importCmd(ctx, args[1:])
	case "version", "--version":
		fmt.Fprintln(c.stdout, "weft", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(c.stdout, usage)
		return nil
	}
	fmt.Fprint(c.stderr, usage)
	return fail(exitUsage, "unknown command %q", args[0])
}

// parseInterspersed parses flags that may come before or after positional
// arguments, as users type them: "weft node run x.wasm --fuel 10". Its
// errors are ready to return: flag.ErrHelp for -h, which run answers with
// exit 0, and for a bad flag an exitError without a message, since the
// flag package has printed the problem and the usage already.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return nil, err
		} else if err != nil {
			return nil, &exitError{code: exitUsage, err: errors.New("")}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
