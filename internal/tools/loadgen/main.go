// Command loadgen sends HTTP requests at a fixed rate (open loop) or as
// fast as the server answers (closed loop) and reports throughput and
// latency percentiles. In open loop, latency counts from when a request
// was due, not from when it was sent, so a server that falls behind is not
// flattered (no coordinated omission).
//
//	go run ./internal/tools/loadgen -url http://127.0.0.1:5678/webhook/bench -rate 1000 -d 10s
package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
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
	// fasthttp's client reads and writes on the calling goroutine, with no
	// goroutines of its own per connection: the load generator shares the
	// machine with what it measures, and should take as little of it as
	// it can: about 75 µs of CPU per request at 2,000/s here, against 105
	// with net/http's client and a dispatching goroutine.
	client := &fasthttp.Client{MaxConnsPerHost: *conns, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	var (
		mu       sync.Mutex
		lats     []time.Duration
		slowAt   = map[int]slowSecond{}
		start    time.Time
		errs     atomic.Int64
		statuses sync.Map
	)
	send := func(req *fasthttp.Request, res *fasthttp.Response, due time.Time) {
		err := client.Do(req, res)
		lat := time.Since(due)
		if err != nil {
			errs.Add(1)
			return
		}
		if code := res.StatusCode(); code >= 300 {
			errs.Add(1)
			n, _ := statuses.LoadOrStore(code, new(atomic.Int64))
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
	newRequest := func() (*fasthttp.Request, *fasthttp.Response) {
		req := fasthttp.AcquireRequest()
		req.SetRequestURI(*url)
		req.Header.SetMethod(fasthttp.MethodPost)
		req.Header.SetContentType(*ctype)
		req.SetBodyString(*body)
		return req, fasthttp.AcquireResponse()
	}
	start = time.Now()
	end := start.Add(*dur)
	var wg sync.WaitGroup
	if *rate <= 0 {
		for range *conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, res := newRequest()
				for time.Now().Before(end) {
					send(req, res, time.Now())
				}
			}()
		}
	} else {
		// Request i is due at start + i*interval; each connection takes
		// the next one due as soon as it is free, so a slow answer delays
		// the requests behind it only when every connection is busy, and
		// their latency counts from when they were due.
		interval := time.Duration(float64(time.Second) / *rate)
		var next atomic.Int64
		for range *conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, res := newRequest()
				for {
					due := start.Add(time.Duration(next.Add(1)-1) * interval)
					if !due.Before(end) {
						return
					}
					if w := time.Until(due); w > 0 {
						time.Sleep(w)
					}
					send(req, res, due)
				}
			}()
		}
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
