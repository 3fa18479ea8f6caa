package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ntmsuite/ntm/platform/db"
)

// defaultPostgresURL matches the local development server (trust auth).
const defaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// PostgresURL is the admin URL tests use: env NTM_TEST_POSTGRES_URL, default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable. It must be in
// URL form, because the per-test URLs are derived from it.
func PostgresURL() string {
	if u := os.Getenv("NTM_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return defaultPostgresURL
}

// PostgresDatabaseURL is PostgresURL pointing at database name instead, for
// tests that open a database from Postgres a second time (another schema,
// another process).
func PostgresDatabaseURL(name string) (string, error) {
	u, err := url.Parse(PostgresURL())
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		// Not wrapping err: url.Parse quotes the URL, password included.
		return "", fmt.Errorf("NTM_TEST_POSTGRES_URL must be a postgres:// URL")
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

// setupTimeout bounds connecting, waiting for the template lock and cloning,
// so a wedged server or lock holder fails the test instead of hanging it.
const setupTimeout = 2 * time.Minute

// Postgres returns a fresh migrated PostgreSQL database of its own, cloned
// from a template database (CREATE DATABASE x TEMPLATE tpl), dropped at
// cleanup. It is safe in parallel tests and across test binaries.
func Postgres(t testing.TB, migrations fs.FS) *db.DB {
	t.Helper()
	dsn := PostgresDatabase(t, migrations)
	ctx, cancel := context.WithTimeout(t.Context(), setupTimeout)
	defer cancel()
	// The clone is already migrated: Open finds nothing pending.
	d, err := db.Open(ctx, db.Options{Dialect: db.Postgres, DSN: dsn, Migrations: migrations})
	if err != nil {
		t.Fatalf("dbtest: open %s: %v", dsn, err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("dbtest: close %s: %v", dsn, err)
		}
	})
	return d
}

// PostgresDatabase is Postgres for a test that opens the database itself
// (a service given a URL, or two replicas sharing it): it returns the URL of
// a fresh migrated database, dropped at cleanup after whatever the test
// registered later.
func PostgresDatabase(t testing.TB, migrations fs.FS) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), setupTimeout)
	defer cancel()
	tpl, err := templateName(migrations)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	name := "ntm_test_" + randomHex(8)
	if err := withAdmin(ctx, t, func(admin *pgx.Conn) error {
		return cloneTemplate(ctx, admin, tpl, name, migrations)
	}); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { dropDatabase(t, name) })
	dsn, err := PostgresDatabaseURL(name)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return dsn
}

// EmptyPostgresDatabase returns the URL of a new, empty database, dropped at
// cleanup: for a test of what runs the migrations itself (`ntm up
// --postgres-url`, the services as separate processes, a restore).
func EmptyPostgresDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), setupTimeout)
	defer cancel()
	name := "ntm_test_" + randomHex(8)
	if err := withAdmin(ctx, t, func(admin *pgx.Conn) error {
		_, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
		return err
	}); err != nil {
		t.Fatalf("dbtest: create %s: %v", name, err)
	}
	t.Cleanup(func() { dropDatabase(t, name) })
	dsn, err := PostgresDatabaseURL(name)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return dsn
}

// withAdmin runs fn on a new connection to the admin database. An
// unreachable server skips or fails t (see unavailable) without calling fn.
func withAdmin(ctx context.Context, t testing.TB, fn func(*pgx.Conn) error) error {
	t.Helper()
	conn, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		Unavailable(t, "PostgreSQL is not reachable through NTM_TEST_POSTGRES_URL (default %s): %v",
			defaultPostgresURL, err)
		return err // not reached: unavailable stops the test
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return fn(conn)
}

// dropDatabase removes a per-test database. Run at cleanup, when t.Context
// is already cancelled, hence its own context.
func dropDatabase(t testing.TB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		t.Errorf("dbtest: drop %s: connect: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	// FORCE ends sessions the test leaked (an unclosed *sql.Rows, a pool
	// opened by the code under test) instead of failing the drop.
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		t.Errorf("dbtest: drop %s: %v", name, err)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
