package plan

import (
	"fmt"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
)

// Estimate is an estimate (dự ước) of a year-end result made during the
// year, e.g. "by the end of 2020, 108 communes". It is never a result: a
// later estimate of the same kind supersedes it from its own date on. There
// is at most one per unit, year, kind and day.
type Estimate struct {
	ID          int64
	UnitCode    string
	Year        int
	Kind        string
	Value       float64
	EstimatedOn date.Date
	Note        string
	CreatedAt   time.Time
}

// EstimateName is an estimate's resource name.
func EstimateName(unitCode string, id int64) string {
	return fmt.Sprintf("units/%s/estimates/%d", unitCode, id)
}

// Name is e's resource name.
func (e Estimate) Name() string { return EstimateName(e.UnitCode, e.ID) }

// CheckEstimate checks e's kind (nil: no such kind in the catalog), value
// and date, reporting every bad field at once. An estimate is made on a day
// already come, and before the year it estimates is over: after that the
// year has results.
func CheckEstimate(e Estimate, kind *Kind, today date.Date) error {
	vs := checkKindAndValue(nil, "estimate.", e.Kind, kind, e.Value)
	switch yearEnd := date.Of(e.Year, time.December, 31); {
	case e.EstimatedOn.After(today):
		vs = append(vs, fault.Violation{Field: "estimate.estimated_on",
			Description: fmt.Sprintf("%s is in the future: an estimate is recorded once made", e.EstimatedOn)})
	case e.EstimatedOn.After(yearEnd):
		vs = append(vs, fault.Violation{Field: "estimate.estimated_on",
			Description: fmt.Sprintf("%s is after the end of %d: the year has results by then, not estimates", e.EstimatedOn, e.Year)})
	}
	if len(vs) > 0 {
		return fault.Invalids(vs...)
	}
	return nil
}

// SameEstimate reports whether b repeats a, so that a retry gets the first
// record back.
func SameEstimate(a, b Estimate) bool {
	return a.UnitCode == b.UnitCode && a.Year == b.Year && a.Kind == b.Kind && a.Value == b.Value &&
		a.EstimatedOn.Equal(b.EstimatedOn) && a.Note == b.Note
}

// EstimateConflict is the refusal of e when existing holds its unit, year,
// kind and date with other details.
func EstimateConflict(existing, e Estimate) error {
	return fault.AlreadyExists("estimate", existing.Name(),
		"unit %s already has an estimate %s of %d made on %s (%s), with other details; a retry must repeat the first request exactly",
		e.UnitCode, e.Kind, e.Year, e.EstimatedOn, existing.Name())
}
