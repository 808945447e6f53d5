package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/weftrun/weft/blob"
)

// refBatch is how many rows BlobRefs reads per query: few enough that
// each query is short (a SQLite store has one connection, which the query
// holds) and that a batch of rows as large as the payload threshold fits
// in memory easily.
var refBatch = 100

// refTable is a table BlobRefs reads, in primary key order.
type refTable struct {
	what  string // a row, in error messages
	table string
	// key is the primary key, one text column; with version, it is
	// (workflow_id, version) instead.
	key     string
	version bool
	// cols are the text columns that may hold references.
	cols string
}

// refTables are read in this order. Results move into run data when their
// execution finishes successfully (one transaction adds the run data and
// drops the results): reading every result before any run data means a
// finish while BlobRefs runs can make it see a reference twice, but never
// miss it. Static data is saved after the run data that holds what it was
// made from, so workflows come after run data too.
var refTables = []refTable{
	{what: "task result", table: "task_results", key: "task_id", cols: "result"},
	{what: "execution", table: "executions", key: "id", cols: "start_data, error"},
	{what: "run data of execution", table: "execution_data", key: "execution_id", cols: "run_data, logs"},
	{what: "static data of workflow", table: "workflows", key: "id", cols: "static_data"},
	{what: "workflow version", table: "workflow_versions", version: true, cols: "document"},
}

// query returns the query for the batch after the cursor (none: the
// first batch) and its arguments.
func (t refTable) query(first bool, id string, version int64) (string, []any) {
	key, after, args := t.key, t.key+" > ?", []any{id}
	if t.version {
		key, after, args = "workflow_id, version", "(workflow_id, version) > (?, ?)", []any{id, version}
	}
	q := `SELECT ` + key + `, ` + t.cols + ` FROM ` + t.table
	if first {
		args = nil
	} else {
		q += ` WHERE ` + after
	}
	return q + ` ORDER BY ` + key + ` LIMIT ?`, append(args, refBatch)
}

// refRow is a row read for its references: where names it in errors.
type refRow struct {
	where string
	texts []sql.NullString
}

// BlobRefs implements store.Store. It reads each table by keyset
// pagination, one short query per batch outside any transaction, and
// looks at the rows only once the query is over. Every reference found
// is reported; the blobs named other than as binary data ("weft-blob:"
// and the reference: opaque bytes) are read through the store's blob
// store, once each, and their content is searched the same way: run data
// kept as a blob, and result payloads, hold the references of the items
// in them.
func (s *Store) BlobRefs(ctx context.Context, f func(ref string) error) error {
	r := &refScan{s: s, f: f, read: map[string]bool{}}
	for _, t := range refTables {
		if err := r.table(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// refScan is one BlobRefs call.
type refScan struct {
	s *Store
	f func(string) error
	// read holds the blobs whose content was searched already.
	read map[string]bool
}

func (r *refScan) table(ctx context.Context, t refTable) error {
	first, id, version := true, "", int64(0)
	for {
		q, args := t.query(first, id, version)
		rows, err := r.s.db.QueryContext(ctx, r.s.q(q), args...)
		if err != nil {
			return fmt.Errorf("store: blob references in %s: %w", t.table, err)
		}
		var batch []refRow
		for rows.Next() {
			row := refRow{texts: make([]sql.NullString, strings.Count(t.cols, ",")+1)}
			dest := []any{&id}
			if t.version {
				dest = append(dest, &version)
			}
			for i := range row.texts {
				dest = append(dest, &row.texts[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return fmt.Errorf("store: blob references in %s: %w", t.table, err)
			}
			row.where = fmt.Sprintf("%s %s", t.what, id)
			if t.version {
				row.where = fmt.Sprintf("%s %s/%d", t.what, id, version)
			}
			batch = append(batch, row)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("store: blob references in %s: %w", t.table, err)
		}
		for _, row := range batch {
			for _, text := range row.texts {
				if !text.Valid {
					continue
				}
				if err := r.search(ctx, row.where, text.String); err != nil {
					return err
				}
			}
		}
		if len(batch) < refBatch {
			return nil
		}
		first = false
	}
}

// search reports the references in text, then searches the content of
// the blobs it names (and of those they name) other than binary data.
func (r *refScan) search(ctx context.Context, where, text string) error {
	var next []string
	report := func(ref string, binary bool) error {
		if err := r.f(ref); err != nil {
			return err
		}
		if !binary && !r.read[ref] {
			r.read[ref] = true
			next = append(next, ref)
		}
		return nil
	}
	if err := eachRef(text, report); err != nil {
		return err
	}
	for len(next) > 0 {
		ref := next[0]
		next = next[1:]
		data, err := r.content(ctx, where, ref)
		if err != nil {
			return err
		}
		if err := eachRef(string(data), report); err != nil {
			return err
		}
	}
	return nil
}

// content returns the bytes of blob ref, which where names; none if there
// is no such blob (a reference to nothing keeps nothing).
func (r *refScan) content(ctx context.Context, where, ref string) ([]byte, error) {
	if r.s.blobs == nil {
		return nil, fmt.Errorf("store: blob references: %s names blob %s, and no blob store is configured to read it", where, ref)
	}
	data, err := r.s.blobs.Get(ctx, blob.Ref(ref))
	if errors.Is(err, blob.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		// The references in the blob are unknown, so nothing can be
		// collected safely.
		return nil, fmt.Errorf("store: blob references: %s names blob %s, which cannot be read: %w", where, ref, err)
	}
	return data, nil
}

// refPrefix starts a blob reference, binaryPrefix a binary property's data
// kept in the blob store (bus.BlobDataPrefix).
const (
	refPrefix    = "sha256:"
	refDigits    = 64
	binaryPrefix = "weft-blob:"
)

// eachRef calls f with every "sha256:" followed by 64 lowercase hex digits
// in text, and whether it is binary data (follows "weft-blob:").
func eachRef(text string, f func(ref string, binary bool) error) error {
	for off := 0; ; {
		i := strings.Index(text[off:], refPrefix)
		if i < 0 {
			return nil
		}
		i += off
		end := i + len(refPrefix) + refDigits
		if end > len(text) || !lowerHex(text[i+len(refPrefix):end]) {
			off = i + len(refPrefix)
			continue
		}
		// A copy: a slice of text would keep all of it (a whole blob's
		// content) alive for as long as the reference is kept.
		if err := f(strings.Clone(text[i:end]), strings.HasSuffix(text[:i], binaryPrefix)); err != nil {
			return err
		}
		off = end
	}
}

func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
