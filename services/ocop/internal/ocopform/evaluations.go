package ocopform

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/sheet"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

// EvaluationsSheet is the council results' sheet.
const EvaluationsSheet = "Kết quả đánh giá"

// The keys of the columns before the sheet's lines: the Evaluation's field
// names, and the product by its resource name (a product has no code).
const (
	KeyProduct      = "product"
	KeyProductName  = "product_name"
	KeyYear         = "year"
	KeyEvaluatedOn  = "evaluated_on"
	KeyCouncilLevel = "council_level"
	KeyNote         = "note"
)

// levelWords are the council levels as the results write them, in the
// drop-down's order.
var levelWords = []struct {
	word  string
	level ocopv1.CouncilLevel
}{
	{"Cấp xã", ocopv1.CouncilLevel_COMMUNE},
	{"Cấp huyện", ocopv1.CouncilLevel_DISTRICT},
	{"Cấp tỉnh", ocopv1.CouncilLevel_PROVINCE},
	{"Trung ương", ocopv1.CouncilLevel_CENTRAL},
}

var levels = func() map[string]ocopv1.CouncilLevel {
	m := map[string]ocopv1.CouncilLevel{
		"xã": ocopv1.CouncilLevel_COMMUNE, "huyện": ocopv1.CouncilLevel_DISTRICT, "tỉnh": ocopv1.CouncilLevel_PROVINCE,
		"cấp trung ương": ocopv1.CouncilLevel_CENTRAL, "tw": ocopv1.CouncilLevel_CENTRAL,
	}
	for _, w := range levelWords {
		m[strings.ToLower(w.word)] = w.level
		m[strings.ToLower(w.level.String())] = w.level
	}
	return m
}()

// Line is a line of a scoring sheet: a column of points.
type Line struct {
	Code, Name string
	MaxPoints  float64
}

// Sheet is a catalog's scoring sheet and the star bands its totals fall in.
type Sheet struct {
	Code, Name string
	Lines      []Line
	Bands      []Band
}

// Band is a star band as the catalog labels it ("50-69 điểm; …").
type Band struct {
	Stars int
	Label string
}

func fixedEvaluationColumns() []sheet.Column {
	choices := make([]string, len(levelWords))
	for i, w := range levelWords {
		choices[i] = w.word
	}
	return []sheet.Column{
		{Key: KeyProduct, Title: "Mã sản phẩm", Note: "Mã sản phẩm do hệ thống cấp, dạng products/12 (hoặc 12).", Text: true, Width: 16},
		{Key: KeyProductName, Title: "Tên sản phẩm", Note: "Chỉ để đối chiếu; không được nhập vào hệ thống.", Width: 32},
		{Key: KeyYear, Title: "Năm đánh giá", Note: "Năm của kỳ đánh giá, phân hạng; để trống là năm của ngày đánh giá.", Text: true, Width: 10},
		{Key: KeyEvaluatedOn, Title: "Ngày đánh giá", Note: "Ngày Hội đồng chấm điểm, ngày/tháng/năm: quyết định bộ tiêu chí áp dụng.", Text: true, Width: 14},
		{Key: KeyCouncilLevel, Title: "Cấp hội đồng", Choices: choices, Width: 14},
		{Key: KeyNote, Title: "Ghi chú", Width: 24},
	}
}

// EvaluationColumns are the results' columns for sh: the fixed ones, then
// the points of each line.
func EvaluationColumns(sh Sheet) []sheet.Column {
	cols := fixedEvaluationColumns()
	for _, l := range sh.Lines {
		cols = append(cols, sheet.Column{Key: l.Code, Title: fmt.Sprintf("%s %s (tối đa %v điểm)", l.Code, l.Name, l.MaxPoints), Width: 12})
	}
	return cols
}

// KnownEvaluationColumns are the columns of every sheet given, each key
// once: a file is read before its dates say which catalog it follows.
func KnownEvaluationColumns(sheets []Sheet) []sheet.Column {
	seen := map[string]bool{}
	var out []sheet.Column
	for _, sh := range sheets {
		for _, c := range EvaluationColumns(sh) {
			if !seen[c.Key] {
				seen[c.Key] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// EvaluationDraft is one filled row of the results read as an evaluation
// of a product, before the API's checks.
type EvaluationDraft struct {
	importing.Row
	// ProductID is the product the row evaluates; 0 when it names none.
	ProductID  int64
	Evaluation *ocopv1.Evaluation
	// scoreCols names the column of each entry of Evaluation.Scores.
	scoreCols []string
}

// ParseEvaluations finds the header among rows (by the columns of known)
// and reads every row below it. A file without a product column is a
// conflict of the file.
func ParseEvaluations(rows []sheet.Row, known []sheet.Column) ([]EvaluationDraft, []importing.Conflict, error) {
	read, fileConflicts, err := importing.ReadRows(rows, known, KeyProduct)
	if err != nil {
		return nil, nil, err
	}
	drafts := make([]EvaluationDraft, len(read))
	for i, r := range read {
		drafts[i] = readEvaluation(r)
	}
	return drafts, fileConflicts, nil
}

func readEvaluation(r importing.Row) EvaluationDraft {
	dr := EvaluationDraft{Row: r, Evaluation: &ocopv1.Evaluation{}}
	e := dr.Evaluation
	for _, key := range r.Keys {
		cell := r.Cells[key]
		switch key {
		case KeyProduct:
			id, ok := reference(cell, "products")
			if !ok {
				dr.Add(key, "not a product: write its name as products/{id}, or the id (the template of a unit lists its products)", "product_id")
			}
			dr.ProductID = id
		case KeyProductName:
			// For the reader's eyes only: the reference says which product.
		case KeyYear:
			y, err := strconv.ParseInt(cell, 10, 32)
			if err != nil {
				dr.Add(key, "not a year: write it as 2024", key)
			}
			e.Year = int32(y)
		case KeyEvaluatedOn:
			if iso, ok := sheet.DateCell(cell); ok {
				e.EvaluatedOn = iso
			} else {
				dr.Add(key, dateHint, key)
			}
		case KeyCouncilLevel:
			l, ok := word(cell, levels)
			if !ok {
				dr.Add(key, "not a council level: write Cấp xã, Cấp huyện, Cấp tỉnh or Trung ương", key)
			}
			e.CouncilLevel = l
		case KeyNote:
			e.Note = cell
		default:
			p, ok := Points(cell)
			if !ok {
				dr.Add(key, "not a number of points", "scores")
				continue
			}
			e.Scores = append(e.Scores, &ocopv1.CriterionScore{CriterionCode: key, Points: p})
			dr.scoreCols = append(dr.scoreCols, key)
		}
	}
	// The cycle's year is the evaluation's unless the row says otherwise.
	if _, given := r.Cells[KeyYear]; !given && len(e.EvaluatedOn) == len("2006-01-02") {
		y, _ := strconv.ParseInt(e.EvaluatedOn[:4], 10, 32)
		e.Year = int32(y)
	}
	return dr
}

// Locate records the API's violations of the draft's evaluation (fields
// relative to it, as "scores[3].points" or "evaluated_on") at the columns
// the values came from.
func (dr *EvaluationDraft) Locate(vs []fault.Violation) {
	dr.Row.Locate(vs, func(field string) string {
		if rest, ok := strings.CutPrefix(field, "scores["); ok {
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return ""
			}
			i, err := strconv.Atoi(rest[:end])
			if err != nil || i < 0 || i >= len(dr.scoreCols) {
				return ""
			}
			return dr.scoreCols[i]
		}
		if fieldColumn(field, "product_id") != "" {
			return KeyProduct
		}
		return fieldColumn(field, KeyYear, KeyEvaluatedOn, KeyCouncilLevel, KeyNote)
	})
}

// Points reads a number of points as sheet.Decimal does: "6", "5,5" or
// "5.5"; never negative.
func Points(cell string) (float64, bool) {
	d, ok := sheet.Decimal(cell)
	if !ok || strings.HasPrefix(d, "-") || strings.HasPrefix(d, "+") {
		return 0, false
	}
	p, err := strconv.ParseFloat(d, 64)
	return p, err == nil
}

// EvaluationTemplate is sh's results form with a row for each of products,
// dated on (dd/mm/yyyy).
func EvaluationTemplate(sh Sheet, products []Listed, on string) sheet.Template {
	rows := make([][]string, len(products))
	for i, p := range products {
		rows[i] = []string{p.Ref, p.Name, "", on}
	}
	codes := make([]string, len(sh.Lines))
	for i, l := range sh.Lines {
		codes[i] = l.Code
	}
	return sheet.Template{
		Sheet: EvaluationsSheet, Columns: EvaluationColumns(sh), Rows: rows, InstructionsSheet: InstructionsSheet,
		Instructions: []string{
			"Biểu nhập kết quả đánh giá, phân hạng sản phẩm OCOP của Hội đồng: " + sh.Name + " (" + sh.Code + ").",
			"Mỗi dòng là phiếu chấm điểm của một Hội đồng cho một sản phẩm; dòng 1 là tên cột, dòng 2 là mã cột: không sửa, không xoá hai dòng này.",
			"Mã sản phẩm: mã do hệ thống cấp (dạng products/12). Biểu tải về cho một đơn vị đã có sẵn một dòng cho mỗi sản phẩm của đơn vị; xoá dòng của sản phẩm không được đánh giá.",
			"Cấp hội đồng chọn trong danh sách: Cấp xã, Cấp huyện, Cấp tỉnh, Trung ương; cấp phải có trong quy trình đang áp dụng vào ngày đánh giá.",
			"Ngày đánh giá ghi theo dạng ngày/tháng/năm (31/12/2024), không được là ngày trong tương lai: bộ tiêu chí áp dụng là bộ có hiệu lực vào ngày đó.",
			"Cột điểm (mã dạng A1, B2…): số điểm Hội đồng chấm cho từng tiêu chí, không vượt quá điểm tối đa; số thập phân dùng dấu phẩy hoặc dấu chấm. Tiêu chí để trống tính 0 điểm.",
			"Tổng điểm và số sao (" + bandsText(sh.Bands) + ") do hệ thống tính từ điểm, không nhập.",
			"Mỗi dòng ghi một phiếu đánh giá mới: không tải lại cùng một tệp hai lần.",
			"Tải lên với tuỳ chọn kiểm tra thử (dry run) trước: hệ thống báo mọi lỗi theo trang, dòng và cột mà không ghi gì.",
			"Các tiêu chí: " + strings.Join(codes, ", ") + ".",
		},
	}
}

// bandsText writes the bands as "3★ 50-69 điểm; …".
func bandsText(bands []Band) string {
	parts := make([]string, len(bands))
	for i, b := range bands {
		parts[i] = fmt.Sprintf("%d★ %s", b.Stars, b.Label)
	}
	return strings.Join(parts, " | ")
}
