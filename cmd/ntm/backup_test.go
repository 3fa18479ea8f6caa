package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/ntmsuite/ntm/platform/dbtest"
)

// A backup taken while the suite serves, restored elsewhere, holds every row
// of every table and serves the same report; starting the suite on it finds
// no migration to apply and loads no demo data twice. This is the "backups
// and restore" point of the security checklist (docs/SECURITY.md), with the
// tools the README's backup section names: VACUUM INTO for SQLite, pg_dump
// and pg_restore for PostgreSQL through deploy/backup's scripts.
func TestBackupRestoresOnSQLite(t *testing.T) {
	dir := t.TempDir()
	s := startTestSuite(t, upConfig{dataDir: dir})
	want := getReport(t, s.httpURL, "period=2020")

	copyDir := t.TempDir()
	for _, name := range []string{"registry.db", "criteria.db", "ocop.db", "funding.db"} {
		live := openSQL(t, "sqlite", filepath.Join(dir, name))
		// VACUUM INTO writes a consistent copy of a database in use.
		if _, err := live.Exec(`VACUUM INTO ?`, filepath.Join(copyDir, name)); err != nil {
			t.Fatalf("VACUUM INTO copy of %s: %v", name, err)
		}
		equalDigests(t, name, sqliteDigests(t, live), sqliteDigests(t, openSQL(t, "sqlite", filepath.Join(copyDir, name))))
	}

	restored := startTestSuite(t, upConfig{dataDir: copyDir})
	if got := getReport(t, restored.httpURL, "period=2020"); !reflect.DeepEqual(got, want) {
		t.Errorf("report of the restored copy = %+v\nwant %+v", got, want)
	}
	checkDemoReport2020(t, restored.httpURL)
}

func TestBackupRestoresOnPostgres(t *testing.T) {
	for _, tool := range []string{"pg_dump", "pg_restore", "psql"} {
		if _, err := exec.LookPath(tool); err != nil {
			dbtest.Unavailable(t, "%s is not installed: %v", tool, err)
		}
	}
	url := dbtest.EmptyPostgresDatabase(t)
	s := startTestSuite(t, upConfig{postgresURL: url})
	want := getReport(t, s.httpURL, "period=2020")

	dump := filepath.Join(t.TempDir(), "ntm.dump")
	if out, err := exec.Command("../../deploy/backup/backup.sh", url, dump).CombinedOutput(); err != nil {
		t.Fatalf("backup.sh: %v\n%s", err, out)
	}
	copyURL := dbtest.EmptyPostgresDatabase(t)
	if out, err := exec.Command("../../deploy/backup/restore.sh", dump, copyURL).CombinedOutput(); err != nil {
		t.Fatalf("restore.sh: %v\n%s", err, out)
	}
	// The goose version tables are among those compared: the copy's
	// migrations are as up to date as the original's.
	equalDigests(t, "postgres", postgresDigests(t, openSQL(t, "pgx", url)), postgresDigests(t, openSQL(t, "pgx", copyURL)))
	// A second restore over the data would mix two states: refused.
	if out, err := exec.Command("../../deploy/backup/restore.sh", dump, copyURL).CombinedOutput(); err == nil {
		t.Errorf("restore.sh into a database holding the suite = %s, want a refusal", out)
	}

	restored := startTestSuite(t, upConfig{postgresURL: copyURL})
	if got := getReport(t, restored.httpURL, "period=2020"); !reflect.DeepEqual(got, want) {
		t.Errorf("report of the restored copy = %+v\nwant %+v", got, want)
	}
	checkDemoReport2020(t, restored.httpURL)
}

func openSQL(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	d, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// sqliteDigests is each table's row count and a hash of its rows in rowid order.
func sqliteDigests(t *testing.T, d *sql.DB) map[string]string {
	t.Helper()
	return tableDigests(t, d, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`,
		func(table string) string { return `SELECT * FROM "` + table + `" ORDER BY rowid` })
}

// postgresDigests is the same for every table of the suite's schemas, rows
// ordered by their text form (PostgreSQL keeps no insertion order).
func postgresDigests(t *testing.T, d *sql.DB) map[string]string {
	t.Helper()
	return tableDigests(t, d, `SELECT table_schema || '.' || table_name FROM information_schema.tables
		WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
		func(table string) string { return `SELECT t::text FROM ` + table + ` t ORDER BY 1` })
}

func tableDigests(t *testing.T, d *sql.DB, tablesQuery string, rowsQuery func(table string) string) map[string]string {
	t.Helper()
	var tables []string
	rows, err := d.Query(tablesQuery)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(tables) == 0 {
		t.Fatal("no tables to compare")
	}
	digests := make(map[string]string, len(tables))
	for _, table := range tables {
		digests[table] = rowsDigest(t, d, rowsQuery(table))
	}
	return digests
}

// rowsDigest is "N rows, sha256 …" of what query returns.
func rowsDigest(t *testing.T, d *sql.DB, query string) string {
	t.Helper()
	rows, err := d.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	h, n := sha256.New(), 0
	values := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range values {
		ptrs[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%q\n", values)
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d rows, sha256 %s", n, hex.EncodeToString(h.Sum(nil))[:16])
}

func equalDigests(t *testing.T, what string, live, restored map[string]string) {
	t.Helper()
	if !reflect.DeepEqual(live, restored) {
		var diff []string
		for table, d := range live {
			if restored[table] != d {
				diff = append(diff, fmt.Sprintf("%s: live %s, restored %q", table, d, restored[table]))
			}
		}
		t.Errorf("%s: restored copy differs:\n%s", what, strings.Join(diff, "\n"))
	}
	if live["audit_events"] == "" && live["registry.audit_events"] == "" {
		t.Errorf("%s: no audit trail among the tables compared: %v", what, live)
	}
}
