package server

import (
	"context"

	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/funding/internal/catalog"
)

func (s *Server) ListFundingSources(context.Context, *fundingv1.ListFundingSourcesRequest) (*fundingv1.ListFundingSourcesResponse, error) {
	out := &fundingv1.ListFundingSourcesResponse{}
	for _, src := range s.catalog.Sources {
		out.Sources = append(out.Sources, sourceToProto(src))
	}
	return out, nil
}

func (s *Server) ListPurposes(context.Context, *fundingv1.ListPurposesRequest) (*fundingv1.ListPurposesResponse, error) {
	out := &fundingv1.ListPurposesResponse{}
	for _, p := range s.catalog.Purposes {
		pp := &fundingv1.Purpose{Code: p.Code, DisplayName: p.Name}
		for _, l := range p.Criteria {
			pp.Criteria = append(pp.Criteria, linkToProto(l))
		}
		out.Purposes = append(out.Purposes, pp)
	}
	for _, cs := range s.catalog.CriteriaSets {
		out.CriteriaSets = append(out.CriteriaSets, &fundingv1.CriteriaSetYears{Code: cs.Code, DisplayName: cs.Name,
			FromYear: int32(cs.FromYear), ToYear: int32(cs.ToYear), Confirmed: cs.Confirmed})
	}
	return out, nil
}

func sourceToProto(src catalog.Source) *fundingv1.FundingSource {
	return &fundingv1.FundingSource{Code: src.Code, DisplayName: src.Name, Kind: kindToProto(src.Kind),
		QuantityUnit: src.QuantityUnit, FromYear: int32(src.FromYear), ToYear: int32(src.ToYear), Confirmed: src.Confirmed}
}

func linkToProto(l catalog.CriterionLink) *fundingv1.CriterionLink {
	return &fundingv1.CriterionLink{CriteriaSet: l.Set, CriterionCode: l.Code, CriterionName: l.Name, Confirmed: l.Confirmed}
}

func kindToProto(k catalog.Kind) fundingv1.SourceKind {
	if k == catalog.InKind {
		return fundingv1.SourceKind_IN_KIND
	}
	return fundingv1.SourceKind_MONEY
}
