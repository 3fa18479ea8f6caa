package server_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpctest"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
)

// The callers of the access tests: one of each role, officers and a viewer
// of province 19 and an officer of its commune 100.
var (
	admin      = auth.Identity{Subject: "admin", Role: auth.Admin}
	officer19  = auth.Identity{Subject: "tinh-19", Role: auth.ProvinceOfficer, Unit: province}
	officer100 = auth.Identity{Subject: "xa-100", Role: auth.CommuneOfficer, Unit: "100"}
	viewer     = auth.Identity{Subject: "viewer", Role: auth.Viewer}
	viewer19   = auth.Identity{Subject: "viewer-19", Role: auth.Viewer, Unit: province}
	system     = auth.Identity{Subject: "funding", Role: auth.System}
)

// missingID is the id of no producer nor product.
const missingID = 999999

// newKeyedEnv starts the seeded registry (bumping cfg.Cache) and an OCOP
// service with cfg and keys; as is its client calling as id.
func newKeyedEnv(t *testing.T, cfg ocop.Config) (e *env, as func(id auth.Identity) *api) {
	t.Helper()
	keys := grpctest.Keys(t)
	e = startRegistry(t, cfg.Cache)
	cfg.AuthKeys = keys
	e.api = startOcop(t, e.regConn, cfg)
	return e, func(id auth.Identity) *api {
		return e.api.as(grpctest.WithToken(t, context.Background(), keys, id))
	}
}

func newProducerRequest(unit string) *ocopv1.CreateProducerRequest {
	return &ocopv1.CreateProducerRequest{Producer: &ocopv1.Producer{DisplayName: "HTX " + unit,
		Kind: ocopv1.ProducerKind_COOPERATIVE, UnitCode: unit, RegisteredOn: "2020-01-01"}}
}

func newProductRequest(producer int64) *ocopv1.CreateProductRequest {
	return &ocopv1.CreateProductRequest{Product: &ocopv1.Product{DisplayName: "Chè", ProducerId: producer, ProductGroup: "BEVERAGE"}}
}

func certificateRequest(product, evaluation int64) *ocopv1.CreateCertificateRequest {
	return &ocopv1.CreateCertificateRequest{ProductId: product, Certificate: &ocopv1.Certificate{
		EvaluationId: evaluation, DecisionNumber: "1/QĐ-UBND", IssuedOn: "2024-06-01"}}
}

// Each role reaches the units its scope covers, over gRPC with tokens: the
// officers of province 19 and of commune 100, a viewer of the country and
// one of province 19, the system and an admin.
func TestAccessByRoleAndUnit(t *testing.T) {
	_, as := newKeyedEnv(t, ocop.Config{SQLitePath: filepath.Join(t.TempDir(), "ocop.db"), Cache: cache.NewMemory()})
	root := as(admin)
	own := root.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2020-01-01")
	neighbour := root.producer(t, "HTX Lâu Thượng", ocopv1.ProducerKind_COOPERATIVE, "101", "2020-01-01")
	sameProvince := root.producer(t, "HTX Hóa Thượng", ocopv1.ProducerKind_COOPERATIVE, "110", "2020-01-01")
	otherProvince := root.producer(t, "HTX Chi Lăng", ocopv1.ProducerKind_COOPERATIVE, "120", "2020-01-01")
	// A product of commune 100 of its own for each call, so that every
	// accepted registration or certificate is the product's first.
	ownProduct := func() int64 { return root.product(t, own, "Chè xanh", "BEVERAGE") }

	identities := []auth.Identity{admin, officer19, officer100, viewer, viewer19, system}
	const ok, denied, notFound, invalid = codes.OK, codes.PermissionDenied, codes.NotFound, codes.InvalidArgument
	for _, tc := range []struct {
		action string
		call   func(a *api) error
		want   [6]codes.Code // for identities, in order
	}{
		{"create a producer in own commune", func(a *api) error {
			_, err := a.CreateProducer(a.ctx, newProducerRequest("100"))
			return err
		}, [6]codes.Code{ok, ok, ok, denied, denied, ok}},
		{"create a producer in a neighbour commune", func(a *api) error {
			_, err := a.CreateProducer(a.ctx, newProducerRequest("101"))
			return err
		}, [6]codes.Code{ok, ok, denied, denied, denied, ok}},
		{"create a producer in another province", func(a *api) error {
			_, err := a.CreateProducer(a.ctx, newProducerRequest("120"))
			return err
		}, [6]codes.Code{ok, denied, denied, denied, denied, ok}},
		{"create a product of an own producer", func(a *api) error {
			_, err := a.CreateProduct(a.ctx, newProductRequest(own))
			return err
		}, [6]codes.Code{ok, ok, ok, denied, denied, ok}},
		{"create a product of a neighbour's producer", func(a *api) error {
			_, err := a.CreateProduct(a.ctx, newProductRequest(neighbour))
			return err
		}, [6]codes.Code{ok, ok, denied, denied, denied, ok}},
		{"create a product of a missing producer", func(a *api) error {
			_, err := a.CreateProduct(a.ctx, newProductRequest(missingID))
			return err
		}, [6]codes.Code{invalid, denied, denied, denied, denied, invalid}},
		{"register an own product", func(a *api) error {
			_, err := a.CreateRegistration(a.ctx, &ocopv1.CreateRegistrationRequest{ProductId: ownProduct(),
				Registration: &ocopv1.Registration{Year: 2024, RegisteredOn: "2024-03-01"}})
			return err
		}, [6]codes.Code{ok, ok, ok, denied, denied, ok}},
		{"review the registration of an own product", func(a *api) error {
			p := ownProduct()
			root.register(t, p, 2024, "2024-03-01")
			_, err := a.ReviewRegistration(a.ctx, &ocopv1.ReviewRegistrationRequest{ProductId: p, Year: 2024,
				Eligibility: eligible, ReviewedOn: "2024-04-01"})
			return err
		}, [6]codes.Code{ok, ok, denied, denied, denied, ok}},
		{"evaluate an own product", func(a *api) error {
			_, err := a.CreateEvaluation(a.ctx, &ocopv1.CreateEvaluationRequest{ProductId: ownProduct(), Evaluation: &ocopv1.Evaluation{
				Year: 2024, EvaluatedOn: "2024-05-10", CouncilLevel: byProvince, Scores: fill23(75)}})
			return err
		}, [6]codes.Code{ok, ok, denied, denied, denied, ok}},
		{"certify an own product", func(a *api) error {
			p := ownProduct()
			ev := root.evaluate(t, p, 2024, "2024-05-10", byProvince, fill23(75))
			_, err := a.CreateCertificate(a.ctx, certificateRequest(p, ev.GetId()))
			return err
		}, [6]codes.Code{ok, ok, denied, denied, denied, ok}},
		{"revoke a certificate of an own product", func(a *api) error {
			p := ownProduct()
			c := root.certify(t, p, root.evaluate(t, p, 2024, "2024-05-10", byProvince, fill23(75)).GetId(), "2024-06-01")
			_, err := a.RevokeCertificate(a.ctx, &ocopv1.RevokeCertificateRequest{ProductId: p, Id: c.GetId(),
				RevokedOn: "2024-07-01", DecisionNumber: "2/QĐ-UBND"})
			return err
		}, [6]codes.Code{ok, ok, denied, denied, denied, ok}},
		{"read an own producer", func(a *api) error {
			_, err := a.GetProducer(a.ctx, &ocopv1.GetProducerRequest{Id: own})
			return err
		}, [6]codes.Code{ok, ok, ok, ok, ok, ok}},
		{"read a producer of the province", func(a *api) error {
			_, err := a.GetProducer(a.ctx, &ocopv1.GetProducerRequest{Id: sameProvince})
			return err
		}, [6]codes.Code{ok, ok, ok, ok, ok, ok}},
		{"read a producer of another province", func(a *api) error {
			_, err := a.GetProducer(a.ctx, &ocopv1.GetProducerRequest{Id: otherProvince})
			return err
		}, [6]codes.Code{ok, denied, denied, ok, denied, ok}},
		{"read a missing producer", func(a *api) error {
			_, err := a.GetProducer(a.ctx, &ocopv1.GetProducerRequest{Id: missingID})
			return err
		}, [6]codes.Code{notFound, denied, denied, notFound, denied, notFound}},
		{"read a missing product", func(a *api) error {
			_, err := a.GetProduct(a.ctx, &ocopv1.GetProductRequest{Id: missingID})
			return err
		}, [6]codes.Code{notFound, denied, denied, notFound, denied, notFound}},
		{"read the summary of own commune", func(a *api) error {
			_, err := a.GetOcopSummary(a.ctx, &ocopv1.GetOcopSummaryRequest{UnitCode: "100"})
			return err
		}, [6]codes.Code{ok, ok, ok, ok, ok, ok}},
		{"read the summary of the province", func(a *api) error {
			_, err := a.GetOcopSummary(a.ctx, &ocopv1.GetOcopSummaryRequest{UnitCode: province})
			return err
		}, [6]codes.Code{ok, ok, ok, ok, ok, ok}},
		{"read the summary of another province", func(a *api) error {
			_, err := a.GetOcopSummary(a.ctx, &ocopv1.GetOcopSummaryRequest{UnitCode: province2})
			return err
		}, [6]codes.Code{ok, denied, denied, ok, denied, ok}},
		{"list the producers of the province", func(a *api) error {
			_, err := a.ListProducers(a.ctx, &ocopv1.ListProducersRequest{UnitCode: province})
			return err
		}, [6]codes.Code{ok, ok, ok, ok, ok, ok}},
		{"list the products of the country", func(a *api) error {
			_, err := a.ListProducts(a.ctx, &ocopv1.ListProductsRequest{UnitCode: country})
			return err
		}, [6]codes.Code{ok, denied, denied, ok, denied, ok}},
		{"list the audit events", func(a *api) error {
			_, err := a.audit.ListAuditEvents(a.ctx, &auditv1.ListAuditEventsRequest{})
			return err
		}, [6]codes.Code{ok, denied, denied, denied, denied, denied}},
		{"read the catalogs", func(a *api) error {
			_, err := a.ListCatalogs(a.ctx, &ocopv1.ListCatalogsRequest{})
			return err
		}, [6]codes.Code{ok, ok, ok, ok, ok, ok}},
	} {
		for i, id := range identities {
			t.Run(tc.action+"/"+id.Subject, func(t *testing.T) {
				grpctest.WantCode(t, tc.call(as(id)), tc.want[i])
			})
		}
	}
}

// A scoped caller is refused alike whether a resource lies outside their
// scope or does not exist: the answer tells nothing of what is outside.
func TestRefusalsDoNotTellMissingFromOutOfScope(t *testing.T) {
	_, as := newKeyedEnv(t, ocop.Config{SQLitePath: filepath.Join(t.TempDir(), "ocop.db"), Cache: cache.NewMemory()})
	root := as(admin)
	neighbour := root.producer(t, "HTX Lâu Thượng", ocopv1.ProducerKind_COOPERATIVE, "101", "2020-01-01")
	otherProvince := root.producer(t, "HTX Chi Lăng", ocopv1.ProducerKind_COOPERATIVE, "120", "2020-01-01")
	foreignProduct := root.product(t, otherProvince, "Na Chi Lăng", "FOOD")

	commune, viewer := as(officer100), as(viewer19)
	getProducer := func(a *api, id int64) error {
		_, err := a.GetProducer(a.ctx, &ocopv1.GetProducerRequest{Id: id})
		return err
	}
	for _, tc := range []struct {
		name            string
		outside, absent func() error
		outsideName     string
		absentName      string
	}{
		{"a commune officer reading a producer",
			func() error { return getProducer(commune, otherProvince) }, func() error { return getProducer(commune, missingID) },
			store.ProducerName(otherProvince), store.ProducerName(missingID)},
		{"a province's viewer reading a producer",
			func() error { return getProducer(viewer, otherProvince) }, func() error { return getProducer(viewer, missingID) },
			store.ProducerName(otherProvince), store.ProducerName(missingID)},
		{"a commune officer adding a product to a neighbour's producer",
			func() error { _, err := commune.CreateProduct(commune.ctx, newProductRequest(neighbour)); return err },
			func() error { _, err := commune.CreateProduct(commune.ctx, newProductRequest(missingID)); return err },
			store.ProducerName(neighbour), store.ProducerName(missingID)},
		{"a commune officer reading a product",
			func() error {
				_, err := commune.GetProduct(commune.ctx, &ocopv1.GetProductRequest{Id: foreignProduct})
				return err
			},
			func() error {
				_, err := commune.GetProduct(commune.ctx, &ocopv1.GetProductRequest{Id: missingID})
				return err
			},
			store.ProductName(foreignProduct), store.ProductName(missingID)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			outside, absent := refusal(t, tc.outside(), tc.outsideName), refusal(t, tc.absent(), tc.absentName)
			if outside != absent {
				t.Errorf("out of scope: %s\nmissing:      %s", outside, absent)
			}
		})
	}
}

// refusal is err, a PermissionDenied naming the resource name, as a client
// reads it with the name left out.
func refusal(t *testing.T, err error, name string) string {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.PermissionDenied {
		t.Fatalf("%v, want PermissionDenied", err)
	}
	var info *errdetails.ResourceInfo
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.ResourceInfo); ok {
			info = ri
		}
	}
	if info.GetResourceName() != name {
		t.Fatalf("refusal names %q, want %q (%v)", info.GetResourceName(), name, err)
	}
	return info.GetResourceType() + ": " + strings.ReplaceAll(st.Message(), name, "NAME")
}
