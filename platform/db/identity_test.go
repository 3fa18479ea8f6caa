package db_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
)

func identity(t *testing.T, d *db.DB) string {
	t.Helper()
	id := d.Identity()
	if len(id) != 16 {
		t.Fatalf("identity %q, want 16 hex digits", id)
	}
	return id
}

// A SQLite database keeps its identity when opened again; another file,
// and a copy of the file elsewhere (a restored backup, which carries the
// instance id along), have another.
func TestIdentitySQLite(t *testing.T) {
	dir := t.TempDir()
	open := func(path string) *db.DB {
		d, err := db.Open(t.Context(), db.Options{Dialect: db.SQLite, DSN: path, Migrations: migrations(t, db.SQLite)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = d.Close() })
		return d
	}
	first := filepath.Join(dir, "a.db")
	a := identity(t, open(first))
	if again := identity(t, open(first)); again != a {
		t.Errorf("same file: %s then %s", a, again)
	}
	if b := identity(t, open(filepath.Join(dir, "b.db"))); b == a {
		t.Error("two databases share an identity")
	}
	data, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	restored := filepath.Join(dir, "restored.db")
	if err := os.WriteFile(restored, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if c := identity(t, open(restored)); c == a {
		t.Error("a restored copy has its original's identity")
	}
}

// PostgreSQL databases cloned from one migrated template hold the same
// instance id, as a restored dump does, yet have identities of their own;
// a database opened again (a replica, a restart) keeps its identity.
func TestIdentityPostgres(t *testing.T) {
	open := func(dsn string) *db.DB {
		d, err := db.Open(t.Context(), db.Options{Dialect: db.Postgres, DSN: dsn, Migrations: migrations(t, db.Postgres)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = d.Close() })
		return d
	}
	dsnA := dbtest.PostgresDatabase(t, migrations(t, db.Postgres))
	a, b := open(dsnA), open(dbtest.PostgresDatabase(t, migrations(t, db.Postgres)))
	var idA, idB string
	for d, id := range map[*db.DB]*string{a: &idA, b: &idB} {
		if err := d.QueryRowContext(t.Context(), `SELECT instance_id FROM platform_instance`).Scan(id); err != nil {
			t.Fatal(err)
		}
	}
	if idA != idB {
		t.Fatalf("clones of one template have instance ids %s and %s; the test wants a copy", idA, idB)
	}
	ia := identity(t, a)
	if ib := identity(t, b); ia == ib {
		t.Error("two copies of one database share an identity")
	}
	if again := identity(t, open(dsnA)); again != ia {
		t.Errorf("identity changed on opening again: %s then %s", ia, again)
	}
}
