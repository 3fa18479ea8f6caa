package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// pgUniqueViolation is SQLSTATE unique_violation; PostgreSQL reports primary
// key conflicts with it too.
const pgUniqueViolation = "23505"

// IsUniqueViolation reports whether err comes from inserting or updating a
// row whose unique or primary key is already taken, on either dialect. Stores
// use it to turn the conflict into an "already exists" error.
func IsUniqueViolation(err error) bool {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pgErr.Code == pgUniqueViolation
	}
	if sqliteErr, ok := errors.AsType[*sqlite.Error](err); ok {
		switch sqliteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return true
		}
	}
	return false
}

// IsUnavailable reports whether err means the database could not be reached
// or dropped the connection: it is down, restarting, refusing connections,
// or the network between failed. Such a failure is the database's, not the
// request's, and passes when it is back, so the status mapping answers it
// as UNAVAILABLE (503, send again) rather than INTERNAL; every store gets
// that from this one place. SQLite's "database is locked" is not among
// them: the file is there, a writer held it too long.
func IsUnavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false // the caller gave up (or its deadline passed), not the database
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true // refused, unknown host, or a server not accepting connections
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"): // connection_exception
			return true
		case pgErr.Code == pgAdminShutdown, pgErr.Code == pgCrashShutdown, pgErr.Code == pgCannotConnectNow:
			return true
		}
		return false // the server answered: the statement's own error
	}
	var netErr net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.As(err, &netErr) || pgconn.SafeToRetry(err)
}

// SQLSTATEs of a backend going away: its server shutting down (a restart),
// crashing, or still starting up.
const (
	pgAdminShutdown    = "57P01"
	pgCrashShutdown    = "57P02"
	pgCannotConnectNow = "57P03"
)
