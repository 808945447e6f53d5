// Package sqlstore implements store.Store on SQL: SQLite (modernc.org/sqlite,
// pure Go) for the embedded mode and Postgres (pgx v5) for the distributed
// mode. The schema is the embedded, versioned migrations in migrations/,
// applied by Migrate.
package sqlstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/store"
)

// Dialect is the SQL flavour of a Store.
type Dialect int

const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// Store is a store.Store on a SQL database.
type Store struct {
	db      *sql.DB
	dialect Dialect
	now     func() time.Time
	// blobs, when set, keeps run data above blobMin bytes out of the
	// database.
	blobs   blob.Store
	blobMin int
	// batch groups execution writes into shared transactions; commits
	// counts its commits, writes the writes they held.
	batch           *batcher
	commits, writes atomic.Uint64
	// commitObserver, when set, is told how long each group commit took.
	commitObserver atomic.Pointer[func(time.Duration)]
	// dsn opened an SQLite store, whose ckpt copies its log back into
	// the database.
	dsn  string
	ckpt *checkpointer
	// stmts caches prepared statements by query text.
	stmts sync.Map
	// driver runs SQLite's group commits (see commitDriver).
	driver    driverWriter
	prepared  atomic.Bool
	prepareMu sync.Mutex
}

// stmt returns query (written with ? placeholders) as a statement of tx:
// the cached prepared statement when there is one, else one prepared in
// tx alone. Statements are cached by prepareHot, outside transactions: a
// SQLite store has one connection, which the transaction holds.
func (s *Store) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return tx.StmtContext(ctx, st.(*sql.Stmt)), nil
	}
	return tx.PrepareContext(ctx, s.q(query))
}

// Hot statements: the writes of every execution.
const (
	sqlInsertEvent     = `INSERT INTO events (at, kind, workflow_id, execution_id, detail) VALUES (?, ?, ?, ?, ?)`
	sqlInsertExecution = `INSERT INTO executions (id, workflow_id, workflow_version, status, mode, started_at, retry_of, parent_id, start_node, start_data, owner, lease_until, workflow_doc)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlFinishExecution = `UPDATE executions SET status = ?, finished_at = ?, error = ?, last_node_executed = ?, owner = '', lease_until = 0 WHERE id = ?`
	sqlDropResults     = `DELETE FROM task_results WHERE execution_id = ?`
	// The statements that follow sqlFinishExecution take what they need
	// from the execution's row: a pipelined write cannot pass one
	// statement's result to the next, and finishing an execution that does
	// not exist must change nothing (see statement.check).
	sqlUpsertRunData = `INSERT INTO execution_data (execution_id, run_data, logs) SELECT id, ?, ? FROM executions WHERE id = ?
				ON CONFLICT (execution_id) DO UPDATE SET run_data = excluded.run_data, logs = excluded.logs`
	sqlInsertExecutionEvent = `INSERT INTO events (at, kind, workflow_id, execution_id, detail) SELECT ?, ?, workflow_id, id, ? FROM executions WHERE id = ?`
	sqlInsertResult         = `INSERT INTO task_results (task_id, execution_id, result, created_at) SELECT ?, id, ?, ? FROM executions WHERE id = ? ON CONFLICT (task_id) DO NOTHING`
)

// prepareHot prepares the hot statements once the schema exists; until it
// succeeds they are prepared per transaction.
func (s *Store) prepareHot(ctx context.Context) {
	if s.prepared.Load() {
		return
	}
	s.prepareMu.Lock()
	defer s.prepareMu.Unlock()
	if s.prepared.Load() {
		return
	}
	// The group commits prepare their own (commitPipeline, commitDriver);
	// these two also run in transactions of their own (s.exec).
	for _, q := range []string{sqlInsertEvent, sqlInsertExecution} {
		if _, ok := s.stmts.Load(q); ok {
			continue
		}
		st, err := s.db.PrepareContext(ctx, s.q(q))
		if err != nil {
			return // no schema yet: try again on the next write
		}
		s.stmts.Store(q, st)
	}
	s.prepared.Store(true)
}

// exec runs a cached prepared statement in tx.
func (s *Store) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// runDataBlobPrefix marks a run_data value that names a blob.
const runDataBlobPrefix = "blob:"

// UseBlobs keeps run data larger than threshold bytes in b, with only its
// reference in the database. The blob is written before the reference is
// committed.
func (s *Store) UseBlobs(b blob.Store, threshold int) {
	s.blobs, s.blobMin = b, threshold
}

var _ store.Store = (*Store)(nil)

// Open connects to url: postgres://… (or postgresql://…) for Postgres;
// sqlite:PATH or file:PATH for SQLite (the file is created). Anything else
// is an error, not a file name: a mistyped Postgres URL must not start an
// empty SQLite database. It does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*Store, error) {
	var s *Store
	switch {
	case !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") &&
		!strings.HasPrefix(url, "sqlite:") && !strings.HasPrefix(url, "file:"):
		return nil, unknownURL(url)
	case strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://"):
		db, err := sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		db.SetMaxOpenConns(16)
		db.SetMaxIdleConns(16)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s = &Store{db: db, dialect: Postgres}
	default:
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "file:")
		if path == "" {
			return nil, errors.New("store: empty SQLite path")
		}
		dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)" +
			"&_pragma=wal_autocheckpoint(" + strconv.Itoa(writerCheckpointPages) + ")"
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		// One writer at a time is SQLite's model; one connection keeps
		// transactions from failing with SQLITE_BUSY.
		db.SetMaxOpenConns(1)
		s = &Store{db: db, dialect: SQLite, dsn: dsn}
	}
	s.now = time.Now
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store: connecting to %s: %w", s.dialect, err)
	}
	// SQLite writes one transaction at a time. Postgres takes several, but
	// each commit waits for its WAL flush. One committer gathers the most
	// writes per commit (a quarter less Postgres CPU per execution than
	// two), but a flush held up by the disk then holds every write; a
	// standby committer takes over the writes queued behind a commit that
	// lasts (docs/benchmarks.md).
	var standbyAfter time.Duration
	if s.dialect == Postgres {
		standbyAfter = defaultStandbyAfter
	}
	s.startBatcher(standbyAfter)
	if s.dialect == SQLite {
		// After the first connection: it switched the file to WAL mode.
		ck, err := startCheckpointer(ctx, s.dsn, s.batch.requestCatchUp)
		if err != nil {
			s.batch.close()
			s.db.Close()
			return nil, fmt.Errorf("store: opening the checkpointer's connection: %w", err)
		}
		s.ckpt = ck
	}
	return s, nil
}

// unknownURL describes a database URL Open does not take. It names the
// scheme but never the URL, which may hold a password.
func unknownURL(url string) error {
	const want = "want postgres://USER:PASSWORD@HOST:5432/DATABASE (or postgresql://…) for Postgres, sqlite:PATH for SQLite"
	if scheme, ok := URLScheme(url); ok {
		return fmt.Errorf("store: unknown database URL scheme %q: %s", scheme, want)
	}
	return fmt.Errorf("store: the database URL has no scheme: %s", want)
}

// URLScheme returns the scheme a database URL starts with ("postgres"
// for "postgres://…"), if it starts with one: letters, digits, "+", "-"
// and "." after a letter, then a colon. Unlike url.Parse it needs nothing
// after the colon to be well formed, so a mistyped URL still has one.
func URLScheme(s string) (string, bool) {
	for i, r := range s {
		switch {
		case r == ':' && i > 0:
			return s[:i], true
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
		case i > 0 && ('0' <= r && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return "", false
		}
	}
	return "", false
}

// Dialect returns the store's SQL flavour.
func (s *Store) Dialect() Dialect { return s.dialect }

// Warnings returns what in the database's own settings will hurt Weft,
// for the operator to read at start. Every execution is written and, once
// retention lets it go, deleted: with Postgres's autovacuum off, nothing
// reclaims the rows deleted, and the tables and their indexes grow without
// end.
func (s *Store) Warnings(ctx context.Context) ([]string, error) {
	if s.dialect != Postgres {
		return nil, nil
	}
	var autovacuum string
	if err := s.db.QueryRowContext(ctx, `SELECT current_setting('autovacuum')`).Scan(&autovacuum); err != nil {
		return nil, fmt.Errorf("store: reading Postgres settings: %w", err)
	}
	var w []string
	if autovacuum != "on" {
		w = append(w, "Postgres runs with autovacuum off: the rows of pruned and finished executions are never reclaimed, "+
			"and the executions, execution_data, events and task_results tables and their indexes keep growing, slower to write as they do; "+
			"set autovacuum = on, or VACUUM ANALYZE those tables regularly")
	}
	return w, nil
}

// Close implements store.Store.
func (s *Store) Close() error {
	if s.ckpt != nil {
		s.ckpt.close()
	}
	if s.batch != nil {
		s.batch.close()
	}
	s.stmts.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	return s.db.Close()
}

// q rewrites a query written with ? placeholders for the dialect.
func (s *Store) q(query string) string {
	if s.dialect != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// workflowID returns a random 16-character id, as n8n's.
func workflowID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = idChars[int(b[i])%len(idChars)]
	}
	return string(b[:])
}

// executionID returns an id that sorts by creation time: 12 hex digits of
// Unix milliseconds and 8 random ones.
func (s *Store) executionID() string {
	var r [4]byte
	_, _ = rand.Read(r[:])
	return fmt.Sprintf("%012x%08x", s.now().UnixMilli(), binary.BigEndian.Uint32(r[:]))
}

// tx runs f in a transaction.
func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (s *Store) event(ctx context.Context, tx *sql.Tx, kind, workflowID, executionID string, detail any) error {
	var d []byte
	if detail != nil {
		var err error
		if d, err = json.Marshal(detail); err != nil {
			return err
		}
	}
	_, err := s.exec(ctx, tx, sqlInsertEvent, ms(s.now()), kind, workflowID, executionID, nullText(d))
	return err
}

// eventDetail is the events.detail value {"key": value}: every execution
// writes two, so they skip encoding/json's reflection.
func eventDetail(key, value string) string {
	var b bytes.Buffer
	b.WriteByte('{')
	api.WriteJSONString(&b, key)
	b.WriteByte(':')
	api.WriteJSONString(&b, value)
	b.WriteByte('}')
	return b.String()
}

func nullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// CreateWorkflow implements store.Store.
func (s *Store) CreateWorkflow(ctx context.Context, name string, doc json.RawMessage) (*store.Workflow, error) {
	now := s.now()
	w := &store.Workflow{ID: workflowID(), Name: name, Version: 1, Document: doc, CreatedAt: now.UTC().Truncate(time.Millisecond), UpdatedAt: now.UTC().Truncate(time.Millisecond)}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO workflows (id, name, version, active_version, created_at, updated_at) VALUES (?, ?, 1, 0, ?, ?)`),
			w.ID, name, ms(now), ms(now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO workflow_versions (workflow_id, version, name, document, created_at) VALUES (?, 1, ?, ?, ?)`),
			w.ID, name, string(doc), ms(now)); err != nil {
			return err
		}
		return s.event(ctx, tx, "workflow.created", w.ID, "", map[string]any{"version": 1})
	})
	if err != nil {
		return nil, fmt.Errorf("store: create workflow: %w", err)
	}
	return w, nil
}

const workflowColumns = `w.id, w.name, w.version, w.active_version, w.created_at, w.updated_at, v.document, w.static_data`

func scanWorkflow(row interface{ Scan(...any) error }) (*store.Workflow, error) {
	var w store.Workflow
	var created, updated int64
	var doc string
	var static sql.NullString
	if err := row.Scan(&w.ID, &w.Name, &w.Version, &w.ActiveVersion, &created, &updated, &doc, &static); err != nil {
		return nil, err
	}
	w.CreatedAt, w.UpdatedAt, w.Document = fromMS(created), fromMS(updated), json.RawMessage(doc)
	if static.Valid {
		w.StaticData = json.RawMessage(static.String)
	}
	return &w, nil
}

// SetStaticData implements store.Store.
func (s *Store) SetStaticData(ctx context.Context, id string, data json.RawMessage) error {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE workflows SET static_data = ? WHERE id = ?`), nullText(data), id)
	if err != nil {
		return fmt.Errorf("store: static data of workflow %q: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: workflow %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// GetWorkflow implements store.Store.
func (s *Store) GetWorkflow(ctx context.Context, id string) (*store.Workflow, error) {
	return s.getWorkflow(ctx, s.db, id)
}

// getWorkflow reads a workflow through q: a transaction that changed it
// reads what it wrote, not what a later writer made of it.
func (s *Store) getWorkflow(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id string) (*store.Workflow, error) {
	w, err := scanWorkflow(q.QueryRowContext(ctx, s.q(`SELECT `+workflowColumns+` FROM workflows w
		JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version WHERE w.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: workflow %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get workflow: %w", err)
	}
	return w, nil
}

// UpdateWorkflow implements store.Store.
func (s *Store) UpdateWorkflow(ctx context.Context, id string, ifVersion int, name string, doc json.RawMessage) (*store.Workflow, error) {
	now := s.now()
	var w *store.Workflow
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.execWorkflow(ctx, tx, id, `UPDATE workflows SET version = version + 1, name = ?, updated_at = ? WHERE id = ? AND version = ?`,
			name, ms(now), id, ifVersion); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO workflow_versions (workflow_id, version, name, document, created_at) VALUES (?, ?, ?, ?, ?)`),
			id, ifVersion+1, name, string(doc), ms(now)); err != nil {
			return err
		}
		if err := s.event(ctx, tx, "workflow.updated", id, "", map[string]any{"version": ifVersion + 1}); err != nil {
			return err
		}
		var err error
		w, err = s.getWorkflow(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: update workflow %q: %w", id, err)
	}
	return w, nil
}

// execWorkflow runs a write on workflow id's row; when it matches no row
// the error says why (ErrNotFound, or ErrConflict for a version condition).
func (s *Store) execWorkflow(ctx context.Context, tx *sql.Tx, id, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return s.missingOrConflict(ctx, tx, id)
	}
	return nil
}

// missingOrConflict tells why a conditional write matched no row.
func (s *Store) missingOrConflict(ctx context.Context, tx *sql.Tx, id string) error {
	var v int
	err := tx.QueryRowContext(ctx, s.q(`SELECT version FROM workflows WHERE id = ?`), id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("%w: the current version is %d", store.ErrConflict, v)
}

// DeleteWorkflow implements store.Store.
func (s *Store) DeleteWorkflow(ctx context.Context, id string, ifVersion int) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		// Executions of other workflows parked until one of this
		// workflow's ended would wait forever once its row goes with
		// the workflow: they go on, and find it gone.
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE executions SET status = 'running', lease_until = 0
			WHERE `+parkedOnSubs+` AND workflow_id <> ?
			AND id IN (SELECT parent_id FROM executions WHERE workflow_id = ? AND parent_id <> '')`), id, id); err != nil {
			return err
		}
		query, args := `DELETE FROM workflows WHERE id = ?`, []any{id}
		if ifVersion > 0 {
			query, args = query+` AND version = ?`, append(args, ifVersion)
		}
		if err := s.execWorkflow(ctx, tx, id, query, args...); err != nil {
			return err
		}
		return s.event(ctx, tx, "workflow.deleted", id, "", nil)
	})
	if err != nil {
		return fmt.Errorf("store: delete workflow %q: %w", id, err)
	}
	return nil
}

// ListWorkflows implements store.Store.
func (s *Store) ListWorkflows(ctx context.Context, p store.Page) ([]*store.Workflow, string, error) {
	n := p.Size()
	return queryPage(ctx, s, "list workflows", n, scanWorkflow, func(w *store.Workflow) string { return w.ID },
		`SELECT `+workflowColumns+` FROM workflows w
		JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version
		WHERE w.id > ? ORDER BY w.id LIMIT ?`, p.After, n+1)
}

// queryPage runs a query for one page of n rows (it asks for n+1 to learn
// whether a next page exists) and returns the rows and the next cursor.
func queryPage[T any](ctx context.Context, s *Store, what string, n int, scan func(interface{ Scan(...any) error }) (T, error), cursor func(T) string, query string, args ...any) ([]T, string, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, "", fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("store: %s: %w", what, err)
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor(out[n-1])
	}
	return out, next, nil
}

// ListVersions implements store.Store.
func (s *Store) ListVersions(ctx context.Context, id string) ([]*store.WorkflowVersion, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT workflow_id, version, name, document, created_at FROM workflow_versions
		WHERE workflow_id = ? ORDER BY version DESC`), id)
	if err != nil {
		return nil, fmt.Errorf("store: list versions: %w", err)
	}
	defer rows.Close()
	var out []*store.WorkflowVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list versions: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list versions: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("store: workflow %q: %w", id, store.ErrNotFound)
	}
	return out, nil
}

func scanVersion(row interface{ Scan(...any) error }) (*store.WorkflowVersion, error) {
	var v store.WorkflowVersion
	var doc string
	var created int64
	if err := row.Scan(&v.WorkflowID, &v.Version, &v.Name, &doc, &created); err != nil {
		return nil, err
	}
	v.Document, v.CreatedAt = json.RawMessage(doc), fromMS(created)
	return &v, nil
}

// GetVersion implements store.Store.
func (s *Store) GetVersion(ctx context.Context, id string, version int) (*store.WorkflowVersion, error) {
	v, err := scanVersion(s.db.QueryRowContext(ctx, s.q(`SELECT workflow_id, version, name, document, created_at FROM workflow_versions
		WHERE workflow_id = ? AND version = ?`), id, version))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: workflow %q version %d: %w", id, version, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get version: %w", err)
	}
	return v, nil
}

// SetActiveVersion implements store.Store.
func (s *Store) SetActiveVersion(ctx context.Context, id string, version int) (*store.Workflow, error) {
	kind := "workflow.activated"
	if version == 0 {
		kind = "workflow.deactivated"
	}
	var w *store.Workflow
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if version > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM workflow_versions WHERE workflow_id = ? AND version = ?`), id, version).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("version %d: %w", version, store.ErrNotFound)
			}
		}
		if err := s.execWorkflow(ctx, tx, id, `UPDATE workflows SET active_version = ?, updated_at = ? WHERE id = ?`, version, ms(s.now()), id); err != nil {
			return err
		}
		if err := s.event(ctx, tx, kind, id, "", map[string]any{"version": version}); err != nil {
			return err
		}
		var err error
		w, err = s.getWorkflow(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: activate workflow %q: %w", id, err)
	}
	return w, nil
}

// CreateExecution implements store.Store.
func (s *Store) CreateExecution(ctx context.Context, e *store.Execution) (*store.Execution, error) {
	c := *e
	if c.ID == "" {
		c.ID = s.executionID()
	}
	if c.StartedAt.IsZero() {
		c.StartedAt = s.now()
	}
	c.StartedAt = c.StartedAt.UTC().Truncate(time.Millisecond)
	if c.Status == "" {
		c.Status = store.StatusNew
	}
	detail := eventDetail("mode", c.Mode)
	err := s.write(ctx,
		statement{query: sqlInsertExecution, args: []any{c.ID, c.WorkflowID, c.WorkflowVersion, c.Status, c.Mode, ms(c.StartedAt), c.RetryOf, c.ParentID,
			c.StartNode, nullText(c.StartData), c.Owner, ms(c.LeaseUntil), nullText(c.WorkflowDoc)}},
		statement{query: sqlInsertEvent, args: []any{ms(s.now()), "execution.created", c.WorkflowID, c.ID, detail}})
	if err != nil {
		return nil, fmt.Errorf("store: create execution: %w", err)
	}
	return &c, nil
}

// storedRunData is what the execution_data row keeps of run data: the
// document, or a reference to it in the blob store when it is large.
func (s *Store) storedRunData(ctx context.Context, runData json.RawMessage) (string, error) {
	if s.blobs == nil || runData == nil || len(runData) <= s.blobMin {
		return string(runData), nil
	}
	ref, err := s.blobs.Put(ctx, runData)
	if err != nil {
		return "", fmt.Errorf("run data to the blob store: %w", err)
	}
	return runDataBlobPrefix + string(ref), nil
}

// FinishExecution implements store.Store.
func (s *Store) FinishExecution(ctx context.Context, id, status string, errDoc json.RawMessage, lastNode string, runData, logs json.RawMessage) error {
	stored, err := s.storedRunData(ctx, runData)
	if err != nil {
		return fmt.Errorf("store: finish execution %q: %w", id, err)
	}
	detail := eventDetail("status", status)
	now := ms(s.now())
	// Every statement after the update touches only rows of an existing
	// execution, so finishing a missing one changes nothing.
	stmts := []statement{
		{query: sqlFinishExecution, args: []any{status, now, nullText(errDoc), lastNode, id}, check: func(n int64) error {
			if n == 0 {
				return store.ErrNotFound
			}
			return nil
		}},
	}
	if status == store.StatusSuccess {
		stmts = append(stmts, statement{query: sqlDropResults, args: []any{id}})
	}
	if runData != nil {
		stmts = append(stmts, statement{query: sqlUpsertRunData, args: []any{stored, nullText(logs), id}})
	}
	stmts = append(stmts, statement{query: sqlInsertExecutionEvent, args: []any{now, "execution.finished", detail, id}})
	if err := s.write(ctx, stmts...); err != nil {
		return fmt.Errorf("store: finish execution %q: %w", id, err)
	}
	return nil
}

const executionColumns = `e.id, e.workflow_id, e.workflow_version, e.status, e.mode, e.started_at, e.finished_at, e.error, e.last_node_executed, e.retry_of, e.parent_id, e.start_node, e.owner, e.lease_until, e.wait_until, e.wait_task, e.wait_webhook, e.wait_method`

func scanExecution(row interface{ Scan(...any) error }, extra ...any) (*store.Execution, error) {
	var e store.Execution
	var started, finished, lease, waitUntil, waitWebhook int64
	var errDoc sql.NullString
	dest := append([]any{&e.ID, &e.WorkflowID, &e.WorkflowVersion, &e.Status, &e.Mode, &started, &finished, &errDoc, &e.LastNodeExecuted, &e.RetryOf, &e.ParentID,
		&e.StartNode, &e.Owner, &lease, &waitUntil, &e.WaitTask, &waitWebhook, &e.WaitMethod}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	e.StartedAt, e.FinishedAt, e.LeaseUntil, e.WaitUntil = fromMS(started), fromMS(finished), fromMS(lease), fromMS(waitUntil)
	e.WaitWebhook = waitWebhook != 0
	if errDoc.Valid {
		e.Error = json.RawMessage(errDoc.String)
	}
	return &e, nil
}

// GetExecution implements store.Store.
func (s *Store) GetExecution(ctx context.Context, id string) (*store.Execution, error) {
	var runData, startData, logs, doc sql.NullString
	e, err := scanExecution(s.db.QueryRowContext(ctx, s.q(`SELECT `+executionColumns+`, e.start_data, d.run_data, d.logs, e.workflow_doc FROM executions e
		LEFT JOIN execution_data d ON d.execution_id = e.id WHERE e.id = ?`), id), &startData, &runData, &logs, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: execution %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get execution: %w", err)
	}
	if runData.Valid {
		e.RunData = json.RawMessage(runData.String)
		if ref, ok := strings.CutPrefix(runData.String, runDataBlobPrefix); ok {
			if e.RunData, err = s.blobRunData(ctx, ref); err != nil {
				return nil, fmt.Errorf("store: execution %q: %w", id, err)
			}
		}
	}
	if startData.Valid {
		e.StartData = json.RawMessage(startData.String)
	}
	if logs.Valid {
		e.Logs = json.RawMessage(logs.String)
	}
	if doc.Valid {
		e.WorkflowDoc = json.RawMessage(doc.String)
	}
	return e, nil
}

func (s *Store) blobRunData(ctx context.Context, ref string) (json.RawMessage, error) {
	if s.blobs == nil {
		return nil, fmt.Errorf("its run data is in the blob store (%s), which is not configured", ref)
	}
	r, err := blob.ParseRef(ref)
	if err != nil {
		return nil, err
	}
	b, err := s.blobs.Get(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("run data: %w", err)
	}
	return b, nil
}

// ListExecutions implements store.Store.
func (s *Store) ListExecutions(ctx context.Context, f store.ExecutionFilter, p store.Page) ([]*store.Execution, string, error) {
	n := p.Size()
	var where []string
	var args []any
	if p.After != "" {
		where, args = append(where, "e.id < ?"), append(args, p.After)
	}
	if f.WorkflowID != "" {
		where, args = append(where, "e.workflow_id = ?"), append(args, f.WorkflowID)
	}
	if f.Status != "" {
		where, args = append(where, "e.status = ?"), append(args, f.Status)
	}
	if f.ParentID != "" {
		// The second term names the index's condition, so it is used.
		where, args = append(where, "e.parent_id = ? AND e.parent_id <> ''"), append(args, f.ParentID)
	}
	if !f.StartedAfter.IsZero() {
		where, args = append(where, "e.started_at >= ?"), append(args, ms(f.StartedAfter))
	}
	if !f.StartedBefore.IsZero() {
		where, args = append(where, "e.started_at < ?"), append(args, ms(f.StartedBefore))
	}
	query := `SELECT ` + executionColumns + ` FROM executions e`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY e.id DESC LIMIT ?`
	args = append(args, n+1)
	return queryPage(ctx, s, "list executions", n, func(r interface{ Scan(...any) error }) (*store.Execution, error) { return scanExecution(r) },
		func(e *store.Execution) string { return e.ID }, query, args...)
}

// DeleteExecution implements store.Store.
func (s *Store) DeleteExecution(ctx context.Context, id string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var workflowID, status, parent string
		query := `SELECT workflow_id, status, parent_id FROM executions WHERE id = ?`
		if s.dialect == Postgres {
			// Held until the delete, so it cannot start running meanwhile.
			query += ` FOR UPDATE`
		}
		if err := tx.QueryRowContext(ctx, s.q(query), id).Scan(&workflowID, &status, &parent); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return store.ErrNotFound
			}
			return err
		}
		if status == store.StatusRunning {
			return fmt.Errorf("it is running; stop it first: %w", store.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM executions WHERE id = ?`), id); err != nil {
			return err
		}
		if parent != "" && status == store.StatusWaiting {
			// A parent parked until this sub-execution ended would wait
			// forever: it goes on, and finds it gone.
			if _, err := tx.ExecContext(ctx, s.q(sqlWakeParked), parent); err != nil {
				return err
			}
		}
		return s.event(ctx, tx, "execution.deleted", workflowID, id, nil)
	})
	if err != nil {
		return fmt.Errorf("store: delete execution %q: %w", id, err)
	}
	return nil
}

// pruneRest is how many times as long as a pruning transaction took
// pruning rests after it.
var pruneRest = 4

// PruneExecutions implements store.Store.
func (s *Store) PruneExecutions(ctx context.Context, r store.Retention) (int, error) {
	batch := r.Batch
	if batch <= 0 {
		batch = 50
	}
	total := 0
	// prune deletes, batch by batch, the finished executions a walk
	// finds. A walk goes through the executions in an index's order, each
	// batch from where the last one ended (where returns the condition and
	// its arguments, given the last row seen), leaving the unfinished ones:
	// a scan from the start would step again over every row deleted before
	// (Postgres keeps them until vacuumed), 10,000 index entries per batch
	// at the default retention.
	prune := func(where func(lastStarted int64, lastID string) (string, []any)) error {
		lastStarted, lastID := int64(math.MinInt64), ""
		for {
			var ids []any
			scanned := 0
			cond, args := where(lastStarted, lastID)
			rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, status, started_at FROM executions WHERE `+cond+` LIMIT ?`), append(args, batch)...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id, status string
				if err := rows.Scan(&id, &status, &lastStarted); err != nil {
					rows.Close()
					return err
				}
				scanned++
				lastID = id
				switch status {
				case store.StatusSuccess, store.StatusError, store.StatusCanceled:
					ids = append(ids, id)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if scanned == 0 {
				return nil
			}
			if len(ids) == 0 {
				if scanned < batch {
					return nil
				}
				continue
			}
			marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
			began := time.Now()
			err = s.tx(ctx, func(tx *sql.Tx) error {
				res, err := tx.ExecContext(ctx, s.q(`DELETE FROM executions WHERE id IN (`+marks+`)`), ids...)
				if err != nil {
					return err
				}
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				// The batch's id range lets the planner use the index
				// even before the table has statistics (a fresh database
				// under load: without them Postgres reckons 50 ids match
				// a quarter of the log and scans it all, 1.6 ms per batch
				// at 20,000 entries). A walk in start order does not come
				// in id order.
				lo, hi := ids[0].(string), ids[0].(string)
				for _, id := range ids[1:] {
					lo, hi = min(lo, id.(string)), max(hi, id.(string))
				}
				bounds := append([]any{lo, hi}, ids...)
				if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM events WHERE execution_id BETWEEN ? AND ? AND execution_id IN (`+marks+`)`), bounds...); err != nil {
					return err
				}
				total += int(n)
				return nil
			})
			if err != nil {
				return err
			}
			if scanned < batch {
				return nil
			}
			// Rest four times as long as the batch took: the writers
			// waiting for the database catch up before the next one, and
			// pruning takes at most a fifth of the database's time, and
			// of a CPU. At half of it, pruning 100,000 executions at
			// 1,700 executions/s held every webhook answer up for 3-4 s,
			// by up to 400 ms (docs/benchmarks.md).
			select {
			case <-time.After(min(time.Duration(pruneRest)*time.Since(began), time.Second)):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	// One change log entry per pruning, however many batches it took;
	// those older than the executions kept by age go, as the executions
	// they counted did (under load pruning runs every few seconds).
	defer func() {
		if total > 0 {
			wctx := context.WithoutCancel(ctx)
			_ = s.tx(wctx, func(tx *sql.Tx) error {
				if r.MaxAge > 0 {
					if _, err := tx.ExecContext(wctx, s.q(`DELETE FROM events WHERE execution_id = '' AND kind = 'executions.pruned' AND at < ?`), ms(s.now().Add(-r.MaxAge))); err != nil {
						return err
					}
				}
				return s.event(wctx, tx, "executions.pruned", "", "", map[string]any{"count": total})
			})
		}
	}()
	if r.MaxAge > 0 {
		// In start order, on executions_by_start (started_at, id): in
		// id order the walk would read every execution to find that none
		// is old enough.
		cutoff := ms(s.now().Add(-r.MaxAge))
		err := prune(func(lastStarted int64, lastID string) (string, []any) {
			return `started_at < ? AND started_at >= ? AND (started_at > ? OR id > ?) ORDER BY started_at, id`, []any{cutoff, lastStarted, lastStarted, lastID}
		})
		if err != nil {
			return total, fmt.Errorf("store: prune executions: %w", err)
		}
	}
	if r.MaxCount > 0 {
		// The newest MaxCount executions stay; the cut is the id of the
		// oldest of them.
		var cut string
		err := s.db.QueryRowContext(ctx, s.q(`SELECT id FROM executions ORDER BY id DESC LIMIT 1 OFFSET ?`), r.MaxCount-1).Scan(&cut)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return total, fmt.Errorf("store: prune executions: %w", err)
		default:
			err := prune(func(_ int64, lastID string) (string, []any) {
				return `id > ? AND id < ? ORDER BY id`, []any{lastID, cut}
			})
			if err != nil {
				return total, fmt.Errorf("store: prune executions: %w", err)
			}
		}
	}
	return total, nil
}

// Events implements store.Store.
func (s *Store) Events(ctx context.Context, afterID int64, limit int) ([]*store.Event, error) {
	return s.events(ctx, `id > ?`, afterID, limit)
}

// WorkflowEvents implements store.Store. Workflow entries concern no
// execution: the index on (execution_id, id) holds them in order.
func (s *Store) WorkflowEvents(ctx context.Context, afterID int64, limit int) ([]*store.Event, error) {
	return s.events(ctx, `execution_id = '' AND id > ? AND kind LIKE 'workflow.%'`, afterID, limit)
}

// LatestEventID implements store.Store.
func (s *Store) LatestEventID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(id) FROM events`).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: latest event: %w", err)
	}
	return id.Int64, nil
}

func (s *Store) events(ctx context.Context, where string, afterID int64, limit int) ([]*store.Event, error) {
	limit = store.Page{Limit: limit}.Size()
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, at, kind, workflow_id, execution_id, detail FROM events WHERE `+where+` ORDER BY id LIMIT ?`), afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	var out []*store.Event
	for rows.Next() {
		var e store.Event
		var at int64
		var detail sql.NullString
		if err := rows.Scan(&e.ID, &at, &e.Kind, &e.WorkflowID, &e.ExecutionID, &detail); err != nil {
			return nil, fmt.Errorf("store: events: %w", err)
		}
		e.At = fromMS(at)
		if detail.Valid {
			e.Detail = json.RawMessage(detail.String)
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}
