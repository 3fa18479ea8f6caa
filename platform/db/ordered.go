package db

import (
	"context"
	"database/sql"
	"fmt"
)

// OrderIDs makes the ids that tx takes for table commit in the order they
// were taken, so that a reader following the table by "id > the last id
// seen" never skips a row: without it, on PostgreSQL, a transaction that
// took id 10 may commit after one that took id 11, and a reader that saw 11
// would never ask for 10. Call it first in every transaction inserting into
// table. On PostgreSQL it takes a transaction-scoped advisory lock for the
// schema and table, held until commit, so inserts into table run one
// transaction at a time; SQLite already writes one transaction at a time.
func (db *DB) OrderIDs(ctx context.Context, tx *sql.Tx, table string) error {
	if db.Dialect != Postgres {
		return nil
	}
	// Two int4 keys: one for what the lock is for, one for where it applies
	// (services sharing a database have a schema each).
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('ntm-ordered-ids'), hashtext(current_schema() || '.' || $1))`, table); err != nil {
		return fmt.Errorf("db: order the ids of %s: %w", table, err)
	}
	return nil
}
