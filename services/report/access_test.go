package report_test

import (
	"strconv"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/grpctest"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
)

// Bad input is refused naming the field the caller sent, for the report
// and both workbooks alike, in the report's words: a period that does not
// parse, has not begun or is not a phase of the programme; a date outside
// the period or after today; a unit that has no report; a period no
// criteria set was in force in, which the criteria service refuses.
func TestRefusesBadPeriodAndDate(t *testing.T) {
	e := start(t, storages[0])
	tell(t, e)
	ctx := e.as(t, admin)
	// A span of two years from this one holds tomorrow whatever the day.
	today := date.Today()
	tomorrow, twoYears := today.AddDays(1), strconv.Itoa(today.Year())+"-"+strconv.Itoa(today.Year()+1)
	for _, tc := range []struct{ unit, period, asOf, field, says string }{
		{province, "2020-Q3", "", "period", "is not a period"},
		{province, "20", "", "period", "is not a period"},
		{province, "2021-2020", "", "period", "is not a known period"},
		{province, "2999", "", "period", "has not begun"},
		{province, "2999", "2999-06-30", "period", "has not begun"},
		{province, "2017-2019", "", "period", "2017-2019 is not a phase of the programme"},
		{province, "2020", "2021-01-01", "as_of", "outside the period 2020"},
		{province, "2020-H1", "2020-07-01", "as_of", "outside the period 2020-H1"},
		{province, "2020", "2020-13-01", "as_of", "not a valid date"},
		{province, twoYears, tomorrow.String(), "as_of", tomorrow.String() + " is after today"},
		{"1000", "2020", "", "unit_code", "1000 (Xóm Làng Lai) is a village on 2020-12-31: reports are of communes, districts, provinces or the whole country"},
		{"102", "2020", "", "unit_code", "102 (Phường Phú Thượng) is a ward on 2020-12-31"},
		{province, "2016-H1", "", "period", "no report of 2016-H1 can be counted on 2016-06-30: no criteria set"},
		{province, "2016-H1", "2016-03-31", "as_of", "no report of 2016-H1 can be counted on 2016-03-31: no criteria set"},
	} {
		what := tc.unit + " " + tc.period + " as of " + tc.asOf
		_, err := e.report.GetReport(ctx, &reportv1.GetReportRequest{UnitCode: tc.unit, Period: tc.period, AsOf: tc.asOf})
		wantRefusal(t, what, err, tc.field, tc.says)
		_, err = e.report.GetReportWorkbook(ctx, &reportv1.GetReportWorkbookRequest{UnitCode: tc.unit, Period: tc.period, AsOf: tc.asOf})
		wantRefusal(t, what+" (workbook)", err, tc.field, tc.says)
	}
	// 102 was a commune until 2020-07-01: its first half has a report.
	ok(e.report.GetReport(ctx, &reportv1.GetReportRequest{UnitCode: "102", Period: "2020-H1"}))(t, "the first half of 102, a commune then")
	_, err := e.report.GetAggregateWorkbook(ctx, &reportv1.GetAggregateWorkbookRequest{UnitCode: province, AsOf: "2020-02-30"})
	grpctest.WantViolations(t, err, "as_of")
	_, err = e.report.GetAggregateWorkbook(ctx, &reportv1.GetAggregateWorkbookRequest{UnitCode: province, CountMode: "all"})
	grpctest.WantViolations(t, err, "count_mode")
	// Money per result: a period as the report reads it, a unit with a report.
	_, err = e.report.GetMoneyPerResult(ctx, &reportv1.GetMoneyPerResultRequest{UnitCode: province, Period: "2020-Q3"})
	wantRefusal(t, "money per result of 2020-Q3", err, "period", "is not a period")
	_, err = e.report.GetMoneyPerResult(ctx, &reportv1.GetMoneyPerResultRequest{UnitCode: "1000", Period: "2020"})
	wantRefusal(t, "money per result of a village", err, "unit_code", "is a village")
	_, err = e.report.GetTrendsWorkbook(ctx, &reportv1.GetTrendsWorkbookRequest{UnitCode: province, From: "2020", To: "2019"})
	grpctest.WantViolations(t, err, "to")
}

// The report reads the unit as the caller may: an officer reads the
// report of their province (every service asked agrees, as the caller's
// token goes with each call), not another province's; a unit that does
// not exist on the date is NotFound; no token, no report.
func TestReportIsReadAsTheCaller(t *testing.T) {
	e := start(t, storages[0])
	tell(t, e)
	officer := auth.Identity{Subject: "canbo@100", Role: auth.CommuneOfficer, Unit: "100"}
	stranger := auth.Identity{Subject: "canbo@120", Role: auth.CommuneOfficer, Unit: "120"}
	r := ok(e.report.GetReport(e.as(t, officer), &reportv1.GetReportRequest{UnitCode: province, Period: "2020"}))(t, "the officer's province")
	if r.GetRecognitions().GetCommunes()[0].GetCumulative() != 3 {
		t.Errorf("the officer's report counts %d communes at the standard, want 3", r.GetRecognitions().GetCommunes()[0].GetCumulative())
	}
	_, err := e.report.GetReport(e.as(t, stranger), &reportv1.GetReportRequest{UnitCode: province, Period: "2020"})
	grpctest.WantDenied(t, err, "units/19")
	_, err = e.report.GetReportWorkbook(e.as(t, stranger), &reportv1.GetReportWorkbookRequest{UnitCode: province, Period: "2020"})
	grpctest.WantDenied(t, err, "units/19")
	_, err = e.report.GetAggregateWorkbook(e.as(t, stranger), &reportv1.GetAggregateWorkbookRequest{UnitCode: province})
	grpctest.WantDenied(t, err, "units/19")
	_, err = e.report.GetTrendsWorkbook(e.as(t, stranger), &reportv1.GetTrendsWorkbookRequest{UnitCode: province, From: "2019", To: "2020"})
	grpctest.WantDenied(t, err, "units/19")
	_, err = e.report.GetMoneyPerResult(e.as(t, stranger), &reportv1.GetMoneyPerResultRequest{UnitCode: province, Period: "2020"})
	grpctest.WantDenied(t, err, "units/19")
	ok(e.report.GetMoneyPerResult(e.as(t, officer), &reportv1.GetMoneyPerResultRequest{UnitCode: province, Period: "2020"}))(t, "the officer's province's money per result")
	ok(e.report.GetTrendsWorkbook(e.as(t, officer), &reportv1.GetTrendsWorkbookRequest{UnitCode: province, From: "2019", To: "2020"}))(t, "the officer's province's trends")
	_, err = e.report.GetReport(e.as(t, admin), &reportv1.GetReportRequest{UnitCode: "99", Period: "2020"})
	grpctest.WantCode(t, err, codes.NotFound)
	_, err = e.report.GetReport(t.Context(), &reportv1.GetReportRequest{UnitCode: province, Period: "2020"})
	grpctest.WantCode(t, err, codes.Unauthenticated)
}

// wantRefusal fails t unless err is bad input in field alone, its message
// saying says.
func wantRefusal(t *testing.T, what string, err error, field, says string) {
	t.Helper()
	if got := grpctest.Violations(t, err); len(got) != 1 || got[0] != field || !strings.Contains(status.Convert(err).Message(), says) {
		t.Errorf("%s: %v naming %q, want %s saying %q", what, err, got, field, says)
	}
}
