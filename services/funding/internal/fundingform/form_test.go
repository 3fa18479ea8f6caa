package fundingform

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/sheet"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/funding/internal/catalog"
)

// testCatalog has a money source, a source of goods and two purposes.
var testCatalog = func() *catalog.Catalog {
	c, err := catalog.Load(fstest.MapFS{"test.yaml": {Data: []byte(`schema: ntm-funding-catalog/v1
sources:
  - {code: CENTRAL_BUDGET, name: "Ngân sách Trung ương", kind: MONEY, confirmed: true}
  - {code: CEMENT, name: "Xi măng hỗ trợ", kind: IN_KIND, quantity_unit: "tấn"}
criteria_sets:
  - {code: SET_2025, name: "Bộ 2021 - 2025", from_year: 2022, to_year: 2025}
purposes:
  - code: TRANSPORT
    name: "Giao thông"
    criteria:
      SET_2025: ["2", "Giao thông"]
  - {code: OCOP, name: "Chương trình OCOP"}
`)}})
	if err != nil {
		panic(err)
	}
	return c
}()

func rowsOf(sheetName string, lines ...[]string) []sheet.Row {
	out := make([]sheet.Row, len(lines))
	for i, l := range lines {
		out[i] = sheet.Row{Sheet: sheetName, Number: i + 1, Cells: l}
	}
	return out
}

func TestAmount(t *testing.T) {
	for in, want := range map[string]int64{
		"1500000": 1500000, "1.500.000": 1500000, "1,500,000": 1500000, "1 500 000": 1500000, "1.500.000 đồng": 1500000,
		"1.500.000đ": 1500000, "2000000 VND": 2000000, "1.500": 1500, "1.500.000,00": 1500000, "1,500,000.00": 1500000,
		"1500000,0": 1500000, "-5": -5, "0": 0,
	} {
		if got, err := Amount(in); err != nil || got != want {
			t.Errorf("Amount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"1500000,5":            `"1500000,5" has a fraction of a đồng: amounts are whole đồng`,
		"1.500.000,50":         `"1.500.000,50" has a fraction of a đồng: amounts are whole đồng`,
		"1,500,000.5":          `"1,500,000.5" has a fraction of a đồng: amounts are whole đồng`,
		"1.5":                  `"1.5" has a fraction of a đồng: amounts are whole đồng`,
		"abc":                  `"abc" is not an amount in đồng like 1.500.000`,
		"1.50.000":             `"1.50.000" is not an amount in đồng like 1.500.000`,
		"1e9":                  `"1e9" is not an amount in đồng like 1.500.000`,
		"":                     `"" is not an amount in đồng like 1.500.000`,
		"99999999999999999999": `"99999999999999999999" is too large an amount`,
	} {
		if got, err := Amount(in); err == nil || err.Error() != want {
			t.Errorf("Amount(%q) = %d, %v; want %s", in, got, err, want)
		}
	}
	for _, n := range []int64{0, 7, 1500, 1500000, 1_234_567_890} {
		if got, err := Amount(FormatVND(n)); err != nil || got != n {
			t.Errorf("Amount(FormatVND(%d)) = %d, %v", n, got, err)
		}
	}
}

func TestQuantity(t *testing.T) {
	for in, want := range map[string]string{"120": "120", "120,5": "120.5", "120.5": "120.5", "1.234,5": "1234.5", "1,234.5": "1234.5", "0,125": "0.125"} {
		if got, err := Quantity(in); err != nil || got != want {
			t.Errorf("Quantity(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "1.2.3", "-1", "12 tấn", "."} {
		if got, err := Quantity(in); err == nil {
			t.Errorf("Quantity(%q) = %q, want refused", in, got)
		}
	}
}

func TestPlanTemplateRowsParseBack(t *testing.T) {
	tpl := PlanTemplate(testCatalog, []Unit{{"06002", "Xã La Hiên"}}, 2025)
	titles, keys := make([]string, len(tpl.Columns)), make([]string, len(tpl.Columns))
	for i, c := range tpl.Columns {
		titles[i], keys[i] = c.Title, c.Key
	}
	if got := tpl.Columns[3].Choices; !cmp.Equal(got, []string{"Ngân sách Trung ương", "Xi măng hỗ trợ"}) {
		t.Errorf("source choices %v", got)
	}
	filled := append(append([]string{}, tpl.Rows[0]...), "Xi măng hỗ trợ", "Giao thông", "", "120,5", "Tấn", "15/01/2025", "", "đường trục xã")
	drafts, fileConflicts, err := ParsePlans(rowsOf(PlanSheet, titles, keys, filled, make([]string, len(keys))), testCatalog, PlanDefaults{DecisionNumber: "15/QĐ-UBND"})
	if err != nil || len(fileConflicts) > 0 || len(drafts) != 1 {
		t.Fatalf("ParsePlans: %v %v %v", drafts, fileConflicts, err)
	}
	want := &fundingv1.Plan{UnitCode: "06002", Year: 2025, Source: "CEMENT", Purpose: "TRANSPORT", Quantity: "120.5", AllocatedOn: "2025-01-15",
		DecisionNumber: "15/QĐ-UBND", Note: "đường trục xã"}
	if d := cmp.Diff(want, drafts[0].Plan, protocmp.Transform()); d != "" || len(drafts[0].Conflicts) > 0 {
		t.Errorf("plan (-want +got):\n%s%v", d, drafts[0].Conflicts)
	}
}

func TestParsePlansReportsCellsItCannotRead(t *testing.T) {
	rows := rowsOf(PlanSheet,
		[]string{"unit_code", "year", "source", "amount_vnd", "quantity", "quantity_unit", "allocated_on"},
		[]string{"100", "năm nay", "CENTRAL_BUDGET", "1.500.000,5", "", "tấn", "31/02/2025"},
		[]string{"101", "2025", "Xi măng hỗ trợ", "", "50", "kg", "2025-01-15"},
		[]string{"102", "2025", "Vốn ODA", "1.000.000", "", "", "2025-01-15"},
	)
	drafts, _, err := ParsePlans(rows, testCatalog, PlanDefaults{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, dr := range drafts {
		for _, c := range dr.Conflicts {
			got = append(got, c.Column+"="+c.Value)
		}
	}
	want := []string{"year=năm nay", "amount_vnd=1.500.000,5", "allocated_on=31/02/2025", "quantity_unit=tấn", "quantity_unit=kg"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("conflicts (-want +got):\n%s", d)
	}
	// An unknown source is passed on for the API to refuse by its rule.
	if drafts[2].Plan.GetSource() != "Vốn ODA" || len(drafts[2].Conflicts) > 0 {
		t.Errorf("row of an unknown source: %v %v", drafts[2].Plan, drafts[2].Conflicts)
	}
}

func TestDisbursementTemplateRowsParseBack(t *testing.T) {
	tpl := DisbursementTemplate(testCatalog, []PlanRow{{ID: 7, UnitCode: "100", UnitName: "Xã La Hiên", Year: 2025, Source: "CENTRAL_BUDGET", Purpose: "TRANSPORT", AmountVND: 1_500_000_000}})
	keys := make([]string, len(tpl.Columns))
	for i, c := range tpl.Columns {
		keys[i] = c.Key
	}
	if want := []string{"7", "100", "Xã La Hiên", "2025", "Ngân sách Trung ương", "Giao thông", "1.500.000.000"}; !cmp.Equal(tpl.Rows[0], want) {
		t.Errorf("prefilled row %v, want %v", tpl.Rows[0], want)
	}
	filled := append(append([]string{}, tpl.Rows[0]...), "31/03/2025", "500.000.000", "", "", "", "đợt 1")
	drafts, fileConflicts, err := ParseDisbursements(rowsOf(DisbursementSheet, keys, filled), testCatalog)
	if err != nil || len(fileConflicts) > 0 || len(drafts) != 1 || len(drafts[0].Conflicts) > 0 {
		t.Fatalf("ParseDisbursements: %v %v %v", drafts, fileConflicts, err)
	}
	want := &fundingv1.Disbursement{PlanId: 7, DisbursedOn: "2025-03-31", AmountVnd: 500_000_000, Note: "đợt 1"}
	if d := cmp.Diff(want, drafts[0].Disbursement, protocmp.Transform()); d != "" {
		t.Errorf("disbursement (-want +got):\n%s", d)
	}
	if k := (PlanKey{Unit: "100", Year: 2025, Source: "CENTRAL_BUDGET", Purpose: "TRANSPORT"}); drafts[0].Key != k {
		t.Errorf("key %+v, want %+v", drafts[0].Key, k)
	}
}

func TestLocatePlacesViolationsAtTheirColumns(t *testing.T) {
	rows := rowsOf(DisbursementSheet, []string{"unit_code", "year", "source", "purpose", "disbursed_on", "amount_vnd"}, []string{"100", "2025", "CENTRAL_BUDGET", "OCOP", "2030-01-01", "5"})
	drafts, _, err := ParseDisbursements(rows, testCatalog)
	if err != nil {
		t.Fatal(err)
	}
	drafts[0].Locate([]fault.Violation{{Field: "disbursed_on", Description: "in the future"}, {Field: "plan_id", Description: "plan 9 does not exist"}})
	want := []importing.Conflict{
		{Sheet: DisbursementSheet, Row: 2, Column: "disbursed_on", Value: "2030-01-01", Message: "in the future", Field: "disbursed_on"},
		{Sheet: DisbursementSheet, Row: 2, Column: "", Value: "", Message: "plan 9 does not exist", Field: "plan_id"},
	}
	if d := cmp.Diff(want, drafts[0].Conflicts); d != "" {
		t.Errorf("conflicts (-want +got):\n%s", d)
	}
}

// FuzzParse reads any CSV text as both forms: the parsers never panic,
// every draft is a row below the header, and every conflict names a column
// of the form (an empty cell, when a required value is missing) or none.
func FuzzParse(f *testing.F) {
	f.Add("unit_code;year;source;purpose;amount_vnd\n06002;2025;Ngân sách Trung ương;Giao thông;1.500.000\n")
	f.Add("Mã kế hoạch,Ngày giải ngân\nplan_id,disbursed_on\n7,31/03/2025\n,\n")
	f.Add("unit_code,quantity,quantity_unit,source\n1,\"1,5\",kg,CEMENT\n")
	f.Fuzz(func(t *testing.T, text string) {
		rows, err := sheet.Read([]byte(text), sheet.Limits{MaxRows: 200, MaxCells: 2000}, "")
		if err != nil {
			return
		}
		vs := []fault.Violation{{Field: "amount_vnd"}, {Field: "plan_id"}, {Field: "quantity"}, {Field: "x[1"}}
		known := map[string]bool{"": true}
		for _, c := range append(PlanColumns(testCatalog), DisbursementColumns(testCatalog)...) {
			known[c.Key] = true
		}
		check := func(r importing.Row) {
			if r.Number < 2 {
				t.Fatalf("draft at row %d", r.Number)
			}
			for _, c := range r.Conflicts {
				if !known[c.Column] {
					t.Fatalf("conflict at column %q, no column of the forms", c.Column)
				}
			}
		}
		if plans, _, err := ParsePlans(rows, testCatalog, PlanDefaults{}); err == nil {
			for _, dr := range plans {
				dr.Locate(vs)
				check(dr.Row)
			}
		}
		if ds, _, err := ParseDisbursements(rows, testCatalog); err == nil {
			for _, dr := range ds {
				dr.Locate(vs)
				check(dr.Row)
			}
		}
	})
}
