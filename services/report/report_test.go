package report_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
)

// lines renders a report's figures one per line, to compare with what was
// counted by hand from the story.
func lines(r *reportv1.Report) []string {
	out := []string{fmt.Sprintf("%s %s %s..%s as of %s", r.GetUnitCode(), r.GetDisplayName(), r.GetPeriodFrom(), r.GetPeriodTo(), r.GetAsOf())}
	rec := r.GetRecognitions()
	for _, g := range []struct {
		what   string
		counts []*reportv1.LevelCount
	}{{"communes", rec.GetCommunes()}, {"villages", rec.GetVillages()}, {"districts", rec.GetDistricts()}} {
		for _, c := range g.counts {
			if c.GetCumulative() > 0 || c.GetInPeriod() > 0 {
				out = append(out, fmt.Sprintf("%s %s: %d new, %d of %d (%d former) = %v%%", g.what, c.GetLevel(), c.GetInPeriod(), c.GetCumulative(), c.GetDenominator(), c.GetFormerUnits(), c.GetPercent()))
			}
		}
	}
	for _, d := range rec.GetDecided() {
		out = append(out, fmt.Sprintf("decided %s %s %s %s %s %q", d.GetEffectiveDate(), d.GetUnitCode(), d.GetUnitType(), d.GetLevel(), d.GetDecisionNumber(), d.GetOverrideReason()))
	}
	for _, t := range r.GetRegistrations().GetByLevel() {
		out = append(out, fmt.Sprintf("registered %s %s %q: %d/%d", t.GetUnitType(), t.GetLevel(), t.GetDisplayName(), t.GetReached(), t.GetRegistered()))
	}
	for _, o := range r.GetRegistrations().GetRows() {
		s := fmt.Sprintf("registration %d %s %s %s", o.GetYear(), o.GetUnitCode(), o.GetDisplayName(), o.GetLevel())
		if o.GetReached() {
			s += " reached by " + o.GetRecognitionDecision() + " on " + o.GetRecognisedOn()
		} else {
			s += fmt.Sprintf(" not reached: %d/%d on %q, missing %s", o.GetCriteriaMet(), o.GetCriteriaCount(), o.GetAssessedOn(), strings.Join(o.GetMissing(), "; "))
		}
		out = append(out, s)
	}
	for _, t := range r.GetTargets().GetRows() {
		s := fmt.Sprintf("target %s %v: %s", t.GetKind(), t.GetTarget(), t.GetStatus())
		if t.GetHasResult() {
			s += fmt.Sprintf(" %v (%v%%)", t.GetResult(), t.GetPercentOfPlan())
		}
		s += " | " + t.GetSummary()
		if t.GetHasEstimate() {
			s += " | " + t.GetEstimateSummary() + " on " + t.GetEstimatedOn()
		}
		out = append(out, s)
	}
	agg := r.GetCriteria().GetAggregate()
	out = append(out, fmt.Sprintf("criteria %s %s: %d communes, %d assessed, average %v", agg.GetCriteriaSet(), agg.GetCountMode(), agg.GetCommunes(), agg.GetAssessedCommunes(), agg.GetAverageMet()))
	o := r.GetOcop()
	out = append(out, fmt.Sprintf("ocop: %d registered, %d eligible, %d not; scored%s; new%s = %d; in force%s = %d; %d proposed to the centre",
		o.GetRegistered(), o.GetEligible(), o.GetNotEligible(), stars(o.GetEvaluated()), stars(o.GetCertifiedInPeriod()), o.GetCertifiedInPeriodTotal(),
		stars(o.GetCertified()), o.GetCertifiedTotal(), o.GetProposedCentral()))
	f := r.GetFunding().GetSummary()
	out = append(out, fmt.Sprintf("funding %s..%s: %d planned, %d disbursed (%v%%), %d mobilised", f.GetFrom(), f.GetTo(),
		f.GetTotal().GetPlannedVnd(), f.GetTotal().GetDisbursedVnd(), f.GetTotal().GetDisbursedPercent(), f.GetMobilisedVnd()))
	return out
}

// stars writes the star rows that have products: " 4★1 5★1".
func stars[T interface {
	GetStars() int32
	GetProducts() int32
}](ts []T) string {
	s := ""
	for _, t := range ts {
		if t.GetProducts() > 0 {
			s += fmt.Sprintf(" %d★%d", t.GetStars(), t.GetProducts())
		}
	}
	return s
}

func wantLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

// allVillageCriteria are the criteria of the village set 2016-2020, in order.
const allVillageCriteria = "1 Giao thông; 2 Điện; 3 Cơ sở vật chất văn hóa; 4 Thông tin và truyền thông; 5 Nhà ở dân cư; 6 Thu nhập; " +
	"7 Hộ nghèo; 8 Tổ chức sản xuất; 9 Giáo dục và Y tế; 10 Văn hóa; 11 Môi trường và an toàn thực phẩm; 12 Hệ thống chính trị và an ninh, trật tự"

// The province's 2020 report, counted by hand from the story (see
// story_test.go): 102 became a ward in July and is counted as a former
// commune; Lạng Sơn's 120 is never counted.
func TestReportOfTheYear(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tell(t, e)
		r := ok(e.report.GetReport(e.as(t, admin), &reportv1.GetReportRequest{UnitCode: province, Period: "2020"}))(t, "report 2020")
		wantLines(t, "report 2020", lines(r), []string{
			"19 Tỉnh Thái Nguyên 2020-01-01..2020-12-31 as of 2020-12-31",
			"communes STANDARD: 2 new, 3 of 5 (1 former) = 60%",
			"communes ADVANCED: 1 new, 1 of 5 (0 former) = 20%",
			"villages STANDARD: 1 new, 1 of 2 (0 former) = 50%",
			"districts COMPLETED: 1 new, 1 of 2 (0 former) = 50%",
			`decided 2020-03-15 100 COMMUNE STANDARD 700/QĐ-UBND ""`,
			`decided 2020-05-01 1000 VILLAGE STANDARD 15/QĐ-UBND ""`,
			`decided 2020-09-10 101 COMMUNE STANDARD 1701/QĐ-UBND ""`,
			`decided 2020-11-20 100 COMMUNE ADVANCED 2100/QĐ-UBND ""`,
			`decided 2020-12-01 171 DISTRICT COMPLETED 1800/QĐ-TTg "Thủ tướng công nhận theo hồ sơ thẩm định của Bộ"`,
			`registered COMMUNE STANDARD "Xã đạt chuẩn nông thôn mới": 2/4`,
			`registered VILLAGE STANDARD "Thôn đạt chuẩn nông thôn mới": 0/1`,
			"registration 2020 100 Xã La Hiên STANDARD reached by 700/QĐ-UBND on 2020-03-15",
			"registration 2020 1001 Xóm Mỏ Gà STANDARD not reached: 0/12 on \"\", missing " + allVillageCriteria,
			"registration 2020 101 Xã Lâu Thượng STANDARD reached by 1701/QĐ-UBND on 2020-09-10",
			`registration 2020 110 Xã Đông Cao STANDARD not reached: 17/19 on "2020-10-31", missing 10 Thu nhập; 17 Môi trường và an toàn thực phẩm`,
			`registration 2020 111 Xã Tân Hương STANDARD not reached: 12/19 on "2020-05-31", missing 1 Quy hoạch; 2 Giao thông; 3 Thủy lợi; 4 Điện; ` +
				`5 Trường học; 6 Cơ sở vật chất văn hóa; 7 Cơ sở hạ tầng thương mại nông thôn`,
			"target COMMUNES_STANDARD_NEW 3: BELOW_PLAN 2 (66.67%) | 2/3 xã, đạt 66,67% kế hoạch, còn thiếu 1 xã | Dự ước 3 xã, đạt kế hoạch (3 xã) on 2020-10-31",
			"target COMMUNES_STANDARD_PERCENT 60: MET 60 (100%) | 60% (kế hoạch 60%), đạt kế hoạch",
			"target COMMUNES_ADVANCED_NEW 1: MET 1 (100%) | 1/1 xã, đạt 100% kế hoạch",
			"target VILLAGES_STANDARD_NEW 1: MET 1 (100%) | 1/1 thôn, đạt 100% kế hoạch",
			"target DISTRICTS_COMPLETED_NEW 1: MET 1 (100%) | 1/1 huyện, đạt 100% kế hoạch",
			"target AVERAGE_CRITERIA 16: ABOVE_PLAN 16.75 (104.69%) | 16,75 tiêu chí/xã (kế hoạch 16 tiêu chí/xã), vượt kế hoạch",
			"target MIN_CRITERIA 10: ABOVE_PLAN 12 (120%) | Không còn xã dưới 10 tiêu chí (các xã đạt từ 12 tiêu chí trở lên), vượt kế hoạch",
			"target OCOP_3_STARS_NEW 2: BELOW_PLAN 1 (50%) | 1/2 sản phẩm, đạt 50% kế hoạch, còn thiếu 1 sản phẩm",
			"criteria NTM_COMMUNE_2016_2020 reported: 4 communes, 4 assessed, average 16.75",
			"ocop: 2 registered, 2 eligible, 0 not; scored 4★1 5★1; new 4★1 = 1; in force 4★1 = 1; 1 proposed to the centre",
			"funding 2020-01-01..2020-12-31: 500000000 planned, 300000000 disbursed (60%), 300000000 mobilised",
		})
	})
}

// A commune registered for the year and then made a ward (102, on
// 2020-07-01) stays in the year's registrations: what it still missed is read
// on its last day as a commune (2020-06-30), from its assessment of
// 2019-06-30, instead of the criteria service's refusal to score a ward
// failing the whole report.
func TestRegisteredCommuneLaterAWard(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tell(t, e)
		ok(e.criteria.CreateRegistration(e.as(t, admin), &criteriav1.CreateRegistrationRequest{UnitCode: "102", Registration: &criteriav1.Registration{
			Level: registryv1.RecognitionLevel_ADVANCED, Year: 2020, RegisteredOn: "2020-01-15"}}))(t, "register 102 for advanced")
		for _, p := range []string{"2020", "2020-H2"} {
			r := ok(e.report.GetReport(e.as(t, admin), &reportv1.GetReportRequest{UnitCode: province, Period: p}))(t, "report "+p)
			want := `registration 2020 102 Xã Phú Thượng ADVANCED not reached: 19/19 on "2019-06-30", missing `
			if got := lines(r); !slices.Contains(got, want) {
				t.Errorf("report %s has no line %q:\n%s", p, want, strings.Join(got, "\n"))
			}
		}
	})
}

// The first half as of its last day: 102 is still a commune, the
// estimate of October is not made yet, 110 has no assessment yet, and the
// honey is not scored yet.
func TestReportOfTheFirstHalf(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tell(t, e)
		r := ok(e.report.GetReport(e.as(t, admin), &reportv1.GetReportRequest{UnitCode: province, Period: "2020-H1"}))(t, "report 2020-H1")
		all19 := "1 Quy hoạch; 2 Giao thông; 3 Thủy lợi; 4 Điện; 5 Trường học; 6 Cơ sở vật chất văn hóa; 7 Cơ sở hạ tầng thương mại nông thôn; " +
			"8 Thông tin và Truyền thông; 9 Nhà ở dân cư; 10 Thu nhập; 11 Hộ nghèo; 12 Lao động có việc làm; 13 Tổ chức sản xuất; " +
			"14 Giáo dục và Đào tạo; 15 Y tế; 16 Văn hóa; 17 Môi trường và an toàn thực phẩm; 18 Hệ thống chính trị và tiếp cận pháp luật; 19 Quốc phòng và An ninh"
		wantLines(t, "report 2020-H1", lines(r), []string{
			"19 Tỉnh Thái Nguyên 2020-01-01..2020-06-30 as of 2020-06-30",
			"communes STANDARD: 1 new, 2 of 5 (0 former) = 40%",
			"villages STANDARD: 1 new, 1 of 2 (0 former) = 50%",
			`decided 2020-03-15 100 COMMUNE STANDARD 700/QĐ-UBND ""`,
			`decided 2020-05-01 1000 VILLAGE STANDARD 15/QĐ-UBND ""`,
			`registered COMMUNE STANDARD "Xã đạt chuẩn nông thôn mới": 1/4`,
			`registered VILLAGE STANDARD "Thôn đạt chuẩn nông thôn mới": 0/1`,
			"registration 2020 100 Xã La Hiên STANDARD reached by 700/QĐ-UBND on 2020-03-15",
			"registration 2020 1001 Xóm Mỏ Gà STANDARD not reached: 0/12 on \"\", missing " + allVillageCriteria,
			`registration 2020 101 Xã Lâu Thượng STANDARD not reached: 19/19 on "2020-03-31", missing `,
			`registration 2020 110 Xã Đông Cao STANDARD not reached: 0/19 on "", missing ` + all19,
			`registration 2020 111 Xã Tân Hương STANDARD not reached: 12/19 on "2020-05-31", missing 1 Quy hoạch; 2 Giao thông; 3 Thủy lợi; 4 Điện; ` +
				`5 Trường học; 6 Cơ sở vật chất văn hóa; 7 Cơ sở hạ tầng thương mại nông thôn`,
			"target COMMUNES_STANDARD_NEW 3: BELOW_PLAN 1 (33.33%) | 1/3 xã, đạt 33,33% kế hoạch, còn thiếu 2 xã",
			"target COMMUNES_STANDARD_PERCENT 60: BELOW_PLAN 40 (66.67%) | 40% (kế hoạch 60%), chưa đạt kế hoạch",
			"target COMMUNES_ADVANCED_NEW 1: BELOW_PLAN 0 (0%) | 0/1 xã, đạt 0% kế hoạch, còn thiếu 1 xã",
			"target VILLAGES_STANDARD_NEW 1: MET 1 (100%) | 1/1 thôn, đạt 100% kế hoạch",
			"target DISTRICTS_COMPLETED_NEW 1: BELOW_PLAN 0 (0%) | 0/1 huyện, đạt 0% kế hoạch, còn thiếu 1 huyện",
			"target AVERAGE_CRITERIA 16: ABOVE_PLAN 17.25 (107.81%) | 17,25 tiêu chí/xã (kế hoạch 16 tiêu chí/xã), vượt kế hoạch",
			"target MIN_CRITERIA 10: ABOVE_PLAN 12 (120%) | Không còn xã dưới 10 tiêu chí (các xã đạt từ 12 tiêu chí trở lên), vượt kế hoạch",
			"target OCOP_3_STARS_NEW 2: BELOW_PLAN 1 (50%) | 1/2 sản phẩm, đạt 50% kế hoạch, còn thiếu 1 sản phẩm",
			"criteria NTM_COMMUNE_2016_2020 reported: 5 communes, 4 assessed, average 17.25",
			"ocop: 2 registered, 2 eligible, 0 not; scored 4★1; new 4★1 = 1; in force 4★1 = 1; 0 proposed to the centre",
			"funding 2020-01-01..2020-06-30: 500000000 planned, 200000000 disbursed (40%), 200000000 mobilised",
		})
	})
}

// The report, the criteria aggregate (counted as reports count) and the
// registry's list of recognitions give the same counts on any date, for
// the province and for Phổ Yên (171), which counts itself among districts.
func TestRecognitionsAgreeWithTheAggregateAndTheRegistry(t *testing.T) {
	e := start(t, storages[0])
	tell(t, e)
	ctx := e.as(t, admin)
	for _, tc := range []struct{ unit, period, asOf string }{
		{province, "2020-H1", "2020-06-30"}, {province, "2020", "2020-12-31"}, {province, "2020-H2", "2020-09-30"}, {"171", "2020", "2020-12-31"},
	} {
		r := ok(e.report.GetReport(ctx, &reportv1.GetReportRequest{UnitCode: tc.unit, Period: tc.period, AsOf: tc.asOf}))(t, "report")
		agg := ok(e.criteria.GetAggregate(ctx, &criteriav1.GetAggregateRequest{UnitCode: tc.unit, AsOf: tc.asOf, CountMode: "reported"}))(t, "aggregate")
		list := ok(e.registry.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{Parent: tc.unit, AsOf: tc.asOf, IncludeFormer: true}))(t, "recognitions")
		listed := map[string]int32{}
		for _, r := range list.GetRecognitions() {
			listed[r.GetRecognition().GetUnitType().String()+" "+r.GetRecognition().GetLevel().String()]++
		}
		for _, g := range []struct {
			unitType string
			counts   []*reportv1.LevelCount
			tallies  []*criteriav1.RecognitionTally
		}{
			{"COMMUNE", r.GetRecognitions().GetCommunes(), agg.GetRecognitions()},
			{"VILLAGE", r.GetRecognitions().GetVillages(), agg.GetVillageRecognitions()},
			{"DISTRICT", r.GetRecognitions().GetDistricts(), agg.GetDistrictRecognitions()},
		} {
			if len(g.counts) != len(g.tallies) || len(g.counts) == 0 {
				t.Fatalf("%s of %s on %s: %d levels in the report, %d in the aggregate", g.unitType, tc.unit, tc.asOf, len(g.counts), len(g.tallies))
			}
			for i, c := range g.counts {
				a := g.tallies[i]
				if c.GetLevel() != a.GetLevel() || c.GetCumulative() != a.GetUnits() || c.GetFormerUnits() != a.GetFormerCommunes() ||
					c.GetDenominator() != a.GetDenominator() || c.GetPercent() != a.GetPercent() || c.GetCumulative() != listed[g.unitType+" "+c.GetLevel()] {
					t.Errorf("%s %s of %s on %s: report %d (%d former) of %d = %v%%, aggregate %d (%d former) of %d = %v%%, listed %d", g.unitType, c.GetLevel(), tc.unit, tc.asOf,
						c.GetCumulative(), c.GetFormerUnits(), c.GetDenominator(), c.GetPercent(),
						a.GetUnits(), a.GetFormerCommunes(), a.GetDenominator(), a.GetPercent(), listed[g.unitType+" "+c.GetLevel()])
				}
			}
		}
	}
}
