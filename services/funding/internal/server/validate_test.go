package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/grpctest"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
)

// written is every plan (with what was disbursed against it) and every
// disbursement, as the country's lists read them today.
func written(t *testing.T, a *api) string {
	t.Helper()
	ctx := context.Background()
	plans, err := a.ListPlans(ctx, &fundingv1.ListPlansRequest{UnitCode: country})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := a.ListDisbursements(ctx, &fundingv1.ListDisbursementsRequest{UnitCode: country, From: "2010-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range plans.GetPlans() {
		fmt.Fprintf(&b, "plan %d %s %d %q, disbursed %d %q\n", p.GetId(), p.GetUnitCode(), p.GetAmountVnd(), p.GetQuantity(), p.GetDisbursedVnd(), p.GetDisbursedQuantity())
	}
	for _, d := range ds.GetDisbursements() {
		fmt.Fprintf(&b, "disbursement %d of plan %d: %d %q\n", d.GetId(), d.GetPlanId(), d.GetAmountVnd(), d.GetQuantity())
	}
	return b.String()
}

// Bad plans are refused with InvalidArgument naming every bad field, and
// nothing is written.
func TestRefusedPlansWriteNothing(t *testing.T) {
	e := newEnv(t)
	a := e.api
	ctx := context.Background()
	tomorrow := date.Today().AddDays(1)
	a.disburse(t, a.plan(t, money("102", 2024, "CENTRAL_BUDGET", "TRANSPORT", 1000*M, "2024-01-10")).GetId(), "2024-02-01", 100*M, "")
	before := written(t, a)

	good := func() *fundingv1.Plan { return money("101", 2024, "CENTRAL_BUDGET", "TRANSPORT", 100*M, "2024-01-10") }
	with := func(change func(p *fundingv1.Plan)) *fundingv1.Plan {
		p := good()
		change(p)
		return p
	}
	for _, tc := range []struct {
		name   string
		plan   *fundingv1.Plan
		fields []string
	}{
		{"negative amount", with(func(p *fundingv1.Plan) { p.AmountVnd = -1 }), []string{"plan.amount_vnd"}},
		{"money without an amount", with(func(p *fundingv1.Plan) { p.AmountVnd = 0 }), []string{"plan.amount_vnd"}},
		{"amount above 10^15 VND", with(func(p *fundingv1.Plan) { p.AmountVnd = 1_000_000_000_000_001 }), []string{"plan.amount_vnd"}},
		{"unknown source", with(func(p *fundingv1.Plan) { p.Source = "WORLD_BANK" }), []string{"plan.source"}},
		{"district budget after the districts", money("150", 2026, "DISTRICT_BUDGET", "TRANSPORT", 100*M, "2026-01-10"), []string{"plan.source"}},
		{"unknown purpose", with(func(p *fundingv1.Plan) { p.Purpose = "ROADS" }), []string{"plan.purpose"}},
		{"money with a quantity", with(func(p *fundingv1.Plan) { p.Quantity = "5" }), []string{"plan.quantity"}},
		{"cement without a quantity", cement("101", 2024, "", 10*M, "2024-01-10"), []string{"plan.quantity"}},
		{"cement quantity with a decimal comma", cement("101", 2024, "1,5", 0, "2024-01-10"), []string{"plan.quantity"}},
		{"cement quantity of 0", cement("101", 2024, "0", 0, "2024-01-10"), []string{"plan.quantity"}},
		{"cement quantity with 4 decimals", cement("101", 2024, "1.2345", 0, "2024-01-10"), []string{"plan.quantity"}},
		{"unit merged away", money("103", 2020, "CENTRAL_BUDGET", "TRANSPORT", 100*M, mergedAt), []string{"plan.unit_code"}},
		{"unit not yet created", money("150", 2025, "CENTRAL_BUDGET", "TRANSPORT", 100*M, "2025-06-30"), []string{"plan.unit_code"}},
		{"unit abolished", money(district, 2025, "DISTRICT_BUDGET", "TRANSPORT", 100*M, reformAt), []string{"plan.unit_code"}},
		{"unit that never existed", with(func(p *fundingv1.Plan) { p.UnitCode = "999" }), []string{"plan.unit_code"}},
		{"not a unit code", with(func(p *fundingv1.Plan) { p.UnitCode = "abc" }), []string{"plan.unit_code"}},
		{"allocated tomorrow", money("150", int32(tomorrow.Year()), "CENTRAL_BUDGET", "TRANSPORT", 100*M, tomorrow.String()), []string{"plan.allocated_on"}},
		{"allocated two years before its budget year", with(func(p *fundingv1.Plan) { p.AllocatedOn = "2022-06-01" }), []string{"plan.allocated_on"}},
		{"allocated on a day that does not exist", with(func(p *fundingv1.Plan) { p.AllocatedOn = "2024-02-30" }), []string{"plan.allocated_on"}},
		{"a year before the program", with(func(p *fundingv1.Plan) { p.Year = 2009 }), []string{"plan.year"}},
		{"every bad field at once", with(func(p *fundingv1.Plan) { p.Source, p.Purpose = "WORLD_BANK", "ROADS" }), []string{"plan.source", "plan.purpose"}},
		{"no plan", nil, []string{"plan"}},
	} {
		_, err := a.CreatePlan(ctx, &fundingv1.CreatePlanRequest{Plan: tc.plan})
		t.Run(tc.name, func(t *testing.T) { grpctest.WantViolations(t, err, tc.fields...) })
	}

	// A batch names the bad fields of every item, and writes none of the good ones.
	batch := func(ps ...*fundingv1.Plan) error {
		_, err := a.BatchCreatePlans(ctx, &fundingv1.BatchCreatePlansRequest{Plans: ps})
		return err
	}
	grpctest.WantViolations(t, batch(good(), with(func(p *fundingv1.Plan) { p.Source = "WORLD_BANK" }), good(),
		with(func(p *fundingv1.Plan) { p.Purpose, p.Quantity = "ROADS", "1" })),
		"plans[1].source", "plans[3].purpose", "plans[3].quantity")
	grpctest.WantViolations(t, batch(good(), good(), with(func(p *fundingv1.Plan) { p.AmountVnd = -5 })), "plans[2].amount_vnd")
	grpctest.WantViolations(t, batch(good(), with(func(p *fundingv1.Plan) { p.UnitCode = "103" })), "plans[1].unit_code")
	grpctest.WantViolations(t, batch(), "plans")

	// The refusals read as English sentences; catalog texts are quoted as data.
	for _, tc := range []struct {
		plan *fundingv1.Plan
		want string
	}{
		{cement("101", 2024, "", 10*M, "2024-01-10"), `invalid plan.quantity: missing: source CEMENT ("Xi măng hỗ trợ") is counted in "tấn"`},
		{with(func(p *fundingv1.Plan) { p.Quantity = "5" }), `invalid plan.quantity: source CENTRAL_BUDGET ("Ngân sách Trung ương") is money: give amount_vnd only`},
		{money("101", 2026, "DISTRICT_BUDGET", "TRANSPORT", 100*M, "2026-01-10"), `invalid plan.source: DISTRICT_BUDGET ("Ngân sách huyện") is not a source of 2026 budgets (until 2025)`},
	} {
		_, err := a.CreatePlan(ctx, &fundingv1.CreatePlanRequest{Plan: tc.plan})
		if got := status.Convert(err).Message(); got != tc.want {
			t.Errorf("message %q, want %q", got, tc.want)
		}
	}

	if got := written(t, a); got != before {
		t.Fatalf("after the refused plans:\n%s\nwant\n%s", got, before)
	}
}

// Bad disbursements are refused naming the field, and nothing is written.
func TestRefusedDisbursementsWriteNothing(t *testing.T) {
	e := newEnv(t)
	a := e.api
	ctx := context.Background()
	tomorrow := date.Today().AddDays(1).String()
	p := a.plan(t, money("102", 2024, "CENTRAL_BUDGET", "TRANSPORT", 1000*M, "2024-01-10")).GetId()
	goods := a.plan(t, cement("110", 2024, "10", 0, "2024-01-10")).GetId()
	a.disburse(t, p, "2024-02-01", 100*M, "")
	before := written(t, a)

	good := func() *fundingv1.Disbursement {
		return &fundingv1.Disbursement{PlanId: p, DisbursedOn: "2024-03-01", AmountVnd: 10 * M}
	}
	with := func(change func(d *fundingv1.Disbursement)) *fundingv1.Disbursement {
		d := good()
		change(d)
		return d
	}
	for _, tc := range []struct {
		name         string
		disbursement *fundingv1.Disbursement
		fields       []string
	}{
		{"no such plan", with(func(d *fundingv1.Disbursement) { d.PlanId = 999 }), []string{"disbursement.plan_id"}},
		{"no plan id", with(func(d *fundingv1.Disbursement) { d.PlanId = 0 }), []string{"disbursement.plan_id"}},
		{"before the allocation", with(func(d *fundingv1.Disbursement) { d.DisbursedOn = "2024-01-09" }), []string{"disbursement.disbursed_on"}},
		{"tomorrow", with(func(d *fundingv1.Disbursement) { d.DisbursedOn = tomorrow }), []string{"disbursement.disbursed_on"}},
		{"a day that does not exist", with(func(d *fundingv1.Disbursement) { d.DisbursedOn = "2024-02-30" }), []string{"disbursement.disbursed_on"}},
		{"negative amount", with(func(d *fundingv1.Disbursement) { d.AmountVnd = -1 }), []string{"disbursement.amount_vnd"}},
		{"money without an amount", with(func(d *fundingv1.Disbursement) { d.AmountVnd = 0 }), []string{"disbursement.amount_vnd"}},
		{"amount above 10^15 VND", with(func(d *fundingv1.Disbursement) { d.AmountVnd, d.OverrunReason = 1_000_000_000_000_001, "x" }), []string{"disbursement.amount_vnd"}},
		{"money with a quantity", with(func(d *fundingv1.Disbursement) { d.Quantity = "1" }), []string{"disbursement.quantity"}},
		{"goods without a quantity", with(func(d *fundingv1.Disbursement) { d.PlanId = goods }), []string{"disbursement.quantity"}},
		{"goods with a decimal comma", with(func(d *fundingv1.Disbursement) { d.PlanId, d.AmountVnd, d.Quantity = goods, 0, "1,5" }), []string{"disbursement.quantity"}},
		{"no disbursement", nil, []string{"disbursement"}},
	} {
		_, err := a.CreateDisbursement(ctx, &fundingv1.CreateDisbursementRequest{Disbursement: tc.disbursement})
		t.Run(tc.name, func(t *testing.T) { grpctest.WantViolations(t, err, tc.fields...) })
	}

	batch := func(ds ...*fundingv1.Disbursement) error {
		_, err := a.BatchCreateDisbursements(ctx, &fundingv1.BatchCreateDisbursementsRequest{Disbursements: ds})
		return err
	}
	grpctest.WantViolations(t, batch(good(), good(), with(func(d *fundingv1.Disbursement) { d.DisbursedOn = "2024-01-09" })), "disbursements[2].disbursed_on")
	grpctest.WantViolations(t, batch(good(), good(), with(func(d *fundingv1.Disbursement) { d.PlanId = 999 })), "disbursements[2].plan_id")
	grpctest.WantViolations(t, batch(good(), with(func(d *fundingv1.Disbursement) { d.DisbursedOn = "2024-13-01" }), good(),
		with(func(d *fundingv1.Disbursement) { d.Quantity = "x" })), "disbursements[1].disbursed_on", "disbursements[3].quantity")
	grpctest.WantViolations(t, batch(), "disbursements")

	if got := written(t, a); got != before {
		t.Fatalf("after the refused disbursements:\n%s\nwant\n%s", got, before)
	}
}

// Bad reads name the field; units missing on the date are NotFound.
func TestRefusedReads(t *testing.T) {
	e := newEnv(t)
	a := e.api
	ctx := context.Background()
	summary := func(unit, asOf, from, to string) error {
		_, err := a.GetFundingSummary(ctx, &fundingv1.GetFundingSummaryRequest{UnitCode: unit, AsOf: asOf, From: from, To: to})
		return err
	}
	for _, tc := range []struct {
		name  string
		err   error
		field string
	}{
		{"summary from after to", summary(province, "2024-12-31", "2024-06-01", "2024-05-31"), "from"},
		{"summary from after as_of", summary(province, "2024-03-01", "2024-06-01", ""), "from"},
		{"summary as of a day that does not exist", summary(province, "2024-02-30", "", ""), "as_of"},
		{"summary to a day that does not exist", summary(province, "2024-12-31", "", "2024-13-01"), "to"},
		{"summary of no unit", summary("", "2024-12-31", "", ""), "unit_code"},
		{"plans of a malformed page token", func() error {
			_, err := a.ListPlans(ctx, &fundingv1.ListPlansRequest{UnitCode: province, PageToken: "not-a-token"})
			return err
		}(), "page_token"},
		{"disbursements of a malformed page token", func() error {
			_, err := a.ListDisbursements(ctx, &fundingv1.ListDisbursementsRequest{UnitCode: province, PageToken: "not-a-token"})
			return err
		}(), "page_token"},
		{"disbursements of no unit and no plan", func() error {
			_, err := a.ListDisbursements(ctx, &fundingv1.ListDisbursementsRequest{})
			return err
		}(), "unit_code"},
		{"plan 0", func() error {
			_, err := a.GetPlan(ctx, &fundingv1.GetPlanRequest{})
			return err
		}(), "id"},
	} {
		t.Run(tc.name, func(t *testing.T) { grpctest.WantViolations(t, tc.err, tc.field) })
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"summary of a unit that never existed", summary("999", "2024-12-31", "", "")},
		{"summary of a commune merged away", summary("103", mergedAt, "", "")},
		{"summary of a commune not yet created", summary("150", "2025-06-30", "", "")},
		{"summary of an abolished district", summary(district, reformAt, "", "")},
		{"plans of a unit merged away", func() error {
			_, err := a.ListPlans(ctx, &fundingv1.ListPlansRequest{UnitCode: "101", AsOf: "2025-12-31"})
			return err
		}()},
		{"no such plan", func() error {
			_, err := a.GetPlan(ctx, &fundingv1.GetPlanRequest{Id: 999})
			return err
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) { grpctest.WantCode(t, tc.err, codes.NotFound) })
	}
}
