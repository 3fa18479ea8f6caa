// Package dbtest gives tests a real, migrated database of their own: a SQLite
// file in the test's temp dir, or a PostgreSQL database cloned from a
// template that was migrated once for the whole test run.
package dbtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/ntmsuite/ntm/platform/db"
)

// SQLite returns a migrated SQLite database in t.TempDir(), closed at cleanup.
func SQLite(t testing.TB, migrations fs.FS) *db.DB {
	t.Helper()
	// TempDir registers its removal first, so it runs after Close below
	// (cleanups run last-in first-out).
	path := filepath.Join(t.TempDir(), "test.db")
	d, err := db.Open(t.Context(), db.Options{Dialect: db.SQLite, DSN: path, Migrations: migrations})
	if err != nil {
		t.Fatalf("dbtest: open sqlite: %v", err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("dbtest: close sqlite: %v", err)
		}
	})
	return d
}

// requireServicesEnv, set to 1 (the Makefile does), turns "PostgreSQL is not
// reachable" from a skip into a failure, so CI can never pass by skipping.
const requireServicesEnv = "NTM_TEST_REQUIRE_SERVICES"

// unavailable skips or fails t because a service the test needs is missing.
// Unavailable skips the test because a service it needs (PostgreSQL, Redis) is
// not reachable, or fails it when NTM_TEST_REQUIRE_SERVICES=1 (as `make test`
// sets), so CI can never pass by skipping.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(requireServicesEnv) == "1" {
		t.Fatalf(format+" ("+requireServicesEnv+"=1, so this fails instead of skipping)", args...)
	}
	t.Skipf(format+" (skipping; set "+requireServicesEnv+"=1 to fail instead)", args...)
}

// EachDialect runs test on a fresh database of each dialect migrated with
// migrations (SQL both dialects accept), in parallel with the other tests:
// each has databases of its own.
func EachDialect(t *testing.T, migrations fs.FS, test func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, SQLite(t, migrations))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		test(t, Postgres(t, migrations))
	})
}

// StandIn is a service's migrations for the tests of a platform table
// (audit_events, idempotency_keys, operations): db.Open needs at least one
// migration of the service's own, and applies the platform's after it.
// The same SQL suits both dialects.
func StandIn(name string) fs.FS {
	return fstest.MapFS{"00001_" + name + ".sql": {Data: []byte("-- +goose Up\nCREATE TABLE " + name + "_item (id bigint PRIMARY KEY);\n-- +goose Down\nDROP TABLE " + name + "_item;\n")}}
}
