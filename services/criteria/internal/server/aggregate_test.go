package server_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/grpctest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// run says that criteria up to `through` (from the end of the previous run)
// are met by `met` communes, which is `percent` of the denominator.
type run struct {
	through, met int32
	percent      float64
}

// wantAggregate are hand-counted figures. bands, below and recs are written
// as the check prints them: recs are the tallies STANDARD, ADVANCED, MODEL
// as "LEVEL:units/former/denominator/percent" (every date is before the
// 2026-2030 phase, whose MODERN level is then no row).
type wantAggregate struct {
	communes, assessed int32
	denominator        int32
	criteria           []run
	average            float64
	bands              string // "19:1 15-18:0 ..." in set order
	below              string // "5:1 10:1 15:2"
	recs               string
}

func check(t *testing.T, got *criteriav1.Aggregate, w wantAggregate) {
	t.Helper()
	if got.GetCommunes() != w.communes || got.GetAssessedCommunes() != w.assessed || got.GetAverageMet() != w.average {
		t.Errorf("%s as of %s (%s): communes %d, assessed %d, average %v; want %d, %d, %v", got.GetUnitCode(), got.GetAsOf(), got.GetCountMode(),
			got.GetCommunes(), got.GetAssessedCommunes(), got.GetAverageMet(), w.communes, w.assessed, w.average)
	}
	tallies := got.GetCriteria()
	n := int(w.criteria[len(w.criteria)-1].through)
	if len(tallies) != n {
		t.Fatalf("%d criteria tallies, want %d", len(tallies), n)
	}
	i := 0
	for _, r := range w.criteria {
		for ; i < int(r.through); i++ {
			tally := tallies[i]
			if tally.GetCode() != fmt.Sprint(i+1) || tally.GetMet() != r.met || tally.GetDenominator() != w.denominator || tally.GetPercent() != r.percent {
				t.Errorf("criterion %s: %d/%d = %v%%, want criterion %d: %d/%d = %v%%", tally.GetCode(), tally.GetMet(), tally.GetDenominator(), tally.GetPercent(), i+1, r.met, w.denominator, r.percent)
			}
		}
	}
	var bands, below, recs []string
	for _, b := range got.GetBands() {
		bands = append(bands, fmt.Sprintf("%s:%d", b.GetLabel(), b.GetCommunes()))
	}
	for _, b := range got.GetBelow() {
		below = append(below, fmt.Sprintf("%d:%d", b.GetCriteria(), b.GetCommunes()))
	}
	for _, r := range got.GetRecognitions() {
		recs = append(recs, fmt.Sprintf("%s:%d/%d/%d/%v", r.GetLevel(), r.GetUnits(), r.GetFormerCommunes(), r.GetDenominator(), r.GetPercent()))
	}
	for _, f := range []struct{ name, got, want string }{
		{"bands", strings.Join(bands, " "), w.bands}, {"below", strings.Join(below, " "), w.below}, {"recognitions", strings.Join(recs, " "), w.recs},
	} {
		if f.got != f.want {
			t.Errorf("%s of %s as of %s (%s) = %q, want %q", f.name, got.GetUnitCode(), got.GetAsOf(), got.GetCountMode(), f.got, f.want)
		}
	}
}

// seedAssessments records verdict-only assessments: met counts 100:19,
// 101:12, 102:3, 103:16 (before it merged), 110:8; 104 and 111 are never assessed.
func (e *env) seedAssessments(t *testing.T) {
	t.Helper()
	var rows []*criteriav1.Assessment
	for _, a := range []struct {
		unit string
		met  int
	}{{"100", 19}, {"101", 12}, {"102", 3}, {"103", 16}, {"110", 8}} {
		rows = append(rows, verdicts(a.unit, "2019-06-01", a.met))
	}
	if _, err := e.crit.BatchCreateAssessments(context.Background(), &criteriav1.BatchCreateAssessmentsRequest{Assessments: rows}); err != nil {
		t.Fatal(err)
	}
}

func recsOf(standard string, denominator int, pct string) string {
	zero := fmt.Sprintf("0/0/%d/0", denominator)
	return fmt.Sprintf("STANDARD:%s/%d/%s ADVANCED:%s MODEL:%s", standard, denominator, pct, zero, zero)
}

func TestAggregates(t *testing.T) {
	e := newEnv(t)
	e.seedAssessments(t)
	beforeMerger := wantAggregate{communes: 4, assessed: 4, denominator: 4,
		criteria: []run{{3, 4, 100}, {12, 3, 75}, {16, 2, 50}, {19, 1, 25}}, average: 12.5,
		bands: "19:1 15-18:1 10-14:1 5-9:0 <5:1", below: "5:1 10:1 15:2", recs: recsOf("2/0", 4, "50")}
	afterMerger := wantAggregate{communes: 3, assessed: 3, denominator: 3,
		criteria: []run{{3, 3, 100}, {12, 2, 66.67}, {19, 1, 33.33}}, average: 11.33,
		bands: "19:1 15-18:0 10-14:1 5-9:0 <5:1", below: "5:1 10:1 15:2", recs: recsOf("1/0", 3, "33.33")}
	// In "reported" mode 103, recognised and then merged away, stays in the recognitions' denominator.
	afterMergerReported := afterMerger
	afterMergerReported.recs = recsOf("2/1", 4, "50")
	// 104 exists from 2021-06-01 but is not assessed: per-criterion denominators count it, the average does not.
	with104 := afterMerger
	with104.communes, with104.denominator = 4, 4
	with104.criteria = []run{{3, 3, 75}, {12, 2, 50}, {19, 1, 25}}
	with104.recs = recsOf("1/0", 4, "25")
	// The province adds 110 (8 met) and 111 (not assessed).
	provinceAfter := wantAggregate{communes: 5, assessed: 4, denominator: 5,
		criteria: []run{{3, 4, 80}, {8, 3, 60}, {12, 2, 40}, {19, 1, 20}}, average: 10.5,
		bands: "19:1 15-18:0 10-14:1 5-9:1 <5:1", below: "5:1 10:2 15:3", recs: recsOf("1/0", 5, "20")}
	provinceReported := provinceAfter
	provinceReported.recs = recsOf("2/1", 6, "33.33")
	commune100 := wantAggregate{communes: 1, assessed: 1, denominator: 1, criteria: []run{{19, 1, 100}}, average: 19,
		bands: "19:1 15-18:0 10-14:0 5-9:0 <5:0", below: "5:0 10:0 15:0", recs: recsOf("1/0", 1, "100")}
	// Under the 2021-2025 set nothing is assessed; 104 exists by 2023.
	unassessed := wantAggregate{communes: 4, denominator: 4, criteria: []run{{19, 0, 0}},
		bands: "19:0 15-18:0 10-14:0 5-9:0 <5:0", below: "5:0 10:0 15:0", recs: recsOf("1/0", 4, "25")}

	for _, tc := range []struct {
		unit, asOf, set, mode string
		want                  wantAggregate
	}{
		{district, "2019-12-31", "", "", beforeMerger},
		{district, "2019-12-31", "", "reported", beforeMerger},
		{district, "2020-10-31", "", "", afterMerger},
		{district, "2020-10-31", set2016, "current", afterMerger},
		{district, "2020-10-31", "", "reported", afterMergerReported},
		{district, "2021-07-01", "", "", with104},
		{province, "2020-10-31", "", "", provinceAfter},
		{province, "2020-10-31", "", "reported", provinceReported},
		{"0", "2020-10-31", "", "", provinceAfter}, // the whole country: one province here
		{"0", "2020-10-31", "", "reported", provinceReported},
		{"100", "2020-10-31", "", "", commune100},
		{district, "2023-01-01", set2021, "", unassessed},
	} {
		t.Run(fmt.Sprintf("%s %s %s %s", tc.unit, tc.asOf, tc.set, tc.mode), func(t *testing.T) {
			got := e.aggregate(t, &criteriav1.GetAggregateRequest{UnitCode: tc.unit, AsOf: tc.asOf, CriteriaSet: tc.set, CountMode: tc.mode})
			wantSet := tc.set
			if wantSet == "" {
				wantSet = set2016
			}
			wantMode := tc.mode
			if wantMode == "" {
				wantMode = "current"
			}
			if got.GetUnitCode() != tc.unit || got.GetAsOf() != tc.asOf || got.GetCriteriaSet() != wantSet || got.GetCountMode() != wantMode || got.GetComputedAt() == "" {
				t.Errorf("aggregate header = %s %s %s %s %q", got.GetUnitCode(), got.GetAsOf(), got.GetCriteriaSet(), got.GetCountMode(), got.GetComputedAt())
			}
			check(t, got, tc.want)
		})
	}
	if got := e.aggregate(t, &criteriav1.GetAggregateRequest{UnitCode: district, AsOf: "2020-10-31"}); !slices.Equal(
		[]string{got.GetCriteria()[0].GetDisplayName(), got.GetCriteria()[18].GetDisplayName()}, []string{"Quy hoạch", "Quốc phòng và An ninh"}) {
		t.Errorf("criterion names %q … %q", got.GetCriteria()[0].GetDisplayName(), got.GetCriteria()[18].GetDisplayName())
	}
}

func TestAggregateRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		req   *criteriav1.GetAggregateRequest
		field string
	}{
		{&criteriav1.GetAggregateRequest{UnitCode: "200", AsOf: "2020-10-31"}, "unit_code"},  // a ward
		{&criteriav1.GetAggregateRequest{UnitCode: "1000", AsOf: "2020-10-31"}, "unit_code"}, // a village
		{&criteriav1.GetAggregateRequest{UnitCode: district, AsOf: "2015-10-31"}, "as_of"},   // no set in force
		{&criteriav1.GetAggregateRequest{UnitCode: district, AsOf: "2020-10-31", CriteriaSet: set2021}, "as_of"},
		{&criteriav1.GetAggregateRequest{UnitCode: district, AsOf: "2020-10-31", CriteriaSet: "NOPE"}, "criteria_set"},
		{&criteriav1.GetAggregateRequest{UnitCode: district, AsOf: "2020-10-31", CountMode: "all"}, "count_mode"},
		{&criteriav1.GetAggregateRequest{UnitCode: district, AsOf: "31/10/2020"}, "as_of"},
	} {
		_, err := e.crit.GetAggregate(ctx, tc.req)
		grpctest.WantViolations(t, err, tc.field)
	}
	for _, req := range []*criteriav1.GetAggregateRequest{
		{UnitCode: "999", AsOf: "2020-10-31"},
		{UnitCode: "103", AsOf: "2020-10-31"}, // merged away
	} {
		if _, err := e.crit.GetAggregate(ctx, req); status.Code(err) != codes.NotFound {
			t.Errorf("aggregate of %s: %v, want NotFound", req.GetUnitCode(), err)
		}
	}
}
