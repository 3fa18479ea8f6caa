package workbook

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
)

func aggregate() *criteriav1.Aggregate {
	return &criteriav1.Aggregate{UnitCode: "19", AsOf: "2020-10-31", CriteriaSet: "NTM_COMMUNE_2016_2020", CountMode: "reported",
		Communes: 137, AssessedCommunes: 137, AverageMet: 16.13,
		Criteria: []*criteriav1.CriterionTally{
			{Code: "1", DisplayName: "Quy hoạch", Met: 137, Denominator: 137, Percent: 100},
			{Code: "2", DisplayName: "Giao thông", Met: 112, Denominator: 137, Percent: 81.75},
		},
		Bands:                []*criteriav1.BandTally{{Label: "19", Communes: 101}, {Label: "15-18", Communes: 30}, {Label: "10-14", Communes: 6}, {Label: "<5"}},
		Below:                []*criteriav1.BelowTally{{Criteria: 5}, {Criteria: 10}, {Criteria: 15, Communes: 6}},
		Recognitions:         []*criteriav1.RecognitionTally{{Level: "STANDARD", DisplayName: "Xã đạt chuẩn nông thôn mới", Units: 103, FormerCommunes: 6, Denominator: 143, Percent: 72.03}},
		VillageRecognitions:  []*criteriav1.RecognitionTally{{Level: "STANDARD", DisplayName: "Thôn đạt chuẩn nông thôn mới", Units: 77, Denominator: 120, Percent: 64.17}},
		DistrictRecognitions: []*criteriav1.RecognitionTally{{Level: "COMPLETED", DisplayName: "Thị xã, thành phố thuộc tỉnh hoàn thành nhiệm vụ xây dựng nông thôn mới", Units: 1, Denominator: 9, Percent: 11.11}},
	}
}

// report is a small report as the composer writes it (made-up figures).
func report() *reportv1.Report {
	basis := func(note string) *reportv1.Basis {
		return &reportv1.Basis{AsOf: "2020-10-31", From: "2020-01-01", To: "2020-12-31", Note: note}
	}
	return &reportv1.Report{
		UnitCode: "19", DisplayName: "Tỉnh Thái Nguyên", Period: "2020", PeriodFrom: "2020-01-01", PeriodTo: "2020-12-31", AsOf: "2020-10-31",
		Title: "Báo cáo kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới năm 2020",
		Recognitions: &reportv1.RecognitionSection{Basis: basis("Lũy kế tính cả các xã đã lên phường, thị trấn hoặc sáp nhập."),
			Communes: []*reportv1.LevelCount{{Level: "STANDARD", DisplayName: "Xã đạt chuẩn nông thôn mới", InPeriod: 2, Cumulative: 103, FormerUnits: 6, Denominator: 143, Percent: 72.03}},
			Villages: []*reportv1.LevelCount{{Level: "STANDARD", DisplayName: "Thôn đạt chuẩn nông thôn mới", InPeriod: 7, Cumulative: 77, Denominator: 120, Percent: 64.17}},
			Decided: []*reportv1.RecognitionRow{{UnitCode: "06002", DisplayName: "Xã Phú Thượng", UnitType: "COMMUNE", Level: "STANDARD",
				DecisionNumber: "2345/QĐ-UBND", EffectiveDate: "2020-03-10", CriteriaSet: "NTM_COMMUNE_2016_2020", OverrideReason: "Thu nhập đạt 98%"}}},
		Registrations: &reportv1.RegistrationSection{Basis: basis("Đăng ký của năm 2020."),
			ByLevel: []*reportv1.RegistrationTally{{UnitType: "COMMUNE", Level: "STANDARD", DisplayName: "Xã đạt chuẩn nông thôn mới", Registered: 3, Reached: 2}},
			Rows: []*reportv1.RegistrationOutcome{
				{UnitType: "COMMUNE", UnitCode: "06002", DisplayName: "Xã Phú Thượng", Level: "STANDARD", Year: 2020, Reached: true, RecognitionDecision: "2345/QĐ-UBND", RecognisedOn: "2020-03-10"},
				{UnitType: "COMMUNE", UnitCode: "06005", DisplayName: "Xã La Hiên", Level: "STANDARD", Year: 2020, AssessedOn: "2020-10-31", CriteriaMet: 17, CriteriaCount: 19, Missing: []string{"10 Thu nhập", "17 Môi trường"}},
			}},
		Targets: &reportv1.TargetSection{Basis: basis("Chỉ tiêu kế hoạch năm 2020."),
			Rows: []*reportv1.TargetResult{
				{Kind: "COMMUNES_STANDARD_NEW", DisplayName: "Số xã đạt chuẩn nông thôn mới trong năm", ValueUnit: "xã", Period: "2020", Target: 5,
					HasResult: true, Result: 2, PercentOfPlan: 40, Status: "BELOW_PLAN", Summary: "2/5 xã, đạt 40% kế hoạch, còn thiếu 3 xã",
					HasEstimate: true, Estimate: 7, EstimatedOn: "2020-10-31", EstimateSummary: "Dự ước 7 xã, vượt kế hoạch (5 xã)"},
				{Kind: "COMMUNES_STANDARD_PERCENT", DisplayName: "Tỷ lệ xã đạt chuẩn nông thôn mới", ValueUnit: "%", Period: "2020", Target: 70,
					HasResult: true, Result: 72.03, PercentOfPlan: 102.9, Status: "ABOVE_PLAN", Summary: "72,03% (kế hoạch 70%), vượt kế hoạch",
					HasEstimate: true, Estimate: 75.5, EstimatedOn: "2020-10-31", EstimateSummary: "Dự ước 75,5%, vượt kế hoạch (70%)"},
				{Kind: "AVERAGE_VILLAGE_CRITERIA", DisplayName: "Bình quân tiêu chí nông thôn mới/thôn", ValueUnit: "tiêu chí NTM/thôn", Period: "2020",
					Target: 11.2, Status: "NOT_COMPUTED", Summary: "Kế hoạch 11,2 tiêu chí NTM/thôn; chưa có kết quả tính từ số liệu của hệ thống"},
			}},
		Criteria: &reportv1.CriteriaSection{Basis: basis("Theo lần đánh giá gần nhất."), Aggregate: aggregate()},
		Ocop: &reportv1.OcopSection{Basis: basis("Năm chu kỳ 2020."), Registered: 82, Eligible: 58, NotEligible: 24,
			Evaluated:         []*ocopv1.StarTally{{Stars: 3, Products: 40}, {Stars: 4, Products: 11}},
			CertifiedInPeriod: []*ocopv1.StarTally{{Stars: 3, Products: 40}, {Stars: 4, Products: 11}}, CertifiedInPeriodTotal: 51,
			Certified: []*ocopv1.StarTally{{Stars: 3, Products: 60}, {Stars: 4, Products: 16}}, CertifiedTotal: 76, ProposedCentral: 7},
		Funding: &reportv1.FundingSection{Basis: basis("Kế hoạch vốn năm 2020."), Summary: &fundingv1.FundingSummary{
			Total:        &fundingv1.Progress{PlannedVnd: 850_000_000_000, DisbursedVnd: 612_000_000_000, DisbursedPercent: 72},
			MobilisedVnd: 640_000_000_000,
			BySource: []*fundingv1.SourceProgress{
				{Source: "CENTRAL_BUDGET", DisplayName: "Ngân sách Trung ương", Progress: &fundingv1.Progress{PlannedVnd: 850_000_000_000, DisbursedVnd: 612_000_000_000, DisbursedPercent: 72}},
				{Source: "CEMENT", DisplayName: "Xi măng", Kind: fundingv1.SourceKind_IN_KIND, PlannedQuantity: "4500", DisbursedQuantity: "220.5", QuantityUnit: "tấn",
					Progress: &fundingv1.Progress{PlannedVnd: 45_000_000_000, DisbursedVnd: 28_000_000_000, DisbursedPercent: 62.22}},
			},
			ByYear: []*fundingv1.YearProgress{{Year: 2020, Progress: &fundingv1.Progress{PlannedVnd: 850_000_000_000, DisbursedVnd: 612_000_000_000, DisbursedPercent: 72}}},
			ByUnit: []*fundingv1.UnitProgress{{UnitCode: "06002", DisplayName: "Xã Phú Thượng", Progress: &fundingv1.Progress{PlannedVnd: 1, DisbursedVnd: 1, DisbursedPercent: 100}}},
		}},
	}
}

// opened is a workbook read back as a reader of it would.
type opened struct {
	t *testing.T
	f *excelize.File
}

func open(t *testing.T, data []byte) *opened {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return &opened{t, f}
}

// find is the cell (row, column) holding exactly text on sheet.
func (o *opened) find(sheet, text string) (int, int) {
	o.t.Helper()
	rows, err := o.f.GetRows(sheet)
	if err != nil {
		o.t.Fatal(err)
	}
	for r, row := range rows {
		if c := slices.Index(row, text); c >= 0 {
			return r + 1, c + 1
		}
	}
	o.t.Fatalf("%s: no cell %q", sheet, text)
	return 0, 0
}

// text is a cell that must hold text.
func (o *opened) text(sheet string, row, col int) string {
	o.t.Helper()
	name, _ := excelize.CoordinatesToCellName(col, row)
	typ, err := o.f.GetCellType(sheet, name)
	if err != nil {
		o.t.Fatal(err)
	}
	v, _ := o.f.GetCellValue(sheet, name)
	if v != "" && typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		o.t.Errorf("%s!%s = %q is stored as %v, want text", sheet, name, v, typ)
	}
	return v
}

// number is a cell that must hold a number, as stored; format is its
// number format's id.
func (o *opened) number(sheet string, row, col int) (float64, int) {
	o.t.Helper()
	name, _ := excelize.CoordinatesToCellName(col, row)
	raw, err := o.f.GetCellValue(sheet, name, excelize.Options{RawCellValue: true})
	if err != nil {
		o.t.Fatal(err)
	}
	typ, _ := o.f.GetCellType(sheet, name)
	x, err := strconv.ParseFloat(raw, 64)
	if err != nil || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
		o.t.Errorf("%s!%s = %q (%v) is not a number", sheet, name, raw, typ)
	}
	id, err := o.f.GetCellStyle(sheet, name)
	if err != nil {
		o.t.Fatal(err)
	}
	st, err := o.f.GetStyle(id)
	if err != nil {
		o.t.Fatal(err)
	}
	return x, st.NumFmt
}

func (o *opened) wantNumber(sheet string, row, col int, want float64, format int) {
	o.t.Helper()
	got, f := o.number(sheet, row, col)
	if diff := got - want; diff > 1e-9 || diff < -1e-9 || f != format {
		o.t.Errorf("%s row %d col %d = %v (format %d), want %v (format %d)", sheet, row, col, got, f, want, format)
	}
}

func TestReportSheetsLayout(t *testing.T) {
	data, err := Report(report())
	if err != nil {
		t.Fatal(err)
	}
	o := open(t, data)
	want := []string{SheetRecognitions, SheetRegistrations, SheetTargets, SheetCriteria, SheetOcop, SheetFunding}
	if got := o.f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	for _, name := range want {
		title := o.text(name, 2, 1)
		unit := o.text(name, 3, 1)
		if title != report().GetTitle() || !strings.Contains(unit, "Tỉnh Thái Nguyên (mã 19)") || !strings.Contains(unit, "Kỳ báo cáo: năm 2020 (") ||
			!strings.Contains(unit, "31/10/2020") || !strings.HasPrefix(o.text(name, 4, 1), "Cách tính: ") {
			t.Errorf("%s title rows: %q / %q", name, title, unit)
		}
		header, _ := o.find(name, "TT")
		panes, err := o.f.GetPanes(name)
		if err != nil || !panes.Freeze || panes.YSplit != header {
			t.Errorf("%s: panes %+v, want the header row %d frozen", name, panes, header)
		}
		layout, err := o.f.GetPageLayout(name)
		if err != nil || layout.Size == nil || *layout.Size != a4 || layout.Orientation == nil || *layout.Orientation != "landscape" {
			t.Errorf("%s: page layout %+v, want A4 landscape", name, layout)
		}
	}
	// Wrapped text gets the lines it needs: the recognitions' header names
	// "Trong đó: đơn vị cũ (xã đã lên phường, ...)" in a narrow column.
	header, _ := o.find(SheetRecognitions, "TT")
	if h, err := o.f.GetRowHeight(SheetRecognitions, header); err != nil || h < 2*lineHeight {
		t.Errorf("recognitions header row is %v points high, want room for two lines or more", h)
	}
}

func TestReportCellsHoldTheReportsFigures(t *testing.T) {
	r := report()
	data, err := Report(r)
	if err != nil {
		t.Fatal(err)
	}
	o := open(t, data)

	row, _ := o.find(SheetRecognitions, "Xã đạt chuẩn nông thôn mới")
	c := r.GetRecognitions().GetCommunes()[0]
	if o.text(SheetRecognitions, row, 2) != "Xã" || o.text(SheetRecognitions, row, 4) != "STANDARD" {
		t.Errorf("recognition row %d: %q %q", row, o.text(SheetRecognitions, row, 2), o.text(SheetRecognitions, row, 4))
	}
	for col, want := range map[int]float64{5: float64(c.GetInPeriod()), 6: float64(c.GetCumulative()), 7: float64(c.GetFormerUnits()), 8: float64(c.GetDenominator())} {
		o.wantNumber(SheetRecognitions, row, col, want, fmtInteger)
	}
	o.wantNumber(SheetRecognitions, row, 9, 0.7203, fmtPercent)
	row, col := o.find(SheetRecognitions, "06002")
	if col != 2 || o.text(SheetRecognitions, row, 9) != "Thu nhập đạt 98%" || o.text(SheetRecognitions, row, 7) != "10/03/2020" {
		t.Errorf("decided row: column %d, %q %q", col, o.text(SheetRecognitions, row, 9), o.text(SheetRecognitions, row, 7))
	}

	row, _ = o.find(SheetRegistrations, "06005")
	if o.text(SheetRegistrations, row, 3) != "Xã" || o.text(SheetRegistrations, row, 7) != "Chưa đạt" || o.text(SheetRegistrations, row, 13) != "10 Thu nhập; 17 Môi trường" {
		t.Errorf("unreached registration: %q %q %q", o.text(SheetRegistrations, row, 3), o.text(SheetRegistrations, row, 7), o.text(SheetRegistrations, row, 13))
	}
	o.wantNumber(SheetRegistrations, row, 11, 17, fmtInteger)
	o.wantNumber(SheetRegistrations, row, 2, 2020, fmtYear)
	if got := o.text(SheetRegistrations, row, 6); got != "Xã đạt chuẩn nông thôn mới" {
		t.Errorf("registered level = %q, want its title", got)
	}
	row, _ = o.find(SheetRegistrations, "Xã đạt chuẩn nông thôn mới")
	o.wantNumber(SheetRegistrations, row, 7, 0.6667, fmtPercent)

	row, _ = o.find(SheetTargets, "COMMUNES_STANDARD_NEW")
	o.wantNumber(SheetTargets, row, 6, 5, fmtGeneral)
	o.wantNumber(SheetTargets, row, 7, 2, fmtGeneral)
	o.wantNumber(SheetTargets, row, 8, 0.4, fmtPercent)
	o.wantNumber(SheetTargets, row, 10, 7, fmtGeneral)
	if o.text(SheetTargets, row, 9) != "Chưa đạt kế hoạch" || o.text(SheetTargets, row, 12) != "2/5 xã, đạt 40% kế hoạch, còn thiếu 3 xã" ||
		o.text(SheetTargets, row, 13) != "Dự ước 7 xã, vượt kế hoạch (5 xã)" {
		t.Errorf("target row: %q %q %q", o.text(SheetTargets, row, 9), o.text(SheetTargets, row, 12), o.text(SheetTargets, row, 13))
	}
	// An estimate looks apart from results (italic), whatever its format.
	for _, cell := range []string{"J" + strconv.Itoa(row), "J" + strconv.Itoa(row+1)} {
		id, _ := o.f.GetCellStyle(SheetTargets, cell)
		if st, _ := o.f.GetStyle(id); st.Font == nil || !st.Font.Italic {
			t.Errorf("estimate %s is not marked", cell)
		}
	}
	row, _ = o.find(SheetTargets, "COMMUNES_STANDARD_PERCENT")
	o.wantNumber(SheetTargets, row, 6, 0.70, fmtPercent)
	o.wantNumber(SheetTargets, row, 7, 0.7203, fmtPercent)
	o.wantNumber(SheetTargets, row, 10, 0.755, fmtPercent)
	row, _ = o.find(SheetTargets, "AVERAGE_VILLAGE_CRITERIA")
	if v := o.text(SheetTargets, row, 7); v != "" || o.text(SheetTargets, row, 9) != "Chưa tính được" {
		t.Errorf("a target without a result shows %q", v)
	}
	o.find(SheetTargets, "Ghi chú: cột Dự ước là số ước tính đến cuối năm (in nghiêng), không phải kết quả thực hiện.")

	row, _ = o.find(SheetCriteria, "Giao thông")
	if o.text(SheetCriteria, row, 2) != "2" {
		t.Errorf("criterion code %q is not text", o.text(SheetCriteria, row, 2))
	}
	o.wantNumber(SheetCriteria, row, 4, 112, fmtInteger)
	o.wantNumber(SheetCriteria, row, 6, 0.8175, fmtPercent)
	row, _ = o.find(SheetCriteria, "Bình quân số tiêu chí đạt/xã")
	o.wantNumber(SheetCriteria, row, 4, 16.13, fmtDecimal)
	if unit := o.text(SheetCriteria, row, 2); unit != "tiêu chí/xã" {
		t.Errorf("the average's unit is %q", unit)
	}

	row, _ = o.find(SheetOcop, "Sản phẩm đề nghị Trung ương đánh giá, phân hạng 5 sao")
	o.wantNumber(SheetOcop, row, 4, 7, fmtInteger)

	row, _ = o.find(SheetFunding, "CEMENT")
	o.wantNumber(SheetFunding, row, 4, 45e9, fmtInteger)
	o.wantNumber(SheetFunding, row, 6, 0.6222, fmtPercent)
	o.wantNumber(SheetFunding, row, 8, 220.5, fmtDecimal)
	if o.text(SheetFunding, row, 9) != "tấn" {
		t.Errorf("cement unit %q", o.text(SheetFunding, row, 9))
	}
	row, _ = o.find(SheetFunding, "06002")
	o.wantNumber(SheetFunding, row, 4, 1, fmtInteger)
}

func TestAggregateWorkbook(t *testing.T) {
	data, err := Aggregate(aggregate(), "Tỉnh Thái Nguyên")
	if err != nil {
		t.Fatal(err)
	}
	o := open(t, data)
	if got, want := o.f.GetSheetList(), []string{SheetCriteria, SheetBands, SheetAggRecognitions}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	if l := o.text(SheetBands, 2, 1); !strings.Contains(l, "Tỉnh Thái Nguyên (mã 19)") || !strings.Contains(l, "31/10/2020") {
		t.Errorf("title row %q", l)
	}
	row, _ := o.find(SheetCriteria, "Quy hoạch")
	o.wantNumber(SheetCriteria, row, 6, 1, fmtPercent)
	row, _ = o.find(SheetBands, "15-18")
	o.wantNumber(SheetBands, row, 4, 30, fmtInteger)
	// Bands are worded as offices write them, not as the catalog's labels.
	for label, words := range map[string]string{"19": "19 tiêu chí", "15-18": "Từ 15 đến 18 tiêu chí", "<5": "Dưới 5 tiêu chí"} {
		row, _ := o.find(SheetBands, label)
		if got := o.text(SheetBands, row, 3); got != words {
			t.Errorf("band %s reads %q, want %q", label, got, words)
		}
	}
	row, _ = o.find(SheetBands, "Số xã đạt dưới 15 tiêu chí")
	o.wantNumber(SheetBands, row, 4, 6, fmtInteger)
	for _, tc := range []struct {
		name              string
		units, former, of float64
		pct               float64
	}{
		{"Xã đạt chuẩn nông thôn mới", 103, 6, 143, 0.7203},
		{"Thôn đạt chuẩn nông thôn mới", 77, 0, 120, 0.6417},
		{"Thị xã, thành phố thuộc tỉnh hoàn thành nhiệm vụ xây dựng nông thôn mới", 1, 0, 9, 0.1111},
	} {
		row, _ := o.find(SheetAggRecognitions, tc.name)
		o.wantNumber(SheetAggRecognitions, row, 4, tc.units, fmtInteger)
		o.wantNumber(SheetAggRecognitions, row, 5, tc.former, fmtInteger)
		o.wantNumber(SheetAggRecognitions, row, 6, tc.of, fmtInteger)
		o.wantNumber(SheetAggRecognitions, row, 7, tc.pct, fmtPercent)
	}
}
