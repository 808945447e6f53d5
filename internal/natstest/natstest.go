// Package natstest starts real NATS servers with JetStream for tests: the
// same server the embedded mode runs, listening on a random loopback port.
package natstest

import (
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/weftrun/weft/bus"
)

// Server is a NATS server started for a test.
type Server struct {
	*bus.Embedded
	// Dir is its JetStream store, kept across Restart.
	Dir  string
	addr string
}

// Start starts a NATS server with JetStream on a random loopback port,
// storing in a temporary directory; it stops at the end of the test.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{Dir: tb.TempDir(), addr: "127.0.0.1:0"}
	s.start(tb)
	tb.Cleanup(func() { s.Shutdown() })
	return s
}

func (s *Server) start(tb testing.TB) {
	tb.Helper()
	e, err := bus.StartEmbedded(bus.EmbeddedOptions{StoreDir: s.Dir, Listen: s.addr})
	if err != nil {
		tb.Fatal(err)
	}
	s.Embedded = e
	// Restarts come back on the same port, as a restarted server would.
	s.addr = e.ClientURL()[len("nats://"):]
}

// URL is the server's client URL.
func (s *Server) URL() string { return "nats://" + s.addr }

// Restart stops the server and starts it again on the same port and store.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.Shutdown()
	s.start(tb)
}

// JetStream connects to e (in process) and returns the connection, closed
// at the end of the test, and its JetStream context.
func JetStream(tb testing.TB, e *bus.Embedded, name string) (*nats.Conn, jetstream.JetStream) {
	tb.Helper()
	nc, err := e.Connect(name)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		tb.Fatal(err)
	}
	return nc, js
}
