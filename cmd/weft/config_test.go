package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/store/sqlstore"
)

// The tests in this file check what the commands refuse before they start
// anything: settings that would otherwise be replaced, ignored or taken
// for something else without a word.

// runRefused runs weft as runCLI does, with its context already ended: a
// server that accepts what it should refuse stops at once, and the test
// fails instead of waiting for the server to end.
func runRefused(t *testing.T, args ...string) result {
	t.Helper()
	t.Setenv("WEFT_CACHE_DIR", "off")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	c := cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	code := c.run(ctx, args)
	return result{code, out.String(), errb.String()}
}

// TestHelpExitsZero: -h is a request, not a mistake. It prints the usage
// and exits 0 rather than "flag: help requested" and 2.
func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{
		{"server", "-h"}, {"control-plane", "-h"}, {"runner", "--help"}, {"migrate", "-h"},
		{"blobs", "gc", "-h"}, {"import", "-h"}, {"run", "-h"}, {"validate", "-h"}, {"nodes", "-h"},
		{"node", "run", "-h"}, {"node", "inspect", "-h"},
	} {
		r := runCLI(t, "", args...)
		if r.code != exitOK || !strings.Contains(strings.ToLower(r.stderr), "usage") || strings.Contains(r.stderr, "help requested") {
			t.Errorf("weft %s: exit %d, stderr %q; want exit 0 and the usage", strings.Join(args, " "), r.code, r.stderr)
		}
	}
}

// TestFlagErrorPrintedOnce: the flag package prints a bad flag with the
// usage; the command must not print it again.
func TestFlagErrorPrintedOnce(t *testing.T) {
	for _, args := range [][]string{{"server", "--bogus"}, {"runner", "--bogus"}, {"migrate", "--bogus"}, {"run", "--bogus"}} {
		r := runRefused(t, args...)
		if n := strings.Count(r.stderr, "flag provided but not defined: -bogus"); r.code != exitUsage || n != 1 {
			t.Errorf("weft %s: exit %d, the error printed %d times:\n%s", strings.Join(args, " "), r.code, n, r.stderr)
		}
	}
}

// TestPostgresMustBeAPostgresURL: anything but a postgres:// or
// postgresql:// URL given as the Postgres database is refused, naming its
// scheme but never its password, instead of becoming the name of a new
// SQLite file.
func TestPostgresMustBeAPostgresURL(t *testing.T) {
	t.Chdir(t.TempDir())
	const form = "want a Postgres URL, postgres://USER:PASSWORD@HOST:5432/DATABASE (or postgresql://…)"
	for _, tc := range []struct {
		value, want string
	}{
		{"postgress://weft:s3cret@db/weft", `has the scheme "postgress"`},
		{"sqlite:weft.db", `has the scheme "sqlite"`},
		{"host=127.0.0.1 user=postgres password=s3cret dbname=test", "is a key=value connection string, not a URL"},
		{"weft.db", "is not a URL"},
	} {
		for _, cmd := range [][]string{
			{"control-plane", "--nats", "nats://127.0.0.1:4222"},
			{"server"},
			{"migrate"},
			{"blobs", "gc"},
		} {
			check := func(r result, origin string) {
				t.Helper()
				want := origin + " " + tc.want + ": " + form
				if r.code != exitUsage || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "s3cret") {
					t.Errorf("weft %s with %s %q: exit %d, stderr %q; want exit %d and %q", strings.Join(cmd, " "), origin, tc.value, r.code, r.stderr, exitUsage, want)
				}
			}
			check(runRefused(t, append(cmd, "--postgres", tc.value)...), "--postgres")
			t.Setenv("WEFT_POSTGRES_URL", tc.value)
			check(runRefused(t, cmd...), "WEFT_POSTGRES_URL")
			os.Unsetenv("WEFT_POSTGRES_URL")
		}
	}
	if entries, _ := os.ReadDir("."); len(entries) != 0 {
		t.Errorf("refused URLs left files behind: %v", entries)
	}
}

// TestServerRefusesNonLoopbackNATSWithoutAuth: the embedded NATS has no
// authentication either, so --nats-listen follows --listen's rule.
func TestServerRefusesNonLoopbackNATSWithoutAuth(t *testing.T) {
	want := "refusing to serve the embedded NATS on 0.0.0.0:7714: it has no authentication"
	r := runRefused(t, "server", "--data", t.TempDir(), "--nats-listen", "0.0.0.0:7714")
	if r.code != exitUsage || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "--insecure-no-auth") {
		t.Errorf("--nats-listen 0.0.0.0:7714: exit %d, stderr %q", r.code, r.stderr)
	}
	t.Setenv("WEFT_NATS_LISTEN", "0.0.0.0:7714")
	r = runRefused(t, "server", "--data", t.TempDir())
	if r.code != exitUsage || !strings.Contains(r.stderr, want) {
		t.Errorf("WEFT_NATS_LISTEN=0.0.0.0:7714: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, tc := range []struct {
		listen   string
		insecure bool
		ok       bool
	}{
		{"127.0.0.1:7714", false, true},
		{"localhost:7714", false, true},
		{"[::1]:7714", false, true},
		{":7714", false, false},
		{"10.0.0.5:7714", false, false},
		{"0.0.0.0:7714", true, true},
		{"7714", true, false},
	} {
		if err := checkNATSListen(tc.listen, tc.insecure); (err == nil) != tc.ok {
			t.Errorf("checkNATSListen(%q, insecure %v) = %v; want accepted %v", tc.listen, tc.insecure, err, tc.ok)
		}
	}
}

// TestBadEnvironmentValuesAreRefused: a WEFT_* variable that does not
// parse stops the command, named with its value and the form wanted,
// instead of being replaced by the default. A flag given on the command
// line still wins over its variable.
func TestBadEnvironmentValuesAreRefused(t *testing.T) {
	const duration = "want a duration with its unit, such as 30s, 5m or 1h"
	for _, tc := range []struct {
		variable, value string
		args            []string
		want            string
	}{
		{"WEFT_ACK_WAIT", "5", []string{"server"}, `WEFT_ACK_WAIT="5": ` + duration},
		{"WEFT_LEASE", "abc", []string{"control-plane", "--postgres", "postgres://db/weft", "--nats", "nats://127.0.0.1:4222"}, `WEFT_LEASE="abc": ` + duration},
		{"WEFT_KEEP_EXECUTIONS_FOR", "2w", []string{"server"}, `WEFT_KEEP_EXECUTIONS_FOR="2w": ` + duration},
		{"WEFT_BLOB_GC_EVERY", "hourly", []string{"server"}, `WEFT_BLOB_GC_EVERY="hourly": ` + duration},
		{"WEFT_BLOB_GC_GRACE", "1", []string{"server"}, `WEFT_BLOB_GC_GRACE="1": ` + duration},
		{"WEFT_CONCURRENCY", "four", []string{"server"}, `WEFT_CONCURRENCY="four": want a whole number, such as 4`},
		{"WEFT_CONCURRENCY", "four", []string{"runner", "--nats", "nats://127.0.0.1:4222"}, `WEFT_CONCURRENCY="four": want a whole number, such as 4`},
		{"WEFT_RUNNERS", "1.5", []string{"server"}, `WEFT_RUNNERS="1.5": want a whole number, such as 4`},
		{"WEFT_KEEP_EXECUTIONS", "lots", []string{"server"}, `WEFT_KEEP_EXECUTIONS="lots": want a whole number, such as 4`},
		{"WEFT_DRAIN_TIMEOUT", "30", []string{"runner", "--nats", "nats://127.0.0.1:4222"}, `WEFT_DRAIN_TIMEOUT="30": ` + duration},
		{"WEFT_S3_PATH_STYLE", "yes", []string{"runner", "--nats", "nats://127.0.0.1:4222"}, `WEFT_S3_PATH_STYLE="yes": want true or false`},
		{"WEFT_S3_PATH_STYLE", "yes", []string{"server"}, `WEFT_S3_PATH_STYLE="yes": want true or false`},
		{"WEFT_S3_PATH_STYLE", "yes", []string{"blobs", "gc"}, `WEFT_S3_PATH_STYLE="yes": want true or false`},
		{"WEFT_MAX_BODY", "lots", []string{"server"}, `WEFT_MAX_BODY: invalid size "lots"`},
		// The flag wins: the bad variable is not what stops the command.
		{"WEFT_ACK_WAIT", "5", []string{"server", "--ack-wait", "10s", "--lease", "0s"}, "--lease 0s: must be positive"},
	} {
		t.Run(tc.variable+"="+tc.value, func(t *testing.T) {
			t.Chdir(t.TempDir())
			t.Setenv(tc.variable, tc.value)
			r := runRefused(t, tc.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("weft %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), r.code, r.stderr, exitUsage, tc.want)
			}
		})
	}
}

// TestSettingsThatMeanNothingAreRefused: values that parse but that no
// deployment could mean are refused, from a flag or a variable alike, and
// named as they were given. Where docs/configuration.md gives 0 a meaning
// (keep all, no in-process runners), 0 is accepted.
func TestSettingsThatMeanNothingAreRefused(t *testing.T) {
	runnerArgs := []string{"runner", "--nats", "nats://127.0.0.1:4222"}
	for _, tc := range []struct {
		env  []string // name, value
		args []string
		want string
	}{
		{nil, []string{"server", "--lease", "0s"}, "--lease 0s: must be positive"},
		{nil, []string{"server", "--lease", "-5s"}, "--lease -5s: must be positive"},
		{[]string{"WEFT_LEASE", "0s"}, []string{"server"}, "WEFT_LEASE=0s: must be positive"},
		{nil, []string{"server", "--ack-wait", "0s"}, "--ack-wait 0s: must be positive"},
		{[]string{"WEFT_ACK_WAIT", "-1m"}, []string{"server"}, "WEFT_ACK_WAIT=-1m: must be positive"},
		{nil, []string{"server", "--concurrency", "0"}, "--concurrency 0: must be at least 1"},
		{[]string{"WEFT_CONCURRENCY", "0"}, runnerArgs, "WEFT_CONCURRENCY=0: must be at least 1"},
		{nil, append(runnerArgs, "--concurrency", "-2"), "--concurrency -2: must be at least 1"},
		{nil, append(runnerArgs, "--drain-timeout", "0s"), "--drain-timeout 0s: must be positive"},
		{nil, []string{"server", "--runners", "-1"}, "--runners -1: must not be negative"},
		{nil, []string{"control-plane", "--postgres", "postgres://db/weft", "--nats", "nats://127.0.0.1:4222", "--runners", "-1"}, "--runners -1: must not be negative"},
		{[]string{"WEFT_RUNNERS", "0"}, []string{"server"}, "WEFT_RUNNERS=0: no runner could reach the embedded NATS"},
		{nil, []string{"server", "--keep-executions", "-1"}, "--keep-executions -1: must not be negative (0 keeps all finished executions)"},
		{[]string{"WEFT_KEEP_EXECUTIONS_FOR", "-1h"}, []string{"server"}, "WEFT_KEEP_EXECUTIONS_FOR=-1h: must not be negative"},
		{nil, []string{"server", "--max-body", "0"}, "--max-body 0: must be positive"},
	} {
		t.Run(strings.Join(append(tc.env, tc.args...), " "), func(t *testing.T) {
			t.Chdir(t.TempDir())
			if tc.env != nil {
				t.Setenv(tc.env[0], tc.env[1])
			}
			r := runRefused(t, tc.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, exitUsage, tc.want)
			}
		})
	}

	for _, tc := range []struct {
		embedded bool
		args     []string
	}{
		{true, []string{"--keep-executions", "0", "--keep-executions-for", "0s", "--blob-gc-every", "0s"}},
		{true, []string{"--runners", "0", "--nats-listen", "127.0.0.1:0"}},
		{true, []string{"--runners", "0", "--nats", "nats://127.0.0.1:4222"}},
		{false, []string{"--postgres", "postgresql://db/weft", "--nats", "nats://127.0.0.1:4222", "--runners", "0"}},
	} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var p planeFlags
		p.register(fs, tc.embedded)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if err := p.check(fs, tc.embedded); err != nil {
			t.Errorf("%v refused: %v", tc.args, err)
		}
	}
}

// TestNewerSchemaRefused: a database a newer weft migrated is refused by
// `weft migrate` and by `weft server`, naming both versions.
func TestNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	if r := runCLI(t, "", "migrate", "--data", dir); r.code != exitOK {
		t.Fatalf("migrate: exit %d: %s", r.code, r.stderr)
	}
	all, err := sqlstore.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	latest := all[len(all)-1].Version
	db, err := sql.Open("sqlite", filepath.Join(dir, "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from_the_future', 0)`, latest+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	want := fmt.Sprintf("the database schema is at version %d, newer than this weft (%d); upgrade weft", latest+1, latest)
	for _, args := range [][]string{{"migrate", "--data", dir}, {"server", "--data", dir, "--listen", "127.0.0.1:0"}} {
		r := runCLI(t, "", args...)
		if r.code != exitFailed || !strings.Contains(r.stderr, want) || strings.Contains(r.stdout, "schema at version") {
			t.Errorf("weft %s: exit %d\nstdout: %s\nstderr: %s\nwant exit %d and %q", strings.Join(args, " "), r.code, r.stdout, r.stderr, exitFailed, want)
		}
	}
}

// TestServerExplainsNATSWithoutJetStream points the server at a NATS
// server started without JetStream: the error says so and how to fix it,
// rather than "no responders available for request".
func TestServerExplainsNATSWithoutJetStream(t *testing.T) {
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	t.Cleanup(ns.Shutdown)
	if !ns.ReadyForConnections(time.Minute) {
		t.Fatal("the NATS server did not start")
	}
	r := runWorkflowCLI(t, "server", "--data", t.TempDir(), "--listen", "127.0.0.1:0", "--nats", ns.ClientURL())
	want := "NATS at " + ns.ClientURL() + " answers, but JetStream seems disabled: start nats-server with -js"
	if r.code != exitFailed || !strings.Contains(r.stderr, want) {
		t.Fatalf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, exitFailed, want)
	}
}

// TestExplainNATSTimeout: a control plane that cannot reach NATS fails
// when setting up JetStream times out (after a minute, too long for a
// test to wait for); the error names NATS and its URL, without the
// credentials in it.
func TestExplainNATSTimeout(t *testing.T) {
	cause := fmt.Errorf("bus: stream WEFT_TASKS: %w", context.DeadlineExceeded)
	err := explainNATS("nats://weft:s3cret@nats.internal:4222", cause)
	want := "cannot reach NATS at nats://…@nats.internal:4222, or its JetStream did not answer: bus: stream WEFT_TASKS: context deadline exceeded"
	if err.Error() != want || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("explainNATS = %q; want %q", err, want)
	}
	other := errors.New("bus: bucket weft_workflows: insufficient resources")
	if err := explainNATS("nats://127.0.0.1:4222", other); err != other {
		t.Errorf("an error with nothing to explain became %q", err)
	}
	if got := bus.RedactURL("nats://a:1@h1:4222,nats://token@h2:4222,nats://h3:4222"); got != "nats://…@h1:4222,nats://…@h2:4222,nats://h3:4222" {
		t.Errorf("RedactURL = %q", got)
	}
}

// TestConfigurationDocsNameEveryFlag: docs/configuration.md documents
// every flag and variable the serving commands accept, and the usage
// line of each names its blob store flags.
func TestConfigurationDocsNameEveryFlag(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	flagLine := regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`)
	envName := regexp.MustCompile(`env (WEFT_[A-Z0-9_]+)`)
	for _, cmd := range [][]string{{"server"}, {"control-plane"}, {"runner"}, {"migrate"}, {"blobs", "gc"}, {"import"}} {
		r := runCLI(t, "", append(cmd, "-h")...)
		name := strings.Join(cmd, " ")
		for _, m := range flagLine.FindAllStringSubmatch(r.stderr, -1) {
			if !regexp.MustCompile(`--` + m[1] + `([^a-z0-9-]|$)`).Match(doc) {
				t.Errorf("weft %s --%s is not in docs/configuration.md", name, m[1])
			}
		}
		for _, m := range envName.FindAllStringSubmatch(r.stderr, -1) {
			if !bytes.Contains(doc, []byte("`"+m[1]+"`")) {
				t.Errorf("weft %s reads %s, which is not in docs/configuration.md", name, m[1])
			}
		}
		if !strings.Contains(r.stderr, "-s3-bucket") {
			continue
		}
		own, _, _ := strings.Cut(r.stderr, "\n")
		_, help, _ := strings.Cut(usage, "\n  weft "+name+" ")
		help, _, _ = strings.Cut(help, "\n")
		for _, line := range []string{own, help} {
			if !strings.Contains(line, "--s3-bucket") || !strings.Contains(line, "--blob-dir") {
				t.Errorf("weft %s takes --blob-dir and --s3-bucket, but a usage line does not say so: %q", name, line)
			}
		}
	}
}
