package funding_test

import (
	"context"
	"path/filepath"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpctest"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/funding"
	"github.com/ntmsuite/ntm/services/registry"
)

// With keys, the funding service refuses a call without a token, and
// serves one with a token by asking the registry (which also checks
// tokens) as the same caller.
func TestAuthKeysGuardTheServiceAndFollowToTheRegistry(t *testing.T) {
	keys := grpctest.Keys(t)
	token := func(id auth.Identity) context.Context { return grpctest.WithToken(t, context.Background(), keys, id) }
	c := cache.NewMemory()
	reg, err := registry.Open(context.Background(), registry.Config{SQLitePath: filepath.Join(t.TempDir(), "registry.db"),
		Cache: c, Logger: grpctest.Logger(), AuthKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	regConn := grpctest.Dial(t, reg.Server())
	admin := token(auth.Identity{Subject: "admin", Role: auth.Admin})
	if _, err := registryv1.NewRegistryServiceClient(regConn).ImportUnits(admin, &registryv1.ImportUnitsRequest{Units: []*registryv1.ImportedUnit{
		{ValidFrom: "2008-01-01", Unit: &registryv1.UnitSpec{Code: "19", DisplayName: "Tỉnh Thái Nguyên", Type: registryv1.UnitType_PROVINCE}},
	}}); err != nil {
		t.Fatal(err)
	}
	fu, err := funding.Open(context.Background(), funding.Config{SQLitePath: filepath.Join(t.TempDir(), "funding.db"),
		Registry: regConn, Cache: c, Logger: grpctest.Logger(), AuthKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fu.Close() })
	client := fundingv1.NewFundingServiceClient(grpctest.Dial(t, fu.Server()))
	req := &fundingv1.GetFundingSummaryRequest{UnitCode: "19", AsOf: "2024-12-31"}
	if _, err := client.GetFundingSummary(context.Background(), req); status.Code(err) != codes.Unauthenticated {
		t.Errorf("without a token: %v, want Unauthenticated", err)
	}
	if s, err := client.GetFundingSummary(token(auth.Identity{Subject: "v", Role: auth.Viewer}), req); err != nil || s.GetUnitCode() != "19" {
		t.Errorf("with a viewer's token: %v, %v", s, err)
	}
}
