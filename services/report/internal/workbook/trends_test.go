package workbook

import (
	"slices"
	"testing"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

func trends() *criteriav1.Trends {
	const onto = "NTM_COMMUNE_2026_2030"
	missing := func(d string, gap criteriav1.TrendGap) *criteriav1.TrendPoint {
		return &criteriav1.TrendPoint{Date: d, CriteriaSet: "NTM_COMMUNE_2021_2025", Missing: true, Gap: gap}
	}
	return &criteriav1.Trends{UnitCode: "19", Onto: onto, Step: "year",
		Dates: []*criteriav1.TrendDate{{Date: "2024-12-31", CriteriaSet: "NTM_COMMUNE_2021_2025", Communes: 30}, {Date: "2026-06-30", CriteriaSet: onto, Communes: 27}},
		Criteria: []*criteriav1.CriterionTrend{
			{Code: "2", DisplayName: "Hạ tầng kinh tế - xã hội", Points: []*criteriav1.TrendPoint{
				{Date: "2024-12-31", CriteriaSet: "NTM_COMMUNE_2021_2025", Met: 12, Approximate: true},
				{Date: "2026-06-30", CriteriaSet: onto, Met: 15, Confirmed: true}}},
			{Code: "7", DisplayName: "Khoa học công nghệ và chuyển đổi số", Points: []*criteriav1.TrendPoint{
				missing("2024-12-31", criteriav1.TrendGap_TREND_GAP_NO_COUNTERPART),
				{Date: "2026-06-30", CriteriaSet: onto, Met: 0, Confirmed: true}}},
		}}
}

func TestTrendsWorkbook(t *testing.T) {
	data, err := Trends(trends(), "Tỉnh Thái Nguyên")
	if err != nil {
		t.Fatal(err)
	}
	o := open(t, data)
	if got, want := o.f.GetSheetList(), []string{SheetTrends, SheetTrendNotes}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	hrow, col := o.find(SheetTrends, "31/12/2024")
	if o.text(SheetTrends, hrow, col+1) != "30/06/2026" {
		t.Errorf("dates are not the columns after 31/12/2024")
	}
	row, _ := o.find(SheetTrends, "Hạ tầng kinh tế - xã hội")
	o.wantNumber(SheetTrends, row, col, 12, fmtInteger)
	o.wantNumber(SheetTrends, row, col+1, 15, fmtInteger)
	row, _ = o.find(SheetTrends, "Khoa học công nghệ và chuyển đổi số")
	// A missing point is a dash, never a 0; a real 0 stays a number.
	if got := o.text(SheetTrends, row, col); got != "—" {
		t.Errorf("missing point reads %q, want a dash", got)
	}
	o.wantNumber(SheetTrends, row, col+1, 0, fmtInteger)
	row, _ = o.find(SheetTrends, "Tổng số xã")
	o.wantNumber(SheetTrends, row, col, 30, fmtInteger)
	row, _ = o.find(SheetTrendNotes, "Hạ tầng kinh tế - xã hội")
	if got := o.text(SheetTrendNotes, row, col); got != "Quy đổi từ NTM_COMMUNE_2021_2025, gần đúng, chưa xác nhận" {
		t.Errorf("note of a mapped point = %q", got)
	}
	if got := o.text(SheetTrendNotes, row, col+1); got != "" {
		t.Errorf("note of the set's own point = %q, want none", got)
	}
	row, _ = o.find(SheetTrendNotes, "Khoa học công nghệ và chuyển đổi số")
	if got := o.text(SheetTrendNotes, row, col); got != "Không có tiêu chí tương ứng" {
		t.Errorf("note of a missing point = %q", got)
	}
}
