package bus_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftrun/weft/bus"
	"github.com/weftrun/weft/internal/natstest"
)

// TestReportConnection checks that a process pointed at a NATS server
// that is not there says so (once, not at every retry), and says when it
// is connected, and again after the server went away and came back.
func TestReportConnection(t *testing.T) {
	srv := natstest.Start(t)
	// Credentials in the URL never reach the log.
	url := strings.Replace(srv.URL(), "nats://", "nats://weft:s3cret@", 1)
	shown := strings.Replace(url, "weft:s3cret", "…", 1)
	srv.Shutdown()

	var mu sync.Mutex
	var lines []string
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}
	count := func(s string) int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, l := range lines {
			if strings.Contains(l, s) {
				n++
			}
		}
		return n
	}
	waitFor := func(s string, n int) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for count(s) < n {
			if time.Now().After(deadline) {
				mu.Lock()
				defer mu.Unlock()
				t.Fatalf("no %d lines with %q in %q", n, s, lines)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	nc, err := bus.Connect(url, "reporting", bus.ReportConnection(url, logf)...)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	waitFor("NATS at "+shown+" cannot be reached", 1)
	// Retries every 250 ms do not repeat the report.
	time.Sleep(time.Second)
	if n := count("cannot be reached"); n != 1 {
		t.Fatalf("%d reports of the same absence in a second, want 1", n)
	}

	srv.Restart(t)
	waitFor("connected to NATS at "+shown, 1)
	if !nc.IsConnected() {
		t.Fatal("reported connected, but is not")
	}

	srv.Shutdown()
	waitFor("cannot be reached", 2)
	srv.Restart(t)
	waitFor("reconnected to NATS at "+shown, 1)
	if n := count("s3cret"); n != 0 {
		t.Fatalf("%d log lines show the password", n)
	}
}

// TestSetupSaysWhenItChangesTheAckWait: the consumers are shared, so a
// control plane started with another ack wait changes it for all; it
// says so, and says nothing when it changes nothing.
func TestSetupSaysWhenItChangesTheAckWait(t *testing.T) {
	_, js := natstest.JetStream(t, natstest.Start(t).Embedded, "setup-test")
	var lines []string
	setup := func(ackWait time.Duration) {
		t.Helper()
		lines = nil
		cfg := bus.Config{AckWait: ackWait, Logf: func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }}
		if err := bus.Setup(t.Context(), js, cfg); err != nil {
			t.Fatal(err)
		}
	}
	setup(3 * time.Second)
	if len(lines) != 0 {
		t.Fatalf("the first setup said %q", lines)
	}
	setup(3 * time.Second)
	if len(lines) != 0 {
		t.Fatalf("a setup that changes nothing said %q", lines)
	}
	setup(7 * time.Second)
	if len(lines) != 2 || !strings.Contains(lines[0], "had an ack wait of 3s") || !strings.Contains(lines[0], "now 7s") || !strings.Contains(lines[0], "--ack-wait") {
		t.Fatalf("changing the ack wait said %q, want both consumers named with the old and new value", lines)
	}
}
