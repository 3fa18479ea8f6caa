package server_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/grpctest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

const (
	standardNew     = "COMMUNES_STANDARD_NEW"
	standardTotal   = "COMMUNES_STANDARD_TOTAL"
	standardPercent = "COMMUNES_STANDARD_PERCENT"
	advancedTotal   = "COMMUNES_ADVANCED_TOTAL"
	averageCriteria = "AVERAGE_CRITERIA"
)

func target(period, kind string, value float64) *criteriav1.Target {
	return &criteriav1.Target{Period: period, Kind: kind, Value: value, DecisionNumber: "12/KH-UBND", DecidedOn: "2021-01-14", Note: "Kế hoạch năm"}
}

func estimate(year int32, kind, on string, value float64) *criteriav1.Estimate {
	return &criteriav1.Estimate{Year: year, Kind: kind, EstimatedOn: on, Value: value, Note: "Dự ước đến hết năm"}
}

func (a *authEnv) setTarget(t *testing.T, unit string, x *criteriav1.Target) *criteriav1.Target {
	t.Helper()
	var ans answered
	out, err := a.crit.CreateTarget(a.admin(t), &criteriav1.CreateTargetRequest{UnitCode: unit, Target: x}, ans.option())
	if err != nil || !ans.created() {
		t.Fatalf("target %s %s of %s: %v (created %v), want 201", x.GetPeriod(), x.GetKind(), unit, err, ans.created())
	}
	return out
}

func (a *authEnv) estimate(t *testing.T, unit string, x *criteriav1.Estimate) *criteriav1.Estimate {
	t.Helper()
	var ans answered
	out, err := a.crit.CreateEstimate(a.admin(t), &criteriav1.CreateEstimateRequest{UnitCode: unit, Estimate: x}, ans.option())
	if err != nil || !ans.created() {
		t.Fatalf("estimate %d %s of %s on %s: %v (created %v), want 201", x.GetYear(), x.GetKind(), unit, x.GetEstimatedOn(), err, ans.created())
	}
	return out
}

// targetLines are targets as "period kind value", in the order given.
func targetLines(ts []*criteriav1.Target) []string {
	var out []string
	for _, x := range ts {
		out = append(out, fmt.Sprintf("%s %s %g", x.GetPeriod(), x.GetKind(), x.GetValue()))
	}
	return out
}

func TestTargets(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *authEnv) {
		ctx := a.admin(t)
		first := a.setTarget(t, province, target("2021", standardNew, 7))
		if first.GetName() != "units/19/targets/"+fmt.Sprint(first.GetId()) || first.GetUnitCode() != province || first.GetDecidedOn() != "2021-01-14" || first.GetCreateTime() == "" {
			t.Errorf("target = %v", first)
		}
		// A retry: the first record, 200, nothing written.
		var ans answered
		again, err := a.crit.CreateTarget(ctx, &criteriav1.CreateTargetRequest{UnitCode: province, Target: target("2021", standardNew, 7)}, ans.option())
		if err != nil || ans.created() || again.GetName() != first.GetName() {
			t.Errorf("retry = %v (%v, created %v), want %s with 200", again, err, ans.created(), first.GetName())
		}
		// Another value for the same unit, period and kind: 409 naming the first.
		_, err = a.crit.CreateTarget(ctx, &criteriav1.CreateTargetRequest{UnitCode: province, Target: target("2021", standardNew, 8)})
		wantAlreadyExists(t, err, first.GetName())

		phase := a.setTarget(t, province, target("2021-2025", standardPercent, 80))
		average := a.setTarget(t, province, &criteriav1.Target{Period: "2021", Kind: averageCriteria, Value: 13.25})
		if average.GetDecidedOn() != "" || average.GetValue() != 13.25 {
			t.Errorf("target without a decision date = %v", average)
		}
		earlier := a.setTarget(t, province, target("2020", standardNew, 5))
		ofDistrict := a.setTarget(t, district, target("2021", standardNew, 1))
		ofCountry := a.setTarget(t, "0", target("2021-2025", standardPercent, 80))
		// A commune merged away since set targets for the years it existed.
		merged := a.setTarget(t, "103", target("2016-2020", standardPercent, 100))

		for _, tc := range []struct {
			unit, period string
			want         []*criteriav1.Target
		}{
			{province, "", []*criteriav1.Target{earlier, average, first, phase}},
			{province, "2021", []*criteriav1.Target{average, first}},
			{province, "2021-2025", []*criteriav1.Target{phase}},
			{province, "2022", nil},
			{district, "", []*criteriav1.Target{ofDistrict}},
			{"0", "", []*criteriav1.Target{ofCountry}},
			{"103", "2016-2020", []*criteriav1.Target{merged}},
		} {
			resp, err := a.crit.ListTargets(ctx, &criteriav1.ListTargetsRequest{UnitCode: tc.unit, Period: tc.period})
			if err != nil {
				t.Fatalf("list targets of %s for %q: %v", tc.unit, tc.period, err)
			}
			if got, want := targetLines(resp.GetTargets()), targetLines(tc.want); !slices.Equal(got, want) {
				t.Errorf("targets of %s for %q = %q, want %q", tc.unit, tc.period, got, want)
			}
		}
		_, err = a.crit.ListTargets(ctx, &criteriav1.ListTargetsRequest{UnitCode: province, Period: "2021-H1"})
		grpctest.WantViolations(t, err, "period")
		_, err = a.crit.ListTargets(ctx, &criteriav1.ListTargetsRequest{UnitCode: province, Period: "năm 2021"})
		grpctest.WantViolations(t, err, "period")
		_, err = a.crit.ListTargets(ctx, &criteriav1.ListTargetsRequest{UnitCode: province, Period: "2017-2019"})
		grpctest.WantViolations(t, err, "period")
		if known := "2016-2020, 2021-2025, 2026-2030"; !strings.Contains(err.Error(), known) {
			t.Errorf("refusal of 2017-2019 = %v, want it to list the known phases %s", err, known)
		}
	})
}

// A kind counting recognitions of a type is set for a unit of that type
// (its own result) or above it: the whole country, a province, a district.
func TestTargetKindsFitTheUnit(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *authEnv) {
		for _, tc := range []struct{ unit, kind string }{
			{"0", "DISTRICTS_COMPLETED_TOTAL"},
			{province, "DISTRICTS_COMPLETED_NEW"},
			{district, "DISTRICTS_COMPLETED_NEW"},
			{district, "VILLAGES_STANDARD_NEW"},
			{"100", standardNew},
			{"100", "VILLAGES_MODEL_NEW"},
			{"1000", "VILLAGES_STANDARD_NEW"},
			{"1000", averageCriteria},
		} {
			a.setTarget(t, tc.unit, target("2021", tc.kind, 1))
		}
		a.estimate(t, "100", estimate(2020, standardNew, "2020-10-31", 1))
	})
}

// A list asked as of a day shows the plan known then: targets decided
// later are left out, targets without a decision date never are.
func TestTargetsAsKnownOnADay(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *authEnv) {
		ctx := a.admin(t)
		decided := func(period, kind string, value float64, on string) *criteriav1.Target {
			x := target(period, kind, value)
			x.DecidedOn = on
			return x
		}
		plan := a.setTarget(t, province, decided("2021", standardNew, 7, "2021-01-14"))
		raised := a.setTarget(t, province, decided("2021", advancedTotal, 9, "2021-07-01"))
		undated := a.setTarget(t, province, &criteriav1.Target{Period: "2021", Kind: averageCriteria, Value: 16})
		phase := a.setTarget(t, province, decided("2021-2025", standardPercent, 80, "2021-08-05"))
		for _, tc := range []struct {
			period, asOf string
			want         []*criteriav1.Target
		}{
			{"2021", "", []*criteriav1.Target{undated, raised, plan}},
			{"2021", "2021-01-13", []*criteriav1.Target{undated}},
			{"2021", "2021-01-14", []*criteriav1.Target{undated, plan}},
			{"2021", "2021-06-30", []*criteriav1.Target{undated, plan}},
			{"2021", "2021-12-31", []*criteriav1.Target{undated, raised, plan}},
			{"", "2021-06-30", []*criteriav1.Target{undated, plan}},
			{"2021-2025", "2021-08-05", []*criteriav1.Target{phase}},
		} {
			resp, err := a.crit.ListTargets(ctx, &criteriav1.ListTargetsRequest{UnitCode: province, Period: tc.period, AsOf: tc.asOf})
			if err != nil {
				t.Fatalf("targets of %q as of %q: %v", tc.period, tc.asOf, err)
			}
			if got, want := targetLines(resp.GetTargets()), targetLines(tc.want); !slices.Equal(got, want) {
				t.Errorf("targets of %q as of %q = %q, want %q", tc.period, tc.asOf, got, want)
			}
		}
		_, err := a.crit.ListTargets(ctx, &criteriav1.ListTargetsRequest{UnitCode: province, Period: "2021", AsOf: "2021-02-30"})
		grpctest.WantViolations(t, err, "as_of")
		_, err = a.crit.ListTargets(ctx, &criteriav1.ListTargetsRequest{UnitCode: province, AsOf: "30/06/2021"})
		grpctest.WantViolations(t, err, "as_of")
	})
}

// Every bad target is refused naming its field, and nothing is written.
func TestTargetRefusals(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *authEnv) {
		ctx := a.admin(t)
		tomorrow := date.Today().AddDays(1).String()
		with := func(change func(*criteriav1.Target)) *criteriav1.Target {
			x := target("2021", standardNew, 7)
			change(x)
			return x
		}
		for _, tc := range []struct {
			name   string
			unit   string
			x      *criteriav1.Target
			fields []string
		}{
			{"six months", province, target("2021-H1", standardNew, 7), []string{"target.period"}},
			{"a period that does not parse", province, target("2021/2025", standardNew, 7), []string{"target.period"}},
			{"a phase running backwards", province, target("2025-2021", standardNew, 7), []string{"target.period"}},
			{"a span the programme never had", province, target("2017-2019", standardNew, 7), []string{"target.period"}},
			{"two phases at once", province, target("2021-2030", standardNew, 7), []string{"target.period"}},
			{"no period", province, target("", standardNew, 7), []string{"target.period"}},
			{"a kind that does not exist", province, target("2021", "COMMUNES_HAPPY", 7), []string{"target.kind"}},
			{"a percentage above 100", province, target("2021-2025", standardPercent, 100.5), []string{"target.value"}},
			{"a negative value", province, target("2021", standardNew, -1), []string{"target.value"}},
			{"decided tomorrow", province, with(func(x *criteriav1.Target) { x.DecidedOn = tomorrow }), []string{"target.decided_on"}},
			{"a decision day that does not exist", province, with(func(x *criteriav1.Target) { x.DecidedOn = "2021-02-29" }), []string{"target.decided_on"}},
			{"the body names another unit", province, with(func(x *criteriav1.Target) { x.UnitCode = "170" }), []string{"target.unit_code"}},
			{"several things at once", province, with(func(x *criteriav1.Target) { x.Period, x.DecidedOn = "2021-H2", "2021-02-29" }),
				[]string{"target.period", "target.decided_on"}},
			{"a unit never on the map", "999", target("2021", standardNew, 7), []string{"unit_code"}},
			{"a commune not yet created in the period", "104", target("2020", standardNew, 7), []string{"unit_code"}},
			{"a district kind for a commune", "100", target("2021", "DISTRICTS_COMPLETED_NEW", 1), []string{"target.kind"}},
			{"a district kind for a village", "1000", target("2021", "DISTRICTS_COMPLETED_TOTAL", 1), []string{"target.kind"}},
			{"a district kind for a ward", "200", target("2021", "DISTRICTS_COMPLETED_NEW", 1), []string{"target.kind"}},
			{"a commune kind for a village", "1000", target("2021", standardNew, 1), []string{"target.kind"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := a.crit.CreateTarget(ctx, &criteriav1.CreateTargetRequest{UnitCode: tc.unit, Target: tc.x})
				grpctest.WantViolations(t, err, tc.fields...)
			})
		}
		for _, u := range []string{province, "170", "104", "999", "100", "1000", "200"} {
			resp, err := a.crit.ListTargets(ctx, &criteriav1.ListTargetsRequest{UnitCode: u})
			if err != nil || len(resp.GetTargets()) != 0 {
				t.Errorf("targets of %s after refusals: %v (%v)", u, resp.GetTargets(), err)
			}
		}
		if got := a.trail(t); len(got) != 0 {
			t.Errorf("refused requests left audit events %q", got)
		}
	})
}

func TestEstimates(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *authEnv) {
		ctx := a.admin(t)
		june := a.estimate(t, province, estimate(2020, standardTotal, "2020-06-30", 103))
		october := a.estimate(t, province, estimate(2020, standardTotal, "2020-10-31", 108))
		adv := a.estimate(t, province, estimate(2020, advancedTotal, "2020-11-15", 6))
		a.estimate(t, province, estimate(2021, standardTotal, "2020-12-20", 115)) // made for the next year
		if october.GetName() != "units/19/estimates/"+fmt.Sprint(october.GetId()) || october.GetYear() != 2020 || october.GetCreateTime() == "" {
			t.Errorf("estimate = %v", october)
		}
		var ans answered
		again, err := a.crit.CreateEstimate(ctx, &criteriav1.CreateEstimateRequest{UnitCode: province, Estimate: estimate(2020, standardTotal, "2020-10-31", 108)}, ans.option())
		if err != nil || ans.created() || again.GetName() != october.GetName() {
			t.Errorf("retry = %v (%v, created %v), want %s with 200", again, err, ans.created(), october.GetName())
		}
		_, err = a.crit.CreateEstimate(ctx, &criteriav1.CreateEstimateRequest{UnitCode: province, Estimate: estimate(2020, standardTotal, "2020-10-31", 107)})
		wantAlreadyExists(t, err, october.GetName())

		for _, tc := range []struct {
			asOf string
			want []*criteriav1.Estimate
		}{
			{"2020-06-29", nil},
			{"2020-06-30", []*criteriav1.Estimate{june}},
			{"2020-10-31", []*criteriav1.Estimate{october}},
			{"2020-12-31", []*criteriav1.Estimate{adv, october}},
			{"", []*criteriav1.Estimate{adv, october}}, // today
		} {
			resp, err := a.crit.ListEstimates(ctx, &criteriav1.ListEstimatesRequest{UnitCode: province, Year: 2020, AsOf: tc.asOf})
			if err != nil {
				t.Fatalf("estimates as of %q: %v", tc.asOf, err)
			}
			var got, want []string
			for _, x := range resp.GetEstimates() {
				got = append(got, x.GetName())
			}
			for _, x := range tc.want {
				want = append(want, x.GetName())
			}
			if !slices.Equal(got, want) {
				t.Errorf("estimates as of %q = %q, want %q", tc.asOf, got, want)
			}
		}
		_, err = a.crit.ListEstimates(ctx, &criteriav1.ListEstimatesRequest{UnitCode: province, Year: 2020, AsOf: "2020-02-30"})
		grpctest.WantViolations(t, err, "as_of")
	})
}

// Every bad estimate is refused naming its field, and nothing is written.
func TestEstimateRefusals(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *authEnv) {
		ctx := a.admin(t)
		tomorrow := date.Today().AddDays(1)
		for _, tc := range []struct {
			name   string
			unit   string
			x      *criteriav1.Estimate
			fields []string
		}{
			{"made after the year", province, estimate(2020, standardTotal, "2021-01-01", 108), []string{"estimate.estimated_on"}},
			{"made tomorrow", province, estimate(int32(tomorrow.Year()), standardTotal, tomorrow.String(), 108), []string{"estimate.estimated_on"}},
			{"a day that does not exist", province, estimate(2020, standardTotal, "2020-11-31", 108), []string{"estimate.estimated_on"}},
			{"a kind that does not exist", province, estimate(2020, "COMMUNES_HAPPY", "2020-10-31", 108), []string{"estimate.kind"}},
			{"a percentage above 100", province, estimate(2020, standardPercent, "2020-10-31", 175.5), []string{"estimate.value"}},
			{"no year", province, estimate(0, standardTotal, "2020-10-31", 108), []string{"estimate.year"}},
			{"a commune merged away by then", "103", estimate(2020, standardTotal, "2020-06-30", 1), []string{"unit_code"}},
			{"a district kind for a commune", "100", estimate(2020, "DISTRICTS_COMPLETED_TOTAL", "2020-06-30", 1), []string{"estimate.kind"}},
			{"the body names another unit", province, func() *criteriav1.Estimate {
				x := estimate(2020, standardTotal, "2020-10-31", 108)
				x.UnitCode = "170"
				return x
			}(), []string{"estimate.unit_code"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := a.crit.CreateEstimate(ctx, &criteriav1.CreateEstimateRequest{UnitCode: tc.unit, Estimate: tc.x})
				grpctest.WantViolations(t, err, tc.fields...)
			})
		}
		for _, u := range []string{province, "103", "100"} {
			for _, year := range []int32{2020, 2021, int32(tomorrow.Year())} {
				resp, err := a.crit.ListEstimates(ctx, &criteriav1.ListEstimatesRequest{UnitCode: u, Year: year, AsOf: "2999-12-31"})
				if err != nil || len(resp.GetEstimates()) != 0 {
					t.Errorf("estimates of %s for %d after refusals: %v (%v)", u, year, resp.GetEstimates(), err)
				}
			}
		}
		if got := a.trail(t); len(got) != 0 {
			t.Errorf("refused requests left audit events %q", got)
		}
	})
}
