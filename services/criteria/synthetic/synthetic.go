// Package synthetic makes up a country for load tests and benchmarks: provinces
// (and, if asked, districts) with communes under them, each commune with a
// region and a commune group, and one assessment of every commune that gives a
// value for every indicator of a criteria set, drawn around the threshold of
// the commune's region or group so that most, but not all, criteria are met.
//
// The country is a pure function of Options: the same seed gives the same
// units and values, byte for byte, and nothing is read or written. Codes start
// with 8 (provinces 801, 802, …), which no province of the demo uses. Names
// say "Giả lập" (simulated): none of this is real.
package synthetic

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/ntmsuite/ntm/platform/date"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria/catalogs"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
)

// Defaults of Options.
const (
	DefaultProvinces  = 34
	DefaultAssessedOn = "2024-12-31"
	// DefaultCriteriaSet is the 2021-2025 set: every indicator of it has a
	// threshold for every region (2026-2030 has placeholder indicators only).
	DefaultCriteriaSet = "NTM_COMMUNE_2021_2025"
	DefaultValidFrom   = "2010-01-01"
	// MaxUnits is the most rows one ImportUnits request takes, so a country
	// always fits in one import.
	MaxUnits = 100_000
	// maxProvinces keeps province codes at three digits, 801..899.
	maxProvinces = 99
	// maxDistricts keeps district codes at five digits (province + 2).
	maxDistricts = 99
	// maxPerProvince keeps commune codes at eight digits (province + 5).
	maxPerProvince = 99_999
)

// Options describe the country to make.
type Options struct {
	// Communes is the number of communes (> 0), spread evenly over the provinces.
	Communes int
	// Provinces is the number of provinces; 0 means DefaultProvinces, or
	// fewer when there are fewer communes. At most 99.
	Provinces int
	// DistrictsPerProvince puts the communes of each province under this many
	// districts (the map before 1 July 2025); 0 puts them directly under the
	// province (the map since).
	DistrictsPerProvince int
	// Seed chooses every random draw.
	Seed uint64
	// AssessedOn is the date of every assessment (YYYY-MM-DD); "" means
	// DefaultAssessedOn. It must fall within the set's validity.
	AssessedOn string
	// CriteriaSet is the national set id the values are drawn for; "" means
	// DefaultCriteriaSet.
	CriteriaSet string
	// ValidFrom is the first day of every unit (YYYY-MM-DD); "" means
	// DefaultValidFrom. It must not be after AssessedOn.
	ValidFrom string
}

// Country is a generated country.
type Country struct {
	CriteriaSet string
	AssessedOn  string
	Provinces   []Province
	// Units are the rows of one ImportUnits request, parents before children.
	Units []*registryv1.ImportedUnit
	// Communes and Assessments are aligned: Assessments[i] is of Communes[i].
	Communes    []Commune
	Assessments []*criteriav1.Assessment
}

// Province is one generated province.
type Province struct {
	Code, Name, Region string
	// Communes is the number of communes under the province, at any depth.
	Communes int
}

// Commune is one generated commune and what its values were drawn to give.
type Commune struct {
	Code, Province, Parent, Region, CommuneGroup string
	// Met is, per criterion of the set in order, whether the commune's values
	// meet it; the scoring engine must come to the same conclusion.
	Met      []bool
	MetCount int
}

// ImportUnitsRequest is the registry request that creates the country's units.
func (c *Country) ImportUnitsRequest() *registryv1.ImportUnitsRequest {
	return &registryv1.ImportUnitsRequest{Units: c.Units, DecisionNumber: "GIA-LAP"}
}

var loadCatalog = sync.OnceValues(func() (*catalog.Catalog, error) { return catalog.Load(catalogs.FS) })

// MergeInThrees is a reform of the map on day: the communes of each
// province merged in threes, each group into its first code, as one
// decision. It gives the map thousands of lineage links to follow back, as
// Vietnam's reform of 2025 did.
func (c *Country) MergeInThrees(number, day string) *registryv1.CreateDecisionRequest {
	d := &registryv1.Decision{DecisionNumber: number, EffectiveDate: day}
	var group []string
	flush := func() {
		if len(group) > 1 {
			d.Changes = append(d.Changes, &registryv1.UnitChange{Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{
				SourceCodes: group, Target: &registryv1.MergeUnits_AbsorbingCode{AbsorbingCode: group[0]}}}})
		}
		group = nil
	}
	for i, cm := range c.Communes {
		if i > 0 && cm.Province != c.Communes[i-1].Province {
			flush()
		}
		if group = append(group, cm.Code); len(group) == 3 {
			flush()
		}
	}
	flush()
	return &registryv1.CreateDecisionRequest{Decision: d}
}

// New generates the country o describes.
func New(o Options) (Country, error) {
	cat, err := loadCatalog()
	if err != nil {
		return Country{}, err
	}
	o.CriteriaSet = cmp.Or(o.CriteriaSet, DefaultCriteriaSet)
	o.AssessedOn = cmp.Or(o.AssessedOn, DefaultAssessedOn)
	o.ValidFrom = cmp.Or(o.ValidFrom, DefaultValidFrom)
	set, ok := cat.Set(o.CriteriaSet)
	if !ok {
		return Country{}, fmt.Errorf("synthetic: no criteria set %q", o.CriteriaSet)
	}
	if set.ProvinceCode != "" {
		return Country{}, fmt.Errorf("synthetic: criteria set %s belongs to province %s; use a national set", set.Code, set.ProvinceCode)
	}
	on, err := date.Parse(o.AssessedOn)
	if err != nil {
		return Country{}, fmt.Errorf("synthetic: assessed on: %w", err)
	}
	if !set.Valid.Contains(on) {
		return Country{}, fmt.Errorf("synthetic: %s is outside criteria set %s (from %s to %s)", on, set.Code, set.Valid.From, set.Valid.To)
	}
	from, err := date.Parse(o.ValidFrom)
	if err != nil {
		return Country{}, fmt.Errorf("synthetic: valid from: %w", err)
	}
	if from.After(on) {
		return Country{}, fmt.Errorf("synthetic: units valid from %s do not exist on the assessment date %s", from, on)
	}
	if err := o.checkShape(); err != nil {
		return Country{}, err
	}
	regions, err := regionCodes(cat, set)
	if err != nil {
		return Country{}, err
	}
	g := generator{
		rng: rand.New(rand.NewPCG(o.Seed, 0x6e746d2d73796e74)), // "ntm-synt"
		set: set, year: on.Year(), validFrom: from.String(),
	}
	return g.country(o, regions), nil
}

func (o *Options) checkShape() error {
	if o.Communes <= 0 {
		return errors.New("synthetic: communes must be positive")
	}
	if o.Provinces < 0 || o.DistrictsPerProvince < 0 {
		return errors.New("synthetic: provinces and districts must not be negative")
	}
	if o.Provinces == 0 {
		o.Provinces = min(DefaultProvinces, o.Communes)
	}
	if o.Provinces > maxProvinces {
		return fmt.Errorf("synthetic: at most %d provinces (codes 801..899), not %d", maxProvinces, o.Provinces)
	}
	if o.DistrictsPerProvince > maxDistricts {
		return fmt.Errorf("synthetic: at most %d districts per province, not %d", maxDistricts, o.DistrictsPerProvince)
	}
	if per := (o.Communes + o.Provinces - 1) / o.Provinces; per > maxPerProvince {
		return fmt.Errorf("synthetic: %d communes per province is more than %d: add provinces", per, maxPerProvince)
	}
	if n := o.Provinces*(1+o.DistrictsPerProvince) + o.Communes; n > MaxUnits {
		return fmt.Errorf("synthetic: %d units is more than one import takes (%d)", n, MaxUnits)
	}
	return nil
}

// regionCodes are the NTM regions: the set's scopes when its thresholds vary
// by region, else those of the latest national set that does (the registry
// keeps a region on every commune whatever the set).
func regionCodes(cat *catalog.Catalog, set *catalog.Set) ([]string, error) {
	if set.Dimension == catalog.DimRegion && len(set.Scopes) > 0 {
		return set.Scopes, nil
	}
	var out []string
	for _, s := range cat.Sets() {
		if s.ProvinceCode == "" && s.Dimension == catalog.DimRegion && len(s.Scopes) > 0 {
			out = s.Scopes
		}
	}
	if out == nil {
		return nil, errors.New("synthetic: no criteria set names the NTM regions")
	}
	return out, nil
}

type generator struct {
	rng       *rand.Rand
	set       *catalog.Set
	year      int
	validFrom string
	// passRate is each criterion's share of communes meeting it, before a
	// commune's own strength shifts it.
	passRate []float64
}

func (g *generator) country(o Options, regions []string) Country {
	c := Country{CriteriaSet: g.set.Code, AssessedOn: o.AssessedOn}
	g.passRate = make([]float64, len(g.set.Criteria))
	for i := range g.passRate {
		g.passRate[i] = 0.60 + 0.25*g.rng.Float64()
	}
	base, extra := o.Communes/o.Provinces, o.Communes%o.Provinces
	c.Units = make([]*registryv1.ImportedUnit, 0, o.Provinces*(1+o.DistrictsPerProvince)+o.Communes)
	c.Communes = make([]Commune, 0, o.Communes)
	c.Assessments = make([]*criteriav1.Assessment, 0, o.Communes)
	for p := range o.Provinces {
		prov := Province{Code: fmt.Sprintf("8%02d", p+1), Region: regions[p%len(regions)], Communes: base}
		if p < extra {
			prov.Communes++
		}
		prov.Name = "Tỉnh Giả lập " + prov.Code
		c.Provinces = append(c.Provinces, prov)
		c.Units = append(c.Units, g.unit(prov.Code, prov.Name, registryv1.UnitType_PROVINCE, "", prov.Region, ""))
		var districts []string
		for d := range o.DistrictsPerProvince {
			code := fmt.Sprintf("%s%02d", prov.Code, d+1)
			districts = append(districts, code)
			c.Units = append(c.Units, g.unit(code, "Huyện Giả lập "+code, registryv1.UnitType_DISTRICT, prov.Code, "", ""))
		}
		for i := range prov.Communes {
			cm := Commune{Code: fmt.Sprintf("%s%05d", prov.Code, i+1), Province: prov.Code, Parent: prov.Code,
				Region: prov.Region, CommuneGroup: g.communeGroup()}
			if len(districts) > 0 {
				cm.Parent = districts[i*len(districts)/prov.Communes]
			}
			c.Units = append(c.Units, g.unit(cm.Code, "Xã Giả lập "+cm.Code, registryv1.UnitType_COMMUNE, cm.Parent, cm.Region, cm.CommuneGroup))
			a := g.assess(&cm, o)
			c.Communes = append(c.Communes, cm)
			c.Assessments = append(c.Assessments, a)
		}
	}
	return c
}

func (g *generator) unit(code, name string, t registryv1.UnitType, parent, region, group string) *registryv1.ImportedUnit {
	return &registryv1.ImportedUnit{ValidFrom: g.validFrom, Unit: &registryv1.UnitSpec{
		Code: code, DisplayName: name, Type: t, ParentCode: parent, Region: region, CommuneGroup: group,
	}}
}

// communeGroup draws 1 (near towns) for a quarter of communes, 3 (ethnic
// minority and mountain areas) for a fifth, 2 for the rest.
func (g *generator) communeGroup() string {
	switch x := g.rng.Float64(); {
	case x < 0.25:
		return "1"
	case x < 0.80:
		return "2"
	}
	return "3"
}

// assess draws the commune's values: for each criterion, whether it is met
// (its pass rate shifted by the commune's strength), then values on the
// passing side of every threshold, or with some on the failing side.
func (g *generator) assess(cm *Commune, o Options) *criteriav1.Assessment {
	scope := cm.Region
	if g.set.Dimension == catalog.DimCommuneGroup {
		scope = cm.CommuneGroup
	}
	strength := 0.24 * (g.rng.Float64() - 0.5)
	a := &criteriav1.Assessment{
		UnitCode: cm.Code, AssessedOn: o.AssessedOn, CriteriaSet: g.set.Code,
		Author:      "Văn phòng Điều phối NTM tỉnh " + cm.Province + " (giả lập)",
		EvidenceRef: fmt.Sprintf("GIA-LAP/%d/%s", o.Seed, cm.Code),
		Values:      make([]*criteriav1.IndicatorValue, 0, g.set.IndicatorCount()),
	}
	cm.Met = make([]bool, len(g.set.Criteria))
	for ci := range g.set.Criteria {
		cr := &g.set.Criteria[ci]
		pass := g.rng.Float64() < min(max(g.passRate[ci]+strength, 0.02), 0.98)
		// A failing criterion fails on about half its indicators, at least one.
		fail := make([]bool, len(cr.Indicators))
		if !pass {
			for i := range fail {
				fail[i] = g.rng.Float64() < 0.5
			}
			fail[g.rng.IntN(len(fail))] = true
		}
		met := len(cr.Indicators) > 0
		for ii := range cr.Indicators {
			v, ok := g.value(&cr.Indicators[ii], scope, !fail[ii])
			a.Values = append(a.Values, v)
			met = met && ok
		}
		cm.Met[ci] = met
		if met {
			cm.MetCount++
		}
	}
	return a
}

// value draws a value of ind meant to pass (or fail) its threshold for scope,
// and reports whether it passes. A value cannot always fail (a share of at
// least 0%) or pass (an indicator without a threshold for scope): the result
// says what it does.
func (g *generator) value(ind *catalog.Indicator, scope string, pass bool) (*criteriav1.IndicatorValue, bool) {
	th, ok := ind.ThresholdFor(scope, g.year)
	if ind.Op == catalog.OpBool {
		return &criteriav1.IndicatorValue{IndicatorCode: ind.Code, Value: &criteriav1.IndicatorValue_Flag{Flag: pass}}, ok && pass
	}
	number := func(v float64) *criteriav1.IndicatorValue {
		return &criteriav1.IndicatorValue{IndicatorCode: ind.Code, Value: &criteriav1.IndicatorValue_Number{Number: v}}
	}
	if !ok {
		return number(g.rounded(ind, g.upper(ind)*g.rng.Float64())), false
	}
	t := th.Value
	// Candidates, best first: a rounded draw, then the unrounded one; the
	// threshold itself passes every operator and is the last resort.
	draw := g.draw(ind, t, pass)
	for _, v := range []float64{g.rounded(ind, draw), draw, t} {
		if valid(ind, v) && passes(ind.Op, v, t) == pass {
			return number(v), pass
		}
	}
	v := min(max(t, 0), g.upper(ind))
	return number(v), passes(ind.Op, v, t)
}

// draw is a value on the passing or failing side of t, up to a third of t
// (at least a few units) away from it.
func (g *generator) draw(ind *catalog.Indicator, t float64, pass bool) float64 {
	d := max(math.Abs(t)*0.3, 3) * (0.05 + 0.95*g.rng.Float64())
	if ind.Kind == catalog.KindCount {
		d = float64(1 + g.rng.IntN(int(max(math.Ceil(math.Abs(t)*0.3), 2)))) // whole counts, at least one away
	}
	var v float64
	switch {
	case ind.Op == catalog.OpEqual && pass:
		v = t
	case ind.Op == catalog.OpEqual:
		if g.rng.IntN(2) == 0 {
			d = -d
		}
		v = t + d
	case (ind.Op == catalog.OpAtLeast) == pass:
		v = t + d
		if pass && ind.Kind != catalog.KindCount {
			// Passing values crowd just above the threshold, as reported
			// figures do.
			v = t + d*g.rng.Float64()
		}
	default:
		v = t - d
	}
	return min(max(v, 0), g.upper(ind))
}

// upper is the largest valid value of ind (percentages stop at 100).
func (g *generator) upper(ind *catalog.Indicator) float64 {
	if ind.Kind == catalog.KindPercent {
		return 100
	}
	return math.MaxFloat64
}

// rounded writes v as offices do: whole counts, one decimal otherwise.
func (g *generator) rounded(ind *catalog.Indicator, v float64) float64 {
	if ind.Kind == catalog.KindCount {
		return math.Round(v)
	}
	return math.Round(v*10) / 10
}

// valid mirrors the engine's range check of a number.
func valid(ind *catalog.Indicator, v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return false
	}
	return ind.Kind != catalog.KindPercent || v <= 100
}

// passes mirrors the engine's comparison (without its float tolerance, so a
// value meant to fail is never within it).
func passes(op string, v, t float64) bool {
	switch op {
	case catalog.OpAtLeast:
		return v >= t
	case catalog.OpAtMost:
		return v <= t
	case catalog.OpEqual:
		return v == t
	}
	return false
}
