package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// statementTimeout bounds every statement server-side, so a runaway query
// cannot hold locks and a connection forever even if the caller's context
// carries no deadline.
const statementTimeout = "30s"

func openPostgres(ctx context.Context, dsn, schema string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx masks the password in this error's text.
		return nil, fmt.Errorf("db: parse postgres connection URL: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = statementTimeout
	if schema != "" {
		// Quoted, so a schema name is taken literally (case, punctuation).
		// A search_path naming a schema that does not exist yet is
		// accepted; Open creates the schema before anything uses it.
		cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("db: postgres pool: %w", err)
	}
	return &DB{DB: stdlib.OpenDBFromPool(pool), Dialect: Postgres, pool: pool}, nil
}

// createSchema creates the service's schema if it is missing.
func createSchema(ctx context.Context, db *sql.DB, schema string) error {
	_, err := db.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize())
	// IF NOT EXISTS is not race-free: two processes creating the same schema
	// at once can both pass the check, and the loser gets a unique violation
	// on pg_namespace. The schema exists either way.
	if err != nil && !IsUniqueViolation(err) {
		return fmt.Errorf("db: create schema %q: %w", schema, err)
	}
	return nil
}
