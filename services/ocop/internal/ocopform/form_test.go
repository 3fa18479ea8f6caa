package ocopform

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/sheet"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

var (
	testGroups = []Group{{"FOOD", "Thực phẩm"}, {"BEVERAGE", "Đồ uống"}}
	testSheet  = Sheet{Code: "OCOP_TEST", Name: "Bộ thử", Lines: []Line{{"A1", "Nguyên liệu", 6}, {"B1", "Tiếp thị", 7.5}},
		Bands: []Band{{3, "50-69 điểm"}}}
)

func rowsOf(sheetName string, lines ...[]string) []sheet.Row {
	out := make([]sheet.Row, len(lines))
	for i, l := range lines {
		out[i] = sheet.Row{Sheet: sheetName, Number: i + 1, Cells: l}
	}
	return out
}

// titlesAndKeys are a template's two header rows.
func titlesAndKeys(tpl sheet.Template) (titles, keys []string) {
	for _, c := range tpl.Columns {
		titles, keys = append(titles, c.Title), append(keys, c.Key)
	}
	return titles, keys
}

func TestParseProducersReadsTheTemplatesRows(t *testing.T) {
	tpl := ProducerTemplate([]Unit{{"100", "Xã La Hiên"}})
	titles, keys := titlesAndKeys(tpl)
	filled := append(append([]string{}, tpl.Rows[0]...), "HTX Chè La Hiên", "Hợp tác xã", "15/03/2023", "4600123456")
	drafts, fileConflicts, err := ParseProducers(rowsOf(ProducersSheet, titles, keys, filled))
	if err != nil || len(fileConflicts) > 0 || len(drafts) != 1 {
		t.Fatalf("ParseProducers: %v %v %v", drafts, fileConflicts, err)
	}
	want := &ocopv1.Producer{UnitCode: "100", DisplayName: "HTX Chè La Hiên", Kind: ocopv1.ProducerKind_COOPERATIVE, RegisteredOn: "2023-03-15", RegistrationNumber: "4600123456"}
	if d := cmp.Diff(want, drafts[0].Producer, protocmp.Transform()); d != "" {
		t.Errorf("producer (-want +got):\n%s", d)
	}
	if drafts[0].Number != 3 {
		t.Errorf("draft at row %d, want 3", drafts[0].Number)
	}
}

func TestKindsAreReadInVietnameseAndAsEnumNames(t *testing.T) {
	for cell, want := range map[string]ocopv1.ProducerKind{
		"Hợp tác xã": ocopv1.ProducerKind_COOPERATIVE, "HTX": ocopv1.ProducerKind_COOPERATIVE, "doanh  nghiệp": ocopv1.ProducerKind_ENTERPRISE,
		"Tổ hợp tác": ocopv1.ProducerKind_COOPERATIVE_GROUP, "hộ sản xuất": ocopv1.ProducerKind_HOUSEHOLD_BUSINESS,
		"HOUSEHOLD_BUSINESS": ocopv1.ProducerKind_HOUSEHOLD_BUSINESS, "enterprise": ocopv1.ProducerKind_ENTERPRISE,
	} {
		drafts, _, err := ParseProducers(rowsOf("", []string{"unit_code", "kind"}, []string{"100", cell}))
		if err != nil || len(drafts[0].Conflicts) > 0 || drafts[0].Producer.GetKind() != want {
			t.Errorf("kind %q read as %v (%v), want %v", cell, drafts[0].Producer.GetKind(), drafts[0].Conflicts, want)
		}
	}
	drafts, _, _ := ParseProducers(rowsOf("", []string{"unit_code", "kind"}, []string{"100", "PRODUCER_KIND_UNSPECIFIED"}))
	if len(drafts[0].Conflicts) != 1 || drafts[0].Conflicts[0].Column != KeyKind {
		t.Errorf("the unspecified kind: %v", drafts[0].Conflicts)
	}
}

func TestParseProductsReadsGroupsAndProducers(t *testing.T) {
	rows := rowsOf("", []string{"producer", "display_name", "product_group"},
		[]string{"producers/12", "Chè xanh", "đồ uống"},
		[]string{"12", "Miến", "FOOD"},
		[]string{"producer 12", "Rượu", "Rượu"},
	)
	drafts, _, err := ParseProducts(rows, testGroups)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range drafts {
		got = append(got, d.Product.GetProductGroup())
		if d.Product.GetProducerId() != 12 && len(d.Conflicts) == 0 {
			t.Errorf("row %d: producer %d without a conflict", d.Number, d.Product.GetProducerId())
		}
	}
	// A group neither named nor coded goes to the API as it is, to be refused there.
	if d := cmp.Diff([]string{"BEVERAGE", "FOOD", "Rượu"}, got); d != "" {
		t.Errorf("groups (-want +got):\n%s", d)
	}
	if c := drafts[2].Conflicts; len(c) != 1 || c[0].Column != KeyProducer {
		t.Errorf("row 4 conflicts %v, want the producer's", c)
	}
}

func TestParseEvaluationsAndLocate(t *testing.T) {
	tpl := EvaluationTemplate(testSheet, []Listed{{"products/7", "Chè xanh"}}, "20/11/2024")
	titles, keys := titlesAndKeys(tpl)
	filled := append(append([]string{}, tpl.Rows[0]...), "Cấp tỉnh", "", "6", "7,5")
	drafts, fileConflicts, err := ParseEvaluations(rowsOf(EvaluationsSheet, titles, keys, filled), KnownEvaluationColumns([]Sheet{testSheet}))
	if err != nil || len(fileConflicts) > 0 || len(drafts) != 1 || len(drafts[0].Conflicts) > 0 {
		t.Fatalf("ParseEvaluations: %v %v %v", drafts, fileConflicts, err)
	}
	dr := drafts[0]
	want := &ocopv1.Evaluation{Year: 2024, EvaluatedOn: "2024-11-20", CouncilLevel: ocopv1.CouncilLevel_PROVINCE,
		Scores: []*ocopv1.CriterionScore{{CriterionCode: "A1", Points: 6}, {CriterionCode: "B1", Points: 7.5}}}
	if d := cmp.Diff(want, dr.Evaluation, protocmp.Transform()); d != "" || dr.ProductID != 7 {
		t.Errorf("product %d, evaluation (-want +got):\n%s", dr.ProductID, d)
	}
	dr.Locate([]fault.Violation{
		{Field: "scores[1].points", Description: "above"},
		{Field: "council_level", Description: "no such council"},
		{Field: "product_id", Description: "no product"},
		{Field: "scores", Description: "too many"},
		{Field: "scores[9]", Description: "out of range"},
	})
	var cols []string
	for _, c := range dr.Conflicts {
		cols = append(cols, c.Column+"="+c.Value)
	}
	if d := cmp.Diff([]string{"B1=7,5", "council_level=Cấp tỉnh", "product=products/7", "=", "="}, cols); d != "" {
		t.Errorf("located (-want +got):\n%s", d)
	}
}

func TestParseEvaluationsReportsCellsItCannotRead(t *testing.T) {
	rows := rowsOf("", []string{"product", "year", "evaluated_on", "council_level", "A1", "Z9"},
		[]string{"sản phẩm 7", "năm nay", "31/11/2024", "Hội đồng", "sáu", ""})
	drafts, fileConflicts, err := ParseEvaluations(rows, KnownEvaluationColumns([]Sheet{testSheet}))
	if err != nil {
		t.Fatal(err)
	}
	if len(fileConflicts) != 1 || fileConflicts[0].Value != "Z9" {
		t.Errorf("file conflicts %v, want the unknown column Z9", fileConflicts)
	}
	var cols []string
	for _, c := range drafts[0].Conflicts {
		cols = append(cols, c.Column)
	}
	if d := cmp.Diff([]string{"product", "year", "evaluated_on", "council_level", "A1"}, cols); d != "" {
		t.Errorf("conflicts (-want +got):\n%s", d)
	}
}

func TestAFileWithoutItsKeyColumn(t *testing.T) {
	if drafts, c, err := ParseProducers(rowsOf("", []string{"display_name"}, []string{"HTX A"})); err != nil || len(drafts) != 0 || len(c) != 1 || c[0].Column != KeyUnitCode {
		t.Errorf("producers without unit_code: %v %v %v", drafts, c, err)
	}
	if drafts, c, err := ParseProducts(rowsOf("", []string{"display_name"}, []string{"Chè"}), testGroups); err != nil || len(drafts) != 0 || len(c) != 1 || c[0].Column != KeyProducer {
		t.Errorf("products without producer: %v %v %v", drafts, c, err)
	}
}

func TestPoints(t *testing.T) {
	for in, want := range map[string]float64{"6": 6, "5,5": 5.5, "5.5": 5.5, " 0 ": 0, "10": 10} {
		if got, ok := Points(in); !ok || got != want {
			t.Errorf("Points(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "-1", "1e2", "NaN", "1.2.3", "1,5.2", "Inf"} {
		if got, ok := Points(in); ok {
			t.Errorf("Points(%q) = %v, want refused", in, got)
		}
	}
}

func TestTemplatesOfferTheChoices(t *testing.T) {
	choices := func(cols []sheet.Column, key string) []string {
		for _, c := range cols {
			if c.Key == key {
				return c.Choices
			}
		}
		return nil
	}
	if got := choices(ProducerColumns(), KeyKind); len(got) != 4 || got[0] != "Hợp tác xã" {
		t.Errorf("kinds %v", got)
	}
	if got := choices(ProductColumns(testGroups), KeyProductGroup); !cmp.Equal(got, []string{"Thực phẩm", "Đồ uống"}) {
		t.Errorf("groups %v", got)
	}
	if got := choices(EvaluationColumns(testSheet), KeyCouncilLevel); !cmp.Equal(got, []string{"Cấp xã", "Cấp huyện", "Cấp tỉnh", "Trung ương"}) {
		t.Errorf("council levels %v", got)
	}
	for _, tpl := range []sheet.Template{ProducerTemplate(nil), ProductTemplate(testGroups, nil), EvaluationTemplate(testSheet, nil, "")} {
		if _, err := tpl.XLSX(); err != nil {
			t.Errorf("%s: %v", tpl.Sheet, err)
		}
	}
}

// FuzzParse reads any CSV text as each form: the parsers never panic,
// every draft is a row below the header with its message, and locating any
// violation names a column of the form (where an empty cell is, for a
// required field), or none.
func FuzzParse(f *testing.F) {
	f.Add("unit_code,display_name,kind,registered_on\n100,HTX,Hợp tác xã,15/03/2023\n")
	f.Add("producer;display_name;product_group\nproducers/1;Chè;Đồ uống\n")
	f.Add("product,evaluated_on,council_level,A1,B1\nproducts/1,2024-11-20,Cấp tỉnh,6,7\n")
	known := KnownEvaluationColumns([]Sheet{testSheet})
	vs := []fault.Violation{{Field: "scores[0].points"}, {Field: "scores[7]"}, {Field: "scores[x"}, {Field: "unit_code"}, {Field: "producer_id"}, {Field: "kind"}}
	check := func(t *testing.T, r importing.Row, cols []sheet.Column) {
		if r.Number < 2 {
			t.Fatalf("draft at row %d", r.Number)
		}
		for _, c := range r.Conflicts {
			if c.Column != "" && !slices.ContainsFunc(cols, func(col sheet.Column) bool { return col.Key == c.Column }) {
				t.Fatalf("conflict at column %q, which is none of the form's", c.Column)
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		rows, err := sheet.Read([]byte(text), sheet.Limits{MaxRows: 200, MaxCells: 2000}, "")
		if err != nil {
			return
		}
		if drafts, _, err := ParseProducers(rows); err == nil {
			for _, d := range drafts {
				d.Locate(vs)
				check(t, d.Row, ProducerColumns())
			}
		}
		if drafts, _, err := ParseProducts(rows, testGroups); err == nil {
			for _, d := range drafts {
				d.Locate(vs)
				check(t, d.Row, ProductColumns(testGroups))
			}
		}
		if drafts, _, err := ParseEvaluations(rows, known); err == nil {
			for _, d := range drafts {
				if d.Evaluation == nil {
					t.Fatal("a draft without its evaluation")
				}
				d.Locate(vs)
				check(t, d.Row, known)
			}
		}
	})
}
