package sqlstore

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenRefusesUnknownURLs: a URL Open does not know, such as a
// mistyped Postgres one, must fail rather than become the name of a new
// SQLite file, and the error must not repeat the password it may hold.
func TestOpenRefusesUnknownURLs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, tc := range []struct{ url, want string }{
		{"postgress://weft:s3cret@db/weft", `unknown database URL scheme "postgress"`},
		{"mysql://weft:s3cret@db/weft", `unknown database URL scheme "mysql"`},
		{"host=127.0.0.1 user=postgres password=s3cret dbname=test", "the database URL has no scheme"},
		{"weft.db", "the database URL has no scheme"},
	} {
		_, err := Open(ctx, tc.url)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "want postgres://") {
			t.Errorf("Open(%q): %v; want an error saying %q and the forms wanted", tc.url, err, tc.want)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%q): the error repeats the password: %v", tc.url, err)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) != 0 {
		t.Errorf("Open created %v", m)
	}
	for _, url := range []string{"sqlite:" + filepath.Join(dir, "a.db"), "file:" + filepath.Join(dir, "b.db")} {
		s, err := Open(ctx, url)
		if err != nil {
			t.Fatalf("Open(%q): %v", url, err)
		}
		s.Close()
	}
}
