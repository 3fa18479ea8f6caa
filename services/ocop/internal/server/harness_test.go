package server_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpctest"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/ocop"
	"github.com/ntmsuite/ntm/services/ocop/internal/store/migrations"
	"github.com/ntmsuite/ntm/services/registry/registrytest"
)

// The test map (made-up codes), all from 2008-01-01 unless said:
//
//	19 Tỉnh Thái Nguyên
//	├── 170 Huyện Võ Nhai
//	│   ├── 100 Xã La Hiên        ── 1000 Xóm Làng Lai (village)
//	│   ├── 101 Xã Lâu Thượng
//	│   ├── 102 Xã Phú Thượng     absorbs 103 on 2020-01-01
//	│   ├── 103 Xã Dân Tiến       until 2019-12-31
//	│   ├── 104 Xã Võ Nhai Mới    from 2021-06-01
//	│   └── 200 Phường Đình Cả    (ward)
//	└── 171 Huyện Đồng Hỷ
//	    └── 110 Xã Hóa Thượng
//	20 Tỉnh Lạng Sơn
//	└── 180 Huyện Chi Lăng
//	    └── 120 Xã Chi Lăng
const (
	province  = "19"
	province2 = "20"
	district  = "170"
	district2 = "171"
	country   = "0"
	mergedAt  = "2020-01-01" // 103 merges into 102
	createdAt = "2021-06-01" // 104 is created
)

// env is a registry and an OCOP service talking over bufconn, as in production.
type env struct {
	reg registryv1.RegistryServiceClient
	api *api
	// regConn lets a test start more OCOP services on the same registry.
	regConn *grpc.ClientConn
}

// newEnv starts a seeded registry and an OCOP service (SQLite) sharing one in-memory cache.
func newEnv(t *testing.T) *env {
	t.Helper()
	c := cache.NewMemory()
	e := startRegistry(t, c)
	e.api = startOcop(t, e.regConn, ocop.Config{SQLitePath: filepath.Join(t.TempDir(), "ocop.db"), Cache: c})
	return e
}

// onBothBackends runs test on a seeded registry and an OCOP service on
// SQLite, then on PostgreSQL, each with an in-memory cache of its own.
func onBothBackends(t *testing.T, test func(t *testing.T, e *env)) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := ocop.Config{SQLitePath: filepath.Join(t.TempDir(), "ocop.db")}
			if backend == "postgres" {
				cfg = ocop.Config{PostgresURL: dbtest.PostgresDatabase(t, migrations.Postgres)}
			}
			c := cache.NewMemory()
			cfg.Cache = c
			e := startRegistry(t, c)
			e.api = startOcop(t, e.regConn, cfg)
			test(t, e)
		})
	}
}

// startRegistry starts a seeded registry bumping c.
func startRegistry(t *testing.T, c cache.Cache) *env {
	t.Helper()
	conn := registrytest.Start(t, c)
	e := &env{reg: registryv1.NewRegistryServiceClient(conn), regConn: conn}
	e.seed(t)
	return e
}

// startOcop opens an OCOP service with cfg (Registry is set here) and dials it.
func startOcop(t *testing.T, regConn grpc.ClientConnInterface, cfg ocop.Config) *api {
	t.Helper()
	cfg.Registry = regConn
	if cfg.Logger == nil {
		cfg.Logger = grpctest.Logger()
	}
	svc, err := ocop.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	conn := grpctest.Dial(t, svc.Server())
	return &api{ocopv1.NewOcopServiceClient(conn), auditv1.NewAuditServiceClient(conn), operationv1.NewOperationServiceClient(conn), context.Background()}
}

func unit(code, name string, typ registryv1.UnitType, parent string) *registryv1.ImportedUnit {
	return &registryv1.ImportedUnit{ValidFrom: "2008-01-01", Unit: &registryv1.UnitSpec{Code: code, DisplayName: name, Type: typ, ParentCode: parent}}
}

func (e *env) seed(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	const c = registryv1.UnitType_COMMUNE
	_, err := e.reg.ImportUnits(ctx, &registryv1.ImportUnitsRequest{Units: []*registryv1.ImportedUnit{
		unit(province, "Tỉnh Thái Nguyên", registryv1.UnitType_PROVINCE, ""),
		unit(district, "Huyện Võ Nhai", registryv1.UnitType_DISTRICT, province),
		unit(district2, "Huyện Đồng Hỷ", registryv1.UnitType_DISTRICT, province),
		unit("100", "Xã La Hiên", c, district),
		unit("101", "Xã Lâu Thượng", c, district),
		unit("102", "Xã Phú Thượng", c, district),
		unit("103", "Xã Dân Tiến", c, district),
		unit("200", "Phường Đình Cả", registryv1.UnitType_WARD, district),
		unit("1000", "Xóm Làng Lai", registryv1.UnitType_VILLAGE, "100"),
		unit("110", "Xã Hóa Thượng", c, district2),
		unit(province2, "Tỉnh Lạng Sơn", registryv1.UnitType_PROVINCE, ""),
		unit("180", "Huyện Chi Lăng", registryv1.UnitType_DISTRICT, province2),
		unit("120", "Xã Chi Lăng", c, "180"),
	}})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	e.change(t, &registryv1.UnitChange{DecisionNumber: "862/NQ-UBTVQH14", EffectiveDate: mergedAt,
		Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{SourceCodes: []string{"102", "103"},
			Target: &registryv1.MergeUnits_AbsorbingCode{AbsorbingCode: "102"}}}})
	if _, err := e.reg.CreateUnit(ctx, &registryv1.CreateUnitRequest{DecisionNumber: "15/NQ-HĐND", ValidFrom: createdAt,
		Unit: &registryv1.UnitSpec{Code: "104", DisplayName: "Xã Võ Nhai Mới", Type: c, ParentCode: district}}); err != nil {
		t.Fatalf("create 104: %v", err)
	}
}

func (e *env) change(t *testing.T, c *registryv1.UnitChange) {
	t.Helper()
	if _, err := e.reg.CreateUnitChange(context.Background(), &registryv1.CreateUnitChangeRequest{UnitChange: c}); err != nil {
		t.Fatalf("unit change %s: %v", c.GetDecisionNumber(), err)
	}
}

// transfer moves commune code under parent from `on`.
func (e *env) transfer(t *testing.T, code, parent, on string) {
	t.Helper()
	e.change(t, &registryv1.UnitChange{DecisionNumber: "1/NQ-UBTVQH15", EffectiveDate: on,
		Kind: &registryv1.UnitChange_Transfer{Transfer: &registryv1.TransferUnit{Code: code, NewParentCode: parent}}})
}

// api is an OCOP client, with its audit trail, whose helpers call with ctx
// (no token unless made by as) and fail the test on error.
type api struct {
	ocopv1.OcopServiceClient
	audit auditv1.AuditServiceClient
	ops   operationv1.OperationServiceClient
	ctx   context.Context
}

// as is a calling as the caller of ctx (see grpctest.WithToken).
func (a *api) as(ctx context.Context) *api {
	return &api{a.OcopServiceClient, a.audit, a.ops, ctx}
}

func (a *api) producer(t *testing.T, name string, kind ocopv1.ProducerKind, unit, on string) int64 {
	t.Helper()
	p, err := a.CreateProducer(a.ctx, &ocopv1.CreateProducerRequest{Producer: &ocopv1.Producer{
		DisplayName: name, Kind: kind, UnitCode: unit, RegisteredOn: on}})
	if err != nil {
		t.Fatalf("producer %s in %s on %s: %v", name, unit, on, err)
	}
	return p.GetId()
}

func (a *api) product(t *testing.T, producer int64, name, group string) int64 {
	t.Helper()
	p, err := a.CreateProduct(a.ctx, &ocopv1.CreateProductRequest{Product: &ocopv1.Product{
		DisplayName: name, ProducerId: producer, ProductGroup: group}})
	if err != nil {
		t.Fatalf("product %s: %v", name, err)
	}
	return p.GetId()
}

func (a *api) register(t *testing.T, product int64, year int32, on string) {
	t.Helper()
	if _, err := a.CreateRegistration(a.ctx, &ocopv1.CreateRegistrationRequest{ProductId: product,
		Registration: &ocopv1.Registration{Year: year, RegisteredOn: on}}); err != nil {
		t.Fatalf("register product %d for %d: %v", product, year, err)
	}
}

func (a *api) review(t *testing.T, product int64, year int32, eligibility ocopv1.Eligibility, on, reason string) {
	t.Helper()
	if _, err := a.ReviewRegistration(a.ctx, &ocopv1.ReviewRegistrationRequest{ProductId: product, Year: year,
		Eligibility: eligibility, Reason: reason, ReviewedOn: on}); err != nil {
		t.Fatalf("review product %d for %d: %v", product, year, err)
	}
}

func (a *api) evaluate(t *testing.T, product int64, year int32, on string, level ocopv1.CouncilLevel, scores []*ocopv1.CriterionScore) *ocopv1.Evaluation {
	t.Helper()
	ev, err := a.CreateEvaluation(a.ctx, &ocopv1.CreateEvaluationRequest{ProductId: product, Evaluation: &ocopv1.Evaluation{
		Year: year, EvaluatedOn: on, CouncilLevel: level, Scores: scores}})
	if err != nil {
		t.Fatalf("evaluate product %d on %s: %v", product, on, err)
	}
	return ev
}

func (a *api) certify(t *testing.T, product, evaluation int64, on string) *ocopv1.Certificate {
	t.Helper()
	c, err := a.CreateCertificate(a.ctx, &ocopv1.CreateCertificateRequest{ProductId: product, Certificate: &ocopv1.Certificate{
		EvaluationId: evaluation, DecisionNumber: "QĐ " + on, IssuedOn: on}})
	if err != nil {
		t.Fatalf("certify evaluation %d of product %d on %s: %v", evaluation, product, on, err)
	}
	return c
}

func (a *api) revoke(t *testing.T, product, certificate int64, on string) *ocopv1.Certificate {
	t.Helper()
	c, err := a.RevokeCertificate(a.ctx, &ocopv1.RevokeCertificateRequest{ProductId: product, Id: certificate,
		RevokedOn: on, DecisionNumber: "Thu hồi " + on})
	if err != nil {
		t.Fatalf("revoke certificate %d of product %d on %s: %v", certificate, product, on, err)
	}
	return c
}

func (a *api) get(t *testing.T, product int64, asOf string) *ocopv1.Product {
	t.Helper()
	p, err := a.GetProduct(a.ctx, &ocopv1.GetProductRequest{Id: product, AsOf: asOf})
	if err != nil {
		t.Fatalf("product %d as of %s: %v", product, asOf, err)
	}
	return p
}

func (a *api) summary(t *testing.T, req *ocopv1.GetOcopSummaryRequest) *ocopv1.OcopSummary {
	t.Helper()
	s, err := a.GetOcopSummary(a.ctx, req)
	if err != nil {
		t.Fatalf("summary of %s as of %s: %v", req.GetUnitCode(), req.GetAsOf(), err)
	}
	return s
}

// sheet23 is an OCOP_2023 sheet (the shipped synthetic lines) whose lines
// get points in sheet order; the lines after them are not given.
func sheet23(points ...float64) []*ocopv1.CriterionScore {
	codes := []string{"A1", "A2", "A3", "A4", "A5", "A6", "A7", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "C4"}
	out := make([]*ocopv1.CriterionScore, len(points))
	for i, p := range points {
		out[i] = &ocopv1.CriterionScore{CriterionCode: codes[i], Points: p}
	}
	return out
}

// max23 are the maxima of the OCOP_2023 lines, in sheet order (A 40, B 25, C 35).
var max23 = []float64{6, 4, 5, 6, 5, 6, 8, 7, 8, 5, 5, 10, 10, 8, 7}

// fill23 is an OCOP_2023 sheet of total points: the lines at their maxima
// in sheet order until the total is reached.
func fill23(total float64) []*ocopv1.CriterionScore {
	var points []float64
	for _, m := range max23 {
		if total <= 0 {
			break
		}
		points = append(points, min(m, total))
		total -= min(m, total)
	}
	return sheet23(points...)
}

// parts19 is an OCOP_2019 sheet, scored per part (A 35, B 25, C 40).
func parts19(a, b, c float64) []*ocopv1.CriterionScore {
	return []*ocopv1.CriterionScore{{CriterionCode: "A", Points: a}, {CriterionCode: "B", Points: b}, {CriterionCode: "C", Points: c}}
}

// figures are the numbers of a summary, stars written "3★2 4★1" (the rows
// with products; tally checks every row is there).
type figures struct {
	producers, products, registered, eligible, notEligible int32
	evaluated, newly, certified                            string
	total, expiring                                        int32
	// groups: "FOOD 3/2/2" is products/registered/certified.
	groups string
	// proposed: products proposed to the central council in the year.
	proposed int32
}

// figuresOf reads s into figures, failing t if the tallies miss a row.
func figuresOf(t *testing.T, s *ocopv1.OcopSummary) figures {
	t.Helper()
	var groups []string
	for _, g := range s.GetByGroup() {
		groups = append(groups, fmt.Sprintf("%s %d/%d/%d", g.GetProductGroup(), g.GetProducts(), g.GetRegistered(), g.GetCertified()))
	}
	return figures{producers: s.GetProducers(), products: s.GetProducts(), registered: s.GetRegistered(), eligible: s.GetEligible(), notEligible: s.GetNotEligible(),
		evaluated: tally(t, s.GetEvaluated(), 1), newly: tally(t, s.GetNewlyCertified(), 3), certified: tally(t, s.GetCertified(), 3),
		total: s.GetCertifiedTotal(), expiring: s.GetExpiring(), groups: strings.Join(groups, ", "), proposed: s.GetProposedCentral()}
}

// tally writes the rows with products ("3★2 4★1"); the rows must be from..5, in order.
func tally(t *testing.T, ts []*ocopv1.StarTally, from int32) string {
	t.Helper()
	var out []string
	for i, r := range ts {
		if r.GetStars() != from+int32(i) {
			t.Fatalf("star rows %v, want every row from %d to 5", ts, from)
		}
		if r.GetProducts() != 0 {
			out = append(out, fmt.Sprintf("%d★%d", r.GetStars(), r.GetProducts()))
		}
	}
	if len(ts) != int(6-from) {
		t.Fatalf("star rows %v, want every row from %d to 5", ts, from)
	}
	return strings.Join(out, " ")
}

// figuresAt is the summary of unit as of asOf (year and days 0: the defaults).
func (a *api) figuresAt(t *testing.T, unit, asOf string, year, days int32) figures {
	t.Helper()
	s := a.summary(t, &ocopv1.GetOcopSummaryRequest{UnitCode: unit, AsOf: asOf, Year: year, ExpiringWithinDays: days})
	wantYear, wantDays := year, days
	if wantYear == 0 {
		wantYear = int32(mustYear(t, asOf))
	}
	if wantDays == 0 {
		wantDays = 90
	}
	if s.GetUnitCode() != unit || s.GetAsOf() != asOf || s.GetYear() != wantYear || s.GetExpiringWithinDays() != wantDays || s.GetComputedAt() == "" {
		t.Fatalf("summary of %s as of %s: unit %s, as of %s, year %d, within %d days, computed %q", unit, asOf,
			s.GetUnitCode(), s.GetAsOf(), s.GetYear(), s.GetExpiringWithinDays(), s.GetComputedAt())
	}
	return figuresOf(t, s)
}

func mustYear(t *testing.T, d string) int {
	t.Helper()
	var y int
	if _, err := fmt.Sscanf(d, "%4d-", &y); err != nil {
		t.Fatalf("year of %q: %v", d, err)
	}
	return y
}
