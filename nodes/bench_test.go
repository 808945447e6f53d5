package nodes_test

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
)

// benchWorkflow is the reference workflow (testdata/reference-workflow.json):
// Manual Trigger → Set (two expressions) → If → No Op.
func benchWorkflow(tb testing.TB) *api.Workflow {
	return readWorkflow(tb, "testdata/reference-workflow.json")
}

func readWorkflow(tb testing.TB, path string) *api.Workflow {
	doc, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	wf, err := api.ParseWorkflow(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return wf
}

func faults() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Minflt + ru.Majflt
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWorkflow runs the reference workflow in process, with 1 and with
// 1,000 items. Reported: executions/s, CPU µs per node task (the three
// dispatched nodes; the Manual Trigger passes its input through without a
// task) and per item.
func BenchmarkWorkflow(b *testing.B) {
	c := loadCore(b)
	wf := benchWorkflow(b)
	for _, n := range []int{1, 1000} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			// every item passes the If (n*2 > 10), so all three nodes run
			start := items(n + 6)[6:]
			ex := c.Executor()
			check := run(b, c, wf, start)
			if check.Status != engine.StatusSuccess {
				b.Fatalf("status %s: %+v", check.Status, check.Error)
			}
			if ran := len(check.RunData["NoOp"]); ran != 1 {
				b.Fatalf("No Op ran %d times, want 1", ran)
			}
			steady(b, c, func() { run(b, c, wf, start) })
			b.ResetTimer()
			cpu0, wall0 := cpuTime(), time.Now()
			for b.Loop() {
				e, err := ex.Run(b.Context(), wf, engine.StartOptions{StartData: [][]api.Item{start}})
				if err != nil || e.Status != engine.StatusSuccess {
					b.Fatal(err, e.Error)
				}
			}
			cpu, wall := cpuTime()-cpu0, time.Since(wall0)
			b.ReportMetric(float64(b.N)/wall.Seconds(), "exec/s")
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*3), "cpu-µs/task")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*3*n), "cpu-ns/task-item")
		})
	}
}

// BenchmarkExpression measures one expression: a Set node with 1 and with
// 21 expressions on one item; the difference over 20 is the cost of one,
// with the node's compiled code reused (the steady state) and cold.
func BenchmarkExpression(b *testing.B) {
	c := loadCore(b)
	// cold runs' expressions differ from warm ones': the warm node's are
	// prepared (compiled into the module's snapshot) once it settles
	mk := func(n int, cold bool) *api.Workflow {
		var as []string
		for i := range n {
			if cold {
				i += 1000
			}
			as = append(as, fmt.Sprintf(`{"id":"%d","name":"f%d","value":"={{ $json.name.toUpperCase() + %d }}","type":"string"}`, i, i, i))
		}
		return chain(b, node{"Set", "n8n-nodes-base.set", 3.4, `{"mode":"manual","assignments":{"assignments":[` + strings.Join(as, ",") + `]},"options":{}}`})
	}
	for _, cold := range []bool{false, true} {
		for _, n := range []int{1, 21} {
			name := fmt.Sprintf("expressions=%d", n)
			if cold {
				// A new workflow id every run: nothing compiled earlier
				// is reused, every expression is parsed again.
				name += "/cold"
			}
			b.Run(name, func(b *testing.B) {
				wf := mk(n, cold)
				start := items(1)
				ex := c.Executor()
				if !cold {
					steady(b, c, func() { run(b, c, wf, start) })
				}
				i := 0
				for b.Loop() {
					if cold {
						i++
						wf.ID = fmt.Sprint(i)
					}
					e, err := ex.Run(b.Context(), wf, engine.StartOptions{StartData: [][]api.Item{start}})
					if err != nil || e.Status != engine.StatusSuccess {
						b.Fatal(err, e.Error)
					}
				}
			})
		}
	}
}

// BenchmarkNoOp is the fixed cost of one node task: a No Op on one item.
func BenchmarkNoOp(b *testing.B) {
	c := loadCore(b)
	wf := chain(b, node{"NoOp", "n8n-nodes-base.noOp", 1, `{}`})
	start := items(1)
	ex := c.Executor()
	cpu0, flt0 := cpuTime(), faults()
	for b.Loop() {
		e, err := ex.Run(b.Context(), wf, engine.StartOptions{StartData: [][]api.Item{start}})
		if err != nil || e.Status != engine.StatusSuccess {
			b.Fatal(err, e.Error)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/task")
	b.ReportMetric(float64(faults()-flt0)/float64(b.N), "faults/task")
}

// BenchmarkWebhookSet runs the webhook benchmark's Set node (two
// expressions over the request body) on a webhook item, in process: the
// node task's share of a webhook execution.
func BenchmarkWebhookSet(b *testing.B) {
	c := loadCore(b)
	wf := readWorkflow(b, "testdata/webhook-set.json")
	item := api.Item{JSON: []byte(`{"headers":{"host":"127.0.0.1:5678","content-type":"application/json","content-length":"21"},"params":{},"query":{},"body":{"name":"ann","n":21},"webhookUrl":"http://127.0.0.1:5678/webhook/bench","executionMode":"production"}`)}
	ex := c.Executor()
	steady(b, c, func() { run(b, c, wf, []api.Item{item}) })
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		e, err := ex.Run(b.Context(), wf, engine.StartOptions{StartData: [][]api.Item{{item}}})
		if err != nil || e.Status != engine.StatusSuccess {
			b.Fatal(err, e.Error)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/task")
}

// BenchmarkCode runs a Code node that returns its input (one item): the
// fixed cost of the Code node's sandbox.
func BenchmarkCode(b *testing.B) {
	c := loadCore(b)
	wf := chain(b, node{"Code", "n8n-nodes-base.code", 2, `{"jsCode":"return $input.all();"}`})
	start := items(1)
	ex := c.Executor()
	steady(b, c, func() { run(b, c, wf, start) })
	cpu0 := cpuTime()
	for b.Loop() {
		e, err := ex.Run(b.Context(), wf, engine.StartOptions{StartData: [][]api.Item{start}})
		if err != nil || e.Status != engine.StatusSuccess {
			b.Fatal(err, e.Error)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/task")
}
