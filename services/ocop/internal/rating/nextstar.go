package rating

import (
	"cmp"
	"slices"
)

// OpenLine is a line with points still open (its maximum minus the points given).
type OpenLine struct {
	Code, Name string
	PointsOpen float64
}

// NextStar is what a product lacks for the next star.
type NextStar struct {
	// Stars is the next band's stars; 0 when the product has the top band.
	Stars        int
	PointsNeeded float64
	// Open are the fewest lines that could together close the gap: the
	// lines with the most points open, largest first, ties by code. All open
	// lines when even they cannot (never with the shipped data).
	Open []OpenLine
}

// NextStar is what r lacks for the next band. A line's open points are
// capped by its part's (a sheet whose lines add up to more than the part
// maximum cannot gain beyond it).
func (r Result) NextStar() NextStar {
	bands := r.Set.Bands
	if r.Stars >= len(bands) {
		return NextStar{}
	}
	next := bands[r.Stars] // bands hold stars 1, 2, 3... in order
	ns := NextStar{Stars: next.Stars, PointsNeeded: round(next.Min - r.Total)}
	partOpen := map[string]float64{}
	for _, p := range r.Parts {
		partOpen[p.Part] = p.MaxPoints - p.Points
	}
	var open []OpenLine
	for _, l := range r.Lines {
		if o := round(min(l.MaxPoints-l.Points, partOpen[l.Part])); o > 0 {
			open = append(open, OpenLine{Code: l.Code, Name: l.Name, PointsOpen: o})
		}
	}
	slices.SortFunc(open, func(a, b OpenLine) int {
		return cmp.Or(cmp.Compare(b.PointsOpen, a.PointsOpen), cmp.Compare(a.Code, b.Code))
	})
	sum := 0.0
	for _, o := range open {
		ns.Open = append(ns.Open, o)
		if sum = round(sum + o.PointsOpen); sum >= ns.PointsNeeded {
			break
		}
	}
	return ns
}
