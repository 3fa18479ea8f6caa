package server

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/fault"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/funding/internal/planindex"
	"github.com/ntmsuite/ntm/services/funding/internal/progress"
)

// GetFundingSummary answers from the cache under a key made of the request
// alone (a hit asks the registry nothing); on a miss it computes the
// summary once for all concurrent callers. Values are stamped with the
// funding and registry generations, so any write here or to the map is
// seen by the next read (see cachekeys.go).
func (s *Server) GetFundingSummary(ctx context.Context, req *fundingv1.GetFundingSummaryRequest) (*fundingv1.FundingSummary, error) {
	p, err := readPeriod(req.GetAsOf(), req.GetFrom(), req.GetTo())
	if err != nil {
		return nil, err
	}
	unit := req.GetUnitCode()
	// Before the cache: a summary cached for one caller is no one else's.
	if err := s.guard.Unit(ctx, auth.Read, cmp.Or(unit, auth.CountryCode)); err != nil {
		return nil, err
	}
	return s.caches.summaries.Get(ctx, summaryKey{Unit: unit, Period: p})
}

// computeSummary rolls the units up on as_of, with the map as of registry
// generation gen (see caches.rollupAt), takes one fact per plan from the
// index of plans (followedPlans) and adds them up with checked arithmetic.
func (s *Server) computeSummary(ctx context.Context, k summaryKey, gen int64) (*fundingv1.FundingSummary, error) {
	unit, p := k.Unit, k.Period
	r, err := s.caches.rollupAt(ctx, rollupKey{Unit: unit, AsOf: p.asOf}, gen)
	if err != nil {
		return nil, err
	}
	q := planindex.Query{FromYear: p.from.Year(), ToYear: p.to.Year(), AllocatedBy: p.asOf, DisbursedFrom: p.from, DisbursedTo: p.until()}
	// The country counts nearly every plan: every unit's are read, and
	// those of units it does not count that day are dropped below.
	if unit == CountryCode {
		q.EveryUnit = true
	} else {
		q.Units = r.units()
	}
	rows, err := s.plans.facts(ctx, q)
	if err != nil {
		return nil, err
	}
	facts := make([]progress.Fact, 0, len(rows))
	for _, f := range rows {
		row, ok := r.RowOf[f.UnitCode]
		if !ok {
			continue
		}
		facts = append(facts, progress.Fact{Unit: row, Source: f.Source, Purpose: f.Purpose, Year: f.Year,
			Planned: f.Planned, Disbursed: f.Disbursed})
	}
	sum, err := progress.Summarise(s.catalog, facts)
	if errors.Is(err, progress.ErrOverflow) {
		return nil, fault.OutOfRange("the money under unit %s from %s to %s adds up to more than can be counted (int64 VND): check for amounts typed with extra zeros", unit, p.from, p.to)
	}
	if err != nil {
		return nil, err
	}
	return s.summaryToProto(unit, p, r, sum), nil
}

func (s *Server) summaryToProto(unit string, p period, r rollup, sum progress.Summary) *fundingv1.FundingSummary {
	out := &fundingv1.FundingSummary{
		UnitCode: unit, AsOf: p.asOf.String(), From: p.from.String(), To: p.to.String(),
		Total: progressOf(sum.Total), MobilisedVnd: sum.MobilisedVND,
		ComputedAt: time.Now().UTC().Format(time.RFC3339),
	}
	for _, l := range sum.BySource {
		row := &fundingv1.SourceProgress{Source: l.Source.Code, DisplayName: l.Source.Name, Kind: kindToProto(l.Source.Kind), Progress: progressOf(l.Line)}
		if row.Kind == fundingv1.SourceKind_IN_KIND {
			row.PlannedQuantity = progress.FormatQuantity(l.Planned.QuantityMilli)
			row.DisbursedQuantity = progress.FormatQuantity(l.Disbursed.QuantityMilli)
			row.QuantityUnit = l.Source.QuantityUnit
		}
		out.BySource = append(out.BySource, row)
	}
	for _, l := range sum.ByPurpose {
		pp := &fundingv1.PurposeProgress{Purpose: l.Purpose.Code, DisplayName: l.Purpose.Name, Progress: progressOf(l.Line)}
		for _, src := range l.BySource {
			pp.BySource = append(pp.BySource, &fundingv1.PurposeSourceProgress{Source: src.Source.Code, DisplayName: src.Source.Name, Progress: progressOf(src.Line)})
		}
		out.ByPurpose = append(out.ByPurpose, pp)
	}
	for _, l := range sum.ByCriterion {
		out.ByCriterion = append(out.ByCriterion, &fundingv1.CriterionProgress{CriteriaSet: l.Criterion.Set,
			CriterionCode: l.Criterion.Code, DisplayName: l.Criterion.Name, Progress: progressOf(l.Line)})
	}
	for _, l := range sum.ByYear {
		out.ByYear = append(out.ByYear, &fundingv1.YearProgress{Year: int32(l.Year), Progress: progressOf(l.Line)})
	}
	for _, l := range sum.ByUnit {
		out.ByUnit = append(out.ByUnit, &fundingv1.UnitProgress{UnitCode: l.Unit, DisplayName: r.Names[l.Unit], Progress: progressOf(l.Line)})
	}
	return out
}

func progressOf(l progress.Line) *fundingv1.Progress {
	return &fundingv1.Progress{PlannedVnd: l.Planned.AmountVND, DisbursedVnd: l.Disbursed.AmountVND,
		DisbursedPercent: progress.Percent(l.Disbursed.AmountVND, l.Planned.AmountVND)}
}
