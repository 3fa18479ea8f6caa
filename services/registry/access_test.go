package registry_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/grpctest"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

const (
	ok = codes.OK
	no = codes.PermissionDenied
)

// accessCase is a call and the code each of roles gets for it.
type accessCase struct {
	name string
	call func(t *testing.T, e *env, ctx context.Context) error
	// want is for admin, province officer of 19, commune officer of 100,
	// viewer of 19 and system, in that order.
	want [5]codes.Code
}

// Every role against every kind of call, over gRPC to a registry that
// checks tokens. Decisions about units (recognitions, changes of the map)
// belong to the authority above them: a province officer inside their
// province, never a commune officer; imports and new provinces to the whole
// country. The map itself is public; recognitions are read within scope;
// the audit is for admins.
func TestAccessByRoleActionAndUnit(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		for i, id := range roles {
			t.Run(string(id.Role), func(t *testing.T) {
				// A registry per role, so that the writes of one role do
				// not collide with another's (a unit changes once a day).
				e := start(t, b)
				for _, c := range accessCases {
					t.Run(c.name, func(t *testing.T) {
						grpctest.WantCode(t, c.call(t, e, e.as(id)), c.want[i])
					})
				}
			})
		}
	})
}

var accessCases = []accessCase{
	{"recognise own commune", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.recognise(ctx, "100")
		return err
	}, [5]codes.Code{ok, ok, no, no, ok}},
	{"recognise a commune of another province", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.recognise(ctx, "200")
		return err
	}, [5]codes.Code{ok, no, no, no, ok}},
	{"revoke a recognition of own commune", func(t *testing.T, e *env, ctx context.Context) error {
		r, err := e.recognise(e.as(admin), "100")
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.revoke(ctx, "100", recognitionID(t, r))
		return err
	}, [5]codes.Code{ok, ok, no, no, ok}},
	{"change a unit of own province", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.rename(ctx, "101", "Xã Lâu Thượng Mới")
		return err
	}, [5]codes.Code{ok, ok, no, no, ok}},
	{"change a unit of another province", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.rename(ctx, "200", "Xã Bộc Bố Mới")
		return err
	}, [5]codes.Code{ok, no, no, no, ok}},
	{"create a village in own commune", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.reg.CreateUnit(ctx, &registryv1.CreateUnitRequest{DecisionNumber: "12/QĐ-UBND", ValidFrom: "2015-01-01",
			Unit: &registryv1.UnitSpec{Code: "1000", DisplayName: "Xóm Làng Lai", Type: registryv1.UnitType_VILLAGE, ParentCode: "100"}})
		return err
	}, [5]codes.Code{ok, ok, no, no, ok}},
	{"create a province", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.reg.CreateUnit(ctx, &registryv1.CreateUnitRequest{DecisionNumber: "1/NQ-QH", ValidFrom: "2015-01-01",
			Unit: &registryv1.UnitSpec{Code: "30", DisplayName: "Tỉnh Mới", Type: registryv1.UnitType_PROVINCE}})
		return err
	}, [5]codes.Code{ok, no, no, no, ok}},
	{"import units", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.reg.ImportUnits(ctx, &registryv1.ImportUnitsRequest{Units: []*registryv1.ImportedUnit{
			imported("102", "Xã Phú Thượng", registryv1.UnitType_COMMUNE, "170")}})
		return err
	}, [5]codes.Code{ok, no, no, no, ok}},
	{"read units anywhere", func(t *testing.T, e *env, ctx context.Context) error {
		if _, err := e.reg.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "200"}); err != nil {
			return err
		}
		if _, err := e.reg.ListUnits(ctx, &registryv1.ListUnitsRequest{Parent: "20", Type: registryv1.UnitType_COMMUNE}); err != nil {
			return err
		}
		if _, err := e.reg.ListAncestors(ctx, &registryv1.ListAncestorsRequest{Code: "200"}); err != nil {
			return err
		}
		if _, err := e.reg.GetUnitLineage(ctx, &registryv1.GetUnitLineageRequest{Code: "200"}); err != nil {
			return err
		}
		_, err := e.reg.ListLineageLinks(ctx, &registryv1.ListLineageLinksRequest{})
		return err
	}, [5]codes.Code{ok, ok, ok, ok, ok}},
	{"count units anywhere", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.reg.CountUnits(ctx, &registryv1.CountUnitsRequest{Parent: "20"})
		return err
	}, [5]codes.Code{ok, ok, ok, ok, ok}},
	{"list recognitions of own province", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.reg.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{Parent: "19"})
		return err
	}, [5]codes.Code{ok, ok, ok, ok, ok}},
	{"list recognitions of another province", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.reg.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{Parent: "20"})
		return err
	}, [5]codes.Code{ok, no, no, no, ok}},
	{"list recognitions of the country", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.reg.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{})
		return err
	}, [5]codes.Code{ok, no, no, no, ok}},
	{"list audit events", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.audit.ListAuditEvents(ctx, &auditv1.ListAuditEventsRequest{})
		return err
	}, [5]codes.Code{ok, no, no, no, no}},
}

// Without a token nothing is served, not even the public map.
func TestCallsWithoutATokenAreRefused(t *testing.T) {
	e := start(t, backends[0])
	_, err := e.reg.GetUnit(context.Background(), &registryv1.GetUnitRequest{Code: "19"})
	grpctest.WantCode(t, err, codes.Unauthenticated)
}
