package server

import (
	"context"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/request"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/plan"
)

// CreateEstimate records an estimate of a year-end result once: a retry gets
// the first record (200), another estimate of the same unit, year, kind and
// day is refused (409) naming it.
func (s *Server) CreateEstimate(ctx context.Context, req *criteriav1.CreateEstimateRequest) (*criteriav1.Estimate, error) {
	if err := s.guard.Unit(ctx, auth.Write, req.GetUnitCode()); err != nil {
		return nil, err
	}
	e, err := estimateFromProto(req.GetUnitCode(), req.GetEstimate())
	if err != nil {
		return nil, err
	}
	kind := s.targetKind(e.Kind)
	if err := plan.CheckEstimate(e, kind, date.Today()); err != nil {
		return nil, err
	}
	u, err := s.unitIn(ctx, e.UnitCode, e.EstimatedOn)
	if err != nil {
		return nil, err
	}
	if err := plan.CheckKindForUnit("estimate.kind", e.UnitCode, u.Type, *kind); err != nil {
		return nil, err
	}
	saved, created, err := s.plans.CreateEstimate(ctx, e)
	if err != nil {
		return nil, err
	}
	if err := answerCreate(ctx, created, plan.SameEstimate(saved, e), func() error { return plan.EstimateConflict(saved, e) }); err != nil {
		return nil, err
	}
	return estimateToProto(saved), nil
}

// ListEstimates lists a unit's estimates for a year in force on as_of: of
// each kind, the latest made on or before it.
func (s *Server) ListEstimates(ctx context.Context, req *criteriav1.ListEstimatesRequest) (*criteriav1.ListEstimatesResponse, error) {
	if err := s.guard.Unit(ctx, auth.Read, req.GetUnitCode()); err != nil {
		return nil, err
	}
	asOf, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	es, err := s.plans.ListEstimates(ctx, req.GetUnitCode(), int(req.GetYear()), asOf)
	if err != nil {
		return nil, err
	}
	resp := &criteriav1.ListEstimatesResponse{}
	for _, e := range es {
		resp.Estimates = append(resp.Estimates, estimateToProto(e))
	}
	return resp, nil
}
