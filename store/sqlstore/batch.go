package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// Group commit: the writes every execution makes (creating it, committing
// node results, finishing it) come from many goroutines at once. Instead of
// a transaction each, writers queue their work and a few committer
// goroutines run whatever is queued, up to maxBatch operations, in one
// transaction. With SQLite (one writer at a time) this turns thousands of
// commits a second into tens; with Postgres it saves WAL flushes.
//
// An operation that fails makes the batch roll back; each operation of the
// batch is then run again in a transaction of its own, so one bad write
// never fails the others and every caller learns its own outcome.

const maxBatch = 256

type writeOp struct {
	f    func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

type batcher struct {
	s    *Store
	ops  chan *writeOp
	stop chan struct{}
	wg   sync.WaitGroup
}

func (s *Store) startBatcher(committers int) {
	b := &batcher{s: s, ops: make(chan *writeOp, 4096), stop: make(chan struct{})}
	for range committers {
		b.wg.Add(1)
		go b.loop()
	}
	s.batch = b
}

func (b *batcher) close() {
	close(b.stop)
	b.wg.Wait()
}

// write runs f in a transaction shared with other writers and returns its
// outcome once committed. It waits for the outcome even when ctx ends
// first: a write the caller gave up on may still commit, and the caller
// must know.
func (s *Store) write(ctx context.Context, f func(ctx context.Context, tx *sql.Tx) error) error {
	s.prepareHot(ctx)
	if s.batch == nil {
		return s.tx(ctx, func(tx *sql.Tx) error { return f(ctx, tx) })
	}
	op := &writeOp{f: f, done: make(chan error, 1)}
	select {
	case s.batch.ops <- op:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.batch.stop:
		return s.tx(ctx, func(tx *sql.Tx) error { return f(ctx, tx) })
	}
	return <-op.done
}

func (b *batcher) loop() {
	defer b.wg.Done()
	batch := make([]*writeOp, 0, maxBatch)
	for {
		var first *writeOp
		select {
		case first = <-b.ops:
		case <-b.stop:
			// Finish what is queued.
			for {
				select {
				case op := <-b.ops:
					b.run([]*writeOp{op})
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxBatch {
			select {
			case op := <-b.ops:
				batch = append(batch, op)
			default:
				break fill
			}
		}
		b.run(batch)
	}
}

// run commits a batch, falling back to one transaction per operation when
// the batch fails.
func (b *batcher) run(batch []*writeOp) {
	ctx := context.Background()
	errs := make([]error, len(batch))
	err := b.s.tx(ctx, func(tx *sql.Tx) error {
		for i, op := range batch {
			if errs[i] = op.f(ctx, tx); errs[i] != nil {
				return errs[i]
			}
		}
		return nil
	})
	if err == nil {
		for _, op := range batch {
			op.done <- nil
		}
		return
	}
	if len(batch) == 1 {
		batch[0].done <- err
		return
	}
	for _, op := range batch {
		op.done <- b.s.tx(ctx, func(tx *sql.Tx) error { return op.f(ctx, tx) })
	}
}
