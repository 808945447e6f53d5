package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/blob/gc"
	"github.com/weftrun/weft/store/sqlstore"
)

// blobsCmd runs `weft blobs SUBCOMMAND`.
func (c cli) blobsCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fail(exitUsage, "blobs: want a subcommand: gc")
	}
	switch args[0] {
	case "gc":
		return c.blobsGC(ctx, args[1:])
	}
	return fail(exitUsage, "blobs: unknown subcommand %q (want gc)", args[0])
}

// blobsGC deletes the blobs no stored data references, as control planes
// do every --blob-gc-every, and says what it deletes.
func (c cli) blobsGC(ctx context.Context, args []string) error {
	fs := c.flagSet("weft blobs gc")
	postgres := fs.String("postgres", os.Getenv("WEFT_POSTGRES_URL"), "Postgres URL, postgres://USER:PASSWORD@HOST:5432/DATABASE (env WEFT_POSTGRES_URL); without it, SQLite in --data")
	data := fs.String("data", envOr("WEFT_DATA", defaultDataDir), "data directory of the embedded mode (env WEFT_DATA)")
	grace := fs.Duration("grace", gc.DefaultGrace, "spare unreferenced blobs stored less than this long ago; below the longest a task waits for a runner, only safe when no Weft process runs")
	dryRun := fs.Bool("dry-run", false, "list the blobs that would be deleted, and delete nothing")
	var bf blobFlags
	bf.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: weft blobs gc [--grace 1h] [--dry-run] [--postgres URL | --data DIR] [--blob-dir DIR | --s3-bucket …]")
		fmt.Fprintln(c.stderr, "Deletes the blobs that no stored workflow, execution or result references any more.")
		fs.PrintDefaults()
	}
	if pos, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(pos) != 0 {
		fs.Usage()
		return fail(exitUsage, "blobs gc: unexpected arguments %v", pos)
	}
	if *grace < 0 {
		return fail(exitUsage, "--grace %v: must not be negative", *grace)
	}
	if err := bf.env.check(fs); err != nil {
		return err
	}
	if *postgres != "" {
		if err := checkPostgresURL(fs, "WEFT_POSTGRES_URL", *postgres); err != nil {
			return err
		}
	}

	// An empty database references nothing, and would have every blob
	// deleted: open only one that exists, with the current schema.
	url, where := *postgres, "the Postgres database"
	if url == "" {
		path := filepath.Join(*data, "weft.db")
		if _, err := os.Stat(path); err != nil {
			return fail(exitUsage, "no database at %s: give --data the data directory of `weft server` (or WEFT_DATA), or --postgres", path)
		}
		url, where = "sqlite:"+path, path
	}
	st, err := sqlstore.Open(ctx, url)
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	defer st.Close()
	if err := currentSchema(ctx, st, where); err != nil {
		return err
	}

	desc := "s3://" + bf.s3.Bucket + "/" + bf.s3.Prefix
	if bf.s3.Bucket == "" {
		dir := bf.dir
		if dir == "" {
			dir = filepath.Join(*data, "blobs")
		}
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return fail(exitUsage, "no blob directory at %s: give --blob-dir (or WEFT_BLOB_DIR), or --s3-bucket", dir)
		}
		desc = dir
	}
	blobs, err := bf.open(ctx, *data)
	if err != nil {
		return err
	}
	threshold, err := bf.payloadThreshold()
	if err != nil {
		return err
	}
	// The store reads run data kept as blobs for the references in it.
	st.UseBlobs(blobs, threshold)

	verb := "deleted"
	if *dryRun {
		verb = "would delete"
	}
	now := time.Now()
	fmt.Fprintf(c.stdout, "finding the blobs referenced in %s\n", where)
	stats, err := gc.Collect(ctx, st, blobs, gc.Options{
		Grace:  *grace,
		DryRun: *dryRun,
		Logf:   func(format string, args ...any) { fmt.Fprintf(c.stderr, format+"\n", args...) },
		Marked: func(n int) {
			fmt.Fprintf(c.stdout, "%d blob references found; sweeping %s for unreferenced blobs stored more than %v ago\n", n, desc, *grace)
		},
		Swept: func(i blob.Info) {
			fmt.Fprintf(c.stdout, "%s %s (%d bytes, stored %s ago)\n", verb, i.Ref, i.Size, now.Sub(i.ModTime).Round(time.Second))
		},
	})
	fmt.Fprintf(c.stdout, "%d blobs scanned: %s %d (%s), kept %d (%d in use, %d too recent, %d failed)\n",
		stats.Scanned, verb, stats.Deleted, gc.MiB(stats.Freed), stats.Kept, stats.Kept-stats.Recent-stats.Failed, stats.Recent, stats.Failed)
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	return nil
}

// currentSchema fails unless the database has every migration this weft
// knows and no other: the tables read for references must be as it
// expects them.
func currentSchema(ctx context.Context, st *sqlstore.Store, where string) error {
	all, err := sqlstore.Migrations()
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	latest := all[len(all)-1].Version
	v, err := st.SchemaVersion(ctx)
	switch {
	case err != nil:
		return fail(exitFailed, "%s: not a Weft database, or never migrated: %v", where, err)
	case v < latest:
		return fail(exitFailed, "%s is at schema version %d, this weft expects %d: run `weft migrate` first", where, v, latest)
	case v > latest:
		return fail(exitFailed, "%s: %v", where, &sqlstore.SchemaTooNewError{Version: v, Latest: latest})
	}
	return nil
}
