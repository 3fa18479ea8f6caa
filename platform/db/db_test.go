package db_test

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
)

//go:embed testdata
var testdata embed.FS

// migrations returns the test migrations for dialect d.
func migrations(t testing.TB, d db.Dialect) fs.FS {
	t.Helper()
	sub, err := fs.Sub(testdata, "testdata/"+string(d))
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// eachDialect runs test against a fresh migrated database of each dialect.
func eachDialect(t *testing.T, test func(t *testing.T, d *db.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, dbtest.SQLite(t, migrations(t, db.SQLite)))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		test(t, dbtest.Postgres(t, migrations(t, db.Postgres)))
	})
}

func insertItem(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, id int, name string) error {
	_, err := q.ExecContext(ctx, "INSERT INTO item (id, name) VALUES ($1, $2)", id, name)
	return err
}

func countItems(t *testing.T, d *db.DB, id int) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(t.Context(), "SELECT count(*) FROM item WHERE id = $1", id).Scan(&n); err != nil {
		t.Fatalf("count items: %v", err)
	}
	return n
}

func TestOpenAppliesMigrations(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		// The table only exists if 00001_test.sql ran.
		if err := insertItem(ctx, d, 1, "a"); err != nil {
			t.Fatalf("insert into migrated table: %v", err)
		}
		var version int64
		if err := d.QueryRowContext(ctx, "SELECT max(version_id) FROM goose_db_version WHERE is_applied").Scan(&version); err != nil {
			t.Fatalf("read goose version: %v", err)
		}
		if version != 1 {
			t.Errorf("goose version = %d, want 1", version)
		}
	})
}

func TestInTx(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()

		if err := d.InTx(ctx, func(tx *sql.Tx) error { return insertItem(ctx, tx, 1, "committed") }); err != nil {
			t.Fatalf("InTx: %v", err)
		}
		if n := countItems(t, d, 1); n != 1 {
			t.Errorf("after successful InTx: %d rows, want 1", n)
		}

		errBoom := errors.New("boom")
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			if err := insertItem(ctx, tx, 2, "rolled back"); err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Errorf("InTx error = %v, want fn's error", err)
		}
		if n := countItems(t, d, 2); n != 0 {
			t.Errorf("after failed InTx: %d rows, want 0", n)
		}

		func() {
			defer func() {
				if r := recover(); r != "panic in tx" {
					t.Errorf("recovered %v, want the panic from fn to propagate", r)
				}
			}()
			_ = d.InTx(ctx, func(tx *sql.Tx) error {
				if err := insertItem(ctx, tx, 3, "panicked"); err != nil {
					t.Errorf("insert: %v", err)
				}
				panic("panic in tx")
			})
		}()
		if n := countItems(t, d, 3); n != 0 {
			t.Errorf("after panicking InTx: %d rows, want 0", n)
		}
		// A transaction left open would hold the SQLite write lock and make
		// this one fail on busy_timeout; it must go through at once.
		if err := d.InTx(ctx, func(tx *sql.Tx) error { return insertItem(ctx, tx, 4, "after panic") }); err != nil {
			t.Errorf("InTx after panic: %v", err)
		}
	})
}

func TestIsUniqueViolation(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		if err := insertItem(ctx, d, 1, "a"); err != nil {
			t.Fatal(err)
		}

		dupKey := insertItem(ctx, d, 1, "b")
		if !db.IsUniqueViolation(dupKey) {
			t.Errorf("duplicate primary key: IsUniqueViolation(%v) = false", dupKey)
		}
		dupName := insertItem(ctx, d, 2, "a")
		if !db.IsUniqueViolation(dupName) {
			t.Errorf("duplicate unique column: IsUniqueViolation(%v) = false", dupName)
		}
		if wrapped := errors.Join(errors.New("create item"), dupName); !db.IsUniqueViolation(wrapped) {
			t.Errorf("wrapped duplicate: IsUniqueViolation(%v) = false", wrapped)
		}

		_, notNull := d.ExecContext(ctx, "INSERT INTO item (id, name) VALUES (3, NULL)")
		_, syntax := d.ExecContext(ctx, "INSERT INTO no_such_table VALUES (1)")
		for _, err := range []error{nil, errors.New("plain"), sql.ErrNoRows, notNull, syntax} {
			if db.IsUniqueViolation(err) {
				t.Errorf("IsUniqueViolation(%v) = true, want false", err)
			}
		}
		if notNull == nil || syntax == nil {
			t.Errorf("expected errors from bad statements, got %v, %v", notNull, syntax)
		}
	})
}

func TestOpenRejectsBadOptions(t *testing.T) {
	sqliteMigrations := migrations(t, db.SQLite)
	broken := fstest.MapFS{"00001_broken.sql": {Data: []byte("-- +goose Up\nCREATE TABLE (;\n")}}
	for name, o := range map[string]db.Options{
		"unknown dialect":  {Dialect: "oracle", DSN: "x.db", Migrations: sqliteMigrations},
		"no migrations":    {Dialect: db.SQLite, DSN: "x.db"},
		"no DSN":           {Dialect: db.SQLite, Migrations: sqliteMigrations},
		"schema on sqlite": {Dialect: db.SQLite, DSN: "x.db", Schema: "s", Migrations: sqliteMigrations},
		"query in path":    {Dialect: db.SQLite, DSN: "x.db?mode=ro", Migrations: sqliteMigrations},
		"bad postgres URL": {Dialect: db.Postgres, DSN: "postgres://[::1", Migrations: migrations(t, db.Postgres)},
		"empty migrations": {Dialect: db.SQLite, DSN: "x.db", Migrations: fstest.MapFS{}},
		"broken migration": {Dialect: db.SQLite, DSN: "x.db", Migrations: broken},
	} {
		t.Run(name, func(t *testing.T) {
			// Relative paths land in a directory of the subtest's own.
			if o.Dialect == db.SQLite && o.DSN != "" {
				o.DSN = filepath.Join(t.TempDir(), o.DSN)
			}
			d, err := db.Open(t.Context(), o)
			if err == nil {
				_ = d.Close()
				t.Fatal("Open succeeded, want an error")
			}
		})
	}
}
