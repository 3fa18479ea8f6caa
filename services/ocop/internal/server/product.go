package server

import (
	"context"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/request"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop/internal/rating"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
)

func (s *Server) CreateProduct(ctx context.Context, req *ocopv1.CreateProductRequest) (*ocopv1.Product, error) {
	row, err := s.checkProduct(ctx, req.GetProduct(), "product.")
	if err != nil {
		return nil, err
	}
	saved, err := s.recordProducts(ctx, []store.Product{row})
	if err != nil {
		return nil, err
	}
	grpcserver.SetCreated(ctx)
	return s.productToProto(saved[0], store.History{}, date.Today()), nil
}

// checkProduct is CreateProduct's checks of p, the caller's scope first
// (its producer's unit): the guard's PermissionDenied, fault.Invalid
// naming the field after prefix ("product."), or the product to record.
func (s *Server) checkProduct(ctx context.Context, p *ocopv1.Product, prefix string) (store.Product, error) {
	if _, err := s.producerFor(ctx, auth.Write, p.GetProducerId()); err != nil {
		return store.Product{}, notFound(err, fault.Invalid(prefix+"producer_id", "producer %d does not exist", p.GetProducerId()))
	}
	if _, ok := s.catalog.ProductGroup(p.GetProductGroup()); !ok {
		return store.Product{}, fault.Invalid(prefix+"product_group", "no product group %q (GET /v1/ocopCatalogs lists them)", p.GetProductGroup())
	}
	return store.Product{Name: p.GetDisplayName(), ProducerID: p.GetProducerId(), ProductGroup: p.GetProductGroup()}, nil
}

// recordProducts writes checked products in one transaction.
func (s *Server) recordProducts(ctx context.Context, rows []store.Product) ([]store.Product, error) {
	saved, err := s.store.CreateProducts(ctx, rows)
	if err != nil {
		return nil, err
	}
	s.changed(ctx)
	return saved, nil
}

func (s *Server) GetProduct(ctx context.Context, req *ocopv1.GetProductRequest) (*ocopv1.Product, error) {
	p, err := s.productFor(ctx, auth.Read, req.GetId())
	if err != nil {
		return nil, notFound(err, productNotFound(req.GetId()))
	}
	asOf, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	h, err := s.store.History(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return s.productToProto(p, h, asOf), nil
}

func (s *Server) ListProducts(ctx context.Context, req *ocopv1.ListProductsRequest) (*ocopv1.ListProductsResponse, error) {
	if err := s.guard.Unit(ctx, auth.Read, req.GetUnitCode()); err != nil {
		return nil, err
	}
	q, asOf, units, err := s.listUnits(ctx, listQuery{List: "products", Unit: req.GetUnitCode(), Group: req.GetProductGroup(),
		Expiring: int(req.GetExpiringWithinDays())}, req.GetAsOf(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	filter := store.ProductFilter{Group: req.GetProductGroup()}
	if days := int(req.GetExpiringWithinDays()); days > 0 {
		// As the summary counts its expiring certificates (store.SummaryFacts).
		filter.ExpiringBy = asOf.AddDays(days)
	}
	limit := request.PageSize(req.GetPageSize(), defaultPageSize, maxPageSize)
	rows, err := s.store.ListProducts(ctx, units, filter, asOf, q.After, limit+1)
	if err != nil {
		return nil, err
	}
	resp := &ocopv1.ListProductsResponse{}
	if len(rows) > limit {
		rows = rows[:limit]
		resp.NextPageToken = q.next(rows[limit-1].ID)
	}
	for _, p := range rows {
		out := s.productToProto(p.Product, store.History{}, asOf)
		out.CertifiedStars = int32(p.CertifiedStars)
		out.CertifiedUntil = p.CertifiedUntil.String()
		resp.Products = append(resp.Products, out)
	}
	return resp, nil
}

// productToProto is a product with its history and the stars certified on
// asOf, each evaluation with what it lacks for the next star.
func (s *Server) productToProto(p store.Product, h store.History, asOf date.Date) *ocopv1.Product {
	out := &ocopv1.Product{Name: store.ProductName(p.ID), Id: p.ID, DisplayName: p.Name, ProducerId: p.ProducerID,
		ProductGroup: p.ProductGroup, UnitCode: p.UnitCode}
	for _, r := range h.Registrations {
		out.Registrations = append(out.Registrations, registrationToProto(r))
	}
	for _, e := range h.Evaluations {
		out.Evaluations = append(out.Evaluations, evaluationToProto(e, s.nextStar(e)))
	}
	for _, c := range h.Certificates {
		out.Certificates = append(out.Certificates, certificateToProto(c))
		if rating.InForce(validity(c), asOf) {
			out.CertifiedStars = int32(c.Stars)
			out.CertifiedUntil = c.ValidUntil.String()
		}
	}
	return out
}

func validity(c store.Certificate) rating.Certificate {
	return rating.Certificate{IssuedOn: c.IssuedOn, ValidUntil: c.ValidUntil, EndedOn: c.EndedOn}
}

// nextStar is what stored evaluation e lacks for the next star, worked out
// again by the rating code from its points under the catalog set that scored
// it (the one in force on its date), so that it is never stored twice and a
// read answers what the creation did. nil when the catalog loaded has no
// such set or refuses the points (data changed under the evaluation since).
func (s *Server) nextStar(e store.Evaluation) *rating.NextStar {
	set, ok := s.catalog.Set(e.Catalog)
	if !ok {
		return nil
	}
	scores := make([]rating.LineScore, len(e.Scores))
	for i, sc := range e.Scores {
		scores[i] = rating.LineScore{Code: sc.Code, Points: sc.Points}
	}
	res, err := rating.Score(set, scores, "")
	if err != nil {
		return nil
	}
	next := res.NextStar()
	return &next
}
