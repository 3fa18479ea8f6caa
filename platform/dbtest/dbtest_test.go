package dbtest

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
)

// testMigrations are dbtest's own, so its template is its own too.
var testMigrations = fstest.MapFS{
	"00001_note.sql": {Data: []byte(`-- +goose Up
CREATE TABLE note (id bigint PRIMARY KEY, body text NOT NULL);
-- +goose Down
DROP TABLE note;
`)},
}

func TestSQLite(t *testing.T) {
	t.Parallel()
	d := SQLite(t, testMigrations)
	if _, err := d.ExecContext(t.Context(), "INSERT INTO note VALUES (1, 'x')"); err != nil {
		t.Fatalf("insert into migrated table: %v", err)
	}
	var file string
	if err := d.QueryRowContext(t.Context(), "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file); err != nil {
		t.Fatal(err)
	}
	// Each TempDir call makes a new directory under the test's own root.
	if filepath.Dir(filepath.Dir(file)) != filepath.Dir(t.TempDir()) {
		t.Errorf("database file %s is not under the test's temp dir", file)
	}
}

// TestPostgresIsolated runs several tests at once, each on its own clone:
// each sees only its own rows.
func TestPostgresIsolated(t *testing.T) {
	var mu sync.Mutex
	names := map[string]bool{}
	for i := range 4 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			d := Postgres(t, testMigrations)
			ctx := t.Context()
			if _, err := d.ExecContext(ctx, "INSERT INTO note VALUES ($1, 'mine')", i); err != nil {
				t.Fatalf("insert: %v", err)
			}
			var n, id int
			if err := d.QueryRowContext(ctx, "SELECT count(*), max(id) FROM note").Scan(&n, &id); err != nil {
				t.Fatal(err)
			}
			if n != 1 || id != i {
				t.Errorf("sees %d rows (max id %d), want only its own row %d", n, id, i)
			}
			var name string
			if err := d.QueryRowContext(ctx, "SELECT current_database()").Scan(&name); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if names[name] {
				t.Errorf("database %s handed out twice", name)
			}
			names[name] = true
		})
	}
}

// adminQuery runs a one-row query on the admin database.
func adminQuery(t *testing.T, sql string, args []any, dest ...any) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), PostgresURL())
	if err != nil {
		Unavailable(t, "PostgreSQL is not reachable: %v", err)
	}
	defer conn.Close(context.WithoutCancel(t.Context()))
	if err := conn.QueryRow(t.Context(), sql, args...).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func TestPostgresDroppedAtCleanup(t *testing.T) {
	t.Parallel()
	var name string
	t.Run("user", func(t *testing.T) {
		d := Postgres(t, testMigrations)
		if err := d.QueryRowContext(t.Context(), "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
	})
	// The subtest's cleanups have run by now.
	if !strings.HasPrefix(name, "ntm_test_") {
		t.Fatalf("database name %q, want ntm_test_<hex>", name)
	}
	var exists bool
	adminQuery(t, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", []any{name}, &exists)
	if exists {
		t.Errorf("database %s still exists after cleanup", name)
	}
}

func TestPostgresTemplate(t *testing.T) {
	t.Parallel()
	Postgres(t, testMigrations)
	tpl, err := templateName(testMigrations)
	if err != nil {
		t.Fatal(err)
	}
	var allowConn bool
	adminQuery(t, "SELECT datallowconn FROM pg_database WHERE datname = $1", []any{tpl}, &allowConn)
	if allowConn {
		t.Errorf("template %s accepts connections; cloning would fail if any were made", tpl)
	}
	var scratch bool
	adminQuery(t, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", []any{tpl + "_building"}, &scratch)
	if scratch {
		t.Errorf("scratch database %s_building left behind", tpl)
	}
}

func TestTemplateName(t *testing.T) {
	name := func(m fstest.MapFS) string {
		t.Helper()
		n, err := templateName(m)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	base := name(testMigrations)
	if !strings.HasPrefix(base, "ntm_tpl_") || len(base) != len("ntm_tpl_")+12 {
		t.Errorf("template name %q, want ntm_tpl_<12 hex>", base)
	}
	same := fstest.MapFS{"00001_note.sql": testMigrations["00001_note.sql"], "README.md": {Data: []byte("not a migration")}}
	if got := name(same); got != base {
		t.Errorf("non-migration file changed the name: %s, want %s", got, base)
	}
	edited := fstest.MapFS{"00001_note.sql": {Data: append([]byte("-- edited\n"), testMigrations["00001_note.sql"].Data...)}}
	renamed := fstest.MapFS{"00002_note.sql": testMigrations["00001_note.sql"]}
	for what, m := range map[string]fstest.MapFS{"edited": edited, "renamed": renamed} {
		if got := name(m); got == base {
			t.Errorf("%s migration kept the template name %s", what, got)
		}
	}
}

func TestPostgresURL(t *testing.T) {
	t.Setenv("NTM_TEST_POSTGRES_URL", "")
	if got := PostgresURL(); got != defaultPostgresURL {
		t.Errorf("PostgresURL() = %q, want default %q", got, defaultPostgresURL)
	}
	t.Setenv("NTM_TEST_POSTGRES_URL", "postgres://u:p@db.example:6543/admin?sslmode=require")
	if got := PostgresURL(); got != "postgres://u:p@db.example:6543/admin?sslmode=require" {
		t.Errorf("PostgresURL() = %q, want the env value", got)
	}
	got, err := PostgresDatabaseURL("ntm_test_x")
	if err != nil || got != "postgres://u:p@db.example:6543/ntm_test_x?sslmode=require" {
		t.Errorf("PostgresDatabaseURL = %q, %v", got, err)
	}
	t.Setenv("NTM_TEST_POSTGRES_URL", "host=localhost dbname=postgres")
	if _, err := PostgresDatabaseURL("x"); err == nil {
		t.Error("PostgresDatabaseURL accepted a keyword/value DSN")
	}
}

// recordingTB stands in for a test to observe whether it was skipped or
// failed. Both stop the calling goroutine, as the real ones do.
type recordingTB struct {
	testing.TB
	skipped, failed string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// unreachable runs withAdmin against a closed port as rec.
func unreachable(t *testing.T, rec *recordingTB) {
	t.Setenv("NTM_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=5")
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = withAdmin(t.Context(), rec, func(*pgx.Conn) error {
			t.Error("withAdmin ran fn without a connection")
			return nil
		})
	}()
	<-done
}

func TestUnreachableSkips(t *testing.T) {
	t.Setenv(requireServicesEnv, "")
	rec := &recordingTB{TB: t}
	unreachable(t, rec)
	if rec.skipped == "" || rec.failed != "" {
		t.Errorf("skipped=%q failed=%q, want a skip", rec.skipped, rec.failed)
	}
}

func TestUnreachableFailsWhenRequired(t *testing.T) {
	t.Setenv(requireServicesEnv, "1")
	rec := &recordingTB{TB: t}
	unreachable(t, rec)
	if rec.failed == "" || rec.skipped != "" {
		t.Errorf("skipped=%q failed=%q, want a failure", rec.skipped, rec.failed)
	}
	if !strings.Contains(rec.failed, "not reachable") {
		t.Errorf("failure message %q does not say why", rec.failed)
	}
}
