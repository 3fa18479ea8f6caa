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

// ReadAfter reads every row of query with an id above after, in id order,
// page rows at a time: what a follower of a table whose ids commit in
// order (OrderIDs) reads to catch up. query takes the id to read after as
// $1 and the page size as $2 and orders by id; scan reads one row and
// returns it with its id.
func ReadAfter[T any](ctx context.Context, db *DB, after int64, page int, query string, scan func(*sql.Rows) (T, int64, error)) ([]T, error) {
	var out []T
	for {
		n := len(out)
		rows, err := db.QueryContext(ctx, query, after, page)
		err = EachRow(rows, err, func(rows *sql.Rows) error {
			row, id, err := scan(rows)
			out, after = append(out, row), id
			return err
		})
		if err != nil {
			return nil, err
		}
		if len(out)-n < page {
			return out, nil
		}
	}
}
