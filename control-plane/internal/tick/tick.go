// Package tick runs the control plane's periodic work.
package tick

import (
	"context"
	"time"
)

// Every calls f every interval until ctx ends (the first call after one
// interval).
func Every(ctx context.Context, interval time.Duration, f func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f()
		}
	}
}
