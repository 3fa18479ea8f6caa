package server_test

import (
	"context"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/grpctest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

const (
	met          = criteriav1.CriterionStatus_MET
	basicallyMet = criteriav1.CriterionStatus_BASICALLY_MET
	notMet       = criteriav1.CriterionStatus_NOT_MET
)

// criterion returns the score of criterion code.
func criterion(t *testing.T, s *criteriav1.Score, code string) *criteriav1.CriterionScore {
	t.Helper()
	for _, c := range s.GetCriteria() {
		if c.GetCode() == code {
			return c
		}
	}
	t.Fatalf("score has no criterion %s", code)
	return nil
}

func (e *env) score(t *testing.T, unit, asOf, set string) *criteriav1.Score {
	t.Helper()
	s, err := e.crit.GetScore(context.Background(), &criteriav1.GetScoreRequest{UnitCode: unit, AsOf: asOf, CriteriaSet: set})
	if err != nil {
		t.Fatalf("score of %s as of %s: %v", unit, asOf, err)
	}
	return s
}

// valuesOf2020 are indicator values of a commune in mid-2020.
func valuesOf2020(unit, on string) *criteriav1.Assessment {
	return &criteriav1.Assessment{UnitCode: unit, AssessedOn: on, Author: author, Values: []*criteriav1.IndicatorValue{
		number("10.1", 34.5),                                       // income: TDMNPB needs 36 in 2020 (33 in 2019), DBSH 50
		number("5.1", 79.5),                                        // schools: 80 everywhere
		number("15.1", 90), flag("15.2", true), number("15.3", 25), // stunting: at most 26.7 in TDMNPB, 13.9 in DBSH
		flag("4.1", true), number("4.2", 98), // electricity: met
		number("17.1", 85), // environment: 8 of 9 indicators missing (17.1b is the clean-water share)
	}, Verdicts: []*criteriav1.CriterionVerdict{{CriterionCode: "1", Status: met}}}
}

func TestScoreFromValuesFollowsRegionAndYear(t *testing.T) {
	e := newEnv(t)
	got := e.assess(t, valuesOf2020("110", "2020-06-01")).GetScore()
	if got.GetCriteriaSet() != set2016 || got.GetMetCount() != 3 || got.GetCriteriaCount() != 19 || got.GetAllMet() || got.GetBand() != "<5" {
		t.Fatalf("score of 110 = %d/%d in %q under %s, want 3/19 in <5 under %s", got.GetMetCount(), got.GetCriteriaCount(), got.GetBand(), got.GetCriteriaSet(), set2016)
	}
	for code, want := range map[string]criteriav1.CriterionStatus{"1": met, "4": met, "15": met, "2": notMet, "5": notMet, "10": notMet, "17": notMet} {
		if c := criterion(t, got, code); c.GetStatus() != want {
			t.Errorf("criterion %s = %v (%s), want %v", code, c.GetStatus(), c.GetBasis(), want)
		}
	}
	wantGap := &criteriav1.IndicatorGap{IndicatorCode: "10.1", DisplayName: "Thu nhập bình quân đầu người khu vực nông thôn (triệu đồng/người)",
		Op: ">=", Threshold: 36, Value: 34.5, Unit: "million VND/person/year",
		Summary: "Thu nhập bình quân đầu người khu vực nông thôn (triệu đồng/người): 34,5 (yêu cầu ≥ 36 triệu đồng/người/năm)"}
	income := criterion(t, got, "10")
	if f := income.GetFailing(); len(f) != 1 || !proto.Equal(f[0], wantGap) || income.GetBasis() != "values" {
		t.Errorf("income: basis %q, gaps %v; want values, %v", income.GetBasis(), f, wantGap)
	}
	if f := criterion(t, got, "5").GetFailing(); len(f) != 1 || f[0].GetThreshold() != 80 || f[0].GetSummary() != "Tỷ lệ trường học các cấp có cơ sở vật chất và thiết bị dạy học đạt chuẩn quốc gia: 79,5 (yêu cầu ≥ 80%)" {
		t.Errorf("schools gap = %v", f)
	}
	env17 := criterion(t, got, "17")
	if len(env17.GetFailing()) != 0 || !slices.Equal(env17.GetMissing(), []string{"17.1b", "17.2", "17.3", "17.4", "17.5", "17.6", "17.7", "17.8"}) {
		t.Errorf("criterion 17 failing %v, missing %v", env17.GetFailing(), env17.GetMissing())
	}
	if c := criterion(t, got, "2"); c.GetBasis() != "none" || len(c.GetMissing()) != 4 {
		t.Errorf("criterion 2 without values: basis %q, missing %v", c.GetBasis(), c.GetMissing())
	}
	if c := criterion(t, got, "1"); c.GetBasis() != "verdict" {
		t.Errorf("criterion 1 basis %q, want verdict", c.GetBasis())
	}

	// The same values in the Red River Delta: income and stunting fail there.
	dbsh := e.assess(t, valuesOf2020("111", "2020-06-01")).GetScore()
	if dbsh.GetMetCount() != 2 {
		t.Errorf("111 (DBSH) met %d, want 2", dbsh.GetMetCount())
	}
	if f := criterion(t, dbsh, "10").GetFailing(); len(f) != 1 || f[0].GetThreshold() != 50 {
		t.Errorf("DBSH income gap = %v, want threshold 50", f)
	}
	if f := criterion(t, dbsh, "15").GetFailing(); len(f) != 1 || f[0].GetIndicatorCode() != "15.3" || f[0].GetOp() != "<=" || f[0].GetThreshold() != 13.9 || f[0].GetValue() != 25 {
		t.Errorf("DBSH stunting gap = %v", f)
	}

	// A year earlier the income threshold of TDMNPB was 33: 34.5 meets it.
	y2019 := e.assess(t, valuesOf2020("110", "2019-06-01")).GetScore()
	if c := criterion(t, y2019, "10"); c.GetStatus() != met || y2019.GetMetCount() != 4 {
		t.Errorf("110 in 2019: income %v, met %d; want MET, 4", c.GetStatus(), y2019.GetMetCount())
	}
}

func TestScoreByCommuneGroup(t *testing.T) {
	e := newEnv(t)
	on := "2026-03-01"
	for unit, want := range map[string]criteriav1.CriterionStatus{"110": met, "111": notMet} { // group 2 needs 90, group 1 needs 95
		s := e.assess(t, &criteriav1.Assessment{UnitCode: unit, AssessedOn: on, Author: author,
			Values: []*criteriav1.IndicatorValue{number("1.1", 92), number("1.2", 92)}}).GetScore()
		c := criterion(t, s, "1")
		if s.GetCriteriaSet() != set2026 || s.GetCriteriaCount() != 10 || c.GetStatus() != want {
			t.Errorf("%s: set %s, %d criteria, planning %v; want %s, 10, %v", unit, s.GetCriteriaSet(), s.GetCriteriaCount(), c.GetStatus(), set2026, want)
		}
		if want == notMet && (len(c.GetFailing()) != 2 || c.GetFailing()[0].GetThreshold() != 95) {
			t.Errorf("%s planning gaps = %v, want two under 95", unit, c.GetFailing())
		}
	}
}

func TestVerdictsAndHistory(t *testing.T) {
	e := newEnv(t)
	first := e.assess(t, verdicts("101", "2019-06-01", 12))
	e.assess(t, verdicts("101", "2020-06-01", 15))
	sameDay := e.assess(t, verdicts("101", "2020-06-01", 16)) // recorded later the same day: it counts
	e.assess(t, verdicts("101", "2021-06-01", 19))

	s := first.GetScore()
	if s.GetMetCount() != 12 || s.GetBand() != "10-14" || criterion(t, s, "13").GetStatus() != basicallyMet ||
		criterion(t, s, "14").GetStatus() != notMet || criterion(t, s, "14").GetBasis() != "none" || criterion(t, s, "12").GetBasis() != "verdict" {
		t.Fatalf("verdict score = %v", s)
	}
	for _, tc := range []struct {
		asOf, set string
		met       int32
		band      string
	}{
		{"2019-06-01", "", 12, "10-14"},
		{"2020-05-31", "", 12, "10-14"},
		{"2020-06-01", "", 16, "15-18"},
		{"2021-05-31", "", 16, "15-18"},
		{"2021-12-31", "", 19, "19"},
		{"2025-01-01", set2016, 19, "19"}, // a later date, the old set named
	} {
		got := e.score(t, "101", tc.asOf, tc.set)
		if got.GetMetCount() != tc.met || got.GetBand() != tc.band || got.GetAllMet() != (tc.met == 19) {
			t.Errorf("score as of %s = %d (%s, all met %v), want %d (%s)", tc.asOf, got.GetMetCount(), got.GetBand(), got.GetAllMet(), tc.met, tc.band)
		}
	}
	if got := e.score(t, "101", "2020-12-31", ""); got.GetAssessment() != sameDay.GetName() || got.GetAssessedOn() != "2020-06-01" {
		t.Errorf("score as of 2020-12-31 comes from %s, want %s", got.GetAssessment(), sameDay.GetName())
	}
	// A verdict decides its criterion even over failing values.
	a := verdicts("102", "2019-06-01", 10)
	a.Values = []*criteriav1.IndicatorValue{number("10.1", 1)}
	if c := criterion(t, e.assess(t, a).GetScore(), "10"); c.GetStatus() != met || c.GetBasis() != "verdict" {
		t.Errorf("verdict over values: %v (%s)", c.GetStatus(), c.GetBasis())
	}
	if n := len(e.listed(t, "101", "")); n != 4 {
		t.Errorf("101 lists %d assessments, want 4 (history is kept)", n)
	}
	for _, tc := range []struct{ unit, asOf, set string }{
		{"101", "2019-05-31", ""},      // before its first assessment
		{"104", "2021-07-01", ""},      // never assessed
		{"101", "2023-01-01", ""},      // nothing under the set in force then
		{"103", "2020-06-01", set2016}, // merged away
		{"999", "2020-06-01", ""},      // no such unit
	} {
		_, err := e.crit.GetScore(context.Background(), &criteriav1.GetScoreRequest{UnitCode: tc.unit, AsOf: tc.asOf, CriteriaSet: tc.set})
		if status.Code(err) != codes.NotFound {
			t.Errorf("score of %s as of %s: %v, want NotFound", tc.unit, tc.asOf, err)
		}
	}
	_, err := e.crit.GetScore(context.Background(), &criteriav1.GetScoreRequest{UnitCode: "101", AsOf: "2015-01-01"})
	grpctest.WantViolations(t, err, "as_of")
	_, err = e.crit.GetScore(context.Background(), &criteriav1.GetScoreRequest{UnitCode: "101", AsOf: "2020-01-01", CriteriaSet: "NOPE"})
	grpctest.WantViolations(t, err, "criteria_set")
}
