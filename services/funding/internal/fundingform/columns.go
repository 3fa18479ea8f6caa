// Package fundingform is the forms offices fill in Excel to load money:
// plans (kế hoạch vốn), a row per unit, year, source and purpose, and
// disbursements (giải ngân), a row per payment against a plan. It writes
// their templates from the funding catalog and reads filled rows into the
// API's messages for the API's own checks; it does no I/O.
package fundingform

import (
	"strings"

	"github.com/ntmsuite/ntm/platform/sheet"
	"github.com/ntmsuite/ntm/services/funding/internal/catalog"
)

// The sheets of the forms.
const (
	PlanSheet         = "Kế hoạch vốn"
	DisbursementSheet = "Giải ngân"
	InstructionsSheet = "Hướng dẫn"
)

// The keys of the columns, as a template's key row names them: the API's
// field names where a column fills one.
const (
	KeyPlanID         = "plan_id"
	KeyUnitCode       = "unit_code"
	KeyUnitName       = "unit_name"
	KeyYear           = "year"
	KeySource         = "source"
	KeyPurpose        = "purpose"
	KeyPlanned        = "planned_vnd"
	KeyAmount         = "amount_vnd"
	KeyQuantity       = "quantity"
	KeyQuantityUnit   = "quantity_unit"
	KeyAllocatedOn    = "allocated_on"
	KeyDecisionNumber = "decision_number"
	KeyDisbursedOn    = "disbursed_on"
	KeyOverrunReason  = "overrun_reason"
	KeyNote           = "note"
)

func unitColumns() []sheet.Column {
	return []sheet.Column{
		{Key: KeyUnitCode, Title: "Mã đơn vị", Note: "Mã đơn vị hành chính theo danh mục (giữ nguyên số 0 ở đầu).", Text: true, Width: 12},
		{Key: KeyUnitName, Title: "Tên đơn vị", Note: "Chỉ để đối chiếu; không được nhập vào hệ thống.", Width: 24},
		{Key: KeyYear, Title: "Năm ngân sách", Note: "Năm kế hoạch, ví dụ 2025.", Text: true, Width: 10},
	}
}

// sourceColumn and purposeColumn offer the catalog's Vietnamese names.
func sourceColumn(cat *catalog.Catalog) sheet.Column {
	names := make([]string, len(cat.Sources))
	for i, s := range cat.Sources {
		names[i] = s.Name
	}
	return sheet.Column{Key: KeySource, Title: "Nguồn vốn", Note: "Chọn trong danh sách nguồn vốn.", Choices: names, Width: 28}
}

func purposeColumn(cat *catalog.Catalog) sheet.Column {
	names := make([]string, len(cat.Purposes))
	for i, p := range cat.Purposes {
		names[i] = p.Name
	}
	return sheet.Column{Key: KeyPurpose, Title: "Nội dung đầu tư", Note: "Chọn trong danh sách; mỗi nội dung tính vào tiêu chí tương ứng (xem trang Hướng dẫn).", Choices: names, Width: 28}
}

// quantityColumns are the goods of the in-kind sources and their unit.
func quantityColumns(cat *catalog.Catalog) []sheet.Column {
	var units []string
	for _, s := range cat.Sources {
		if s.Kind == catalog.InKind {
			units = append(units, s.Name+": "+s.QuantityUnit)
		}
	}
	note := "Chỉ điền cho nguồn hiện vật, theo đơn vị tính của nguồn (" + strings.Join(units, "; ") + "); số thập phân dùng dấu phẩy, tối đa 3 chữ số."
	return []sheet.Column{
		{Key: KeyQuantity, Title: "Khối lượng hiện vật", Note: note, Text: true, Width: 14},
		{Key: KeyQuantityUnit, Title: "Đơn vị tính", Note: "Đơn vị của hiện vật; để trống hoặc ghi đúng đơn vị của nguồn.", Width: 10},
	}
}

func amountColumn(title string) sheet.Column {
	return sheet.Column{Key: KeyAmount, Title: title, Note: "Số nguyên đồng, ví dụ 1.500.000; với hiện vật là giá trị quy đổi (có thể để trống).", Text: true, Width: 18}
}

// PlanColumns are the columns of the form of plans.
func PlanColumns(cat *catalog.Catalog) []sheet.Column {
	cols := append(unitColumns(), sourceColumn(cat), purposeColumn(cat), amountColumn("Số tiền (đồng)"))
	cols = append(cols, quantityColumns(cat)...)
	return append(cols,
		sheet.Column{Key: KeyAllocatedOn, Title: "Ngày quyết định giao vốn", Note: "Ngày/tháng/năm, ví dụ 15/01/2025.", Text: true, Width: 14},
		sheet.Column{Key: KeyDecisionNumber, Title: "Số quyết định", Width: 18},
		sheet.Column{Key: KeyNote, Title: "Ghi chú", Width: 24},
	)
}

// DisbursementColumns are the columns of the form of disbursements.
func DisbursementColumns(cat *catalog.Catalog) []sheet.Column {
	cols := []sheet.Column{{Key: KeyPlanID, Title: "Mã kế hoạch", Note: "Mã kế hoạch vốn trong hệ thống; để trống thì kế hoạch được tìm theo đơn vị, năm, nguồn vốn và nội dung.", Text: true, Width: 10}}
	cols = append(cols, unitColumns()...)
	cols = append(cols, sourceColumn(cat), purposeColumn(cat),
		sheet.Column{Key: KeyPlanned, Title: "Vốn kế hoạch (đồng)", Note: "Chỉ để đối chiếu; không được nhập vào hệ thống.", Text: true, Width: 18},
		sheet.Column{Key: KeyDisbursedOn, Title: "Ngày giải ngân", Note: "Ngày/tháng/năm, ví dụ 31/03/2025.", Text: true, Width: 14},
		amountColumn("Số tiền giải ngân (đồng)"),
	)
	cols = append(cols, quantityColumns(cat)...)
	return append(cols,
		sheet.Column{Key: KeyOverrunReason, Title: "Lý do vượt kế hoạch", Note: "Bắt buộc khi tổng giải ngân vượt vốn kế hoạch.", Width: 24},
		sheet.Column{Key: KeyNote, Title: "Ghi chú", Width: 24},
	)
}

// sourceCode is the code of the source a cell names, by its Vietnamese
// name or its code (any case); otherwise the cell itself, for the API to
// refuse by its own rule.
func sourceCode(cat *catalog.Catalog, cell string) string {
	for _, s := range cat.Sources {
		if strings.EqualFold(cell, s.Name) || strings.EqualFold(cell, s.Code) {
			return s.Code
		}
	}
	return cell
}

// purposeCode is sourceCode for purposes.
func purposeCode(cat *catalog.Catalog, cell string) string {
	for _, p := range cat.Purposes {
		if strings.EqualFold(cell, p.Name) || strings.EqualFold(cell, p.Code) {
			return p.Code
		}
	}
	return cell
}
