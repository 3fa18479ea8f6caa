package registry_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpctest"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria"
	"github.com/ntmsuite/ntm/services/registry"
	"github.com/ntmsuite/ntm/services/registry/internal/store/migrations"
)

// The callers of the access tests, one of each role, in the order of the
// columns of TestAccessByRoleActionAndUnit.
var (
	admin           = auth.Identity{Subject: "admin-1", Role: auth.Admin}
	provinceOfficer = auth.Identity{Subject: "officer-19", Role: auth.ProvinceOfficer, Unit: "19"}
	communeOfficer  = auth.Identity{Subject: "officer-100", Role: auth.CommuneOfficer, Unit: "100"}
	viewer          = auth.Identity{Subject: "viewer-19", Role: auth.Viewer, Unit: "19"}
	system          = auth.Identity{Subject: "criteria", Role: auth.System}
	roles           = []auth.Identity{admin, provinceOfficer, communeOfficer, viewer, system}
)

// backend opens the databases of the registry and of the criteria service
// it checks recognitions with, on one engine (on PostgreSQL, one database
// with a schema for the criteria service, as `ntm up` runs them).
type backend struct {
	name   string
	config func(t *testing.T) (registry.Config, criteria.Config)
}

var backends = []backend{
	{"sqlite", func(t *testing.T) (registry.Config, criteria.Config) {
		dir := t.TempDir()
		return registry.Config{SQLitePath: filepath.Join(dir, "registry.db")}, criteria.Config{SQLitePath: filepath.Join(dir, "criteria.db")}
	}},
	{"postgres", func(t *testing.T) (registry.Config, criteria.Config) {
		url := dbtest.PostgresDatabase(t, migrations.Postgres)
		return registry.Config{PostgresURL: url}, criteria.Config{PostgresURL: url, PostgresSchema: "criteria"}
	}},
}

// onBackends runs fn once per engine, in parallel.
func onBackends(t *testing.T, fn func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, b)
		})
	}
}

// env is a registry that checks tokens and the criteria service it checks
// recognitions with (which asks the registry for its units in turn), seeded
// by an admin with two provinces: 19 > district 170 > communes 100 and 101,
// and 20 > district 270 > commune 200; 100 and 200 meet every criterion of
// NTM_COMMUNE_2016_2020 on 2019-11-30, 101 all but 10 and 17.
type env struct {
	reg   registryv1.RegistryServiceClient
	audit auditv1.AuditServiceClient
	crit  criteriav1.CriteriaServiceClient
	// ops follows the registry's operations (file imports).
	ops operationv1.OperationServiceClient
	// cache is the cache the registry bumps on every write.
	cache cache.Cache
	// calls holds a context carrying a token of each of roles, by subject.
	calls map[string]context.Context
}

// seeded is how many units, and so rows of the audit trail, the seed writes.
const seeded = 7

func start(t *testing.T, b backend) *env {
	t.Helper()
	rcfg, ccfg := b.config(t)
	keys, c, checker := grpctest.Keys(t), cache.NewMemory(), &grpctest.Late{}
	rcfg.Logger, rcfg.AuthKeys, rcfg.Cache, rcfg.Criteria = grpctest.Logger(), keys, c, checker
	svc, err := registry.Open(context.Background(), rcfg)
	if err != nil {
		t.Fatalf("open registry: %v", err)
	}
	// Registered before Dial's cleanup, so it runs after the server stops.
	t.Cleanup(func() { _ = svc.Close() })
	conn := grpctest.Dial(t, svc.Server())
	ccfg.Logger, ccfg.AuthKeys, ccfg.Cache, ccfg.Registry = grpctest.Logger(), keys, c, conn
	crit, err := criteria.Open(context.Background(), ccfg)
	if err != nil {
		t.Fatalf("open criteria: %v", err)
	}
	t.Cleanup(func() { _ = crit.Close() })
	critConn := grpctest.Dial(t, crit.Server())
	checker.Set(critConn)
	e := &env{reg: registryv1.NewRegistryServiceClient(conn), audit: auditv1.NewAuditServiceClient(conn),
		crit: criteriav1.NewCriteriaServiceClient(critConn), ops: operationv1.NewOperationServiceClient(conn), cache: c, calls: map[string]context.Context{}}
	for _, id := range roles {
		e.calls[id.Subject] = grpctest.WithToken(t, context.Background(), keys, id)
	}
	rows := []*registryv1.ImportedUnit{
		imported("19", "Tỉnh Thái Nguyên", registryv1.UnitType_PROVINCE, ""),
		imported("170", "Huyện Võ Nhai", registryv1.UnitType_DISTRICT, "19"),
		imported("100", "Xã La Hiên", registryv1.UnitType_COMMUNE, "170"),
		imported("101", "Xã Lâu Thượng", registryv1.UnitType_COMMUNE, "170"),
		imported("20", "Tỉnh Bắc Kạn", registryv1.UnitType_PROVINCE, ""),
		imported("270", "Huyện Pác Nặm", registryv1.UnitType_DISTRICT, "20"),
		imported("200", "Xã Bộc Bố", registryv1.UnitType_COMMUNE, "270"),
	}
	if _, err := e.reg.ImportUnits(e.as(admin), &registryv1.ImportUnitsRequest{Units: rows}); err != nil {
		t.Fatalf("seed: %v", err)
	}
	e.assess(t, "100", commune2016, "2019-11-30")
	e.assess(t, "200", commune2016, "2019-11-30")
	e.assess(t, "101", commune2016, "2019-11-30", "10", "17")
	return e
}

// commune2016 is the commune set of the seed's assessments and recognitions.
const commune2016 = "NTM_COMMUNE_2016_2020"

// assess records, as an admin, an assessment of code under set on day
// meeting every criterion of the set but unmet.
func (e *env) assess(t *testing.T, code, set, day string, unmet ...string) {
	t.Helper()
	s, err := e.crit.GetCriteriaSet(e.as(admin), &criteriav1.GetCriteriaSetRequest{Id: set})
	if err != nil {
		t.Fatalf("criteria set %s: %v", set, err)
	}
	a := &criteriav1.Assessment{UnitCode: code, AssessedOn: day, CriteriaSet: set, Author: "UBND"}
	for _, c := range s.GetCriteria() {
		status := criteriav1.CriterionStatus_MET
		if slices.Contains(unmet, c.GetCode()) {
			status = criteriav1.CriterionStatus_NOT_MET
		}
		a.Verdicts = append(a.Verdicts, &criteriav1.CriterionVerdict{CriterionCode: c.GetCode(), Status: status})
	}
	if _, err := e.crit.CreateAssessment(e.as(admin), &criteriav1.CreateAssessmentRequest{UnitCode: code, Assessment: a}); err != nil {
		t.Fatalf("assess %s on %s: %v", code, day, err)
	}
}

func imported(code, name string, typ registryv1.UnitType, parent string) *registryv1.ImportedUnit {
	return &registryv1.ImportedUnit{ValidFrom: "2008-01-01",
		Unit: &registryv1.UnitSpec{Code: code, DisplayName: name, Type: typ, ParentCode: parent}}
}

// as is a context calling with id's token; id is one of roles.
func (e *env) as(id auth.Identity) context.Context {
	ctx, ok := e.calls[id.Subject]
	if !ok {
		panic("no token for " + id.Subject)
	}
	return ctx
}

// recognise records a standard recognition of code from 2019-12-20.
func (e *env) recognise(ctx context.Context, code string) (*registryv1.Recognition, error) {
	return e.reg.CreateRecognition(ctx, &registryv1.CreateRecognitionRequest{UnitCode: code, Recognition: &registryv1.Recognition{
		Level: registryv1.RecognitionLevel_STANDARD, DecisionNumber: "2345/QĐ-UBND", EffectiveDate: "2019-12-20",
		CriteriaSet: commune2016, Year: 2019}})
}

// revoke revokes recognition id of code from 2023-01-01.
func (e *env) revoke(ctx context.Context, code string, id int64) (*registryv1.Recognition, error) {
	return e.reg.RevokeRecognition(ctx, &registryv1.RevokeRecognitionRequest{UnitCode: code, Id: id,
		RevokedOn: "2023-01-01", RevocationDecision: "99/QĐ-UBND"})
}

// rename renames code from 2021-01-01.
func (e *env) rename(ctx context.Context, code, name string) (*registryv1.UnitChange, error) {
	return e.reg.CreateUnitChange(ctx, &registryv1.CreateUnitChangeRequest{UnitChange: &registryv1.UnitChange{
		DecisionNumber: "15/NQ-HĐND", EffectiveDate: "2021-01-01",
		Kind: &registryv1.UnitChange_Rename{Rename: &registryv1.RenameUnit{Code: code, NewDisplayName: name}}}})
}

// recognitionID is the id in r's name, units/{code}/recognitions/{id}.
func recognitionID(t *testing.T, r *registryv1.Recognition) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(r.GetName(), "units/"+r.GetUnitCode()+"/recognitions/%d", &id); err != nil {
		t.Fatalf("recognition name %q: %v", r.GetName(), err)
	}
	return id
}

// events is the audit trail req selects, every page, read by an admin.
func (e *env) events(t *testing.T, req *auditv1.ListAuditEventsRequest) []*auditv1.AuditEvent {
	t.Helper()
	var out []*auditv1.AuditEvent
	for {
		resp, err := e.audit.ListAuditEvents(e.as(admin), req)
		if err != nil {
			t.Fatalf("ListAuditEvents(%v): %v", req, err)
		}
		out = append(out, resp.GetAuditEvents()...)
		if resp.GetNextPageToken() == "" {
			return out
		}
		req.PageToken = resp.GetNextPageToken()
	}
}
