// Command goprog is a deterministic workload built for GOOS=wasip1 by the
// instrument package tests: it exercises the Go runtime (scheduler,
// garbage collector, memory growth, maps, interfaces, panics) and prints
// results that must not change under instrumentation.
package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
)

type shape interface{ area() float64 }

type rect struct{ w, h float64 }
type circle struct{ r float64 }

func (r rect) area() float64   { return r.w * r.h }
func (c circle) area() float64 { return 3 * c.r * c.r }

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func primes(limit int) []int {
	sieve := make([]bool, limit)
	var out []int
	for i := 2; i < limit; i++ {
		if !sieve[i] {
			out = append(out, i)
			for j := i * i; j < limit; j += i {
				sieve[j] = true
			}
		}
	}
	return out
}

func mayFail(i int) (res int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	if i%3 == 0 {
		panic("multiple of three")
	}
	return i * i, nil
}

func main() {
	p := primes(100000)
	fmt.Println("primes:", len(p), p[len(p)-1])

	words := strings.Fields("the quick brown fox jumps over the lazy dog while the cat sleeps")
	counts := map[string]int{}
	for _, w := range words {
		counts[w]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		sb.WriteString(k + "=" + strconv.Itoa(counts[k]) + " ")
	}
	fmt.Println("words:", strings.TrimSpace(sb.String()))

	var wg sync.WaitGroup
	results := make([]int, 6)
	ch := make(chan int, len(results))
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = fib(15 + i)
			ch <- i
		}()
	}
	wg.Wait()
	close(ch)
	done := 0
	for range ch {
		done++
	}
	fmt.Println("fib:", results, "goroutines:", done)

	var keep [][]byte
	total := 0
	for i := 0; i < 48; i++ {
		b := make([]byte, 1<<20)
		b[i] = byte(i)
		keep = append(keep, b)
		total += len(b)
	}
	fmt.Println("allocated MiB:", total>>20, "kept:", len(keep))

	shapes := []shape{rect{2, 3}, circle{2}, rect{1.5, 4}}
	sum := 0.0
	for _, s := range shapes {
		sum += s.area()
	}
	fmt.Printf("areas: %.2f\n", sum)

	var errs []string
	for i := 1; i <= 6; i++ {
		v, err := mayFail(i)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		errs = append(errs, strconv.Itoa(v))
	}
	fmt.Println("calls:", strings.Join(errs, "; "))
	fmt.Println("is:", errors.Is(fmt.Errorf("wrap: %w", os.ErrNotExist), os.ErrNotExist))

	h := sha256.New()
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(h, "line %d\n", i)
	}
	fmt.Printf("sha256: %x\n", h.Sum(nil))
}
