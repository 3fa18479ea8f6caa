package audit_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
)

// serviceMigrations stand for a service's own (dbtest.StandIn).
var serviceMigrations = dbtest.StandIn("audit_test")

// eachDialect runs test on a fresh database of each dialect with serviceMigrations.
func eachDialect(t *testing.T, test func(t *testing.T, d *db.DB)) {
	t.Helper()
	dbtest.EachDialect(t, serviceMigrations, test)
}

// record writes changes to the trail of d in a transaction of its own.
func record(t *testing.T, ctx context.Context, d *db.DB, changes ...audit.Change) {
	t.Helper()
	if err := d.InTx(ctx, func(tx *sql.Tx) error { return audit.Record(ctx, tx, changes...) }); err != nil {
		t.Fatalf("record %d changes: %v", len(changes), err)
	}
}

// listAll is every event of d, oldest first.
func listAll(t *testing.T, d *db.DB) []audit.Event {
	t.Helper()
	events, err := audit.List(t.Context(), d, audit.Filter{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	return events
}

// countEvents counts the rows of audit_events directly.
func countEvents(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(t.Context(), "SELECT count(*) FROM audit_events").Scan(&n); err != nil {
		t.Fatalf("count audit events: %v", err)
	}
	return n
}

// setAt moves event id to instant at, in the column's form of the dialect:
// a timestamptz on PostgreSQL, RFC 3339 UTC text with milliseconds on SQLite.
// The trail is append-only, so the update lifts the guard for its own
// transaction, as only the database's owner can.
func setAt(t *testing.T, d *db.DB, id int64, at time.Time) {
	t.Helper()
	var v any = at
	if d.Dialect == db.SQLite {
		v = at.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	ctx := t.Context()
	err := d.InTx(ctx, func(tx *sql.Tx) error {
		restore, err := liftAppendOnly(ctx, d.Dialect, tx)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE audit_events SET at = $1 WHERE id = $2", v, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("%d rows, %v", n, err)
		}
		return restore()
	})
	if err != nil {
		t.Fatalf("set at of event %d: %v", id, err)
	}
}

// liftAppendOnly disables the triggers that refuse updates of the trail
// within tx, and returns what puts them back. PostgreSQL skips ordinary
// triggers for a session in replica mode (a superuser's setting, which
// the tests have); SQLite can only drop them and create them again.
func liftAppendOnly(ctx context.Context, dialect db.Dialect, tx *sql.Tx) (restore func() error, err error) {
	if dialect == db.Postgres {
		_, err := tx.ExecContext(ctx, "SET LOCAL session_replication_role = replica")
		return func() error { return nil }, err
	}
	rows, err := tx.QueryContext(ctx, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
	triggers, err := db.ScanAll(rows, err, func(sc db.Scanner) ([2]string, error) {
		var nameSQL [2]string
		return nameSQL, sc.Scan(&nameSQL[0], &nameSQL[1])
	})
	if err != nil {
		return nil, err
	}
	for _, tr := range triggers {
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER "`+tr[0]+`"`); err != nil {
			return nil, err
		}
	}
	return func() error {
		for _, tr := range triggers {
			if _, err := tx.ExecContext(ctx, tr[1]); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// instant parses an RFC 3339 instant.
func instant(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// ids are the ids of events.
func ids(events []audit.Event) []int64 {
	out := make([]int64, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

// methodStream is the transport stream of a gRPC call to method, so that
// grpc.Method(ctx) answers as inside a handler.
type methodStream struct{ method string }

func (s methodStream) Method() string               { return s.method }
func (s methodStream) SetHeader(metadata.MD) error  { return nil }
func (s methodStream) SendHeader(metadata.MD) error { return nil }
func (s methodStream) SetTrailer(metadata.MD) error { return nil }
func (s methodStream) String() string               { return fmt.Sprintf("stream of %s", s.method) }
func inCall(ctx context.Context, method string) context.Context {
	return grpc.NewContextWithServerTransportStream(ctx, methodStream{method})
}

// asCaller is ctx with a province officer named subject as the caller.
func asCaller(ctx context.Context, subject string) context.Context {
	return auth.NewContext(ctx, auth.Identity{Subject: subject, Role: auth.ProvinceOfficer, Unit: "19"})
}
