package db

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

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
//     still begin deferred;
//   - wal_autocheckpoint 0: no commit copies the WAL back into the database
//     (and syncs it) on its own time; checkpointWAL does, in the
//     background. With SQLite's default, one commit in a few hundred paid
//     for everyone's, some 10 ms: the p99 of a write.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(0)&_txlock=immediate"

// sqliteCheckpointEvery is how often checkpointWAL runs: often enough that
// the WAL stays a few megabytes under a steady load of writes.
var sqliteCheckpointEvery = time.Second

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
	d := &DB{DB: sqlDB, Dialect: SQLite}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		checkpointWAL(ctx, sqlDB, sqliteCheckpointEvery)
	}()
	d.stopBackground = func() {
		stop()
		<-done
	}
	return d, nil
}

// checkpointWAL copies the WAL's committed pages into the database every
// interval until ctx ends, then once more, truncating the WAL, so that a
// closed database is one file. A PASSIVE checkpoint waits for no reader
// or writer: it copies what no open read still needs and leaves the rest
// for the next round. A failed round is retried at the next tick; the WAL
// only grows meanwhile.
func checkpointWAL(ctx context.Context, sqlDB *sql.DB, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			_, _ = sqlDB.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)")
			return
		case <-tick.C:
			_, _ = sqlDB.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}
