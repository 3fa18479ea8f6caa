package db

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Identity names the data of this database, for keys of caches that other
// deployments may share (cache.Namespaced): two databases never have the
// same identity, nor do a database and a restored copy of it, so neither
// reads what the other cached.
//
// It hashes the random id the platform migrations wrote into the database
// (platform_instance) with where the database is, because a copy carries
// the id along:
//   - PostgreSQL: the database's name and oid (a restore, or a clone from a
//     template, makes a new database with a new oid), the schema, and the
//     cluster's system identifier when the role may read it (not every
//     role may; the oid alone tells restores within one cluster apart);
//   - SQLite: the database file's absolute path. A backup copied back over
//     the same file keeps the identity: when restoring in place, change
//     the cache prefix (--cache-prefix) or empty it.
func (d *DB) Identity() string { return d.identity }

// identity computes Identity once the platform migrations have run.
func identity(ctx context.Context, d *DB) (string, error) {
	var parts []string
	var id string
	if err := d.QueryRowContext(ctx, `SELECT instance_id FROM platform_instance`).Scan(&id); err != nil {
		return "", fmt.Errorf("db: instance id: %w", err)
	}
	parts = append(parts, id)
	switch d.Dialect {
	case Postgres:
		var name, oid, schema string
		if err := d.QueryRowContext(ctx, `SELECT current_database(), (SELECT oid::text FROM pg_database WHERE datname = current_database()), current_schema()`).
			Scan(&name, &oid, &schema); err != nil {
			return "", fmt.Errorf("db: database identity: %w", err)
		}
		parts = append(parts, name, oid, schema)
		var system string
		// pg_control_system() needs pg_monitor or superuser by default.
		if err := d.QueryRowContext(ctx, `SELECT system_identifier::text FROM pg_control_system()`).Scan(&system); err == nil {
			parts = append(parts, system)
		}
	default:
		var file string
		if err := d.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
			return "", fmt.Errorf("db: database file: %w", err)
		}
		parts = append(parts, file)
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:8]), nil
}
