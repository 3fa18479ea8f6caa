package report_test

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ntmsuite/ntm/platform/sheet"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/report/internal/workbook"
)

// sheets is a workbook read back, each sheet's rows as stored (raw
// values: a percentage is the fraction its % format shows).
type sheets map[string][][]string

func read(t *testing.T, data []byte) sheets {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	out := sheets{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rows
	}
	return out
}

// row is the first row of sheet whose column col (1-based) holds key.
func (s sheets) row(t *testing.T, sheet string, col int, key string) []string {
	t.Helper()
	for _, r := range s[sheet] {
		if len(r) >= col && r[col-1] == key {
			return r
		}
	}
	t.Fatalf("%s: no row with %q in column %d", sheet, key, col)
	return nil
}

// cell is column col (1-based) of row; "" past its last value.
func cell(row []string, col int) string {
	if col > len(row) {
		return ""
	}
	return row[col-1]
}

// number checks that cell col of row holds want (a percentage given as
// the report writes it is compared as the fraction stored).
func number(t *testing.T, what string, row []string, col int, want float64) {
	t.Helper()
	if col > len(row) {
		t.Errorf("%s: no column %d in %q", what, col, row)
		return
	}
	got, err := strconv.ParseFloat(row[col-1], 64)
	if err != nil || math.Abs(got-want) > 1e-9 {
		t.Errorf("%s: column %d holds %q, want %v", what, col, row[col-1], want)
	}
}

// The workbook of a report holds the figures of the same report, cell by
// cell, wherever the JSON answer has them.
func TestReportWorkbookHoldsTheReport(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tell(t, e)
		ctx := e.as(t, admin)
		r := ok(e.report.GetReport(ctx, &reportv1.GetReportRequest{UnitCode: province, Period: "2020"}))(t, "report")
		book := ok(e.report.GetReportWorkbook(ctx, &reportv1.GetReportWorkbookRequest{UnitCode: province, Period: "2020"}))(t, "workbook")
		if book.GetContentType() != sheet.ContentType {
			t.Errorf("content type %q", book.GetContentType())
		}
		s := read(t, book.GetData())
		if got := len(s); got != 6 {
			t.Errorf("%d sheets, want one per section", got)
		}

		for _, group := range [][]*reportv1.LevelCount{r.GetRecognitions().GetCommunes(), r.GetRecognitions().GetVillages(), r.GetRecognitions().GetDistricts()} {
			for _, c := range group {
				row := s.row(t, workbook.SheetRecognitions, 3, c.GetDisplayName())
				for col, want := range []float64{float64(c.GetInPeriod()), float64(c.GetCumulative()), float64(c.GetFormerUnits()), float64(c.GetDenominator()), c.GetPercent() / 100} {
					number(t, c.GetDisplayName(), row, 5+col, want)
				}
			}
		}
		for _, d := range r.GetRecognitions().GetDecided() {
			row := s.row(t, workbook.SheetRecognitions, 6, d.GetDecisionNumber())
			if cell(row, 2) != d.GetUnitCode() || cell(row, 9) != d.GetOverrideReason() {
				t.Errorf("decided %s: %q", d.GetUnitCode(), row)
			}
		}

		for _, o := range r.GetRegistrations().GetRows() {
			row := s.row(t, workbook.SheetRegistrations, 4, o.GetUnitCode())
			if reached := cell(row, 7) == "Đạt"; reached != o.GetReached() {
				t.Errorf("registration %s: %q in the workbook, reached %v in the report", o.GetUnitCode(), cell(row, 7), o.GetReached())
			}
			if !o.GetReached() {
				number(t, "criteria met by "+o.GetUnitCode(), row, 11, float64(o.GetCriteriaMet()))
				number(t, "criteria of "+o.GetUnitCode(), row, 12, float64(o.GetCriteriaCount()))
			}
		}

		for _, tr := range r.GetTargets().GetRows() {
			row := s.row(t, workbook.SheetTargets, 3, tr.GetKind())
			scale := 1.0
			if tr.GetValueUnit() == "%" {
				scale = 100
			}
			number(t, tr.GetKind()+" plan", row, 6, tr.GetTarget()/scale)
			if tr.GetHasResult() {
				number(t, tr.GetKind()+" result", row, 7, tr.GetResult()/scale)
				number(t, tr.GetKind()+" % of plan", row, 8, tr.GetPercentOfPlan()/100)
			}
			if tr.GetHasEstimate() {
				number(t, tr.GetKind()+" estimate", row, 10, tr.GetEstimate()/scale)
			}
			if cell(row, 12) != tr.GetSummary() || cell(row, 13) != tr.GetEstimateSummary() {
				t.Errorf("%s: sentences %q / %q, want %q / %q", tr.GetKind(), cell(row, 12), cell(row, 13), tr.GetSummary(), tr.GetEstimateSummary())
			}
		}

		for _, c := range r.GetCriteria().GetAggregate().GetCriteria() {
			row := s.row(t, workbook.SheetCriteria, 3, c.GetDisplayName())
			number(t, c.GetDisplayName(), row, 4, float64(c.GetMet()))
			number(t, c.GetDisplayName(), row, 5, float64(c.GetDenominator()))
			number(t, c.GetDisplayName(), row, 6, c.GetPercent()/100)
		}
		number(t, "average", s.row(t, workbook.SheetCriteria, 3, "Bình quân số tiêu chí đạt/xã"), 4, r.GetCriteria().GetAggregate().GetAverageMet())

		o := r.GetOcop()
		number(t, "OCOP certified in the period", s.row(t, workbook.SheetOcop, 2, "Tổng số sản phẩm được công nhận trong kỳ (từ 3 sao)"), 4, float64(o.GetCertifiedInPeriodTotal()))
		number(t, "OCOP proposed", s.row(t, workbook.SheetOcop, 2, "Sản phẩm đề nghị Trung ương đánh giá, phân hạng 5 sao"), 4, float64(o.GetProposedCentral()))

		total := r.GetFunding().GetSummary().GetTotal()
		row := s.row(t, workbook.SheetFunding, 3, "Tổng cộng (tiền)")
		number(t, "planned", row, 4, float64(total.GetPlannedVnd()))
		number(t, "disbursed", row, 5, float64(total.GetDisbursedVnd()))
		number(t, "disbursed %", row, 6, total.GetDisbursedPercent()/100)
	})
}

// The aggregate workbook holds the criteria service's aggregate as asked.
func TestAggregateWorkbookHoldsTheAggregate(t *testing.T) {
	e := start(t, storages[0])
	tell(t, e)
	ctx := e.as(t, admin)
	agg := ok(e.criteria.GetAggregate(ctx, &criteriav1.GetAggregateRequest{UnitCode: province, AsOf: "2020-12-31", CountMode: "reported"}))(t, "aggregate")
	book := ok(e.report.GetAggregateWorkbook(ctx, &reportv1.GetAggregateWorkbookRequest{UnitCode: province, AsOf: "2020-12-31", CountMode: "reported"}))(t, "workbook")
	s := read(t, book.GetData())
	for _, c := range agg.GetCriteria() {
		row := s.row(t, workbook.SheetCriteria, 3, c.GetDisplayName())
		number(t, c.GetDisplayName(), row, 4, float64(c.GetMet()))
		number(t, c.GetDisplayName(), row, 6, c.GetPercent()/100)
	}
	for _, b := range agg.GetBands() {
		number(t, "band "+b.GetLabel(), s.row(t, workbook.SheetBands, 2, b.GetLabel()), 4, float64(b.GetCommunes()))
	}
	for _, b := range agg.GetBelow() {
		number(t, "under "+strconv.Itoa(int(b.GetCriteria())), s.row(t, workbook.SheetBands, 2, strconv.Itoa(int(b.GetCriteria()))), 4, float64(b.GetCommunes()))
	}
	for _, tallies := range [][]*criteriav1.RecognitionTally{agg.GetRecognitions(), agg.GetVillageRecognitions(), agg.GetDistrictRecognitions()} {
		for _, tally := range tallies {
			row := s.row(t, workbook.SheetAggRecognitions, 3, tally.GetDisplayName())
			for col, want := range []float64{float64(tally.GetUnits()), float64(tally.GetFormerCommunes()), float64(tally.GetDenominator()), tally.GetPercent() / 100} {
				number(t, tally.GetDisplayName(), row, 4+col, want)
			}
		}
	}
	if !slices.Contains(s[workbook.SheetBands][1], "Đơn vị: Tỉnh Thái Nguyên (mã 19). Số liệu tính đến ngày 31/12/2020.") {
		t.Errorf("title row %q", s[workbook.SheetBands][1])
	}
}
