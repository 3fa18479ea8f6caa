package server

import (
	"context"

	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop/internal/catalog"
)

func (s *Server) ListCatalogs(context.Context, *ocopv1.ListCatalogsRequest) (*ocopv1.ListCatalogsResponse, error) {
	c := s.catalog
	resp := &ocopv1.ListCatalogsResponse{CertificateValidMonths: int32(c.Certificate.ValidMonths)}
	for _, set := range c.Sets {
		resp.Catalogs = append(resp.Catalogs, setToProto(set))
	}
	for _, g := range c.ProductGroups {
		resp.ProductGroups = append(resp.ProductGroups, &ocopv1.ProductGroup{Code: g.Code, DisplayName: g.Name})
	}
	resp.StarBands = bandsToProto(c.Bands)
	for _, p := range c.Periods {
		pp := &ocopv1.CouncilPeriod{ValidFrom: p.Valid.From.String(), ValidTo: p.Valid.To.String()}
		for _, r := range p.Rules {
			rule := &ocopv1.CouncilRule{Level: ocopv1.CouncilLevel(r.Level), Role: r.Role}
			for _, st := range r.CertifiesStars {
				rule.CertifiesStars = append(rule.CertifiesStars, int32(st))
			}
			pp.Rules = append(pp.Rules, rule)
		}
		resp.CouncilPeriods = append(resp.CouncilPeriods, pp)
	}
	return resp, nil
}

func setToProto(set *catalog.Set) *ocopv1.Catalog {
	p := &ocopv1.Catalog{Code: set.Code, DisplayName: set.Name, ValidFrom: set.Valid.From.String(), ValidTo: set.Valid.To.String(), LegalBasis: set.LegalBasis}
	for _, part := range set.Parts {
		p.Parts = append(p.Parts, &ocopv1.Part{Code: part.Code, DisplayName: part.Name, MaxPoints: part.MaxPoints})
	}
	for _, l := range set.Lines {
		p.Lines = append(p.Lines, &ocopv1.SheetLine{Code: l.Code, Part: l.Part, DisplayName: l.Name, MaxPoints: l.MaxPoints, Confirmed: l.Confirmed})
	}
	return p
}

func bandsToProto(bands []catalog.StarBand) []*ocopv1.StarBand {
	out := make([]*ocopv1.StarBand, len(bands))
	for i, b := range bands {
		out[i] = &ocopv1.StarBand{Stars: int32(b.Stars), Min: b.Min, Below: b.Below, Label: b.Label}
	}
	return out
}
