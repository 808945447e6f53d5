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
// beginning only once a checkpoint has caught up with every commit, which
// the writer's own checkpoint does. The log file then stays at about
// writerCheckpointPages pages (80 MB) and is reused, but each of those
// checkpoints finds nearly everything copied already.

const (
	checkpointEvery       = 200 * time.Millisecond
	writerCheckpointPages = 20000
)

// checkpointer runs passive checkpoints on a connection of its own.
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	wg   sync.WaitGroup
}

// startCheckpointer opens a second connection to the database at dsn and
// checkpoints from it every checkpointEvery.
func startCheckpointer(ctx context.Context, dsn string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	c := &checkpointer{db: db, stop: make(chan struct{})}
	c.wg.Add(1)
	go c.loop()
	return c, nil
}

func (c *checkpointer) loop() {
	defer c.wg.Done()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			// A failed checkpoint leaves the log to the next one, or to
			// the writer past writerCheckpointPages.
			_, _, _ = c.checkpoint(context.Background())
		}
	}
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
