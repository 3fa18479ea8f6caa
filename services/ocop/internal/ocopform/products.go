package ocopform

import (
	"strings"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/sheet"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

// ProductsSheet is the list of products' sheet.
const ProductsSheet = "Sản phẩm"

// The keys of the products' columns. A producer has no code of its own
// (no natural key): the file names it by its resource name, producers/{id}.
const (
	KeyProducer     = "producer"
	KeyProducerName = "producer_name"
	KeyProductGroup = "product_group"
)

// Group is a product group of the catalog (nhóm sản phẩm).
type Group struct{ Code, Name string }

// ProductColumns are the columns of the list of products, the groups as a
// drop-down list of their Vietnamese names.
func ProductColumns(groups []Group) []sheet.Column {
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = g.Name
	}
	return []sheet.Column{
		{Key: KeyProducer, Title: "Mã chủ thể", Note: "Mã chủ thể do hệ thống cấp, dạng producers/12 (hoặc 12).", Text: true, Width: 16},
		{Key: KeyProducerName, Title: "Tên chủ thể", Note: "Chỉ để đối chiếu; không được nhập vào hệ thống.", Width: 32},
		{Key: KeyDisplayName, Title: "Tên sản phẩm", Width: 36},
		{Key: KeyProductGroup, Title: "Nhóm sản phẩm", Choices: names, Width: 30},
	}
}

// ProductDraft is one filled row of the list read as a product, before the
// API's checks.
type ProductDraft struct {
	importing.Row
	Product *ocopv1.Product
}

// ParseProducts finds the header among rows and reads every row below it;
// a group is read by its name or its code (a cell neither is passed on as
// a code, for the API to refuse). A file without a producer column is a
// conflict of the file.
func ParseProducts(rows []sheet.Row, groups []Group) ([]ProductDraft, []importing.Conflict, error) {
	read, fileConflicts, err := importing.ReadRows(rows, ProductColumns(groups), KeyProducer)
	if err != nil {
		return nil, nil, err
	}
	codes := map[string]string{}
	for _, g := range groups {
		codes[strings.ToLower(g.Name)], codes[strings.ToLower(g.Code)] = g.Code, g.Code
	}
	drafts := make([]ProductDraft, len(read))
	for i, r := range read {
		dr := ProductDraft{Row: r, Product: &ocopv1.Product{}}
		p := dr.Product
		for _, key := range r.Keys {
			cell := r.Cells[key]
			switch key {
			case KeyProducer:
				id, ok := reference(cell, "producers")
				if !ok {
					dr.Add(key, "not a producer: write its name as producers/{id}, or the id (the template of a unit lists its producers)", "producer_id")
				}
				p.ProducerId = id
			case KeyDisplayName:
				p.DisplayName = cell
			case KeyProductGroup:
				code, ok := word(cell, codes)
				if !ok {
					code = cell
				}
				p.ProductGroup = code
			}
		}
		drafts[i] = dr
	}
	return drafts, fileConflicts, nil
}

// Locate records the API's violations of the draft's product at the
// columns that filled their fields.
func (dr *ProductDraft) Locate(vs []fault.Violation) {
	dr.Row.Locate(vs, func(field string) string {
		if fieldColumn(field, "producer_id") != "" {
			return KeyProducer
		}
		return fieldColumn(field, KeyDisplayName, KeyProductGroup)
	})
}

// Listed is a resource a template lists: its resource name
// ("producers/12") and display name.
type Listed struct{ Ref, Name string }

// ProductTemplate is the list of products with a row for each of
// producers, naming it.
func ProductTemplate(groups []Group, producers []Listed) sheet.Template {
	rows := make([][]string, len(producers))
	for i, p := range producers {
		rows[i] = []string{p.Ref, p.Name}
	}
	return sheet.Template{
		Sheet: ProductsSheet, Columns: ProductColumns(groups), Rows: rows, InstructionsSheet: InstructionsSheet,
		Instructions: []string{
			"Danh sách sản phẩm OCOP của các chủ thể.",
			"Mỗi dòng là một sản phẩm; dòng 1 là tên cột, dòng 2 là mã cột: không sửa, không xoá hai dòng này.",
			"Mã chủ thể: mã do hệ thống cấp khi ghi chủ thể (dạng producers/12). Biểu tải về cho một đơn vị đã có sẵn một dòng cho mỗi chủ thể của đơn vị; một chủ thể có nhiều sản phẩm thì chép thêm dòng; xoá các dòng không dùng, vì dòng thiếu tên sản phẩm bị báo lỗi.",
			"Nhóm sản phẩm chọn trong danh sách (theo Bộ tiêu chí OCOP đang áp dụng).",
			"Mỗi dòng tạo một sản phẩm mới, kể cả khi trùng tên với sản phẩm đã có: không tải lại cùng một tệp hai lần.",
			"Tải lên với tuỳ chọn kiểm tra thử (dry run) trước: hệ thống báo mọi lỗi theo trang, dòng và cột mà không ghi gì.",
		},
	}
}
