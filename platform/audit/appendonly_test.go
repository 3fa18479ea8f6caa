package audit_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/db"
)

// The trail is append-only for the role the service runs as, which in the
// simple deployments also owns the table: updating, deleting and (on
// PostgreSQL) truncating it fail, and every row stays as written.
func TestTrailIsAppendOnly(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := asCaller(t.Context(), "alice")
		record(t, ctx, d, audit.Change{Resource: "plans/1", Unit: "06005", After: map[string]int{"amount": 1}},
			audit.Change{Resource: "plans/2", Unit: "06005", After: map[string]int{"amount": 2}})
		before := listAll(t, d)

		statements := []string{
			"UPDATE audit_events SET actor = 'mallory'",
			"UPDATE audit_events SET request_id = 'forged' WHERE resource = 'plans/1'",
			"DELETE FROM audit_events WHERE resource = 'plans/2'",
			"DELETE FROM audit_events",
		}
		if d.Dialect == db.Postgres {
			statements = append(statements, "TRUNCATE audit_events", "TRUNCATE audit_events RESTART IDENTITY CASCADE")
		}
		for _, stmt := range statements {
			_, err := d.ExecContext(t.Context(), stmt)
			if err == nil {
				t.Errorf("%s succeeded, want it refused", stmt)
				continue
			}
			if pgErr, ok := errors.AsType[*pgconn.PgError](err); d.Dialect == db.Postgres && (!ok || pgErr.Code != "42501") {
				t.Errorf("%s: %v, want SQLSTATE 42501 (insufficient_privilege)", stmt, err)
			}
		}
		if after := listAll(t, d); !slices.Equal(after, before) {
			t.Errorf("trail after refused statements:\n%+v\nwant\n%+v", after, before)
		}

		// Appending still works.
		record(t, ctx, d, audit.Change{Resource: "plans/3", Unit: "06005", After: map[string]int{"amount": 3}})
		if n := countEvents(t, d); n != 3 {
			t.Errorf("%d events after appending one more, want 3", n)
		}
	})
}
