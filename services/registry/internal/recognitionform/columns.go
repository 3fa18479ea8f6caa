// Package recognitionform is the list of recognition decisions as offices
// keep it in Excel: one row per decision recognising a unit at a level.
// It writes the template (with the communes of a unit, when asked) and
// reads filled rows into CreateRecognition requests for the API's own
// checks; it does no I/O.
package recognitionform

import (
	"github.com/ntmsuite/ntm/platform/sheet"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// SheetName is the form's sheet; InstructionsSheet explains it.
const (
	SheetName         = "Công nhận"
	InstructionsSheet = "Hướng dẫn"
)

// The keys of the form's columns: the request's unit_code and the
// Recognition's fields.
const (
	KeyUnitCode       = "unit_code"
	KeyUnitName       = "unit_name"
	KeyLevel          = "level"
	KeyDecisionNumber = "decision_number"
	KeyEffectiveDate  = "effective_date"
	KeyCriteriaSet    = "criteria_set"
	KeyYear           = "year"
	KeyOverrideReason = "override_reason"
)

// Columns are the form's columns.
func Columns() []sheet.Column {
	return []sheet.Column{
		{Key: KeyUnitCode, Title: "Mã đơn vị", Note: "Mã đơn vị hành chính theo danh mục (giữ nguyên số 0 ở đầu).", Text: true, Width: 12},
		{Key: KeyUnitName, Title: "Tên đơn vị", Note: "Chỉ để đối chiếu; không được nhập vào hệ thống.", Width: 24},
		{Key: KeyLevel, Title: "Mức công nhận", Choices: registryclient.LevelWords(), Width: 30},
		{Key: KeyDecisionNumber, Title: "Số quyết định", Note: "Số quyết định công nhận, ví dụ 2345/QĐ-UBND.", Text: true, Width: 18},
		{Key: KeyEffectiveDate, Title: "Ngày hiệu lực", Note: "Ngày quyết định có hiệu lực: ngày/tháng/năm, ví dụ 31/12/2019.", Text: true, Width: 14},
		{Key: KeyCriteriaSet, Title: "Bộ tiêu chí", Note: "Mã bộ tiêu chí đơn vị được đánh giá theo, ví dụ NTM_COMMUNE_2016_2020.", Text: true, Width: 26},
		{Key: KeyYear, Title: "Năm đạt chuẩn", Note: "Năm đạt chuẩn theo kế hoạch, ví dụ 2019; có thể để trống.", Text: true, Width: 10},
		{Key: KeyOverrideReason, Title: "Lý do công nhận khi chưa đạt đủ tiêu chí", Note: "Chỉ điền khi đơn vị được công nhận dù kết quả đánh giá chưa đạt đủ.", Width: 30},
	}
}

// Unit is a unit the template lists for filling.
type Unit struct{ Code, Name string }

// Template is the form with a row for each of units, effective on (a
// date as the form writes it, 31/12/2019; "" leaves it to fill).
func Template(units []Unit, on string) sheet.Template {
	rows := make([][]string, len(units))
	for i, u := range units {
		rows[i] = []string{u.Code, u.Name, "", "", on}
	}
	return sheet.Template{Sheet: SheetName, Columns: Columns(), Rows: rows, InstructionsSheet: InstructionsSheet, Instructions: instructions()}
}

func instructions() []string {
	return []string{
		"Biểu nhập quyết định công nhận nông thôn mới: mỗi dòng là một quyết định công nhận một đơn vị ở một mức.",
		"Dòng 1 là tên cột, dòng 2 là mã cột: không sửa, không xoá hai dòng này.",
		"Mức công nhận chọn trong danh sách; bộ tiêu chí phải có mức đó và áp dụng cho loại đơn vị vào ngày hiệu lực.",
		"Hệ thống kiểm tra kết quả đánh giá gần nhất của đơn vị theo bộ tiêu chí (đến ngày hiệu lực): đơn vị chưa đạt đủ tiêu chí chỉ được công nhận khi ghi lý do.",
		"Ngày hiệu lực ghi theo dạng ngày/tháng/năm (31/12/2019).",
		"Dòng trùng với quyết định đã ghi (cùng đơn vị, mức, ngày hiệu lực và số quyết định) được bỏ qua; mỗi đơn vị chỉ có một công nhận của một mức còn hiệu lực.",
		"Chỉ nhập được đơn vị thuộc phạm vi quản lý của người tải lên; dòng của đơn vị khác bị báo lỗi.",
		"Tải lên với tuỳ chọn kiểm tra thử (dry run) trước: hệ thống báo mọi lỗi theo trang, dòng và cột mà không ghi gì.",
	}
}
