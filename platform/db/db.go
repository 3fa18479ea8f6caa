// Package db opens the database a service owns, brings its schema up to date
// with the service's embedded goose migrations and offers a transaction
// helper, row scanning and chunked IN-list queries. Services run on SQLite
// (one small office, one file) or PostgreSQL (shared deployments, one schema
// per service); both go through database/sql so stores are written once.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Dialect names the database engine behind a DB.
type Dialect string

const (
	// SQLite is modernc.org/sqlite, pure Go, so services build without cgo.
	SQLite Dialect = "sqlite"
	// Postgres is PostgreSQL through pgx.
	Postgres Dialect = "postgres"
)

// Options says which database to open and how to migrate it.
type Options struct {
	Dialect Dialect
	// SQLite: path of the database file (parent dir created if missing).
	// PostgreSQL: connection URL.
	DSN string
	// PostgreSQL only: schema to create if missing and use through
	// search_path, so that several services can share one database with one
	// schema each (the goose version table lives there too). Empty = default
	// search_path.
	Schema string
	// Goose SQL migrations (*.sql at the FS root) for this dialect.
	Migrations fs.FS
	Logger     *slog.Logger // optional
}

// DB is a migrated database. The embedded *sql.DB is ready for queries.
type DB struct {
	*sql.DB
	Dialect Dialect

	// pool backs the *sql.DB on PostgreSQL; closing the *sql.DB alone does
	// not close it, so Close does.
	pool *pgxpool.Pool
	// identity is Identity's answer, read once at Open.
	identity string
	// stopBackground ends the SQLite WAL checkpointer (nil on PostgreSQL).
	stopBackground func()
}

// Open opens the database, checks it answers and applies pending migrations.
// On error nothing is left open.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Migrations == nil {
		// A service that owns a database owns its schema; opening one
		// without migrations is a wiring mistake, not a valid state.
		return nil, errors.New("db: Options.Migrations is required")
	}
	if o.DSN == "" {
		return nil, errors.New("db: Options.DSN is required")
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	var (
		d   *DB
		err error
	)
	switch o.Dialect {
	case SQLite:
		if o.Schema != "" {
			return nil, errors.New("db: Options.Schema is PostgreSQL only")
		}
		d, err = openSQLite(o.DSN)
	case Postgres:
		d, err = openPostgres(ctx, o.DSN, o.Schema)
	default:
		return nil, fmt.Errorf("db: unknown dialect %q", o.Dialect)
	}
	if err != nil {
		return nil, err
	}
	if err := d.PingContext(ctx); err != nil {
		_ = d.Close()
		return nil, fmt.Errorf("db: ping %s: %w", o.Dialect, err)
	}
	if o.Dialect == Postgres && o.Schema != "" {
		if err := createSchema(ctx, d.DB, o.Schema); err != nil {
			_ = d.Close()
			return nil, err
		}
	}
	if err := migrate(ctx, d, o.Migrations, o.Schema, logger); err != nil {
		_ = d.Close()
		return nil, err
	}
	if d.identity, err = identity(ctx, d); err != nil {
		_ = d.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the database and, on PostgreSQL, the connection pool behind it.
func (db *DB) Close() error {
	if db.stopBackground != nil {
		db.stopBackground()
	}
	err := db.DB.Close()
	if db.pool != nil {
		db.pool.Close()
	}
	return err
}
