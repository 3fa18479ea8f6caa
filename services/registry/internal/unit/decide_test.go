package unit

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
)

// The sets of the decision tests: a commune set of 2016-2020 with three
// criteria and the levels in order, and a district set asking all communes.
var (
	communeSet = &CriteriaSet{
		Code: "NTM_COMMUNE_2016_2020", UnitType: Commune, Valid: date.Range{From: d("2016-12-01"), To: d("2021-01-01")},
		Criteria: []string{"1 Quy hoạch", "10 Thu nhập", "17 Môi trường"},
		Levels: []LevelRule{
			{Level: Standard},
			{Level: Advanced, Requires: []Level{Standard}},
			{Level: Model, Requires: []Level{Advanced}},
		},
	}
	districtSet = &CriteriaSet{
		Code: "NTM_DISTRICT_2016_2020", UnitType: District, Valid: date.Range{From: d("2016-12-01"), To: d("2021-01-01")},
		Criteria: []string{"1 Quy hoạch"},
		Levels:   []LevelRule{{Level: Standard, UnitsType: Commune, UnitsLevels: []Level{Standard, Advanced, Model}, UnitsMinPercent: 100}},
	}
	provincialSet = &CriteriaSet{
		Code: "NTM_COMMUNE_2016_2020_HB", UnitType: Commune, ProvinceCode: "17", Valid: communeSet.Valid,
		Criteria: communeSet.Criteria, Levels: communeSet.Levels,
	}
)

var (
	commune06002 = Subject{Exists: true, ProvinceCode: "19", Version: Version{Code: "06002", Type: Commune, Valid: date.Range{From: d("2008-01-01")}}}
	district170  = Subject{Exists: true, ProvinceCode: "19", Version: Version{Code: "170", Type: District, Valid: date.Range{From: d("2008-01-01")}}}
	ward200      = Subject{Exists: true, ProvinceCode: "19", Version: Version{Code: "200", Type: Ward, Valid: date.Range{From: d("2008-01-01")}}}
)

// allMet and short are scores of 06002 under communeSet.
var (
	allMet = &Score{Assessment: "units/06002/assessments/4", AssessedOn: d("2019-11-30"), CriteriaMet: 3, CriteriaCount: 3}
	short  = &Score{Assessment: "units/06002/assessments/4", AssessedOn: d("2019-11-30"), CriteriaMet: 1, CriteriaCount: 3,
		Unmet: []string{"10 Thu nhập", "17 Môi trường"}}
)

func ask(code string, level Level, on, set string) Recognition {
	return Recognition{UnitCode: code, Level: level, DecisionNumber: "2345/QĐ-UBND", Valid: date.Range{From: d(on)}, CriteriaSet: set, Year: d(on).Year()}
}

func recorded(id int64, level Level, from, to string) Recognition {
	r := ask("06002", level, from, communeSet.Code)
	r.ID, r.DecisionNumber = id, "DN-"+from
	if to != "" {
		r.Valid.To = d(to)
	}
	return r
}

func withOverride(r Recognition, reason string) Recognition {
	r.OverrideReason = reason
	return r
}

// Each refusal names its field (or the recognition in force) and says what
// is short, in words an office can act on.
func TestDecideRecognitionRefusals(t *testing.T) {
	standard := recorded(3, Standard, "2019-03-15", "")
	tests := []struct {
		name  string
		facts RecognitionFacts
		kind  fault.Kind
		field string // the violation's field, or the resource named by ALREADY_EXISTS
		says  []string
	}{
		{"unit missing on the date", RecognitionFacts{Request: ask("06002", Standard, "2019-12-20", communeSet.Code), Set: communeSet, Score: allMet},
			fault.KindInvalid, "unit_code", []string{"unit 06002 does not exist on 2019-12-20"}},
		{"unknown set", RecognitionFacts{Request: ask("06002", Standard, "2019-12-20", "NTM_2099"), Subject: commune06002},
			fault.KindInvalid, "recognition.criteria_set", []string{`no criteria set "NTM_2099"`}},
		{"commune set for a district", RecognitionFacts{Request: ask("170", Standard, "2019-12-20", communeSet.Code), Set: communeSet, Subject: district170},
			fault.KindInvalid, "recognition.criteria_set", []string{"assesses units of type COMMUNE", "unit 170 is a DISTRICT on 2019-12-20"}},
		{"a ward, which no set assesses", RecognitionFacts{Request: ask("200", Standard, "2019-12-20", communeSet.Code), Set: communeSet, Subject: ward200},
			fault.KindInvalid, "recognition.criteria_set", []string{"unit 200 is a WARD"}},
		{"another province's variant", RecognitionFacts{Request: ask("06002", Standard, "2019-12-20", provincialSet.Code), Set: provincialSet, Subject: commune06002, Score: allMet},
			fault.KindInvalid, "recognition.criteria_set", []string{"belongs to province 17; unit 06002 is in province 19"}},
		{"ADVANCED in 2026 under the 2016-2020 set", RecognitionFacts{Request: ask("06002", Advanced, "2026-03-01", communeSet.Code), Set: communeSet, Subject: commune06002,
			Recognitions: []Recognition{standard}, Score: allMet},
			fault.KindInvalid, "recognition.criteria_set", []string{"valid from 2016-12-01 until 2020-12-31, not on the effective date 2026-03-01"}},
		{"MODERN under a set that does not define it", RecognitionFacts{Request: ask("06002", Modern, "2019-12-20", communeSet.Code), Set: communeSet, Subject: commune06002, Score: allMet},
			fault.KindInvalid, "recognition.level", []string{"defines STANDARD, ADVANCED or MODEL, not MODERN"}},
		{"MODEL straight, nothing held", RecognitionFacts{Request: ask("06002", Model, "2019-12-20", communeSet.Code), Set: communeSet, Subject: commune06002, Score: allMet},
			fault.KindInvalid, "recognition.level", []string{"MODEL under NTM_COMMUNE_2016_2020 requires ADVANCED in force on 2019-12-20; unit 06002 holds none"}},
		{"MODEL on STANDARD alone", RecognitionFacts{Request: ask("06002", Model, "2019-12-20", communeSet.Code), Set: communeSet, Subject: commune06002, Score: allMet,
			Recognitions: []Recognition{standard}},
			fault.KindInvalid, "recognition.level", []string{"requires ADVANCED", "holds STANDARD"}},
		{"ADVANCED after STANDARD was revoked", RecognitionFacts{Request: ask("06002", Advanced, "2020-06-01", communeSet.Code), Set: communeSet, Subject: commune06002, Score: allMet,
			Recognitions: []Recognition{recorded(3, Standard, "2019-03-15", "2020-01-01")}},
			fault.KindInvalid, "recognition.level", []string{"requires STANDARD in force on 2020-06-01; unit 06002 holds none"}},
		{"ADVANCED before its STANDARD", RecognitionFacts{Request: ask("06002", Advanced, "2019-01-01", communeSet.Code), Set: communeSet, Subject: commune06002, Score: allMet,
			Recognitions: []Recognition{standard}},
			fault.KindInvalid, "recognition.level", []string{"requires STANDARD in force on 2019-01-01"}},
		{"a second STANDARD in force", RecognitionFacts{Request: ask("06002", Standard, "2019-12-20", communeSet.Code), Set: communeSet, Subject: commune06002, Score: allMet,
			Recognitions: []Recognition{standard}},
			fault.KindAlreadyExists, "units/06002/recognitions/3", []string{"unit 06002 already holds STANDARD from 2019-03-15"}},
		{"a STANDARD before one recorded later", RecognitionFacts{Request: ask("06002", Standard, "2018-12-20", communeSet.Code), Set: communeSet, Subject: commune06002, Score: allMet,
			Recognitions: []Recognition{standard}},
			fault.KindAlreadyExists, "units/06002/recognitions/3", []string{"already holds STANDARD"}},
		{"the same decision with another set", RecognitionFacts{Request: Recognition{UnitCode: "06002", Level: Standard, DecisionNumber: standard.DecisionNumber,
			Valid: standard.Valid, CriteriaSet: "NTM_COMMUNE_2021_2025", Year: 2019}, Set: communeSet, Subject: commune06002, Score: allMet,
			Recognitions: []Recognition{standard}},
			fault.KindAlreadyExists, "units/06002/recognitions/3", []string{"already recorded as units/06002/recognitions/3"}},
		{"criteria short", RecognitionFacts{Request: ask("06002", Standard, "2019-12-20", communeSet.Code), Set: communeSet, Subject: commune06002, Score: short},
			fault.KindInvalid, "recognition.override_reason", []string{"criteria not met on the assessment of 2019-11-30 (units/06002/assessments/4): 10 Thu nhập, 17 Môi trường"}},
		{"a blank override reason", RecognitionFacts{Request: withOverride(ask("06002", Standard, "2019-12-20", communeSet.Code), "  "), Set: communeSet, Subject: commune06002, Score: short},
			fault.KindInvalid, "recognition.override_reason", []string{"10 Thu nhập"}},
		{"no assessment", RecognitionFacts{Request: ask("06002", Standard, "2019-12-20", communeSet.Code), Set: communeSet, Subject: commune06002},
			fault.KindInvalid, "recognition.override_reason", []string{"unit 06002 has no assessment under NTM_COMMUNE_2016_2020 on or before 2019-12-20"}},
		{"communes short", RecognitionFacts{Request: ask("170", Standard, "2020-12-31", districtSet.Code), Set: districtSet, Subject: district170,
			Score: &Score{Assessment: "units/170/assessments/1", AssessedOn: d("2020-12-01"), CriteriaMet: 1, CriteriaCount: 1}, Units: UnitsTally{AtLevel: 4, Counted: 9}},
			fault.KindInvalid, "recognition.override_reason", []string{"4 of 9 communes under unit 170 hold STANDARD, ADVANCED or MODEL on 2020-12-31, the level asks 100%"}},
		{"no communes at all", RecognitionFacts{Request: ask("170", Standard, "2020-12-31", districtSet.Code), Set: districtSet, Subject: district170,
			Score: &Score{Assessment: "units/170/assessments/1", AssessedOn: d("2020-12-01"), CriteriaMet: 1, CriteriaCount: 1}},
			fault.KindInvalid, "recognition.override_reason", []string{"0 of 0 communes"}},
		{"criteria and communes short", RecognitionFacts{Request: ask("170", Standard, "2020-12-31", districtSet.Code), Set: districtSet, Subject: district170,
			Score: &Score{Assessment: "units/170/assessments/1", AssessedOn: d("2020-12-01"), CriteriaCount: 1, Unmet: []string{"1 Quy hoạch"}}, Units: UnitsTally{AtLevel: 8, Counted: 9}},
			fault.KindInvalid, "recognition.override_reason", []string{"criteria not met on the assessment of 2020-12-01 (units/170/assessments/1): 1 Quy hoạch", "8 of 9 communes"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecideRecognition(tc.facts)
			f, ok := fault.As(err)
			if !ok || f.Kind != tc.kind {
				t.Fatalf("DecideRecognition = %+v, %v; want a refusal of kind %d", got, err, tc.kind)
			}
			named := f.ResourceName
			if f.Kind == fault.KindInvalid {
				named = f.Violations[0].Field
			}
			if named != tc.field {
				t.Errorf("refusal names %q, want %q (%v)", named, tc.field, err)
			}
			for _, s := range tc.says {
				if !strings.Contains(f.Message, s) {
					t.Errorf("refusal %q does not say %q", f.Message, s)
				}
			}
		})
	}
}

// What is accepted is kept with the check it passed, or the override that
// let it through.
func TestDecideRecognitionAccepts(t *testing.T) {
	standard := recorded(3, Standard, "2019-03-15", "")
	advanced := recorded(4, Advanced, "2020-03-15", "")
	district := &Score{Assessment: "units/170/assessments/1", AssessedOn: d("2020-12-01"), CriteriaMet: 1, CriteriaCount: 1}
	tests := []struct {
		name  string
		facts RecognitionFacts
		want  Check
	}{
		{"STANDARD meeting every criterion", RecognitionFacts{Request: ask("06002", Standard, "2019-12-20", communeSet.Code), Set: communeSet, Subject: commune06002, Score: allMet},
			Check{Assessment: "units/06002/assessments/4", AssessedOn: d("2019-11-30"), CriteriaMet: 3, CriteriaCount: 3}},
		{"STANDARD again after the first was revoked", RecognitionFacts{Request: ask("06002", Standard, "2020-06-01", communeSet.Code), Set: communeSet, Subject: commune06002, Score: allMet,
			Recognitions: []Recognition{recorded(3, Standard, "2019-03-15", "2020-01-01")}},
			Check{Assessment: "units/06002/assessments/4", AssessedOn: d("2019-11-30"), CriteriaMet: 3, CriteriaCount: 3}},
		{"ADVANCED on STANDARD", RecognitionFacts{Request: ask("06002", Advanced, "2020-03-15", communeSet.Code), Set: communeSet, Subject: commune06002, Score: allMet,
			Recognitions: []Recognition{standard}},
			Check{Assessment: "units/06002/assessments/4", AssessedOn: d("2019-11-30"), CriteriaMet: 3, CriteriaCount: 3}},
		{"MODEL on ADVANCED", RecognitionFacts{Request: ask("06002", Model, "2020-10-01", communeSet.Code), Set: communeSet, Subject: commune06002, Score: allMet,
			Recognitions: []Recognition{standard, advanced}},
			Check{Assessment: "units/06002/assessments/4", AssessedOn: d("2019-11-30"), CriteriaMet: 3, CriteriaCount: 3}},
		{"criteria short, overridden", RecognitionFacts{Request: withOverride(ask("06002", Standard, "2019-12-20", communeSet.Code), "Quyết định của UBND tỉnh"), Set: communeSet,
			Subject: commune06002, Score: short},
			Check{Assessment: "units/06002/assessments/4", AssessedOn: d("2019-11-30"), CriteriaMet: 1, CriteriaCount: 3, Unmet: []string{"10 Thu nhập", "17 Môi trường"}}},
		{"no assessment, overridden: every criterion unmet", RecognitionFacts{Request: withOverride(ask("06002", Standard, "2019-12-20", communeSet.Code), "hồ sơ giấy"), Set: communeSet,
			Subject: commune06002},
			Check{CriteriaCount: 3, Unmet: communeSet.Criteria}},
		{"a district with all its communes", RecognitionFacts{Request: ask("170", Standard, "2020-12-31", districtSet.Code), Set: districtSet, Subject: district170,
			Score: district, Units: UnitsTally{AtLevel: 9, Counted: 9}},
			Check{Assessment: "units/170/assessments/1", AssessedOn: d("2020-12-01"), CriteriaMet: 1, CriteriaCount: 1, UnitsAtLevel: 9, UnitsCounted: 9, UnitsMinPercent: 100}},
		{"a district short of communes, overridden", RecognitionFacts{Request: withOverride(ask("170", Standard, "2020-12-31", districtSet.Code), "x"), Set: districtSet,
			Subject: district170, Score: district, Units: UnitsTally{AtLevel: 4, Counted: 9}},
			Check{Assessment: "units/170/assessments/1", AssessedOn: d("2020-12-01"), CriteriaMet: 1, CriteriaCount: 1, UnitsAtLevel: 4, UnitsCounted: 9, UnitsMinPercent: 100}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecideRecognition(tc.facts)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.facts.Request
			want.Check, want.UnitType = tc.want, tc.facts.Subject.Version.Type
			if got.Retry || !sameRecognition(got.Recognition, want) {
				t.Errorf("DecideRecognition = %+v, want %+v to be recorded", got, want)
			}
		})
	}
}

// A retry of a recorded decision gets the record back, whatever the facts
// say now (the first was checked when it was taken).
func TestDecideRecognitionRetry(t *testing.T) {
	first := recorded(3, Standard, "2019-03-15", "")
	first.Check = Check{Assessment: "units/06002/assessments/1", CriteriaMet: 3, CriteriaCount: 3}
	again := Recognition{UnitCode: "06002", Level: Standard, DecisionNumber: first.DecisionNumber, Valid: date.Range{From: first.Valid.From},
		CriteriaSet: first.CriteriaSet, Year: first.Year}
	got, err := DecideRecognition(RecognitionFacts{Request: again, Set: communeSet, Subject: commune06002, Score: short, Recognitions: []Recognition{first}})
	if err != nil || !got.Retry || !sameRecognition(got.Recognition, first) {
		t.Fatalf("retry = %+v, %v; want the first record, not a new one", got, err)
	}
}

func sameRecognition(a, b Recognition) bool { return reflect.DeepEqual(a, b) }

// A score is asked for only when the set fits the unit on the date; a set
// that does not fit is left to the decision (a refusal, or a retry's record).
func TestSetFits(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  Recognition
		set  *CriteriaSet
		subj Subject
		want bool
	}{
		{"a commune under the commune set", ask("06002", Standard, "2019-12-01", communeSet.Code), communeSet, commune06002, true},
		{"no set", ask("06002", Standard, "2019-12-01", "NTM_NONE"), nil, commune06002, false},
		{"a district under the commune set", ask("170", Standard, "2019-12-01", communeSet.Code), communeSet, district170, false},
		{"after the set", ask("06002", Standard, "2021-06-01", communeSet.Code), communeSet, commune06002, false},
		{"a level the set does not define", ask("06002", Modern, "2019-12-01", communeSet.Code), communeSet, commune06002, false},
		{"a unit missing on the date", ask("06002", Standard, "2019-12-01", communeSet.Code), communeSet, Subject{}, false},
	} {
		if got := SetFits(tc.req, tc.set, tc.subj); got != tc.want {
			t.Errorf("%s: SetFits = %v, want %v", tc.name, got, tc.want)
		}
	}
}
