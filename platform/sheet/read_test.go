package sheet_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/ntmsuite/ntm/platform/sheet"
)

// book builds a real .xlsx whose first sheet is "Sheet1".
func book(t testing.TB, fill func(f *excelize.File) error) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := fill(f); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cells sets string cells by name, as a user typing text would.
func cells(kv ...string) func(f *excelize.File) error {
	return func(f *excelize.File) error {
		for i := 0; i < len(kv); i += 2 {
			if err := f.SetCellStr("Sheet1", kv[i], kv[i+1]); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestReadXLSX(t *testing.T) {
	nfdName := norm.NFD.String("Xã Võ Nhai")
	for _, tc := range []struct {
		name  string
		fill  func(f *excelize.File) error
		sheet string
		want  []sheet.Row
	}{
		{"codes keep leading zeros, cells trimmed", cells("A1", "Mã xã", "B1", "Tên xã", "A2", "00115", "B2", "  Xã Võ Nhai\u00a0"),
			"", []sheet.Row{
				{Sheet: "Sheet1", Number: 1, Cells: []string{"Mã xã", "Tên xã"}},
				{Sheet: "Sheet1", Number: 2, Cells: []string{"00115", "Xã Võ Nhai"}},
			}},
		{"NFD from macOS comes back NFC", cells("A1", nfdName), "", []sheet.Row{
			{Sheet: "Sheet1", Number: 1, Cells: []string{"Xã Võ Nhai"}},
		}},
		{"empty rows inside kept, at the end dropped, empty cells before the last kept",
			cells("A1", "a", "C3", "c", "A6", " "), "", []sheet.Row{
				{Sheet: "Sheet1", Number: 1, Cells: []string{"a"}},
				{Sheet: "Sheet1", Number: 2},
				{Sheet: "Sheet1", Number: 3, Cells: []string{"", "", "c"}},
			}},
		{"a formula gives its cached value and is not evaluated", func(f *excelize.File) error {
			if err := f.SetCellValue("Sheet1", "A1", 2); err != nil {
				return err
			}
			// The cached 99 is deliberately not what A1*2 computes.
			if err := f.SetCellValue("Sheet1", "B1", 99); err != nil {
				return err
			}
			return f.SetCellFormula("Sheet1", "B1", "A1*2")
		}, "", []sheet.Row{{Sheet: "Sheet1", Number: 1, Cells: []string{"2", "99"}}}},
		{"a date cell in the short date format reads as yyyy-mm-dd", func(f *excelize.File) error {
			style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
			if err != nil {
				return err
			}
			if err := f.SetCellValue("Sheet1", "A1", time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)); err != nil {
				return err
			}
			return f.SetCellStyle("Sheet1", "A1", "A1", style)
		}, "", []sheet.Row{{Sheet: "Sheet1", Number: 1, Cells: []string{"2024-12-31"}}}},
		{"a named sheet", func(f *excelize.File) error {
			if _, err := f.NewSheet("Xã 2"); err != nil {
				return err
			}
			return f.SetCellStr("Xã 2", "B2", "x")
		}, "Xã 2", []sheet.Row{{Sheet: "Xã 2", Number: 1}, {Sheet: "Xã 2", Number: 2, Cells: []string{"", "x"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := sheet.Read(book(t, tc.fill), sheet.DefaultLimits, tc.sheet)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadCSV(t *testing.T) {
	nfd := norm.NFD.String("Tân Cương")
	for _, tc := range []struct {
		name string
		data string
		want [][]string // Number, then the cells
	}{
		{"semicolons and a BOM, as Vietnamese Excel exports",
			"\ufeffMã xã;Tên xã;Tỷ lệ\r\n00115;Xã Võ Nhai;85,5\r\n",
			[][]string{{"1", "Mã xã", "Tên xã", "Tỷ lệ"}, {"2", "00115", "Xã Võ Nhai", "85,5"}}},
		{"commas, with semicolons quoted",
			"code,name\n\"00115\",\"a;b;c;d\"\n",
			[][]string{{"1", "code", "name"}, {"2", "00115", "a;b;c;d"}}},
		{"NFD normalised", "code;name\n1;" + nfd + "\n",
			[][]string{{"1", "code", "name"}, {"2", "1", "Tân Cương"}}},
		{"blank lines keep line numbers, a row of separators is kept empty, trailing ones dropped",
			"a;b\n\n1;2\n;\n3;4\n;\n;;\n\n",
			[][]string{{"1", "a", "b"}, {"3", "1", "2"}, {"4"}, {"5", "3", "4"}}},
		{"a quoted line break: the next row keeps its line number",
			"a,b\n\"x\ny\",z\nc,d\n",
			[][]string{{"1", "a", "b"}, {"2", "x\ny", "z"}, {"4", "c", "d"}}},
		{"ragged rows", "a,b,c\n1\n", [][]string{{"1", "a", "b", "c"}, {"2", "1"}}},
		{"empty file", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if sheet.Detect([]byte(tc.data)) != sheet.CSV {
				t.Fatal("not detected as CSV")
			}
			rows, err := sheet.Read([]byte(tc.data), sheet.DefaultLimits, "ignored")
			if err != nil {
				t.Fatal(err)
			}
			var got [][]string
			for _, r := range rows {
				if r.Sheet != "" {
					t.Errorf("row %d: sheet %q, want none for CSV", r.Number, r.Sheet)
				}
				got = append(got, append([]string{strconv.Itoa(r.Number)}, r.Cells...))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

// zipBomb is a workbook whose sheet XML is 200 MB of zeros (about 200 KB
// deflated), with the other parts of a real workbook.
func zipBomb(t testing.TB) []byte {
	t.Helper()
	src := book(t, cells("A1", "x"))
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			zeros := make([]byte, 1<<20)
			for range 200 {
				if _, err := w.Write(zeros); err != nil {
					t.Fatal(err)
				}
			}
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestReadRefuses(t *testing.T) {
	small := sheet.Limits{MaxCells: 5, MaxRows: 4, MaxColumns: 3}
	wide := strings.Repeat("a;", 5000) + "a\n"
	// Numbers, which excelize keeps in the sheet, not among shared strings.
	manyCells := book(t, func(f *excelize.File) error {
		for i, axis := range []string{"A1", "B1", "C1", "A2", "B2", "C2"} {
			if err := f.SetCellInt("Sheet1", axis, int64(i+1)); err != nil {
				return err
			}
		}
		return nil
	})
	manyTexts := book(t, cells("A1", "a", "B1", "b", "C1", "c", "A2", "d", "B2", "e", "C2", "f"))
	for _, tc := range []struct {
		name    string
		data    []byte
		lim     sheet.Limits
		want    error
		mention string
	}{
		{"a file over MaxBytes", []byte("a,b\n1,2\n"), sheet.Limits{MaxBytes: 4}, sheet.ErrTooLarge, "limit of 4"},
		{"a workbook declaring more than MaxUnzipped", manyCells, sheet.Limits{MaxUnzipped: 1000}, sheet.ErrTooLarge, "unzips to more than 1000"},
		{"a zip bomb", zipBomb(t), sheet.DefaultLimits, sheet.ErrTooLarge, "xl/worksheets/sheet1.xml is compressed"},
		{"too many cells in a workbook", manyCells, small, sheet.ErrTooLarge, "more than 5 cells"},
		{"more distinct texts than cells, before excelize reads them", manyTexts, small, sheet.ErrTooLarge, "more than 5 distinct texts"},
		{"too many cells in a CSV", []byte("1,2,3\n4,5,6\n"), small, sheet.ErrTooLarge, "more than 5 cells"},
		{"empty cells before a value count", []byte("1,,3\n,,3\n"), small, sheet.ErrTooLarge, "more than 5 cells"},
		{"too many rows", book(t, cells("A5", "x")), small, sheet.ErrTooLarge, "more than 4 rows"},
		{"too many CSV lines", []byte("1\n2\n3\n4\n5\n"), small, sheet.ErrTooLarge, "more than 4 rows"},
		{"a row too wide in a workbook", book(t, cells("D1", "x")), small, sheet.ErrTooLarge, "row 1 has 4 columns"},
		{"a CSV line too wide, before parsing it", []byte(wide), sheet.DefaultLimits, sheet.ErrTooLarge, "line 1 has more than 1000 columns"},
		{"a NUL byte, named by its cell", []byte("a;b\nc;d\x00\n"), sheet.DefaultLimits, sheet.ErrText, "cell B2 holds a NUL"},
		{"invalid UTF-8 (a legacy code page)", []byte("a,b\nc,T\xe2n\n"), sheet.DefaultLimits, sheet.ErrText, "cell B2 is not UTF-8"},
		{"a bare quote in a CSV", []byte("a,b\n1,x\"y\n"), sheet.DefaultLimits, sheet.ErrFormat, "line 2"},
		{"UTF-16 text", []byte("\xff\xfea\x00"), sheet.DefaultLimits, sheet.ErrFormat, "UTF-16"},
		{"a legacy .xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), sheet.DefaultLimits, sheet.ErrFormat, ".xls"},
		{"a broken zip", []byte("PK\x03\x04garbage"), sheet.DefaultLimits, sheet.ErrFormat, "not an .xlsx"},
		{"an unknown sheet", manyCells, sheet.DefaultLimits, sheet.ErrNoSheet, `"Xã 9" (the workbook has Sheet1)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sheetName := ""
			if tc.want == sheet.ErrNoSheet {
				sheetName = "Xã 9"
			}
			start := time.Now()
			rows, err := sheet.Read(tc.data, tc.lim, sheetName)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.mention) {
				t.Fatalf("Read = %d rows, %v; want %v mentioning %q", len(rows), err, tc.want, tc.mention)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("refused after %v, want well under a second", d)
			}
		})
	}
}

// A number is read as the file holds it, not in its display format, whose
// en-US separators ("1,500" under #,##0) a reader of Vietnamese figures
// would take for a decimal comma; percentages, dates and booleans keep
// their display.
func TestReadXLSXNumbersAsStored(t *testing.T) {
	data := book(t, func(f *excelize.File) error {
		thousands, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("#,##0")})
		if err != nil {
			return err
		}
		percent, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
		if err != nil {
			return err
		}
		day, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // short date
		if err != nil {
			return err
		}
		for _, c := range []struct {
			axis  string
			value any
			style int
		}{{"A1", 1500, thousands}, {"B1", 0.855, percent}, {"C1", 45657, day}, {"D1", 1234.5, thousands}, {"F1", 85.5, 0}} {
			if err := f.SetCellValue("Sheet1", c.axis, c.value); err != nil {
				return err
			}
			if c.style != 0 {
				if err := f.SetCellStyle("Sheet1", c.axis, c.axis, c.style); err != nil {
					return err
				}
			}
		}
		if err := f.SetCellBool("Sheet1", "G1", true); err != nil {
			return err
		}
		return f.SetCellStr("Sheet1", "E1", "1,500")
	})
	rows, err := sheet.Read(data, sheet.DefaultLimits, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1500", "85.50%", "2024-12-31", "1234.5", "1,500", "85.5", "TRUE"}
	if len(rows) != 1 || !slices.Equal(rows[0].Cells, want) {
		t.Errorf("cells %q, want %q", rows[0].Cells, want)
	}
}

func ptr[T any](v T) *T { return &v }
