package sheet_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"

	"github.com/ntmsuite/ntm/platform/sheet"
)

func rowsOf(lines ...[]string) []sheet.Row {
	rows := make([]sheet.Row, len(lines))
	for i, l := range lines {
		rows[i] = sheet.Row{Number: i + 1, Cells: l}
	}
	return rows
}

func TestFindHeader(t *testing.T) {
	cols := []sheet.Column{
		{Key: "unit_code", Title: "Mã xã"},
		{Key: "unit_name", Title: "Tên xã"},
		{Key: "poor_rate", Title: "Tỷ lệ hộ nghèo"},
		{Key: "note", Title: "Ghi chú"},
	}
	data := []string{"00115", "Xã Võ Nhai", "3,2"}
	for _, tc := range []struct {
		name       string
		rows       []sheet.Row
		wantHeader int
		wantIndex  map[string]int
	}{
		{"titles in the first row", rowsOf([]string{"Mã xã", "Tên xã", "Tỷ lệ hộ nghèo", "Ghi chú"}, data),
			0, map[string]int{"unit_code": 0, "unit_name": 1, "poor_rate": 2, "note": 3}},
		{"keys only, reordered", rowsOf([]string{"note", "unit_code", "unit_name"}, data),
			0, map[string]int{"note": 0, "unit_code": 1, "unit_name": 2}},
		{"below an official form's heading, case and NFD ignored, unknown cells ignored",
			rowsOf([]string{"ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN"}, nil, []string{"BÁO CÁO CHỈ TIÊU"},
				[]string{"STT", "MÃ XÃ", norm.NFD.String("tên xã"), "Thôn"}, data),
			3, map[string]int{"unit_code": 1, "unit_name": 2}},
		{"a template's titles then keys: the data start after the keys",
			rowsOf([]string{"Mã xã", "Tên xã (đã đổi)", "Tỷ lệ hộ nghèo"}, []string{"unit_code", "unit_name", "poor_rate", "note"}, data),
			1, map[string]int{"unit_code": 0, "unit_name": 1, "poor_rate": 2, "note": 3}},
		{"one column of many, as a provincial system exports it", rowsOf([]string{"", "poor_rate", ""}, data),
			0, map[string]int{"poor_rate": 1}},
		{"a repeated heading: the first cell wins", rowsOf([]string{"Mã xã", "Mã xã", "Tên xã"}),
			0, map[string]int{"unit_code": 0, "unit_name": 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header, index, err := sheet.FindHeader(tc.rows, cols)
			if err != nil {
				t.Fatal(err)
			}
			if header != tc.wantHeader {
				t.Errorf("header = %d, want %d", header, tc.wantHeader)
			}
			if diff := cmp.Diff(tc.wantIndex, index); diff != "" {
				t.Errorf("index (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFindHeaderRefuses(t *testing.T) {
	cols := []sheet.Column{{Key: "a", Title: "A"}, {Key: "b", Title: "B"}, {Key: "c", Title: "C"}}
	late := make([][]string, 10)
	for _, tc := range []struct {
		name string
		rows []sheet.Row
		cols []sheet.Column
	}{
		{"fewer than half of the cells are names", rowsOf([]string{"a", "x", "y"}), cols},
		{"the header below row 10", rowsOf(append(late, []string{"a", "b", "c"})...), cols},
		{"no rows", nil, cols},
		{"no columns", rowsOf([]string{"a"}), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if h, index, err := sheet.FindHeader(tc.rows, tc.cols); !errors.Is(err, sheet.ErrNoHeader) {
				t.Errorf("FindHeader = %d, %v, %v; want ErrNoHeader", h, index, err)
			}
		})
	}
}

func TestCellName(t *testing.T) {
	for _, tc := range []struct {
		col, row int
		want     string
	}{{0, 1, "A1"}, {2, 7, "C7"}, {25, 3, "Z3"}, {26, 3, "AA3"}, {701, 9, "ZZ9"}, {702, 9, "AAA9"}, {16383, 1048576, "XFD1048576"}} {
		if got := sheet.CellName(tc.col, tc.row); got != tc.want {
			t.Errorf("CellName(%d, %d) = %q, want %q", tc.col, tc.row, got, tc.want)
		}
	}
	for _, tc := range []struct {
		sheet, want string
	}{{"", "C7"}, {"Sheet1", "Sheet1!C7"}, {"Xã 1", "'Xã 1'!C7"}, {"O'Neil", "'O''Neil'!C7"}} {
		if got := (sheet.Row{Sheet: tc.sheet, Number: 7}).Ref(2); got != tc.want {
			t.Errorf("Ref in %q = %q, want %q", tc.sheet, got, tc.want)
		}
	}
}

func TestDateCell(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"45657", "2024-12-31"},
		{"45658.75", "2025-01-01"},
		{"1", "1900-01-01"},
		{"59", "1900-02-28"},
		{"61", "1900-03-01"},
		{"2958465", "9999-12-31"},
		{"31/12/2024", "2024-12-31"},
		{"1/2/2025", "2025-02-01"},
		{"01-02-2025", "2025-02-01"},
		{"29.02.2024", "2024-02-29"},
		{"2024-12-31", "2024-12-31"},
		{"2024/1/5", "2024-01-05"},
		{" 2024-12-31 00:00 ", "2024-12-31"},
		{"31/12/2024 8:30:00 AM", "2024-12-31"},
		{"60", ""},      // Excel's 29 February 1900 never existed
		{"0", ""},       // Excel shows 00/01/1900
		{"2958466", ""}, // after 9999
		{"30/02/2025", ""},
		{"12/31/2024", ""}, // month first: not guessed
		{"2024-13-01", ""},
		{"31/12/24", ""},
		{"-45657", ""},
		{"45657e0", ""},
		{"2024-12-31 later", ""},
		{"31/12/2024/1", ""},
		{"31//2024", ""},
		{"", ""},
	} {
		got, ok := sheet.DateCell(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("DateCell(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}
