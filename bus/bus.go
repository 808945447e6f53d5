// Package bus is the NATS JetStream contract between control planes and
// runners: the streams, consumers and subjects, the task and result
// messages, and the embedded NATS server of `weft server`.
//
// Node tasks go to the work-queue stream WEFT_TASKS, which every runner
// pulls from through one durable consumer ("runners"). A runner hands each
// result straight to a control plane on CommitSubject, with the task's
// acknowledgement subject; the control plane commits the result to the
// store and only then acknowledges the task. When no control plane listens,
// the runner publishes the result to WEFT_RESULTS and then acknowledges
// the task; control planes pull that stream through the durable consumer
// "control-planes", commit what they take and only then acknowledge it.
// Tasks and results carry the task ID (execution/node/run/try) as
// Nats-Msg-Id, so a republished task or result inside the duplicate window
// is dropped by JetStream, and the store keeps one result per task ID for
// whatever gets past it.
package bus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Streams, consumers and subjects.
const (
	TasksStream     = "WEFT_TASKS"
	ResultsStream   = "WEFT_RESULTS"
	DeadStream      = "WEFT_DEAD"
	RunnersConsumer = "runners"
	ControlConsumer = "control-planes"
	WorkflowsBucket = "weft_workflows"

	// TaskSubject prefixes task subjects: weft.tasks.<execution id>.
	TaskSubject = "weft.tasks."
	// ResultSubject prefixes result subjects: weft.results.<execution id>.
	ResultSubject = "weft.results."
	// DeadSubject receives tasks that exhausted their deliveries, with
	// the reason in the Weft-Reason header.
	DeadSubject = "weft.dead.tasks"
	// NotifySubject carries committed results between control planes (core
	// NATS, not persisted): the one that committed a result tells the one
	// waiting for it.
	NotifySubject = "weft.notify.results"
	// RunnersSubject is where runners announce themselves (heartbeats).
	RunnersSubject = "weft.runners.heartbeat"
	// RollCallSubject asks every runner to announce itself now: a
	// control plane that starts counts the runners at once instead of
	// after their next heartbeat.
	RollCallSubject = "weft.runners.rollcall"
	// CommitSubject is where runners hand results straight to the control
	// planes (core NATS, queue group ControlPlanes), with the task's
	// acknowledgement subject in the AckHeader header: the control plane
	// that takes a result commits it to the store, then acknowledges the
	// task. A runner whose result no control plane listens for (NATS
	// answers its reply subject with a no-responders status) publishes it
	// to the results stream instead.
	CommitSubject = "weft.commit.results"
	// ControlPlanes is the queue group of the control planes' shared
	// subscriptions.
	ControlPlanes = "weft-control-planes"
)

// AckHeader carries, on a result handed over on CommitSubject, the subject
// its task is acknowledged on.
const AckHeader = "Weft-Ack"

// taskAckPrefix begins the acknowledgement subject of every task; the
// subject then names the stream and consumer (IsTaskAckSubject checks it).
const taskAckPrefix = "$JS.ACK."

// IsTaskAckSubject reports whether s acknowledges a message of the tasks
// stream delivered through the runners' consumer: a control plane
// acknowledges only such subjects on a runner's word.
func IsTaskAckSubject(s string) bool {
	return strings.HasPrefix(s, taskAckPrefix) && strings.Contains(s, "."+TasksStream+"."+RunnersConsumer+".") &&
		!strings.ContainsAny(s, " \t\r\n*>")
}

// Config tunes the streams and consumers.
type Config struct {
	// AckWait is how long a delivered task may go without an ack or an
	// in-progress signal before JetStream redelivers it (default 30s).
	AckWait time.Duration
	// MaxDeliver is how many times a task is delivered before it goes to
	// the dead-letter subject (default 5).
	MaxDeliver int
	// Duplicates is JetStream's duplicate window (default 2m, or 20s with
	// Memory). The window holds every message ID published in it: at
	// 2,000 tasks/s, 2 minutes' worth is about 24 MB of the NATS server's
	// heap, which every collection marks. In memory mode that is this
	// process's heap, and the streams do not outlive it: the window only
	// needs to cover a publish retried after its acknowledgement was
	// lost.
	Duplicates time.Duration
	// Replicas of each stream, for clustered NATS (default 1).
	Replicas int
	// Memory keeps the task and result streams in memory instead of on
	// disk. Safe only where the store is the sole record, as in the
	// embedded mode: the store holds every execution and committed result,
	// and a restarted control plane republishes the tasks of the
	// executions it resumes.
	Memory bool
	// Logf, when set, hears of settings this start changes for every
	// control plane and runner on the bus (another control plane's ack
	// wait, say).
	Logf func(format string, args ...any)
}

func (c Config) withDefaults() Config {
	if c.AckWait <= 0 {
		c.AckWait = 30 * time.Second
	}
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = 5
	}
	if c.Duplicates <= 0 {
		c.Duplicates = 2 * time.Minute
		if c.Memory {
			c.Duplicates = 20 * time.Second
		}
	}
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	return c
}

// Setup creates or updates the streams, consumers and the workflow bucket.
// Control planes call it at start; runners only look the consumer up.
func Setup(ctx context.Context, js jetstream.JetStream, cfg Config) error {
	cfg = cfg.withDefaults()
	streams := []jetstream.StreamConfig{
		{Name: TasksStream, Subjects: []string{TaskSubject + ">"}, Retention: jetstream.WorkQueuePolicy},
		{Name: ResultsStream, Subjects: []string{ResultSubject + ">"}, Retention: jetstream.WorkQueuePolicy},
		{Name: DeadStream, Subjects: []string{DeadSubject}, Retention: jetstream.LimitsPolicy, MaxAge: 14 * 24 * time.Hour},
	}
	for i, sc := range streams {
		sc.Storage = jetstream.FileStorage
		if cfg.Memory && i < 2 {
			sc.Storage = jetstream.MemoryStorage
		}
		sc.Duplicates = cfg.Duplicates
		sc.Replicas = cfg.Replicas
		if _, err := js.CreateOrUpdateStream(ctx, sc); err != nil {
			// A stream kept on disk by an earlier run cannot change its
			// storage in place; in memory mode its contents can be
			// dropped (the store holds what matters).
			if !cfg.Memory || sc.Storage != jetstream.MemoryStorage {
				return fmt.Errorf("bus: stream %s: %w", sc.Name, err)
			}
			if derr := js.DeleteStream(ctx, sc.Name); derr != nil {
				return fmt.Errorf("bus: stream %s: %w", sc.Name, err)
			}
			if _, err := js.CreateStream(ctx, sc); err != nil {
				return fmt.Errorf("bus: stream %s: %w", sc.Name, err)
			}
		}
	}
	consumers := []struct {
		stream string
		cc     jetstream.ConsumerConfig
	}{
		{TasksStream, jetstream.ConsumerConfig{Durable: RunnersConsumer, AckWait: cfg.AckWait, MaxDeliver: cfg.MaxDeliver}},
		{ResultsStream, jetstream.ConsumerConfig{Durable: ControlConsumer, AckWait: cfg.AckWait}},
	}
	for _, c := range consumers {
		c.cc.AckPolicy = jetstream.AckExplicitPolicy
		c.cc.MaxAckPending = 20000
		c.cc.MaxWaiting = 512
		if cfg.Logf != nil {
			// The consumers are shared: what this start sets, every
			// control plane and runner on the bus gets.
			if had, err := js.Consumer(ctx, c.stream, c.cc.Durable); err == nil {
				if was := had.CachedInfo().Config.AckWait; was != c.cc.AckWait {
					cfg.Logf("bus: consumer %s had an ack wait of %v, set by an earlier start or another control plane; it is now %v for all of them: give every control plane the same --ack-wait",
						c.cc.Durable, was, c.cc.AckWait)
				}
			}
		}
		if _, err := js.CreateOrUpdateConsumer(ctx, c.stream, c.cc); err != nil {
			return fmt.Errorf("bus: consumer %s on %s: %w", c.cc.Durable, c.stream, err)
		}
	}
	if _, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: WorkflowsBucket, Storage: jetstream.FileStorage, Replicas: cfg.Replicas, History: 1}); err != nil {
		return fmt.Errorf("bus: bucket %s: %w", WorkflowsBucket, err)
	}
	return nil
}

// WaitForConsumer looks a consumer up, retrying until it exists or ctx
// ends: runners start before or after the control plane that creates it.
func WaitForConsumer(ctx context.Context, js jetstream.JetStream, stream, name string) (jetstream.Consumer, error) {
	delay := 100 * time.Millisecond
	for {
		c, err := js.Consumer(ctx, stream, name)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, jetstream.ErrConsumerNotFound) && !errors.Is(err, jetstream.ErrStreamNotFound) &&
			!errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, jetstream.ErrJetStreamNotEnabled) {
			return nil, fmt.Errorf("bus: consumer %s on %s: %w", name, stream, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("bus: waiting for consumer %s on %s (is a control plane running?): %w", name, stream, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// WaitForBucket looks the workflows bucket up, retrying until it exists or
// ctx ends (control planes create it after the streams).
func WaitForBucket(ctx context.Context, js jetstream.JetStream) (jetstream.KeyValue, error) {
	delay := 100 * time.Millisecond
	for {
		kv, err := js.KeyValue(ctx, WorkflowsBucket)
		if err == nil {
			return kv, nil
		}
		if !errors.Is(err, jetstream.ErrBucketNotFound) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, nats.ErrTimeout) {
			return nil, fmt.Errorf("bus: bucket %s: %w", WorkflowsBucket, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("bus: waiting for bucket %s (is a control plane running?): %w", WorkflowsBucket, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// Connect dials NATS at url with reconnects that never give up: a NATS
// restart must not end a runner or a control plane. Options such as
// ReportConnection's come after its own.
func Connect(url, name string, opts ...nats.Option) (*nats.Conn, error) {
	base := []nats.Option{
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(reconnectWait),
		nats.ReconnectBufSize(64 << 20),
		nats.RetryOnFailedConnect(true),
	}
	nc, err := nats.Connect(url, append(base, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("bus: connecting to NATS at %s: %w", url, err)
	}
	return nc, nil
}

const (
	// reconnectWait is how long a connection waits between attempts.
	reconnectWait = 250 * time.Millisecond
	// reportEvery spaces the reports of a NATS server that stays away.
	reportEvery = 10 * time.Second
)

// ReportConnection returns options that tell logf what becomes of a
// connection to NATS at url: a server that cannot be reached (at once,
// then every 10 s while it stays away), a lost connection, and the
// connection made or made again after either. Without them a process
// pointed at the wrong address waits without a word.
func ReportConnection(url string, logf func(format string, args ...any)) []nats.Option {
	url = RedactURL(url)
	var (
		mu       sync.Mutex
		away     bool
		reported time.Time
	)
	failed := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if !away || time.Since(reported) >= reportEvery {
			logf("NATS at %s cannot be reached: %v; retrying every %v", url, err, reconnectWait)
			reported = time.Now()
		}
		away = true
	}
	back := func(what string) {
		mu.Lock()
		defer mu.Unlock()
		if away {
			logf("%s NATS at %s", what, url)
		}
		away = false
	}
	return []nats.Option{
		nats.ReconnectErrHandler(func(_ *nats.Conn, err error) { failed(err) }),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				failed(err)
			}
		}),
		nats.ConnectHandler(func(*nats.Conn) { back("connected to") }),
		nats.ReconnectHandler(func(*nats.Conn) { back("reconnected to") }),
	}
}

// RedactURL is a URL, or a comma-separated list of them, without user
// names, passwords and tokens, for messages.
func RedactURL(s string) string {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		at := strings.LastIndex(p, "@")
		if at < 0 {
			continue
		}
		start := 0
		if j := strings.Index(p[:at], "://"); j >= 0 {
			start = j + len("://")
		}
		parts[i] = p[:start] + "…" + p[at:]
	}
	return strings.Join(parts, ",")
}
