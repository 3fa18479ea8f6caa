package sheet_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/ntmsuite/ntm/platform/sheet"
)

// fuzzLimits keep one iteration cheap (under a millisecond for the .xlsx
// seeds): a mutated file cannot make Read inflate or keep much. Nearly every
// mutated workbook reaches a new error path in excelize, so FuzzReadXLSX
// spends most of its time minimising; -fuzzminimizetime=5s keeps it moving.
var fuzzLimits = sheet.Limits{MaxBytes: 1 << 16, MaxUnzipped: 1 << 20, MaxCells: 2000, MaxRows: 200, MaxColumns: 50}

// checkRead is the invariant both targets share: no panic, and either an
// error or rows of clean text, numbered upwards within the limits.
func checkRead(t *testing.T, data []byte) {
	rows, err := sheet.Read(data, fuzzLimits, "")
	if err != nil {
		return
	}
	prev := 0
	for _, r := range rows {
		if r.Number <= prev || r.Number > fuzzLimits.MaxRows || len(r.Cells) > fuzzLimits.MaxColumns {
			t.Fatalf("row %d after %d with %d cells", r.Number, prev, len(r.Cells))
		}
		prev = r.Number
		for i, c := range r.Cells {
			if !utf8.ValidString(c) || strings.IndexByte(c, 0) >= 0 || !norm.NFC.IsNormalString(c) || strings.TrimSpace(c) != c {
				t.Fatalf("cell %s = %q is not clean text", r.Ref(i), c)
			}
		}
	}
	if n := len(rows); n > 0 && len(rows[n-1].Cells) == 0 {
		t.Fatalf("trailing empty row %d kept", rows[n-1].Number)
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("\ufeffMã xã;Tên xã\r\n00115;Xã Võ Nhai\r\n"))
	f.Add([]byte("a,\"b\"\"c\",d\n\n1,\"x\ny\",3\n,,\n"))
	f.Add([]byte("code;name\n1;" + norm.NFD.String("Tân Cương") + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if sheet.Detect(data) != sheet.CSV {
			t.Skip()
		}
		checkRead(t, data)
	})
}

func FuzzReadXLSX(f *testing.F) {
	tpl := sheet.Template{
		Sheet:        "Dữ liệu",
		Columns:      []sheet.Column{{Key: "code", Title: "Mã", Text: true}, {Key: "ok", Title: "Đạt", Choices: []string{"Có", "Không"}}},
		Rows:         [][]string{{"00115", "Có"}},
		Instructions: []string{"Điền từng dòng."},
	}
	data, err := tpl.XLSX()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(book(f, func(x *excelize.File) error {
		for i := range 5 {
			if err := x.SetCellValue("Sheet1", fmt.Sprintf("B%d", 2*i+1), i); err != nil {
				return err
			}
		}
		return x.SetCellFormula("Sheet1", "C1", "SUM(B1:B9)")
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		if sheet.Detect(data) != sheet.XLSX {
			t.Skip()
		}
		checkRead(t, data)
	})
}

// BenchmarkReadXLSX10k reads one province's file: 10,000 communes × 60
// columns of codes, names and numbers.
func BenchmarkReadXLSX10k(b *testing.B) {
	const rows, cols = 10_000, 60
	data := book(b, func(f *excelize.File) error {
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			return err
		}
		for r := 1; r <= rows; r++ {
			row := make([]any, cols)
			row[0], row[1] = fmt.Sprintf("%05d", r), fmt.Sprintf("Xã số %d", r)
			for c := 2; c < cols; c++ {
				row[c] = float64(r*c) / 7
			}
			if err := sw.SetRow(sheet.CellName(0, r), row); err != nil {
				return err
			}
		}
		return sw.Flush()
	})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		got, err := sheet.Read(data, sheet.DefaultLimits, "")
		if err != nil || len(got) != rows {
			b.Fatalf("Read = %d rows, %v", len(got), err)
		}
	}
}
