package progress

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/ntmsuite/ntm/services/funding/internal/catalog"
)

// Fact is one plan as a summary counts it: what it allocated and what was
// disbursed against it in the period.
type Fact struct {
	// Unit is the by-unit row the plan counts in: the unit directly under
	// the summary's unit that the plan's unit belongs to on the date, or the
	// summary's unit itself for money recorded at its own level.
	Unit            string
	Source, Purpose string
	Year            int
	Planned         Totals
	Disbursed       Totals
}

// Line is planned against disbursed.
type Line struct {
	Planned, Disbursed Totals
}

func (l Line) plus(f Fact) (Line, error) {
	p, err := l.Planned.Plus(f.Planned)
	if err != nil {
		return Line{}, err
	}
	d, err := l.Disbursed.Plus(f.Disbursed)
	if err != nil {
		return Line{}, err
	}
	return Line{Planned: p, Disbursed: d}, nil
}

type SourceLine struct {
	Source catalog.Source
	Line
}

type PurposeLine struct {
	Purpose catalog.Purpose
	Line
	// BySource is the purpose's money by source, in catalog order: what a
	// criterion's money came from (goods are not in it).
	BySource []SourceLine
}

type CriterionLine struct {
	Criterion catalog.CriterionLink
	Line
}

type YearLine struct {
	Year int
	Line
}

type UnitLine struct {
	Unit string
	Line
}

// Summary is what a funding summary says. Goods count under their source
// (quantity and valuation) and in MobilisedVND; every other line is money,
// so that the lines of each breakdown add up to Total.
type Summary struct {
	Total Line
	// MobilisedVND is the money disbursed plus the valuation of the goods
	// delivered (tổng nguồn lực huy động).
	MobilisedVND int64
	BySource     []SourceLine
	ByPurpose    []PurposeLine
	// ByCriterion has the money of purposes that serve a criterion in the
	// set of their plan's year, by set and criterion.
	ByCriterion []CriterionLine
	ByYear      []YearLine
	ByUnit      []UnitLine
}

// Summarise adds facts up, with every sum checked: ErrOverflow rather than
// a wrapped figure. A source or purpose no longer in the catalog still
// counts, under its code (a source of unknown kind as money).
func Summarise(c *catalog.Catalog, facts []Fact) (Summary, error) {
	var s Summary
	sources := map[string]Line{}
	purposes := map[string]Line{}
	purposeSources := map[string]map[string]Line{}
	type criterionKey struct{ set, code string }
	criteria := map[criterionKey]*CriterionLine{}
	years := map[int]Line{}
	units := map[string]Line{}
	for _, f := range facts {
		var err error
		if sources[f.Source], err = sources[f.Source].plus(f); err != nil {
			return Summary{}, err
		}
		if src, ok := c.Source(f.Source); ok && src.Kind == catalog.InKind {
			if s.MobilisedVND, err = Add(s.MobilisedVND, f.Disbursed.AmountVND); err != nil {
				return Summary{}, err
			}
			continue
		}
		if s.Total, err = s.Total.plus(f); err != nil {
			return Summary{}, err
		}
		if s.MobilisedVND, err = Add(s.MobilisedVND, f.Disbursed.AmountVND); err != nil {
			return Summary{}, err
		}
		if purposes[f.Purpose], err = purposes[f.Purpose].plus(f); err != nil {
			return Summary{}, err
		}
		if purposeSources[f.Purpose] == nil {
			purposeSources[f.Purpose] = map[string]Line{}
		}
		if purposeSources[f.Purpose][f.Source], err = purposeSources[f.Purpose][f.Source].plus(f); err != nil {
			return Summary{}, err
		}
		if link, ok := c.CriterionOf(f.Purpose, f.Year); ok {
			row := criteria[criterionKey{link.Set, link.Code}]
			if row == nil {
				row = &CriterionLine{Criterion: link}
				criteria[criterionKey{link.Set, link.Code}] = row
			}
			// Several purposes may serve one criterion: the row is
			// confirmed only when every link into it is.
			row.Criterion.Confirmed = row.Criterion.Confirmed && link.Confirmed
			if row.Line, err = row.Line.plus(f); err != nil {
				return Summary{}, err
			}
		}
		if years[f.Year], err = years[f.Year].plus(f); err != nil {
			return Summary{}, err
		}
		if units[f.Unit], err = units[f.Unit].plus(f); err != nil {
			return Summary{}, err
		}
	}
	bySource := func(lines map[string]Line) []SourceLine {
		return inCatalogOrder(c.Sources, lines, func(x catalog.Source) string { return x.Code },
			func(code string) catalog.Source { return catalog.Source{Code: code, Name: code, Kind: catalog.Money} },
			func(x catalog.Source, l Line) SourceLine { return SourceLine{x, l} })
	}
	s.BySource = bySource(sources)
	s.ByPurpose = inCatalogOrder(c.Purposes, purposes, func(x catalog.Purpose) string { return x.Code },
		func(code string) catalog.Purpose { return catalog.Purpose{Code: code, Name: code} },
		func(x catalog.Purpose, l Line) PurposeLine {
			return PurposeLine{x, l, bySource(purposeSources[x.Code])}
		})
	for _, row := range criteria {
		s.ByCriterion = append(s.ByCriterion, *row)
	}
	setOrder := func(set string) int {
		return slices.IndexFunc(c.CriteriaSets, func(cs catalog.CriteriaSet) bool { return cs.Code == set })
	}
	slices.SortFunc(s.ByCriterion, func(a, b CriterionLine) int {
		return cmp.Or(cmp.Compare(setOrder(a.Criterion.Set), setOrder(b.Criterion.Set)),
			compareCodes(a.Criterion.Code, b.Criterion.Code))
	})
	for y, l := range years {
		s.ByYear = append(s.ByYear, YearLine{y, l})
	}
	slices.SortFunc(s.ByYear, func(a, b YearLine) int { return cmp.Compare(a.Year, b.Year) })
	for u, l := range units {
		s.ByUnit = append(s.ByUnit, UnitLine{u, l})
	}
	slices.SortFunc(s.ByUnit, func(a, b UnitLine) int { return cmp.Compare(a.Unit, b.Unit) })
	return s, nil
}

// inCatalogOrder lists the lines of the catalog's entries that have one, in
// catalog order, then those of codes the catalog no longer has, by code.
func inCatalogOrder[E, L any](entries []E, lines map[string]Line, code func(E) string, unknown func(string) E, row func(E, Line) L) []L {
	var out []L
	seen := map[string]bool{}
	for _, e := range entries {
		if l, ok := lines[code(e)]; ok {
			out = append(out, row(e, l))
			seen[code(e)] = true
		}
	}
	var rest []string
	for k := range lines {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		out = append(out, row(unknown(k), lines[k]))
	}
	return out
}

// compareCodes orders criterion codes as numbers when both are ("2" < "10").
func compareCodes(a, b string) int {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return cmp.Compare(a, b)
}
