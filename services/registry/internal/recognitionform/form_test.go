package recognitionform

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/ntmsuite/ntm/platform/fault"
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

// A template's row, filled, reads as the request CreateRecognition takes;
// the unit's name is for the reader only.
func TestParseReadsTheTemplatesRows(t *testing.T) {
	tpl := Template([]Unit{{"06002", "Xã La Hiên"}}, "20/12/2019")
	titles, keys := make([]string, len(tpl.Columns)), make([]string, len(tpl.Columns))
	for i, c := range tpl.Columns {
		titles[i], keys[i] = c.Title, c.Key
	}
	filled := append(tpl.Rows[0][:2:2], "Nông thôn mới nâng cao", "2345/QĐ-UBND", tpl.Rows[0][4], "NTM_COMMUNE_2016_2020", "2019", "Đã rà soát")
	drafts, fileConflicts, err := Parse(rowsOf(titles, keys, filled))
	if err != nil || len(fileConflicts) > 0 || len(drafts) != 1 || len(drafts[0].Conflicts) > 0 {
		t.Fatalf("Parse: %v %v %v", drafts, fileConflicts, err)
	}
	want := &registryv1.CreateRecognitionRequest{UnitCode: "06002", Recognition: &registryv1.Recognition{Level: registryv1.RecognitionLevel_ADVANCED,
		DecisionNumber: "2345/QĐ-UBND", EffectiveDate: "2019-12-20", CriteriaSet: "NTM_COMMUNE_2016_2020", Year: 2019, OverrideReason: "Đã rà soát"}}
	if d := cmp.Diff(want, drafts[0].Request, protocmp.Transform()); d != "" {
		t.Errorf("request (-want +got):\n%s", d)
	}
}

// Cells that cannot be read are conflicts at their column, and the API's
// violations are placed at theirs.
func TestParseAndLocate(t *testing.T) {
	drafts, _, err := Parse(rowsOf(
		[]string{"unit_code", "level", "effective_date", "year", "decision_number"},
		[]string{"100", "Xuất sắc", "32/12/2019", "hai nghìn", "QĐ-1"},
	))
	if err != nil {
		t.Fatal(err)
	}
	dr := drafts[0]
	dr.Locate([]fault.Violation{{Field: "recognition.decision_number", Description: "taken"}, {Field: "unit_code", Description: "no unit"}, {Field: "", Description: "held"}})
	var got []string
	for _, c := range dr.Conflicts {
		got = append(got, c.Column+"="+c.Value+" "+c.Field)
	}
	want := []string{"level=Xuất sắc recognition.level", "effective_date=32/12/2019 recognition.effective_date", "year=hai nghìn recognition.year",
		"decision_number=QĐ-1 recognition.decision_number", "unit_code=100 unit_code", "= "}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("conflicts (-want +got):\n%s", d)
	}
	if last := dr.Conflicts[len(dr.Conflicts)-1]; last.Row != 2 || last.Sheet != SheetName || last.Message != "held" {
		t.Errorf("the row's own conflict: %+v", last)
	}
}

// FuzzParse reads any CSV text as a form: Parse never panics, every draft
// is a row below the header with a request, and locating any field names
// a column of the form or none.
func FuzzParse(f *testing.F) {
	f.Add("unit_code,level,decision_number,effective_date,criteria_set\n100,Đạt chuẩn NTM,QĐ-1,20/12/2019,NTM_COMMUNE_2016_2020\n")
	f.Add("Mã đơn vị;Mức công nhận;Năm đạt chuẩn\nunit_code;level;year\n100;ADVANCED;2019\n;;\n")
	f.Add("x\nunit_code,year,year\n1,99999999999,abc\n")
	f.Fuzz(func(t *testing.T, text string) {
		rows, err := sheet.Read([]byte(text), sheet.Limits{MaxRows: 200, MaxCells: 2000}, "")
		if err != nil {
			return
		}
		drafts, _, err := Parse(rows)
		if err != nil {
			return
		}
		known := map[string]bool{"": true}
		for _, c := range Columns() {
			known[c.Key] = true
		}
		for _, d := range drafts {
			if d.Number < 2 || d.Request.GetRecognition() == nil {
				t.Fatalf("draft at row %d: %v", d.Number, d.Request)
			}
			d.Locate([]fault.Violation{{Field: "recognition.level"}, {Field: "unit_code"}, {Field: "recognition.check.x"}, {Field: "recognition"}})
			for _, c := range d.Conflicts {
				if !known[c.Column] {
					t.Fatalf("conflict at column %q, no column of the form", c.Column)
				}
			}
		}
	})
}
