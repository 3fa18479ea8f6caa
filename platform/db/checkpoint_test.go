package db_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/db"
)

// openSQLiteFile opens a fresh SQLite database and returns it with its path.
func openSQLiteFile(t *testing.T) (*db.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.db")
	d, err := db.Open(t.Context(), db.Options{Dialect: db.SQLite, DSN: path, Migrations: migrations(t, db.SQLite)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d, path
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// writeItems commits n rows of 4 KB, one transaction each.
func writeItems(t *testing.T, d *db.DB, from, n int) {
	t.Helper()
	for i := range n {
		if err := insertItem(t.Context(), d, from+i, fmt.Sprintf("%04d", from+i)+strings.Repeat("x", 4092)); err != nil {
			t.Fatal(err)
		}
	}
}

// No commit checkpoints the WAL on its own (that made one write in a few
// hundred wait for a sync of everyone's pages): between rounds of the
// background checkpointer the database file does not grow, however many
// commits there are, and Close leaves one file with everything in it.
func TestSQLiteCommitsNeverCheckpoint(t *testing.T) {
	db.SetCheckpointEvery(t, time.Hour)
	d, path := openSQLiteFile(t)
	before := fileSize(t, path)
	writeItems(t, d, 1, 600) // 2,400 KB: past SQLite's default of 1,000 pages
	if got := fileSize(t, path); got != before {
		t.Errorf("database file grew from %d to %d bytes without a checkpoint round", before, got)
	}
	if wal := fileSize(t, path+"-wal"); wal < 600*4096 {
		t.Errorf("WAL of %d bytes, want the 600 commits in it", wal)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if wal := fileSize(t, path+"-wal"); wal != 0 {
		t.Errorf("WAL of %d bytes after Close, want it checkpointed and truncated", wal)
	}
	if got := fileSize(t, path); got < 600*4096 {
		t.Errorf("database file of %d bytes after Close, want the 600 rows", got)
	}
}

// The background rounds copy committed pages into the database file while
// it is open.
func TestSQLiteCheckpointsInTheBackground(t *testing.T) {
	db.SetCheckpointEvery(t, 10*time.Millisecond)
	d, path := openSQLiteFile(t)
	writeItems(t, d, 1, 300)
	deadline := time.Now().Add(10 * time.Second)
	for fileSize(t, path) < 300*4096 {
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes after 10 s of 10 ms rounds", fileSize(t, path))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := countItems(t, d, 300); n != 1 {
		t.Errorf("row 300: %d, want 1", n)
	}
}
