package db_test

import (
	"path/filepath"
	"testing"

	"github.com/ntmsuite/ntm/platform/db"
)

func TestOpenSQLite(t *testing.T) {
	ctx := t.Context()
	// A parent directory that does not exist yet: Open must create it.
	path := filepath.Join(t.TempDir(), "data", "registry", "registry.db")
	o := db.Options{Dialect: db.SQLite, DSN: path, Migrations: migrations(t, db.SQLite)}

	d, err := db.Open(ctx, o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer d.Close()
	if d.Dialect != db.SQLite {
		t.Errorf("Dialect = %q, want %q", d.Dialect, db.SQLite)
	}
	if err := insertItem(ctx, d, 1, "kept"); err != nil {
		t.Fatal(err)
	}

	// The pragmas hold on every pooled connection, so check them on a
	// dedicated one.
	conn, err := d.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var journal string
	var foreignKeys, busyTimeout, autoCheckpoint int
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&foreignKeys); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busyTimeout); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&autoCheckpoint); err != nil {
		t.Fatal(err)
	}
	_ = conn.Close()
	if journal != "wal" || foreignKeys != 1 || busyTimeout != 10000 || autoCheckpoint != 0 {
		t.Errorf("journal_mode=%s foreign_keys=%d busy_timeout=%d wal_autocheckpoint=%d, want wal 1 10000 0",
			journal, foreignKeys, busyTimeout, autoCheckpoint)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	// Reopening an up-to-date database applies nothing and keeps the data.
	d2, err := db.Open(ctx, o)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer d2.Close()
	if n := countItems(t, d2, 1); n != 1 {
		t.Errorf("after reopen: %d rows, want 1", n)
	}
}
