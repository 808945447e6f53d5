package gc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/blob/blobtest"
	"github.com/weftrun/weft/blob/gc"
	"github.com/weftrun/weft/internal/s3test"
	"github.com/weftrun/weft/store"
	"github.com/weftrun/weft/store/sqlstore"
)

var ctx = context.Background()

// openStore opens a migrated SQLite store keeping run data above 1 KiB in
// blobs.
func openStore(t *testing.T, blobs blob.Store) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	st.UseBlobs(blobs, 1024)
	return st
}

func put(t *testing.T, blobs blob.Store, data string) blob.Ref {
	t.Helper()
	ref, err := blobs.Put(ctx, []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// item is an item whose binary data is in the blob store, as the bus
// leaves it.
func item(ref blob.Ref) string {
	return `{"json":{},"binary":{"data":{"mimeType":"application/pdf","data":"weft-blob:` + string(ref) + `"}}}`
}

// runData is run data holding items; pad makes it large enough to be
// kept as a blob.
func runData(pad bool, refs ...blob.Ref) string {
	var items []string
	for _, r := range refs {
		items = append(items, item(r))
	}
	doc := `{"N":[{"data":{"main":[[` + strings.Join(items, ",") + `]]}}]`
	if pad {
		doc += `,"pad":"` + strings.Repeat("x", 2000) + `"`
	}
	return doc + `}`
}

// history stores what running workflows leaves behind and prunes the
// oldest execution. It returns the blobs still referenced and those that
// only the pruned execution referenced, or nothing did.
func history(t *testing.T, st *sqlstore.Store, blobs blob.Store) (keep, gone []blob.Ref) {
	t.Helper()
	pinned := put(t, blobs, "a file pinned in the workflow")
	w, err := st.CreateWorkflow(ctx, "invoices", json.RawMessage(`{"name":"invoices","nodes":[],"connections":{},"pinData":{"A":[`+item(pinned)+`]}}`))
	if err != nil {
		t.Fatal(err)
	}
	run := func(started time.Time, status, runData string, results ...store.TaskResult) string {
		t.Helper()
		e, err := st.CreateExecution(ctx, &store.Execution{WorkflowID: w.ID, WorkflowVersion: 1, Mode: "webhook", Status: store.StatusRunning, StartedAt: started})
		if err != nil {
			t.Fatal(err)
		}
		for i := range results {
			results[i].ExecutionID = e.ID
			results[i].TaskID = fmt.Sprintf("%s/N/%d/0", e.ID, i)
		}
		if err := st.SaveTaskResults(ctx, results); err != nil {
			t.Fatal(err)
		}
		if err := st.FinishExecution(ctx, e.ID, status, nil, "N", json.RawMessage(runData), nil); err != nil {
			t.Fatal(err)
		}
		return e.ID
	}

	shared := put(t, blobs, "a file both executions produced")
	oldOnly := put(t, blobs, "a file only the old execution produced")
	oldRun := runData(true, oldOnly, shared)
	run(time.Now().Add(-48*time.Hour), store.StatusSuccess, oldRun)

	// A failed execution keeps its results: one has its payload in a blob.
	inPayload := put(t, blobs, "a file in a result payload")
	payload := put(t, blobs, `{"outputs":[[`+item(inPayload)+`]]}`)
	recent := put(t, blobs, "a file the failed execution produced")
	run(time.Now(), store.StatusError, runData(false, recent, shared),
		store.TaskResult{Result: json.RawMessage(`{"id":"x","payloadRef":"` + string(payload) + `"}`)})

	newOnly := put(t, blobs, "a file the new execution produced")
	newRun := runData(true, newOnly)
	id := run(time.Now(), store.StatusSuccess, newRun)

	orphan := put(t, blobs, "a file nothing ever referenced")

	n, err := st.PruneExecutions(ctx, store.Retention{MaxAge: 24 * time.Hour})
	if err != nil || n != 1 {
		t.Fatalf("pruned %d executions, %v; want 1", n, err)
	}
	if e, err := st.GetExecution(ctx, id); err != nil || string(e.RunData) != newRun {
		t.Fatalf("run data of the new execution: %v", err)
	}
	keep = []blob.Ref{pinned, shared, inPayload, payload, recent, newOnly, blob.RefOf([]byte(newRun))}
	gone = []blob.Ref{oldOnly, blob.RefOf([]byte(oldRun)), orphan}
	for _, ref := range append(keep, gone...) {
		mustExist(t, blobs, ref, true)
	}
	return keep, gone
}

func mustExist(t *testing.T, blobs blob.Store, ref blob.Ref, want bool) {
	t.Helper()
	ok, err := blobs.Exists(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if ok != want {
		t.Errorf("Exists(%s) = %v, want %v", ref, ok, want)
	}
}

// age makes every blob in d look last modified d ago.
func age(t *testing.T, d *blob.Dir, by time.Duration) {
	t.Helper()
	at := time.Now().Add(-by)
	err := d.List(ctx, func(i blob.Info) error {
		digest := i.Ref.Digest()
		return os.Chtimes(filepath.Join(d.Path(), "sha256", digest[:2], digest), at, at)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func size(t *testing.T, blobs blob.Store, refs []blob.Ref) int64 {
	t.Helper()
	var n int64
	for _, ref := range refs {
		data, err := blobs.Get(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		n += int64(len(data))
	}
	return n
}

func collect(t *testing.T, st gc.RefSource, blobs blob.Store, o gc.Options) (gc.Stats, []blob.Ref) {
	t.Helper()
	var swept []blob.Ref
	o.Swept = func(i blob.Info) { swept = append(swept, i.Ref) }
	stats, err := gc.Collect(ctx, st, blobs, o)
	if err != nil {
		t.Fatalf("Collect(%+v): %v", o, err)
	}
	slices.Sort(swept)
	return stats, swept
}

func sorted(refs ...blob.Ref) []blob.Ref {
	return slices.Sorted(slices.Values(refs))
}

// TestGC_Dir runs the collector on a real store and blob directory
// after retention pruned an execution.
func TestGC_Dir(t *testing.T) {
	blobs := blobtest.OpenDir(t)
	st := openStore(t, blobs)
	keep, gone := history(t, st, blobs)
	age(t, blobs, 2*time.Hour)
	young := put(t, blobs, "an orphan younger than the grace period")

	stats, swept := collect(t, st, blobs, gc.Options{Grace: time.Hour, DryRun: true})
	if want := sorted(gone...); !slices.Equal(swept, want) || stats.Deleted != len(gone) || stats.Freed != size(t, blobs, gone) {
		t.Fatalf("a dry run would delete %v (stats %+v), want %v", swept, stats, want)
	}
	for _, ref := range append(append(keep, gone...), young) {
		mustExist(t, blobs, ref, true)
	}

	freed := size(t, blobs, gone)
	stats, swept = collect(t, st, blobs, gc.Options{Grace: time.Hour})
	if want := sorted(gone...); !slices.Equal(swept, want) {
		t.Fatalf("deleted %v, want %v", swept, want)
	}
	for _, ref := range gone {
		mustExist(t, blobs, ref, false)
	}
	for _, ref := range append(keep, young) {
		mustExist(t, blobs, ref, true)
	}
	want := gc.Stats{Referenced: len(keep), Scanned: len(keep) + len(gone) + 1, Kept: len(keep) + 1, Recent: 1, Deleted: len(gone), Freed: freed}
	if stats != want {
		t.Errorf("stats %+v, want %+v", stats, want)
	}

	// Without a grace period the young orphan goes too, and only it.
	stats, swept = collect(t, st, blobs, gc.Options{})
	if !slices.Equal(swept, []blob.Ref{young}) || stats.Deleted != 1 || stats.Kept != len(keep) {
		t.Fatalf("with no grace period: deleted %v, stats %+v; want only %s", swept, stats, young)
	}
	for _, ref := range keep {
		mustExist(t, blobs, ref, true)
	}
}

// TestGC_S3 runs the collector on a real store and an S3 blob store.
func TestGC_S3(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	id, secret := s3test.Credentials()
	blobs, err := blob.NewS3(ctx, blob.S3Config{Bucket: bucket, Endpoint: endpoint, Region: s3test.Region(), Prefix: s3test.Prefix(t, endpoint, bucket),
		AccessKeyID: id, SecretAccessKey: secret, PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t, blobs)
	keep, gone := history(t, st, blobs)

	// Everything was stored just now: an hour's grace spares it all.
	stats, swept := collect(t, st, blobs, gc.Options{Grace: time.Hour})
	if len(swept) != 0 || stats.Recent != len(gone) {
		t.Fatalf("with an hour's grace: deleted %v, stats %+v", swept, stats)
	}

	// S3 keeps times to the second.
	time.Sleep(1100 * time.Millisecond)
	freed := size(t, blobs, gone)
	stats, swept = collect(t, st, blobs, gc.Options{})
	if want := sorted(gone...); !slices.Equal(swept, want) {
		t.Fatalf("deleted %v, want %v", swept, want)
	}
	for _, ref := range gone {
		mustExist(t, blobs, ref, false)
	}
	for _, ref := range keep {
		mustExist(t, blobs, ref, true)
	}
	if stats.Deleted != len(gone) || stats.Kept != len(keep) || stats.Freed != freed {
		t.Errorf("stats %+v, want %d deleted, %d kept, %d bytes freed", stats, len(gone), len(keep), freed)
	}
}

// putWhileMarking is a store that, while the collector marks, waits and
// then has blobs put that no stored data references yet: payloads on their
// way through NATS.
type putWhileMarking struct {
	gc.RefSource
	blobs blob.Store
	data  []string
}

func (p *putWhileMarking) BlobRefs(ctx context.Context, f func(string) error) error {
	// File systems keep modification times coarser than the clock.
	time.Sleep(50 * time.Millisecond)
	for _, d := range p.data {
		if _, err := p.blobs.Put(ctx, []byte(d)); err != nil {
			return err
		}
	}
	return p.RefSource.BlobRefs(ctx, f)
}

// TestGC_SparesBlobsPutWhileMarking: the cutoff is taken before
// marking, so a blob put while marking runs is not deleted even with no
// grace period, whether it is new or was stored long before.
func TestGC_SparesBlobsPutWhileMarking(t *testing.T) {
	blobs := blobtest.OpenDir(t)
	st := openStore(t, blobs)
	orphan := put(t, blobs, "an old orphan")
	again := put(t, blobs, "an old payload put again")
	age(t, blobs, 2*time.Hour)
	refs := &putWhileMarking{RefSource: st, blobs: blobs, data: []string{"a new payload", "an old payload put again"}}
	stats, swept := collect(t, refs, blobs, gc.Options{})
	if !slices.Equal(swept, []blob.Ref{orphan}) {
		t.Fatalf("deleted %v, want only %s", swept, orphan)
	}
	if stats.Recent != 2 {
		t.Errorf("stats %+v, want 2 recent blobs", stats)
	}
	mustExist(t, blobs, again, true)
	mustExist(t, blobs, blob.RefOf([]byte("a new payload")), true)
}

type failingRefs struct{}

func (failingRefs) BlobRefs(context.Context, func(string) error) error {
	return errors.New("database unreachable")
}

// TestGC_MarkFails: without the full set of references nothing is
// deleted.
func TestGC_MarkFails(t *testing.T) {
	blobs := blobtest.OpenDir(t)
	orphan := put(t, blobs, "an orphan")
	age(t, blobs, 2*time.Hour)
	_, err := gc.Collect(ctx, failingRefs{}, blobs, gc.Options{})
	if err == nil || err.Error() != "blob gc: finding the blobs in use (nothing deleted): database unreachable" {
		t.Fatalf("Collect with a failing store: %v", err)
	}
	mustExist(t, blobs, orphan, true)
}

// stuck is a blob store that cannot delete one blob.
type stuck struct {
	*blob.Dir
	ref blob.Ref
}

func (s stuck) DeleteIfOlder(ctx context.Context, ref blob.Ref, cutoff time.Time) (bool, error) {
	if ref == s.ref {
		return false, fmt.Errorf("blob: delete %s: permission denied", ref)
	}
	return s.Dir.DeleteIfOlder(ctx, ref, cutoff)
}

// TestGC_DeleteFails: a blob that cannot be deleted is reported, and
// the sweep deletes the others.
func TestGC_DeleteFails(t *testing.T) {
	dir := blobtest.OpenDir(t)
	st := openStore(t, dir)
	var orphans []blob.Ref
	for i := range 4 {
		orphans = append(orphans, put(t, dir, fmt.Sprint("orphan ", i)))
	}
	age(t, dir, 2*time.Hour)
	blobs := stuck{Dir: dir, ref: orphans[2]}
	var logged []string
	stats, err := gc.Collect(ctx, st, blobs, gc.Options{Logf: func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) }})
	if err == nil || !strings.HasPrefix(err.Error(), "blob gc: 1 unreferenced blobs could not be deleted; the first: blob: delete "+string(orphans[2])) {
		t.Fatalf("Collect with a blob that cannot be deleted: %v", err)
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "permission denied") {
		t.Errorf("logged %q", logged)
	}
	if stats.Deleted != 3 || stats.Failed != 1 || stats.Kept != 1 || stats.Scanned != 4 {
		t.Errorf("stats %+v", stats)
	}
	for i, ref := range orphans {
		mustExist(t, dir, ref, i == 2)
	}
}

func TestGC_StatsString(t *testing.T) {
	s := gc.Stats{Deleted: 3, Freed: 5 << 19, Kept: 12}
	if got, want := s.String(), "3 blobs deleted, 2.5 MiB freed, 12 kept"; got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
}
