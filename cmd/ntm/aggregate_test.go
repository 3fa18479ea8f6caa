package main

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

type aggregate struct {
	AsOf, CriteriaSet, CountMode string
	Communes, AssessedCommunes   int
	AverageMet                   float64
	Criteria                     []struct {
		Code             string
		Met, Denominator int
		Percent          float64
	}
	Bands []struct {
		Label    string
		Communes int
	}
	Below        []struct{ Criteria, Communes int }
	MetHistogram []int
	Recognitions []struct {
		Level                              string
		Units, FormerCommunes, Denominator int
		Percent                            float64
	}
}

func getAggregate(t *testing.T, base, query string) aggregate {
	t.Helper()
	var a aggregate
	getJSON(t, base+"/v1/units/19/aggregate?"+query, http.StatusOK, &a)
	return a
}

func metPerCriterion(a aggregate) []int {
	out := make([]int, len(a.Criteria))
	for i, c := range a.Criteria {
		out[i] = c.Met
	}
	return out
}

// The province figures of the demo as of the 2020 report, counted by hand
// from assessments.csv (the latest row of each of the 33 communes of
// 2020-10-31, Đ = met) and recognitions.json (in force on that day).
func TestDemoAggregateMatchesHandCount(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	a := getAggregate(t, base, "as_of=2020-10-31")
	wantMet := []int{33, 19, 33, 33, 23, 31, 33, 33, 33, 17, 21, 33, 17, 28, 32, 33, 15, 33, 33}
	if a.CriteriaSet != "NTM_COMMUNE_2016_2020" || a.Communes != 33 || a.AssessedCommunes != 33 {
		t.Fatalf("set %s, %d communes, %d assessed; want NTM_COMMUNE_2016_2020, 33, 33", a.CriteriaSet, a.Communes, a.AssessedCommunes)
	}
	if got := metPerCriterion(a); !slices.Equal(got, wantMet) {
		t.Errorf("communes meeting each criterion = %v, want %v", got, wantMet)
	}
	if a.Criteria[1].Denominator != 33 || a.Criteria[1].Percent != 57.58 {
		t.Errorf("Giao thông: %+v, want 19/33 = 57.58%%", a.Criteria[1])
	}
	if a.AverageMet != 16.15 {
		t.Errorf("average = %v, want 16.15 (533 criteria / 33 communes)", a.AverageMet)
	}
	// The 33 communes by criteria met: 06015 at 10, four at 12 ... twelve at 19.
	if want := []int{10: 1, 12: 4, 13: 3, 14: 3, 15: 4, 16: 1, 18: 5, 19: 12}; !slices.Equal(a.MetHistogram, want) {
		t.Errorf("communes by criteria met = %v, want %v", a.MetHistogram, want)
	}
	bands := []int{12, 10, 11, 0, 0} // 19 | 15-18 | 10-14 | 5-9 | <5
	for i, b := range a.Bands {
		if b.Communes != bands[i] {
			t.Errorf("band %s = %d communes, want %d", b.Label, b.Communes, bands[i])
		}
	}
	if len(a.Below) != 3 || a.Below[1].Criteria != 10 || a.Below[1].Communes != 0 || a.Below[2].Communes != 11 {
		t.Errorf("under N criteria = %+v, want none under 10 and 11 under 15", a.Below)
	}
	// Recognised by 2020-10-31: 05009, 06002, 07002, 07003 (2019) and 06003,
	// 06004, 06013 (2020); 05007 too, but it merged into 05004 on 2020-01-01.
	if r := a.Recognitions[0]; r.Level != "STANDARD" || r.Units != 7 || r.Denominator != 33 {
		t.Errorf("recognitions = %+v, want 7 of 33 standard", r)
	}
	// The whole country ("0") holds only the demo province.
	var country aggregate
	getJSON(t, base+"/v1/units/0/aggregate?as_of=2020-10-31", http.StatusOK, &country)
	if country.Communes != 33 || !slices.Equal(metPerCriterion(country), wantMet) || country.Recognitions[0].Units != 7 {
		t.Errorf("country: %d communes, met %v, %d recognised; want the province's figures", country.Communes, metPerCriterion(country), country.Recognitions[0].Units)
	}
	rep := getAggregate(t, base, "as_of=2020-10-31&count_mode=reported")
	if r := rep.Recognitions[0]; r.Units != 8 || r.FormerCommunes != 1 || r.Denominator != 34 || r.Percent != 23.53 {
		t.Errorf("reported recognitions = %+v, want 8 of 34 (23.53%%), 1 former commune", r)
	}
	// 2022: the 5 recognitions of December 2020 and the 5 of Phổ Yên in
	// September 2021 (07004-07007, 07009) are in force, 18 in all; 07002,
	// 07003 and 07004 have become wards and 05007 merged away: reports still
	// count those 4, over the 30 communes of the day plus them.
	rep = getAggregate(t, base, "as_of=2022-12-31&count_mode=reported")
	if r := rep.Recognitions[0]; r.Units != 18 || r.FormerCommunes != 4 || r.Denominator != 34 || r.Percent != 52.94 {
		t.Errorf("reported recognitions in 2022 = %+v, want 18 of 34 (52.94%%), 4 former communes", r)
	}
}

// Posting an assessment that flips a criterion changes the next read at once,
// although the previous answer was cached.
func TestAssessmentFlipsTheNextAggregate(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	before := getAggregate(t, base, "as_of=2020-10-31")
	if before.Criteria[16].Met != 15 {
		t.Fatalf("criterion 17 before = %d, want 15", before.Criteria[16].Met)
	}
	// Sơn Phú (05010) on 2020-10-31: ĐĐĐĐCĐĐĐĐBCĐĐĐĐĐCĐĐ (15 met). A
	// correction recorded later the same day has criterion 17 met.
	body := `{"assessedOn":"2020-10-31","author":"Văn phòng Điều phối NTM huyện Định Hóa","verdicts":[` + verdicts("ĐĐĐĐCĐĐĐĐBCĐĐĐĐĐĐĐĐ") + `]}`
	postJSON(t, base+"/v1/units/05010/assessments", body, http.StatusCreated, nil)
	after := getAggregate(t, base, "as_of=2020-10-31")
	if after.Criteria[16].Met != before.Criteria[16].Met+1 {
		t.Errorf("criterion 17 after = %d, want %d", after.Criteria[16].Met, before.Criteria[16].Met+1)
	}
	if after.AverageMet != 16.18 || after.Bands[1].Communes != 10 {
		t.Errorf("average %v, band 15-18 %d communes; want 16.18 (534/33), still 10", after.AverageMet, after.Bands[1].Communes)
	}
	// An earlier date does not see it: the 2019 assessments count then.
	if old := getAggregate(t, base, "as_of=2020-10-30"); old.Criteria[16].Met != 10 {
		t.Errorf("criterion 17 on 2020-10-30 = %d, want 10", old.Criteria[16].Met)
	}
}

// verdicts turns a row of the demo's status table into JSON verdicts.
func verdicts(statuses string) string {
	status := map[rune]string{'Đ': "MET", 'C': "NOT_MET", 'B': "BASICALLY_MET"}
	var parts []string
	i := 0
	for _, r := range statuses {
		i++
		parts = append(parts, `{"criterionCode":"`+strconv.Itoa(i)+`","status":"`+status[r]+`"}`)
	}
	return strings.Join(parts, ",")
}
