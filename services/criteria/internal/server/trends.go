package server

import (
	"cmp"
	"context"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/period"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/criteria/internal/trend"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// maxTrendPoints bounds a series: half years since 2010 are about 40.
const maxTrendPoints = 100

// GetTrends counts, on each date, the communes under the unit meeting each
// criterion of the target set, from the assessments of the set in force on
// the date read through the crosswalks (package trend). Uncached: it
// catches the index up and asks the registry for each date.
func (s *Server) GetTrends(ctx context.Context, req *criteriav1.GetTrendsRequest) (*criteriav1.Trends, error) {
	code := req.GetUnitCode()
	if err := s.guard.Unit(ctx, auth.Read, code); err != nil {
		return nil, err
	}
	dates, step, err := trendDates(req)
	if err != nil {
		return nil, err
	}
	onto, err := s.trendTarget(ctx, code, req.GetOnto(), dates[len(dates)-1])
	if err != nil {
		return nil, err
	}
	if err := s.index.catchUp(ctx); err != nil {
		return nil, err
	}
	out := &criteriav1.Trends{UnitCode: code, Onto: onto.Code, Step: string(step)}
	for _, cr := range onto.Criteria {
		out.Criteria = append(out.Criteria, &criteriav1.CriterionTrend{Code: cr.Code, DisplayName: cr.Name})
	}
	readings := map[string][]trend.Reading{} // by source set
	seen := false                            // the unit exists on some date
	for _, d := range dates {
		td, points, err := s.trendPoints(ctx, code, d, onto, readings)
		if err != nil {
			return nil, err
		}
		seen = seen || len(points) == 0 || points[0].Gap != trend.NoUnit
		out.Dates = append(out.Dates, td)
		for i, p := range points {
			out.Criteria[i].Points = append(out.Criteria[i].Points, trendPoint(td, p))
		}
	}
	if !seen {
		return nil, fault.NotFound("unit", "units/"+code, "unit %s is not a commune, district or province on any date from %s to %s", code, dates[0], dates[len(dates)-1])
	}
	return out, nil
}

func trendDates(req *criteriav1.GetTrendsRequest) ([]date.Date, trend.Step, error) {
	from, err := period.Parse(req.GetFrom())
	if err != nil {
		return nil, "", fault.Invalid("from", "%v", err)
	}
	to, err := period.Parse(req.GetTo())
	if err != nil {
		return nil, "", fault.Invalid("to", "%v", err)
	}
	if to.To.Before(from.From) {
		return nil, "", fault.Invalid("to", "%s ends before %s starts", to, from)
	}
	step := trend.Step(cmp.Or(req.GetStep(), string(trend.StepYear)))
	dates := trend.Dates(from, to, step, date.Today())
	switch {
	case len(dates) == 0:
		return nil, "", fault.Invalid("from", "%s has not begun", from)
	case len(dates) > maxTrendPoints:
		return nil, "", fault.Invalid("from", "%s to %s by %s is %d points; at most %d", from, to, step, len(dates), maxTrendPoints)
	}
	return dates, step, nil
}

// trendTarget is the commune set named, or the one in force on last for
// the unit's province (the national one when the unit is gone by then).
func (s *Server) trendTarget(ctx context.Context, code, named string, last date.Date) (*catalog.Set, error) {
	var u registryclient.Unit
	if code != CountryCode {
		var err error
		if u, err = unitAt(ctx, s.registry, code, last); err != nil && !isFault(err, fault.KindNotFound) {
			return nil, err
		}
	}
	return s.setFor(u, catalog.UnitCommune, named, "onto", last, "to")
}

// trendPoints is what date d counts: the set in force, the communes, and
// a point per criterion of onto. A unit absent on d, or a date no set
// leads from to onto, gives points with a gap rather than an error: a
// series spans merges and phases.
func (s *Server) trendPoints(ctx context.Context, code string, d date.Date, onto *catalog.Set, readings map[string][]trend.Reading) (*criteriav1.TrendDate, []trend.Point, error) {
	td := &criteriav1.TrendDate{Date: d.String()}
	n := len(onto.Criteria)
	u, err := aggregatedUnit(ctx, s.registry, code, d)
	if isFault(err, fault.KindNotFound) || isFault(err, fault.KindInvalid) {
		return td, trend.Gaps(n, trend.NoUnit), nil
	}
	if err != nil {
		return nil, nil, err
	}
	src, ok := s.catalog.SetFor(d, u.ProvinceCode, catalog.UnitCommune)
	if !ok {
		return td, trend.Gaps(n, trend.NoSet), nil
	}
	td.CriteriaSet = src.Code
	rs, ok := readings[src.Code]
	if !ok {
		// No crosswalk from src to onto (onto older than src): no figure.
		rs, _ = trend.Readings(s.catalog, src, onto)
		readings[src.Code] = rs
	}
	codes, err := communesOf(ctx, s.registry, u, d)
	if err != nil {
		return nil, nil, err
	}
	td.Communes = int32(len(codes))
	if rs == nil {
		return td, trend.Gaps(n, trend.NoSet), nil
	}
	states, _ := s.index.Latest(src.Code, d, s.index.Resolve(codes))
	return td, trend.Count(rs, states), nil
}

func trendPoint(td *criteriav1.TrendDate, p trend.Point) *criteriav1.TrendPoint {
	out := &criteriav1.TrendPoint{Date: td.Date, CriteriaSet: td.CriteriaSet, Missing: p.Missing(), Gap: trendGaps[p.Gap],
		Met: int32(p.Met), Assessed: int32(p.Assessed), Confirmed: p.Confirmed, Approximate: p.Approximate}
	if !p.Missing() && td.Communes > 0 {
		out.Percent = round2(100 * float64(p.Met) / float64(td.Communes))
	}
	return out
}

var trendGaps = map[trend.Gap]criteriav1.TrendGap{
	"":                  criteriav1.TrendGap_TREND_GAP_UNSPECIFIED,
	trend.NoCounterpart: criteriav1.TrendGap_TREND_GAP_NO_COUNTERPART,
	trend.NoAssessment:  criteriav1.TrendGap_TREND_GAP_NO_ASSESSMENT,
	trend.NoSet:         criteriav1.TrendGap_TREND_GAP_NO_SET,
	trend.NoUnit:        criteriav1.TrendGap_TREND_GAP_NO_UNIT,
}

func isFault(err error, k fault.Kind) bool {
	f, ok := fault.As(err)
	return ok && f.Kind == k
}
