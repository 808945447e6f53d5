package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/weftrun/weft/store/sqlstore"
)

// defaultDataDir is where the embedded mode keeps its state unless --data
// or WEFT_DATA says otherwise.
const defaultDataDir = "weft-data"

// storeURL picks the database: --postgres (WEFT_POSTGRES_URL) for the
// distributed mode, else SQLite in the data directory (--data, WEFT_DATA),
// which it creates.
func storeURL(postgres, data string) (string, error) {
	if postgres != "" {
		return postgres, nil
	}
	if err := os.MkdirAll(data, 0o755); err != nil {
		return "", fail(exitUsage, "data directory: %v", err)
	}
	return "sqlite:" + filepath.Join(data, "weft.db"), nil
}

func (c cli) migrate(ctx context.Context, args []string) error {
	fs := c.flagSet("migrate")
	postgres := fs.String("postgres", os.Getenv("WEFT_POSTGRES_URL"), "Postgres URL, postgres://USER:PASSWORD@HOST:5432/DATABASE (env WEFT_POSTGRES_URL); without it, SQLite in --data")
	data := fs.String("data", envOr("WEFT_DATA", defaultDataDir), "data directory of the embedded mode (env WEFT_DATA)")
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: weft migrate [--postgres URL | --data DIR]")
		fmt.Fprintln(c.stderr, "Applies the schema migrations the database lacks.")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return fail(exitUsage, "migrate: unexpected arguments %v", pos)
	}
	if *postgres != "" {
		if err := checkPostgresURL(fs, "WEFT_POSTGRES_URL", *postgres); err != nil {
			return err
		}
	}
	url, err := storeURL(*postgres, *data)
	if err != nil {
		return err
	}
	s, err := sqlstore.Open(ctx, url)
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	defer s.Close()
	applied, err := s.Migrate(ctx)
	for _, v := range applied {
		fmt.Fprintf(c.stdout, "applied migration %04d\n", v)
	}
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	fmt.Fprintf(c.stdout, "%s schema at version %d\n", s.Dialect(), v)
	return nil
}
