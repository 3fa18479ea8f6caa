package server_test

import (
	"context"
	"net"
	"path/filepath"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpctest"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/funding"
)

// With the registry unreachable, calls that need it say Unavailable (the
// client may retry), never that the request was bad or the unit missing;
// those that do not need it answer.
func TestRegistryUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	_ = l.Close()
	conn, err := grpcclient.Dial(dead)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	a := startFunding(t, conn, funding.Config{SQLitePath: filepath.Join(t.TempDir(), "funding.db"), Cache: cache.NewMemory()})
	ctx := context.Background()
	_, err = a.CreatePlan(ctx, &fundingv1.CreatePlanRequest{Plan: money("102", 2024, "CENTRAL_BUDGET", "TRANSPORT", 100*M, "2024-01-10")})
	grpctest.WantCode(t, err, codes.Unavailable)
	_, err = a.GetFundingSummary(ctx, &fundingv1.GetFundingSummaryRequest{UnitCode: province, AsOf: "2024-12-31"})
	grpctest.WantCode(t, err, codes.Unavailable)
	_, err = a.ListPlans(ctx, &fundingv1.ListPlansRequest{UnitCode: province})
	grpctest.WantCode(t, err, codes.Unavailable)
	_, err = a.ListDisbursements(ctx, &fundingv1.ListDisbursementsRequest{UnitCode: province})
	grpctest.WantCode(t, err, codes.Unavailable)
	// A bad plan is still named bad: the registry is asked only about good ones.
	_, err = a.CreatePlan(ctx, &fundingv1.CreatePlanRequest{Plan: money("102", 2024, "WORLD_BANK", "TRANSPORT", 100*M, "2024-01-10")})
	grpctest.WantViolations(t, err, "plan.source")
	if resp, err := a.ListFundingSources(ctx, &fundingv1.ListFundingSourcesRequest{}); err != nil || len(resp.GetSources()) != 10 {
		t.Errorf("sources need no registry: %v, %v", resp, err)
	}
	_, err = a.GetPlan(ctx, &fundingv1.GetPlanRequest{Id: 1})
	grpctest.WantCode(t, err, codes.NotFound)
	_, err = a.CreateDisbursement(ctx, &fundingv1.CreateDisbursementRequest{Disbursement: &fundingv1.Disbursement{PlanId: 1, DisbursedOn: "2024-03-01", AmountVnd: M}})
	grpctest.WantViolations(t, err, "disbursement.plan_id")
}
