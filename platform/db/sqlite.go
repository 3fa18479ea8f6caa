package db

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// sqlitePragmas are applied by the driver to every new connection:
//   - busy_timeout: wait for a competing writer instead of failing at once;
//   - WAL: readers do not block the writer and vice versa;
//   - foreign_keys: SQLite leaves them off unless asked, per connection;
//   - synchronous NORMAL: safe with WAL, far fewer fsyncs than FULL;
//   - _txlock=immediate: write transactions take the write lock at BEGIN, so
//     they queue on busy_timeout rather than failing with SQLITE_BUSY when a
//     read lock cannot be upgraded halfway through. Read-only transactions
//     still begin deferred.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"

// sqliteMaxConns is modest: SQLite has one writer at a time anyway, and a few
// connections are enough for WAL readers to proceed alongside it.
const sqliteMaxConns = 4

func openSQLite(path string) (*DB, error) {
	// The DSN is a URI; these characters would end the path early.
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("db: sqlite path %q must not contain '?' or '#'", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("db: create directory for %s: %w", path, err)
	}
	sqlDB, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas)
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	sqlDB.SetMaxOpenConns(sqliteMaxConns)
	sqlDB.SetMaxIdleConns(sqliteMaxConns)
	return &DB{DB: sqlDB, Dialect: SQLite}, nil
}
