package sqlstore

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/internal/pgtest"
	"github.com/weftrun/weft/store"
	"github.com/weftrun/weft/store/storetest"
)

var ctx = context.Background()

func openSQLite(t *testing.T) *Store {
	t.Helper()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func openPostgres(t *testing.T) *Store {
	t.Helper()
	s, err := Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func migrated(t *testing.T, s *Store) store.Store {
	t.Helper()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSQLiteStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return migrated(t, openSQLite(t)) })
}

func TestPostgresStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return migrated(t, openPostgres(t)) })
}

func testMigrate(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	defer s.Close()
	all, err := Migrations()
	if err != nil || len(all) == 0 {
		t.Fatalf("embedded migrations: %v, %v", all, err)
	}
	if v, err := s.SchemaVersion(ctx); err == nil && v != 0 {
		t.Fatalf("fresh database at schema version %d", v)
	}
	applied, err := s.Migrate(ctx)
	if err != nil || len(applied) != len(all) {
		t.Fatalf("first migrate applied %v, %v", applied, err)
	}
	applied, err = s.Migrate(ctx)
	if err != nil || len(applied) != 0 {
		t.Fatalf("second migrate applied %v, %v; want nothing", applied, err)
	}
	if v, err := s.SchemaVersion(ctx); err != nil || v != all[len(all)-1].Version {
		t.Fatalf("schema version %d, %v", v, err)
	}
}

func TestMigrateSQLite(t *testing.T) { testMigrate(t, openSQLite) }

func TestMigratePostgres(t *testing.T) { testMigrate(t, openPostgres) }

// TestMigratePostgresConcurrently starts several control planes on one
// empty database at once: each migration is applied exactly once.
func TestMigratePostgresConcurrently(t *testing.T) {
	url := pgtest.URL(t)
	const n = 4
	var wg sync.WaitGroup
	results := make([][]int, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			defer s.Close()
			results[i], errs[i] = s.Migrate(ctx)
		}()
	}
	wg.Wait()
	total := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("control plane %d: %v", i, errs[i])
		}
		total += len(results[i])
	}
	all, _ := Migrations()
	if total != len(all) {
		t.Fatalf("%d migrations applied across control planes, want %d", total, len(all))
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(ctx, "sqlite:"); err == nil {
		t.Error("an empty SQLite path opened")
	}
	if _, err := Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=1"); err == nil || !strings.Contains(err.Error(), "connecting to postgres") {
		t.Errorf("unreachable Postgres: %v", err)
	}
}

func TestLargeRunDataGoesToBlobs(t *testing.T) {
	s := openSQLite(t)
	defer s.Close()
	migrated(t, s)
	blobs, err := blob.OpenDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	s.UseBlobs(blobs, 1024)
	w, err := s.CreateWorkflow(ctx, "big", json.RawMessage(`{"name":"big","nodes":[],"connections":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{100, 5000} {
		e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "manual", Status: store.StatusRunning})
		if err != nil {
			t.Fatal(err)
		}
		runData := json.RawMessage(`{"x":"` + strings.Repeat("a", size) + `"}`)
		if err := s.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "x", runData, nil); err != nil {
			t.Fatal(err)
		}
		var raw string
		if err := s.db.QueryRow(s.q(`SELECT run_data FROM execution_data WHERE execution_id = ?`), e.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if inBlob := strings.HasPrefix(raw, runDataBlobPrefix); inBlob != (size > 1024) {
			t.Errorf("%d bytes of run data: row holds %.40q", size, raw)
		}
		got, err := s.GetExecution(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.RunData) != string(runData) {
			t.Errorf("%d bytes of run data came back as %d bytes", size, len(got.RunData))
		}
	}
}

// The warning about autovacuum follows the server's setting, whichever it
// is here.
func TestPostgresWarnings(t *testing.T) {
	s := openPostgres(t)
	defer s.Close()
	var setting string
	if err := s.db.QueryRowContext(ctx, `SHOW autovacuum`).Scan(&setting); err != nil {
		t.Fatal(err)
	}
	w, err := s.Warnings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	warned := len(w) == 1 && strings.Contains(w[0], "autovacuum off")
	if warned != (setting == "off") || len(w) > 1 {
		t.Errorf("autovacuum is %s; warnings %q", setting, w)
	}
	if w, err := openSQLite(t).Warnings(ctx); err != nil || len(w) != 0 {
		t.Errorf("SQLite: warnings %q, %v", w, err)
	}
}
