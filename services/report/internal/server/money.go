package server

import (
	"context"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/period"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/report/internal/compose"
)

// GetMoneyPerResult joins the money of a period to the communes that came
// to meet each criterion in it (compose.MoneyPerResult), counted up to the
// period's last day, or today while it runs.
func (s *Server) GetMoneyPerResult(ctx context.Context, req *reportv1.GetMoneyPerResultRequest) (*reportv1.MoneyPerResult, error) {
	q, err := readQuery(req.GetPeriod(), "", date.Today())
	if err != nil {
		return nil, err
	}
	unit := req.GetUnitCode()
	if err := s.guard.Unit(ctx, auth.Read, unit); err != nil {
		return nil, err
	}
	if q.period.Kind == period.Phase {
		sets, err := s.sources.CriteriaSets(ctx)
		if err != nil {
			return nil, err
		}
		if err := knownPhase(q.period, sets); err != nil {
			return nil, err
		}
	}
	u, err := s.sources.Unit(ctx, unit, q.asOf)
	if err != nil {
		return nil, q.refusal(err)
	}
	if err := reportable(unit, u, q.asOf); err != nil {
		return nil, err
	}
	in, err := s.sources.MoneyInputs(ctx, unit, q.period, q.asOf)
	if err != nil {
		return nil, q.refusal(err)
	}
	return compose.MoneyPerResult(in), nil
}
