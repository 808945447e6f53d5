package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one embedded schema migration: migrations/NNNN_name.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		num, rest, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration file %q: want NNNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := range out {
		if out[i].Version != i+1 {
			return nil, fmt.Errorf("migrations: version %d missing", i+1)
		}
	}
	return out, nil
}

func (s *Store) render(sqlText string) string {
	serial := "INTEGER PRIMARY KEY AUTOINCREMENT"
	if s.dialect == Postgres {
		serial = "BIGSERIAL PRIMARY KEY"
	}
	return strings.ReplaceAll(sqlText, "{{serial}}", serial)
}

// Migrate applies the migrations the database lacks, each in its own
// transaction, and returns the versions it applied. Control planes starting
// together are serialised: Postgres by an advisory lock, SQLite by its
// write lock. A database a newer weft migrated is refused with a
// *SchemaTooNewError, and left as it is.
func (s *Store) Migrate(ctx context.Context) ([]int, error) {
	migs, err := Migrations()
	if err != nil {
		return nil, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()
	if s.dialect == Postgres {
		// An arbitrary constant: "weft" in ASCII.
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(2003199604)`); err != nil {
			return nil, fmt.Errorf("store: migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(2003199604)`)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	if err := s.notNewer(ctx, conn, migs[len(migs)-1].Version); err != nil {
		return nil, err
	}
	var applied []int
	for _, m := range migs {
		done, err := s.applyOne(ctx, conn, m)
		if err != nil {
			return applied, fmt.Errorf("store: migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if done {
			applied = append(applied, m.Version)
		}
	}
	return applied, nil
}

// notNewer fails when the database has a migration this binary does not
// know: a newer weft migrated it, and this one would misread or damage
// tables it does not know the shape of.
func (s *Store) notNewer(ctx context.Context, conn *sql.Conn, latest int) error {
	var v sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return fmt.Errorf("store: migrate: schema version: %w", err)
	}
	if int(v.Int64) > latest {
		return &SchemaTooNewError{Version: int(v.Int64), Latest: latest}
	}
	return nil
}

// SchemaTooNewError says the database was migrated by a newer weft.
type SchemaTooNewError struct {
	Version int // the database's newest migration
	Latest  int // the newest migration this binary embeds
}

func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("the database schema is at version %d, newer than this weft (%d); upgrade weft", e.Version, e.Latest)
}

// applyOne applies m unless it is recorded already.
func (s *Store) applyOne(ctx context.Context, conn *sql.Conn, m Migration) (bool, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.Version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, s.render(m.SQL)); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`), m.Version, m.Name, ms(s.now())); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// SchemaVersion returns the newest applied migration, 0 for none.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return int(v.Int64), nil
}
