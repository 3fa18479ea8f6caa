package server_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/grpctest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

const (
	village      = "1000"
	ward         = "200"
	village2016  = "NTM_VILLAGE_2016_2020"
	district2016 = "NTM_DISTRICT_2016_2020"
	district2021 = "NTM_DISTRICT_2021_2025"
	province2026 = "NTM_PROVINCE_2026_2030"
)

// metVerdicts is an assessment of unit on `on`, the set left to the
// server, meeting criteria 1..met of n and missing the rest.
func metVerdicts(unit, on string, met, n int) *criteriav1.Assessment {
	a := &criteriav1.Assessment{UnitCode: unit, AssessedOn: on, Author: author}
	for i := 1; i <= n; i++ {
		st := criteriav1.CriterionStatus_MET
		if i > met {
			st = notMet
		}
		a.Verdicts = append(a.Verdicts, &criteriav1.CriterionVerdict{CriterionCode: strconv.Itoa(i), Status: st})
	}
	return a
}

func TestAssessesEachTypeUnderItsSet(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name, unit, on string
		a              *criteriav1.Assessment
		set            string
		met, total     int32
	}{
		{"a village", village, "2020-06-01", metVerdicts(village, "2020-06-01", 12, 12), village2016, 12, 12},
		{"a district, by verdicts", district, "2019-06-01", metVerdicts(district, "2019-06-01", 7, 9), district2016, 7, 9},
		// The yes/no indicators of a district set take values as well as verdicts.
		{"a district, by values", district2, "2023-06-01", &criteriav1.Assessment{UnitCode: district2, AssessedOn: "2023-06-01", Author: author,
			Values: []*criteriav1.IndicatorValue{flag("1.1", true), flag("2.1", false)}}, district2021, 1, 9},
		{"a province", province, "2026-03-01", metVerdicts(province, "2026-03-01", 1, 1), province2026, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := e.assess(t, tc.a).GetScore()
			if s.GetCriteriaSet() != tc.set || s.GetMetCount() != tc.met || s.GetCriteriaCount() != tc.total || s.GetBand() != "" {
				t.Errorf("score of %s = %s %d/%d band %q; want %s %d/%d and no band (the set has none)", tc.unit, s.GetCriteriaSet(),
					s.GetMetCount(), s.GetCriteriaCount(), s.GetBand(), tc.set, tc.met, tc.total)
			}
		})
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		a     *criteriav1.Assessment
		field string
	}{
		{"a district after districts were abolished", metVerdicts(district, "2025-07-01", 9, 9), "assessment.assessed_on"},
		{"a village when no village set is in force", metVerdicts(village, "2026-03-01", 12, 12), "assessment.assessed_on"},
		{"a criterion the village set lacks", metVerdicts(village, "2020-06-01", 13, 13), "assessment.verdicts[12].criterion_code"},
		{"a district under a village set", func() *criteriav1.Assessment {
			a := metVerdicts(district, "2020-06-01", 9, 9)
			a.CriteriaSet = village2016
			return a
		}(), "assessment.criteria_set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.crit.CreateAssessment(ctx, &criteriav1.CreateAssessmentRequest{UnitCode: tc.a.GetUnitCode(), Assessment: tc.a})
			grpctest.WantViolations(t, err, tc.field)
		})
	}
}

func TestScoreOfADistrict(t *testing.T) {
	e := newEnv(t)
	e.assess(t, metVerdicts(district, "2021-06-01", 6, 9))
	e.assess(t, metVerdicts(district, "2023-06-01", 8, 9))
	e.assess(t, metVerdicts("100", "2023-06-01", 19, 19))
	if s := e.score(t, district, "2024-12-31", ""); s.GetCriteriaSet() != district2021 || s.GetMetCount() != 8 || s.GetAssessedOn() != "2023-06-01" {
		t.Errorf("score of the district = %s %d on %s; want %s 8 on 2023-06-01", s.GetCriteriaSet(), s.GetMetCount(), s.GetAssessedOn(), district2021)
	}
	if s := e.score(t, district, "2024-12-31", district2016); s.GetMetCount() != 6 || s.GetAssessedOn() != "2021-06-01" {
		t.Errorf("score under the earlier set = %d on %s; want 6 on 2021-06-01", s.GetMetCount(), s.GetAssessedOn())
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		req  *criteriav1.GetScoreRequest
		code codes.Code
		// field is the violation of an InvalidArgument.
		field string
	}{
		{"a commune set", &criteriav1.GetScoreRequest{UnitCode: district, AsOf: "2024-12-31", CriteriaSet: set2021}, codes.InvalidArgument, "criteria_set"},
		{"a ward", &criteriav1.GetScoreRequest{UnitCode: ward, AsOf: "2024-12-31"}, codes.InvalidArgument, "unit_code"},
		{"no district set in force", &criteriav1.GetScoreRequest{UnitCode: district, AsOf: "2025-07-01"}, codes.InvalidArgument, "as_of"},
		{"not assessed yet", &criteriav1.GetScoreRequest{UnitCode: district2, AsOf: "2024-12-31"}, codes.NotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.crit.GetScore(ctx, tc.req)
			if tc.field != "" {
				grpctest.WantViolations(t, err, tc.field)
				return
			}
			grpctest.WantCode(t, err, tc.code)
		})
	}
	// The aggregate stays commune figures under the commune set.
	agg := e.aggregate(t, &criteriav1.GetAggregateRequest{UnitCode: province, AsOf: "2024-12-31"})
	if agg.GetCriteriaSet() != set2021 || agg.GetAssessedCommunes() != 1 || agg.GetAverageMet() != 19 {
		t.Errorf("aggregate = %s, %d assessed, average %v; want %s, 1, 19", agg.GetCriteriaSet(), agg.GetAssessedCommunes(), agg.GetAverageMet(), set2021)
	}
	_, err := e.crit.GetAggregate(ctx, &criteriav1.GetAggregateRequest{UnitCode: province, AsOf: "2024-12-31", CriteriaSet: district2021})
	grpctest.WantViolations(t, err, "criteria_set")
}

func TestCriteriaSetsCarryUnitTypeAndLevels(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	list, err := e.crit.ListCriteriaSets(ctx, &criteriav1.ListCriteriaSetsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]registryv1.UnitType{}
	for _, s := range list.GetCriteriaSets() {
		types[s.GetId()] = s.GetUnitType()
		if len(s.GetLevels()) == 0 {
			t.Errorf("%s has no levels", s.GetId())
		}
	}
	for id, want := range map[string]registryv1.UnitType{set2016: registryv1.UnitType_COMMUNE, village2016: registryv1.UnitType_VILLAGE,
		district2021: registryv1.UnitType_DISTRICT, province2026: registryv1.UnitType_PROVINCE} {
		if types[id] != want {
			t.Errorf("%s: unit type %v, want %v", id, types[id], want)
		}
	}
	const (
		standard  = registryv1.RecognitionLevel_STANDARD
		advanced  = registryv1.RecognitionLevel_ADVANCED
		model     = registryv1.RecognitionLevel_MODEL
		completed = registryv1.RecognitionLevel_COMPLETED
	)
	d, err := e.crit.GetCriteriaSet(ctx, &criteriav1.GetCriteriaSetRequest{Id: district2021})
	if err != nil {
		t.Fatal(err)
	}
	want := &criteriav1.LevelRule{Level: standard, DisplayName: "Huyện đạt chuẩn nông thôn mới",
		UnitsType: registryv1.UnitType_COMMUNE, UnitsLevels: []registryv1.RecognitionLevel{standard, advanced, model}, UnitsMinPercent: 100,
		LegalBasis: []string{"320/QĐ-TTg", "18/2022/QĐ-TTg"}}
	if got := d.GetLevels()[0]; !proto.Equal(got, withoutNote(got, want)) {
		t.Errorf("district STANDARD = %v\nwant %v", got, want)
	}
	var levels []registryv1.RecognitionLevel
	for _, l := range d.GetLevels() {
		levels = append(levels, l.GetLevel())
	}
	if want := []registryv1.RecognitionLevel{standard, completed, advanced, model}; !slices.Equal(levels, want) {
		t.Errorf("district levels %v, want %v", levels, want)
	}
	c, err := e.crit.GetCriteriaSet(ctx, &criteriav1.GetCriteriaSetRequest{Id: set2021})
	if err != nil {
		t.Fatal(err)
	}
	if adv := c.GetLevels()[1]; adv.GetLevel() != advanced || !slices.Equal(adv.GetRequires(), []registryv1.RecognitionLevel{standard}) ||
		adv.GetUnitsMinPercent() != 0 || adv.GetConfirmed() || adv.GetDisplayName() != "Xã đạt chuẩn nông thôn mới nâng cao" {
		// Not confirmed: the advanced set of 318/QĐ-TTg Appendix II is not loaded.
		t.Errorf("commune ADVANCED = %v", adv)
	}
}

// withoutNote is want with got's note (the note is prose, checked elsewhere).
func withoutNote(got, want *criteriav1.LevelRule) *criteriav1.LevelRule {
	w := proto.CloneOf(want)
	w.Note = got.GetNote()
	return w
}

func TestListTargetKinds(t *testing.T) {
	a := newSQLiteAuthEnv(t)
	// Any authenticated caller reads the kinds; nobody else.
	_, err := a.crit.ListTargetKinds(context.Background(), &criteriav1.ListTargetKindsRequest{})
	grpctest.WantCode(t, err, codes.Unauthenticated)
	resp, err := a.crit.ListTargetKinds(a.as(t, communeOfficer), &criteriav1.ListTargetKindsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]*criteriav1.TargetKind{}
	for _, k := range resp.GetTargetKinds() {
		kinds[k.GetCode()] = k
	}
	if len(kinds) != 20 {
		t.Errorf("%d kinds, want 20", len(kinds))
	}
	for _, want := range []*criteriav1.TargetKind{
		{Code: "DISTRICTS_COMPLETED_NEW", ValueUnit: "huyện", Measure: criteriav1.TargetMeasure_RECOGNISED_IN_PERIOD, UnitType: registryv1.UnitType_DISTRICT,
			Levels: []registryv1.RecognitionLevel{registryv1.RecognitionLevel_STANDARD, registryv1.RecognitionLevel_COMPLETED}, Confirmed: true},
		{Code: "OCOP_3_STARS_TOTAL", ValueUnit: "sản phẩm", Measure: criteriav1.TargetMeasure_OCOP_CERTIFIED_TOTAL, MinStars: 3, Confirmed: true},
		{Code: "AVERAGE_VILLAGE_CRITERIA", ValueUnit: "tiêu chí/thôn", Measure: criteriav1.TargetMeasure_NOT_COMPUTED, Confirmed: true},
	} {
		got := proto.CloneOf(kinds[want.GetCode()])
		if got.GetDisplayName() == "" || got.GetNote() == "" {
			t.Errorf("%s: display name %q, note %q", want.GetCode(), got.GetDisplayName(), got.GetNote())
		}
		got.DisplayName, got.Note = "", ""
		if !proto.Equal(got, want) {
			t.Errorf("%s = %v\nwant %v", want.GetCode(), got, want)
		}
	}
}
