// Package catalog is the OCOP evaluation rules as data: the scoring catalogs
// (bộ tiêu chí) with their parts, maxima and sheet lines, the product groups,
// the star bands, which council certifies which stars in each period, and how
// long a certificate holds. Everything is loaded from YAML (schema
// ocop-scoring-catalog/v1, the shipped copy is services/ocop/catalogs); no
// legal value is a Go constant, so a newer decision or a province's sheet is
// a file, not a release. Values not checked against the legal text keep
// Confirmed false so the UI can flag them.
package catalog

import (
	"slices"

	"github.com/ntmsuite/ntm/platform/date"
)

// Part is one of the parts A, B, C of a catalog with its maximum points.
type Part struct {
	Code      string
	Name      string // Vietnamese
	NameEN    string
	MaxPoints float64
	Confirmed bool
}

// Line is one line of a scoring sheet: the unit a council gives points for.
type Line struct {
	Code      string
	Part      string
	Name      string // Vietnamese
	MaxPoints float64
	// Confirmed is false for synthetic sheets (test data, not legal lines).
	Confirmed bool
}

// ProductGroup is a product group (nhóm sản phẩm) or a 2019 sector (ngành).
type ProductGroup struct {
	Code string
	Name string // Vietnamese
}

// StarBand maps total points to stars: Min inclusive, Below exclusive.
type StarBand struct {
	Stars      int
	Min, Below float64
	Label      string
}

// Set is one scoring catalog, e.g. OCOP_2023 (QĐ 148/QĐ-TTg). An evaluation
// keeps the set in force on the day the council scored it.
type Set struct {
	Code, Name string
	Valid      date.Range
	LegalBasis []string
	TotalMax   float64
	Parts      []Part
	// Lines is the scoring sheet, in sheet order.
	Lines []Line
	// PerPart is set when the data has no sheet for the set (the 2019
	// catalog): rather than inventing lines, its lines are the parts
	// themselves (codes "A", "B", "C" at the part maxima), so a council's
	// points are entered per part.
	PerPart bool
	// Sectors are the set's own product sectors (the 6 of 2019), kept so
	// products rated under it can still be read; new products use
	// Catalog.ProductGroups.
	Sectors []ProductGroup
	// Bands are the star bands (the same for every set in the data).
	Bands []StarBand
}

// Part returns the part with code.
func (s *Set) Part(code string) (*Part, bool) {
	i := slices.IndexFunc(s.Parts, func(p Part) bool { return p.Code == code })
	if i < 0 {
		return nil, false
	}
	return &s.Parts[i], true
}

// Line returns the sheet line with code and its index in s.Lines.
func (s *Set) Line(code string) (*Line, int, bool) {
	i := slices.IndexFunc(s.Lines, func(l Line) bool { return l.Code == code })
	if i < 0 {
		return nil, -1, false
	}
	return &s.Lines[i], i, true
}

// CouncilRule is what the council of one level does in a period.
type CouncilRule struct {
	Level CouncilLevel
	// CertifiesStars are the stars this level certifies; empty for a level
	// that only scores or checks and forwards.
	CertifiesStars []int
	// MinPointsToPropose is the total a product needs to be proposed to this
	// level; 0 when the data sets none beyond the star band.
	MinPointsToPropose float64
	Role               string
}

// Certifies reports whether the level certifies stars.
func (r *CouncilRule) Certifies(stars int) bool { return slices.Contains(r.CertifiesStars, stars) }

// CouncilPeriod is the council rules in force over a period of evaluation dates.
type CouncilPeriod struct {
	Name  string // the data's label, e.g. "148 catalog before 1489 (...)"
	Valid date.Range
	// Basis is the decision the rules come from: the latest legal_basis
	// document of any catalog dated on or before the period's start
	// ("1489/QĐ-TTg"); "" when no dated document precedes it.
	Basis     string
	Rules     []CouncilRule
	Confirmed bool
}

// Rule returns the rule of level, if the level exists in the period.
func (p *CouncilPeriod) Rule(level CouncilLevel) (*CouncilRule, bool) {
	i := slices.IndexFunc(p.Rules, func(r CouncilRule) bool { return r.Level == level })
	if i < 0 {
		return nil, false
	}
	return &p.Rules[i], true
}

// Certifier is the level that certifies stars in the period.
func (p *CouncilPeriod) Certifier(stars int) (*CouncilRule, bool) {
	for i := range p.Rules {
		if p.Rules[i].Certifies(stars) {
			return &p.Rules[i], true
		}
	}
	return nil, false
}

// PeriodStars are the stars a level certifies over a range of evaluation dates.
type PeriodStars struct {
	Valid date.Range
	Stars []int
}

// StarsCertifiedBy lists, period by period, the stars level certifies. The
// loader gives every certified star exactly one certifying level in a
// period, so these are the stars only level certifies: a lower council
// scoring a product at them proposes it to level. Periods in which level
// certifies nothing are left out.
func (c *Catalog) StarsCertifiedBy(level CouncilLevel) []PeriodStars {
	var out []PeriodStars
	for _, p := range c.Periods {
		if r, ok := p.Rule(level); ok && len(r.CertifiesStars) > 0 {
			out = append(out, PeriodStars{Valid: p.Valid, Stars: slices.Clone(r.CertifiesStars)})
		}
	}
	return out
}

// CertificateRules is how long a certificate holds and when its holder is told.
type CertificateRules struct {
	ValidMonths int
	// NoticeDays: the issuer notifies the producer at least this many days
	// before the certificate ends.
	NoticeDays int
}

// Catalog is everything loaded.
type Catalog struct {
	Sets []*Set // by start date, one after the other without gaps
	// ProductGroups are the groups products are filed under (QĐ 148).
	ProductGroups []ProductGroup
	Bands         []StarBand
	// CertifiedFromStars: only products of this many stars or more are
	// certified OCOP products.
	CertifiedFromStars int
	Periods            []*CouncilPeriod // by start date, one after the other without gaps
	Certificate        CertificateRules
}

// Set returns the set with code.
func (c *Catalog) Set(code string) (*Set, bool) {
	i := slices.IndexFunc(c.Sets, func(s *Set) bool { return s.Code == code })
	if i < 0 {
		return nil, false
	}
	return c.Sets[i], true
}

// For is the set in force on d.
func (c *Catalog) For(d date.Date) (*Set, bool) {
	i := slices.IndexFunc(c.Sets, func(s *Set) bool { return s.Valid.Contains(d) })
	if i < 0 {
		return nil, false
	}
	return c.Sets[i], true
}

// CouncilPeriodFor is the council rules in force on d.
func (c *Catalog) CouncilPeriodFor(d date.Date) (*CouncilPeriod, bool) {
	i := slices.IndexFunc(c.Periods, func(p *CouncilPeriod) bool { return p.Valid.Contains(d) })
	if i < 0 {
		return nil, false
	}
	return c.Periods[i], true
}

// ProductGroup returns the product group with code.
func (c *Catalog) ProductGroup(code string) (ProductGroup, bool) {
	i := slices.IndexFunc(c.ProductGroups, func(g ProductGroup) bool { return g.Code == code })
	if i < 0 {
		return ProductGroup{}, false
	}
	return c.ProductGroups[i], true
}
