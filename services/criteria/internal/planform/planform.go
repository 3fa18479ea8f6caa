// Package planform is the programme's plans as offices exchange them in
// Excel: the list of units registering to reach a level in a year (danh
// sách đăng ký) and the targets of a plan (chỉ tiêu kế hoạch). It writes
// their templates and reads filled rows into the API's messages, for the
// API's own checks; it does no I/O.
package planform

import (
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/sheet"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/assessmentform"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// The forms' sheets.
const (
	RegistrationSheet = "Đăng ký"
	TargetSheet       = "Chỉ tiêu"
	instructionsSheet = "Hướng dẫn"
)

// The columns' keys are the messages' field names.
const (
	KeyUnitCode       = "unit_code"
	keyUnitName       = "unit_name"
	keyLevel          = "level"
	keyYear           = "year"
	keyRegisteredOn   = "registered_on"
	keyDecisionNumber = "decision_number"
	keyNote           = "note"
	keyPeriod         = "period"
	keyKind           = "kind"
	keyValue          = "value"
	keyDecidedOn      = "decided_on"
)

func unitColumns() []sheet.Column {
	return []sheet.Column{
		{Key: KeyUnitCode, Title: "Mã đơn vị", Note: "Mã đơn vị hành chính theo danh mục (giữ nguyên số 0 ở đầu).", Text: true, Width: 12},
		{Key: keyUnitName, Title: "Tên đơn vị", Note: "Chỉ để đối chiếu; không được nhập vào hệ thống.", Width: 24},
	}
}

// RegistrationColumns are the registration list's columns.
func RegistrationColumns() []sheet.Column {
	return append(unitColumns(),
		sheet.Column{Key: keyLevel, Title: "Mức đăng ký", Choices: registryclient.LevelWords(), Width: 30},
		sheet.Column{Key: keyYear, Title: "Năm đăng ký đạt chuẩn", Width: 10},
		sheet.Column{Key: keyRegisteredOn, Title: "Ngày đăng ký", Note: "Ngày/tháng/năm, ví dụ 30/06/2026.", Text: true, Width: 14},
		sheet.Column{Key: keyDecisionNumber, Title: "Số quyết định phê duyệt danh sách", Text: true, Width: 20},
		sheet.Column{Key: keyNote, Title: "Ghi chú", Width: 24},
	)
}

// TargetColumns are the plan's columns; kinds are the catalog's.
func TargetColumns(kinds []catalog.TargetKind) []sheet.Column {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.Name
	}
	return append(unitColumns(),
		sheet.Column{Key: keyPeriod, Title: "Năm hoặc giai đoạn", Note: "Một năm (2026) hoặc một giai đoạn (2026-2030).", Text: true, Width: 14},
		sheet.Column{Key: keyKind, Title: "Chỉ tiêu", Choices: names, Width: 40},
		sheet.Column{Key: keyValue, Title: "Giá trị", Width: 10},
		sheet.Column{Key: keyDecisionNumber, Title: "Số kế hoạch, nghị quyết", Text: true, Width: 20},
		sheet.Column{Key: keyDecidedOn, Title: "Ngày ban hành", Note: "Ngày/tháng/năm.", Text: true, Width: 14},
		sheet.Column{Key: keyNote, Title: "Ghi chú", Width: 24},
	)
}

// Unit is a unit the templates list for filling.
type Unit = assessmentform.Unit

// RegistrationTemplate is the registration list with a row per unit.
func RegistrationTemplate(units []Unit, year int) sheet.Template {
	rows := make([][]string, len(units))
	for i, u := range units {
		rows[i] = []string{u.Code, u.Name, "", strconv.Itoa(year)}
	}
	return sheet.Template{Sheet: RegistrationSheet, Columns: RegistrationColumns(), Rows: rows, InstructionsSheet: instructionsSheet, Instructions: []string{
		"Danh sách đơn vị đăng ký đạt chuẩn nông thôn mới: mỗi dòng là một đơn vị, một mức và một năm.",
		"Mức đăng ký chọn trong danh sách: " + strings.Join(registryclient.LevelWords(), ", ") + ".",
		"Mỗi đơn vị chỉ đăng ký một lần cho mỗi mức và năm: dòng trùng với đăng ký đã có được bỏ qua; dòng khác với đăng ký đã có bị từ chối.",
		"Hệ thống tự tính các tiêu chí còn thiếu theo kết quả đánh giá gần nhất trước ngày đăng ký.",
	}}
}

// TargetTemplate is the plan's targets for a unit and a period, a row per kind.
func TargetTemplate(unit Unit, period string, kinds []catalog.TargetKind) sheet.Template {
	rows := make([][]string, len(kinds))
	for i, k := range kinds {
		rows[i] = []string{unit.Code, unit.Name, period, k.Name}
	}
	return sheet.Template{Sheet: TargetSheet, Columns: TargetColumns(kinds), Rows: rows, InstructionsSheet: instructionsSheet, Instructions: []string{
		"Chỉ tiêu kế hoạch: mỗi dòng là một chỉ tiêu của một đơn vị cho một năm hoặc một giai đoạn; điền Giá trị, xoá các dòng không đặt.",
		"Mỗi chỉ tiêu chỉ đặt một lần cho mỗi đơn vị và kỳ: dòng trùng với chỉ tiêu đã có được bỏ qua; dòng khác bị từ chối.",
		"Giá trị là số (xã, thôn, tiêu chí/xã, sản phẩm hoặc %, theo chỉ tiêu); số thập phân dùng dấu phẩy hoặc dấu chấm.",
	}}
}

// ReadRegistration reads a row of the registration list; a cell that
// cannot be read is a conflict of the row and left out.
func ReadRegistration(r *importing.Row) *criteriav1.Registration {
	p := &criteriav1.Registration{UnitCode: r.Cells[KeyUnitCode], DecisionNumber: r.Cells[keyDecisionNumber], Note: r.Cells[keyNote]}
	if cell := r.Cells[keyLevel]; cell != "" {
		var ok bool
		if p.Level, ok = registryclient.ReadLevel(cell); !ok {
			r.Add(keyLevel, "not a level: write one of "+strings.Join(registryclient.LevelWords(), ", "), "registration.level")
		}
	}
	if cell := r.Cells[keyYear]; cell != "" {
		y, err := strconv.Atoi(cell)
		if err != nil {
			r.Add(keyYear, "not a year", "registration.year")
		}
		p.Year = int32(y)
	}
	p.RegisteredOn = date(r, keyRegisteredOn, "registration.registered_on")
	return p
}

// ReadTarget reads a row of the plan's targets.
func ReadTarget(r *importing.Row, kinds []catalog.TargetKind) *criteriav1.Target {
	p := &criteriav1.Target{UnitCode: r.Cells[KeyUnitCode], Period: r.Cells[keyPeriod], DecisionNumber: r.Cells[keyDecisionNumber], Note: r.Cells[keyNote]}
	if cell := r.Cells[keyKind]; cell != "" {
		p.Kind = kindCode(cell, kinds)
	}
	if cell := r.Cells[keyValue]; cell != "" {
		v, ok := assessmentform.Number(cell)
		if !ok {
			r.Add(keyValue, "not a number", "target.value")
		}
		p.Value = v
	}
	p.DecidedOn = date(r, keyDecidedOn, "target.decided_on")
	return p
}

// date reads a date cell as YYYY-MM-DD, recording a conflict for one that is none.
func date(r *importing.Row, key, field string) string {
	cell := r.Cells[key]
	if cell == "" {
		return ""
	}
	iso, ok := sheet.DateCell(cell)
	if !ok {
		r.Add(key, "not a date: write day/month/year (30/06/2026) or 2026-06-30", field)
	}
	return iso
}

// kindCode is the code of the kind named by its plan's wording or its code;
// an unknown one is passed on for the API to refuse by name.
func kindCode(cell string, kinds []catalog.TargetKind) string {
	for _, k := range kinds {
		if strings.EqualFold(cell, k.Name) || strings.EqualFold(cell, k.Code) {
			return k.Code
		}
	}
	return cell
}

// Column is the column that filled a field of a registration or target
// ("registration.level", "target.value", "unit_code"), "" for none.
func Column(field string) string {
	for _, prefix := range []string{"registration.", "target."} {
		field = strings.TrimPrefix(field, prefix)
	}
	name, _, _ := strings.Cut(field, ".")
	switch name {
	case KeyUnitCode, keyLevel, keyYear, keyRegisteredOn, keyDecisionNumber, keyNote, keyPeriod, keyKind, keyValue, keyDecidedOn:
		return name
	}
	return ""
}
