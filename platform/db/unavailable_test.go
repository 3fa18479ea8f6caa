package db_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
)

// currentDatabase is the name of d's PostgreSQL database.
func currentDatabase(t *testing.T, d *db.DB) string {
	t.Helper()
	var name string
	if err := d.QueryRowContext(t.Context(), "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

// The ways a PostgreSQL outage reaches a store are all unavailable: nothing
// listening, a backend terminated under an open connection (a restart), and
// a server refusing new connections.
func TestIsUnavailableOnAnOutage(t *testing.T) {
	t.Parallel()
	d := dbtest.Postgres(t, migrations(t, db.Postgres))
	ctx := t.Context()

	_, closedPort := db.Open(ctx, db.Options{Dialect: db.Postgres, DSN: "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=5",
		Migrations: migrations(t, db.Postgres)})
	if !db.IsUnavailable(closedPort) {
		t.Errorf("nothing listening: IsUnavailable(%v) = false", closedPort)
	}

	conn, err := d.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var pid int
	if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ExecContext(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	_, terminated := conn.ExecContext(ctx, "SELECT 1")
	if !db.IsUnavailable(terminated) {
		t.Errorf("backend terminated: IsUnavailable(%v) = false", terminated)
	}

	admin, err := sql.Open("pgx", dbtest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := currentDatabase(t, d)
	if _, err := admin.ExecContext(ctx, `ALTER DATABASE "`+name+`" ALLOW_CONNECTIONS false`); err != nil {
		t.Fatal(err)
	}
	// The test's database is dropped WITH (FORCE) at cleanup all the same.
	if _, err := admin.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name); err != nil {
		t.Fatal(err)
	}
	// Twice: the pool may still hold a connection whose backend is gone,
	// then it has to open a new one, which the server refuses.
	for range 2 {
		if err := d.PingContext(ctx); !db.IsUnavailable(err) {
			t.Errorf("connections refused: IsUnavailable(%v) = false", err)
		}
	}
}

// Errors of the statement itself, or of the caller, are not outages.
func TestIsUnavailableOnlyForOutages(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		if err := insertItem(ctx, d, 1, "a"); err != nil {
			t.Fatal(err)
		}
		duplicate := insertItem(ctx, d, 1, "a")
		_, syntax := d.ExecContext(ctx, "SELEKT 1")
		noRows := d.QueryRowContext(ctx, "SELECT name FROM item WHERE id = 2").Scan(new(string))
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, gaveUp := d.ExecContext(cancelled, "SELECT 1")
		for _, err := range []error{nil, errors.New("plain"), duplicate, syntax, noRows, gaveUp, context.DeadlineExceeded} {
			if db.IsUnavailable(err) {
				t.Errorf("IsUnavailable(%v) = true", err)
			}
		}
	})
}
