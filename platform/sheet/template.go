package sheet

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Column describes one column of an import file.
type Column struct {
	Key     string   // stable machine name, written in row 2 of a template
	Title   string   // Vietnamese heading, row 1
	Note    string   // comment on the heading: unit, how to fill in
	Choices []string // allowed values, offered as a drop-down list
	Text    bool     // keep as typed: codes such as "00115" keep their zeros
	Width   float64  // column width in characters; 0 leaves Excel's default
}

// Template is an import workbook to hand out: a data sheet with the column
// headings and prefilled rows, and a sheet of instructions.
type Template struct {
	Sheet             string     // name of the data sheet
	Columns           []Column   // in sheet order
	Rows              [][]string // prefilled data from row 3, e.g. the communes' codes and names
	Instructions      []string   // one per row of the instructions sheet
	InstructionsSheet string     // "" for "Hướng dẫn"
}

// Layout of a template's data sheet.
const (
	titleRow = 1
	keyRow   = 2
	firstRow = 3
	// spareRows is how far below the prefilled rows the drop-down lists
	// reach, for rows the user adds.
	spareRows = 1000
)

// choicesSheet holds the lists too long for a data validation formula; it
// is hidden so that nobody edits it by accident.
const choicesSheet = "Danh mục"

// keyRowNote is appended to the instructions: FindHeader recognises the
// columns by row 2 when a user has reworded the headings.
const keyRowNote = "Không sửa, không xoá dòng 2 (mã cột, chữ xám) của trang dữ liệu: hệ thống dùng dòng này để nhận ra từng cột."

// ContentType is the media type of an .xlsx workbook.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// XLSX renders the template. Every value, prefilled or listed, is written
// as a string cell, so a value starting with '=' stays text.
func (t Template) XLSX() ([]byte, error) {
	if t.Sheet == "" || len(t.Columns) == 0 {
		return nil, errors.New("sheet: a template needs a sheet name and columns")
	}
	if t.Sheet == choicesSheet || t.Sheet == t.instructionsSheet() {
		return nil, fmt.Errorf("sheet: template sheet name %q is taken by the instructions or the lists", t.Sheet)
	}
	for i, r := range t.Rows {
		if len(r) > len(t.Columns) {
			return nil, fmt.Errorf("sheet: template row %d has %d values for %d columns", i+1, len(r), len(t.Columns))
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	w := writer{f: f, sheet: t.Sheet}
	if err := f.SetSheetName(f.GetSheetName(0), t.Sheet); err != nil {
		return nil, err
	}
	w.layout(t)
	w.values(t)
	w.instructions(t) // before the hidden lists, so that it is the second tab
	w.choices(t)
	if w.err != nil {
		return nil, fmt.Errorf("sheet: template %q: %w", t.Sheet, w.err)
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writer keeps the first excelize error, so the steps read as a list.
type writer struct {
	f     *excelize.File
	sheet string
	err   error
}

func (w *writer) do(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *writer) style(s *excelize.Style) int {
	id, err := w.f.NewStyle(s)
	w.do(err)
	return id
}

// layout sets widths, the text format, the styled heading rows, the notes
// and the frozen panes.
func (w *writer) layout(t Template) {
	title := w.style(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
	})
	key := w.style(&excelize.Style{Font: &excelize.Font{Size: 8, Color: "808080"}, NumFmt: 49})
	text := w.style(&excelize.Style{NumFmt: 49}) // 49 is the built-in "@"
	for i, c := range t.Columns {
		col := colName(i)
		if c.Text {
			w.do(w.f.SetColStyle(w.sheet, col, text))
		}
		if c.Width > 0 {
			w.do(w.f.SetColWidth(w.sheet, col, col, c.Width))
		}
		w.cell(CellName(i, titleRow), c.Title)
		w.cell(CellName(i, keyRow), c.Key)
		if c.Note != "" {
			w.do(w.f.AddComment(w.sheet, excelize.Comment{
				Cell: CellName(i, titleRow), Author: "NTM",
				Paragraph: []excelize.RichTextRun{{Text: c.Note}},
			}))
		}
	}
	w.do(w.f.SetCellStyle(w.sheet, CellName(0, titleRow), CellName(len(t.Columns)-1, titleRow), title))
	w.do(w.f.SetCellStyle(w.sheet, CellName(0, keyRow), CellName(len(t.Columns)-1, keyRow), key))
	w.do(w.f.SetRowHeight(w.sheet, titleRow, 45))
	w.do(w.f.SetPanes(w.sheet, &excelize.Panes{
		Freeze: true, YSplit: keyRow, TopLeftCell: CellName(0, firstRow), ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A" + fmt.Sprint(firstRow), ActiveCell: "A" + fmt.Sprint(firstRow), Pane: "bottomLeft"}},
	}))
}

// values writes the prefilled rows; a new cell takes its column's style, so
// codes in Text columns are text cells too.
func (w *writer) values(t Template) {
	for i, r := range t.Rows {
		for j, v := range r {
			if v != "" {
				w.cell(CellName(j, firstRow+i), v)
			}
		}
	}
}

// choices adds a drop-down list to each column with Choices, inline when
// the list fits Excel's 255-character formula, else from the hidden sheet.
func (w *writer) choices(t Template) {
	sqrefEnd := firstRow + len(t.Rows) + spareRows - 1
	listCol := 0
	for i, c := range t.Columns {
		if len(c.Choices) == 0 {
			continue
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = CellName(i, firstRow) + ":" + CellName(i, sqrefEnd)
		dv.SetError(excelize.DataValidationErrorStyleStop, "Giá trị không hợp lệ", "Chọn một giá trị trong danh sách.")
		if !inlineList(c.Choices) || dv.SetDropList(c.Choices) != nil {
			if listCol == 0 {
				_, err := w.f.NewSheet(choicesSheet)
				w.do(err)
			}
			for k, v := range c.Choices {
				w.do(w.f.SetCellStr(choicesSheet, CellName(listCol, k+1), v))
			}
			col := colName(listCol)
			dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$1:$%s$%d", choicesSheet, col, col, len(c.Choices)))
			listCol++
		}
		w.do(w.f.AddDataValidation(w.sheet, dv))
	}
	if listCol > 0 {
		w.do(w.f.SetSheetVisible(choicesSheet, false))
	}
}

// inlineList tells whether choices can be a comma-separated list formula,
// which has no way to quote a comma.
func inlineList(choices []string) bool {
	for _, c := range choices {
		if strings.ContainsAny(c, `,"`) {
			return false
		}
	}
	return true
}

func (w *writer) instructions(t Template) {
	name := t.instructionsSheet()
	_, err := w.f.NewSheet(name)
	w.do(err)
	w.do(w.f.SetColWidth(name, "A", "A", 110))
	wrap := w.style(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	w.do(w.f.SetColStyle(name, "A", wrap))
	for i, s := range append(t.Instructions[:len(t.Instructions):len(t.Instructions)], keyRowNote) {
		w.do(w.f.SetCellStr(name, CellName(0, i+1), s))
	}
}

func (t Template) instructionsSheet() string {
	if t.InstructionsSheet == "" {
		return "Hướng dẫn"
	}
	return t.InstructionsSheet
}

// cell writes a string cell on the data sheet.
func (w *writer) cell(name, v string) {
	w.do(w.f.SetCellStr(w.sheet, name, v))
}

// colName is the letters of column index i ("A" for 0).
func colName(i int) string {
	name := CellName(i, 1)
	return name[:len(name)-1]
}
