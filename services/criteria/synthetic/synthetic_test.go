package synthetic

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

func mustNew(t *testing.T, o Options) Country {
	t.Helper()
	c, err := New(o)
	if err != nil {
		t.Fatalf("New(%+v): %v", o, err)
	}
	return c
}

func mustSet(t *testing.T, code string) *catalog.Set {
	t.Helper()
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	s, ok := cat.Set(code)
	if !ok {
		t.Fatalf("no set %s", code)
	}
	return s
}

var codeRE = regexp.MustCompile(`^[0-9]{1,12}$`)

// checkMap checks the units: unique valid codes, parents listed before their
// children, every commune with a region and a group, counts that add up.
func checkMap(t *testing.T, c Country, o Options, regions []string) {
	t.Helper()
	wantUnits := len(c.Provinces)*(1+o.DistrictsPerProvince) + o.Communes
	if len(c.Units) != wantUnits || len(c.Communes) != o.Communes || len(c.Assessments) != o.Communes {
		t.Fatalf("%d units, %d communes, %d assessments; want %d, %d, %d", len(c.Units), len(c.Communes), len(c.Assessments), wantUnits, o.Communes, o.Communes)
	}
	types := map[string]registryv1.UnitType{}
	perProvince := map[string]int{}
	provinceOf := map[string]string{}
	for i, u := range c.Units {
		s := u.GetUnit()
		if !codeRE.MatchString(s.GetCode()) || !strings.HasPrefix(s.GetCode(), "8") {
			t.Fatalf("unit %d: code %q", i, s.GetCode())
		}
		if _, dup := types[s.GetCode()]; dup {
			t.Fatalf("unit %d: code %s twice", i, s.GetCode())
		}
		if u.GetValidFrom() != DefaultValidFrom || s.GetDisplayName() == "" {
			t.Fatalf("unit %d: %v", i, u)
		}
		types[s.GetCode()] = s.GetType()
		switch s.GetType() {
		case registryv1.UnitType_PROVINCE:
			if s.GetParentCode() != "" || !slices.Contains(regions, s.GetRegion()) {
				t.Fatalf("province %v", s)
			}
			provinceOf[s.GetCode()] = s.GetCode()
		case registryv1.UnitType_DISTRICT:
			if types[s.GetParentCode()] != registryv1.UnitType_PROVINCE {
				t.Fatalf("district %s under %s, not a province listed before it", s.GetCode(), s.GetParentCode())
			}
			provinceOf[s.GetCode()] = s.GetParentCode()
		case registryv1.UnitType_COMMUNE:
			want := registryv1.UnitType_PROVINCE
			if o.DistrictsPerProvince > 0 {
				want = registryv1.UnitType_DISTRICT
			}
			if types[s.GetParentCode()] != want {
				t.Fatalf("commune %s under %s (%v), want a %v listed before it", s.GetCode(), s.GetParentCode(), types[s.GetParentCode()], want)
			}
			if !slices.Contains(regions, s.GetRegion()) || !slices.Contains([]string{"1", "2", "3"}, s.GetCommuneGroup()) {
				t.Fatalf("commune %v: region or group", s)
			}
			perProvince[provinceOf[s.GetParentCode()]]++
		default:
			t.Fatalf("unit %v", s)
		}
	}
	total := 0
	for _, p := range c.Provinces {
		if perProvince[p.Code] != p.Communes || types[p.Code] != registryv1.UnitType_PROVINCE {
			t.Errorf("province %s: %d communes listed, %d counted", p.Code, p.Communes, perProvince[p.Code])
		}
		total += p.Communes
	}
	if total != o.Communes {
		t.Errorf("provinces hold %d communes, want %d", total, o.Communes)
	}
	for i, cm := range c.Communes {
		a := c.Assessments[i]
		if a.GetUnitCode() != cm.Code || types[cm.Code] != registryv1.UnitType_COMMUNE || provinceOf[cm.Parent] != cm.Province {
			t.Fatalf("commune %d: %+v, assessment of %s", i, cm, a.GetUnitCode())
		}
	}
}

// scoreAll runs the engine on every assessment: no error, every indicator
// given once, and the statuses the generator meant. It returns how many
// communes pass each indicator and meet each criterion.
func scoreAll(t *testing.T, c Country, set *catalog.Set, year int) (indicatorPass map[string]int, criterionMet []int) {
	t.Helper()
	indicatorPass = map[string]int{}
	criterionMet = make([]int, len(set.Criteria))
	scope := func(cm Commune) string {
		if set.Dimension == catalog.DimCommuneGroup {
			return cm.CommuneGroup
		}
		return cm.Region
	}
	for i, a := range c.Assessments {
		cm := c.Communes[i]
		if a.GetCriteriaSet() != set.Code || a.GetAssessedOn() != c.AssessedOn || a.GetAuthor() == "" || len(a.GetVerdicts()) != 0 {
			t.Fatalf("assessment %d: %v", i, a)
		}
		in := scoring.Input{Field: "assessment."}
		for _, v := range a.GetValues() {
			_, isFlag := v.GetValue().(*criteriav1.IndicatorValue_Flag)
			in.Values = append(in.Values, scoring.IndicatorValue{Code: v.GetIndicatorCode(),
				Value: scoring.Value{Number: v.GetNumber(), Flag: v.GetFlag(), IsFlag: isFlag}})
		}
		if len(in.Values) != set.IndicatorCount() {
			t.Fatalf("assessment %d has %d values, the set %d indicators", i, len(in.Values), set.IndicatorCount())
		}
		res, err := scoring.Score(set, scoring.Context{Region: cm.Region, CommuneGroup: cm.CommuneGroup, Year: year}, in)
		if err != nil {
			t.Fatalf("assessment %d: %v", i, err)
		}
		if res.MetCount != cm.MetCount {
			t.Fatalf("commune %s: engine meets %d criteria, generator meant %d", cm.Code, res.MetCount, cm.MetCount)
		}
		for ci, cr := range res.Criteria {
			if len(cr.Missing) != 0 {
				t.Fatalf("commune %s criterion %s: missing %v", cm.Code, cr.Code, cr.Missing)
			}
			if (cr.Status == scoring.Met) != cm.Met[ci] {
				t.Fatalf("commune %s criterion %s: engine %v, generator meant met=%v (%v)", cm.Code, cr.Code, cr.Status, cm.Met[ci], cr.Failing)
			}
			if cm.Met[ci] {
				criterionMet[ci]++
			}
			failing := map[string]bool{}
			for _, g := range cr.Failing {
				failing[g.Indicator] = true
			}
			for _, ind := range set.Criteria[ci].Indicators {
				if _, ok := ind.ThresholdFor(scope(cm), year); !ok {
					t.Fatalf("%s has no threshold for %s", ind.Code, scope(cm))
				}
				if !failing[ind.Code] {
					indicatorPass[ind.Code]++
				}
			}
		}
	}
	return indicatorPass, criterionMet
}

// checkRequests applies the requests' buf.validate rules, as the servers do.
func checkRequests(t *testing.T, c Country) {
	t.Helper()
	if err := protovalidate.Validate(c.ImportUnitsRequest()); err != nil {
		t.Fatalf("import request: %v", err)
	}
	if err := protovalidate.Validate(&criteriav1.BatchCreateAssessmentsRequest{Assessments: c.Assessments}); err != nil {
		t.Fatalf("assessments: %v", err)
	}
}

func TestCountryDefault(t *testing.T) {
	o := Options{Communes: 2000, Seed: 7}
	c := mustNew(t, o)
	set := mustSet(t, DefaultCriteriaSet)
	if c.CriteriaSet != DefaultCriteriaSet || c.AssessedOn != DefaultAssessedOn || len(c.Provinces) != DefaultProvinces {
		t.Fatalf("set %s on %s with %d provinces", c.CriteriaSet, c.AssessedOn, len(c.Provinces))
	}
	o.Provinces = DefaultProvinces
	checkMap(t, c, o, set.Scopes)
	checkRequests(t, c)
	for _, p := range c.Provinces {
		if p.Communes != 58 && p.Communes != 59 { // 2000 = 34*58 + 28
			t.Errorf("province %s has %d communes, want an even spread", p.Code, p.Communes)
		}
	}
	indicatorPass, criterionMet := scoreAll(t, c, set, 2024)
	lo, hi := 1.0, 0.0
	for _, cr := range set.Criteria {
		for _, ind := range cr.Indicators {
			// Roughly 60-85% per indicator; more where a failing
			// criterion failed on another of its indicators.
			rate := float64(indicatorPass[ind.Code]) / 2000
			if rate < 0.5 || rate > 0.97 {
				t.Errorf("indicator %s passes in %.0f%% of communes, want most but not all", ind.Code, 100*rate)
			}
			lo, hi = min(lo, rate), max(hi, rate)
		}
	}
	t.Logf("indicators pass in %.0f%% to %.0f%% of communes", 100*lo, 100*hi)
	sum := 0
	for ci, n := range criterionMet {
		sum += n
		if rate := float64(n) / 2000; rate < 0.5 || rate > 0.92 {
			t.Errorf("criterion %s met by %.0f%% of communes", set.Criteria[ci].Code, 100*rate)
		}
	}
	avg := float64(sum) / 2000
	t.Logf("average %.2f of %d criteria met; met per criterion %v", avg, len(set.Criteria), criterionMet)
	bands := map[int]bool{}
	for _, cm := range c.Communes {
		bands[cm.MetCount] = true
	}
	if avg < 11 || avg > 16.5 || len(bands) < 6 {
		t.Errorf("average %.2f criteria met over %d distinct counts: want communes spread over the bands", avg, len(bands))
	}
}

func TestCountryIsDeterministic(t *testing.T) {
	o := Options{Communes: 300, Provinces: 5, DistrictsPerProvince: 2, Seed: 42}
	a, b := mustNew(t, o), mustNew(t, o)
	if !equal(a, b) {
		t.Fatal("two countries from one seed differ")
	}
	o.Seed = 43
	if equal(a, mustNew(t, o)) {
		t.Fatal("seeds 42 and 43 give the same country")
	}
}

func equal(a, b Country) bool {
	if a.CriteriaSet != b.CriteriaSet || !slices.Equal(a.Provinces, b.Provinces) || len(a.Units) != len(b.Units) || len(a.Assessments) != len(b.Assessments) {
		return false
	}
	for i := range a.Units {
		if !proto.Equal(a.Units[i], b.Units[i]) {
			return false
		}
	}
	for i := range a.Assessments {
		if !proto.Equal(a.Assessments[i], b.Assessments[i]) || !slices.Equal(a.Communes[i].Met, b.Communes[i].Met) {
			return false
		}
	}
	return true
}

func TestCountryWithDistricts(t *testing.T) {
	o := Options{Communes: 500, Provinces: 3, DistrictsPerProvince: 4, Seed: 1}
	c := mustNew(t, o)
	set := mustSet(t, DefaultCriteriaSet)
	checkMap(t, c, o, set.Scopes)
	under := map[string]int{}
	for _, cm := range c.Communes {
		under[cm.Parent]++
	}
	if len(under) != 12 {
		t.Errorf("communes under %d districts, want 12", len(under))
	}
	scoreAll(t, c, set, 2024)
}

// The set is an option: 2016-2020 (regions, income by year) and 2026-2030
// (commune groups, placeholder indicators) score too.
func TestCountryOtherSets(t *testing.T) {
	for _, tc := range []struct {
		set, on string
		year    int
	}{
		{"NTM_COMMUNE_2016_2020", "2019-12-31", 2019},
		{"NTM_COMMUNE_2026_2030", "2026-06-30", 2026},
	} {
		t.Run(tc.set, func(t *testing.T) {
			o := Options{Communes: 400, Provinces: 4, Seed: 3, CriteriaSet: tc.set, AssessedOn: tc.on}
			c := mustNew(t, o)
			set := mustSet(t, tc.set)
			cat, _ := loadCatalog()
			regions, err := regionCodes(cat, set)
			if err != nil {
				t.Fatal(err)
			}
			checkMap(t, c, o, regions)
			checkRequests(t, c)
			_, met := scoreAll(t, c, set, tc.year)
			for ci, n := range met {
				if n == 0 || n == 400 {
					t.Errorf("criterion %s met by %d of 400 communes", set.Criteria[ci].Code, n)
				}
			}
		})
	}
}

func TestCountryRefusesBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"no communes", Options{}, "positive"},
		{"unknown set", Options{Communes: 1, CriteriaSet: "X"}, "no criteria set"},
		{"date outside set", Options{Communes: 1, AssessedOn: "2021-01-01"}, "outside"},
		{"bad date", Options{Communes: 1, AssessedOn: "2024-13-01"}, "assessed on"},
		{"units after assessment", Options{Communes: 1, ValidFrom: "2025-01-01"}, "do not exist"},
		{"too many provinces", Options{Communes: 200, Provinces: 100}, "at most 99"},
		{"too many units", Options{Communes: 100_000}, "one import"},
		{"negative", Options{Communes: 10, DistrictsPerProvince: -1}, "negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New(%+v) = %v, want an error with %q", tc.o, err, tc.want)
			}
		})
	}
}

// Few communes make few provinces: none is left empty.
func TestCountrySmall(t *testing.T) {
	c := mustNew(t, Options{Communes: 5})
	if len(c.Provinces) != 5 || len(c.Units) != 10 {
		t.Fatalf("%d provinces, %d units; want 5 and 10", len(c.Provinces), len(c.Units))
	}
}
