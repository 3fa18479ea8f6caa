package report_test

import (
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/grpctest"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
)

// Bad input is refused naming the field, for the report and both
// workbooks alike, before anything is read.
func TestRefusesBadPeriodAndDate(t *testing.T) {
	e := start(t, storages[0])
	ctx := e.as(t, admin)
	for _, tc := range []struct{ period, asOf, field string }{
		{"2020-Q3", "", "period"},
		{"20", "", "period"},
		{"2021-2020", "", "period"},
		{"2999", "", "period"}, // has not begun
		{"2020", "2021-01-01", "as_of"},
		{"2020-H1", "2020-07-01", "as_of"},
		{"2020", "2020-13-01", "as_of"},
	} {
		_, err := e.report.GetReport(ctx, &reportv1.GetReportRequest{UnitCode: province, Period: tc.period, AsOf: tc.asOf})
		grpctest.WantViolations(t, err, tc.field)
		_, err = e.report.GetReportWorkbook(ctx, &reportv1.GetReportWorkbookRequest{UnitCode: province, Period: tc.period, AsOf: tc.asOf})
		grpctest.WantViolations(t, err, tc.field)
	}
	_, err := e.report.GetAggregateWorkbook(ctx, &reportv1.GetAggregateWorkbookRequest{UnitCode: province, AsOf: "2020-02-30"})
	grpctest.WantViolations(t, err, "as_of")
	_, err = e.report.GetAggregateWorkbook(ctx, &reportv1.GetAggregateWorkbookRequest{UnitCode: province, CountMode: "all"})
	grpctest.WantViolations(t, err, "count_mode")
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
	_, err = e.report.GetReport(e.as(t, admin), &reportv1.GetReportRequest{UnitCode: "99", Period: "2020"})
	grpctest.WantCode(t, err, codes.NotFound)
	_, err = e.report.GetReport(t.Context(), &reportv1.GetReportRequest{UnitCode: province, Period: "2020"})
	grpctest.WantCode(t, err, codes.Unauthenticated)
}
