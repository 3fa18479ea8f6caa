package funding_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpctest"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/funding"
	"github.com/ntmsuite/ntm/services/registry/registrytest"
)

// scoped is a funding service with keys over the units of
// registrytest.StartScoped, with one plan in each commune written by the
// admin.
type scoped struct {
	t       *testing.T
	keys    *auth.KeySet
	funding fundingv1.FundingServiceClient
	audit   auditv1.AuditServiceClient
	plan    map[string]int64 // commune → its plan
}

func startScoped(t *testing.T) *scoped {
	keys := grpctest.Keys(t)
	c := cache.NewMemory()
	fu, err := funding.Open(context.Background(), funding.Config{SQLitePath: filepath.Join(t.TempDir(), "funding.db"),
		Registry: registrytest.StartScoped(t, c, keys), Cache: c, Logger: grpctest.Logger(), AuthKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fu.Close() })
	conn := grpctest.Dial(t, fu.Server())
	s := &scoped{t: t, keys: keys, funding: fundingv1.NewFundingServiceClient(conn), audit: auditv1.NewAuditServiceClient(conn), plan: map[string]int64{}}
	for _, unit := range []string{registrytest.Commune, registrytest.Neighbour, registrytest.Elsewhere} {
		p, err := s.funding.CreatePlan(s.as(registrytest.Admin), &fundingv1.CreatePlanRequest{Plan: plan(unit)})
		if err != nil {
			t.Fatal(err)
		}
		s.plan[unit] = p.GetId()
	}
	return s
}

func (s *scoped) as(id auth.Identity) context.Context {
	return grpctest.WithToken(s.t, context.Background(), s.keys, id)
}

func plan(unit string) *fundingv1.Plan {
	return &fundingv1.Plan{Year: 2026, UnitCode: unit, Source: "CENTRAL_BUDGET", Purpose: "TRANSPORT", AmountVnd: 1_000_000_000, AllocatedOn: "2026-01-15"}
}

func (s *scoped) disburse(ctx context.Context, unit string) error {
	_, err := s.funding.CreateDisbursement(ctx, &fundingv1.CreateDisbursementRequest{Disbursement: &fundingv1.Disbursement{
		PlanId: s.plan[unit], DisbursedOn: "2026-03-01", AmountVnd: 1_000_000}})
	return err
}

func (s *scoped) summary(ctx context.Context, unit string) error {
	_, err := s.funding.GetFundingSummary(ctx, &fundingv1.GetFundingSummaryRequest{UnitCode: unit, AsOf: "2026-06-30"})
	return err
}

// Every role against every kind of call and unit, over direct gRPC: what a
// client that bypasses the gateway gets. Letters name the calls allowed.
func TestScopeRoleActionUnit(t *testing.T) {
	s := startScoped(t)
	calls := []struct {
		letter string
		call   func(ctx context.Context) error
	}{
		{"p", func(ctx context.Context) error { // a plan for the officer's own commune
			_, err := s.funding.CreatePlan(ctx, &fundingv1.CreatePlanRequest{Plan: plan(registrytest.Commune)})
			return err
		}},
		{"n", func(ctx context.Context) error { // a plan for the neighbour
			_, err := s.funding.CreatePlan(ctx, &fundingv1.CreatePlanRequest{Plan: plan(registrytest.Neighbour)})
			return err
		}},
		{"b", func(ctx context.Context) error { // a batch naming the own commune and the other province
			_, err := s.funding.BatchCreatePlans(ctx, &fundingv1.BatchCreatePlansRequest{Plans: []*fundingv1.Plan{plan(registrytest.Commune), plan(registrytest.Elsewhere)}})
			return err
		}},
		{"d", func(ctx context.Context) error { return s.disburse(ctx, registrytest.Commune) }},
		{"x", func(ctx context.Context) error { return s.disburse(ctx, registrytest.Neighbour) }},
		{"r", func(ctx context.Context) error { return s.summary(ctx, registrytest.Commune) }},
		{"v", func(ctx context.Context) error { return s.summary(ctx, registrytest.Province) }},
		{"e", func(ctx context.Context) error { return s.summary(ctx, registrytest.OtherProvince) }},
		{"g", func(ctx context.Context) error { // a plan of the neighbour, by id
			_, err := s.funding.GetPlan(ctx, &fundingv1.GetPlanRequest{Id: s.plan[registrytest.Neighbour]})
			return err
		}},
		{"a", func(ctx context.Context) error {
			_, err := s.audit.ListAuditEvents(ctx, &auditv1.ListAuditEventsRequest{})
			return err
		}},
	}
	for _, tc := range []struct {
		id    auth.Identity
		allow string
	}{
		{registrytest.Admin, "pnbdxrvega"},
		{registrytest.ProvinceOfficer, "pndxrvg"},
		{registrytest.CommuneOfficer, "pdrvg"},
		{registrytest.Viewer, "rveg"},
		{registrytest.System, "pnbdxrveg"},
	} {
		var got strings.Builder
		for _, c := range calls {
			err := c.call(s.as(tc.id))
			if err == nil {
				got.WriteString(c.letter)
				continue
			}
			if status.Code(err) != codes.PermissionDenied {
				t.Errorf("%s call %s: %v, want OK or PermissionDenied", tc.id.Role, c.letter, err)
			}
		}
		if got.String() != tc.allow {
			t.Errorf("%s (unit %q) was allowed %q, want %q", tc.id.Role, tc.id.Unit, got.String(), tc.allow)
		}
	}
}

// A refusal names the unit asked for; a plan out of scope and a plan that
// does not exist are refused alike, so an officer cannot probe which plans
// exist elsewhere.
func TestScopeRefusalsNameTheUnitAndLeakNothing(t *testing.T) {
	s := startScoped(t)
	officer := s.as(registrytest.CommuneOfficer)
	_, err := s.funding.CreatePlan(officer, &fundingv1.CreatePlanRequest{Plan: plan(registrytest.Neighbour)})
	grpctest.WantDenied(t, err, "units/"+registrytest.Neighbour)
	outside := s.plan[registrytest.Elsewhere]
	const missing = 999_999
	for id, err := range map[int64]error{outside: s.disburseID(officer, outside), missing: s.disburseID(officer, missing)} {
		msg := grpctest.WantDenied(t, err, fmt.Sprintf("plans/%d", id))
		if want := fmt.Sprintf("a commune_officer of unit %s may not write plans/%d", registrytest.Commune, id); msg != want {
			t.Errorf("plan %d: refusal %q, want %q", id, msg, want)
		}
	}
	// An unscoped caller learns the plan is missing, as before.
	grpctest.WantCode(t, s.disburseID(s.as(registrytest.Admin), missing), codes.InvalidArgument)
}

func (s *scoped) disburseID(ctx context.Context, plan int64) error {
	_, err := s.funding.CreateDisbursement(ctx, &fundingv1.CreateDisbursementRequest{Disbursement: &fundingv1.Disbursement{
		PlanId: plan, DisbursedOn: "2026-03-01", AmountVnd: 1}})
	return err
}

// The trail holds exactly the accepted writes, each with who made it; a
// write refused for scope leaves neither a row nor a trail entry.
func TestAuditMatchesTheAcceptedWrites(t *testing.T) {
	s := startScoped(t) // the admin's three plans
	officer := s.as(registrytest.CommuneOfficer)
	p, err := s.funding.CreatePlan(officer, &fundingv1.CreatePlanRequest{Plan: plan(registrytest.Commune)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.disburse(officer, registrytest.Commune); err != nil {
		t.Fatal(err)
	}
	_, err = s.funding.BatchCreatePlans(officer, &fundingv1.BatchCreatePlansRequest{Plans: []*fundingv1.Plan{plan(registrytest.Commune), plan(registrytest.Neighbour)}})
	grpctest.WantCode(t, err, codes.PermissionDenied)
	grpctest.WantCode(t, s.disburse(officer, registrytest.Neighbour), codes.PermissionDenied)

	admin := s.as(registrytest.Admin)
	plans, err := s.funding.ListPlans(admin, &fundingv1.ListPlansRequest{UnitCode: registrytest.Province, AsOf: "2026-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(plans.GetPlans()); n != 3 {
		t.Errorf("%d plans in province %s, want the admin's 2 and the officer's 1", n, registrytest.Province)
	}
	events, err := s.audit.ListAuditEvents(admin, &auditv1.ListAuditEventsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events.GetAuditEvents() {
		got = append(got, fmt.Sprintf("%s %s %s %s", e.GetActor(), e.GetMethod(), e.GetResource(), e.GetUnitCode()))
		if e.GetService() != "funding" || e.GetRequestId() == "" || e.GetAfter() == "" || e.GetBefore() != "" || e.GetTime() == nil {
			t.Errorf("event %d: %v", e.GetId(), e)
		}
	}
	const svc = "/ntm.funding.v1.FundingService/"
	want := []string{
		fmt.Sprintf("admin@ubnd %sCreatePlan plans/%d %s", svc, s.plan[registrytest.Commune], registrytest.Commune),
		fmt.Sprintf("admin@ubnd %sCreatePlan plans/%d %s", svc, s.plan[registrytest.Neighbour], registrytest.Neighbour),
		fmt.Sprintf("admin@ubnd %sCreatePlan plans/%d %s", svc, s.plan[registrytest.Elsewhere], registrytest.Elsewhere),
		fmt.Sprintf("canbo@06005 %sCreatePlan plans/%d %s", svc, p.GetId(), registrytest.Commune),
		fmt.Sprintf("canbo@06005 %sCreateDisbursement disbursements/1 %s", svc, registrytest.Commune),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("trail:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	mine, err := s.audit.ListAuditEvents(admin, &auditv1.ListAuditEventsRequest{Actor: registrytest.CommuneOfficer.Subject})
	if err != nil || len(mine.GetAuditEvents()) != 2 {
		t.Errorf("the officer's events: %v, %v; want 2", mine.GetAuditEvents(), err)
	}
	one, err := s.audit.ListAuditEvents(admin, &auditv1.ListAuditEventsRequest{Resource: fmt.Sprintf("plans/%d", p.GetId())})
	if err != nil || len(one.GetAuditEvents()) != 1 || !strings.Contains(one.GetAuditEvents()[0].GetAfter(), `"AmountVND":1000000000`) {
		t.Errorf("plan %d's events: %v, %v", p.GetId(), one.GetAuditEvents(), err)
	}
}
