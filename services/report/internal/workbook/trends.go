package workbook

import (
	"strings"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/report/internal/vn"
)

// Sheet names of the trends workbook.
const (
	SheetTrends     = "Diễn biến tiêu chí"
	SheetTrendNotes = "Ghi chú đối chiếu"
)

// gapWords say in a cell why a point has no figure.
var gapWords = map[criteriav1.TrendGap]string{
	criteriav1.TrendGap_TREND_GAP_NO_COUNTERPART: "Không có tiêu chí tương ứng",
	criteriav1.TrendGap_TREND_GAP_NO_ASSESSMENT:  "Chưa có đánh giá",
	criteriav1.TrendGap_TREND_GAP_NO_SET:         "Không có bộ tiêu chí",
	criteriav1.TrendGap_TREND_GAP_NO_UNIT:        "Đơn vị không tồn tại",
}

// Trends lays a unit's trends out: the communes meeting each criterion on
// each date (a missing point is a dash, never 0), then, on a second sheet,
// how each figure was read: the set counted and whether its crosswalk
// mapping is confirmed or only approximate. unitName is the unit's name.
func Trends(tr *criteriav1.Trends, unitName string) ([]byte, error) {
	b := newBook()
	dates := tr.GetDates()
	widths := []float64{5, 10, 40}
	headings := []string{"TT", "Mã tiêu chí", "Tên tiêu chí"}
	for _, d := range dates {
		widths = append(widths, 13)
		headings = append(headings, vn.Date(d.GetDate()))
	}
	lines := []string{
		"Đơn vị: " + unitName + " (mã " + tr.GetUnitCode() + "). Tiêu chí theo bộ " + tr.GetOnto() + ".",
		"Cách tính: số xã đạt tiêu chí tại mỗi ngày, theo lần đánh giá gần nhất đến ngày đó của bộ tiêu chí áp dụng ngày đó; " +
			"số liệu của bộ tiêu chí trước được quy đổi theo bảng đối chiếu tiêu chí (xem trang \"" + SheetTrendNotes + "\"). " +
			"Ô \"—\": không có số liệu, không phải 0.",
	}
	s := b.newSheet(SheetTrends, widths, "Diễn biến số xã đạt từng tiêu chí", lines...)
	s.header(headings...)
	for i, c := range tr.GetCriteria() {
		row := []value{integer(i + 1), text(c.GetCode()), text(c.GetDisplayName())}
		for _, p := range c.GetPoints() {
			if p.GetMissing() {
				row = append(row, text("—"))
				continue
			}
			row = append(row, integer(p.GetMet()))
		}
		s.tableRow(row...)
	}
	sets := []value{empty(), empty(), text("Bộ tiêu chí áp dụng")}
	communes := []value{empty(), empty(), text("Tổng số xã")}
	for _, d := range dates {
		sets = append(sets, text(d.GetCriteriaSet()))
		communes = append(communes, integer(d.GetCommunes()))
	}
	s.tableRow(communes...)
	s.tableRow(sets...)

	n := b.newSheet(SheetTrendNotes, widths, "Ghi chú đối chiếu tiêu chí", lines...)
	n.header(headings...)
	for i, c := range tr.GetCriteria() {
		row := []value{integer(i + 1), text(c.GetCode()), text(c.GetDisplayName())}
		for _, p := range c.GetPoints() {
			row = append(row, text(pointNote(p, tr.GetOnto())))
		}
		n.tableRow(row...)
	}
	return b.bytes()
}

// pointNote says how a point was read: nothing to say for the target set's
// own statuses; else the set and the mapping's standing.
func pointNote(p *criteriav1.TrendPoint, onto string) string {
	if p.GetMissing() {
		return gapWords[p.GetGap()]
	}
	if p.GetCriteriaSet() == onto {
		return ""
	}
	words := []string{"Quy đổi từ " + p.GetCriteriaSet()}
	if p.GetApproximate() {
		words = append(words, "gần đúng")
	}
	if p.GetConfirmed() {
		words = append(words, "đã xác nhận")
	} else {
		words = append(words, "chưa xác nhận")
	}
	return strings.Join(words, ", ")
}
