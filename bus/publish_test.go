package bus

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

func TestPubAckError(t *testing.T) {
	for ack, want := range map[string]string{
		`{"stream":"WEFT_TASKS","seq":12}`:                  "",
		`{"stream":"WEFT_TASKS","seq":12,"duplicate":true}`: "",
		`{"seq":12,"stream":"WEFT_TASKS"}`:                  "",
		`{"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"},"stream":"WEFT_TASKS","seq":0}`: "maximum messages exceeded (error 10077)",
		`{"stream":"WEFT_TASKS","error":{"code":400,"err_code":10071,"description":"wrong last sequence: 3"}}`:            "wrong last sequence: 3",
		`{"seq":1}`: "names no stream",
		`not json`:  "unreadable acknowledgement",
		``:          "unreadable acknowledgement",
	} {
		err := pubAckError([]byte(ack))
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v, want accepted", ack, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", ack, err, want)
		}
	}
}

// TestPublish stores, deduplicates and refuses through a real embedded
// server.
func TestPublish(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := StartEmbedded(EmbeddedOptions{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	nc, err := srv.Connect("test")
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "T", Subjects: []string{"t.>"}, MaxMsgs: 2, Discard: jetstream.DiscardNew})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "a", "b"} {
		if err := Publish(ctx, nc, "t.x", id, []byte(id)); err != nil {
			t.Fatalf("publish %s: %v", id, err)
		}
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 2 {
		t.Fatalf("stream holds %d messages, want 2 (a duplicate was stored)", info.State.Msgs)
	}
	m, err := s.GetMsg(ctx, 1)
	if err != nil || string(m.Data) != "a" || m.Header.Get(jetstream.MsgIDHeader) != "a" {
		t.Fatalf("first message %+v (%v), want a with its message ID", m, err)
	}
	if err := Publish(ctx, nc, "t.x", "c", []byte("c")); err == nil || !strings.Contains(err.Error(), "maximum messages") {
		t.Fatalf("publishing to a full stream: %v, want the stream's refusal", err)
	}
	if err := Publish(ctx, nc, "nowhere", "d", []byte("d")); err == nil || !strings.Contains(err.Error(), "no stream takes it") {
		t.Fatalf("publishing where no stream listens: %v, want no stream named", err)
	}
}

// TestSetupDuplicateWindow: streams on disk keep two minutes of message
// IDs; in memory mode, whose streams live in the process, twenty seconds.
func TestSetupDuplicateWindow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, c := range []struct {
		memory bool
		want   time.Duration
	}{{false, 2 * time.Minute}, {true, 20 * time.Second}} {
		srv, err := StartEmbedded(EmbeddedOptions{StoreDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		nc, err := srv.Connect("test")
		if err != nil {
			t.Fatal(err)
		}
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		if err := Setup(ctx, js, Config{Memory: c.memory}); err != nil {
			t.Fatal(err)
		}
		s, err := js.Stream(ctx, TasksStream)
		nc.Close()
		srv.Shutdown()
		if err != nil {
			t.Fatal(err)
		}
		if got := s.CachedInfo().Config.Duplicates; got != c.want {
			t.Errorf("memory %v: tasks stream's duplicate window %v, want %v", c.memory, got, c.want)
		}
	}
}
