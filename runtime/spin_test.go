package runtime

import (
	"context"
	"errors"
	goruntime "runtime"
	"sync"
	"testing"
	"time"
)

// waitGoroutines waits for the goroutine count to fall back to at most n.
// Goroutines of finished tasks exit asynchronously, so this polls; the bound
// is generous because it only decides when to give up.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for goruntime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want at most %d:\n%s", goruntime.NumGoroutine(), n, buf[:goruntime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestModule_Run_manySpinners(t *testing.T) {
	eng := newEngine(t, NewConfig())
	m := load(t, eng, "spin")
	base := goruntime.NumGoroutine()
	n := 4 * goruntime.GOMAXPROCS(0)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Half are stopped by the deadline, half by fuel.
			lim := Limits{Fuel: 1 << 62, Timeout: 200 * time.Millisecond}
			if i%2 == 1 {
				lim = Limits{Fuel: 50_000_000, Timeout: time.Minute}
			}
			_, errs[i] = m.Run(context.Background(), []byte(testTask), lim)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		var lim *LimitError
		if !errors.As(err, &lim) {
			t.Fatalf("spinner %d: %v, want a limit", i, err)
		}
		want := LimitDeadline
		if i%2 == 1 {
			want = LimitFuel
		}
		if lim.Kind != want {
			t.Fatalf("spinner %d stopped by %s, want %s", i, lim.Kind, want)
		}
	}
	waitGoroutines(t, base)
	assertHealthy(t, eng)
}

// TestModule_Run_gcWhileSpinning starts a guest that spins for seconds and a
// garbage collection while it spins. The collection needs every goroutine to
// reach a safe point; it must finish while the guest is still spinning, which
// it could not if guest code never returned to Go.
func TestModule_Run_gcWhileSpinning(t *testing.T) {
	eng := newEngine(t, NewConfig())
	m := load(t, eng, "spin")
	spinDone := make(chan error, 1)
	go func() {
		_, err := m.Run(context.Background(), []byte(testTask), Limits{Fuel: 1 << 62, Timeout: 2 * time.Second})
		spinDone <- err
	}()
	time.Sleep(100 * time.Millisecond) // let the guest start spinning
	gcDone := make(chan struct{})
	go func() {
		goruntime.GC()
		close(gcDone)
	}()
	select {
	case <-gcDone:
	case err := <-spinDone:
		t.Fatalf("the guest ended (%v) before the garbage collection finished: it stalled the collector", err)
	}
	var lim *LimitError
	if err := <-spinDone; !errors.As(err, &lim) || lim.Kind != LimitDeadline {
		t.Fatalf("spinner: %v, want deadline", err)
	}
}
