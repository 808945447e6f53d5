// Package gc deletes the blobs nothing references any more. Executions
// pruned by retention or deleted leave their run data, payloads and binary
// data in the blob store, which keeps no count of references: Collect
// finds the blobs in use by reading the stored data (mark), then lists the
// blob store and deletes the others (sweep).
//
// # Safety
//
// The store cannot show every reference: a blob is written before the
// reference to it is committed, and a task or a result waits in NATS, its
// blobs already stored, before its reference reaches the store. The grace
// period covers that. Collect takes its cutoff, the time marking begins
// minus the grace period, before it starts marking, and deletes only blobs
// that are not marked and were last modified before the cutoff:
//
//   - A reference committed before marking began is marked: the store
//     reports every reference its rows held when the scan started, even a
//     row that moves while it runs.
//   - A reference committed after marking began, which the mark may miss,
//     names a blob Put less than the grace period before that commit, so
//     modified after the cutoff. A Put of content already stored
//     refreshes its modification time, so this holds for old content put
//     again too. (A node passing on an item it received copies a
//     reference without a Put, but its execution's rows hold that one
//     until it ends.) Were the cutoff taken after marking, a long mark
//     would let such a blob fall before it.
//   - DeleteIfOlder checks the modification time again as it deletes, so
//     a Put between the listing and the deletion spares the blob (on S3,
//     but for a window of one round trip).
//
// The grace period must therefore exceed the longest a task or a result
// can wait in NATS between the Put of its blobs and the commit of its
// reference (a task waiting for a runner included), plus blob.RefreshAge
// for S3, plus any difference between the blob store's clock and this
// one. A grace period of zero is safe only when nothing runs.
package gc

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/weftrun/weft/blob"
)

// DefaultGrace is the grace period of the control plane's collector and of
// `weft blobs gc`.
const DefaultGrace = time.Hour

// RefSource reports every blob reference stored data holds (store.Store
// does); see store.Store.BlobRefs.
type RefSource interface {
	BlobRefs(ctx context.Context, f func(ref string) error) error
}

// Options tune Collect.
type Options struct {
	// Grace is how long before marking began an unreferenced blob must
	// have been modified last to be deleted (see the package comment).
	Grace time.Duration
	// DryRun deletes nothing: Stats and Swept tell what would go.
	DryRun bool
	// Logf reports blobs that could not be deleted; nil discards.
	Logf func(format string, args ...any)
	// Marked, when set, is called once the references are known, with
	// their number, before the sweep starts.
	Marked func(refs int)
	// Swept, when set, is called with each blob deleted, or with DryRun
	// each blob that would be.
	Swept func(blob.Info)
}

// Stats is what Collect found and did.
type Stats struct {
	// Referenced is the number of distinct references the stored data
	// holds, whether or not the blobs exist.
	Referenced int
	// Scanned blobs were listed; each one was either kept or deleted.
	Scanned int
	// Kept blobs stay: referenced, Recent, or failing to delete (Failed).
	Kept int
	// Recent blobs are unreferenced but modified after the cutoff, or
	// refreshed or gone by the time of their deletion.
	Recent int
	Failed int
	// Deleted blobs are gone (with DryRun: would be), Freed bytes with
	// them.
	Deleted int
	Freed   int64
}

// String summarizes s for a log line.
func (s Stats) String() string {
	return fmt.Sprintf("%d blobs deleted, %s freed, %d kept", s.Deleted, MiB(s.Freed), s.Kept)
}

// MiB formats a byte count in mebibytes.
func MiB(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// maxLogged bounds the deletion failures logged one by one, so that a
// store refusing every deletion does not flood the log.
const maxLogged = 5

// Collect deletes from blobs every blob refs does not report that was
// modified before the cutoff: now minus o.Grace, taken before marking. An
// error while marking deletes nothing; an error on one deletion is logged
// and the sweep goes on, and Collect then returns an error counting them.
// The Stats are filled as far as Collect got.
func Collect(ctx context.Context, refs RefSource, blobs blob.Store, o Options) (Stats, error) {
	var st Stats
	if o.Grace < 0 {
		return st, fmt.Errorf("blob gc: grace period %v is negative", o.Grace)
	}
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	// Before marking: see the package comment.
	cutoff := time.Now().Add(-o.Grace)

	// Digests, half the memory of the references as text.
	marked := map[[32]byte]struct{}{}
	err := refs.BlobRefs(ctx, func(ref string) error {
		if d, ok := digest(ref); ok {
			marked[d] = struct{}{}
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("blob gc: finding the blobs in use (nothing deleted): %w", err)
	}
	st.Referenced = len(marked)
	if o.Marked != nil {
		o.Marked(st.Referenced)
	}

	var firstErr error
	err = blobs.List(ctx, func(i blob.Info) error {
		st.Scanned++
		d, ok := digest(string(i.Ref))
		if _, used := marked[d]; used || !ok {
			st.Kept++
			return nil
		}
		if !i.ModTime.Before(cutoff) {
			st.Kept++
			st.Recent++
			return nil
		}
		deleted := true
		if !o.DryRun {
			var err error
			deleted, err = blobs.DeleteIfOlder(ctx, i.Ref, cutoff)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				st.Kept++
				st.Failed++
				if firstErr == nil {
					firstErr = err
				}
				if st.Failed <= maxLogged {
					logf("blob gc: %v", err)
				}
				return nil
			}
		}
		if !deleted {
			st.Kept++
			st.Recent++
			return nil
		}
		st.Deleted++
		st.Freed += i.Size
		if o.Swept != nil {
			o.Swept(i)
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("blob gc: sweeping the blob store: %w", err)
	}
	if st.Failed > 0 {
		return st, fmt.Errorf("blob gc: %d unreferenced blobs could not be deleted; the first: %w", st.Failed, firstErr)
	}
	return st, nil
}

// digest returns the SHA-256 a reference names.
func digest(ref string) ([32]byte, bool) {
	var d [32]byte
	h, ok := strings.CutPrefix(ref, "sha256:")
	if !ok || len(h) != hex.EncodedLen(len(d)) {
		return d, false
	}
	_, err := hex.Decode(d[:], []byte(h))
	return d, err == nil
}
