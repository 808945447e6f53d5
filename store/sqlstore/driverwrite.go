package sqlstore

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync"
)

// SQLite's group commits go to the driver itself. Through database/sql
// each statement of a batch was wrapped for its transaction
// (Tx.StmtContext), its arguments converted and checked under the
// connection's lock, and each transaction started a goroutine to watch
// its context: about a seventh of the committer's time at full load
// (docs/benchmarks.md), and nearly a tenth of what the server allocated per
// execution. The committer holds the store's one connection for the
// whole batch anyway.

// maxDriverStmts bounds the prepared statements kept per connection; the
// writes' queries are the store's own constants, far fewer than this.
const maxDriverStmts = 64

// driverWriter keeps the prepared statements of the connection it last
// committed on.
type driverWriter struct {
	mu    sync.Mutex
	conn  driver.Conn
	stmts map[string]driver.Stmt
	args  []driver.NamedValue
}

// sqliteConn is what the committer needs of the driver's connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
}

// commitDriver runs ops in one transaction on the driver's connection.
// err is the failure that rolled it back; otherwise it committed and
// errs holds each operation's failed check, if any.
func (s *Store) commitDriver(ctx context.Context, ops []*writeOp) ([]error, error) {
	errs := make([]error, len(ops))
	err := s.onDriverConn(ctx, func(dc any) error {
		c, ok := dc.(sqliteConn)
		if !ok {
			return fmt.Errorf("an SQLite connection of type %T, want one that prepares statements and begins transactions", dc)
		}
		return s.driver.commit(ctx, c, ops, errs)
	})
	if err != nil {
		return nil, err
	}
	return errs, nil
}

// onDriverConn runs f with a connection of the pool, as the driver's.
func (s *Store) onDriverConn(ctx context.Context, f func(driverConn any) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(f)
}

func (w *driverWriter) commit(ctx context.Context, c sqliteConn, ops []*writeOp, errs []error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn != c {
		// A new connection (the last one went bad): its statements are
		// prepared afresh.
		w.conn, w.stmts = c, map[string]driver.Stmt{}
	}
	tx, err := c.BeginTx(ctx, driver.TxOptions{})
	if err != nil {
		return err
	}
	for i, op := range ops {
		for _, st := range op.stmts {
			n, err := w.exec(ctx, c, st)
			if err != nil {
				_ = tx.Rollback()
				return err
			}
			if st.check != nil && errs[i] == nil {
				errs[i] = st.check(n)
			}
		}
	}
	return tx.Commit()
}

// exec runs st through its prepared statement and returns the rows it
// changed when st has a check.
func (w *driverWriter) exec(ctx context.Context, c sqliteConn, st statement) (int64, error) {
	ds, ok := w.stmts[st.query]
	if !ok {
		var err error
		if ds, err = c.PrepareContext(ctx, st.query); err != nil {
			return 0, err
		}
		if len(w.stmts) < maxDriverStmts {
			w.stmts[st.query] = ds
		} else {
			defer ds.Close()
		}
	}
	ex, ok := ds.(driver.StmtExecContext)
	if !ok {
		return 0, fmt.Errorf("an SQLite statement of type %T cannot run with a context", ds)
	}
	args := w.args[:0]
	for i, a := range st.args {
		v, err := driverValue(a)
		if err != nil {
			return 0, fmt.Errorf("argument %d of %q: %w", i+1, st.query, err)
		}
		args = append(args, driver.NamedValue{Ordinal: i + 1, Value: v})
	}
	w.args = args
	res, err := ex.ExecContext(ctx, args)
	clear(args)
	if err != nil {
		return 0, err
	}
	if st.check == nil {
		return 0, nil
	}
	return res.RowsAffected()
}

// driverValue converts an argument as database/sql would, the common
// types without reflection.
func driverValue(a any) (driver.Value, error) {
	switch v := a.(type) {
	case nil, string, int64, []byte, bool, float64:
		return v, nil
	case int:
		return int64(v), nil
	}
	return driver.DefaultParameterConverter.ConvertValue(a)
}
