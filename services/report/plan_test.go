package report_test

import (
	"slices"
	"strings"
	"testing"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
)

// A report shows the plan as it was known on the day it is counted: a
// target decided in August is not in the first half's report, and is in
// the year's.
func TestTargetsAreThoseKnownOnTheDay(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tell(t, e)
		ctx := e.as(t, admin)
		ok(e.criteria.CreateTarget(ctx, &criteriav1.CreateTargetRequest{UnitCode: province, Target: &criteriav1.Target{
			Period: "2020", Kind: "OCOP_3_STARS_TOTAL", Value: 2, DecisionNumber: "25/NQ-HĐND", DecidedOn: "2020-08-01"}}))(t, "a target decided in August")
		for _, tc := range []struct {
			period string
			want   bool
		}{{"2020-H1", false}, {"2020", true}} {
			r := ok(e.report.GetReport(ctx, &reportv1.GetReportRequest{UnitCode: province, Period: tc.period}))(t, "report "+tc.period)
			var kinds []string
			for _, row := range r.GetTargets().GetRows() {
				kinds = append(kinds, row.GetKind())
			}
			if slices.Contains(kinds, "OCOP_3_STARS_TOTAL") != tc.want || len(kinds) < 8 {
				t.Errorf("%s as of %s shows targets %q; the one decided on 2020-08-01 shown: want %v", tc.period, r.GetAsOf(), kinds, tc.want)
			}
		}
	})
}

// A decision dated early in 2020 that recognises 110 as having reached the
// standard in 2019 (năm đạt chuẩn) reaches 110's registration of 2019, not
// the one of 2020; the phase's report holds both.
func TestRegistrationsAreReachedByTheYearTheDecisionNames(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tell(t, e)
		ctx := e.as(t, admin)
		ok(e.criteria.CreateRegistration(ctx, &criteriav1.CreateRegistrationRequest{UnitCode: "110", Registration: &criteriav1.Registration{
			Level: registryv1.RecognitionLevel_STANDARD, Year: 2019, RegisteredOn: "2019-01-15", DecisionNumber: "5/QĐ-UBND"}}))(t, "register 110 for 2019")
		ok(e.registry.CreateRecognition(ctx, &registryv1.CreateRecognitionRequest{UnitCode: "110", Recognition: &registryv1.Recognition{
			Level: registryv1.RecognitionLevel_STANDARD, DecisionNumber: "20/QĐ-UBND", EffectiveDate: "2020-01-20", CriteriaSet: setCommune2016,
			Year: 2019, OverrideReason: "Hồ sơ thẩm định năm 2019"}}))(t, "recognise 110 for 2019 in January 2020")
		r := ok(e.report.GetReport(ctx, &reportv1.GetReportRequest{UnitCode: province, Period: "2016-2020"}))(t, "report 2016-2020")
		var got []string
		for _, line := range lines(r) {
			if strings.HasPrefix(line, "registration 2019 110 ") || strings.HasPrefix(line, "registration 2020 110 ") {
				got = append(got, line)
			}
		}
		wantLines(t, "110's registrations", got, []string{
			"registration 2019 110 Xã Đông Cao STANDARD reached by 20/QĐ-UBND on 2020-01-20",
			`registration 2020 110 Xã Đông Cao STANDARD not reached: 17/19 on "2020-10-31", missing 10 Thu nhập; 17 Môi trường và an toàn thực phẩm`,
		})
	})
}

// A report of several years covers a phase the catalogs name, and a span
// that is none is refused listing them.
func TestReportOfAPhase(t *testing.T) {
	e := start(t, storages[0])
	tell(t, e)
	ctx := e.as(t, admin)
	r := ok(e.report.GetReport(ctx, &reportv1.GetReportRequest{UnitCode: province, Period: "2016-2020"}))(t, "report 2016-2020")
	if r.GetPeriodFrom() != "2016-01-01" || r.GetAsOf() != "2020-12-31" || r.GetTitle() != "Báo cáo kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới giai đoạn 2016-2020" {
		t.Errorf("report 2016-2020: %s..%s as of %s, %q", r.GetPeriodFrom(), r.GetPeriodTo(), r.GetAsOf(), r.GetTitle())
	}
	_, err := e.report.GetReport(ctx, &reportv1.GetReportRequest{UnitCode: province, Period: "2018-2022"})
	wantRefusal(t, "2018-2022", err, "period", "the criteria catalogs name 2016-2020, 2021-2025, 2026-2030")
}
