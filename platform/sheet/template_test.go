package sheet_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/ntmsuite/ntm/platform/sheet"
)

// communes is a template as the indicator import hands it out: codes and
// names prefilled, a short and a long list of choices.
func communes() sheet.Template {
	var levels []string
	for i := range 40 {
		levels = append(levels, fmt.Sprintf("Mức %d — đạt chuẩn nông thôn mới", i+1))
	}
	return sheet.Template{
		Sheet: "Chỉ tiêu",
		Columns: []sheet.Column{
			{Key: "unit_code", Title: "Mã xã", Text: true, Width: 10},
			{Key: "unit_name", Title: "Tên xã", Width: 30},
			{Key: "status", Title: "Tình trạng", Choices: []string{"Đạt", "Chưa đạt"}},
			{Key: "level", Title: "Mức độ", Choices: levels},
			{Key: "value", Title: "Tỷ lệ hộ nghèo (%)", Note: "Số thập phân, dấu phẩy hoặc dấu chấm."},
		},
		Rows: [][]string{
			{"00115", "Xã Võ Nhai"},
			{"00118", "Xã Tân Cương", "Đạt"},
			{"00121", "=HYPERLINK(\"http://x\")", "", "", "1,5"},
		},
		Instructions:      []string{"Điền một dòng cho mỗi xã.", "Không đổi mã xã."},
		InstructionsSheet: "Hướng dẫn",
	}
}

func TestTemplateRoundTrip(t *testing.T) {
	tpl := communes()
	data, err := tpl.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	if sheet.Detect(data) != sheet.XLSX {
		t.Fatal("template not detected as XLSX")
	}
	rows, err := sheet.Read(data, sheet.DefaultLimits, "")
	if err != nil {
		t.Fatal(err)
	}
	header, index, err := sheet.FindHeader(rows, tpl.Columns)
	if err != nil {
		t.Fatal(err)
	}
	if header != 1 {
		t.Errorf("header = %d, want 1 (the Keys row under the Titles)", header)
	}
	for i, c := range tpl.Columns {
		if index[c.Key] != i {
			t.Errorf("index[%q] = %d, want %d", c.Key, index[c.Key], i)
		}
	}
	var got [][]string
	for _, r := range rows[header+1:] {
		if r.Sheet != tpl.Sheet {
			t.Errorf("row %d read from sheet %q, want %q", r.Number, r.Sheet, tpl.Sheet)
		}
		got = append(got, r.Cells)
	}
	if diff := cmp.Diff(tpl.Rows, got); diff != "" {
		t.Errorf("prefilled rows (-want +got):\n%s", diff)
	}
	if got, want := rows[0].Cells, []string{"Mã xã", "Tên xã", "Tình trạng", "Mức độ", "Tỷ lệ hộ nghèo (%)"}; !slices.Equal(got, want) {
		t.Errorf("titles = %q, want %q", got, want)
	}
}

// TestTemplateWorkbook checks what a user sees in Excel, through excelize.
func TestTemplateWorkbook(t *testing.T) {
	tpl := communes()
	data, err := tpl.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sh := tpl.Sheet

	if got := f.GetSheetList(); !slices.Equal(got[:2], []string{sh, "Hướng dẫn"}) || f.GetActiveSheetIndex() != 0 {
		t.Errorf("sheets = %q, active %d; want the data sheet first and active", got, f.GetActiveSheetIndex())
	}

	for _, tc := range []struct {
		cell string
		want int
	}{{"A", 49}, {"B", 0}} {
		id, err := f.GetColStyle(sh, tc.cell)
		must(err)
		style, err := f.GetStyle(id)
		must(err)
		if style.NumFmt != tc.want {
			t.Errorf("column %s number format %d, want %d", tc.cell, style.NumFmt, tc.want)
		}
	}
	for _, cell := range []string{"A3", "A5", "B5", "E5"} {
		typ, err := f.GetCellType(sh, cell)
		must(err)
		formula, err := f.GetCellFormula(sh, cell)
		must(err)
		if typ != excelize.CellTypeSharedString || formula != "" {
			t.Errorf("%s: type %v, formula %q; want a plain string cell", cell, typ, formula)
		}
	}
	id, err := f.GetCellStyle(sh, "A3")
	must(err)
	style, err := f.GetStyle(id)
	must(err)
	if style.NumFmt != 49 {
		t.Errorf("prefilled code A3 number format %d, want 49 (text)", style.NumFmt)
	}

	panes, err := f.GetPanes(sh)
	must(err)
	if !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("panes = %+v, want frozen below row 2", panes)
	}

	dvs, err := f.GetDataValidations(sh)
	must(err)
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[dv.Sqref] = dv.Formula1
	}
	if diff := cmp.Diff(map[string]string{
		"C3:C1005": `"Đạt,Chưa đạt"`,
		"D3:D1005": `'Danh mục'!$A$1:$A$40`,
	}, lists); diff != "" {
		t.Errorf("drop-down lists (-want +got):\n%s", diff)
	}
	visible, err := f.GetSheetVisible("Danh mục")
	must(err)
	last, err := f.GetCellValue("Danh mục", "A40")
	must(err)
	if visible || last != "Mức 40 — đạt chuẩn nông thôn mới" {
		t.Errorf("list sheet visible %v, A40 %q; want hidden with the 40 levels", visible, last)
	}

	comments, err := f.GetComments(sh)
	must(err)
	if len(comments) != 1 || comments[0].Cell != "E1" || !strings.Contains(commentText(comments[0]), "dấu phẩy") {
		t.Errorf("comments = %+v, want the note of column E on E1", comments)
	}

	rows, err := sheet.Read(data, sheet.DefaultLimits, "Hướng dẫn")
	must(err)
	var lines []string
	for _, r := range rows {
		lines = append(lines, r.Cell(0))
	}
	if len(lines) != 3 || lines[0] != tpl.Instructions[0] || !strings.Contains(lines[2], "dòng 2") {
		t.Errorf("instructions = %q, want the given ones then the note on row 2", lines)
	}
}

func commentText(c excelize.Comment) string {
	s := c.Text
	for _, p := range c.Paragraph {
		s += p.Text
	}
	return s
}

func TestTemplateRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*sheet.Template)
	}{
		{"no columns", func(t *sheet.Template) { t.Columns = nil }},
		{"no sheet name", func(t *sheet.Template) { t.Sheet = "" }},
		{"a row wider than the columns", func(t *sheet.Template) { t.Rows = [][]string{make([]string, 6)} }},
		{"the data sheet named as the instructions", func(t *sheet.Template) { t.Sheet = "Hướng dẫn" }},
		{"a sheet name Excel refuses", func(t *sheet.Template) { t.Sheet = "a/b" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tpl := communes()
			tc.edit(&tpl)
			if _, err := tpl.XLSX(); err == nil {
				t.Error("XLSX succeeded")
			}
		})
	}
}
