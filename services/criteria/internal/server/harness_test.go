package server_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpctest"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria"
	"github.com/ntmsuite/ntm/services/criteria/internal/store/migrations"
	"github.com/ntmsuite/ntm/services/registry/registrytest"
)

// The test map (made-up codes), all from 2008-01-01 unless said:
//
//	19 Tỉnh Thái Nguyên
//	├── 170 Huyện Võ Nhai
//	│   ├── 100 Xã La Hiên        (TDMNPB, group 3) ── 1000 Xóm Làng Lai (village)
//	│   ├── 101 Xã Lâu Thượng     (TDMNPB, group 3)
//	│   ├── 102 Xã Phú Thượng     (TDMNPB, group 3) absorbs 103 on 2020-01-01
//	│   ├── 103 Xã Dân Tiến       (TDMNPB, group 3) until 2019-12-31
//	│   ├── 104 Xã Võ Nhai Mới    (TDMNPB, group 3) from 2021-06-01
//	│   └── 200 Phường Đình Cả    (ward)
//	└── 171 Huyện Đồng Hỷ
//	    ├── 110 Xã Hóa Thượng     (TDMNPB, group 2)
//	    └── 111 Xã Minh Lập       (DBSH, group 1)
//
// Recognitions: 100 STANDARD from 2019-12-20, 103 STANDARD from 2019-09-01
// (recognised, then merged away).
const (
	province  = "19"
	district  = "170"
	district2 = "171"
	mergedAt  = "2020-01-01" // 103 merges into 102
	createdAt = "2021-06-01" // 104 is created
	set2016   = "NTM_COMMUNE_2016_2020"
	set2021   = "NTM_COMMUNE_2021_2025"
	set2026   = "NTM_COMMUNE_2026_2030"
	author    = "Văn phòng điều phối NTM tỉnh"
)

// env is a registry and a criteria service talking over bufconn, as in
// production: each calls the other (the registry checks recognitions with
// the criteria service).
type env struct {
	reg  registryv1.RegistryServiceClient
	crit criteriav1.CriteriaServiceClient
	// audit is the criteria service's trail (newEnv sets it).
	audit auditv1.AuditServiceClient
	// ops follows its operations (file imports).
	ops operationv1.OperationServiceClient
	// regConn lets a test start more criteria services on the same registry.
	regConn *grpc.ClientConn
	// checker is the registry's connection to the criteria service: the
	// first one opened on it (see startCriteria).
	checker  *grpctest.Late
	checking bool
	// calls is the context of the harness's own writes to the registry:
	// with a system token once the criteria service checks tokens, for the
	// registry passes its caller's token on.
	calls context.Context
}

// newEnv starts a seeded registry and a criteria service (SQLite) sharing one in-memory cache.
func newEnv(t *testing.T) *env {
	t.Helper()
	c := cache.NewMemory()
	e := startRegistry(t, c)
	e.openCriteria(t, criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "criteria.db"), Cache: c})
	return e
}

// onEachStore runs test on a seeded registry with the config of a
// criteria service on SQLite, then on PostgreSQL, sharing one in-memory
// cache with the registry.
func onEachStore(t *testing.T, test func(t *testing.T, e *env, cfg criteria.Config)) {
	for _, storage := range []struct {
		name string
		cfg  func(t *testing.T) criteria.Config
	}{
		{"sqlite", func(t *testing.T) criteria.Config {
			return criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "criteria.db")}
		}},
		{"postgres", func(t *testing.T) criteria.Config {
			return criteria.Config{PostgresURL: dbtest.PostgresDatabase(t, migrations.Postgres)}
		}},
	} {
		t.Run(storage.name, func(t *testing.T) {
			c := cache.NewMemory()
			e := startRegistry(t, c)
			cfg := storage.cfg(t)
			cfg.Cache = c
			test(t, e, cfg)
		})
	}
}

// openCriteria opens a criteria service with cfg on e's registry and points
// e.crit and e.audit at it.
func (e *env) openCriteria(t *testing.T, cfg criteria.Config) {
	t.Helper()
	conn := e.dialCriteria(t, cfg)
	e.crit, e.audit, e.ops = criteriav1.NewCriteriaServiceClient(conn), auditv1.NewAuditServiceClient(conn), operationv1.NewOperationServiceClient(conn)
}

// startRegistry starts a registry bumping c, seeded with the map; the
// seed's recognitions are recorded when the first criteria service opens.
func startRegistry(t *testing.T, c cache.Cache) *env {
	t.Helper()
	checker := &grpctest.Late{}
	conn := registrytest.StartWith(t, registrytest.Options{Cache: c, Criteria: checker})
	e := &env{reg: registryv1.NewRegistryServiceClient(conn), regConn: conn, checker: checker, calls: context.Background()}
	e.seed(t)
	return e
}

// startCriteria opens a criteria service with cfg on e's registry and dials it.
func (e *env) startCriteria(t *testing.T, cfg criteria.Config) criteriav1.CriteriaServiceClient {
	t.Helper()
	return criteriav1.NewCriteriaServiceClient(e.dialCriteria(t, cfg))
}

// dialCriteria opens a criteria service with cfg on e's registry and
// returns a connection to it. The first one opened is the one the registry
// checks recognitions with, and the seed's recognitions are recorded then.
func (e *env) dialCriteria(t *testing.T, cfg criteria.Config) *grpc.ClientConn {
	t.Helper()
	conn := dialCriteria(t, e.regConn, cfg)
	if !e.checking {
		e.checker.Set(conn)
		e.checking = true
		if cfg.AuthKeys != nil {
			e.calls = grpctest.WithToken(t, context.Background(), cfg.AuthKeys, auth.Identity{Subject: "harness", Role: auth.System})
		}
		e.seedRecognitions(t)
	}
	return conn
}

// dialCriteria opens a criteria service with cfg (Registry is set here) and
// returns a connection to it.
func dialCriteria(t *testing.T, regConn grpc.ClientConnInterface, cfg criteria.Config) *grpc.ClientConn {
	t.Helper()
	cfg.Registry = regConn
	if cfg.Logger == nil {
		cfg.Logger = grpctest.Logger()
	}
	svc, err := criteria.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return grpctest.Dial(t, svc.Server())
}

func unit(code, name string, typ registryv1.UnitType, parent, region, group string) *registryv1.ImportedUnit {
	return &registryv1.ImportedUnit{ValidFrom: "2008-01-01", Unit: &registryv1.UnitSpec{
		Code: code, DisplayName: name, Type: typ, ParentCode: parent, Region: region, CommuneGroup: group}}
}

func (e *env) seed(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	const c = registryv1.UnitType_COMMUNE
	_, err := e.reg.ImportUnits(ctx, &registryv1.ImportUnitsRequest{Units: []*registryv1.ImportedUnit{
		unit(province, "Tỉnh Thái Nguyên", registryv1.UnitType_PROVINCE, "", "TDMNPB", ""),
		unit(district, "Huyện Võ Nhai", registryv1.UnitType_DISTRICT, province, "TDMNPB", ""),
		unit(district2, "Huyện Đồng Hỷ", registryv1.UnitType_DISTRICT, province, "TDMNPB", ""),
		unit("100", "Xã La Hiên", c, district, "TDMNPB", "3"),
		unit("101", "Xã Lâu Thượng", c, district, "TDMNPB", "3"),
		unit("102", "Xã Phú Thượng", c, district, "TDMNPB", "3"),
		unit("103", "Xã Dân Tiến", c, district, "TDMNPB", "3"),
		unit("200", "Phường Đình Cả", registryv1.UnitType_WARD, district, "TDMNPB", ""),
		unit("1000", "Xóm Làng Lai", registryv1.UnitType_VILLAGE, "100", "TDMNPB", ""),
		unit("110", "Xã Hóa Thượng", c, district2, "TDMNPB", "2"),
		unit("111", "Xã Minh Lập", c, district2, "DBSH", "1"),
	}})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	e.change(t, &registryv1.UnitChange{DecisionNumber: "862/NQ-UBTVQH14", EffectiveDate: mergedAt,
		Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{SourceCodes: []string{"102", "103"},
			Target: &registryv1.MergeUnits_AbsorbingCode{AbsorbingCode: "102"}}}})
	if _, err := e.reg.CreateUnit(ctx, &registryv1.CreateUnitRequest{DecisionNumber: "15/NQ-HĐND", ValidFrom: createdAt,
		Unit: &registryv1.UnitSpec{Code: "104", DisplayName: "Xã Võ Nhai Mới", Type: c, ParentCode: district, Region: "TDMNPB", CommuneGroup: "3"}}); err != nil {
		t.Fatalf("create 104: %v", err)
	}
}

// seedRecognitions records the recognitions of the test map (103's before
// its merger, of the unit as it was on the day).
func (e *env) seedRecognitions(t *testing.T) {
	t.Helper()
	e.recognise(t, "100", registryv1.RecognitionLevel_STANDARD, "2019-12-20")
	e.recognise(t, "103", registryv1.RecognitionLevel_STANDARD, "2019-09-01")
}

// recognise records a recognition of code under set2016. The criteria
// service checks it against the unit's assessments: the harness gives an
// override reason, for these tests count recognitions, not check them.
func (e *env) recognise(t *testing.T, code string, level registryv1.RecognitionLevel, on string) {
	t.Helper()
	e.recogniseUnder(t, code, level, on, set2016)
}

// recogniseUnder records a recognition of code under set, as recognise does.
func (e *env) recogniseUnder(t *testing.T, code string, level registryv1.RecognitionLevel, on, set string) {
	t.Helper()
	if _, err := e.reg.CreateRecognition(e.calls, &registryv1.CreateRecognitionRequest{UnitCode: code,
		Recognition: &registryv1.Recognition{Level: level, DecisionNumber: "2345/QĐ-UBND", EffectiveDate: on, CriteriaSet: set,
			OverrideReason: "test data: recognised without the assessments"}}); err != nil {
		t.Fatalf("recognise %s: %v", code, err)
	}
}

func (e *env) change(t *testing.T, c *registryv1.UnitChange) {
	t.Helper()
	if _, err := e.reg.CreateUnitChange(context.Background(), &registryv1.CreateUnitChangeRequest{UnitChange: c}); err != nil {
		t.Fatalf("unit change %s: %v", c.GetDecisionNumber(), err)
	}
}

// verdicts is an assessment of unit on `on` under set2016 meeting criteria
// 1..met; criterion met+1 is "basically met" (not counted), the rest have no
// verdict (not met).
func verdicts(unit, on string, met int) *criteriav1.Assessment {
	a := &criteriav1.Assessment{UnitCode: unit, AssessedOn: on, CriteriaSet: set2016, Author: author}
	for i := 1; i <= min(met+1, 19); i++ {
		st := criteriav1.CriterionStatus_MET
		if i > met {
			st = criteriav1.CriterionStatus_BASICALLY_MET
		}
		a.Verdicts = append(a.Verdicts, &criteriav1.CriterionVerdict{CriterionCode: strconv.Itoa(i), Status: st})
	}
	return a
}

func (e *env) assess(t *testing.T, a *criteriav1.Assessment) *criteriav1.Assessment {
	t.Helper()
	out, err := e.crit.CreateAssessment(context.Background(), &criteriav1.CreateAssessmentRequest{UnitCode: a.GetUnitCode(), Assessment: a})
	if err != nil {
		t.Fatalf("assess %s on %s: %v", a.GetUnitCode(), a.GetAssessedOn(), err)
	}
	return out
}

func (e *env) aggregate(t *testing.T, req *criteriav1.GetAggregateRequest) *criteriav1.Aggregate {
	t.Helper()
	agg, err := e.crit.GetAggregate(context.Background(), req)
	if err != nil {
		t.Fatalf("aggregate of %s as of %s: %v", req.GetUnitCode(), req.GetAsOf(), err)
	}
	return agg
}

// listed returns the names of the assessments of unit recorded on or before asOf.
func (e *env) listed(t *testing.T, unit, asOf string) []string {
	t.Helper()
	resp, err := e.crit.ListAssessments(context.Background(), &criteriav1.ListAssessmentsRequest{UnitCode: unit, AsOf: asOf})
	if err != nil {
		t.Fatalf("list assessments of %s: %v", unit, err)
	}
	var out []string
	for _, a := range resp.GetAssessments() {
		out = append(out, a.GetName())
	}
	return out
}
