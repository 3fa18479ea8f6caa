package trend

import (
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/period"
	"github.com/ntmsuite/ntm/services/criteria/catalogs"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

const (
	set2016 = "NTM_COMMUNE_2016_2020"
	set2021 = "NTM_COMMUNE_2021_2025"
	set2026 = "NTM_COMMUNE_2026_2030"
)

func shipped(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Load(catalogs.FS)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readings(t *testing.T, c *catalog.Catalog, from, to string) []Reading {
	t.Helper()
	src, _ := c.Set(from)
	dst, _ := c.Set(to)
	rs, err := Readings(c, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(dst.Criteria) {
		t.Fatalf("%d readings for %d criteria", len(rs), len(dst.Criteria))
	}
	return rs
}

// statuses parses "ĐĐBC…" as the demo data and the office forms write them:
// Đ met, B basically met, C not met, - not recorded.
func statuses(s string) []scoring.Status {
	var out []scoring.Status
	for _, r := range s {
		out = append(out, map[rune]scoring.Status{'Đ': scoring.Met, 'B': scoring.BasicallyMet, 'C': scoring.NotMet, '-': 0}[r])
	}
	return out
}

func TestReadingsOfTheTargetSetAreItsOwnStatuses(t *testing.T) {
	c := shipped(t)
	rs := readings(t, c, set2026, set2026)
	st := statuses("ĐCBĐ-ĐĐĐĐĐ")
	want := []Verdict{Met, NotMet, NotMet, Met, Unknown, Met, Met, Met, Met, Met}
	for i, r := range rs {
		if r.Missing || !r.Confirmed || r.Approximate {
			t.Errorf("%s: %+v, want its own status, confirmed", r.Code, r)
		}
		if got := r.Of(st); got != want[i] {
			t.Errorf("%s = %v, want %v", r.Code, got, want[i])
		}
	}
}

func TestReadings2021OntoThe2026Set(t *testing.T) {
	c := shipped(t)
	rs := readings(t, c, set2021, set2026)
	// Infrastructure (2026 criterion 2) is all of 2, 3, 4, 5, 6, 7 and 9.
	all := statuses("ĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐ")
	if rs[1].Of(all) != Met {
		t.Errorf("2 with every criterion met = %v", rs[1].Of(all))
	}
	noHousing := statuses("ĐĐĐĐĐĐĐĐBĐĐĐĐĐĐĐĐĐĐ")
	if rs[1].Of(noHousing) != NotMet {
		t.Errorf("2 with housing (9) basically met = %v, want not met: cơ bản đạt is not đạt", rs[1].Of(noHousing))
	}
	// Criterion 8 (post, telecom) does not stand for 2026 criterion 2.
	noTelecom := statuses("ĐĐĐĐĐĐĐCĐĐĐĐĐĐĐĐĐĐĐ")
	if rs[1].Of(noTelecom) != Met {
		t.Errorf("2 with only 8 not met = %v", rs[1].Of(noTelecom))
	}
	// Science, technology and digital transformation has no counterpart.
	if r := rs[6]; !r.Missing || r.Of(all) != Unknown || r.Confirmed {
		t.Errorf("7 = %+v, want missing", r)
	}
	for _, r := range rs {
		if r.Confirmed {
			t.Errorf("%s is confirmed; the 2021 -> 2026 crosswalk is a proposal", r.Code)
		}
	}
	if !rs[5].Approximate || rs[0].Approximate {
		t.Errorf("6 approximate %v (partly), 1 approximate %v (all_of)", rs[5].Approximate, rs[0].Approximate)
	}
}

func TestReadings2016OntoThe2026SetGoThroughThe2021Set(t *testing.T) {
	c := shipped(t)
	rs := readings(t, c, set2016, set2026)
	// 2026 criterion 4 is 2021 criterion 12 (trained labour), which is
	// 2016 criterion 14 (its indicator 14.3); 2016 criterion 12 plays no part.
	st := statuses("ĐĐĐĐĐĐĐĐĐĐĐCĐĐĐĐĐĐĐ")
	if rs[3].Of(st) != Met {
		t.Errorf("4 from 2016 with 12 not met and 14 met = %v, want met", rs[3].Of(st))
	}
	st = statuses("ĐĐĐĐĐĐĐĐĐĐĐĐĐCĐĐĐĐĐ")
	if rs[3].Of(st) != NotMet || !rs[3].Approximate {
		t.Errorf("4 from 2016 with 14 not met = %v (approximate %v), want not met, approximate", rs[3].Of(st), rs[3].Approximate)
	}
	// Infrastructure: 2021 criterion 3 is 2016 criterion 3 only partly.
	if r := rs[1]; r.Missing || !r.Approximate || r.Confirmed {
		t.Errorf("2 from 2016 = %+v, want approximate and unconfirmed", r)
	}
	if !rs[6].Missing {
		t.Errorf("7 from 2016 is not missing")
	}
}

func TestReadingsNeedACrosswalk(t *testing.T) {
	c := shipped(t)
	newer, _ := c.Set(set2026)
	older, _ := c.Set(set2016)
	if _, err := Readings(c, newer, older); err == nil || !strings.Contains(err.Error(), "no crosswalk") {
		t.Errorf("2026 onto 2016: %v, want no crosswalk", err)
	}
}

func TestRules(t *testing.T) {
	met, not, unknown := expr{leaf: 0}, expr{leaf: 1}, expr{leaf: 2}
	st := statuses("ĐC-")
	for _, tt := range []struct {
		e    expr
		want Verdict
	}{
		{expr{rule: catalog.RuleAllOf, kids: []expr{met, met}}, Met},
		{expr{rule: catalog.RuleAllOf, kids: []expr{met, not}}, NotMet},
		{expr{rule: catalog.RuleAllOf, kids: []expr{met, unknown}}, Unknown},
		{expr{rule: catalog.RuleAllOf, kids: []expr{not, unknown}}, NotMet},
		{expr{rule: catalog.RulePartly, kids: []expr{met, not}}, NotMet},
		{expr{rule: catalog.RuleAnyOf, kids: []expr{not, met}}, Met},
		{expr{rule: catalog.RuleAnyOf, kids: []expr{not, not}}, NotMet},
		{expr{rule: catalog.RuleAnyOf, kids: []expr{not, unknown}}, Unknown},
		{expr{rule: catalog.RuleAnyOf, kids: []expr{unknown, met}}, Met},
		{expr{leaf: 7}, Unknown}, // a status the assessment does not hold
	} {
		if got := tt.e.eval(st); got != tt.want {
			t.Errorf("%+v = %v, want %v", tt.e, got, tt.want)
		}
	}
}

func TestCount(t *testing.T) {
	c := shipped(t)
	rs := readings(t, c, set2021, set2026)
	states := []scoring.CommuneState{
		{Code: "a", Statuses: statuses("ĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐ")},
		{Code: "b", Statuses: statuses("ĐCĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐ")},
		{Code: "c", Statuses: statuses("ĐĐ-ĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐ")}, // 3 not recorded: 2 cannot be told
		{Code: "d"}, // not assessed
	}
	pts := Count(rs, states)
	if p := pts[0]; p.Met != 3 || p.Assessed != 3 || p.Missing() {
		t.Errorf("1 = %+v, want 3 of 3", p)
	}
	if p := pts[1]; p.Met != 1 || p.Assessed != 2 {
		t.Errorf("2 = %+v, want 1 of 2 (c cannot be told)", p)
	}
	if p := pts[6]; p.Gap != NoCounterpart || p.Met != 0 {
		t.Errorf("7 = %+v, want missing: no counterpart", p)
	}
	if p := Count(rs, states[3:])[0]; p.Gap != NoAssessment {
		t.Errorf("1 with no commune assessed = %+v, want missing: no assessment", p)
	}
}

func TestDates(t *testing.T) {
	for _, tt := range []struct {
		from, to string
		step     Step
		want     string
	}{
		{"2018", "2020", StepYear, "2018-12-31 2019-12-31 2020-12-31"},
		{"2020-H2", "2021", StepHalf, "2020-12-31 2021-06-30 2021-12-31"},
		{"2020-H2", "2021-H1", StepYear, "2020-12-31 2021-12-31"},
		{"2026", "2027", StepHalf, "2026-06-30 2026-12-06"}, // up to today
		{"2016-2020", "2021-H1", StepYear, "2016-12-31 2017-12-31 2018-12-31 2019-12-31 2020-12-31 2021-12-31"},
		{"2021", "2020", StepYear, ""},
	} {
		var got []string
		for _, d := range Dates(period.MustParse(tt.from), period.MustParse(tt.to), tt.step, date.MustParse("2026-12-06")) {
			got = append(got, d.String())
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s..%s by %s = %v, want %s", tt.from, tt.to, tt.step, got, tt.want)
		}
	}
}

func TestGains(t *testing.T) {
	c := shipped(t)
	end := readings(t, c, set2021, set2021)
	before := readings(t, c, set2016, set2021)
	state := func(code, s string) scoring.CommuneState {
		if s == "" {
			return scoring.CommuneState{Code: code}
		}
		return scoring.CommuneState{Code: code, Statuses: statuses(s)}
	}
	all := "ĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐ"
	no2 := "ĐCĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐ"
	gains := Gains(
		Baseline{end, []scoring.CommuneState{state("a", all), state("b", all), state("c", all), state("d", all), state("e", no2)}},
		[]Baseline{
			// Before the period, under the 2016-2020 set: a met 2, b did not,
			// c and d were not assessed.
			{before, []scoring.CommuneState{state("a", all), state("b", no2), state("c", ""), state("d", ""), state("e", no2)}},
			// First in the period: c did not meet 2 then; d has none.
			{end, []scoring.CommuneState{state("a", ""), state("b", ""), state("c", no2), state("d", ""), state("e", "")}},
		})
	g := gains[1] // Giao thông
	if g.MetAtEnd != 4 || g.MetAtStart != 1 || strings.Join(g.Came, ",") != "b,c" || g.UnknownAtStart != 1 {
		t.Errorf("2 = %+v, want 4 at the end, 1 at the start, b and c came, d unknown", g)
	}
	if !g.Confirmed || g.Approximate {
		t.Errorf("2 = %+v: 2016 -> 2021 criterion 2 is confirmed, all_of", g)
	}
	if g := gains[2]; g.Confirmed || !g.Approximate {
		t.Errorf("3 = %+v: read through a partly mapping", g)
	}
}
