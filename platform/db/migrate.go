package db

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed platformsql/sqlite/*.sql platformsql/postgres/*.sql
var platformFiles embed.FS

// PlatformMigrations are the tables every service's database has besides its
// own, such as the audit trail; Open applies them after the service's, with
// their own version table so the two numberings never meet.
func PlatformMigrations(d Dialect) fs.FS {
	root, err := fs.Sub(platformFiles, "platformsql")
	if err != nil {
		panic(err) // embedded at build time
	}
	sqlite, postgres := MigrationDirs(root)
	if d == Postgres {
		return postgres
	}
	return sqlite
}

// platformVersionTable is goose's version table for PlatformMigrations.
const platformVersionTable = "goose_platform_version"

// migrate applies every pending migration of the service's fsys, then of
// the platform's.
func migrate(ctx context.Context, d *DB, fsys fs.FS, schema string, logger *slog.Logger) error {
	if err := migrateDir(ctx, d, fsys, schema, "", logger); err != nil {
		return err
	}
	return migrateDir(ctx, d, PlatformMigrations(d.Dialect), schema, platformVersionTable, logger)
}

// migrateDir applies fsys's pending migrations, tracked in goose's version
// table table (its default when empty).
func migrateDir(ctx context.Context, d *DB, fsys fs.FS, schema, table string, logger *slog.Logger) error {
	opts := []goose.ProviderOption{
		// Only the service's own SQL files count, never Go migrations some
		// linked package registered globally.
		goose.WithDisableGlobalRegistry(true),
		// Goose's default logger prints to stdout; results are logged below.
		goose.WithSlog(slog.New(slog.DiscardHandler)),
	}
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
		// Replicas of a service start together; the advisory lock makes one
		// migrate while the others wait, then find nothing pending.
		locker, err := lock.NewPostgresSessionLocker(
			lock.WithLockID(migrationLockID(schema)),
			// Poll every second (default 5 s) for up to 5 minutes, so a
			// waiting replica starts soon after the winner finishes.
			lock.WithLockTimeout(1, 300),
		)
		if err != nil {
			return fmt.Errorf("db: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	if table != "" {
		opts = append(opts, goose.WithTableName(table))
	}
	provider, err := goose.NewProvider(dialect, d.DB, fsys, opts...)
	if err != nil {
		return fmt.Errorf("db: load migrations: %w", err)
	}
	results, err := provider.Up(ctx)
	for _, r := range results {
		if r.Error == nil {
			logger.Info("migration applied", "dialect", d.Dialect, "schema", schema,
				"file", r.Source.Path, "duration", r.Duration)
		}
	}
	if err != nil {
		return fmt.Errorf("db: migrate %s: %w", d.Dialect, err)
	}
	version, err := provider.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("db: read schema version: %w", err)
	}
	logger.Debug("database ready", "dialect", d.Dialect, "schema", schema, "version", version)
	return nil
}

// migrationLockID is the advisory lock key for migrating schema. Advisory
// locks are per database, and services sharing a database each have their
// own schema: a key per schema keeps one service's migration from holding
// up another's start.
func migrationLockID(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("ntm-migrate\x00" + schema))
	return int64(h.Sum64())
}

// MigrationDirs splits a service's embedded migrations into the directory of
// each dialect, sqlite/ and postgres/ (goose runs one directory).
func MigrationDirs(files fs.FS) (sqlite, postgres fs.FS) {
	sub := func(dir string) fs.FS {
		f, err := fs.Sub(files, dir)
		if err != nil {
			panic(err) // the directories are embedded at build time
		}
		return f
	}
	return sub("sqlite"), sub("postgres")
}
