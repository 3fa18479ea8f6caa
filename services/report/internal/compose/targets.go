package compose

import (
	"cmp"
	"slices"

	"github.com/ntmsuite/ntm/platform/period"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/report/internal/vn"
)

// Statuses of a target's result (TargetResult.status).
const (
	AbovePlan    = "ABOVE_PLAN"
	Met          = "MET"
	BelowPlan    = "BELOW_PLAN"
	NotComputed  = "NOT_COMPUTED"
	minOcopStars = 3
)

func (in *Inputs) targetSection() *reportv1.TargetSection {
	tp := TargetPeriod(in.Period)
	b := in.basis("Chỉ tiêu kế hoạch " + vn.Period(tp) + " đã giao đến ngày " + vn.Date(in.AsOf.String()) +
		"; kết quả tính đến ngày đó (kết quả trong kỳ: từ ngày " + vn.Date(tp.From.String()) + "). " + reportedNote +
		" Số dự ước là số ước tính đến cuối năm, ghi riêng, không phải kết quả.")
	b.From, b.To = tp.From.String(), tp.To.String()
	b.CriteriaSet, b.CountMode = in.Aggregate.GetCriteriaSet(), countReported
	kinds := map[string]*criteriav1.TargetKind{}
	rank := map[string]int{}
	for i, k := range in.TargetKinds {
		kinds[k.GetCode()], rank[k.GetCode()] = k, i
	}
	targets := slices.Clone(in.Targets)
	slices.SortStableFunc(targets, func(a, b *criteriav1.Target) int {
		ra, oka := rank[a.GetKind()]
		rb, okb := rank[b.GetKind()]
		if oka != okb { // kinds no longer in the catalog go last
			if oka {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(a.GetKind(), b.GetKind()))
	})
	s := &reportv1.TargetSection{Basis: b}
	for _, t := range targets {
		s.Rows = append(s.Rows, in.targetResult(t, kinds[t.GetKind()], tp))
	}
	return s
}

// targetResult compares a target with the result its kind's measure
// counts, and with the latest estimate where one applies.
func (in *Inputs) targetResult(t *criteriav1.Target, k *criteriav1.TargetKind, tp period.Period) *reportv1.TargetResult {
	if k == nil {
		// A kind dropped from the catalog: the target is shown, not measured.
		k = &criteriav1.TargetKind{Code: t.GetKind(), DisplayName: t.GetKind(), Measure: criteriav1.TargetMeasure_NOT_COMPUTED}
	}
	row := &reportv1.TargetResult{Kind: k.GetCode(), DisplayName: k.GetDisplayName(), ValueUnit: k.GetValueUnit(),
		Period: t.GetPeriod(), Target: t.GetValue(), Status: NotComputed}
	if r, ok := in.result(k, tp, t.GetValue()); ok {
		row.HasResult, row.Result = true, r
		row.Status = status(r, t.GetValue(), k.GetAtMost())
		if t.GetValue() > 0 {
			row.PercentOfPlan = vn.Round2(100 * r / t.GetValue())
		}
	}
	row.Summary = in.summary(row, k)
	if e := in.estimate(k, tp); e != nil {
		row.HasEstimate, row.Estimate, row.EstimatedOn = true, e.GetValue(), e.GetEstimatedOn()
		row.EstimateSummary = estimateSummary(row, k)
	}
	return row
}

// result is what a kind's measure counts on AsOf for the target period tp;
// false when the suite does not compute it (or has nothing to compute it
// from, as an average of no assessed commune).
func (in *Inputs) result(k *criteriav1.TargetKind, tp period.Period, target float64) (float64, bool) {
	agg := in.Aggregate
	switch k.GetMeasure() {
	case criteriav1.TargetMeasure_RECOGNISED_IN_PERIOD:
		return float64(in.recognised(k.GetUnitType(), k.GetLevels(), tp.From.String())), true
	case criteriav1.TargetMeasure_RECOGNISED_TOTAL:
		return float64(in.recognised(k.GetUnitType(), k.GetLevels(), "")), true
	case criteriav1.TargetMeasure_RECOGNISED_PERCENT:
		d := in.denominator(k.GetUnitType())
		if d == 0 {
			return 0, false
		}
		return vn.Round2(100 * float64(in.recognised(k.GetUnitType(), k.GetLevels(), "")) / float64(d)), true
	case criteriav1.TargetMeasure_AVERAGE_CRITERIA:
		return agg.GetAverageMet(), agg.GetAssessedCommunes() > 0
	case criteriav1.TargetMeasure_MIN_CRITERIA:
		return in.fewestMet()
	case criteriav1.TargetMeasure_OCOP_CERTIFIED_IN_PERIOD:
		n := 0
		for _, s := range in.Ocop {
			n += starsAtLeast(s.GetNewlyCertified(), k.GetMinStars())
		}
		return float64(n), true
	case criteriav1.TargetMeasure_OCOP_CERTIFIED_TOTAL:
		return float64(starsAtLeast(in.lastOcop().GetCertified(), k.GetMinStars())), true
	}
	return 0, false
}

// starsAtLeast adds up the products of at least min stars (3 when the
// kind says none: only 3 stars or more are OCOP products).
func starsAtLeast(tallies []*ocopv1.StarTally, min int32) int {
	if min == 0 {
		min = minOcopStars
	}
	n := 0
	for _, t := range tallies {
		if t.GetStars() >= min {
			n += int(t.GetProducts())
		}
	}
	return n
}

// status compares a result with its target as printed (two decimals); a
// ceiling (at_most) is fulfilled by a result at or below it.
func status(result, target float64, atMost bool) string {
	r, t := vn.Round2(result), vn.Round2(target)
	switch {
	case r == t:
		return Met
	case (r > t) != atMost:
		return AbovePlan
	}
	return BelowPlan
}

// estimate is the latest estimate of the kind made on or before AsOf, when
// it estimates what the target measures: a year's target always; a phase's
// only for measures of the state at its end (totals, shares, averages),
// which the estimate of its last year gives.
func (in *Inputs) estimate(k *criteriav1.TargetKind, tp period.Period) *criteriav1.Estimate {
	if tp.Kind != period.Year && !stateMeasure(k.GetMeasure()) {
		return nil
	}
	var latest *criteriav1.Estimate
	for _, e := range in.Estimates {
		if e.GetKind() != k.GetCode() || int(e.GetYear()) != tp.To.Year() || e.GetEstimatedOn() > in.AsOf.String() {
			continue
		}
		if latest == nil || e.GetEstimatedOn() > latest.GetEstimatedOn() {
			latest = e
		}
	}
	return latest
}

// stateMeasure tells the measures of a state on a day from those counting
// what happened in a period.
func stateMeasure(m criteriav1.TargetMeasure) bool {
	switch m {
	case criteriav1.TargetMeasure_RECOGNISED_TOTAL, criteriav1.TargetMeasure_RECOGNISED_PERCENT,
		criteriav1.TargetMeasure_AVERAGE_CRITERIA, criteriav1.TargetMeasure_MIN_CRITERIA,
		criteriav1.TargetMeasure_OCOP_CERTIFIED_TOTAL:
		return true
	}
	return false
}
