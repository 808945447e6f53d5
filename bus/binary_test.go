package bus

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/blob"
)

func TestBinaryDataGoesToBlobs(t *testing.T) {
	dir, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := Codec{Blobs: dir}
	ctx := context.Background()
	file := []byte("\x00\x01 the bytes of a file \xff")
	b64 := base64.StdEncoding.EncodeToString(file)
	binary := `{"data":{"mimeType":"application/octet-stream","fileName":"a&b.bin","data":"` + b64 + `","fileSize":"23 B"},"other":{"data":"","mimeType":"text/plain"}}`
	plain := api.Item{JSON: json.RawMessage(`{"a":1}`)}
	lists := [][]api.Item{{plain, {JSON: json.RawMessage(`{}`), Binary: json.RawMessage(binary)}}, {plain}}

	out, err := c.DeflateItems(ctx, lists)
	if err != nil {
		t.Fatal(err)
	}
	got := string(out[0][1].Binary)
	want := strings.Replace(binary, b64, BlobDataPrefix+string(blob.RefOf(file)), 1)
	if got != want {
		t.Fatalf("deflated binary\n got %s\nwant %s", got, want)
	}
	if string(lists[0][1].Binary) != binary {
		t.Fatal("deflating changed the caller's items")
	}
	if &out[1][0] != &lists[1][0] {
		t.Error("a list without binary data was copied")
	}
	if ok, _ := dir.Exists(ctx, blob.RefOf(file)); !ok {
		t.Fatal("the bytes are not in the blob store")
	}
	back, err := c.InflateItems(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Data struct{ Data string } `json:"data"`
	}
	if err := json.Unmarshal(back[0][1].Binary, &doc); err != nil || doc.Data.Data != b64 {
		t.Fatalf("inflated %s", back[0][1].Binary)
	}
	// Deflating twice stores nothing new and changes nothing.
	again, err := c.DeflateItems(ctx, out)
	if err != nil || string(again[0][1].Binary) != got {
		t.Fatalf("second deflate: %s %v", again[0][1].Binary, err)
	}
	// Without a blob store, items stay inline.
	same, _ := Codec{}.DeflateItems(ctx, lists)
	if string(same[0][1].Binary) != binary {
		t.Fatal("no blob store, yet the data moved")
	}
	// A missing blob is an error naming it.
	gone := strings.Replace(got, blob.RefOf(file).Digest()[:8], "00000000", 1)
	if _, err := c.InflateItems(ctx, [][]api.Item{{{JSON: json.RawMessage(`{}`), Binary: json.RawMessage(gone)}}}); err == nil || !strings.Contains(err.Error(), "binary data") {
		t.Fatalf("missing blob: %v", err)
	}
}
