package sqlstore

import (
	"errors"
	"fmt"
	"testing"
)

// testSchemaTooNew records a migration newer than any this binary embeds,
// as a newer weft would: Migrate must refuse the database, naming both
// versions, and apply nothing.
func testSchemaTooNew(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	all, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	latest := all[len(all)-1].Version
	if _, err := s.db.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from_the_future', 0)`), latest+1); err != nil {
		t.Fatal(err)
	}
	applied, err := s.Migrate(ctx)
	var tooNew *SchemaTooNewError
	if !errors.As(err, &tooNew) || tooNew.Version != latest+1 || tooNew.Latest != latest || len(applied) != 0 {
		t.Fatalf("Migrate on a newer schema: applied %v, error %v; want a SchemaTooNewError", applied, err)
	}
	want := fmt.Sprintf("the database schema is at version %d, newer than this weft (%d); upgrade weft", latest+1, latest)
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestMigrateRefusesNewerSchemaSQLite(t *testing.T) { testSchemaTooNew(t, openSQLite) }

func TestMigrateRefusesNewerSchemaPostgres(t *testing.T) { testSchemaTooNew(t, openPostgres) }
