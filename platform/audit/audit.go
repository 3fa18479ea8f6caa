// Package audit is the trail of who changed what: every service records
// each accepted write in its audit_events table (see db.PlatformMigrations)
// inside the write's own transaction, and serves the trail to admins.
package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/grpcserver"
)

// Anonymous is the actor of a write made while authentication is off.
const Anonymous = "anonymous"

// Change is one resource a write created or changed.
type Change struct {
	// Resource names it as the API does: "plans/12", "units/06005".
	Resource string
	// Unit is the unit the resource belongs to.
	Unit string
	// Before and After are what it was and became, marshalled as JSON
	// unless already JSON; Before is nil for a creation.
	Before, After any
}

// JSON is a value already marshalled as compact JSON (json.Marshal's
// output, or pieces of it put together), which Record writes as it is:
// an import's thousands of entries are not marshalled a second time.
type JSON string

// Record writes changes to the trail inside tx, stamped with the caller of
// ctx: its identity, the request id the server minted, the request id the
// caller sent (if any) and the gRPC method. It belongs in the same
// transaction as the write, so that the trail holds a row exactly for each
// write that stands.
func Record(ctx context.Context, tx *sql.Tx, changes ...Change) error {
	id, ok := auth.FromContext(ctx)
	if !ok {
		id = auth.Identity{Subject: Anonymous}
	}
	if len(changes) == 0 {
		return nil
	}
	method, _ := grpc.Method(ctx)
	requestID, clientRequestID := grpcserver.RequestIDFromContext(ctx), grpcserver.ClientRequestIDFromContext(ctx)
	// One COPY, or few statements, for many rows: an import writes
	// thousands. Each row's JSON is made as the copy takes it in, so that
	// encoding overlaps the database's writing.
	var unencodable error
	err := db.CopyRows(ctx, tx, "audit_events", auditColumns, len(changes), func(i int) ([]any, error) {
		c := changes[i]
		before, err := jsonText(c.Before)
		if err == nil {
			var after string
			if after, err = jsonText(c.After); err == nil {
				return []any{id.Subject, string(id.Role), id.Unit, requestID, clientRequestID, method,
					c.Resource, c.Unit, before, after}, nil
			}
		}
		unencodable = fmt.Errorf("audit %s: %w", c.Resource, err)
		return nil, unencodable
	})
	switch {
	case unencodable != nil:
		return unencodable
	case err != nil:
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

var auditColumns = []string{"actor", "actor_role", "actor_unit", "request_id", "client_request_id", "method", "resource", "unit_code", "before_json", "after_json"}

// jsonText is v as JSON, or "" for nil (nothing before a creation).
func jsonText(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case JSON:
		return string(v), nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// Event is one row of the trail.
type Event struct {
	ID        int64
	At        time.Time
	Actor     string
	ActorRole string
	ActorUnit string
	RequestID string
	// ClientRequestID is the id the caller sent: for REST calls the
	// gateway's, which the gateway answered as X-Request-Id.
	ClientRequestID string
	Method          string
	Resource        string
	Unit            string
	Before          string
	After           string
}
