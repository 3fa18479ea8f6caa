package unit

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ntmsuite/ntm/platform/fault"
)

func importRow(code string, t Type, parent, from string) ImportRow {
	return ImportRow{Spec: Spec{Code: code, Name: "Đơn vị " + code, Type: t, ParentCode: parent, Field: "unit"}, From: d(from)}
}

// Every bad row of an import is refused on its own, naming its field; the
// others are planned as one create change per day, oldest first, each row
// seeing the units of the rows before it (in date order, parents first).
func TestPlanImportRefusesEachBadRow(t *testing.T) {
	rows := []ImportRow{
		importRow("10301", Village, "103", "2010-01-01"), // its parent is a later row of the same day
		importRow("103", Commune, "170", "2010-01-01"),
		importRow("100", Commune, "170", "2010-01-01"), // exists
		importRow("104", Commune, "999", "2010-01-01"), // no parent
		importRow("10401", Village, "104", "2012-01-01"),
		importRow("10302", Village, "103", "2009-01-01"), // before its parent
		importRow("105", Commune, "170", "2009-06-01"),
	}
	p, err := PlanImport(rows, "QĐ-1", world(t))
	if err != nil {
		t.Fatal(err)
	}
	var refused []string
	for i, err := range p.Refused {
		if err == nil {
			continue
		}
		f, ok := fault.As(err)
		if !ok {
			t.Fatalf("row %d refused with %v, want a *fault.Error", i, err)
		}
		refused = append(refused, rows[i].Spec.Code+" "+f.Violations[0].Field)
	}
	want := []string{"100 unit.code", "104 unit.parent_code", "10401 unit.parent_code", "10302 unit.parent_code"}
	if d := cmp.Diff(want, refused); d != "" {
		t.Errorf("refused rows (-want +got):\n%s", d)
	}
	if p.Clean() {
		t.Error("a plan with refused rows is Clean")
	}
	var days []string
	for i, c := range p.Changes {
		if c.Kind != KindCreate || c.DecisionNumber != "QĐ-1" || len(c.Create) != len(p.Plans[i].Open) {
			t.Errorf("change %d: %+v with plan %+v", i, c, p.Plans[i])
		}
		codes := ""
		for _, v := range p.Plans[i].Open {
			codes += " " + v.Code
		}
		days = append(days, c.Effective.String()+codes)
	}
	if d := cmp.Diff([]string{"2009-06-01 105", "2010-01-01 103 10301"}, days); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
}
