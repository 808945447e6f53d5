package bus

import (
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// EmbeddedOptions configure an in-process NATS server.
type EmbeddedOptions struct {
	// StoreDir holds JetStream's files.
	StoreDir string
	// Listen is "host:port" to accept TCP clients too (runners in other
	// processes); empty serves in-process connections only. Port 0 or -1
	// picks a free port.
	Listen string
	// SyncAlways makes JetStream fsync every write before acknowledging it
	// (sync_interval: always); slower, and survives power loss.
	SyncAlways bool
}

// Embedded is a NATS server with JetStream running inside this process.
type Embedded struct {
	srv *server.Server
}

// StartEmbedded starts a NATS server with JetStream in this process.
func StartEmbedded(o EmbeddedOptions) (*Embedded, error) {
	if o.StoreDir == "" {
		return nil, errors.New("bus: the embedded NATS server needs a store directory")
	}
	opts := &server.Options{
		ServerName: "weft-embedded",
		JetStream:  true,
		StoreDir:   o.StoreDir,
		NoSigs:     true,
		NoLog:      true,
		DontListen: o.Listen == "",
		MaxPayload: 8 << 20,
	}
	if o.SyncAlways {
		opts.SyncAlways = true
	}
	if o.Listen != "" {
		host, port, err := splitHostPort(o.Listen)
		if err != nil {
			return nil, err
		}
		opts.Host, opts.Port = host, port
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("bus: embedded NATS server: %w", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		return nil, errors.New("bus: the embedded NATS server did not become ready in 30s")
	}
	return &Embedded{srv: srv}, nil
}

func splitHostPort(hp string) (string, int, error) {
	for i := len(hp) - 1; i >= 0; i-- {
		if hp[i] == ':' {
			var port int
			if _, err := fmt.Sscanf(hp[i+1:], "%d", &port); err != nil {
				return "", 0, fmt.Errorf("bus: bad listen address %q: the port is not a number", hp)
			}
			if port == 0 {
				port = server.RANDOM_PORT
			}
			return hp[:i], port, nil
		}
	}
	return "", 0, fmt.Errorf("bus: bad listen address %q: want host:port", hp)
}

// Connect opens an in-process connection to the server.
func (e *Embedded) Connect(name string) (*nats.Conn, error) {
	nc, err := nats.Connect("", nats.InProcessServer(e.srv), nats.Name(name), nats.MaxReconnects(-1))
	if err != nil {
		return nil, fmt.Errorf("bus: connecting to the embedded NATS server: %w", err)
	}
	return nc, nil
}

// ClientURL is the TCP URL clients in other processes use; empty when the
// server does not listen.
func (e *Embedded) ClientURL() string {
	if e.srv.Addr() == nil {
		return ""
	}
	return e.srv.ClientURL()
}

// Shutdown stops the server and waits for it.
func (e *Embedded) Shutdown() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}
