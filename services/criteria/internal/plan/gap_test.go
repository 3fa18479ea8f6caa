package plan

import (
	"reflect"
	"testing"

	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

// fourCriteria is a set of four criteria, enough to show each status.
var fourCriteria = &catalog.Set{Code: "S", Criteria: []catalog.Criterion{
	{Code: "1", Name: "Quy hoạch"}, {Code: "2", Name: "Giao thông"}, {Code: "10", Name: "Thu nhập"}, {Code: "17", Name: "Môi trường"},
}}

func TestGapOfAnAssessedUnit(t *testing.T) {
	a := &Assessed{Name: "units/100/assessments/4", On: d("2020-10-31"), Criteria: []scoring.CriterionResult{
		{Code: "1", Status: scoring.Met},
		{Code: "2", Status: scoring.Met},
		{Code: "10", Status: scoring.NotMet},
		{Code: "17", Status: scoring.BasicallyMet},
	}}
	want := Gap{Assessment: "units/100/assessments/4", AssessedOn: d("2020-10-31"), Met: 2, Count: 4,
		Missing: []Criterion{{"10", "Thu nhập"}, {"17", "Môi trường"}}}
	if got := GapOf(fourCriteria, a); !reflect.DeepEqual(got, want) {
		t.Errorf("gap = %+v, want %+v (basically met is not met)", got, want)
	}
}

func TestGapOfAnUnassessedUnitIsEveryCriterion(t *testing.T) {
	want := Gap{Count: 4, Missing: []Criterion{{"1", "Quy hoạch"}, {"2", "Giao thông"}, {"10", "Thu nhập"}, {"17", "Môi trường"}}}
	if got := GapOf(fourCriteria, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("gap = %+v, want %+v", got, want)
	}
}

// A criterion the assessment holds no status for is missing, and one the
// set no longer has is not counted: met and missing add up to the set.
func TestGapFollowsTheSetNotTheAssessment(t *testing.T) {
	a := &Assessed{Name: "units/100/assessments/9", On: d("2020-10-31"), Criteria: []scoring.CriterionResult{
		{Code: "1", Status: scoring.Met}, {Code: "10", Status: scoring.Met}, {Code: "99", Status: scoring.Met},
	}}
	got := GapOf(fourCriteria, a)
	want := []Criterion{{"2", "Giao thông"}, {"17", "Môi trường"}}
	if got.Met != 2 || got.Count != 4 || !reflect.DeepEqual(got.Missing, want) {
		t.Errorf("gap = %+v, want 2 of 4 met, missing %+v", got, want)
	}
}
