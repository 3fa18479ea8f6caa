package server_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpctest"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria"
)

// The callers of the access tests, scoped by the test map (harness_test.go)
// and a second province that authEnv adds:
//
//	20 Tỉnh Bắc Kạn ── 180 Huyện Pác Nặm ── 300 Xã Bộc Bố
var (
	admin           = auth.Identity{Subject: "admin", Role: auth.Admin}
	provinceOfficer = auth.Identity{Subject: "tinh19", Role: auth.ProvinceOfficer, Unit: province}
	communeOfficer  = auth.Identity{Subject: "xa100", Role: auth.CommuneOfficer, Unit: "100"}
	viewer          = auth.Identity{Subject: "viewer", Role: auth.Viewer}
	provinceViewer  = auth.Identity{Subject: "viewer19", Role: auth.Viewer, Unit: province}
	system          = auth.Identity{Subject: "funding", Role: auth.System}
)

const (
	otherProvince = "20"
	otherCommune  = "300"
)

// authEnv is env with a criteria service that verifies bearer tokens.
type authEnv struct {
	*env
	keys *auth.KeySet
}

// newAuthEnv starts the seeded registry, with the second province, and a
// criteria service with keys and cfg (its database), both on cache c.
func newAuthEnv(t *testing.T, c cache.Cache, cfg criteria.Config) *authEnv {
	t.Helper()
	e := startRegistry(t, c)
	if _, err := e.reg.ImportUnits(context.Background(), &registryv1.ImportUnitsRequest{Units: []*registryv1.ImportedUnit{
		unit(otherProvince, "Tỉnh Bắc Kạn", registryv1.UnitType_PROVINCE, "", "TDMNPB", ""),
		unit("180", "Huyện Pác Nặm", registryv1.UnitType_DISTRICT, otherProvince, "TDMNPB", ""),
		unit(otherCommune, "Xã Bộc Bố", registryv1.UnitType_COMMUNE, "180", "TDMNPB", "3"),
	}}); err != nil {
		t.Fatalf("import province %s: %v", otherProvince, err)
	}
	a := &authEnv{env: e, keys: grpctest.Keys(t)}
	cfg.Cache, cfg.AuthKeys = c, a.keys
	e.openCriteria(t, cfg)
	return a
}

func newSQLiteAuthEnv(t *testing.T) *authEnv {
	t.Helper()
	return newAuthEnv(t, cache.NewMemory(), criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "criteria.db")})
}

// as is a context calling with id's token.
func (a *authEnv) as(t *testing.T, id auth.Identity) context.Context {
	return grpctest.WithToken(t, context.Background(), a.keys, id)
}

// createFor records an assessment of unit as the caller of ctx.
func (a *authEnv) createFor(ctx context.Context, unit string) (*criteriav1.Assessment, error) {
	return a.crit.CreateAssessment(ctx, &criteriav1.CreateAssessmentRequest{UnitCode: unit, Assessment: verdicts(unit, "2020-06-01", 10)})
}

// Every role against every kind of call, inside and outside its scope.
func TestAccessByRoleAndUnit(t *testing.T) {
	a := newSQLiteAuthEnv(t)
	// Scores to read, recorded by the admin.
	for _, u := range []string{"100", otherCommune} {
		if _, err := a.createFor(a.as(t, admin), u); err != nil {
			t.Fatalf("admin assesses %s: %v", u, err)
		}
	}
	score := func(unit string) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := a.crit.GetScore(ctx, &criteriav1.GetScoreRequest{UnitCode: unit, AsOf: "2021-01-01", CriteriaSet: set2016})
			return err
		}
	}
	aggregate := func(unit string) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := a.crit.GetAggregate(ctx, &criteriav1.GetAggregateRequest{UnitCode: unit, AsOf: "2021-01-01", CriteriaSet: set2016})
			return err
		}
	}
	create := func(unit string) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := a.createFor(ctx, unit)
			return err
		}
	}
	actions := []struct {
		name string
		call func(context.Context) error
	}{
		{"create for commune 100", create("100")},
		{"create for neighbour 101", create("101")},
		{"create for 300 of another province", create(otherCommune)},
		{"score of commune 100", score("100")},
		{"list assessments of commune 100", func(ctx context.Context) error {
			_, err := a.crit.ListAssessments(ctx, &criteriav1.ListAssessmentsRequest{UnitCode: "100"})
			return err
		}},
		{"aggregate of province 19", aggregate(province)},
		{"aggregate of another province", aggregate(otherProvince)},
		{"score of 300 of another province", score(otherCommune)},
		{"aggregate of the country", aggregate("0")},
		{"list audit events", func(ctx context.Context) error {
			_, err := a.audit.ListAuditEvents(ctx, &auditv1.ListAuditEventsRequest{})
			return err
		}},
	}
	// Each want lists, action by action, ok or the unit the refusal names.
	const ok = ""
	for _, tc := range []struct {
		id   auth.Identity
		want []string
	}{
		{admin, []string{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok}},
		{provinceOfficer, []string{ok, ok, otherCommune, ok, ok, ok, otherProvince, otherCommune, "0", "0"}},
		{communeOfficer, []string{ok, "101", otherCommune, ok, ok, ok, otherProvince, otherCommune, "0", "0"}},
		{viewer, []string{"100", "101", otherCommune, ok, ok, ok, ok, ok, ok, "0"}},
		{provinceViewer, []string{"100", "101", otherCommune, ok, ok, ok, otherProvince, otherCommune, "0", "0"}},
		{system, []string{ok, ok, ok, ok, ok, ok, ok, ok, ok, "0"}},
	} {
		ctx := a.as(t, tc.id)
		for i, action := range actions {
			t.Run(tc.id.Subject+"/"+action.name, func(t *testing.T) {
				err := action.call(ctx)
				if tc.want[i] == ok {
					grpctest.WantCode(t, err, codes.OK)
					return
				}
				grpctest.WantDenied(t, err, "units/"+tc.want[i])
			})
		}
	}
}

// A scoped caller learns nothing of what lies outside its scope: a unit
// that exists and one that never did are refused alike, before anything
// else about the request is looked at.
func TestRefusalRevealsNothing(t *testing.T) {
	a := newSQLiteAuthEnv(t)
	ctx := a.as(t, communeOfficer)
	refusals := func(u string) []string {
		_, err := a.crit.GetScore(ctx, &criteriav1.GetScoreRequest{UnitCode: u})
		score := grpctest.WantDenied(t, err, "units/"+u)
		_, err = a.crit.GetAggregate(ctx, &criteriav1.GetAggregateRequest{UnitCode: u, CriteriaSet: "NO_SUCH_SET"})
		aggregate := grpctest.WantDenied(t, err, "units/"+u)
		_, err = a.crit.CreateAssessment(ctx, &criteriav1.CreateAssessmentRequest{UnitCode: u, Assessment: verdicts(u, "2999-01-01", 3)})
		create := grpctest.WantDenied(t, err, "units/"+u)
		return []string{strings.ReplaceAll(score, u, "<unit>"), strings.ReplaceAll(aggregate, u, "<unit>"), strings.ReplaceAll(create, u, "<unit>")}
	}
	if existing, never := refusals(otherCommune), refusals("999"); !slices.Equal(existing, never) {
		t.Errorf("refusals about an existing unit %q differ from those about none %q", existing, never)
	}
}

// A write refused for its scope leaves neither an assessment nor an entry
// in the trail; so does a batch with a single unit out of scope, wherever
// it stands and whatever else is wrong with the batch.
func TestRefusedWritesLeaveNothing(t *testing.T) {
	a := newSQLiteAuthEnv(t)
	_, err := a.createFor(a.as(t, communeOfficer), "101")
	grpctest.WantDenied(t, err, "units/101")
	_, err = a.createFor(a.as(t, viewer), "100")
	grpctest.WantDenied(t, err, "units/100")
	for _, tc := range []struct {
		id     auth.Identity
		batch  []*criteriav1.Assessment
		denied string
	}{
		{provinceOfficer, []*criteriav1.Assessment{verdicts("100", "2020-06-01", 5), verdicts("101", "2020-06-01", 5), verdicts(otherCommune, "2020-06-01", 5)}, otherCommune},
		{provinceOfficer, []*criteriav1.Assessment{verdicts(otherCommune, "2020-06-01", 5), verdicts("100", "2020-06-01", 5)}, otherCommune},
		// The second row is invalid (a future date): the refusal still comes first.
		{communeOfficer, []*criteriav1.Assessment{verdicts("100", "2020-06-01", 5), verdicts("100", "2999-01-01", 5), verdicts("110", "2020-06-01", 5)}, "110"},
	} {
		_, err := a.crit.BatchCreateAssessments(a.as(t, tc.id), &criteriav1.BatchCreateAssessmentsRequest{Assessments: tc.batch})
		grpctest.WantDenied(t, err, "units/"+tc.denied)
	}
	adminCtx := a.as(t, admin)
	for _, u := range []string{"100", "101", "110", otherCommune} {
		resp, err := a.crit.ListAssessments(adminCtx, &criteriav1.ListAssessmentsRequest{UnitCode: u})
		if err != nil || len(resp.GetAssessments()) != 0 {
			t.Errorf("assessments of %s after refused writes: %v, %v; want none", u, resp.GetAssessments(), err)
		}
	}
	events, err := a.audit.ListAuditEvents(adminCtx, &auditv1.ListAuditEventsRequest{})
	if err != nil || len(events.GetAuditEvents()) != 0 {
		t.Errorf("audit events after refused writes: %v, %v; want none", events.GetAuditEvents(), err)
	}
}
