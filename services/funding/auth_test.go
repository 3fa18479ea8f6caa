package funding_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/registry/registrytest"
)

// With keys, the funding service refuses a call without a token, and
// serves one with a token by asking the registry (which also checks
// tokens) as the same caller.
func TestAuthKeysGuardTheServiceAndFollowToTheRegistry(t *testing.T) {
	s := startScoped(t)
	req := &fundingv1.GetFundingSummaryRequest{UnitCode: registrytest.Province, AsOf: "2026-06-30"}
	if _, err := s.funding.GetFundingSummary(context.Background(), req); status.Code(err) != codes.Unauthenticated {
		t.Errorf("without a token: %v, want Unauthenticated", err)
	}
	if sum, err := s.funding.GetFundingSummary(s.as(registrytest.Viewer), req); err != nil || sum.GetUnitCode() != registrytest.Province {
		t.Errorf("with a viewer's token: %v, %v", sum, err)
	}
}
