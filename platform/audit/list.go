package audit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
)

// Filter selects events; zero fields select everything.
type Filter struct {
	Resource string
	Actor    string
	// From and To are days in Vietnam, both included.
	From, To date.Date
	// After is the last id already served; Limit caps the rows.
	After int64
	Limit int
}

// List returns the events f selects, oldest first (by id).
func List(ctx context.Context, d *db.DB, f Filter) ([]Event, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	add("id > $%d", f.After)
	if f.Resource != "" {
		add("resource = $%d", f.Resource)
	}
	if f.Actor != "" {
		add("actor = $%d", f.Actor)
	}
	if !f.From.IsZero() {
		add("at >= $%d", timeParam(d, f.From.StartInVietnam()))
	}
	if !f.To.IsZero() {
		add("at < $%d", timeParam(d, f.To.AddDays(1).StartInVietnam()))
	}
	query := `SELECT id, at, actor, actor_role, actor_unit, request_id, client_request_id, method, resource, unit_code, before_json, after_json
		FROM audit_events WHERE ` + strings.Join(where, " AND ") + ` ORDER BY id`
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := d.QueryContext(ctx, query, args...)
	return db.ScanAll(rows, err, func(sc db.Scanner) (Event, error) {
		var e Event
		var at db.Timestamp
		err := sc.Scan(&e.ID, &at, &e.Actor, &e.ActorRole, &e.ActorUnit, &e.RequestID, &e.ClientRequestID, &e.Method,
			&e.Resource, &e.Unit, &e.Before, &e.After)
		e.At = at.T
		return e, err
	})
}

// timeParam is t as the dialect's `at` column compares it: a timestamp on
// PostgreSQL, RFC 3339 UTC text with milliseconds on SQLite.
func timeParam(d *db.DB, t time.Time) any {
	if d.Dialect == db.Postgres {
		return t
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
