package server_test

import (
	"context"
	"slices"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/restheader"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria"
	"github.com/ntmsuite/ntm/services/criteria/internal/store/migrations"
)

// onBothDatabases runs test against a criteria service with keys on SQLite
// and on PostgreSQL, each with the seeded registry of the test map.
func onBothDatabases(t *testing.T, test func(t *testing.T, e *authEnv)) {
	t.Run("SQLite", func(t *testing.T) { test(t, newSQLiteAuthEnv(t)) })
	t.Run("PostgreSQL", func(t *testing.T) {
		test(t, newAuthEnv(t, cache.NewMemory(), criteria.Config{PostgresURL: dbtest.PostgresDatabase(t, migrations.Postgres)}))
	})
}

// answered is a create's answer: whether it asked the gateway for 201
// Created (a retry is a plain 200).
type answered struct {
	header metadata.MD
}

func (a *answered) option() grpc.CallOption { return grpc.Header(&a.header) }

func (a *answered) created() bool {
	return slices.Equal(a.header.Get(restheader.HTTPCode), []string{"201"})
}

// wantAlreadyExists fails t unless err is ALREADY_EXISTS whose
// google.rpc.ResourceInfo names resource.
func wantAlreadyExists(t *testing.T, err error, resource string) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.AlreadyExists {
		t.Fatalf("code = %v (%v), want AlreadyExists", st.Code(), err)
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ResourceInfo); ok && info.GetResourceName() == resource {
			return
		}
	}
	t.Fatalf("%v: no ResourceInfo naming %s in %v", err, resource, st.Details())
}

// trail is the resources of the criteria service's audit events, oldest first.
func (a *authEnv) trail(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, ev := range listEvents(t, a.env, a.as(t, admin), &auditv1.ListAuditEventsRequest{}) {
		out = append(out, ev.GetResource())
	}
	return out
}

// registrations are the names of the registrations of year under parent
// on asOf, over every page.
func (a *authEnv) registrations(t *testing.T, parent string, year int32, asOf string) []string {
	t.Helper()
	resp, err := a.crit.ListRegistrations(a.as(t, admin), &criteriav1.ListRegistrationsRequest{Parent: parent, Year: year, AsOf: asOf})
	if err != nil {
		t.Fatalf("list registrations of %d under %q on %q: %v", year, parent, asOf, err)
	}
	if resp.GetNextPageToken() != "" {
		t.Fatalf("registrations of %d under %q take more than a page", year, parent)
	}
	var out []string
	for _, r := range resp.GetRegistrations() {
		out = append(out, r.GetUnitCode()+" "+r.GetLevel().String())
	}
	return out
}

// call is a context for the admin of a.
func (a *authEnv) admin(t *testing.T) context.Context { return a.as(t, admin) }
