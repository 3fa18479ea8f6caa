package server_test

import (
	"context"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/grpctest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/server"
)

func flag(code string, v bool) *criteriav1.IndicatorValue {
	return &criteriav1.IndicatorValue{IndicatorCode: code, Value: &criteriav1.IndicatorValue_Flag{Flag: v}}
}

func number(code string, v float64) *criteriav1.IndicatorValue {
	return &criteriav1.IndicatorValue{IndicatorCode: code, Value: &criteriav1.IndicatorValue_Number{Number: v}}
}

// good is a valid assessment of unit under set2016; change modifies it.
func good(unit string, change func(a *criteriav1.Assessment)) *criteriav1.Assessment {
	a := verdicts(unit, "2019-06-01", 10)
	if change != nil {
		change(a)
	}
	return a
}

// unitsOnFile are every unit of the test map, none of which a refused request may touch.
var unitsOnFile = []string{"100", "101", "102", "103", "104", "110", "111", "200", "1000", district, province}

func TestCreateAssessmentRefusesBadInputAndWritesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tomorrow := date.Today().AddDays(1).String()
	for _, tc := range []struct {
		name   string
		path   string // defaults to the body's unit
		a      *criteriav1.Assessment
		fields []string
	}{
		{"unknown indicator", "", good("100", func(a *criteriav1.Assessment) { a.Values = []*criteriav1.IndicatorValue{number("99.1", 50)} }),
			[]string{"assessment.values[0].indicator_code"}},
		{"unknown criterion", "", good("100", func(a *criteriav1.Assessment) {
			a.Verdicts = []*criteriav1.CriterionVerdict{{CriterionCode: "20", Status: criteriav1.CriterionStatus_MET}}
		}), []string{"assessment.verdicts[0].criterion_code"}},
		{"criterion given twice", "", good("100", func(a *criteriav1.Assessment) {
			a.Verdicts = append(a.Verdicts, &criteriav1.CriterionVerdict{CriterionCode: "1", Status: criteriav1.CriterionStatus_NOT_MET})
		}), []string{"assessment.verdicts[11].criterion_code"}},
		{"flag for a percent indicator", "", good("100", func(a *criteriav1.Assessment) { a.Values = []*criteriav1.IndicatorValue{flag("2.1", true)} }),
			[]string{"assessment.values[0]"}},
		{"number for a yes/no indicator", "", good("100", func(a *criteriav1.Assessment) {
			a.Values = []*criteriav1.IndicatorValue{number("2.1", 100), number("1.1", 1)}
		}), []string{"assessment.values[1]"}},
		{"percent over 100", "", good("100", func(a *criteriav1.Assessment) { a.Values = []*criteriav1.IndicatorValue{number("2.1", 100.5)} }),
			[]string{"assessment.values[0]"}},
		{"every bad value at once", "", good("100", func(a *criteriav1.Assessment) {
			a.Values = []*criteriav1.IndicatorValue{number("99.1", 1), flag("2.1", true)}
			a.Verdicts = []*criteriav1.CriterionVerdict{{CriterionCode: "0", Status: criteriav1.CriterionStatus_MET}}
		}), []string{"assessment.values[0].indicator_code", "assessment.values[1]", "assessment.verdicts[0].criterion_code"}},
		{"date outside the named set (before)", "", good("100", func(a *criteriav1.Assessment) { a.CriteriaSet = set2021 }),
			[]string{"assessment.assessed_on"}},
		{"date outside the named set (after its last day)", "", good("100", func(a *criteriav1.Assessment) { a.AssessedOn = "2022-03-08" }),
			[]string{"assessment.assessed_on"}},
		{"no set in force on the date", "", good("100", func(a *criteriav1.Assessment) { a.CriteriaSet, a.AssessedOn = "", "2015-06-01" }),
			[]string{"assessment.assessed_on"}},
		{"unknown criteria set", "", good("100", func(a *criteriav1.Assessment) { a.CriteriaSet = "NTM_COMMUNE_1999" }),
			[]string{"assessment.criteria_set"}},
		{"a ward", "", good("200", nil), []string{"assessment.unit_code"}},
		{"a village under a commune set", "", good("1000", nil), []string{"assessment.criteria_set"}},
		{"a district under a commune set", "", good(district, nil), []string{"assessment.criteria_set"}},
		{"a commune under a district set", "", good("100", func(a *criteriav1.Assessment) { a.CriteriaSet = "NTM_DISTRICT_2016_2020" }),
			[]string{"assessment.criteria_set"}},
		{"a commune merged away", "", good("103", func(a *criteriav1.Assessment) { a.AssessedOn = mergedAt }), []string{"assessment.unit_code"}},
		{"a commune not yet created", "", good("104", func(a *criteriav1.Assessment) { a.AssessedOn = "2021-05-31" }), []string{"assessment.unit_code"}},
		{"a unit that never existed", "", good("999", nil), []string{"assessment.unit_code"}},
		{"body unit differs from the path", "101", good("100", nil), []string{"assessment.unit_code"}},
		{"future date", "", good("100", func(a *criteriav1.Assessment) { a.AssessedOn, a.CriteriaSet = tomorrow, "" }), []string{"assessment.assessed_on"}},
		{"day that does not exist", "", good("100", func(a *criteriav1.Assessment) { a.AssessedOn = "2019-02-29" }), []string{"assessment.assessed_on"}},
		{"no values and no verdicts", "", good("100", func(a *criteriav1.Assessment) { a.Verdicts = nil }), []string{"assessment.values"}},
		{"no author", "", good("100", func(a *criteriav1.Assessment) { a.Author = "" }), []string{"assessment.author"}},
		{"verdict without a status", "", good("100", func(a *criteriav1.Assessment) { a.Verdicts[0].Status = 0 }), []string{"assessment.verdicts[0].status"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = tc.a.GetUnitCode()
			}
			_, err := e.crit.CreateAssessment(ctx, &criteriav1.CreateAssessmentRequest{UnitCode: path, Assessment: tc.a})
			grpctest.WantViolations(t, err, tc.fields...)
		})
	}
	_, err := e.crit.CreateAssessment(ctx, &criteriav1.CreateAssessmentRequest{UnitCode: "100"})
	grpctest.WantViolations(t, err, "assessment")

	for _, u := range unitsOnFile {
		if got := e.listed(t, u, ""); len(got) != 0 {
			t.Errorf("refused requests recorded assessments of %s: %v", u, got)
		}
	}
}

// Batches check their units against the registry one by one, or on the
// map of the date when they hold many (here: any) units of one date; both
// ways answer the same.
func TestBatchIsAllOrNothing(t *testing.T) {
	t.Run("units asked one by one", testBatchIsAllOrNothing)
	t.Run("units listed", func(t *testing.T) {
		defer server.SetListingMinUnits(1)()
		testBatchIsAllOrNothing(t)
	})
}

func testBatchIsAllOrNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		rows   []*criteriav1.Assessment
		fields []string
	}{
		{"one bad indicator among good rows", []*criteriav1.Assessment{
			good("100", nil),
			good("101", func(a *criteriav1.Assessment) { a.Values = []*criteriav1.IndicatorValue{number("99.1", 1)} }),
			good("102", nil),
		}, []string{"assessments[1].values[0].indicator_code"}},
		{"row without a unit", []*criteriav1.Assessment{good("100", nil), good("", nil)}, []string{"assessments[1].unit_code"}},
		{"bad rows reported in row order", []*criteriav1.Assessment{
			good("200", nil),
			good("100", nil),
			good("101", func(a *criteriav1.Assessment) { a.AssessedOn = "2019-13-01" }),
			good("102", func(a *criteriav1.Assessment) { a.Verdicts[0].CriterionCode = "42" }),
		}, []string{"assessments[0].unit_code", "assessments[2].assessed_on", "assessments[3].verdicts[0].criterion_code"}},
		{"same unit, one date before it existed", []*criteriav1.Assessment{
			good("104", func(a *criteriav1.Assessment) { a.AssessedOn = "2021-07-01" }),
			good("104", func(a *criteriav1.Assessment) { a.AssessedOn = "2021-01-01" }),
		}, []string{"assessments[1].unit_code"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.crit.BatchCreateAssessments(ctx, &criteriav1.BatchCreateAssessmentsRequest{Assessments: tc.rows})
			grpctest.WantViolations(t, err, tc.fields...)
		})
	}
	for _, u := range unitsOnFile {
		if got := e.listed(t, u, ""); len(got) != 0 {
			t.Errorf("refused batches recorded assessments of %s: %v", u, got)
		}
	}

	// The same rows, fixed, are recorded together and in order.
	resp, err := e.crit.BatchCreateAssessments(ctx, &criteriav1.BatchCreateAssessmentsRequest{Assessments: []*criteriav1.Assessment{
		good("100", nil), good("101", nil), good("104", func(a *criteriav1.Assessment) { a.AssessedOn = "2021-07-01" }),
	}})
	if err != nil {
		t.Fatal(err)
	}
	var units []string
	for _, a := range resp.GetAssessments() {
		units = append(units, a.GetUnitCode())
		if a.GetScore().GetMetCount() != 10 || a.GetScore().GetBand() != "10-14" {
			t.Errorf("%s scored %d (%s), want 10 (10-14)", a.GetName(), a.GetScore().GetMetCount(), a.GetScore().GetBand())
		}
	}
	if len(units) != 3 || units[0] != "100" || units[1] != "101" || units[2] != "104" {
		t.Fatalf("batch recorded %v", units)
	}
	if got := e.listed(t, "104", ""); len(got) != 1 {
		t.Fatalf("104 has %v", got)
	}
	// CreateAssessment takes the unit from the path when the body has none.
	a, err := e.crit.CreateAssessment(ctx, &criteriav1.CreateAssessmentRequest{UnitCode: "102", Assessment: good("", nil)})
	if err != nil || a.GetUnitCode() != "102" || a.GetScore().GetUnitCode() != "102" {
		t.Fatalf("assessment without a body unit: %v, %v", a, err)
	}
}
