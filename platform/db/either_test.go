package db_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
)

func TestOpenEitherChoosesByPostgresURL(t *testing.T) {
	t.Parallel()
	choice := db.Choice{
		SQLitePath: filepath.Join(t.TempDir(), "svc.db"),
		// A command's default schema must not stop SQLite from opening.
		PostgresSchema:     "svc",
		SQLiteMigrations:   migrations(t, db.SQLite),
		PostgresMigrations: migrations(t, db.Postgres),
	}
	d, err := db.OpenEither(t.Context(), choice)
	if err != nil {
		t.Fatalf("OpenEither without a PostgreSQL URL: %v", err)
	}
	_ = d.Close()
	if d.Dialect != db.SQLite {
		t.Errorf("without a PostgreSQL URL: dialect %q, want %q", d.Dialect, db.SQLite)
	}

	base := dbtest.Postgres(t, migrations(t, db.Postgres))
	choice.PostgresURL = schemaOptions(t, base, "svc").DSN
	d, err = db.OpenEither(t.Context(), choice)
	if err != nil {
		t.Fatalf("OpenEither with a PostgreSQL URL: %v", err)
	}
	defer d.Close()
	if d.Dialect != db.Postgres {
		t.Errorf("with a PostgreSQL URL: dialect %q, want %q", d.Dialect, db.Postgres)
	}
	if got := tablesIn(t, base, "svc"); !slices.Contains(got, "item") {
		t.Errorf("tables in schema svc = %v, want the PostgreSQL migrations applied there", got)
	}
}
