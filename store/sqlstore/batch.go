package sqlstore

import (
	"context"
	"fmt"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/weftrun/weft/store"
)

// Group commit: the writes every execution makes (creating it, committing
// node results, finishing it) come from many goroutines at once. Instead of
// a transaction each, writers queue their work and a few committer
// goroutines run whatever is queued, up to maxBatch operations, in one
// transaction. With SQLite (one writer at a time) this turns thousands of
// commits a second into tens; with Postgres it saves WAL flushes.
//
// An operation is a list of statements, not code run in a transaction, so
// that Postgres takes a whole batch in one round trip: every statement of
// the batch goes out in one pipeline ending in a single Sync, and the
// server runs everything before a Sync as one implicit transaction, which
// commits at the Sync or rolls back entirely at the first error. Sent a
// statement at a time, a batch of 16 executions would take about 70
// sequential round trips. SQLite, in process, runs the statements one by
// one in a transaction on the driver's connection (driverwrite.go).
//
// A statement that fails makes the batch roll back; each operation of the
// batch is then run again in a transaction of its own, so one bad write
// never fails the others and every caller learns its own outcome. A check
// that fails (an update that matched no row) fails its operation but not
// the batch: the results are read only after the pipeline has run, too late
// to roll back, so such an operation is written to change nothing when its
// check fails.

const maxBatch = 256

// defaultLazyWait is how long a batch made only of lazy writes waits for
// company. At moderate load most batches hold one write (a commit takes less time
// than the next write takes to come), and a commit costs about the same
// for one write as for ten: the pages it writes are mostly the same ones,
// the ends of the tables and indexes every execution appends to. Letting
// the writes nobody waits for ride along with the next one saves commits
// without delaying anything that matters.
const defaultLazyWait = 2 * time.Millisecond

// defaultBusyWait is how long a batch waits for another write once
// writers are seen to be busy (see fill). Under full load this takes the
// embedded server from about 1.15 writes per commit to 3.3
// (docs/benchmarks.md), and a commit costs much the same whatever it
// holds; a quiet store never waits.
const defaultBusyWait = 500 * time.Microsecond

// statement is one SQL statement of a write, written with ? placeholders.
type statement struct {
	query string
	args  []any
	// check, when set, judges the statement by the number of rows it
	// changed. Its error fails the operation, and the batch still
	// commits: every other statement of the operation must then match no
	// row, which it does by being conditioned on the rows the check
	// counts.
	check func(rows int64) error
}

type writeOp struct {
	stmts []statement
	done  chan error
	// lazy marks a write nobody waits on to go on (recording an outcome
	// already delivered): it may wait a little to share a commit.
	lazy bool
}

type batcher struct {
	s    *Store
	ops  chan *writeOp
	stop chan struct{}
	wg   sync.WaitGroup
	// lazyWait is how long a batch of lazy writes waits for another.
	lazyWait time.Duration
	// busyWait is how long a batch waits for another write once writers
	// are busy.
	busyWait time.Duration
	// catchUp holds a request from the checkpointer to finish its
	// checkpoint between two commits (see checkpoint.go).
	catchUp chan struct{}

	// The standby committer (when standbyAfter is set) takes writes only
	// while the committer's commit has gone on for standbyAfter: most of
	// the time one committer gathers every write into its batches, and a
	// commit stuck behind the disk does not hold all the others.
	standbyAfter time.Duration
	busy         atomic.Bool
	wake         chan struct{}
	wakeTimer    *time.Timer
}

// defaultStandbyAfter is how long a Postgres commit goes on before the
// standby committer takes the writes queued meanwhile: a commit takes
// well under a millisecond unless the disk holds its log flush.
const defaultStandbyAfter = 2 * time.Millisecond

// startBatcher starts one committer, and a standby one when standbyAfter
// is positive.
func (s *Store) startBatcher(standbyAfter time.Duration) {
	b := &batcher{s: s, ops: make(chan *writeOp, 4096), stop: make(chan struct{}), lazyWait: defaultLazyWait, busyWait: defaultBusyWait,
		catchUp: make(chan struct{}, 1), standbyAfter: standbyAfter}
	b.wg.Add(1)
	go b.loop()
	if standbyAfter > 0 {
		b.wake = make(chan struct{}, 1)
		b.wakeTimer = time.AfterFunc(time.Hour, func() {
			select {
			case b.wake <- struct{}{}:
			default:
			}
		})
		b.wakeTimer.Stop()
		b.wg.Add(1)
		go b.standby()
	}
	s.batch = b
}

// standby commits what is queued while the committer's commit outlasts
// standbyAfter.
func (b *batcher) standby() {
	defer b.wg.Done()
	for {
		select {
		case <-b.wake:
		case <-b.stop:
			return
		}
		for b.busy.Load() {
			select {
			case op := <-b.ops:
				b.run(b.drain([]*writeOp{op}))
			case <-time.After(b.standbyAfter):
			case <-b.stop:
				return
			}
		}
	}
}

func (b *batcher) close() {
	close(b.stop)
	b.wg.Wait()
}

// write commits stmts, in a transaction shared with other writers, and
// returns the outcome. It waits for the outcome even when ctx ends first: a
// write the caller gave up on may still commit, and the caller must know.
//
// A write whose ctx is marked store.Unhurried is lazy: it may wait up to
// defaultLazyWait to share a commit with the next write.
func (s *Store) write(ctx context.Context, stmts ...statement) error {
	s.prepareHot(ctx)
	op := &writeOp{stmts: stmts, done: make(chan error, 1), lazy: store.IsUnhurried(ctx)}
	if s.batch == nil {
		return s.commitOne(ctx, op)
	}
	select {
	case s.batch.ops <- op:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.batch.stop:
		return s.commitOne(ctx, op)
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
		case <-b.catchUp:
			b.s.catchUpLog()
			continue
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
		batch = b.fill(append(batch[:0], first))
		if b.wakeTimer != nil {
			b.busy.Store(true)
			b.wakeTimer.Reset(b.standbyAfter)
		}
		b.run(batch)
		if b.wakeTimer != nil {
			b.wakeTimer.Stop()
			b.busy.Store(false)
		}
	}
}

// requestCatchUp asks a committer to checkpoint between two commits; a
// request already waiting stands for this one.
func (b *batcher) requestCatchUp() {
	select {
	case b.catchUp <- struct{}{}:
	default:
	}
}

// catchUpLog checkpoints the write-ahead log from the writer's connection,
// between two commits: nothing is committed while it copies, so it
// catches up with every commit, and the next transaction starts the log
// over from its beginning.
func (s *Store) catchUpLog() {
	// A failed one is left to the next request, or to the writer's own
	// checkpoint past writerCheckpointPages.
	_, _ = s.db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
}

// fill adds to batch what is queued. A batch of lazy writes waits up to
// b.lazyWait for another write, and is committed as soon as one that is
// not lazy joins it. Then the committer lets every runnable goroutine run
// once: under load some of them are about to write, and their writes join
// this commit. When that, or the queue, brought company, writers are busy,
// and the batch waits up to b.busyWait for one more write and what comes
// with it. A write alone is committed at once, so a quiet store never
// waits; and since the wait ends with the next write rather than a timer,
// a busy one waits only as long as its writes are apart.
func (b *batcher) fill(batch []*writeOp) []*writeOp {
	batch = b.drain(batch)
	if lazy(batch) {
		timer := time.NewTimer(b.lazyWait)
	wait:
		for len(batch) < maxBatch {
			n := len(batch)
			select {
			case op := <-b.ops:
				batch = b.drain(append(batch, op))
			case <-timer.C:
				break wait
			case <-b.stop:
				break wait
			}
			// only the writes that just came can end the wait
			if !lazy(batch[n:]) {
				break
			}
		}
		timer.Stop()
	}
	if b.busyWait <= 0 || len(batch) >= maxBatch {
		return batch
	}
	goruntime.Gosched()
	batch = b.drain(batch)
	if len(batch) == 1 || len(batch) >= maxBatch {
		return batch
	}
	timer := time.NewTimer(b.busyWait)
	defer timer.Stop()
	select {
	case op := <-b.ops:
		batch = append(batch, op)
		goruntime.Gosched()
		return b.drain(batch)
	case <-timer.C:
	case <-b.stop:
	}
	return batch
}

// drain adds to batch what is queued, up to maxBatch.
func (b *batcher) drain(batch []*writeOp) []*writeOp {
	for len(batch) < maxBatch {
		select {
		case op := <-b.ops:
			batch = append(batch, op)
		default:
			return batch
		}
	}
	return batch
}

// lazy reports whether every write of ops is lazy.
func lazy(ops []*writeOp) bool {
	for _, op := range ops {
		if !op.lazy {
			return false
		}
	}
	return true
}

// run commits a batch, falling back to one transaction per operation when
// the batch fails.
func (b *batcher) run(batch []*writeOp) {
	ctx := context.Background()
	b.s.commits.Add(1)
	b.s.writes.Add(uint64(len(batch)))
	began := time.Now()
	errs, err := b.s.commit(ctx, batch)
	if observe := b.s.commitObserver.Load(); observe != nil {
		(*observe)(time.Since(began))
	}
	if err == nil {
		for i, op := range batch {
			op.done <- errs[i]
		}
		return
	}
	if len(batch) == 1 {
		batch[0].done <- err
		return
	}
	for _, op := range batch {
		op.done <- b.s.commitOne(ctx, op)
	}
}

// ObserveCommits has f called with the duration of every group commit.
func (s *Store) ObserveCommits(f func(time.Duration)) {
	s.commitObserver.Store(&f)
}

// WriteStats returns how many group commits the store made and how many
// writes they held: their ratio is how well writes share commits.
func (s *Store) WriteStats() (commits, writes uint64) {
	return s.commits.Load(), s.writes.Load()
}

// commitOne commits op in a transaction of its own.
func (s *Store) commitOne(ctx context.Context, op *writeOp) error {
	errs, err := s.commit(ctx, []*writeOp{op})
	if err != nil {
		return err
	}
	return errs[0]
}

// commit runs ops in one transaction. err is the failure that rolled it
// back; otherwise it committed and errs holds each operation's failed
// check, if any.
func (s *Store) commit(ctx context.Context, ops []*writeOp) (errs []error, err error) {
	if s.dialect == Postgres {
		return s.commitPipeline(ctx, ops)
	}
	return s.commitDriver(ctx, ops)
}

// commitPipeline sends every statement of ops to Postgres in one pipeline
// and reads the results: one round trip, or two the first time a
// connection meets a query and prepares it. With no BEGIN in it, the
// pipeline is one implicit transaction.
func (s *Store) commitPipeline(ctx context.Context, ops []*writeOp) ([]error, error) {
	var b pgx.Batch
	for _, op := range ops {
		for _, st := range op.stmts {
			b.Queue(s.q(st.query), st.args...)
		}
	}
	errs := make([]error, len(ops))
	err := s.onDriverConn(ctx, func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("a Postgres connection of type %T, want *stdlib.Conn", driverConn)
		}
		br := c.Conn().SendBatch(ctx, &b)
		for i, op := range ops {
			for _, st := range op.stmts {
				tag, err := br.Exec()
				if err != nil {
					_ = br.Close()
					return err
				}
				if st.check != nil && errs[i] == nil {
					errs[i] = st.check(tag.RowsAffected())
				}
			}
		}
		// The Sync's answer: an error here (a deferred constraint, a
		// failed commit) means the transaction rolled back.
		return br.Close()
	})
	if err != nil {
		return nil, err
	}
	return errs, nil
}
