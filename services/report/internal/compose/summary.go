package compose

import (
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/report/internal/vn"
)

// verdicts are the words a report closes a comparison with.
var verdicts = map[string]string{AbovePlan: "vượt kế hoạch", Met: "đạt kế hoạch", BelowPlan: "chưa đạt kế hoạch"}

// summary is the sentence a report writes of a target and its result:
// "2/2 xã, đạt 100% kế hoạch", "7/5 xã, đạt 140% kế hoạch, vượt 2 xã",
// "16,1 tiêu chí/xã (kế hoạch 16 tiêu chí/xã), vượt kế hoạch", "Không còn
// xã dưới 10 tiêu chí, đạt kế hoạch".
func (in *Inputs) summary(row *reportv1.TargetResult, k *criteriav1.TargetKind) string {
	u := row.GetValueUnit()
	target, result := row.GetTarget(), row.GetResult()
	switch {
	case !row.GetHasResult():
		return "Kế hoạch " + vn.Quantity(target, u) + "; chưa có kết quả tính từ số liệu của hệ thống"
	case k.GetMeasure() == criteriav1.TargetMeasure_MIN_CRITERIA:
		return in.minSummary(row)
	case countMeasure(k.GetMeasure()) && !k.GetAtMost() && target > 0:
		s := vn.Number(result) + "/" + vn.Quantity(target, u) + ", đạt " + vn.Number(row.GetPercentOfPlan()) + "% kế hoạch"
		switch row.GetStatus() {
		case AbovePlan:
			s += ", vượt " + vn.Quantity(result-target, u)
		case BelowPlan:
			s += ", còn thiếu " + vn.Quantity(target-result, u)
		}
		return s
	}
	return vn.Quantity(result, u) + " (kế hoạch " + planOf(target, u, k.GetAtMost()) + "), " + verdicts[row.GetStatus()]
}

// minSummary words a "no commune under N criteria" plan as reports do.
func (in *Inputs) minSummary(row *reportv1.TargetResult) string {
	n := vn.Number(row.GetTarget())
	switch row.GetStatus() {
	case Met:
		return "Không còn xã dưới " + n + " tiêu chí, đạt kế hoạch"
	case AbovePlan:
		return "Không còn xã dưới " + n + " tiêu chí (các xã đạt từ " + vn.Number(row.GetResult()) + " tiêu chí trở lên), vượt kế hoạch"
	}
	return "Còn " + vn.Number(float64(in.communesBelow(row.GetTarget()))) + " xã dưới " + n + " tiêu chí, chưa đạt kế hoạch"
}

// estimateSummary words an estimate against the target: "Dự ước 7 xã,
// vượt kế hoạch (5 xã)".
func estimateSummary(row *reportv1.TargetResult, k *criteriav1.TargetKind) string {
	u := row.GetValueUnit()
	return "Dự ước " + vn.Quantity(row.GetEstimate(), u) + ", " + verdicts[status(row.GetEstimate(), row.GetTarget(), k.GetAtMost())] +
		" (" + planOf(row.GetTarget(), u, k.GetAtMost()) + ")"
}

// planOf writes a target, "5 xã", or for a ceiling "không quá 2%".
func planOf(target float64, unit string, atMost bool) string {
	if atMost {
		return "không quá " + vn.Quantity(target, unit)
	}
	return vn.Quantity(target, unit)
}

// countMeasure tells the measures that count units or products, which
// reports write as "x/y xã".
func countMeasure(m criteriav1.TargetMeasure) bool {
	switch m {
	case criteriav1.TargetMeasure_RECOGNISED_IN_PERIOD, criteriav1.TargetMeasure_RECOGNISED_TOTAL,
		criteriav1.TargetMeasure_OCOP_CERTIFIED_IN_PERIOD, criteriav1.TargetMeasure_OCOP_CERTIFIED_TOTAL:
		return true
	}
	return false
}
