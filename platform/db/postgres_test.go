package db_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
)

// openSchema opens the database behind base again, in schema.
func openSchema(t *testing.T, base *db.DB, schema string) *db.DB {
	t.Helper()
	d, err := db.Open(t.Context(), schemaOptions(t, base, schema))
	if err != nil {
		t.Fatalf("Open schema %q: %v", schema, err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func schemaOptions(t *testing.T, base *db.DB, schema string) db.Options {
	t.Helper()
	var name string
	if err := base.QueryRowContext(t.Context(), "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	dsn, err := dbtest.PostgresDatabaseURL(name)
	if err != nil {
		t.Fatal(err)
	}
	return db.Options{Dialect: db.Postgres, DSN: dsn, Schema: schema, Migrations: migrations(t, db.Postgres)}
}

// tablesIn lists the tables of schema, in name order.
func tablesIn(t *testing.T, d *db.DB, schema string) []string {
	t.Helper()
	rows, err := d.QueryContext(t.Context(),
		"SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name", schema)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

func TestPostgresSchema(t *testing.T) {
	t.Parallel()
	base := dbtest.Postgres(t, migrations(t, db.Postgres))
	// A name that only survives if quoted: mixed case and a hyphen.
	const schemaA, schemaB = "Svc-A", "svc_b"
	a := openSchema(t, base, schemaA)
	b := openSchema(t, base, schemaB)

	for _, schema := range []string{schemaA, schemaB} {
		got := tablesIn(t, base, schema)
		want := []string{"audit_events", "goose_db_version", "goose_platform_version", "idempotency_keys", "item", "operations", "platform_instance"}
		if !slices.Equal(got, want) {
			t.Errorf("tables in schema %q = %v, want %v", schema, got, want)
		}
	}
	var current, timeout string
	if err := a.QueryRowContext(t.Context(), "SELECT current_schema(), current_setting('statement_timeout')").Scan(&current, &timeout); err != nil {
		t.Fatal(err)
	}
	if current != schemaA || timeout != "30s" {
		t.Errorf("current_schema=%q statement_timeout=%q, want %q 30s", current, timeout, schemaA)
	}

	// Unqualified names resolve in each service's own schema.
	if err := insertItem(t.Context(), a, 1, "a"); err != nil {
		t.Fatal(err)
	}
	if n := countItems(t, b, 1); n != 0 {
		t.Errorf("schema %q sees %d rows inserted through %q, want 0", schemaB, n, schemaA)
	}
	if n := countItems(t, base, 1); n != 0 {
		t.Errorf("public schema sees %d rows inserted through %q, want 0", n, schemaA)
	}
}

// TestPostgresConcurrentOpen starts several "replicas" on a new schema at
// once: schema creation and migration must let exactly one of them migrate.
func TestPostgresConcurrentOpen(t *testing.T) {
	t.Parallel()
	base := dbtest.Postgres(t, migrations(t, db.Postgres))
	o := schemaOptions(t, base, "concurrent")

	const replicas = 4
	var wg sync.WaitGroup
	errs := make([]error, replicas)
	for i := range replicas {
		wg.Go(func() {
			d, err := db.Open(t.Context(), o)
			if err == nil {
				err = d.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: Open: %v", i, err)
		}
	}
	var applied int
	if err := base.QueryRowContext(t.Context(),
		"SELECT count(*) FROM concurrent.goose_db_version WHERE version_id = 1").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != 1 {
		t.Errorf("migration 1 recorded %d times, want 1", applied)
	}
}
