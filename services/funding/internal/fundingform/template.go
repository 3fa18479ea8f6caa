package fundingform

import (
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/sheet"
	"github.com/ntmsuite/ntm/services/funding/internal/catalog"
)

// Unit is a unit a template lists for filling.
type Unit struct{ Code, Name string }

// PlanTemplate is the form of plans with a row for each of units, of the
// budget year (0: left to fill).
func PlanTemplate(cat *catalog.Catalog, units []Unit, year int) sheet.Template {
	rows := make([][]string, len(units))
	for i, u := range units {
		rows[i] = []string{u.Code, u.Name, yearText(year)}
	}
	return sheet.Template{
		Sheet: PlanSheet, Columns: PlanColumns(cat), Rows: rows, InstructionsSheet: InstructionsSheet,
		Instructions: append([]string{
			"Biểu nhập kế hoạch vốn (vốn được giao) của Chương trình MTQG xây dựng nông thôn mới.",
			"Mỗi dòng là số vốn giao cho một đơn vị trong một năm, từ một nguồn vốn, cho một nội dung đầu tư; dòng 1 là tên cột, dòng 2 là mã cột: không sửa, không xoá hai dòng này.",
			"Số tiền ghi bằng số nguyên đồng (1.500.000 hoặc 1500000), không có số lẻ dưới một đồng.",
			"Nguồn hiện vật (xi măng…): ghi khối lượng theo đơn vị tính của nguồn; số tiền là giá trị quy đổi, có thể để trống.",
			"Ngày quyết định giao vốn ghi theo dạng ngày/tháng/năm, không quá một năm trước hoặc sau năm ngân sách; nếu để trống thì dùng ngày và số quyết định chọn khi tải lên.",
			"Mỗi dòng được ghi thành một kế hoạch mới (vốn bổ sung là một dòng mới): tải lại cùng một tệp sẽ ghi thêm lần nữa, trừ khi gửi lại với cùng mã yêu cầu (Idempotency-Key).",
			"Tải lên với tuỳ chọn kiểm tra thử (dry run) trước: hệ thống báo mọi lỗi theo trang, dòng và cột mà không ghi gì.",
		}, catalogLines(cat, year)...),
	}
}

// PlanRow is a plan a template of disbursements lists.
type PlanRow struct {
	ID                 int64
	UnitCode, UnitName string
	Year               int
	Source, Purpose    string
	AmountVND          int64
}

// DisbursementTemplate is the form of disbursements with a row for each
// of plans.
func DisbursementTemplate(cat *catalog.Catalog, plans []PlanRow) sheet.Template {
	rows := make([][]string, len(plans))
	for i, p := range plans {
		src, _ := cat.Source(p.Source)
		pur, _ := cat.Purpose(p.Purpose)
		rows[i] = []string{strconv.FormatInt(p.ID, 10), p.UnitCode, p.UnitName, yearText(p.Year), src.Name, pur.Name, FormatVND(p.AmountVND)}
	}
	return sheet.Template{
		Sheet: DisbursementSheet, Columns: DisbursementColumns(cat), Rows: rows, InstructionsSheet: InstructionsSheet,
		Instructions: []string{
			"Biểu nhập giải ngân vốn Chương trình MTQG xây dựng nông thôn mới.",
			"Mỗi dòng là một lần giải ngân theo một kế hoạch vốn; dòng 1 là tên cột, dòng 2 là mã cột: không sửa, không xoá hai dòng này.",
			"Kế hoạch được xác định theo Mã kế hoạch; nếu để trống thì theo Mã đơn vị, Năm ngân sách, Nguồn vốn và Nội dung đầu tư, khi chỉ có đúng một kế hoạch như vậy.",
			"Số tiền ghi bằng số nguyên đồng (1.500.000 hoặc 1500000), không có số lẻ dưới một đồng; hiện vật ghi khối lượng theo đơn vị tính của nguồn.",
			"Ngày giải ngân ghi theo dạng ngày/tháng/năm, không trước ngày giao vốn và không phải ngày trong tương lai.",
			"Khi tổng giải ngân vượt vốn kế hoạch phải ghi Lý do vượt kế hoạch, nếu không dòng đó bị từ chối.",
			"Mỗi dòng được ghi thành một lần giải ngân mới: tải lại cùng một tệp sẽ ghi thêm lần nữa, trừ khi gửi lại với cùng mã yêu cầu (Idempotency-Key).",
			"Tải lên với tuỳ chọn kiểm tra thử (dry run) trước: hệ thống báo mọi lỗi theo trang, dòng và cột mà không ghi gì.",
		},
	}
}

// catalogLines list the sources and the purposes with the criterion each
// serves in the criteria set of year.
func catalogLines(cat *catalog.Catalog, year int) []string {
	var sources []string
	for _, s := range cat.Sources {
		if s.Kind == catalog.InKind {
			sources = append(sources, s.Name+" (hiện vật, "+s.QuantityUnit+")")
		} else {
			sources = append(sources, s.Name)
		}
	}
	out := []string{"Nguồn vốn: " + strings.Join(sources, "; ") + "."}
	set, ok := cat.CriteriaSetOf(year)
	if !ok {
		return out
	}
	var purposes []string
	for _, p := range cat.Purposes {
		if l, ok := p.Criterion(set.Code); ok {
			purposes = append(purposes, p.Name+" → tiêu chí "+l.Code+" ("+l.Name+")")
		} else {
			purposes = append(purposes, p.Name)
		}
	}
	return append(out, "Nội dung đầu tư và tiêu chí tương ứng ("+set.Name+"): "+strings.Join(purposes, "; ")+".")
}

func yearText(year int) string {
	if year == 0 {
		return ""
	}
	return strconv.Itoa(year)
}
