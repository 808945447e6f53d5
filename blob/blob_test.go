package blob_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/weftrun/weft/blob"
)

func TestRefOf(t *testing.T) {
	// sha256 of the empty string and of "abc" (FIPS 180-2 test vectors).
	tests := map[string]blob.Ref{
		"":    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"abc": "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	}
	for in, want := range tests {
		if got := blob.RefOf([]byte(in)); got != want {
			t.Errorf("RefOf(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestParseRef(t *testing.T) {
	good := "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	ref, err := blob.ParseRef(good)
	if err != nil || ref.String() != good {
		t.Fatalf("ParseRef(%q) = %q, %v", good, ref, err)
	}
	if got, want := ref.Digest(), good[len("sha256:"):]; got != want {
		t.Errorf("Digest() = %q, want %q", got, want)
	}

	tests := []struct {
		in, want string
	}{
		{"", `blob: invalid reference "": empty`},
		{"sha256", `blob: invalid reference "sha256": want "sha256:" followed by 64 hex digits`},
		{"sha1:abc", `blob: invalid reference "sha1:abc": unsupported hash "sha1", want "sha256"`},
		{"sha256:abc", `blob: invalid reference "sha256:abc": digest has 3 characters, want 64 hex digits`},
		{strings.ToUpper(good[:8]) + good[8:], `unsupported hash "SHA256"`},
		{good[:20] + "G" + good[21:], `digest has non-hex character 'G' at offset 13`},
		{good[:20] + "B" + good[21:], `digest must be lowercase hex, found 'B' at offset 13`},
		{good + "\n", `digest has 65 characters`},
		{"sha256:" + strings.Repeat("a", 1000), `"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"... (1007 bytes): digest has 1000 characters`},
	}
	for _, tc := range tests {
		ref, err := blob.ParseRef(tc.in)
		if err == nil {
			t.Errorf("ParseRef(%q) = %q, want an error", tc.in, ref)
			continue
		}
		if !errors.Is(err, blob.ErrInvalidRef) {
			t.Errorf("ParseRef(%q) error %v does not wrap ErrInvalidRef", tc.in, err)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseRef(%q) error\n%s\ndoes not contain\n%s", tc.in, err, tc.want)
		}
		if ref != "" {
			t.Errorf("ParseRef(%q) returned %q with its error", tc.in, ref)
		}
	}
}

func FuzzParseRef(f *testing.F) {
	f.Add("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
	f.Add("sha256:")
	f.Add("sha256:../../../../etc/passwd")
	f.Add("md5:d41d8cd98f00b204e9800998ecf8427e")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := blob.ParseRef(s)
		if err != nil {
			if !errors.Is(err, blob.ErrInvalidRef) {
				t.Fatalf("error %v does not wrap ErrInvalidRef", err)
			}
			return
		}
		// A valid ref is exactly the text given and can only name a file
		// inside the store: no separators, dots or case variants.
		if ref.String() != s {
			t.Fatalf("ParseRef(%q) = %q", s, ref)
		}
		if len(ref.Digest()) != 64 || strings.ContainsAny(ref.Digest(), "./\\ABCDEF") {
			t.Fatalf("ParseRef accepted %q", s)
		}
	})
}
