package dbtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"

	"github.com/jackc/pgx/v5"

	"github.com/ntmsuite/ntm/platform/db"
)

// templateLockKey is the pg_advisory_lock key every test process takes
// around creating and cloning templates. CREATE DATABASE ... TEMPLATE fails
// while another session is connected to the template, which it is while
// being migrated, so both steps must be serialised across processes: test
// binaries of different packages run in parallel.
const templateLockKey int64 = 0x6e746d5f74706c // "ntm_tpl"

// templateSalt changes the template names when the way templates are built
// changes, so stale templates from an older dbtest are not reused.
const templateSalt = "dbtest-template-v1"

// templateName names the template for a set of migrations from a hash of
// their file names and contents: same migrations, same template, reused by
// every later test and test binary; any edit gives a new one.
func templateName(migrations fs.FS) (string, error) {
	if migrations == nil {
		return "", errors.New("migrations FS is nil")
	}
	h := sha256.New()
	h.Write([]byte(templateSalt))
	// db.Open applies the platform's tables too: they belong to the hash.
	for _, dir := range []fs.FS{migrations, db.PlatformMigrations(db.Postgres)} {
		if err := hashMigrations(h, dir); err != nil {
			return "", err
		}
	}
	return "ntm_tpl_" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// hashMigrations writes the names and contents of dir's *.sql files to h.
func hashMigrations(h io.Writer, dir fs.FS) error {
	names, err := fs.Glob(dir, "*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		content, err := fs.ReadFile(dir, name)
		if err != nil {
			return fmt.Errorf("read migration %s: %w", name, err)
		}
		// Lengths delimit the fields, so no two file sets hash alike by
		// shifting bytes from one field into the next.
		fmt.Fprintf(h, "\x00%d:%s\x00%d:", len(name), name, len(content))
		h.Write(content)
	}
	return nil
}

// cloneTemplate creates database name from template tpl, building tpl first
// if it does not exist, all under the template advisory lock.
func cloneTemplate(ctx context.Context, admin *pgx.Conn, tpl, name string, migrations fs.FS) (err error) {
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLockKey); err != nil {
		return fmt.Errorf("take template lock: %w", err)
	}
	defer func() {
		// The lock is per session: if unlocking fails, closing the admin
		// connection (withAdmin does) releases it anyway.
		_, unlockErr := admin.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", templateLockKey)
		if err == nil && unlockErr != nil {
			err = fmt.Errorf("release template lock: %w", unlockErr)
		}
	}()

	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", tpl).Scan(&exists); err != nil {
		return fmt.Errorf("look up template %s: %w", tpl, err)
	}
	if !exists {
		if err := buildTemplate(ctx, admin, tpl, migrations); err != nil {
			return err
		}
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{tpl}.Sanitize()); err != nil {
		return fmt.Errorf("create %s from template %s: %w", name, tpl, err)
	}
	return nil
}

// buildTemplate creates and migrates tpl. It migrates under a scratch name
// and renames when done, so a run that dies halfway never leaves a
// half-migrated database under the name later runs would reuse.
func buildTemplate(ctx context.Context, admin *pgx.Conn, tpl string, migrations fs.FS) error {
	scratch := tpl + "_building"
	scratchID := pgx.Identifier{scratch}.Sanitize()
	// Left over by a run that died while building; we hold the lock, so
	// nobody else is using it.
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+scratchID+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop leftover %s: %w", scratch, err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+scratchID); err != nil {
		return fmt.Errorf("create %s: %w", scratch, err)
	}
	dsn, err := PostgresDatabaseURL(scratch)
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, db.Options{Dialect: db.Postgres, DSN: dsn, Migrations: migrations})
	if err != nil {
		return fmt.Errorf("migrate template %s: %w", tpl, err)
	}
	// Cloning needs the template free of sessions: close them all now.
	if err := d.Close(); err != nil {
		return fmt.Errorf("close template %s: %w", tpl, err)
	}
	// Sessions end asynchronously after Close; both statements below wait
	// a few seconds for stragglers to go before giving up.
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+scratchID+" RENAME TO "+pgx.Identifier{tpl}.Sanitize()); err != nil {
		return fmt.Errorf("rename %s to %s: %w", scratch, tpl, err)
	}
	// Nobody may connect to the template by mistake and so break cloning.
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{tpl}.Sanitize()+" WITH ALLOW_CONNECTIONS false"); err != nil {
		return fmt.Errorf("close template %s to connections: %w", tpl, err)
	}
	return nil
}
