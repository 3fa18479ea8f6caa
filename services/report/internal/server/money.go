package server

import (
	"context"

	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/report/internal/compose"
)

// GetMoneyPerResult joins the money of a period to the communes that came
// to meet each criterion in it (compose.MoneyPerResult), counted up to the
// period's last day, or today while it runs.
func (s *Server) GetMoneyPerResult(ctx context.Context, req *reportv1.GetMoneyPerResultRequest) (*reportv1.MoneyPerResult, error) {
	unit := req.GetUnitCode()
	q, _, err := s.reportedUnit(ctx, unit, req.GetPeriod(), "")
	if err != nil {
		return nil, err
	}
	in, err := s.sources.MoneyInputs(ctx, unit, q.period, q.asOf)
	if err != nil {
		return nil, q.refusal(err)
	}
	return compose.MoneyPerResult(in), nil
}
