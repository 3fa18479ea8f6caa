package registrytest

import (
	"context"
	"testing"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpctest"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// The units of StartScoped, as they stand today: two communes of province
// 19 and one of province 20, directly under their provinces since the
// districts were abolished.
const (
	Province      = "19"
	Commune       = "06005"
	Neighbour     = "06006"
	OtherProvince = "20"
	Elsewhere     = "08001"
)

// Identities a scope test calls as: one of each role, the officers of
// Province and Commune.
var (
	Admin           = auth.Identity{Subject: "admin@ubnd", Role: auth.Admin}
	ProvinceOfficer = auth.Identity{Subject: "vpdp@thainguyen", Role: auth.ProvinceOfficer, Unit: Province}
	CommuneOfficer  = auth.Identity{Subject: "canbo@06005", Role: auth.CommuneOfficer, Unit: Commune}
	Viewer          = auth.Identity{Subject: "viewer", Role: auth.Viewer}
	System          = auth.Identity{Subject: "svc", Role: auth.System}
	Identities      = []auth.Identity{Admin, ProvinceOfficer, CommuneOfficer, Viewer, System}
)

// StartScoped opens a registry that verifies tokens with keys, seeded with
// the units above, and returns a connection to it (closed at cleanup).
func StartScoped(t testing.TB, c cache.Cache, keys *auth.KeySet) *grpc.ClientConn {
	t.Helper()
	conn := StartWith(t, Options{Cache: c, Keys: keys})
	unit := func(code, name, parent string, typ registryv1.UnitType) *registryv1.ImportedUnit {
		return &registryv1.ImportedUnit{ValidFrom: "2008-01-01",
			Unit: &registryv1.UnitSpec{Code: code, DisplayName: name, ParentCode: parent, Type: typ}}
	}
	ctx := grpctest.WithToken(t, context.Background(), keys, Admin)
	if _, err := registryv1.NewRegistryServiceClient(conn).ImportUnits(ctx, &registryv1.ImportUnitsRequest{Units: []*registryv1.ImportedUnit{
		unit(Province, "Tỉnh Thái Nguyên", "", registryv1.UnitType_PROVINCE),
		unit(Commune, "Xã Phú Thượng", Province, registryv1.UnitType_COMMUNE),
		unit(Neighbour, "Xã La Hiên", Province, registryv1.UnitType_COMMUNE),
		unit(OtherProvince, "Tỉnh Lạng Sơn", "", registryv1.UnitType_PROVINCE),
		unit(Elsewhere, "Xã Hữu Lũng", OtherProvince, registryv1.UnitType_COMMUNE),
	}}); err != nil {
		t.Fatalf("registrytest: seed units: %v", err)
	}
	return conn
}
