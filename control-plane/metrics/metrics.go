// Package metrics keeps the control plane's Prometheus metrics and writes
// them in the Prometheus text exposition format. It is deliberately small:
// counters with one label, one latency histogram, and gauges read at
// scrape time.
package metrics

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Counter is a monotonically increasing count per label value.
type Counter struct {
	name, help, label string
	mu                sync.RWMutex
	values            map[string]*atomic.Uint64
}

// NewCounter returns a counter with one label.
func NewCounter(name, help, label string) *Counter {
	return &Counter{name: name, help: help, label: label, values: map[string]*atomic.Uint64{}}
}

// Inc adds one for a label value.
func (c *Counter) Inc(value string) {
	c.mu.RLock()
	v := c.values[value]
	c.mu.RUnlock()
	if v == nil {
		c.mu.Lock()
		if v = c.values[value]; v == nil {
			v = new(atomic.Uint64)
			c.values[value] = v
		}
		c.mu.Unlock()
	}
	v.Add(1)
}

// Get returns the count of a label value.
func (c *Counter) Get(value string) uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if v := c.values[value]; v != nil {
		return v.Load()
	}
	return 0
}

func (c *Counter) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", c.name, c.help, c.name)
	c.mu.RLock()
	keys := make([]string, 0, len(c.values))
	for k := range c.values {
		keys = append(keys, k)
	}
	c.mu.RUnlock()
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s{%s=%q} %d\n", c.name, c.label, escape(k), c.Get(k))
	}
}

func escape(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// Histogram counts observations in fixed buckets (seconds).
type Histogram struct {
	name, help string
	bounds     []float64
	counts     []atomic.Uint64 // one per bound, plus +Inf
	sumNanos   atomic.Uint64
	total      atomic.Uint64
}

// NewHistogram returns a histogram with the given upper bounds in seconds.
func NewHistogram(name, help string, bounds []float64) *Histogram {
	return &Histogram{name: name, help: help, bounds: bounds, counts: make([]atomic.Uint64, len(bounds)+1)}
}

// Observe records one duration.
func (h *Histogram) Observe(d time.Duration) {
	s := d.Seconds()
	i := sort.SearchFloat64s(h.bounds, s)
	h.counts[i].Add(1)
	h.sumNanos.Add(uint64(max(d, 0)))
	h.total.Add(1)
}

// Count returns how many durations were observed.
func (h *Histogram) Count() uint64 { return h.total.Load() }

func (h *Histogram) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", h.name, h.help, h.name)
	var cum uint64
	for i, b := range h.bounds {
		cum += h.counts[i].Load()
		fmt.Fprintf(w, "%s_bucket{le=\"%s\"} %d\n", h.name, formatFloat(b), cum)
	}
	cum += h.counts[len(h.bounds)].Load()
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n", h.name, cum)
	fmt.Fprintf(w, "%s_sum %s\n%s_count %d\n", h.name, formatFloat(float64(h.sumNanos.Load())/1e9), h.name, cum)
}

func formatFloat(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return fmt.Sprintf("%g", f)
}

// Gauge is a value read when metrics are scraped; a negative value is
// left out (unknown). A Counter one only ever grows (a count kept
// elsewhere) and is exposed as a counter.
type Gauge struct {
	Name, Help string
	Read       func() float64
	Counter    bool
}

// Registry is the set of metrics a process exposes.
type Registry struct {
	// ExecutionsFinished counts finished executions by status.
	ExecutionsFinished *Counter
	// ExecutionsStarted counts started executions by mode.
	ExecutionsStarted *Counter
	// TaskLatency is the time from publishing a node task to having its
	// committed result.
	TaskLatency *Histogram
	// StoreCommits is how long the store's group commits take.
	StoreCommits *Histogram
	mu           sync.Mutex
	gauges       []Gauge
}

// New returns the control plane's registry.
func New() *Registry {
	return &Registry{
		ExecutionsFinished: NewCounter("weft_executions_finished_total", "Executions finished, by final status.", "status"),
		ExecutionsStarted:  NewCounter("weft_executions_started_total", "Executions started, by mode.", "mode"),
		TaskLatency: NewHistogram("weft_node_task_duration_seconds", "Time from publishing a node task to its committed result.",
			[]float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}),
		StoreCommits: NewHistogram("weft_store_commit_duration_seconds", "Time the store took to commit a group of writes.",
			[]float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}),
	}
}

// AddGauge adds a gauge read at every scrape.
func (r *Registry) AddGauge(g Gauge) {
	r.mu.Lock()
	r.gauges = append(r.gauges, g)
	r.mu.Unlock()
}

// Write writes every metric in the text exposition format.
func (r *Registry) Write(w io.Writer) {
	r.ExecutionsStarted.write(w)
	r.ExecutionsFinished.write(w)
	r.TaskLatency.write(w)
	r.StoreCommits.write(w)
	r.mu.Lock()
	gauges := append([]Gauge(nil), r.gauges...)
	r.mu.Unlock()
	for _, g := range gauges {
		v := g.Read()
		if v < 0 {
			continue
		}
		typ := "gauge"
		if g.Counter {
			typ = "counter"
		}
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %s\n", g.Name, g.Help, g.Name, typ, g.Name, formatFloat(v))
	}
}
