// Package workbook lays the report and the aggregate out as Excel workbooks
// in the shape of the offices' appendix tables (biểu mẫu): one sheet per
// section, title rows naming the unit, the period and the date counted on,
// a frozen header row, numbers stored as numbers, percentages with a %
// format, codes as text, printed on A4 landscape.
package workbook

import (
	"fmt"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Excel's built-in number formats the cells use.
const (
	fmtGeneral = 0  // as typed: 5, 16.15
	fmtYear    = 1  // 0 (a year, without a thousands separator)
	fmtInteger = 3  // #,##0
	fmtDecimal = 4  // #,##0.00
	fmtPercent = 10 // 0.00%
)

// a4 is Excel's paper size code of A4.
const a4 = 9

// book writes a workbook sheet by sheet. The first error stops every later
// write and is returned by bytes, so that layout code reads as a list of
// rows.
type book struct {
	f      *excelize.File
	err    error
	styles map[style]int
}

// style is how a cell looks; each is made once per book.
type style int

const (
	styleTitle style = iota
	styleSubtitle
	styleNote
	styleHeader
	styleCaption
	styleText
	styleInteger
	styleDecimal
	stylePercent
	styleFigure // a plan's figure, a count or an average, shown as typed
	styleYear
	styleEstimate        // a figure that is an estimate, never a result
	styleEstimatePercent // a percentage that is an estimate
)

func newBook() *book {
	b := &book{f: excelize.NewFile(), styles: map[style]int{}}
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	font := func(bold, italic bool, size float64) *excelize.Font {
		return &excelize.Font{Family: "Times New Roman", Size: size, Bold: bold, Italic: italic}
	}
	wrap := &excelize.Alignment{WrapText: true, Vertical: "center"}
	for s, def := range map[style]*excelize.Style{
		styleTitle:           {Font: font(true, false, 14)},
		styleSubtitle:        {Font: font(true, false, 12)},
		styleNote:            {Font: font(false, true, 11), Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}},
		styleHeader:          {Font: font(true, false, 11), Border: border, Alignment: &excelize.Alignment{WrapText: true, Horizontal: "center", Vertical: "center"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}},
		styleCaption:         {Font: font(true, false, 12)},
		styleText:            {Font: font(false, false, 11), Border: border, Alignment: wrap},
		styleInteger:         {Font: font(false, false, 11), Border: border, NumFmt: fmtInteger},
		styleDecimal:         {Font: font(false, false, 11), Border: border, NumFmt: fmtDecimal},
		stylePercent:         {Font: font(false, false, 11), Border: border, NumFmt: fmtPercent},
		styleFigure:          {Font: font(false, false, 11), Border: border, NumFmt: fmtGeneral},
		styleYear:            {Font: font(false, false, 11), Border: border, NumFmt: fmtYear},
		styleEstimate:        {Font: font(false, true, 11), Border: border, NumFmt: fmtGeneral},
		styleEstimatePercent: {Font: font(false, true, 11), Border: border, NumFmt: fmtPercent},
	} {
		id, err := b.f.NewStyle(def)
		if err != nil {
			b.err = err
		}
		b.styles[s] = id
	}
	return b
}

// bytes finishes the workbook: the first sheet written opens first.
func (b *book) bytes() ([]byte, error) {
	defer b.f.Close()
	if b.err != nil {
		return nil, b.err
	}
	buf, err := b.f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sheet is one sheet being written, row by row.
type sheet struct {
	b    *book
	name string
	// row is the next row to write (1-based); width the columns the title
	// rows span.
	row, width int
	frozen     bool
	// widths are the columns' widths in characters, for the height of
	// rows whose text wraps.
	widths []float64
}

// newSheet adds a sheet (the workbook's first sheet takes the place of the
// empty one excelize starts with) with columns of the widths given (in
// characters), and writes its title rows: the table's name, then lines
// naming the unit, period, date and how it was counted.
func (b *book) newSheet(name string, widths []float64, title string, lines ...string) *sheet {
	s := &sheet{b: b, name: name, row: 1, width: len(widths), widths: widths}
	if b.err != nil {
		return s
	}
	if list := b.f.GetSheetList(); len(list) == 1 && list[0] == "Sheet1" {
		b.err = b.f.SetSheetName("Sheet1", name)
	} else {
		_, b.err = b.f.NewSheet(name)
	}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		b.check(b.f.SetColWidth(name, col, col, w))
	}
	size, landscape, fit, tall := a4, "landscape", 1, 0
	b.check(b.f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape, FitToWidth: &fit, FitToHeight: &tall}))
	b.check(b.f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: ptr(true)}))
	s.line(title, styleTitle)
	for i, l := range lines {
		st := styleSubtitle
		if i == len(lines)-1 && len(lines) > 1 {
			st = styleNote // the last line says how the figures were counted
		}
		s.line(l, st)
	}
	s.row++ // a blank row before the table
	return s
}

func ptr[T any](v T) *T { return &v }

func (b *book) check(err error) {
	if b.err == nil {
		b.err = err
	}
}

// line writes text across the sheet's width.
func (s *sheet) line(text string, st style) {
	first, last := s.cell(1), s.cell(s.width)
	s.b.check(s.b.f.SetCellStr(s.name, first, text))
	s.b.check(s.b.f.MergeCell(s.name, first, last))
	s.b.check(s.b.f.SetCellStyle(s.name, first, last, s.b.styles[st]))
	if st == styleNote {
		// A merged cell does not grow with its text: give it room for three lines.
		s.b.check(s.b.f.SetRowHeight(s.name, s.row, 48))
	}
	s.row++
}

// caption names a table below the first one on the same sheet.
func (s *sheet) caption(text string) {
	s.row++
	s.line(text, styleCaption)
}

// note writes a remark under a table.
func (s *sheet) note(text string) { s.line(text, styleNote) }

// header writes a table's header row. The first header of a sheet is
// frozen with the title rows above it, and repeated on every printed page.
func (s *sheet) header(headings ...string) {
	for i, h := range headings {
		s.b.check(s.b.f.SetCellStr(s.name, s.cell(i+1), h))
	}
	s.b.check(s.b.f.SetCellStyle(s.name, s.cell(1), s.cell(len(headings)), s.b.styles[styleHeader]))
	s.fitHeight(headings)
	if !s.frozen {
		s.frozen = true
		s.b.check(s.b.f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: s.row, TopLeftCell: cellName(1, s.row+1), ActivePane: "bottomLeft"}))
		s.b.check(s.b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$%d:$%d", s.name, s.row, s.row), Scope: s.name}))
	}
	s.row++
}

// value is one cell of a table row.
type value struct {
	st   style
	text string
	num  float64
}

// text is a text cell: names, and codes kept as written ("06002").
func text(s string) value { return value{st: styleText, text: s} }

// integer is a count.
func integer[T ~int32 | ~int64 | ~int](n T) value { return value{st: styleInteger, num: float64(n)} }

// figure is a plan's figure, shown as typed: "5" xã, "16.13" tiêu chí/xã.
func figure(x float64) value { return value{st: styleFigure, num: x} }

// year is a calendar year, printed without a thousands separator.
func year(y int32) value { return value{st: styleYear, num: float64(y)} }

// decimal is a figure with decimals (16,13 tiêu chí/xã).
func decimal(x float64) value { return value{st: styleDecimal, num: x} }

// percent is a percentage as the services give it (72.03 for 72,03%),
// stored as Excel's fraction so that its % format shows it.
func percent(p float64) value { return value{st: stylePercent, num: p / 100} }

// empty is a cell left blank (no result, no estimate).
func empty() value { return value{st: styleText} }

// tableRow writes one row of a table.
func (s *sheet) tableRow(vals ...value) {
	texts := make([]string, len(vals))
	for i, v := range vals {
		texts[i] = v.text
	}
	s.fitHeight(texts)
	for i, v := range vals {
		c := s.cell(i + 1)
		switch {
		case v.st == styleText && v.text != "":
			s.b.check(s.b.f.SetCellStr(s.name, c, v.text))
		case v.st != styleText:
			s.b.check(s.b.f.SetCellFloat(s.name, c, v.num, -1, 64))
		}
		s.b.check(s.b.f.SetCellStyle(s.name, c, c, s.b.styles[v.st]))
	}
	s.row++
}

// lineHeight is the height in points of one line of 11-point text.
const lineHeight = 15

// fitHeight makes the current row tall enough for its wrapped texts (one
// per column, "" for none): spreadsheet programs do not grow a row written
// with a fixed layout, and a cut title or name would be misread.
func (s *sheet) fitHeight(texts []string) {
	lines := 1
	for i, t := range texts {
		if i >= len(s.widths) || t == "" {
			continue
		}
		// Bold and accented letters run wider than the nominal width.
		perLine := max(int(s.widths[i]/1.15), 1)
		lines = max(lines, (utf8.RuneCountInString(t)+perLine-1)/perLine)
	}
	if lines > 1 {
		s.b.check(s.b.f.SetRowHeight(s.name, s.row, float64(lines*lineHeight)))
	}
}

func (s *sheet) cell(col int) string { return cellName(col, s.row) }

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}
