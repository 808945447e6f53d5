package bus

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/blob"
)

// Binary data stays out of tasks, results, run data and start data: each
// binary property's base64 "data" is stored in the blob store, and the
// item carries "weft-blob:sha256:<hex>" in its place (the other fields,
// and their order, unchanged). Runners put the data back before a node
// runs; whoever needs the bytes (a webhook answering with a file) does the
// same.

// BlobDataPrefix marks a binary property's data kept in the blob store.
const BlobDataPrefix = "weft-blob:"

// DeflateItems stores every item's binary data in the blob store and
// returns the items with references in its place; items without binary
// data are returned as they are. Without a blob store it does nothing.
func (c Codec) DeflateItems(ctx context.Context, lists [][]api.Item) ([][]api.Item, error) {
	return c.mapBinaries(lists, func(data string) (string, error) {
		if data == "" || strings.HasPrefix(data, BlobDataPrefix) {
			return data, nil
		}
		raw, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			return data, nil // not base64: leave it as the node wrote it
		}
		ref, err := c.Blobs.Put(ctx, raw)
		if err != nil {
			return "", fmt.Errorf("storing binary data: %w", err)
		}
		return BlobDataPrefix + string(ref), nil
	})
}

// InflateItems puts binary data kept in the blob store back into the
// items.
func (c Codec) InflateItems(ctx context.Context, lists [][]api.Item) ([][]api.Item, error) {
	return c.mapBinaries(lists, func(data string) (string, error) {
		ref, ok := strings.CutPrefix(data, BlobDataPrefix)
		if !ok {
			return data, nil
		}
		r, err := blob.ParseRef(ref)
		if err != nil {
			return "", err
		}
		raw, err := c.Blobs.Get(ctx, r)
		if err != nil {
			return "", fmt.Errorf("binary data %s: %w", ref, err)
		}
		return base64.StdEncoding.EncodeToString(raw), nil
	})
}

// mapBinaries rewrites the data of every binary property with f, copying
// only the lists and items it changes.
func (c Codec) mapBinaries(lists [][]api.Item, f func(string) (string, error)) ([][]api.Item, error) {
	if c.Blobs == nil {
		return lists, nil
	}
	var out [][]api.Item
	for li, list := range lists {
		for ii, it := range list {
			if len(it.Binary) == 0 || bytes.Equal(it.Binary, []byte("null")) {
				continue
			}
			b, changed, err := rewriteBinary(it.Binary, f)
			if err != nil {
				return nil, err
			}
			if !changed {
				continue
			}
			if out == nil {
				out = append([][]api.Item(nil), lists...)
			}
			if &out[li][0] == &lists[li][0] {
				out[li] = append([]api.Item(nil), list...)
			}
			out[li][ii].Binary = b
		}
	}
	if out == nil {
		return lists, nil
	}
	return out, nil
}

// rewriteBinary rewrites {"prop": {..., "data": "…", ...}, …} with f on
// each data string, keeping everything else as it is, key order included.
func rewriteBinary(raw json.RawMessage, f func(string) (string, error)) (json.RawMessage, bool, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var buf bytes.Buffer
	changed := false
	var walk func(depth int, key string) error
	walk = func(depth int, key string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				buf.WriteByte('{')
				first := true
				for dec.More() {
					kt, err := dec.Token()
					if err != nil {
						return err
					}
					k, _ := kt.(string)
					if !first {
						buf.WriteByte(',')
					}
					first = false
					api.WriteJSONString(&buf, k)
					buf.WriteByte(':')
					if err := walk(depth+1, k); err != nil {
						return err
					}
				}
				if _, err := dec.Token(); err != nil {
					return err
				}
				buf.WriteByte('}')
			case '[':
				buf.WriteByte('[')
				first := true
				for dec.More() {
					if !first {
						buf.WriteByte(',')
					}
					first = false
					if err := walk(depth+1, ""); err != nil {
						return err
					}
				}
				if _, err := dec.Token(); err != nil {
					return err
				}
				buf.WriteByte(']')
			}
		case string:
			if depth == 2 && key == "data" {
				nt, err := f(t)
				if err != nil {
					return err
				}
				if nt != t {
					changed = true
				}
				t = nt
			}
			api.WriteJSONString(&buf, t)
		case json.Number:
			buf.WriteString(t.String())
		case bool:
			if t {
				buf.WriteString("true")
			} else {
				buf.WriteString("false")
			}
		case nil:
			buf.WriteString("null")
		}
		return nil
	}
	if err := walk(0, ""); err != nil {
		if errors.Is(err, io.EOF) {
			return raw, false, nil
		}
		return nil, false, fmt.Errorf("binary data: %w", err)
	}
	if !changed {
		return raw, false, nil
	}
	return buf.Bytes(), true, nil
}
