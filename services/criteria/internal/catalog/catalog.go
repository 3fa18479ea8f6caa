// Package catalog is the NTM criteria sets as data: criteria, indicators and
// their thresholds per region or commune group, the recognition levels each
// set defines, and the kinds of targets offices set, loaded from YAML
// catalogs (national files, report bands, levels, provincial variants, target
// kinds). Thresholds and level rules are never Go constants: a province or a
// newly published decision changes a file, not the code. Values not checked
// against the legal text keep Confirmed false so the UI can flag them.
package catalog

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/period"
)

// Dimension is what a set's thresholds vary by.
type Dimension string

const (
	// DimRegion: the 7 NTM regions (sets of 2016-2025).
	DimRegion Dimension = "region"
	// DimCommuneGroup: commune groups "1".."3" (set of 2026-2030).
	DimCommuneGroup Dimension = "commune_group"
)

// Kind is the type of value an indicator takes.
type Kind string

const (
	KindBoolean Kind = "boolean" // Đạt / Không đạt
	KindPercent Kind = "percent"
	KindAmount  Kind = "amount" // money (income), may vary by year
	KindCount   Kind = "count"
)

// Comparison operators of a threshold.
const (
	OpAtLeast = ">="
	OpAtMost  = "<="
	OpEqual   = "=="
	OpBool    = "bool" // the flag must be true (threshold Value 1)
)

// SourceSynthetic marks a placeholder threshold: not a legal value, used where
// the legal value is unknown so that scoring and generators have something.
const SourceSynthetic = "synthetic_default"

// Threshold is one value of an indicator for a scope and year.
type Threshold struct {
	Scope     string // region code or commune group "1".."3"; "" = all
	Year      int    // 0 = every year
	Value     float64
	Source    string // "" = legal value; SourceSynthetic = placeholder
	Confirmed bool
}

// Indicator is a measurable part of a criterion (chỉ tiêu).
type Indicator struct {
	Code       string
	Name       string // Vietnamese; the English name when no Vietnamese wording is known
	NameEN     string
	Kind       Kind
	Op         string
	Unit       string // catalog unit ("%", "million VND/person/year", "m2/person") or ""
	Thresholds []Threshold
	Confirmed  bool
	Note       string
}

// Criterion is met when all its indicators are (tiêu chí).
type Criterion struct {
	Code       string
	Name       string // Vietnamese
	NameEN     string
	Indicators []Indicator
	Confirmed  bool
}

// Band groups communes by the number of criteria met, for reports.
type Band struct {
	Label    string
	Min, Max int // inclusive
}

// Set is a criteria set (bộ tiêu chí): national, or a province's variant of one.
type Set struct {
	Code, Name, NameEN string
	Valid              date.Range
	// Phase is the programme phase the set belongs to (giai đoạn
	// "2021-2025"); a provincial variant takes its base's. A set stays in
	// force past its phase's end until its successor starts.
	Phase period.Period
	// UnitType is the type of unit the set assesses; a provincial variant
	// takes its base's.
	UnitType  UnitType
	Dimension Dimension
	// Scopes are the region or group codes the thresholds are keyed by.
	Scopes []string
	// ProvinceCode and Base are set for a provincial variant only.
	ProvinceCode, Base string
	Criteria           []Criterion
	Bands              []Band
	// Below are the "under N criteria" counts the reports quote.
	Below      []int
	LegalBasis []string
	// Levels are the recognition levels the set defines (levels.yaml), in
	// file order; a provincial variant takes its base's.
	Levels []LevelRule
}

// Level returns the rule of level l, if the set defines it.
func (s *Set) Level(l Level) (*LevelRule, bool) {
	for i := range s.Levels {
		if s.Levels[i].Level == l {
			return &s.Levels[i], true
		}
	}
	return nil, false
}

// Criterion returns the criterion with code and its index in s.Criteria.
func (s *Set) Criterion(code string) (*Criterion, int, bool) {
	for i := range s.Criteria {
		if s.Criteria[i].Code == code {
			return &s.Criteria[i], i, true
		}
	}
	return nil, -1, false
}

// Indicator returns the indicator with code and the criterion holding it.
func (s *Set) Indicator(code string) (*Indicator, *Criterion, bool) {
	for i := range s.Criteria {
		c := &s.Criteria[i]
		for j := range c.Indicators {
			if c.Indicators[j].Code == code {
				return &c.Indicators[j], c, true
			}
		}
	}
	return nil, nil, false
}

// IndicatorCount is the number of indicators over all criteria.
func (s *Set) IndicatorCount() int {
	n := 0
	for _, c := range s.Criteria {
		n += len(c.Indicators)
	}
	return n
}

// BandOf is the label of the band holding met, or "" when none does.
func (s *Set) BandOf(met int) string {
	for _, b := range s.Bands {
		if met >= b.Min && met <= b.Max {
			return b.Label
		}
	}
	return ""
}

// Catalog is every loaded set, and the target kinds.
type Catalog struct {
	national    []*Set // sorted by unit type (unitTypes order), then Valid.From; no overlaps within a type
	provincial  []*Set // sorted by province, unit type, then Valid.From
	targetKinds []TargetKind
	crosswalks  []*Crosswalk // sorted by "from>to" set codes
}

// Sets lists national sets by unit type (communes first) and start date,
// then provincial variants.
func (c *Catalog) Sets() []*Set {
	out := make([]*Set, 0, len(c.national)+len(c.provincial))
	out = append(out, c.national...)
	return append(out, c.provincial...)
}

// Set returns the set (national or provincial) with code.
func (c *Catalog) Set(code string) (*Set, bool) {
	for _, s := range c.Sets() {
		if s.Code == code {
			return s, true
		}
	}
	return nil, false
}

// SetFor is the set that applies to a unit of type t in provinceCode on d:
// the province's own variant of that type valid on d if it has one, else
// the national set of the type.
func (c *Catalog) SetFor(d date.Date, provinceCode string, t UnitType) (*Set, bool) {
	if provinceCode != "" {
		for _, s := range c.provincial {
			if s.ProvinceCode == provinceCode && s.UnitType == t && s.Valid.Contains(d) {
				return s, true
			}
		}
	}
	for _, s := range c.national {
		if s.UnitType == t && s.Valid.Contains(d) {
			return s, true
		}
	}
	return nil, false
}

// SetForYear is the set a unit of type t in provinceCode is measured under
// for year, as a registration to reach a level that year is: the one that
// applies on the year's last day (SetFor), else the one that applies on the
// latest day of the year any set of the type does. A set that ended within
// the year still measures it: districts were abolished on 2025-07-01, so
// their sets end on 2025-06-30, yet a district could be recognised in 2025
// until then.
func (c *Catalog) SetForYear(year int, provinceCode string, t UnitType) (*Set, bool) {
	yearRange := date.Range{From: date.Of(year, time.January, 1), To: date.Of(year+1, time.January, 1)}
	if s, ok := c.SetFor(yearRange.To.AddDays(-1), provinceCode, t); ok {
		return s, true
	}
	// Every set of the type still in force on the last day would have been
	// found: those left that overlap the year end within it.
	var latest date.Date
	for _, s := range c.Sets() {
		if s.UnitType != t || (s.ProvinceCode != "" && s.ProvinceCode != provinceCode) || !s.Valid.Overlaps(yearRange) {
			continue
		}
		if last := s.Valid.To.AddDays(-1); last.After(latest) {
			latest = last
		}
	}
	if latest.IsZero() {
		return nil, false
	}
	return c.SetFor(latest, provinceCode, t)
}

// Phases are the programme phases the national sets name, each once, in
// time order: the only multi-year periods a report or a target may name.
func (c *Catalog) Phases() []period.Period {
	var out []period.Period
	for _, s := range c.national {
		if !slices.ContainsFunc(out, func(p period.Period) bool { return p.Text == s.Phase.Text }) {
			out = append(out, s.Phase)
		}
	}
	slices.SortFunc(out, func(a, b period.Period) int { return cmp.Or(a.From.Compare(b.From), a.To.Compare(b.To)) })
	return out
}

func sortNational(sets []*Set) {
	sort.SliceStable(sets, func(i, j int) bool {
		a, b := sets[i], sets[j]
		if a.UnitType != b.UnitType {
			return slices.Index(unitTypes, a.UnitType) < slices.Index(unitTypes, b.UnitType)
		}
		return a.Valid.From.Before(b.Valid.From)
	})
}

func sortProvincial(sets []*Set) {
	sort.SliceStable(sets, func(i, j int) bool {
		a, b := sets[i], sets[j]
		if a.ProvinceCode != b.ProvinceCode {
			return a.ProvinceCode < b.ProvinceCode
		}
		if a.UnitType != b.UnitType {
			return slices.Index(unitTypes, a.UnitType) < slices.Index(unitTypes, b.UnitType)
		}
		return a.Valid.From.Before(b.Valid.From)
	})
}
