package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/weftrun/weft/store"
)

// SaveTaskResults implements store.Store.
func (s *Store) SaveTaskResults(ctx context.Context, rs []store.TaskResult) error {
	if len(rs) == 0 {
		return nil
	}
	if err := s.write(ctx, s.resultStatements(rs, ms(s.now()))...); err != nil {
		return fmt.Errorf("store: save %d task results: %w", len(rs), err)
	}
	return nil
}

// resultStatements inserts results. SQLite runs in process: a prepared
// statement per row is the cheapest. Postgres gets multi-row statements,
// less work for the server per result.
func (s *Store) resultStatements(rs []store.TaskResult, now int64) []statement {
	if s.dialect != Postgres {
		out := make([]statement, len(rs))
		for i, r := range rs {
			out[i] = statement{query: sqlInsertResult, args: []any{r.TaskID, string(r.Result), now, r.ExecutionID}}
		}
		return out
	}
	const perStatement = 200
	var out []statement
	for start := 0; start < len(rs); start += perStatement {
		part := rs[start:min(start+perStatement, len(rs))]
		var b strings.Builder
		b.WriteString(`INSERT INTO task_results (task_id, execution_id, result, created_at) SELECT v.task_id, e.id, v.result, ?::bigint FROM (VALUES `)
		args := make([]any, 0, 1+3*len(part))
		args = append(args, now)
		for i, r := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?::text, ?::text, ?::text)")
			args = append(args, r.TaskID, r.ExecutionID, string(r.Result))
		}
		b.WriteString(`) AS v (task_id, execution_id, result) JOIN executions e ON e.id = v.execution_id ON CONFLICT (task_id) DO NOTHING`)
		out = append(out, statement{query: b.String(), args: args})
	}
	return out
}

// TaskResult implements store.Store.
func (s *Store) TaskResult(ctx context.Context, taskID string) (json.RawMessage, error) {
	var r string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT result FROM task_results WHERE task_id = ?`), taskID).Scan(&r)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: task result %q: %w", taskID, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: task result %q: %w", taskID, err)
	}
	return json.RawMessage(r), nil
}

// TaskResults implements store.Store.
func (s *Store) TaskResults(ctx context.Context, executionID string) (map[string]json.RawMessage, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT task_id, result FROM task_results WHERE execution_id = ?`), executionID)
	if err != nil {
		return nil, fmt.Errorf("store: task results of %q: %w", executionID, err)
	}
	defer rows.Close()
	out := map[string]json.RawMessage{}
	for rows.Next() {
		var id, r string
		if err := rows.Scan(&id, &r); err != nil {
			return nil, fmt.Errorf("store: task results of %q: %w", executionID, err)
		}
		out[id] = json.RawMessage(r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: task results of %q: %w", executionID, err)
	}
	return out, nil
}

// ClaimExecutions implements store.Store.
func (s *Store) ClaimExecutions(ctx context.Context, owner string, until time.Time, limit int, takeOver bool) ([]*store.Execution, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []*store.Execution
	err := s.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		cond := `e.status = 'running' AND e.lease_until < ?`
		args := []any{ms(s.now())}
		if takeOver {
			cond, args = `e.status = 'running'`, nil
		}
		query := `SELECT ` + executionColumns + `, e.start_data, e.workflow_doc FROM executions e WHERE ` + cond + ` ORDER BY e.id LIMIT ?`
		if s.dialect == Postgres {
			query += ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := tx.QueryContext(ctx, s.q(query), append(args, limit)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			e, err := scanClaimed(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, e := range out {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE executions SET owner = ?, lease_until = ? WHERE id = ?`), owner, ms(until), e.ID); err != nil {
				return err
			}
			e.Owner, e.LeaseUntil = owner, until.UTC().Truncate(time.Millisecond)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim executions: %w", err)
	}
	return out, nil
}

// RenewLeases implements store.Store. It finds the executions by id, a
// few hundred at a time: a control plane knows what it runs, and a walk of
// every running execution goes through index entries of all those that
// ran, until Postgres vacuums them, holding the rows it takes meanwhile.
func (s *Store) RenewLeases(ctx context.Context, owner string, ids []string, until time.Time) (int, error) {
	const chunk = 500
	n := 0
	for len(ids) > 0 {
		part := ids[:min(chunk, len(ids))]
		ids = ids[len(part):]
		args := make([]any, 0, len(part)+2)
		args = append(args, ms(until), owner)
		for _, id := range part {
			args = append(args, id)
		}
		in := strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")
		res, err := s.db.ExecContext(ctx, s.q(`UPDATE executions SET lease_until = ? WHERE `+s.unlocked(`owner = ? AND status = 'running' AND id IN (`+in+`)`)), args...)
		if err != nil {
			return n, fmt.Errorf("store: renew leases of %q: %w", owner, err)
		}
		m, _ := res.RowsAffected()
		n += int(m)
	}
	return n, nil
}

// SuspendExecution implements store.Store.
func (s *Store) SuspendExecution(ctx context.Context, id string, until time.Time, taskID string, webhook bool, method string, runData json.RawMessage) error {
	hook := 0
	if webhook {
		hook = 1
	}
	stored, err := s.storedRunData(ctx, runData)
	if err != nil {
		return fmt.Errorf("store: suspend execution %q: %w", id, err)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var workflowID string
		err := tx.QueryRowContext(ctx, s.q(`SELECT workflow_id FROM executions WHERE id = ? AND status = 'running'`), id).Scan(&workflowID)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrConflict
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE executions SET status = 'waiting', wait_until = ?, wait_task = ?, wait_webhook = ?, wait_method = ?, owner = '', lease_until = 0 WHERE id = ?`),
			ms(until), taskID, hook, method, id); err != nil {
			return err
		}
		if runData != nil {
			if _, err := tx.ExecContext(ctx, s.q(sqlUpsertRunData), stored, nil, id); err != nil {
				return err
			}
		}
		return s.event(ctx, tx, "execution.waiting", workflowID, id, map[string]any{"until": ms(until), "webhook": webhook})
	})
	if err != nil {
		return fmt.Errorf("store: suspend execution %q: %w", id, err)
	}
	return nil
}

// unlocked turns cond, a condition on executions, into one that holds for
// the rows it matches that no other transaction has locked, on Postgres.
// An update of many executions at once must not wait for a row another
// transaction holds: a group commit finishing several executions locks
// them in its own order, and two transactions each waiting for a row the
// other holds deadlock, stalling both for Postgres's deadlock_timeout
// before one fails. The rows skipped are being changed by their holder;
// the next renewal or wake-up takes them if they still need it. (SQLite
// writes one transaction at a time and locks no rows.)
func (s *Store) unlocked(cond string) string {
	if s.dialect != Postgres {
		return cond
	}
	return `id IN (SELECT id FROM executions WHERE ` + cond + ` FOR NO KEY UPDATE SKIP LOCKED)`
}

// WakeExecutions implements store.Store.
func (s *Store) WakeExecutions(ctx context.Context, now time.Time) (int, error) {
	// Called every second: a read finds out first whether anything is
	// due, without the write lock (SQLite) or row locks an update takes.
	var one int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT 1 FROM executions WHERE status = 'waiting' AND wait_until > 0 AND wait_until <= ? LIMIT 1`), ms(now)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: wake executions: %w", err)
	}
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE executions SET status = 'running', lease_until = 0 WHERE `+s.unlocked(`status = 'waiting' AND wait_until > 0 AND wait_until <= ?`)), ms(now))
	if err != nil {
		return 0, fmt.Errorf("store: wake executions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// parkedOnSubs holds for executions parked until an execution they
// started ends: waiting for neither a time nor a webhook call.
const parkedOnSubs = `status = 'waiting' AND wait_until = 0 AND wait_webhook = 0`

// sqlWakeParked makes an execution parked until its sub-executions end
// running again, for ClaimExecutions to hand out.
const sqlWakeParked = `UPDATE executions SET status = 'running', lease_until = 0 WHERE id = ? AND ` + parkedOnSubs

// WakeWaiting implements store.Store.
func (s *Store) WakeWaiting(ctx context.Context, id string) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.q(sqlWakeParked), id)
	if err != nil {
		return false, fmt.Errorf("store: wake execution %q: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// ResumeWaiting implements store.Store.
func (s *Store) ResumeWaiting(ctx context.Context, id string, result json.RawMessage) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var task string
		var hook int64
		err := tx.QueryRowContext(ctx, s.q(`SELECT wait_task, wait_webhook FROM executions WHERE id = ? AND status = 'waiting'`), id).Scan(&task, &hook)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (hook == 0 || task == "")) {
			return store.ErrConflict
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM task_results WHERE task_id = ?`), task); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO task_results (task_id, execution_id, result, created_at) VALUES (?, ?, ?, ?)`), task, id, string(result), ms(s.now())); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE executions SET status = 'running', wait_webhook = 0, lease_until = 0 WHERE id = ?`), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: resume execution %q: %w", id, err)
	}
	return nil
}

// scanClaimed scans an execution selected, to be run, as executionColumns,
// its start data and its workflow document.
func scanClaimed(row interface{ Scan(...any) error }) (*store.Execution, error) {
	var startData, doc sql.NullString
	e, err := scanExecution(row, &startData, &doc)
	if err != nil {
		return nil, err
	}
	if startData.Valid {
		e.StartData = json.RawMessage(startData.String)
	}
	if doc.Valid {
		e.WorkflowDoc = json.RawMessage(doc.String)
	}
	return e, nil
}

// ClaimWaiting implements store.Store.
func (s *Store) ClaimWaiting(ctx context.Context, id, owner string, until time.Time) (*store.Execution, error) {
	var e *store.Execution
	err := s.tx(ctx, func(tx *sql.Tx) error {
		query := `SELECT ` + executionColumns + `, e.start_data, e.workflow_doc FROM executions e WHERE e.id = ? AND e.status = 'waiting'`
		if s.dialect == Postgres {
			query += ` FOR UPDATE`
		}
		var err error
		e, err = scanClaimed(tx.QueryRowContext(ctx, s.q(query), id))
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrConflict
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE executions SET status = 'running', wait_webhook = 0, owner = ?, lease_until = ? WHERE id = ?`), owner, ms(until), id); err != nil {
			return err
		}
		e.Status, e.WaitWebhook, e.Owner, e.LeaseUntil = store.StatusRunning, false, owner, until.UTC().Truncate(time.Millisecond)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim waiting execution %q: %w", id, err)
	}
	return e, nil
}

// SetSchedules implements store.Store.
func (s *Store) SetSchedules(ctx context.Context, workflowID string, version int, entries []store.Schedule) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		keep := map[string]bool{}
		for _, e := range entries {
			keep[e.Node] = true
			var have int
			err := tx.QueryRowContext(ctx, s.q(`SELECT workflow_version FROM schedules WHERE workflow_id = ? AND node = ?`), workflowID, e.Node).Scan(&have)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schedules (workflow_id, node, workflow_version, next_at) VALUES (?, ?, ?, ?)`),
					workflowID, e.Node, version, ms(e.NextAt)); err != nil {
					return err
				}
			case err != nil:
				return err
			case have != version:
				if _, err := tx.ExecContext(ctx, s.q(`UPDATE schedules SET workflow_version = ?, next_at = ? WHERE workflow_id = ? AND node = ?`),
					version, ms(e.NextAt), workflowID, e.Node); err != nil {
					return err
				}
			}
		}
		rows, err := tx.QueryContext(ctx, s.q(`SELECT node FROM schedules WHERE workflow_id = ?`), workflowID)
		if err != nil {
			return err
		}
		var drop []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return err
			}
			if !keep[n] {
				drop = append(drop, n)
			}
		}
		rows.Close()
		for _, n := range drop {
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM schedules WHERE workflow_id = ? AND node = ?`), workflowID, n); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("store: schedules of workflow %q: %w", workflowID, err)
	}
	return nil
}

// DueSchedules implements store.Store.
func (s *Store) DueSchedules(ctx context.Context, now time.Time, limit int) ([]store.Schedule, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT workflow_id, node, workflow_version, next_at, last_fired FROM schedules WHERE next_at <= ? ORDER BY next_at LIMIT ?`), ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due schedules: %w", err)
	}
	defer rows.Close()
	var out []store.Schedule
	for rows.Next() {
		var sc store.Schedule
		var next, last int64
		if err := rows.Scan(&sc.WorkflowID, &sc.Node, &sc.WorkflowVersion, &next, &last); err != nil {
			return nil, fmt.Errorf("store: due schedules: %w", err)
		}
		sc.NextAt, sc.LastFired = fromMS(next), fromMS(last)
		out = append(out, sc)
	}
	return out, rows.Err()
}

// FireSchedule implements store.Store.
func (s *Store) FireSchedule(ctx context.Context, sc store.Schedule, firedAt, next time.Time, e *store.Execution) (*store.Execution, bool, error) {
	var c store.Execution
	if e != nil {
		c = *e
		if c.ID == "" {
			c.ID = s.executionID()
		}
		if c.StartedAt.IsZero() {
			c.StartedAt = s.now()
		}
		c.StartedAt = c.StartedAt.UTC().Truncate(time.Millisecond)
	}
	won := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		last := ms(firedAt)
		if e == nil {
			// Skipped, not fired: keep the last firing.
			last = ms(sc.LastFired)
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE schedules SET next_at = ?, last_fired = ? WHERE workflow_id = ? AND node = ? AND next_at = ?`),
			ms(next), last, sc.WorkflowID, sc.Node, ms(sc.NextAt))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		won = true
		if e == nil {
			return nil
		}
		if _, err := s.exec(ctx, tx, sqlInsertExecution, c.ID, c.WorkflowID, c.WorkflowVersion, c.Status, c.Mode, ms(c.StartedAt), c.RetryOf, c.ParentID,
			c.StartNode, nullText(c.StartData), c.Owner, ms(c.LeaseUntil), nullText(c.WorkflowDoc)); err != nil {
			return err
		}
		return s.event(ctx, tx, "execution.created", c.WorkflowID, c.ID, map[string]any{"mode": c.Mode, "schedule": sc.Node})
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: fire schedule %s/%s: %w", sc.WorkflowID, sc.Node, err)
	}
	if !won || e == nil {
		return nil, won, nil
	}
	return &c, true, nil
}

// SetWebhooks implements store.Store.
func (s *Store) SetWebhooks(ctx context.Context, workflowID string, routes []store.WebhookRoute) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM webhooks WHERE workflow_id = ?`), workflowID); err != nil {
			return err
		}
		for _, r := range routes {
			var holder string
			err := tx.QueryRowContext(ctx, s.q(`SELECT workflow_id FROM webhooks WHERE method = ? AND path = ?`), r.Method, r.Path).Scan(&holder)
			if err == nil {
				return &store.RouteConflictError{Route: r, WorkflowID: holder}
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO webhooks (method, path, workflow_id, node) VALUES (?, ?, ?, ?)`), r.Method, r.Path, workflowID, r.Node); err != nil {
				// Another control plane took it between the check and
				// the insert.
				return fmt.Errorf("%s /webhook/%s: %w", r.Method, r.Path, store.ErrConflict)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: webhooks of workflow %q: %w", workflowID, err)
	}
	return nil
}
