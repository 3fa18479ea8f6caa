// Package catalog is the funding service's data about money that is not
// money itself: the funding sources (nguồn vốn) plans draw on, the purposes
// they name, and the criteria set each budget year reports under. It is
// loaded from YAML (the shipped file, then a province's directory) and
// never written into Go, so a new source or a corrected mapping needs no
// release.
package catalog

import "slices"

// Kind says whether a source gives money or goods.
type Kind string

const (
	// Money is counted in whole VND.
	Money Kind = "MONEY"
	// InKind is goods (hiện vật), counted in the source's QuantityUnit and
	// valued in VND when known.
	InKind Kind = "IN_KIND"
)

// Source is a funding source.
type Source struct {
	Code, Name string
	Kind       Kind
	// QuantityUnit is the unit of an InKind source's goods ("tấn").
	QuantityUnit string
	// FromYear and ToYear bound the budget years a plan may draw on the
	// source; 0 leaves that end open.
	FromYear, ToYear int
	Confirmed        bool
}

// Allows reports whether a plan of the budget year may draw on the source.
func (s Source) Allows(year int) bool {
	return (s.FromYear == 0 || year >= s.FromYear) && (s.ToYear == 0 || year <= s.ToYear)
}

// CriteriaSet is the criteria set the plans of its budget years report under.
type CriteriaSet struct {
	Code, Name       string
	FromYear, ToYear int
	Confirmed        bool
}

// CriterionLink is the criterion a purpose serves in one criteria set.
type CriterionLink struct {
	Set, Code, Name string
	Confirmed       bool
}

// Purpose is what a plan is for: a criterion's works, OCOP, training…
type Purpose struct {
	Code, Name string
	Criteria   []CriterionLink
}

// Criterion is the criterion p serves in set, if any.
func (p Purpose) Criterion(set string) (CriterionLink, bool) {
	i := slices.IndexFunc(p.Criteria, func(l CriterionLink) bool { return l.Set == set })
	if i < 0 {
		return CriterionLink{}, false
	}
	return p.Criteria[i], true
}

// Catalog is every source, purpose and criteria set, in file order, as
// Load built it (read-only afterwards).
type Catalog struct {
	Sources      []Source
	Purposes     []Purpose
	CriteriaSets []CriteriaSet
	// Indexes by code: a summary looks a source and a purpose up per plan.
	sourceAt, purposeAt map[string]int
}

func newCatalog(sources []Source, purposes []Purpose, sets []CriteriaSet) *Catalog {
	c := &Catalog{Sources: sources, Purposes: purposes, CriteriaSets: sets,
		sourceAt: make(map[string]int, len(sources)), purposeAt: make(map[string]int, len(purposes))}
	for i, s := range sources {
		c.sourceAt[s.Code] = i
	}
	for i, p := range purposes {
		c.purposeAt[p.Code] = i
	}
	return c
}

// Source returns the source with code.
func (c *Catalog) Source(code string) (Source, bool) {
	i, ok := c.sourceAt[code]
	if !ok {
		return Source{}, false
	}
	return c.Sources[i], true
}

// Purpose returns the purpose with code.
func (c *Catalog) Purpose(code string) (Purpose, bool) {
	i, ok := c.purposeAt[code]
	if !ok {
		return Purpose{}, false
	}
	return c.Purposes[i], true
}

// CriteriaSetOf is the criteria set of a budget year, if one covers it.
func (c *Catalog) CriteriaSetOf(year int) (CriteriaSet, bool) {
	for _, s := range c.CriteriaSets {
		if year >= s.FromYear && year <= s.ToYear {
			return s, true
		}
	}
	return CriteriaSet{}, false
}

// CriterionOf is the criterion that money of purpose in a budget year
// serves: the purpose's criterion in the set of that year.
func (c *Catalog) CriterionOf(purpose string, year int) (CriterionLink, bool) {
	p, ok := c.Purpose(purpose)
	if !ok {
		return CriterionLink{}, false
	}
	set, ok := c.CriteriaSetOf(year)
	if !ok {
		return CriterionLink{}, false
	}
	return p.Criterion(set.Code)
}
