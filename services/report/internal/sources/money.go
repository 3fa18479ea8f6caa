package sources

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/period"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/report/internal/compose"
)

// MoneyInputs asks, at once, what money per result of unit for p counted
// up to `to` is composed from: the criteria service's gains of the period
// and the funding service's summary of it and purposes.
func (s *Services) MoneyInputs(ctx context.Context, unit string, p period.Period, to date.Date) (compose.MoneyInputs, error) {
	in := compose.MoneyInputs{UnitCode: unit, Period: p, From: p.From, To: to}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		in.Gains, err = s.criteria.GetCriterionGains(ctx, &criteriav1.GetCriterionGainsRequest{UnitCode: unit, From: p.From.String(), To: to.String()})
		return err
	})
	g.Go(func() error {
		var err error
		in.Funding, err = s.funding.GetFundingSummary(ctx, &fundingv1.GetFundingSummaryRequest{UnitCode: unit, AsOf: to.String(),
			From: p.From.String(), To: to.String()})
		return err
	})
	g.Go(func() error {
		resp, err := s.funding.ListPurposes(ctx, &fundingv1.ListPurposesRequest{})
		in.Purposes = resp.GetPurposes()
		return err
	})
	return in, g.Wait()
}

// Trends are the criteria service's trends, as asked.
func (s *Services) Trends(ctx context.Context, req *criteriav1.GetTrendsRequest) (*criteriav1.Trends, error) {
	return s.criteria.GetTrends(ctx, req)
}
