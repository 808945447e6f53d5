package sqlstore

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/weftrun/weft/internal/pgtest"
	"github.com/weftrun/weft/store"
)

// BenchmarkStore_ExecutionWrites makes the writes of the webhook
// benchmark's executions (create, one task result, finish with run data)
// from 16 goroutines at once, as a control plane under load does.
//
//	WEFT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -run '^$' -bench ExecutionWrites -benchtime 5s ./store/sqlstore/
func BenchmarkStore_ExecutionWrites(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s, w := benchStore(b, name)
			result := json.RawMessage(`{"json":{"greeting":"hello ann","double":42}}`)
			runData := json.RawMessage(`{"Webhook":[{"data":{"main":[[{"json":{"body":{"name":"ann","n":21}}}]]}}],"Edit Fields":[{"data":{"main":[[{"json":{"greeting":"hello ann","double":42}}]]}}]}`)
			const writers = 16
			var next atomic.Int64
			var wg sync.WaitGroup
			errs := make(chan error, writers)
			b.ResetTimer()
			start, cpu0 := time.Now(), cpuTime()
			for range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "webhook", Status: store.StatusRunning})
						if err == nil {
							err = s.SaveTaskResults(ctx, []store.TaskResult{{TaskID: e.ID + "-1", ExecutionID: e.ID, Result: result}})
						}
						if err == nil {
							err = s.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "Edit Fields", runData, nil)
						}
						if err != nil {
							errs <- fmt.Errorf("execution writes: %w", err)
							return
						}
					}
				}()
			}
			wg.Wait()
			elapsed, cpu := time.Since(start), cpuTime()-cpu0
			b.StopTimer()
			select {
			case err := <-errs:
				b.Fatal(err)
			default:
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "executions/s")
			// Each writer waits for its writes: the time an execution
			// spends in them.
			b.ReportMetric(writers*elapsed.Seconds()*1e3/float64(b.N), "ms/execution")
			// The process's CPU per execution: the store's own work, and
			// with SQLite the database engine's too.
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/execution")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStore_Prune measures retention by count as it runs under load:
// 10,000 finished executions kept, and each round prunes the 1,000 that
// arrived since the one before. It reports the database time per pruned
// execution (pruning's rests between batches left out).
//
//	WEFT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -run '^$' -bench Prune -benchtime 10x ./store/sqlstore/
func BenchmarkStore_Prune(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s, w := benchStore(b, name)
			runData := json.RawMessage(`{"Webhook":[{"data":{"main":[[{"json":{"body":{"name":"ann","n":21}}}]]}}]}`)
			add := func(n int) {
				var wg sync.WaitGroup
				errs := make(chan error, 16)
				var left atomic.Int64
				left.Store(int64(n))
				for range 16 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for left.Add(-1) >= 0 {
							e, err := s.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "webhook", Status: store.StatusRunning})
							if err == nil {
								err = s.FinishExecution(ctx, e.ID, store.StatusSuccess, nil, "Webhook", runData, nil)
							}
							if err != nil {
								errs <- err
								return
							}
						}
					}()
				}
				wg.Wait()
				select {
				case err := <-errs:
					b.Fatal(err)
				default:
				}
			}
			const keep, round = 10000, 1000
			add(keep)
			// Pruning by age when none is old enough, as it runs almost
			// every time: it must not read the executions to learn that.
			ageBegan := time.Now()
			const ageRuns = 20
			for range ageRuns {
				if n, err := s.PruneExecutions(ctx, store.Retention{MaxAge: time.Hour}); err != nil || n != 0 {
					b.Fatalf("pruning by age pruned %d, %v; want none", n, err)
				}
			}
			ageCheck := float64(time.Since(ageBegan).Microseconds()) / ageRuns
			rest := pruneRest
			pruneRest = 0
			defer func() { pruneRest = rest }()
			var spent time.Duration
			pruned := 0
			for b.Loop() {
				b.StopTimer()
				add(round)
				b.StartTimer()
				began := time.Now()
				n, err := s.PruneExecutions(ctx, store.Retention{MaxCount: keep})
				spent += time.Since(began)
				if err != nil {
					b.Fatal(err)
				}
				if n != round {
					b.Fatalf("pruned %d executions, want %d", n, round)
				}
				pruned += n
			}
			b.ReportMetric(float64(spent.Microseconds())/float64(pruned), "µs/pruned")
			b.ReportMetric(ageCheck, "µs/age-check")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// benchStore opens a migrated store of the dialect named ("sqlite" or
// "postgres") holding one workflow; it is closed when b ends.
func benchStore(b *testing.B, name string) (*Store, *store.Workflow) {
	b.Helper()
	url := "sqlite:" + filepath.Join(b.TempDir(), "weft.db")
	if name == "postgres" {
		url = pgtest.URL(b)
	}
	s, err := Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	w, err := s.CreateWorkflow(ctx, "bench", json.RawMessage(`{"name":"bench","nodes":[],"connections":{}}`))
	if err != nil {
		b.Fatal(err)
	}
	return s, w
}
