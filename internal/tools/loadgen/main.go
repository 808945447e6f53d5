// Command loadgen sends HTTP requests at a fixed rate (open loop) or as
// fast as the server answers (closed loop) and reports throughput and
// latency percentiles. In open loop, latency counts from when a request
// was due, not from when it was sent, so a server that falls behind is not
// flattered (no coordinated omission).
//
//	go run ./internal/tools/loadgen -url http://127.0.0.1:5678/webhook/bench -rate 1000 -d 10s
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	url := flag.String("url", "", "URL to POST to")
	body := flag.String("body", `{"name":"ann","n":21}`, "request body")
	ctype := flag.String("type", "application/json", "Content-Type")
	conns := flag.Int("c", 16, "connections")
	dur := flag.Duration("d", 10*time.Second, "duration")
	rate := flag.Float64("rate", 0, "requests per second; 0 sends as fast as answers come (closed loop)")
	slow := flag.Duration("slow", 0, "when set, list every second of the run in which a request took longer than this")
	flag.Parse()
	if *url == "" {
		fmt.Fprintln(os.Stderr, "loadgen: -url is required")
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var (
		mu       sync.Mutex
		lats     []time.Duration
		slowAt   = map[int]slowSecond{}
		start    time.Time
		errs     atomic.Int64
		statuses sync.Map
	)
	send := func(due time.Time) {
		res, err := client.Post(*url, *ctype, bytes.NewReader([]byte(*body)))
		lat := time.Since(due)
		if err != nil {
			errs.Add(1)
			return
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode >= 300 {
			errs.Add(1)
			n, _ := statuses.LoadOrStore(res.StatusCode, new(atomic.Int64))
			n.(*atomic.Int64).Add(1)
		}
		mu.Lock()
		lats = append(lats, lat)
		if *slow > 0 && lat > *slow {
			sec := int(due.Sub(start) / time.Second)
			s := slowAt[sec]
			s.n++
			s.max = max(s.max, lat)
			slowAt[sec] = s
		}
		mu.Unlock()
	}
	start = time.Now()
	end := start.Add(*dur)
	var wg sync.WaitGroup
	if *rate <= 0 {
		for range *conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(end) {
					send(time.Now())
				}
			}()
		}
	} else {
		due := make(chan time.Time, 1<<16)
		for range *conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for d := range due {
					send(d)
				}
			}()
		}
		interval := time.Duration(float64(time.Second) / *rate)
		for next := start; next.Before(end); next = next.Add(interval) {
			if w := time.Until(next); w > 0 {
				time.Sleep(w)
			}
			due <- next
		}
		close(due)
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lats)
	pct := func(p float64) time.Duration {
		if len(lats) == 0 {
			return 0
		}
		return lats[min(len(lats)-1, int(p*float64(len(lats))))]
	}
	fmt.Printf("requests %d in %v: %.0f/s, errors %d\n", len(lats), elapsed.Round(time.Millisecond), float64(len(lats))/elapsed.Seconds(), errs.Load())
	fmt.Printf("latency p50 %v  p90 %v  p99 %v  max %v\n", pct(0.50).Round(10*time.Microsecond), pct(0.90).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), pct(1).Round(10*time.Microsecond))
	for _, sec := range slices.Sorted(maps.Keys(slowAt)) {
		s := slowAt[sec]
		fmt.Printf("slow: second %d: %d requests over %v, the longest %v\n", sec, s.n, *slow, s.max.Round(time.Millisecond))
	}
	statuses.Range(func(k, v any) bool {
		fmt.Printf("status %d: %d\n", k, v.(*atomic.Int64).Load())
		return true
	})
}

// slowSecond counts the requests due in one second of the run that took
// longer than -slow.
type slowSecond struct {
	n   int
	max time.Duration
}
