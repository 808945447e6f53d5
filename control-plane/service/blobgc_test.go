package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/control-plane/orchestrator"
	"github.com/weftrun/weft/control-plane/service"
)

// TestBlobGC checks that the service collects blobs: once they are old
// enough, those no stored data references go, the run data of a kept
// execution stays, and a blob younger than the grace period stays.
func TestBlobGC(t *testing.T) {
	dir := t.TempDir()
	st := sqliteStore(t, dir)
	defer st.Close()
	ctx := context.Background()
	var mu sync.Mutex
	var logged []string
	svc, err := service.Start(ctx, service.Config{Store: st, Core: loadCore(t), DataDir: dir, Runners: 1, Alone: true,
		PayloadThreshold: 100, BlobGCEvery: 50 * time.Millisecond, BlobGCGrace: time.Hour,
		Logf: func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			logged = append(logged, fmt.Sprintf(format, args...))
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	blobs := svc.Blobs.(*blob.Dir)

	wID := save(t, st, chainWorkflow)
	h := start(t, svc, orchestrator.StartRequest{WorkflowID: wID, StartData: [][]api.Item{{{JSON: json.RawMessage(`{"n":1,"note":"` + strings.Repeat("x", 200) + `"}`)}}}})
	if _, err := h.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	e, err := st.GetExecution(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	runData := blob.RefOf(e.RunData)
	if ok, err := blobs.Exists(ctx, runData); err != nil || !ok {
		t.Fatalf("the run data (%d bytes) is not in the blob store: %v", len(e.RunData), err)
	}

	orphan, err := blobs.Put(ctx, []byte("an orphan"))
	if err != nil {
		t.Fatal(err)
	}
	// Everything stored so far looks old: only references keep it now.
	old := time.Now().Add(-2 * time.Hour)
	err = blobs.List(ctx, func(i blob.Info) error {
		d := i.Ref.Digest()
		return os.Chtimes(filepath.Join(blobs.Path(), "sha256", d[:2], d), old, old)
	})
	if err != nil {
		t.Fatal(err)
	}
	young, err := blobs.Put(ctx, []byte("an orphan younger than the grace period"))
	if err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := blobs.Exists(ctx, orphan)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the orphan %s is still there", orphan)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, ref := range []blob.Ref{runData, young} {
		if ok, err := blobs.Exists(ctx, ref); err != nil || !ok {
			t.Errorf("blob %s was deleted: %v", ref, err)
		}
	}
	if got, err := st.GetExecution(ctx, h.ID); err != nil || string(got.RunData) != string(e.RunData) {
		t.Fatalf("run data of the kept execution after collection: %v", err)
	}
	// The collection logs once its sweep is over, after the deletion seen
	// above.
	for {
		mu.Lock()
		found := false
		for _, l := range logged {
			found = found || strings.HasPrefix(l, "blob gc: ") && strings.Contains(l, " blobs deleted, ") && strings.Contains(l, " MiB freed, ")
		}
		seen := append([]string(nil), logged...)
		mu.Unlock()
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no collection was logged: %q", seen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
