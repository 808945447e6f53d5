package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// WAL checkpoints off the commit path. SQLite appends commits to its
// write-ahead log and, by default, the connection whose commit takes the
// log past 1,000 pages copies the log back into the database file and
// syncs it, there and then. With the store's single connection that
// checkpoint holds up every write queued behind it: under load about one
// commit in a hundred took 20-50 ms instead of well under one. A
// checkpointer of its own, on a second connection, copies the log back
// every checkpointEvery without blocking the writer (a PASSIVE checkpoint
// runs beside readers and writers). The writer still checkpoints itself
// past writerCheckpointPages, should the checkpointer fall behind (a
// reader holding an old snapshot for long): the log stays bounded. Under
// steady writes that is what happens: the log can start over from its
// beginning only once a checkpoint has caught up with every commit, and a
// checkpoint beside the writer never quite does: commits come while it
// copies. Left to the writer's own checkpoint at writerCheckpointPages,
// that catching up took 8-12 ms of one commit, once a second at 1,900
// executions/s, holding up every write queued behind it. So once the log
// passes restartPages the checkpointer asks the writer to catch up (see
// batcher.loop): between two commits, the writer copies what came since
// the checkpointer's pass (about 1.4 ms at 1,900 executions/s, every
// 200 ms or so), and its next transaction starts the log over. The log
// file stays near restartPages pages (16 MB) instead of 80 MB.
//
// Checkpoints come often and small: a pass copies what about 25 ms of
// commits wrote. A pass every 200 ms took 10-15 ms, holding one of the
// process's two threads of Go code all that time.

// A store where nothing was committed since the last pass is checked every
// checkpointIdle instead.

const (
	checkpointEvery       = 25 * time.Millisecond
	checkpointIdle        = 250 * time.Millisecond
	restartPages          = 4096
	writerCheckpointPages = 20000
)

// checkpointer runs passive checkpoints on a connection of its own.
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	wg   sync.WaitGroup
	// catchUp, when set, asks the writer to checkpoint what is left once
	// the log holds restart pages or more.
	catchUp func()
	restart int
	// version is the database's data_version at the last pass, as the
	// checkpointer's connection sees it: it changes with every commit
	// of another connection.
	version int64
}

// startCheckpointer opens a second connection to the database at dsn and
// checkpoints from it every checkpointEvery, calling catchUp when the log
// is long.
func startCheckpointer(ctx context.Context, dsn string, catchUp func()) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	c := &checkpointer{db: db, stop: make(chan struct{}), restart: restartPages, catchUp: catchUp}
	c.wg.Add(1)
	go c.loop()
	return c, nil
}

func (c *checkpointer) loop() {
	defer c.wg.Done()
	t := time.NewTimer(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			if c.pass(context.Background()) {
				t.Reset(checkpointEvery)
			} else {
				t.Reset(checkpointIdle)
			}
		}
	}
}

// pass checkpoints, and asks the writer to catch up when the log is long.
// It reports whether anything was committed since the last pass. A failed
// checkpoint leaves the log to the next one, or to the writer past
// writerCheckpointPages.
func (c *checkpointer) pass(ctx context.Context) (committed bool) {
	var version int64
	if err := c.db.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&version); err != nil || version != c.version {
		committed = true
	}
	c.version = version
	if !committed {
		return false
	}
	log, _, err := c.checkpoint(ctx)
	if err == nil && log >= c.restart && c.catchUp != nil {
		c.catchUp()
	}
	return true
}

// checkpoint copies what it can of the log back into the database: log is
// the log's size in pages, done how many of them are in the database now.
func (c *checkpointer) checkpoint(ctx context.Context) (log, done int, err error) {
	var busy int
	if err := c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err != nil {
		return 0, 0, fmt.Errorf("store: WAL checkpoint: %w", err)
	}
	return log, done, nil
}

func (c *checkpointer) close() {
	close(c.stop)
	c.wg.Wait()
	c.db.Close()
}
