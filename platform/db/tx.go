package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ntmsuite/ntm/platform/fault"
)

// txConns holds the connection of each transaction InTx has open on
// PostgreSQL, which CopyRows writes through.
var txConns sync.Map // *sql.Tx → *sql.Conn

// InTx runs fn in a transaction: committed if fn returns nil, rolled back if
// it returns an error or panics (the panic then carries on). fn's error is
// returned unwrapped so callers can still match it.
func (db *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	begin := db.BeginTx
	if db.Dialect == Postgres {
		// On a connection held for the transaction, which CopyRows writes
		// through.
		conn, err := db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("db: begin: %w", err)
		}
		defer conn.Close()
		begin = func(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
			tx, err := conn.BeginTx(ctx, opts)
			if err == nil {
				txConns.Store(tx, conn)
			}
			return tx, err
		}
	}
	tx, err := begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	defer txConns.Delete(tx)
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
		return concurrencyConflict(err)
	}
	finished = true
	if err := tx.Commit(); err != nil {
		return concurrencyConflict(fmt.Errorf("db: commit: %w", err))
	}
	return nil
}

// PostgreSQL's answers when concurrent transactions got in each other's
// way: a deadlock it broke, or a serialisation it could not keep.
const (
	pgDeadlockDetected     = "40P01"
	pgSerializationFailure = "40001"
)

// concurrencyConflict turns a transaction PostgreSQL aborted for a
// concurrent one into a Conflict fault (ABORTED, 409): nothing was
// written and the same request may simply be sent again, which a client
// can only know if it is not told "internal error". Other errors pass
// unchanged.
func concurrencyConflict(err error) error {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	if !ok || pgErr.Code != pgDeadlockDetected && pgErr.Code != pgSerializationFailure {
		return err
	}
	// The fault is what the client is told; the rest is for the log.
	return fmt.Errorf("%w (%v)", fault.Conflict("a concurrent change got in the way and nothing was written: send the request again"), err)
}
