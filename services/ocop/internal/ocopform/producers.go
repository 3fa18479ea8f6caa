package ocopform

import (
	"strings"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/sheet"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

// ProducersSheet is the list of producers' sheet.
const ProducersSheet = "Chủ thể"

// The keys of the producers' columns: the Producer's field names.
const (
	KeyUnitCode           = "unit_code"
	KeyUnitName           = "unit_name"
	KeyDisplayName        = "display_name"
	KeyKind               = "kind"
	KeyRegisteredOn       = "registered_on"
	KeyRegistrationNumber = "registration_number"
)

// kindWords are the legal forms as the lists of producers write them, in
// the drop-down's order; the API's enum names are read too.
var kindWords = []struct {
	word string
	kind ocopv1.ProducerKind
}{
	{"Hợp tác xã", ocopv1.ProducerKind_COOPERATIVE},
	{"Doanh nghiệp", ocopv1.ProducerKind_ENTERPRISE},
	{"Tổ hợp tác", ocopv1.ProducerKind_COOPERATIVE_GROUP},
	{"Hộ sản xuất kinh doanh", ocopv1.ProducerKind_HOUSEHOLD_BUSINESS},
}

// kinds reads a legal form: the words of the list, their usual short forms
// and the enum names.
var kinds = func() map[string]ocopv1.ProducerKind {
	m := map[string]ocopv1.ProducerKind{
		"htx": ocopv1.ProducerKind_COOPERATIVE, "dn": ocopv1.ProducerKind_ENTERPRISE, "công ty": ocopv1.ProducerKind_ENTERPRISE,
		"tht": ocopv1.ProducerKind_COOPERATIVE_GROUP, "hộ sản xuất": ocopv1.ProducerKind_HOUSEHOLD_BUSINESS,
		"hộ kinh doanh": ocopv1.ProducerKind_HOUSEHOLD_BUSINESS, "hộ sản xuất, kinh doanh": ocopv1.ProducerKind_HOUSEHOLD_BUSINESS,
	}
	for _, w := range kindWords {
		m[strings.ToLower(w.word)] = w.kind
		m[strings.ToLower(w.kind.String())] = w.kind
	}
	return m
}()

// ProducerColumns are the columns of the list of producers.
func ProducerColumns() []sheet.Column {
	choices := make([]string, len(kindWords))
	for i, w := range kindWords {
		choices[i] = w.word
	}
	return []sheet.Column{
		{Key: KeyUnitCode, Title: "Mã đơn vị", Note: "Mã xã, phường nơi chủ thể đóng trụ sở, theo danh mục đơn vị hành chính (giữ nguyên số 0 ở đầu).", Text: true, Width: 12},
		{Key: KeyUnitName, Title: "Tên đơn vị", Note: "Chỉ để đối chiếu; không được nhập vào hệ thống.", Width: 22},
		{Key: KeyDisplayName, Title: "Tên chủ thể", Note: "Tên hợp tác xã, doanh nghiệp, tổ hợp tác hoặc hộ sản xuất kinh doanh.", Width: 36},
		{Key: KeyKind, Title: "Loại hình chủ thể", Choices: choices, Width: 22},
		{Key: KeyRegisteredOn, Title: "Ngày tham gia Chương trình", Note: "Ngày/tháng/năm, ví dụ 15/03/2023.", Text: true, Width: 16},
		{Key: KeyRegistrationNumber, Title: "Mã số doanh nghiệp/HTX/hộ kinh doanh", Note: "Mã số đăng ký kinh doanh hoặc mã số thuế, nếu có.", Text: true, Width: 20},
	}
}

// ProducerDraft is one filled row of the list read as a producer, before
// the API's checks.
type ProducerDraft struct {
	importing.Row
	// Producer is what the row says; a cell that could not be read is left
	// out of it and is in Conflicts instead.
	Producer *ocopv1.Producer
}

// ParseProducers finds the header among rows and reads every row below
// it. A file without a unit_code column is a conflict of the file.
func ParseProducers(rows []sheet.Row) ([]ProducerDraft, []importing.Conflict, error) {
	read, fileConflicts, err := importing.ReadRows(rows, ProducerColumns(), KeyUnitCode)
	if err != nil {
		return nil, nil, err
	}
	drafts := make([]ProducerDraft, len(read))
	for i, r := range read {
		dr := ProducerDraft{Row: r, Producer: &ocopv1.Producer{}}
		p := dr.Producer
		for _, key := range r.Keys {
			cell := r.Cells[key]
			switch key {
			case KeyUnitCode:
				p.UnitCode = cell
			case KeyDisplayName:
				p.DisplayName = cell
			case KeyKind:
				k, ok := word(cell, kinds)
				if !ok {
					dr.Add(key, "not a legal form: write Hợp tác xã, Doanh nghiệp, Tổ hợp tác or Hộ sản xuất kinh doanh", key)
				}
				p.Kind = k
			case KeyRegisteredOn:
				if iso, ok := sheet.DateCell(cell); ok {
					p.RegisteredOn = iso
				} else {
					dr.Add(key, dateHint, key)
				}
			case KeyRegistrationNumber:
				p.RegistrationNumber = cell
			}
		}
		drafts[i] = dr
	}
	return drafts, fileConflicts, nil
}

// Locate records the API's violations of the draft's producer at the
// columns that filled their fields.
func (dr *ProducerDraft) Locate(vs []fault.Violation) {
	dr.Row.Locate(vs, func(field string) string {
		return fieldColumn(field, KeyUnitCode, KeyDisplayName, KeyKind, KeyRegisteredOn, KeyRegistrationNumber)
	})
}

// Unit is a unit whose code and name a template's rows carry.
type Unit struct{ Code, Name string }

// ProducerTemplate is the list of producers with a row for each of units,
// carrying its code and name.
func ProducerTemplate(units []Unit) sheet.Template {
	filled := make([][]string, len(units))
	for i, u := range units {
		filled[i] = []string{u.Code, u.Name}
	}
	return sheet.Template{
		Sheet: ProducersSheet, Columns: ProducerColumns(), Rows: filled, InstructionsSheet: InstructionsSheet,
		Instructions: []string{
			"Danh sách chủ thể OCOP (hợp tác xã, doanh nghiệp, tổ hợp tác, hộ sản xuất kinh doanh) tham gia Chương trình mỗi xã một sản phẩm.",
			"Mỗi dòng là một chủ thể; dòng 1 là tên cột, dòng 2 là mã cột: không sửa, không xoá hai dòng này.",
			"Mã đơn vị: mã xã, phường, thị trấn nơi chủ thể đóng trụ sở vào ngày tham gia Chương trình, theo danh mục đơn vị hành chính, giữ nguyên các số 0 ở đầu; cột Tên đơn vị chỉ để đối chiếu.",
			"Loại hình chủ thể chọn trong danh sách: Hợp tác xã, Doanh nghiệp, Tổ hợp tác, Hộ sản xuất kinh doanh.",
			"Ngày tham gia Chương trình ghi theo dạng ngày/tháng/năm (15/03/2023); không được là ngày trong tương lai.",
			"Mỗi dòng tạo một chủ thể mới, kể cả khi trùng tên với chủ thể đã có: không tải lại cùng một tệp hai lần. Mã chủ thể (producers/…) do hệ thống cấp; tải biểu danh sách sản phẩm của đơn vị để thấy mã của từng chủ thể.",
			"Tải lên với tuỳ chọn kiểm tra thử (dry run) trước: hệ thống báo mọi lỗi theo trang, dòng và cột mà không ghi gì.",
		},
	}
}
