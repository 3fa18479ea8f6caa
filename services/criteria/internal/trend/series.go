package trend

import (
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/period"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

// Step is the distance between the points of a series.
type Step string

const (
	StepYear Step = "year"
	StepHalf Step = "half"
)

// Dates are the points of a series from the start of from to the end of
// to: the last day of each year (or half year) up to the one holding to's
// end, as offices report "as of 31/12". A point after today is dated today:
// the figures recorded so far, not a year's final figures. A point is
// counted from the latest assessment on or before it.
func Dates(from, to period.Period, step Step, today date.Date) []date.Date {
	months := 12
	if step == StepHalf {
		months = 6
	}
	var out []date.Date
	// Periods start on 1 January or 1 July; the first point ends the step
	// holding from's start.
	start := date.Of(from.From.Year(), time.January, 1)
	if step == StepHalf && from.From.Time().Month() >= time.July {
		start = date.Of(from.From.Year(), time.July, 1)
	}
	for d := start; !d.After(to.To) && !d.After(today); d = d.AddMonths(months) {
		end := d.AddMonths(months).AddDays(-1)
		if end.After(today) {
			end = today
		}
		out = append(out, end)
	}
	return out
}

// Gap is why a point has no figure.
type Gap string

const (
	// NoCounterpart: nothing in the set in force on the date stands for the
	// criterion (the crosswalk maps it from nothing).
	NoCounterpart Gap = "NO_COUNTERPART"
	// NoAssessment: no commune under the unit has an assessment under the
	// set in force on the date that tells the criterion.
	NoAssessment Gap = "NO_ASSESSMENT"
	// NoSet: no commune set is in force on the date, or none that a
	// crosswalk leads from to the target set.
	NoSet Gap = "NO_SET"
	// NoUnit: the unit did not exist on the date, or was not a commune,
	// district or province then (a ward, a merged commune).
	NoUnit Gap = "NO_UNIT"
)

// Point is one criterion on one date.
type Point struct {
	Gap Gap // "" when the point has a figure
	// Met: communes whose statuses, read through the crosswalks, meet the
	// criterion; Assessed: those whose statuses tell (met or not).
	Met, Assessed int
	Confirmed     bool
	Approximate   bool
}

// Missing says the point has no figure (Gap says why); its counts are zero
// and must not be read as "no commune".
func (p Point) Missing() bool { return p.Gap != "" }

// Count is the point of each reading, aligned with readings, from the
// states of the communes under the unit (their statuses under the source
// set of the readings).
func Count(readings []Reading, states []scoring.CommuneState) []Point {
	out := make([]Point, len(readings))
	for i := range readings {
		r := &readings[i]
		p := Point{Confirmed: r.Confirmed, Approximate: r.Approximate}
		if r.Missing {
			out[i] = Point{Gap: NoCounterpart}
			continue
		}
		for _, s := range states {
			switch r.Of(s.Statuses) {
			case Met:
				p.Met++
				p.Assessed++
			case NotMet:
				p.Assessed++
			}
		}
		if p.Assessed == 0 {
			p = Point{Gap: NoAssessment}
		}
		out[i] = p
	}
	return out
}

// Gaps is a point of each of n criteria with the same gap: the whole date
// has no figure (no set, no unit).
func Gaps(n int, gap Gap) []Point {
	out := make([]Point, n)
	for i := range out {
		out[i].Gap = gap
	}
	return out
}
