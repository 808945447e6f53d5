// Package pgtest gives tests a Postgres database of their own: a fresh
// schema on WEFT_TEST_POSTGRES_URL, dropped when the test ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// URL returns WEFT_TEST_POSTGRES_URL pointed at a fresh schema dropped
// when the test ends, or skips the test without it (fails it under
// WEFT_REQUIRE_SERVICES=1).
func URL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("WEFT_TEST_POSTGRES_URL")
	if base == "" {
		if os.Getenv("WEFT_REQUIRE_SERVICES") == "1" {
			tb.Fatal("WEFT_TEST_POSTGRES_URL is not set and WEFT_REQUIRE_SERVICES=1")
		}
		tb.Skip("Postgres tests need WEFT_TEST_POSTGRES_URL, e.g. postgres://postgres@127.0.0.1:5432/test")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "weft_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("creating a test schema on %s: %v", base, err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err == nil {
			_, _ = admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
			admin.Close()
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}
