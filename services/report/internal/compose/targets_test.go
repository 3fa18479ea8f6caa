package compose

import (
	"fmt"
	"testing"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
)

func targetLines(rows []*reportv1.TargetResult) []string {
	var out []string
	for _, r := range rows {
		s := fmt.Sprintf("%s [%s] %s: %v", r.GetKind(), r.GetPeriod(), r.GetStatus(), r.GetTarget())
		if r.GetHasResult() {
			s += fmt.Sprintf(" -> %v (%v%%)", r.GetResult(), r.GetPercentOfPlan())
		}
		s += " | " + r.GetSummary()
		if r.GetHasEstimate() {
			s += fmt.Sprintf(" | %v on %s: %s", r.GetEstimate(), r.GetEstimatedOn(), r.GetEstimateSummary())
		}
		out = append(out, s)
	}
	return out
}

// The 2020 plan of the province against its results on 2020-12-31, in the
// catalog's order of kinds (a kind no longer in it last), counted by hand
// from the fixture.
func TestTargetsAgainstResults(t *testing.T) {
	s := Compose(fixture(t, "2020", "2020-12-31")).GetTargets()
	equalLines(t, "2020 targets", targetLines(s.GetRows()), []string{
		"COMMUNES_STANDARD_NEW [2020] MET: 2 -> 2 (100%) | 2/2 xã, đạt 100% kế hoạch | 3 on 2020-10-31: Dự ước 3 xã, vượt kế hoạch (2 xã)",
		"COMMUNES_STANDARD_TOTAL [2020] BELOW_PLAN: 6 -> 5 (83.33%) | 5/6 xã, đạt 83,33% kế hoạch, còn thiếu 1 xã",
		"COMMUNES_STANDARD_PERCENT [2020] ABOVE_PLAN: 50 -> 55.56 (111.12%) | 55,56% (kế hoạch 50%), vượt kế hoạch",
		"COMMUNES_ADVANCED_NEW [2020] MET: 1 -> 1 (100%) | 1/1 xã, đạt 100% kế hoạch",
		"VILLAGES_STANDARD_NEW [2020] MET: 1 -> 1 (100%) | 1/1 thôn, đạt 100% kế hoạch",
		"DISTRICTS_COMPLETED_NEW [2020] MET: 1 -> 1 (100%) | 1/1 huyện, đạt 100% kế hoạch",
		"AVERAGE_CRITERIA [2020] ABOVE_PLAN: 16 -> 16.13 (100.81%) | 16,13 tiêu chí/xã (kế hoạch 16 tiêu chí/xã), vượt kế hoạch",
		"MIN_CRITERIA [2020] MET: 10 -> 10 (100%) | Không còn xã dưới 10 tiêu chí, đạt kế hoạch",
		"OCOP_3_STARS_NEW [2020] ABOVE_PLAN: 5 -> 6 (120%) | 6/5 sản phẩm, đạt 120% kế hoạch, vượt 1 sản phẩm",
		"AVERAGE_VILLAGE_CRITERIA [2020] NOT_COMPUTED: 11.2 | Kế hoạch 11,2 tiêu chí NTM/thôn; chưa có kết quả tính từ số liệu của hệ thống" +
			" | 11.5 on 2020-10-31: Dự ước 11,5 tiêu chí NTM/thôn, vượt kế hoạch (11,2 tiêu chí NTM/thôn)",
		"OLD_KIND [2020] NOT_COMPUTED: 3 | Kế hoạch 3; chưa có kết quả tính từ số liệu của hệ thống",
	})
	if r := s.GetRows()[0]; r.GetDisplayName() != "Số xã đạt chuẩn nông thôn mới trong năm" || r.GetValueUnit() != "xã" {
		t.Errorf("row names its kind: %q %q", r.GetDisplayName(), r.GetValueUnit())
	}
}

// A six-month report measures the year's plan from January on, with the
// estimates made by its date.
func TestTargetsOfAHalf(t *testing.T) {
	in := fixture(t, "2020-H1", "2020-06-30")
	in.Targets = in.Targets[3:5] // COMMUNES_STANDARD_NEW 2, COMMUNES_STANDARD_TOTAL 6
	equalLines(t, "first half", targetLines(Compose(in).GetTargets().GetRows()), []string{
		"COMMUNES_STANDARD_NEW [2020] MET: 2 -> 2 (100%) | 2/2 xã, đạt 100% kế hoạch | 2 on 2020-06-30: Dự ước 2 xã, đạt kế hoạch (2 xã)",
		"COMMUNES_STANDARD_TOTAL [2020] BELOW_PLAN: 6 -> 5 (83.33%) | 5/6 xã, đạt 83,33% kế hoạch, còn thiếu 1 xã",
	})
	in = fixture(t, "2020-H2", "2020-12-31")
	in.Targets = in.Targets[3:4]
	equalLines(t, "second half: still from January", targetLines(Compose(in).GetTargets().GetRows()), []string{
		"COMMUNES_STANDARD_NEW [2020] MET: 2 -> 2 (100%) | 2/2 xã, đạt 100% kế hoạch | 3 on 2020-10-31: Dự ước 3 xã, vượt kế hoạch (2 xã)",
	})
}

// A phase counts what happened since its first day; the estimate of its
// last year applies to the figures of its end only.
func TestTargetsOfAPhase(t *testing.T) {
	in := fixture(t, "2016-2020", "2020-12-31")
	in.Targets = []*criteriav1.Target{target("2016-2020", "COMMUNES_STANDARD_NEW", 5), target("2016-2020", "COMMUNES_STANDARD_TOTAL", 6)}
	in.Estimates = append(in.Estimates, estimate(2020, "COMMUNES_STANDARD_TOTAL", 6, "2020-11-30"))
	equalLines(t, "phase", targetLines(Compose(in).GetTargets().GetRows()), []string{
		"COMMUNES_STANDARD_NEW [2016-2020] MET: 5 -> 5 (100%) | 5/5 xã, đạt 100% kế hoạch",
		"COMMUNES_STANDARD_TOTAL [2016-2020] BELOW_PLAN: 6 -> 5 (83.33%) | 5/6 xã, đạt 83,33% kế hoạch, còn thiếu 1 xã | 6 on 2020-11-30: Dự ước 6 xã, đạt kế hoạch (6 xã)",
	})
}

func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		result, target float64
		atMost         bool
		want           string
	}{
		{5, 5, false, Met}, {6, 5, false, AbovePlan}, {4, 5, false, BelowPlan},
		{16.004, 16, false, Met}, // as printed, 16
		{1.5, 2, true, AbovePlan}, {2, 2, true, Met}, {3, 2, true, BelowPlan},
		{0, 0, false, Met}, {1, 0, false, AbovePlan},
	} {
		if got := status(tc.result, tc.target, tc.atMost); got != tc.want {
			t.Errorf("status(%v, %v, at most %v) = %s, want %s", tc.result, tc.target, tc.atMost, got, tc.want)
		}
	}
}

// A ceiling and a target of zero are worded without "x/y".
func TestSummariesOfCeilingsAndZeroTargets(t *testing.T) {
	in := fixture(t, "2020", "2020-12-31")
	ceiling := kind("POOR_HOUSEHOLDS", "Tỷ lệ hộ nghèo", "%", criteriav1.TargetMeasure_AVERAGE_CRITERIA, 0)
	ceiling.AtMost = true
	in.TargetKinds = append(in.TargetKinds, ceiling)
	in.Targets = []*criteriav1.Target{target("2020", "POOR_HOUSEHOLDS", 17), target("2020", "COMMUNES_STANDARD_NEW", 0)}
	in.Estimates = []*criteriav1.Estimate{estimate(2020, "POOR_HOUSEHOLDS", 18, "2020-10-01")}
	equalLines(t, "rows", targetLines(Compose(in).GetTargets().GetRows()), []string{
		"COMMUNES_STANDARD_NEW [2020] ABOVE_PLAN: 0 -> 2 (0%) | 2 xã (kế hoạch 0 xã), vượt kế hoạch",
		"POOR_HOUSEHOLDS [2020] ABOVE_PLAN: 17 -> 16.13 (94.88%) | 16,13% (kế hoạch không quá 17%), vượt kế hoạch" +
			" | 18 on 2020-10-01: Dự ước 18%, chưa đạt kế hoạch (không quá 17%)",
	})
}

// "No commune under N criteria" is read from the aggregate's histogram: the
// fewest criteria a commune meets, and how many communes are under N.
func TestMinimumCriteria(t *testing.T) {
	for _, tc := range []struct {
		why    string
		met    map[int]int32 // assessed communes by criteria met
		target float64
		want   string
	}{
		{"none under 10, as planned", map[int]int32{10: 1, 13: 1, 16: 4, 19: 2}, 10,
			"MIN_CRITERIA [2020] MET: 10 -> 10 (100%) | Không còn xã dưới 10 tiêu chí, đạt kế hoạch"},
		{"all from 15 on, plan 10", map[int]int32{15: 2, 18: 4, 19: 2}, 10,
			"MIN_CRITERIA [2020] ABOVE_PLAN: 10 -> 15 (150%) | Không còn xã dưới 10 tiêu chí (các xã đạt từ 15 tiêu chí trở lên), vượt kế hoạch"},
		{"five under 10", map[int]int32{5: 4, 9: 1, 12: 1, 19: 2}, 10,
			"MIN_CRITERIA [2020] BELOW_PLAN: 10 -> 5 (50%) | Còn 5 xã dưới 10 tiêu chí, chưa đạt kế hoạch"},
		{"a plan of every criterion", map[int]int32{5: 5, 18: 1, 19: 2}, 19,
			"MIN_CRITERIA [2020] BELOW_PLAN: 19 -> 5 (26.32%) | Còn 6 xã dưới 19 tiêu chí, chưa đạt kế hoạch"},
		{"a plan inside a band", map[int]int32{11: 1, 13: 1, 17: 6}, 12,
			"MIN_CRITERIA [2020] BELOW_PLAN: 12 -> 11 (91.67%) | Còn 1 xã dưới 12 tiêu chí, chưa đạt kế hoạch"},
		{"no commune assessed", nil, 10,
			"MIN_CRITERIA [2020] NOT_COMPUTED: 10 | Kế hoạch 10 tiêu chí; chưa có kết quả tính từ số liệu của hệ thống"},
	} {
		in := fixture(t, "2020", "2020-12-31")
		agg := in.Aggregate
		agg.AssessedCommunes, agg.MetHistogram = 0, make([]int32, 20)
		for met, n := range tc.met {
			agg.MetHistogram[met] = n
			agg.AssessedCommunes += n
		}
		in.Targets = []*criteriav1.Target{target("2020", "MIN_CRITERIA", tc.target)}
		equalLines(t, tc.why, targetLines(Compose(in).GetTargets().GetRows()), []string{tc.want})
	}
}

// OCOP targets count new certificates of the period's years and those in
// force on the last day, of at least the kind's stars.
func TestOcopTargets(t *testing.T) {
	in := fixture(t, "2019-2020", "2020-12-31")
	in.Ocop = []*ocopv1.OcopSummary{
		{Year: 2019, NewlyCertified: []*ocopv1.StarTally{{Stars: 2, Products: 3}, {Stars: 3, Products: 2}}},
		in.Ocop[0],
	}
	in.Targets = []*criteriav1.Target{target("2019-2020", "OCOP_3_STARS_NEW", 8), target("2019-2020", "OCOP_3_STARS_TOTAL", 14)}
	equalLines(t, "OCOP", targetLines(Compose(in).GetTargets().GetRows()), []string{
		"OCOP_3_STARS_NEW [2019-2020] MET: 8 -> 8 (100%) | 8/8 sản phẩm, đạt 100% kế hoạch",
		"OCOP_3_STARS_TOTAL [2019-2020] MET: 14 -> 14 (100%) | 14/14 sản phẩm, đạt 100% kế hoạch",
	})
}
