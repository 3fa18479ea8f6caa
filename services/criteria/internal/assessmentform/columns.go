// Package assessmentform is the assessment form as offices fill it in
// Excel: one row per unit and date, one column per indicator (its value)
// and one per criterion (a verdict, Đ/B/C, where an office kept only
// that). It writes the template of a criteria set and reads filled rows
// into assessments for the API's own checks; it does no I/O.
package assessmentform

import (
	"strings"

	"github.com/ntmsuite/ntm/platform/sheet"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
)

// SheetName is the form's sheet; InstructionsSheet explains it.
const (
	SheetName         = "Đánh giá"
	InstructionsSheet = "Hướng dẫn"
)

// The keys of the columns every form has, as the template's key row names
// them; they are the Assessment's field names.
const (
	KeyUnitCode    = "unit_code"
	KeyUnitName    = "unit_name"
	KeyAssessedOn  = "assessed_on"
	KeyCriteriaSet = "criteria_set"
	KeyAuthor      = "author"
	KeyNote        = "note"
	KeyEvidenceRef = "evidence_ref"
)

// verdictPrefix marks a criterion's verdict column ("TC1"), as the official
// forms head them: a criterion and an indicator may share a code.
const verdictPrefix = "TC"

// VerdictKey is the key of criterion code's verdict column.
func VerdictKey(code string) string { return verdictPrefix + code }

// Words of the forms for verdicts and for boolean indicators.
var (
	verdictChoices = []string{"Đ", "B", "C"}
	flagChoices    = []string{"Đạt", "Không đạt"}
)

// fixedColumns are the columns before the criteria.
func fixedColumns() []sheet.Column {
	return []sheet.Column{
		{Key: KeyUnitCode, Title: "Mã đơn vị", Note: "Mã đơn vị hành chính theo danh mục (giữ nguyên số 0 ở đầu).", Text: true, Width: 12},
		{Key: KeyUnitName, Title: "Tên đơn vị", Note: "Chỉ để đối chiếu; không được nhập vào hệ thống.", Width: 24},
		{Key: KeyAssessedOn, Title: "Ngày đánh giá", Note: "Ngày/tháng/năm, ví dụ 31/12/2024.", Text: true, Width: 14},
		{Key: KeyCriteriaSet, Title: "Bộ tiêu chí", Note: "Mã bộ tiêu chí; để trống để dùng bộ tiêu chí đang áp dụng vào ngày đánh giá.", Text: true, Width: 24},
		{Key: KeyAuthor, Title: "Người đánh giá", Width: 20},
		{Key: KeyNote, Title: "Ghi chú", Width: 24},
		{Key: KeyEvidenceRef, Title: "Hồ sơ minh chứng", Note: "Số văn bản hoặc đường dẫn hồ sơ minh chứng.", Width: 20},
	}
}

// Columns are the form's columns for set: the fixed ones, then for each
// criterion its indicators' values and its verdict.
func Columns(set *catalog.Set) []sheet.Column {
	cols := fixedColumns()
	for _, c := range set.Criteria {
		for _, ind := range c.Indicators {
			cols = append(cols, indicatorColumn(ind))
		}
		cols = append(cols, sheet.Column{
			Key:     VerdictKey(c.Code),
			Title:   "TC" + c.Code + " " + c.Name + " (Đ/B/C)",
			Note:    "Chỉ điền khi chỉ có kết luận về tiêu chí: Đ = Đạt, B = Cơ bản đạt, C = Chưa đạt.",
			Choices: verdictChoices, Width: 10,
		})
	}
	return cols
}

func indicatorColumn(ind catalog.Indicator) sheet.Column {
	col := sheet.Column{Key: ind.Code, Title: ind.Code + " " + ind.Name, Width: 14}
	switch {
	case ind.Kind == catalog.KindBoolean:
		col.Choices = flagChoices
	case ind.Unit != "":
		col.Title += " (" + ind.Unit + ")"
	}
	return col
}

// KnownColumns are the columns of every set given, each key once: a file
// is read before its rows say which set they follow.
func KnownColumns(sets []*catalog.Set) []sheet.Column {
	seen := map[string]bool{}
	var out []sheet.Column
	for _, set := range sets {
		for _, c := range Columns(set) {
			if !seen[c.Key] {
				seen[c.Key] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// Unit is a unit the template lists for filling.
type Unit struct{ Code, Name string }

// Template is set's form with a row for each of units, dated on.
func Template(set *catalog.Set, units []Unit, on string) sheet.Template {
	rows := make([][]string, len(units))
	for i, u := range units {
		rows[i] = []string{u.Code, u.Name, on, set.Code}
	}
	return sheet.Template{
		Sheet:             SheetName,
		Columns:           Columns(set),
		Rows:              rows,
		InstructionsSheet: InstructionsSheet,
		Instructions:      instructions(set),
	}
}

func instructions(set *catalog.Set) []string {
	return []string{
		"Biểu nhập kết quả đánh giá tiêu chí: " + set.Name + " (" + set.Code + ").",
		"Mỗi dòng là một đơn vị tại một ngày đánh giá; dòng 1 là tên cột, dòng 2 là mã cột: không sửa, không xoá hai dòng này.",
		"Cột chỉ tiêu (mã dạng 1.1, 2.3…): nhập giá trị của chỉ tiêu; số thập phân dùng dấu phẩy hoặc dấu chấm; chỉ tiêu Đạt/Không đạt chọn trong danh sách.",
		"Cột tiêu chí (TC1, TC2…): chỉ điền khi không có số liệu chỉ tiêu, chỉ có kết luận: Đ = Đạt, B = Cơ bản đạt (không tính là đạt), C = Chưa đạt.",
		"Ngày đánh giá ghi theo dạng ngày/tháng/năm (31/12/2024); không được là ngày trong tương lai.",
		"Mã đơn vị theo danh mục đơn vị hành chính, giữ nguyên các số 0 ở đầu; cột Tên đơn vị chỉ để đối chiếu.",
		"Tải lên với tuỳ chọn kiểm tra thử (dry run) trước: hệ thống báo mọi lỗi theo trang, dòng và cột mà không ghi gì.",
		"Biểu của cả tỉnh hoặc cả nước (hàng nghìn dòng) nên lưu dạng CSV UTF-8 (Lưu thành → CSV UTF-8) trước khi tải lên: nhanh hơn và ít tốn bộ nhớ hơn tệp .xlsx.",
		"Các chỉ tiêu: " + strings.Join(indicatorCodes(set), ", ") + ".",
	}
}

func indicatorCodes(set *catalog.Set) []string {
	var out []string
	for _, c := range set.Criteria {
		for _, ind := range c.Indicators {
			out = append(out, ind.Code)
		}
	}
	return out
}
