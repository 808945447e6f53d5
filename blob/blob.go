// Package blob keeps large values (item lists, binary data) out of task
// messages and database rows. A blob is immutable and named by the SHA-256
// of its content, so a reference can travel anywhere (a NATS message, a run
// data row) and whoever reads it can check that it got the bytes that were
// meant.
//
// Two stores implement the same Store interface: Dir, a local directory for
// the embedded mode, and S3, any S3 API (AWS, MinIO, ...) for the distributed
// mode. blobtest holds the suite both pass.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors the stores return, wrapped with the reference they concern; test
// them with errors.Is.
var (
	// ErrNotFound: no blob is stored under the reference.
	ErrNotFound = errors.New("blob: not found")
	// ErrCorrupt: the stored bytes do not hash to their reference (a disk
	// or storage fault, or someone edited the object in place).
	ErrCorrupt = errors.New("blob: content does not match its reference")
	// ErrInvalidRef: the string is not a blob reference.
	ErrInvalidRef = errors.New("blob: invalid reference")
)

// Store keeps blobs by content.
//
// Put writes data and returns its reference only once the object is durably
// stored, so a caller may publish the reference as soon as Put returns.
// Putting the same bytes again returns the same reference and is cheap; it
// refreshes the blob's modification time (S3: once that is more than
// RefreshAge old), because a garbage collector spares only blobs modified
// recently when it cannot see their references yet.
//
// Get returns the bytes of ref after checking their hash: an error wrapping
// ErrNotFound if nothing is stored under ref, ErrCorrupt if the stored bytes
// are not the ones ref names.
//
// Delete removes ref; deleting a missing blob is not an error. Blobs are
// shared by content, so only a caller that knows no reference to ref
// remains (a garbage collector) should delete it.
//
// Exists reports whether ref is stored, without reading or checking it.
//
// List calls f with every blob stored, in no particular order, and stops
// at the first error f returns, returning it as is. A blob put or deleted
// while List runs may or may not be reported; nothing that is not a blob
// (a temporary file, a foreign object beside the store's) ever is.
//
// DeleteIfOlder deletes ref unless its modification time is at or after
// cutoff, and reports whether it deleted it (false for a missing blob): a
// collector's deletion that spares a blob a concurrent Put has just
// refreshed.
//
// Every method that takes a Ref rejects a malformed one with an error
// wrapping ErrInvalidRef before touching storage.
type Store interface {
	Put(ctx context.Context, data []byte) (Ref, error)
	Get(ctx context.Context, ref Ref) ([]byte, error)
	Delete(ctx context.Context, ref Ref) error
	Exists(ctx context.Context, ref Ref) (bool, error)
	List(ctx context.Context, f func(Info) error) error
	DeleteIfOlder(ctx context.Context, ref Ref, cutoff time.Time) (bool, error)
}

// Info describes a stored blob, as List reports it.
type Info struct {
	Ref  Ref
	Size int64
	// ModTime is when the blob was last written or refreshed by a Put,
	// by the storage's clock (S3 keeps it to the second).
	ModTime time.Time
}

// RefreshAge is how old an S3 object must be for a Put of its content to
// upload it again, which refreshes its modification time: a blob's
// ModTime is never more than RefreshAge before its latest Put. (A Dir
// refreshes the time on every Put; it costs no upload.)
const RefreshAge = time.Minute

// Ref names a blob by content: "sha256:" followed by the 64 lowercase hex
// digits of the SHA-256 of its bytes. The zero Ref is not valid.
type Ref string

const (
	refScheme  = "sha256:"
	hexLen     = 2 * sha256.Size
	refLen     = len(refScheme) + hexLen
	keyDirName = "sha256"
)

// RefOf returns the reference of data. It does not store anything.
func RefOf(data []byte) Ref {
	sum := sha256.Sum256(data)
	return Ref(refScheme + hex.EncodeToString(sum[:]))
}

// ParseRef checks that s is a reference as Put returns them and returns it
// as a Ref. The error wraps ErrInvalidRef and says what is wrong.
func ParseRef(s string) (Ref, error) {
	bad := func(format string, args ...any) (Ref, error) {
		return "", fmt.Errorf("%w %s: %s", ErrInvalidRef, quoteShort(s), fmt.Sprintf(format, args...))
	}
	if s == "" {
		return bad("empty")
	}
	scheme, digest, ok := strings.Cut(s, ":")
	if !ok {
		return bad(`want "sha256:" followed by 64 hex digits`)
	}
	if scheme != "sha256" {
		return bad(`unsupported hash %q, want "sha256"`, scheme)
	}
	if len(digest) != hexLen {
		return bad("digest has %d characters, want %d hex digits", len(digest), hexLen)
	}
	for i := 0; i < len(digest); i++ {
		c := digest[i]
		switch {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f':
		case 'A' <= c && c <= 'F':
			return bad("digest must be lowercase hex, found %q at offset %d", c, i)
		default:
			return bad("digest has non-hex character %q at offset %d", c, i)
		}
	}
	return Ref(s), nil
}

// refOfKey returns the blob a store key names, "sha256/<xx>/<hex>" with xx
// the first two digits of hex, and false for any other key.
func refOfKey(key string) (Ref, bool) {
	rest, ok := strings.CutPrefix(key, keyDirName+"/")
	if !ok || len(rest) != 3+hexLen || rest[2] != '/' || rest[:2] != rest[3:5] {
		return "", false
	}
	r, err := ParseRef(refScheme + rest[3:])
	return r, err == nil
}

// String returns the reference as text, "sha256:<hex>".
func (r Ref) String() string { return string(r) }

// Digest returns the 64 hex digits of a valid reference.
func (r Ref) Digest() string {
	if len(r) != refLen {
		return ""
	}
	return string(r[len(refScheme):])
}

// key is where a blob lives in a store, relative to the store's root or
// prefix: sha256/<first two hex digits>/<all hex digits>. The two-digit
// fan-out keeps directories small and spreads S3 key ranges.
func (r Ref) key() string {
	d := r.Digest()
	return keyDirName + "/" + d[:2] + "/" + d
}

// check validates ref for the methods that take one, so a malformed ref
// never reaches a file path or an object key.
func check(ref Ref) error {
	_, err := ParseRef(string(ref))
	return err
}

// verify returns an error wrapping ErrCorrupt unless data hashes to ref.
func verify(ref Ref, data []byte) error {
	if got := RefOf(data); got != ref {
		return fmt.Errorf("%w: %s holds %d bytes that hash to %s", ErrCorrupt, ref, len(data), got)
	}
	return nil
}

// quoteShort quotes s for an error message, cutting it so that a huge bad
// input does not make a huge error.
func quoteShort(s string) string {
	const limit = 80
	if len(s) > limit {
		return fmt.Sprintf("%q... (%d bytes)", s[:limit], len(s))
	}
	return fmt.Sprintf("%q", s)
}
