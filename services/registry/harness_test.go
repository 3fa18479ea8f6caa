package registry_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpctest"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
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

// backend opens the registry's database on one engine.
type backend struct {
	name   string
	config func(t *testing.T) registry.Config
}

var backends = []backend{
	{"sqlite", func(t *testing.T) registry.Config {
		return registry.Config{SQLitePath: filepath.Join(t.TempDir(), "registry.db")}
	}},
	{"postgres", func(t *testing.T) registry.Config {
		return registry.Config{PostgresURL: dbtest.PostgresDatabase(t, migrations.Postgres)}
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

// env is a registry that checks tokens, seeded by an admin with two
// provinces: 19 > district 170 > communes 100 and 101, and 20 > district
// 270 > commune 200.
type env struct {
	reg   registryv1.RegistryServiceClient
	audit auditv1.AuditServiceClient
	// calls holds a context carrying a token of each of roles, by subject.
	calls map[string]context.Context
}

// seeded is how many units, and so rows of the audit trail, the seed writes.
const seeded = 7

func start(t *testing.T, b backend) *env {
	t.Helper()
	cfg := b.config(t)
	cfg.Logger = grpctest.Logger()
	cfg.AuthKeys = grpctest.Keys(t)
	svc, err := registry.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open registry: %v", err)
	}
	// Registered before Dial's cleanup, so it runs after the server stops.
	t.Cleanup(func() { _ = svc.Close() })
	conn := grpctest.Dial(t, svc.Server())
	e := &env{reg: registryv1.NewRegistryServiceClient(conn), audit: auditv1.NewAuditServiceClient(conn), calls: map[string]context.Context{}}
	for _, id := range roles {
		e.calls[id.Subject] = grpctest.WithToken(t, context.Background(), cfg.AuthKeys, id)
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
	return e
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

// recognise records a standard recognition of code.
func (e *env) recognise(ctx context.Context, code string) (*registryv1.Recognition, error) {
	return e.reg.CreateRecognition(ctx, &registryv1.CreateRecognitionRequest{UnitCode: code, Recognition: &registryv1.Recognition{
		Level: registryv1.RecognitionLevel_STANDARD, DecisionNumber: "2345/QĐ-UBND", EffectiveDate: "2019-12-20",
		CriteriaSet: "NTM_COMMUNE_2016_2020", Year: 2019}})
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
