package server_test

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/grpctest"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
)

const aboveRule = "DISBURSEMENT_ABOVE_PLAN"

// try records a disbursement and returns the error only.
func (a *api) try(plan int64, on string, amount int64, tonnes, reason string) error {
	_, err := a.CreateDisbursement(context.Background(), &fundingv1.CreateDisbursementRequest{Disbursement: &fundingv1.Disbursement{
		PlanId: plan, DisbursedOn: on, AmountVnd: amount, Quantity: tonnes, OverrunReason: reason}})
	return err
}

// disbursed is what plan id says was disbursed against it by the end of 2024.
func (a *api) disbursed(t *testing.T, id int64) string {
	t.Helper()
	p := a.get(t, id, "2024-12-31")
	return fmt.Sprintf("%d VND %q", p.GetDisbursedVnd(), p.GetDisbursedQuantity())
}

func wantDisbursed(t *testing.T, a *api, id int64, want string) {
	t.Helper()
	if got := a.disbursed(t, id); got != want {
		t.Fatalf("plan %d: disbursed %s, want %s", id, got, want)
	}
}

// Money: disbursing up to the plan is fine, above it needs a reason.
func TestOverrunOfMoneyNeedsAReason(t *testing.T) {
	e := newEnv(t)
	a := e.api
	p := a.plan(t, money("102", 2024, "CENTRAL_BUDGET", "TRANSPORT", 1000*M, "2024-01-10")).GetId()
	subject := fmt.Sprintf("plans/%d", p)

	a.disburse(t, p, "2024-03-01", 600*M, "")
	grpctest.WantPrecondition(t, a.try(p, "2024-04-01", 400*M+1, "", ""), aboveRule, subject)
	wantDisbursed(t, a, p, `600000000 VND ""`)
	a.disburse(t, p, "2024-04-01", 400*M, "") // exactly the plan
	wantDisbursed(t, a, p, `1000000000 VND ""`)
	grpctest.WantPrecondition(t, a.try(p, "2024-05-01", 1, "", ""), aboveRule, subject)
	wantDisbursed(t, a, p, `1000000000 VND ""`)

	if err := a.try(p, "2024-05-01", 50*M, "", "Bổ sung theo Quyết định 12/QĐ-UBND"); err != nil {
		t.Fatalf("overrun with a reason: %v", err)
	}
	wantDisbursed(t, a, p, `1050000000 VND ""`)
	// Once above, every further disbursement is above too.
	grpctest.WantPrecondition(t, a.try(p, "2024-06-01", 1, "", ""), aboveRule, subject)
	wantDisbursed(t, a, p, `1050000000 VND ""`)

	ds, err := a.ListDisbursements(context.Background(), &fundingv1.ListDisbursementsRequest{PlanId: p, AsOf: "2024-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, d := range ds.GetDisbursements() {
		reasons = append(reasons, d.GetOverrunReason())
	}
	if fmt.Sprint(reasons) != "[  Bổ sung theo Quyết định 12/QĐ-UBND]" {
		t.Errorf("reasons %q", reasons)
	}
}

// Goods: the quantity may not go above the plan's tonnes without a reason;
// their valuation only when the plan was valued.
func TestOverrunOfGoods(t *testing.T) {
	e := newEnv(t)
	a := e.api
	unvalued := a.plan(t, cement("110", 2024, "10", 0, "2024-01-10")).GetId()
	valued := a.plan(t, cement("110", 2024, "10", 20*M, "2024-01-10")).GetId()

	a.disburse(t, unvalued, "2024-03-01", 0, "9.5")
	grpctest.WantPrecondition(t, a.try(unvalued, "2024-04-01", 0, "0.501", ""), aboveRule, fmt.Sprintf("plans/%d", unvalued))
	wantDisbursed(t, a, unvalued, `0 VND "9.5"`)
	// A valuation above nothing valued is no overrun: only the tonnes count.
	a.disburse(t, unvalued, "2024-04-01", 30*M, "0.5")
	wantDisbursed(t, a, unvalued, `30000000 VND "10"`)
	grpctest.WantPrecondition(t, a.try(unvalued, "2024-05-01", 0, "0.001", ""), aboveRule, fmt.Sprintf("plans/%d", unvalued))
	if err := a.try(unvalued, "2024-05-01", 0, "2", "Thêm 2 tấn cho kênh N3"); err != nil {
		t.Fatalf("goods above the plan with a reason: %v", err)
	}
	wantDisbursed(t, a, unvalued, `30000000 VND "12"`)

	// A valued plan: tonnes within, valuation above.
	grpctest.WantPrecondition(t, a.try(valued, "2024-03-01", 20*M+1, "5", ""), aboveRule, fmt.Sprintf("plans/%d", valued))
	a.disburse(t, valued, "2024-03-01", 20*M, "10")
	wantDisbursed(t, a, valued, `20000000 VND "10"`)
}

// A batch is checked item after item, each against the plan with the
// items before it: together above the plan, it is refused whole.
func TestBatchAbovePlanWritesNothing(t *testing.T) {
	e := newEnv(t)
	a := e.api
	ctx := context.Background()
	p := a.plan(t, money("102", 2024, "CENTRAL_BUDGET", "TRANSPORT", 1000*M, "2024-01-10")).GetId()
	other := a.plan(t, money("101", 2024, "PROVINCIAL_BUDGET", "SCHOOLS", 500*M, "2024-01-10")).GetId()
	a.disburse(t, p, "2024-03-01", 600*M, "")

	batch := func(ds ...*fundingv1.Disbursement) error {
		_, err := a.BatchCreateDisbursements(ctx, &fundingv1.BatchCreateDisbursementsRequest{Disbursements: ds})
		return err
	}
	item := func(plan int64, amount int64) *fundingv1.Disbursement {
		return &fundingv1.Disbursement{PlanId: plan, DisbursedOn: "2024-06-01", AmountVnd: amount}
	}
	// 300 and 200 each fit in the 400 left; together they do not. The
	// other plan's item, first and within its plan, is not written either.
	grpctest.WantPrecondition(t, batch(item(other, 100*M), item(p, 300*M), item(p, 200*M)), aboveRule, fmt.Sprintf("plans/%d", p))
	wantDisbursed(t, a, p, `600000000 VND ""`)
	wantDisbursed(t, a, other, `0 VND ""`)
	ds, err := a.ListDisbursements(ctx, &fundingv1.ListDisbursementsRequest{UnitCode: province, AsOf: "2024-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ds.GetDisbursements()); n != 1 {
		t.Fatalf("%d disbursements after the refused batch, want 1", n)
	}

	// Within the plan together, the batch is recorded.
	if err := batch(item(other, 100*M), item(p, 300*M), item(p, 100*M)); err != nil {
		t.Fatal(err)
	}
	wantDisbursed(t, a, p, `1000000000 VND ""`)
	wantDisbursed(t, a, other, `100000000 VND ""`)
	grpctest.WantCode(t, batch(item(p, 1)), codes.FailedPrecondition)
}
