package blob

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Dir is a Store in a local directory, for the embedded mode. A blob lives
// in <dir>/sha256/<first two hex digits>/<hex>, mode 0o600, in directories
// of mode 0o700.
//
// A blob is written to a temporary file in its final directory, synced and
// renamed into place, and the directory is synced after the rename: an
// object is either absent or whole, even across a crash, and present once
// Put returns. Temporary files start with a dot, so no reference can ever
// name one; a crash can leave one behind, and it is never read.
type Dir struct {
	root string
}

// OpenDir opens the store in path, creating the directory if needed.
func OpenDir(path string) (*Dir, error) {
	if path == "" {
		return nil, errors.New("blob: directory path is empty")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("blob: directory %s: %w", path, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("blob: create directory: %w", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("blob: directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("blob: %s is not a directory", abs)
	}
	return &Dir{root: abs}, nil
}

// Path returns the store's directory, absolute.
func (d *Dir) Path() string { return d.root }

// Put stores data. If a file of the right size is already in place, Put
// does not write it again but sets its modification time to now; a file of
// another size (truncated by something outside Weft) is replaced.
func (d *Dir) Put(ctx context.Context, data []byte) (Ref, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	ref := RefOf(data)
	name := d.path(ref)
	if fi, err := os.Stat(name); err == nil && fi.Mode().IsRegular() && fi.Size() == int64(len(data)) {
		// The caller is about to hand the reference out: a collector must
		// see the blob as new. If a collector has just moved the file
		// aside (DeleteIfOlder), Chtimes finds nothing and the blob is
		// written again below.
		now := time.Now()
		err := os.Chtimes(name, now, now)
		switch {
		case err == nil:
			// A concurrent Put may have renamed the file into place and
			// not yet synced the directory: sync it here too, so that this
			// caller's reference is as durable as the writer's.
			if err := syncDir(filepath.Dir(name)); err != nil {
				return "", fmt.Errorf("blob: put %s: %w", ref, err)
			}
			return ref, nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", fmt.Errorf("blob: put %s: %w", ref, err)
		}
	}
	if err := d.mkdirs(ref); err != nil {
		return "", fmt.Errorf("blob: put %s: %w", ref, err)
	}
	if err := writeAtomic(name, ref.Digest(), data); err != nil {
		return "", fmt.Errorf("blob: put %s: %w", ref, err)
	}
	return ref, nil
}

// Get reads ref and checks its hash.
func (d *Dir) Get(ctx context.Context, ref Ref) ([]byte, error) {
	if err := check(ref); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(d.path(ref))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, ref)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: get %s: %w", ref, err)
	}
	if err := verify(ref, data); err != nil {
		return nil, err
	}
	return data, nil
}

// Delete removes ref's file; a missing file is not an error.
func (d *Dir) Delete(ctx context.Context, ref Ref) error {
	if err := check(ref); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Remove(d.path(ref)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete %s: %w", ref, err)
	}
	return nil
}

// Exists reports whether ref's file is present.
func (d *Dir) Exists(ctx context.Context, ref Ref) (bool, error) {
	if err := check(ref); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	fi, err := os.Stat(d.path(ref))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("blob: exists %s: %w", ref, err)
	}
	return fi.Mode().IsRegular(), nil
}

// List reports the files under sha256/ that are blobs, one fan-out
// directory at a time; temporary files (names starting with a dot) and
// anything else are skipped.
func (d *Dir) List(ctx context.Context, f func(Info) error) error {
	top := filepath.Join(d.root, keyDirName)
	fans, err := os.ReadDir(top)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // nothing was ever stored
	}
	if err != nil {
		return fmt.Errorf("blob: list %s: %w", top, err)
	}
	for _, fan := range fans {
		if !fan.IsDir() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		dir := filepath.Join(top, fan.Name())
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("blob: list %s: %w", dir, err)
		}
		for _, e := range entries {
			ref, ok := refOfKey(keyDirName + "/" + fan.Name() + "/" + e.Name())
			if !ok || !e.Type().IsRegular() {
				continue
			}
			fi, err := e.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // deleted since ReadDir
			}
			if err != nil {
				return fmt.Errorf("blob: list %s: %w", ref, err)
			}
			if err := f(Info{Ref: ref, Size: fi.Size(), ModTime: fi.ModTime()}); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeleteIfOlder first renames ref's file aside, then checks its
// modification time, and puts it back if it is not older than cutoff. A
// concurrent Put refreshes the time either before the rename, and the check
// sees it, or after, and then finds no file and writes the blob anew: no
// Put can return a reference to a blob deleted here.
func (d *Dir) DeleteIfOlder(ctx context.Context, ref Ref, cutoff time.Time) (bool, error) {
	if err := check(ref); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	name := d.path(ref)
	fi, err := os.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("blob: delete %s: %w", ref, err)
	}
	if !fi.ModTime().Before(cutoff) {
		return false, nil
	}
	// Like a temporary file, the name aside starts with a dot: no
	// reference names it and List skips it.
	aside := filepath.Join(filepath.Dir(name), "."+ref.Digest()+".gc-"+rand.Text())
	if err := os.Rename(name, aside); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("blob: delete %s: %w", ref, err)
	}
	if fi, err := os.Stat(aside); err != nil || !fi.ModTime().Before(cutoff) {
		// Refreshed in the meantime (or unreadable: keep it to be safe).
		// Should a Put have written the blob anew meanwhile, the rename
		// replaces it with the same bytes.
		if rerr := os.Rename(aside, name); rerr != nil {
			return false, fmt.Errorf("blob: delete %s: putting back a blob refreshed during deletion: %w", ref, rerr)
		}
		if err != nil {
			return false, fmt.Errorf("blob: delete %s: %w", ref, err)
		}
		return false, nil
	}
	if err := os.Remove(aside); err != nil {
		return false, fmt.Errorf("blob: delete %s: %w", ref, err)
	}
	return true, nil
}

func (d *Dir) path(ref Ref) string {
	return filepath.Join(d.root, filepath.FromSlash(ref.key()))
}

// mkdirs creates the two fan-out directories above ref's file, syncing
// the parent of each one it creates so that the new entry survives a crash
// along with the object renamed into it.
func (d *Dir) mkdirs(ref Ref) error {
	parent := d.root
	for _, part := range []string{keyDirName, ref.Digest()[:2]} {
		dir := filepath.Join(parent, part)
		err := os.Mkdir(dir, 0o700)
		switch {
		case err == nil:
			if err := syncDir(parent); err != nil {
				return err
			}
		case !errors.Is(err, fs.ErrExist):
			return err
		}
		parent = dir
	}
	return nil
}

// testHookBeforeRename, when set by a test, runs after a blob's bytes are
// written to its temporary file and before the file is synced and renamed.
var testHookBeforeRename func(tmp string)

// writeAtomic writes data to a temporary file beside name and renames it
// to name, syncing the file before and the directory after.
func writeAtomic(name, digest string, data []byte) (err error) {
	dir := filepath.Dir(name)
	f, err := os.CreateTemp(dir, "."+digest+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if testHookBeforeRename != nil {
		testHookBeforeRename(tmp)
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

var _ Store = (*Dir)(nil)
