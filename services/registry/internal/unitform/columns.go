// Package unitform is the unit list as offices keep it in Excel: one row
// per unit with its code, name, type, parent and first day. It writes the
// template (with the units under a parent, when asked) and reads filled
// rows into the rows of ImportUnits for the API's own checks; it does no
// I/O.
package unitform

import (
	"strings"

	"github.com/ntmsuite/ntm/platform/sheet"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// SheetName is the form's sheet; InstructionsSheet explains it.
const (
	SheetName         = "Đơn vị"
	InstructionsSheet = "Hướng dẫn"
)

// The keys of the form's columns, as the template's key row names them:
// the header of the CSV files `ntm import units` has always read.
const (
	KeyCode         = "code"
	KeyName         = "name"
	KeyType         = "type"
	KeyParentCode   = "parent_code"
	KeyValidFrom    = "valid_from"
	KeyRegion       = "region"
	KeyCommuneGroup = "commune_group"
)

// typeWords are the unit types as offices say them, first the word the
// template offers for each type. The API has one type, DISTRICT, for every
// unit of the district level: huyện, quận, thị xã and thành phố thuộc tỉnh.
var typeWords = []struct {
	word string
	typ  registryv1.UnitType
}{
	{"Tỉnh", registryv1.UnitType_PROVINCE},
	{"Thành phố trực thuộc trung ương", registryv1.UnitType_PROVINCE},
	{"Huyện", registryv1.UnitType_DISTRICT},
	{"Quận", registryv1.UnitType_DISTRICT},
	{"Thị xã", registryv1.UnitType_DISTRICT},
	{"Thành phố thuộc tỉnh", registryv1.UnitType_DISTRICT},
	{"Xã", registryv1.UnitType_COMMUNE},
	{"Phường", registryv1.UnitType_WARD},
	{"Thị trấn", registryv1.UnitType_TOWNSHIP},
	{"Thôn", registryv1.UnitType_VILLAGE},
}

// Regions are the NTM regions (vùng) of the 2016-2025 criteria sets, by
// code, the values of a unit's region.
var Regions = []struct{ Code, Name string }{
	{"TDMNPB", "Trung du miền núi phía Bắc"},
	{"DBSH", "Đồng bằng sông Hồng"},
	{"BTB", "Bắc Trung Bộ"},
	{"DHNTB", "Duyên hải Nam Trung Bộ"},
	{"TN", "Tây Nguyên"},
	{"DNB", "Đông Nam Bộ"},
	{"DBSCL", "Đồng bằng sông Cửu Long"},
}

// TypeWord is the word the form writes for t.
func TypeWord(t registryv1.UnitType) string {
	for _, w := range typeWords {
		if w.typ == t {
			return w.word
		}
	}
	return t.String()
}

// unitType reads a type as the form's word (any case) or the API's name
// ("COMMUNE").
func unitType(cell string) (registryv1.UnitType, bool) {
	for _, w := range typeWords {
		if strings.EqualFold(cell, w.word) {
			return w.typ, true
		}
	}
	t, ok := registryv1.UnitType_value[strings.ToUpper(cell)]
	if !ok || t == 0 {
		return 0, false
	}
	return registryv1.UnitType(t), true
}

// Columns are the form's columns.
func Columns() []sheet.Column {
	words := make([]string, len(typeWords))
	for i, w := range typeWords {
		words[i] = w.word
	}
	regions := make([]string, len(Regions))
	for i, r := range Regions {
		regions[i] = r.Code
	}
	return []sheet.Column{
		{Key: KeyCode, Title: "Mã đơn vị", Note: "Mã đơn vị hành chính theo danh mục (giữ nguyên số 0 ở đầu).", Text: true, Width: 12},
		{Key: KeyName, Title: "Tên đơn vị", Note: "Tên đầy đủ, có dấu, ví dụ Xã La Hiên.", Width: 28},
		{Key: KeyType, Title: "Loại đơn vị", Choices: words, Width: 18},
		{Key: KeyParentCode, Title: "Mã đơn vị cấp trên", Note: "Để trống với tỉnh, thành phố trực thuộc trung ương.", Text: true, Width: 14},
		{Key: KeyValidFrom, Title: "Ngày hiệu lực", Note: "Ngày đơn vị bắt đầu tồn tại theo quyết định: ngày/tháng/năm, ví dụ 01/07/2025.", Text: true, Width: 14},
		{Key: KeyRegion, Title: "Vùng", Note: "Mã vùng của bộ tiêu chí 2016-2025; để trống nếu không có.", Choices: regions, Width: 10},
		{Key: KeyCommuneGroup, Title: "Nhóm xã", Note: "Nhóm xã (1, 2, 3) của bộ tiêu chí 2026-2030; chỉ với xã, phường, thị trấn.", Choices: []string{"1", "2", "3"}, Width: 10},
	}
}

// Template is the form with a row for each of units (their current
// versions: valid_from is the first day of the version listed).
func Template(units []*registryv1.Unit) sheet.Template {
	rows := make([][]string, len(units))
	for i, u := range units {
		rows[i] = []string{u.GetCode(), u.GetDisplayName(), TypeWord(u.GetType()), u.GetParentCode(), dayMonthYear(u.GetValidFrom()),
			u.GetRegion(), u.GetCommuneGroup()}
	}
	return sheet.Template{Sheet: SheetName, Columns: Columns(), Rows: rows, InstructionsSheet: InstructionsSheet, Instructions: instructions()}
}

// dayMonthYear writes an ISO date as the forms do (31/12/2024).
func dayMonthYear(iso string) string {
	y, rest, _ := strings.Cut(iso, "-")
	m, d, _ := strings.Cut(rest, "-")
	if d == "" {
		return iso
	}
	return d + "/" + m + "/" + y
}

func instructions() []string {
	regions := make([]string, len(Regions))
	for i, r := range Regions {
		regions[i] = r.Code + " = " + r.Name
	}
	return []string{
		"Biểu nhập danh mục đơn vị hành chính: mỗi dòng là một đơn vị mới, từ ngày hiệu lực của nó.",
		"Dòng 1 là tên cột, dòng 2 là mã cột: không sửa, không xoá hai dòng này.",
		"Mã đơn vị và mã đơn vị cấp trên theo danh mục đơn vị hành chính, giữ nguyên các số 0 ở đầu; đơn vị cấp trên phải tồn tại vào ngày hiệu lực (hoặc có trong cùng tệp).",
		"Loại đơn vị chọn trong danh sách: huyện, quận, thị xã và thành phố thuộc tỉnh đều là đơn vị cấp huyện.",
		"Ngày hiệu lực ghi theo dạng ngày/tháng/năm (01/07/2025).",
		"Vùng: " + strings.Join(regions, "; ") + ".",
		"Mỗi dòng tạo một đơn vị mới; đơn vị đã có trong danh mục vào ngày hiệu lực thì bị báo lỗi, không ghi đè (đổi tên, sáp nhập, điều chỉnh địa giới ghi bằng quyết định thay đổi đơn vị).",
		"Tải lên với tuỳ chọn kiểm tra thử (dry run) trước: hệ thống báo mọi lỗi theo trang, dòng và cột mà không ghi gì.",
	}
}
