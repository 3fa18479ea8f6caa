package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// InTx runs fn in a transaction: committed if fn returns nil, rolled back if
// it returns an error or panics (the panic then carries on). fn's error is
// returned unwrapped so callers can still match it.
func (db *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	finished := false
	defer func() {
		// Reached without finishing on a panic or runtime.Goexit (t.FailNow
		// inside fn): roll back so the connection goes back to the pool
		// clean and, on SQLite, the write lock is released.
		if !finished {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		finished = true
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("db: rollback: %w", rbErr))
		}
		return err
	}
	finished = true
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}
