package server_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpctest"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/funding"
	"github.com/ntmsuite/ntm/services/registry/registrytest"
)

// The test map (made-up codes), all from 2008-01-01 unless said:
//
//	19 Tỉnh Thái Nguyên
//	├── 170 Huyện Võ Nhai          abolished 2025-07-01, heir 19
//	│   ├── 100 Xã La Hiên          merged into 150 on 2025-07-01
//	│   │   └── 1000 Xóm Làng Lai   (village; under 150 from 2025-07-01)
//	│   ├── 101 Xã Lâu Thượng       merged into 150 on 2025-07-01
//	│   ├── 102 Xã Phú Thượng       absorbs 103 on 2020-01-01; under 19 from 2025-07-01
//	│   └── 103 Xã Dân Tiến         until 2019-12-31
//	├── 171 Huyện Đồng Hỷ          abolished 2025-07-01, heir 19
//	│   └── 110 Xã Hóa Thượng       under 19 from 2025-07-01
//	└── 150 Xã Võ Nhai Mới          from 2025-07-01 (100 and 101 merged)
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
	reformAt  = "2025-07-01" // 100 and 101 become 150; the districts end
)

// M is a million VND: the figures below are written in millions.
const M = 1_000_000

// env is a registry and a funding service talking over bufconn, as in production.
type env struct {
	reg registryv1.RegistryServiceClient
	api *api
	// regConn lets a test start more funding services on the same registry.
	regConn *grpc.ClientConn
	// sqlite is the funding service's database file (newEnv).
	sqlite string
}

// newEnv starts a seeded registry and a funding service (SQLite) sharing one in-memory cache.
func newEnv(t *testing.T) *env {
	t.Helper()
	c := cache.NewMemory()
	e := startRegistry(t, c)
	e.sqlite = filepath.Join(t.TempDir(), "funding.db")
	e.api = startFunding(t, e.regConn, funding.Config{SQLitePath: e.sqlite, Cache: c})
	return e
}

// startRegistry starts a seeded registry bumping c.
func startRegistry(t *testing.T, c cache.Cache) *env {
	t.Helper()
	conn := registrytest.Start(t, c)
	e := &env{reg: registryv1.NewRegistryServiceClient(conn), regConn: conn}
	e.seed(t)
	return e
}

// startFunding opens a funding service with cfg (Registry is set here) and dials it.
func startFunding(t *testing.T, regConn grpc.ClientConnInterface, cfg funding.Config) *api {
	t.Helper()
	cfg.Registry = regConn
	if cfg.Logger == nil {
		cfg.Logger = grpctest.Logger()
	}
	svc, err := funding.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return &api{fundingv1.NewFundingServiceClient(grpctest.Dial(t, svc.Server()))}
}

func unit(code, name string, typ registryv1.UnitType, parent string) *registryv1.ImportedUnit {
	return &registryv1.ImportedUnit{ValidFrom: "2008-01-01", Unit: &registryv1.UnitSpec{Code: code, DisplayName: name, Type: typ, ParentCode: parent}}
}

func (e *env) seed(t *testing.T) {
	t.Helper()
	const c = registryv1.UnitType_COMMUNE
	_, err := e.reg.ImportUnits(context.Background(), &registryv1.ImportUnitsRequest{Units: []*registryv1.ImportedUnit{
		unit(province, "Tỉnh Thái Nguyên", registryv1.UnitType_PROVINCE, ""),
		unit(district, "Huyện Võ Nhai", registryv1.UnitType_DISTRICT, province),
		unit(district2, "Huyện Đồng Hỷ", registryv1.UnitType_DISTRICT, province),
		unit("100", "Xã La Hiên", c, district),
		unit("101", "Xã Lâu Thượng", c, district),
		unit("102", "Xã Phú Thượng", c, district),
		unit("103", "Xã Dân Tiến", c, district),
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
	// As on 2025-07-01 (see cmd/ntm/internal/demo/changes.json): communes
	// merge into new ones directly under the province, then the districts
	// end and hand what is left under them to the province.
	e.change(t, &registryv1.UnitChange{DecisionNumber: "1683/NQ-UBTVQH15", EffectiveDate: reformAt,
		Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{SourceCodes: []string{"100", "101"},
			Target: &registryv1.MergeUnits_NewUnit{NewUnit: &registryv1.UnitSpec{Code: "150", DisplayName: "Xã Võ Nhai Mới", Type: c, ParentCode: province}}}}})
	e.change(t, &registryv1.UnitChange{DecisionNumber: "202/2025/QH15", EffectiveDate: reformAt,
		Kind: &registryv1.UnitChange_Abolish{Abolish: &registryv1.AbolishUnits{Codes: []string{district, district2}, ChildrenNewParentCode: province}}})
}

func (e *env) change(t *testing.T, c *registryv1.UnitChange) {
	t.Helper()
	if _, err := e.reg.CreateUnitChange(context.Background(), &registryv1.CreateUnitChangeRequest{UnitChange: c}); err != nil {
		t.Fatalf("unit change %s: %v", c.GetDecisionNumber(), err)
	}
}

// api is a funding client with helpers that fail the test on error.
type api struct {
	fundingv1.FundingServiceClient
}

// money is a plan of money (amount in VND).
func money(unit string, year int32, source, purpose string, amount int64, on string) *fundingv1.Plan {
	return &fundingv1.Plan{Year: year, UnitCode: unit, Source: source, Purpose: purpose, AmountVnd: amount, AllocatedOn: on}
}

// cement is a plan of cement: tonnes, valued at amount VND (0: not valued).
func cement(unit string, year int32, tonnes string, amount int64, on string) *fundingv1.Plan {
	return &fundingv1.Plan{Year: year, UnitCode: unit, Source: "CEMENT", Purpose: "TRANSPORT", Quantity: tonnes, AmountVnd: amount, AllocatedOn: on}
}

func (a *api) plan(t *testing.T, p *fundingv1.Plan) *fundingv1.Plan {
	t.Helper()
	out, err := a.CreatePlan(context.Background(), &fundingv1.CreatePlanRequest{Plan: p})
	if err != nil {
		t.Fatalf("plan %v: %v", p, err)
	}
	return out
}

func (a *api) plans(t *testing.T, ps ...*fundingv1.Plan) []*fundingv1.Plan {
	t.Helper()
	out, err := a.BatchCreatePlans(context.Background(), &fundingv1.BatchCreatePlansRequest{Plans: ps})
	if err != nil {
		t.Fatalf("batch of %d plans: %v", len(ps), err)
	}
	if len(out.GetPlans()) != len(ps) {
		t.Fatalf("batch of %d plans recorded %d", len(ps), len(out.GetPlans()))
	}
	return out.GetPlans()
}

// disburse records amount VND (and tonnes of goods, "" for money) against plan on a date.
func (a *api) disburse(t *testing.T, plan int64, on string, amount int64, tonnes string) *fundingv1.Disbursement {
	t.Helper()
	d, err := a.CreateDisbursement(context.Background(), &fundingv1.CreateDisbursementRequest{Disbursement: &fundingv1.Disbursement{
		PlanId: plan, DisbursedOn: on, AmountVnd: amount, Quantity: tonnes}})
	if err != nil {
		t.Fatalf("disburse %d VND %q on %s against plan %d: %v", amount, tonnes, on, plan, err)
	}
	return d
}

func (a *api) get(t *testing.T, id int64, asOf string) *fundingv1.Plan {
	t.Helper()
	p, err := a.GetPlan(context.Background(), &fundingv1.GetPlanRequest{Id: id, AsOf: asOf})
	if err != nil {
		t.Fatalf("plan %d as of %s: %v", id, asOf, err)
	}
	return p
}

func (a *api) summary(t *testing.T, req *fundingv1.GetFundingSummaryRequest) *fundingv1.FundingSummary {
	t.Helper()
	s, err := a.GetFundingSummary(context.Background(), req)
	if err != nil {
		t.Fatalf("summary of %s as of %s (%s..%s): %v", req.GetUnitCode(), req.GetAsOf(), req.GetFrom(), req.GetTo(), err)
	}
	if _, err := time.Parse(time.RFC3339, s.GetComputedAt()); err != nil {
		t.Fatalf("summary of %s: computed_at %q: %v", req.GetUnitCode(), s.GetComputedAt(), err)
	}
	return s
}

// mil writes VND in millions, exactly ("100.5" is 100,500,000 VND).
func mil(vnd int64) string {
	s := strconv.FormatInt(vnd/M, 10)
	if r := vnd % M; r != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%06d", r), "0")
	}
	return s
}

// figure writes planned/disbursed (in millions) and the percent as served.
func figure(p *fundingv1.Progress) string {
	return fmt.Sprintf("%s/%s %s%%", mil(p.GetPlannedVnd()), mil(p.GetDisbursedVnd()), strconv.FormatFloat(p.GetDisbursedPercent(), 'f', -1, 64))
}

// lines writes every figure of a summary, one row a line, in the order served.
func lines(s *fundingv1.FundingSummary) []string {
	out := []string{
		fmt.Sprintf("%s as of %s: %s..%s", s.GetUnitCode(), s.GetAsOf(), s.GetFrom(), s.GetTo()),
		"total " + figure(s.GetTotal()),
		"mobilised " + mil(s.GetMobilisedVnd()),
	}
	for _, r := range s.GetBySource() {
		l := "source " + r.GetSource() + " " + figure(r.GetProgress())
		if r.GetKind() == fundingv1.SourceKind_IN_KIND || r.GetPlannedQuantity()+r.GetDisbursedQuantity()+r.GetQuantityUnit() != "" {
			l += fmt.Sprintf(" %s/%s %s", r.GetPlannedQuantity(), r.GetDisbursedQuantity(), r.GetQuantityUnit())
		}
		out = append(out, l)
	}
	for _, r := range s.GetByPurpose() {
		out = append(out, "purpose "+r.GetPurpose()+" "+figure(r.GetProgress()))
	}
	for _, r := range s.GetByCriterion() {
		out = append(out, fmt.Sprintf("criterion %s %s %s %s", r.GetCriteriaSet(), r.GetCriterionCode(), r.GetDisplayName(), figure(r.GetProgress())))
	}
	for _, r := range s.GetByYear() {
		out = append(out, fmt.Sprintf("year %d %s", r.GetYear(), figure(r.GetProgress())))
	}
	for _, r := range s.GetByUnit() {
		out = append(out, fmt.Sprintf("unit %s %s %s", r.GetUnitCode(), r.GetDisplayName(), figure(r.GetProgress())))
	}
	return out
}

// text is lines written one a line in a raw string, indented at will.
func text(s string) []string {
	var out []string
	for l := range strings.Lines(strings.TrimSpace(s)) {
		out = append(out, strings.TrimSpace(l))
	}
	return out
}

// diff fails t unless got equals want, line by line.
func diff(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") == strings.Join(want, "\n") {
		return
	}
	var b strings.Builder
	for i := range max(len(got), len(want)) {
		g, w := "", ""
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		mark := "  "
		if g != w {
			mark = "≠ "
		}
		fmt.Fprintf(&b, "%s%-70s | %s\n", mark, g, w)
	}
	t.Errorf("%s: got (left) and want (right):\n%s", what, b.String())
}
