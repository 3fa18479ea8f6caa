package unitform

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/sheet"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

func rowsOf(lines ...[]string) []sheet.Row {
	out := make([]sheet.Row, len(lines))
	for i, l := range lines {
		out[i] = sheet.Row{Sheet: SheetName, Number: i + 1, Cells: l}
	}
	return out
}

// The template's own rows read back as the units they list.
func TestParseReadsTheTemplatesRows(t *testing.T) {
	tpl := Template([]*registryv1.Unit{{Code: "06002", DisplayName: "Xã La Hiên", Type: registryv1.UnitType_COMMUNE, ParentCode: "170",
		ValidFrom: "2008-01-01", Region: "TDMNPB", CommuneGroup: "2"}})
	titles, keys := make([]string, len(tpl.Columns)), make([]string, len(tpl.Columns))
	for i, c := range tpl.Columns {
		titles[i], keys[i] = c.Title, c.Key
	}
	drafts, fileConflicts, err := Parse(rowsOf(titles, keys, tpl.Rows[0]))
	if err != nil || len(fileConflicts) > 0 || len(drafts) != 1 || len(drafts[0].Conflicts) > 0 {
		t.Fatalf("Parse: %v %v %v", drafts, fileConflicts, err)
	}
	want := &registryv1.ImportedUnit{ValidFrom: "2008-01-01", Unit: &registryv1.UnitSpec{Code: "06002", DisplayName: "Xã La Hiên",
		Type: registryv1.UnitType_COMMUNE, ParentCode: "170", Region: "TDMNPB", CommuneGroup: "2"}}
	if d := cmp.Diff(want, drafts[0].Unit, protocmp.Transform()); d != "" {
		t.Errorf("unit (-want +got):\n%s", d)
	}
}

// A type is read as the offices' word or the API's name; every district-
// level word is a DISTRICT.
func TestUnitTypeWords(t *testing.T) {
	for cell, want := range map[string]registryv1.UnitType{
		"Tỉnh": registryv1.UnitType_PROVINCE, "huyện": registryv1.UnitType_DISTRICT, "Thị xã": registryv1.UnitType_DISTRICT,
		"Thành phố thuộc tỉnh": registryv1.UnitType_DISTRICT, "XÃ": registryv1.UnitType_COMMUNE, "Phường": registryv1.UnitType_WARD,
		"Thị trấn": registryv1.UnitType_TOWNSHIP, "Thôn": registryv1.UnitType_VILLAGE, "village": registryv1.UnitType_VILLAGE,
		"COMMUNE": registryv1.UnitType_COMMUNE,
	} {
		if got, ok := unitType(cell); !ok || got != want {
			t.Errorf("unitType(%q) = %v, %v; want %v", cell, got, ok, want)
		}
	}
	for _, cell := range []string{"", "Làng", "UNIT_TYPE_UNSPECIFIED", "0"} {
		if got, ok := unitType(cell); ok {
			t.Errorf("unitType(%q) = %v, want refused", cell, got)
		}
	}
	if got := TypeWord(registryv1.UnitType_DISTRICT); got != "Huyện" {
		t.Errorf("TypeWord(DISTRICT) = %q", got)
	}
}

// The CSV files `ntm import units` has always read (API type names, ISO
// dates) are forms too; cells that cannot be read are conflicts at their
// column, and the API's violations are placed at theirs.
func TestParseAndLocate(t *testing.T) {
	drafts, fileConflicts, err := Parse(rowsOf(
		[]string{"code", "name", "type", "parent_code", "valid_from", "vùng"},
		[]string{"0610101", "Thôn Mới", "VILLAGE", "06101", "2026-03-01", "tdmnpb"},
		[]string{"0610102", "Thôn Lạc", "Làng", "06101", "30/02/2026", ""},
	))
	if err != nil {
		t.Fatal(err)
	}
	if len(fileConflicts) != 0 || drafts[0].Unit.GetUnit().GetRegion() != "TDMNPB" || len(drafts[0].Conflicts) != 0 {
		t.Fatalf("row 2: %v %v", fileConflicts, drafts[0])
	}
	drafts[0].Locate([]fault.Violation{{Field: "unit.parent_code", Description: "no parent"}, {Field: "unit", Description: "is required"}})
	want := []importing.Conflict{
		{Sheet: SheetName, Row: 2, Column: KeyParentCode, Value: "06101", Message: "no parent", Field: "unit.parent_code"},
		{Sheet: SheetName, Row: 2, Message: "is required", Field: "unit"},
	}
	if d := cmp.Diff(want, drafts[0].Conflicts); d != "" {
		t.Errorf("row 2 conflicts (-want +got):\n%s", d)
	}
	var cols []string
	for _, c := range drafts[1].Conflicts {
		cols = append(cols, c.Column+"="+c.Value)
	}
	if d := cmp.Diff([]string{"type=Làng", "valid_from=30/02/2026"}, cols); d != "" {
		t.Errorf("row 3 conflicts (-want +got):\n%s", d)
	}
}

// FuzzParse reads any CSV text as a form: Parse never panics, every draft
// is a row below the header with a unit, and locating any field names a
// column of the row or none.
func FuzzParse(f *testing.F) {
	f.Add("code,name,type,parent_code,valid_from\n0610101,Thôn Mới,VILLAGE,06101,2026-03-01\n")
	f.Add("Mã đơn vị;Loại đơn vị;Ngày hiệu lực\ncode;type;valid_from\n100;Xã;01/07/2025\n;;\n")
	f.Add("x\ncode,code,region\n1,2,abc\n")
	f.Fuzz(func(t *testing.T, text string) {
		rows, err := sheet.Read([]byte(text), sheet.Limits{MaxRows: 200, MaxCells: 2000}, "")
		if err != nil {
			return
		}
		drafts, _, err := Parse(rows)
		if err != nil {
			return
		}
		for _, d := range drafts {
			if d.Number < 2 || d.Unit.GetUnit() == nil {
				t.Fatalf("draft at row %d: %v", d.Number, d.Unit)
			}
			d.Locate([]fault.Violation{{Field: "unit.code"}, {Field: "valid_from"}, {Field: "unit.type.x"}, {Field: "units[3]"}})
			for _, c := range d.Conflicts {
				if _, ok := d.Cells[c.Column]; c.Column != "" && !ok && c.Column != KeyCode && c.Column != KeyValidFrom {
					t.Fatalf("conflict at column %q, which the row does not fill", c.Column)
				}
			}
		}
	})
}
