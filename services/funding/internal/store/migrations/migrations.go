// Package migrations holds the funding service's schema, one goose directory per dialect.
package migrations

import (
	"embed"

	"github.com/ntmsuite/ntm/platform/db"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// SQLite and Postgres are the migration directories for each dialect.
var SQLite, Postgres = db.MigrationDirs(files)
