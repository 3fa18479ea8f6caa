package report_test

import (
	"context"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpctest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/criteria"
	"github.com/ntmsuite/ntm/services/funding"
	"github.com/ntmsuite/ntm/services/ocop"
	"github.com/ntmsuite/ntm/services/registry"
	"github.com/ntmsuite/ntm/services/report"
)

// storage is where the four services the report reads keep their data.
type storage struct {
	name string
	// at gives a service's database: a SQLite file, or a PostgreSQL URL and
	// the service's schema in it.
	at func(t *testing.T) func(service string) (sqlite, postgres, schema string)
}

// storages are SQLite files, and one PostgreSQL database with a schema per
// service as `ntm up --postgres-url` keeps them.
var storages = []storage{
	{"sqlite", func(t *testing.T) func(string) (string, string, string) {
		dir := t.TempDir()
		return func(service string) (string, string, string) { return filepath.Join(dir, service+".db"), "", "" }
	}},
	{"postgres", func(t *testing.T) func(string) (string, string, string) {
		// Each service migrates its own schema when it opens; the database
		// itself holds nothing else.
		url := dbtest.PostgresDatabase(t, nothing)
		return func(service string) (string, string, string) { return "", url, service }
	}},
}

// nothing is a migration that makes nothing: the template of an empty database.
var nothing = fstest.MapFS{"00001_nothing.sql": {Data: []byte("-- +goose Up\nSELECT 1;\n")}}

// env is the registry, criteria, OCOP and funding services and the report
// service reading them, all in process and talking gRPC with the real
// interceptors (tokens verified with keys), as in production.
type env struct {
	keys     *auth.KeySet
	registry registryv1.RegistryServiceClient
	criteria criteriav1.CriteriaServiceClient
	ocop     ocopv1.OcopServiceClient
	funding  fundingv1.FundingServiceClient
	report   reportv1.ReportServiceClient
}

func start(t *testing.T, s storage) *env {
	t.Helper()
	ctx, where := context.Background(), s.at(t)
	keys := grpctest.Keys(t)
	c := cache.NewMemory()
	logger := grpctest.Logger()
	opened := func(svc interface{ Close() error }, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		// Registered before Dial's cleanup, so it runs after it.
		t.Cleanup(func() { _ = svc.Close() })
	}

	// The registry checks recognitions with the criteria service, which
	// reads the registry: the registry gets a connection bound late.
	var toCriteria grpctest.Late
	sqlite, pg, schema := where("registry")
	reg, err := registry.Open(ctx, registry.Config{SQLitePath: sqlite, PostgresURL: pg, PostgresSchema: schema,
		Cache: c, Logger: logger, AuthKeys: keys, Criteria: &toCriteria})
	opened(reg, err)
	regConn := grpctest.Dial(t, reg.Server())

	sqlite, pg, schema = where("criteria")
	crit, err := criteria.Open(ctx, criteria.Config{SQLitePath: sqlite, PostgresURL: pg, PostgresSchema: schema,
		Registry: regConn, Cache: c, Logger: logger, AuthKeys: keys})
	opened(crit, err)
	critConn := grpctest.Dial(t, crit.Server())
	toCriteria.Set(critConn)

	sqlite, pg, schema = where("ocop")
	oc, err := ocop.Open(ctx, ocop.Config{SQLitePath: sqlite, PostgresURL: pg, PostgresSchema: schema,
		Registry: regConn, Cache: c, Logger: logger, AuthKeys: keys})
	opened(oc, err)
	ocConn := grpctest.Dial(t, oc.Server())

	sqlite, pg, schema = where("funding")
	fu, err := funding.Open(ctx, funding.Config{SQLitePath: sqlite, PostgresURL: pg, PostgresSchema: schema,
		Registry: regConn, Cache: c, Logger: logger, AuthKeys: keys})
	opened(fu, err)
	fuConn := grpctest.Dial(t, fu.Server())

	rep, err := report.Open(ctx, report.Config{Registry: regConn, Criteria: critConn, Ocop: ocConn, Funding: fuConn, Logger: logger, AuthKeys: keys})
	opened(rep, err)
	return &env{keys: keys,
		registry: registryv1.NewRegistryServiceClient(regConn), criteria: criteriav1.NewCriteriaServiceClient(critConn),
		ocop: ocopv1.NewOcopServiceClient(ocConn), funding: fundingv1.NewFundingServiceClient(fuConn),
		report: reportv1.NewReportServiceClient(grpctest.Dial(t, rep.Server())),
	}
}

// as is a context calling as id.
func (e *env) as(t *testing.T, id auth.Identity) context.Context {
	t.Helper()
	return grpctest.WithToken(t, context.Background(), e.keys, id)
}

// each runs test on every storage.
func each(t *testing.T, test func(t *testing.T, e *env)) {
	for _, s := range storages {
		t.Run(s.name, func(t *testing.T) { test(t, start(t, s)) })
	}
}

// ok takes a call's answer, ok(call())(t, "what it does"): the answer,
// or t fails saying what was being done.
func ok[T any](v T, err error) func(t *testing.T, what string) T {
	return func(t *testing.T, what string) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}
