package blob_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/blob/blobtest"
)

// objectPath is where a Dir keeps ref, spelled out here rather than taken
// from the package so that a change of layout fails this test.
func objectPath(d *blob.Dir, ref blob.Ref) string {
	return filepath.Join(d.Path(), "sha256", ref.Digest()[:2], ref.Digest())
}

func TestDir(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) (blob.Store, blobtest.Tamper) {
		d := blobtest.OpenDir(t)
		return d, func(t *testing.T, ref blob.Ref, data []byte) {
			if err := os.WriteFile(objectPath(d, ref), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestDir_Layout(t *testing.T) {
	d := blobtest.OpenDir(t)
	ref, err := d.Put(context.Background(), []byte("abc"))
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(d.Path(), "sha256", "ba", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
	got, err := os.ReadFile(name)
	if err != nil || string(got) != "abc" {
		t.Fatalf("object for %s at %s: %q, %v", ref, name, got, err)
	}
	for path, want := range map[string]fs.FileMode{
		d.Path():                                0o700,
		filepath.Join(d.Path(), "sha256"):       0o700,
		filepath.Join(d.Path(), "sha256", "ba"): 0o700,
		name:                                    0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}
	if entries := listFiles(t, d.Path()); len(entries) != 1 {
		t.Errorf("files in the store: %v, want only the object", entries)
	}
}

// TestDir_CrashMidWrite kills a process between writing a blob's bytes and
// renaming them into place, then checks that the store shows nothing of
// the half-done write and that the blob can be stored afresh.
func TestDir_CrashMidWrite(t *testing.T) {
	data := blobtest.Payload(7, 64<<10)
	ref := blob.RefOf(data)

	if dir := os.Getenv("WEFT_BLOB_CRASH_DIR"); dir != "" {
		d, err := blob.OpenDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		blob.SetTestHookBeforeRename(func(string) { os.Exit(3) })
		d.Put(context.Background(), data)
		t.Fatal("Put returned: the hook did not run")
	}

	d := blobtest.OpenDir(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestDir_CrashMidWrite$")
	cmd.Env = append(os.Environ(), "WEFT_BLOB_CRASH_DIR="+d.Path())
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("child did not crash in Put (%v):\n%s", err, out)
	}

	// The crash left the temporary file with all the bytes, not yet
	// renamed: that is the state the store must not expose.
	files := listFiles(t, d.Path())
	if len(files) != 1 || !strings.HasPrefix(filepath.Base(files[0]), ".") {
		t.Fatalf("after the crash the store holds %v, want one temporary file", files)
	}
	if got, _ := os.ReadFile(files[0]); string(got) != string(data) {
		t.Fatalf("temporary file holds %d bytes, want the %d written", len(got), len(data))
	}

	ctx := context.Background()
	if ok, err := d.Exists(ctx, ref); ok || err != nil {
		t.Fatalf("Exists after a crashed Put = %v, %v", ok, err)
	}
	if _, err := d.Get(ctx, ref); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Get after a crashed Put: %v, want ErrNotFound", err)
	}
	if got, err := d.Put(ctx, data); err != nil || got != ref {
		t.Fatalf("Put after the crash = %s, %v", got, err)
	}
	if got, err := d.Get(ctx, ref); err != nil || string(got) != string(data) {
		t.Fatalf("Get after Put: %d bytes, %v", len(got), err)
	}
}

// TestDir_PutReplacesTruncated: an object cut short outside Weft is
// reported as corrupt, and putting the content again repairs it.
func TestDir_PutReplacesTruncated(t *testing.T) {
	ctx := context.Background()
	d := blobtest.OpenDir(t)
	data := blobtest.Payload(8, 1000)
	ref, err := d.Put(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(objectPath(d, ref), 10); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Get(ctx, ref); !errors.Is(err, blob.ErrCorrupt) {
		t.Fatalf("Get of a truncated object: %v, want ErrCorrupt", err)
	}
	if _, err := d.Put(ctx, data); err != nil {
		t.Fatal(err)
	}
	if got, err := d.Get(ctx, ref); err != nil || string(got) != string(data) {
		t.Fatalf("Get after Put again: %d bytes, %v", len(got), err)
	}
}

func TestOpenDir_Errors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"":                           "blob: directory path is empty",
		file:                         "blob: create directory",
		filepath.Join(file, "blobs"): "blob: create directory",
	} {
		d, err := blob.OpenDir(path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("OpenDir(%q) = %v, %v; want an error containing %q", path, d, err, want)
		}
	}
}

func listFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestDir_ListBlobs checks that List reports the blobs and nothing else
// of the directory: temporary files, stray files, misplaced files.
func TestDir_ListBlobs(t *testing.T) {
	ctx := context.Background()
	d := blobtest.OpenDir(t)
	ref, err := d.Put(ctx, []byte("abc"))
	if err != nil {
		t.Fatal(err)
	}
	digest := blob.RefOf([]byte("stray")).Digest()
	fan := filepath.Join(d.Path(), "sha256", "ba")
	for _, name := range []string{
		filepath.Join(fan, "."+ref.Digest()+".tmp-123"),
		filepath.Join(d.Path(), "sha256", "README"),
		filepath.Join(d.Path(), "sha256", "00", digest), // in the wrong fan-out directory
		filepath.Join(d.Path(), "sha256", digest[:2], digest+".bak"),
		filepath.Join(d.Path(), "notes.txt"),
	} {
		if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte("stray"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A directory named like a blob is not one.
	if err := os.MkdirAll(filepath.Join(d.Path(), "sha256", digest[:2], digest), 0o700); err != nil {
		t.Fatal(err)
	}
	var got []blob.Info
	if err := d.List(ctx, func(i blob.Info) error { got = append(got, i); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Ref != ref || got[0].Size != 3 {
		t.Fatalf("List reported %+v, want only %s", got, ref)
	}
}

// TestDir_PutRefreshesModTime: putting content already stored sets the
// file's modification time to now, and DeleteIfOlder then spares it.
func TestDir_PutRefreshesModTime(t *testing.T) {
	ctx := context.Background()
	d := blobtest.OpenDir(t)
	data := []byte("stored long ago")
	ref, err := d.Put(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(objectPath(d, ref), old, old); err != nil {
		t.Fatal(err)
	}
	cutoff := time.Now()
	if _, err := d.Put(ctx, data); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(objectPath(d, ref))
	if err != nil {
		t.Fatal(err)
	}
	if fi.ModTime().Before(cutoff.Add(-time.Second)) {
		t.Fatalf("after Put the file is modified at %v, want about %v", fi.ModTime(), cutoff)
	}
	if deleted, err := d.DeleteIfOlder(ctx, ref, cutoff.Add(-time.Second)); err != nil || deleted {
		t.Fatalf("DeleteIfOlder of a refreshed blob = %v, %v", deleted, err)
	}
	if files := listFiles(t, d.Path()); len(files) != 1 {
		t.Fatalf("files in the store: %v, want only the object", files)
	}
}

// TestDir_PutWhileDeleting: a Put that finds the blob moved aside by
// DeleteIfOlder writes it again instead of returning a reference to a
// blob about to go.
func TestDir_PutWhileDeleting(t *testing.T) {
	ctx := context.Background()
	d := blobtest.OpenDir(t)
	data := []byte("contended")
	ref, err := d.Put(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	// What DeleteIfOlder's rename leaves for a concurrent Put to find.
	aside := filepath.Join(filepath.Dir(objectPath(d, ref)), "."+ref.Digest()+".gc-test")
	if err := os.Rename(objectPath(d, ref), aside); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Put(ctx, data); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(aside); err != nil {
		t.Fatal(err)
	}
	if got, err := d.Get(ctx, ref); err != nil || string(got) != string(data) {
		t.Fatalf("Get after Put during deletion = %q, %v", got, err)
	}
}
