package db

import (
	"context"
	"io/fs"
	"log/slog"
)

// Choice is how a service's flags name its database: PostgreSQL when
// PostgresURL is set, else the SQLite file, with the service's migrations
// for each engine.
type Choice struct {
	// SQLitePath is the database file used when PostgresURL is empty.
	SQLitePath string
	// PostgresURL selects PostgreSQL; PostgresSchema (optional) isolates the
	// service's tables when services share one database. The schema is
	// ignored on SQLite, so a command may give its default schema either way.
	PostgresURL    string
	PostgresSchema string
	// SQLiteMigrations and PostgresMigrations are the service's goose
	// migrations for each engine; only the chosen one is applied.
	SQLiteMigrations   fs.FS
	PostgresMigrations fs.FS
	Logger             *slog.Logger // optional
}

// OpenEither opens (and migrates) the database c chooses, as Open does.
func OpenEither(ctx context.Context, c Choice) (*DB, error) {
	o := Options{Dialect: SQLite, DSN: c.SQLitePath, Migrations: c.SQLiteMigrations, Logger: c.Logger}
	if c.PostgresURL != "" {
		o = Options{Dialect: Postgres, DSN: c.PostgresURL, Schema: c.PostgresSchema, Migrations: c.PostgresMigrations, Logger: c.Logger}
	}
	return Open(ctx, o)
}
