package workbook

import (
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/report/internal/vn"
)

// Sheet names of the aggregate workbook besides SheetCriteria, which opens
// it as it does the report's criteria section; the report holds the tables
// of these two sheets on its SheetCriteria.
const (
	SheetBands           = "Nhóm tiêu chí"
	SheetAggRecognitions = "Công nhận"
)

// countModes say in the title rows how recognised units were counted.
var countModes = map[string]string{
	"current":  "các xã của ngày đó",
	"reported": "tính cả các xã đã lên phường, thị trấn hoặc sáp nhập nếu được công nhận khi còn là xã, huyện đã kết thúc hoạt động và thôn đã sáp nhập (như báo cáo của tỉnh)",
}

// criteriaWidths fit the per-criterion table and the tables below it.
var criteriaWidths = []float64{5, 18, 45, 14, 18, 14, 12}

// Aggregate lays a unit's aggregate out as a workbook: the criteria, the
// bands and "under N" counts, and the recognitions of communes, villages
// and districts, each on its sheet. unitName is the unit's name on the
// aggregate's date.
func Aggregate(agg *criteriav1.Aggregate, unitName string) ([]byte, error) {
	b := newBook()
	lines := []string{
		"Đơn vị: " + unitName + " (mã " + agg.GetUnitCode() + "). Số liệu tính đến ngày " + vn.Date(agg.GetAsOf()) + ".",
		"Cách tính: bộ tiêu chí " + agg.GetCriteriaSet() + "; số xã: " + countModes[agg.GetCountMode()] +
			"; mỗi xã theo lần đánh giá gần nhất đến ngày đó. Tỷ lệ tính trên tổng số đơn vị của ngày đó.",
	}
	s := b.newSheet(SheetCriteria, criteriaWidths, "Biểu 04. Kết quả thực hiện Bộ tiêu chí quốc gia về xã nông thôn mới", lines...)
	criterionTable(s, agg)
	s = b.newSheet(SheetBands, criteriaWidths, "Biểu 04a. Số xã theo số tiêu chí đạt", lines...)
	bandTables(s, agg)
	s = b.newSheet(SheetAggRecognitions, criteriaWidths, "Biểu 04b. Số đơn vị đạt chuẩn theo mức công nhận", lines...)
	tallyTables(s, agg)
	return b.bytes()
}

// criteriaSheets writes the report's criteria section on one sheet.
func criteriaSheets(b *book, agg *criteriav1.Aggregate, lines []string, note string) {
	s := b.newSheet(SheetCriteria, criteriaWidths, "Biểu 04. Kết quả thực hiện Bộ tiêu chí quốc gia về xã nông thôn mới", withNote(lines, note)...)
	criterionTable(s, agg)
	bandTables(s, agg)
	tallyTables(s, agg)
}

func criterionTable(s *sheet, agg *criteriav1.Aggregate) {
	s.header("TT", "Mã tiêu chí", "Tên tiêu chí", "Số xã đạt", "Tổng số xã", "Tỷ lệ (%)")
	for i, c := range agg.GetCriteria() {
		s.tableRow(integer(i+1), text(c.GetCode()), text(c.GetDisplayName()), integer(c.GetMet()), integer(c.GetDenominator()), percent(c.GetPercent()))
	}
}

func bandTables(s *sheet, agg *criteriav1.Aggregate) {
	s.caption("Tổng hợp")
	s.header("TT", "Đơn vị tính", "Nội dung", "Số lượng")
	s.tableRow(integer(1), text("xã"), text("Tổng số xã"), integer(agg.GetCommunes()))
	s.tableRow(integer(2), text("xã"), text("Số xã đã đánh giá theo bộ tiêu chí"), integer(agg.GetAssessedCommunes()))
	s.tableRow(integer(3), text("tiêu chí/xã"), text("Bình quân số tiêu chí đạt/xã"), decimal(agg.GetAverageMet()))
	s.caption("Số xã theo nhóm số tiêu chí đạt")
	s.header("TT", "Nhóm", "Số tiêu chí đạt", "Số xã")
	for i, band := range agg.GetBands() {
		s.tableRow(integer(i+1), text(band.GetLabel()), text(bandWords(band.GetLabel())), integer(band.GetCommunes()))
	}
	s.caption("Số xã dưới N tiêu chí")
	s.header("TT", "N", "Nội dung", "Số xã")
	for i, below := range agg.GetBelow() {
		s.tableRow(integer(i+1), integer(below.GetCriteria()), text("Số xã đạt dưới "+vn.Number(float64(below.GetCriteria()))+" tiêu chí"), integer(below.GetCommunes()))
	}
}

func tallyTables(s *sheet, agg *criteriav1.Aggregate) {
	s.caption("Số đơn vị đạt chuẩn theo mức công nhận")
	s.header("TT", "Cấp đơn vị", "Mức công nhận", "Số đơn vị", "Trong đó: đơn vị cũ (xã đã lên phường, thị trấn hoặc sáp nhập; thôn đã sáp nhập; huyện đã kết thúc hoạt động)", "Tổng số đơn vị", "Tỷ lệ (%)")
	n := 0
	for _, group := range []struct {
		unitType string
		tallies  []*criteriav1.RecognitionTally
	}{{"COMMUNE", agg.GetRecognitions()}, {"VILLAGE", agg.GetVillageRecognitions()}, {"DISTRICT", agg.GetDistrictRecognitions()}} {
		for _, t := range group.tallies {
			n++
			s.tableRow(integer(n), text(unitTypeNames[group.unitType]), text(orCode(t.GetDisplayName(), t.GetLevel())), integer(t.GetUnits()),
				integer(t.GetFormerCommunes()), integer(t.GetDenominator()), percent(t.GetPercent()))
		}
	}
}
