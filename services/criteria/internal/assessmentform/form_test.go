package assessmentform

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/sheet"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
)

// testSet is a set of two criteria: a boolean indicator and a percent one.
var testSet = &catalog.Set{Code: "TEST_SET", Name: "Bộ tiêu chí thử", Criteria: []catalog.Criterion{
	{Code: "1", Name: "Quy hoạch", Indicators: []catalog.Indicator{{Code: "1.1", Name: "Có quy hoạch", Kind: catalog.KindBoolean}}},
	{Code: "2", Name: "Giao thông", Indicators: []catalog.Indicator{{Code: "2.1", Name: "Đường xã được nhựa hoá", Kind: catalog.KindPercent, Unit: "%"}}},
}}

func rowsOf(lines ...[]string) []sheet.Row {
	out := make([]sheet.Row, len(lines))
	for i, l := range lines {
		out[i] = sheet.Row{Sheet: SheetName, Number: i + 1, Cells: l}
	}
	return out
}

func TestColumnsOfASet(t *testing.T) {
	var keys []string
	for _, c := range Columns(testSet) {
		keys = append(keys, c.Key)
	}
	want := []string{"unit_code", "unit_name", "assessed_on", "criteria_set", "author", "note", "evidence_ref", "1.1", "TC1", "2.1", "TC2"}
	if d := cmp.Diff(want, keys); d != "" {
		t.Errorf("keys (-want +got):\n%s", d)
	}
	cols := Columns(testSet)
	if got := cols[7].Choices; !cmp.Equal(got, []string{"Đạt", "Không đạt"}) {
		t.Errorf("boolean indicator choices = %v", got)
	}
	if got := cols[9].Title; got != "2.1 Đường xã được nhựa hoá (%)" {
		t.Errorf("percent indicator title = %q", got)
	}
}

func TestParseReadsTheTemplatesRows(t *testing.T) {
	tpl := Template(testSet, []Unit{{"06002", "Xã La Hiên"}}, "31/12/2024")
	titles, keys := make([]string, len(tpl.Columns)), make([]string, len(tpl.Columns))
	for i, c := range tpl.Columns {
		titles[i], keys[i] = c.Title, c.Key
	}
	filled := append(append([]string{}, tpl.Rows[0]...), "Văn phòng NTM", "", "BC-2024/06002", "Đạt", "", "85,5", "")
	rows := rowsOf(titles, keys, filled, make([]string, len(keys)))
	drafts, fileConflicts, err := Parse(rows, KnownColumns([]*catalog.Set{testSet}), Defaults{Author: "uploader"})
	if err != nil || len(fileConflicts) > 0 {
		t.Fatalf("Parse: %v %v", fileConflicts, err)
	}
	if len(drafts) != 1 {
		t.Fatalf("%d drafts, want 1 (key row and blank row skipped)", len(drafts))
	}
	want := &criteriav1.Assessment{UnitCode: "06002", AssessedOn: "2024-12-31", CriteriaSet: "TEST_SET", Author: "Văn phòng NTM", EvidenceRef: "BC-2024/06002",
		Values: []*criteriav1.IndicatorValue{
			{IndicatorCode: "1.1", Value: &criteriav1.IndicatorValue_Flag{Flag: true}},
			{IndicatorCode: "2.1", Value: &criteriav1.IndicatorValue_Number{Number: 85.5}},
		}}
	if d := cmp.Diff(want, drafts[0].Assessment, protocmp.Transform()); d != "" {
		t.Errorf("assessment (-want +got):\n%s", d)
	}
	if drafts[0].Number != 3 || drafts[0].Sheet != SheetName {
		t.Errorf("draft at %s row %d, want %s row 3", drafts[0].Sheet, drafts[0].Number, SheetName)
	}
}

func TestParseReportsCellsItCannotRead(t *testing.T) {
	rows := rowsOf(
		[]string{"unit_code", "assessed_on", "1.1", "TC2", "2.1", "9.9"},
		[]string{"06002", "31/06/2024", "có lẽ", "X?", "nhiều", ""},
		[]string{"06003", "2024-12-31", "", "C", "", ""},
	)
	drafts, fileConflicts, err := Parse(rows, KnownColumns([]*catalog.Set{testSet}), Defaults{Author: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(fileConflicts) != 1 || fileConflicts[0].Value != "9.9" || fileConflicts[0].Column != "F1" {
		t.Errorf("file conflicts = %+v, want the unknown column 9.9 at F1", fileConflicts)
	}
	var cols []string
	for _, c := range drafts[0].Conflicts {
		cols = append(cols, c.Column+"="+c.Value)
	}
	if d := cmp.Diff([]string{"assessed_on=31/06/2024", "1.1=có lẽ", "TC2=X?", "2.1=nhiều"}, cols); d != "" {
		t.Errorf("row 2 conflicts (-want +got):\n%s", d)
	}
	if len(drafts[1].Conflicts) != 0 || drafts[1].Assessment.GetVerdicts()[0].GetStatus() != criteriav1.CriterionStatus_NOT_MET {
		t.Errorf("row 3 = %v %v", drafts[1].Conflicts, drafts[1].Assessment)
	}
}

func TestParseWithoutAUnitColumn(t *testing.T) {
	rows := rowsOf([]string{"assessed_on", "1.1", "2.1"}, []string{"2024-12-31", "Đạt", "90"})
	drafts, fileConflicts, err := Parse(rows, KnownColumns([]*catalog.Set{testSet}), Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	if drafts != nil || len(fileConflicts) != 1 || fileConflicts[0].Column != KeyUnitCode {
		t.Errorf("drafts %v, conflicts %+v: want the missing unit_code column", drafts, fileConflicts)
	}
}

func TestLocatePlacesViolationsAtTheirColumns(t *testing.T) {
	rows := rowsOf([]string{"unit_code", "assessed_on", "2.1", "TC1", "1.1"}, []string{"06002", "2030-01-01", "120", "Đ", "Đạt"})
	drafts, _, err := Parse(rows, KnownColumns([]*catalog.Set{testSet}), Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	drafts[0].Locate([]fault.Violation{
		{Field: "assessed_on", Description: "in the future"},
		{Field: "values[1]", Description: "must be true or false"},
		{Field: "values[0].number", Description: "at most 100"},
		{Field: "verdicts[0].criterion_code", Description: "no criterion"},
		{Field: "values", Description: "give values"},
	})
	want := []importing.Conflict{
		{Sheet: SheetName, Row: 2, Column: "assessed_on", Value: "2030-01-01", Message: "in the future", Field: "assessed_on"},
		{Sheet: SheetName, Row: 2, Column: "1.1", Value: "Đạt", Message: "must be true or false", Field: "values[1]"},
		{Sheet: SheetName, Row: 2, Column: "2.1", Value: "120", Message: "at most 100", Field: "values[0].number"},
		{Sheet: SheetName, Row: 2, Column: "TC1", Value: "Đ", Message: "no criterion", Field: "verdicts[0].criterion_code"},
		{Sheet: SheetName, Row: 2, Column: "", Value: "", Message: "give values", Field: "values"},
	}
	if d := cmp.Diff(want, drafts[0].Conflicts); d != "" {
		t.Errorf("conflicts (-want +got):\n%s", d)
	}
}

func TestNumber(t *testing.T) {
	for in, want := range map[string]float64{
		"85": 85, "85,5": 85.5, "85.5": 85.5, "1.234,5": 1234.5, "1,234.5": 1234.5, "90%": 90, " 41,5 ": 41.5, "-3": -3, "1 234,5": 1234.5,
	} {
		if got, ok := Number(in); !ok || got != want {
			t.Errorf("Number(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "1e5", "NaN", "Inf", "0x10", "1,234,567", "1.2.3", "--1"} {
		if got, ok := Number(in); ok {
			t.Errorf("Number(%q) = %v, want refused", in, got)
		}
	}
}

// Flag words and verdicts are read whatever their case, as offices type
// them, and nothing else is.
func TestWordsInAnyCase(t *testing.T) {
	for in, want := range map[string]bool{"ĐẠT": true, "Đạt": true, "đ": true, "X": true, "Có": true, "Yes": true,
		"KHÔNG ĐẠT": false, "Chưa đạt": false, "không": false, "C": false, "No": false} {
		if got, ok := flagWord(in); !ok || got != want {
			t.Errorf("flagWord(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for in, want := range map[string]criteriav1.CriterionStatus{"Đ": criteriav1.CriterionStatus_MET, "ĐẠT": criteriav1.CriterionStatus_MET,
		"Cơ Bản Đạt": criteriav1.CriterionStatus_BASICALLY_MET, "CBĐ": criteriav1.CriterionStatus_BASICALLY_MET,
		"c": criteriav1.CriterionStatus_NOT_MET, "Không Đạt": criteriav1.CriterionStatus_NOT_MET} {
		if got, ok := verdict(in); !ok || got != want {
			t.Errorf("verdict(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "85", "đạt ", "dat", "có thể", "không biết"} {
		if _, ok := flagWord(in); ok {
			t.Errorf("flagWord(%q) read, want refused", in)
		}
		if _, ok := verdict(in); ok {
			t.Errorf("verdict(%q) read, want refused", in)
		}
	}
}

// FuzzParse reads any CSV text as a form: Parse never panics, every draft
// is a row below the header, and locating any violation names a column of
// the row or none.
func FuzzParse(f *testing.F) {
	f.Add("unit_code;assessed_on;1.1;TC2;2.1\n06002;31/12/2024;Đạt;Đ;85,5\n")
	f.Add("Mã đơn vị,Ngày đánh giá\nunit_code,assessed_on\n100,2024-12-31\n,\n")
	f.Add("x\nunit_code,TC1,TC1\n1,B,C\n")
	known := KnownColumns([]*catalog.Set{testSet})
	f.Fuzz(func(t *testing.T, text string) {
		rows, err := sheet.Read([]byte(text), sheet.Limits{MaxRows: 200, MaxCells: 2000}, "")
		if err != nil {
			return
		}
		drafts, _, err := Parse(rows, known, Defaults{Author: "a"})
		if err != nil {
			return
		}
		for _, d := range drafts {
			if d.Number < 2 || d.Assessment == nil {
				t.Fatalf("draft at row %d: %v", d.Number, d.Assessment)
			}
			d.Locate([]fault.Violation{{Field: "values[0].number"}, {Field: "verdicts[7]"}, {Field: "values[x"}})
			for _, c := range d.Conflicts {
				if _, ok := d.Cells[c.Column]; c.Column != "" && !ok {
					t.Fatalf("conflict at column %q, which the row does not fill", c.Column)
				}
			}
		}
	})
}
