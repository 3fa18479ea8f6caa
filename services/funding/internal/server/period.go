package server

import (
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/request"
)

// period is the dates a funding read answers for.
type period struct {
	// asOf is the day whose units the figures roll up over and the last day
	// whose records they count.
	asOf date.Date
	// from and to bound the period, inclusive: plans of its budget years,
	// disbursements dated in it.
	from, to date.Date
}

// readPeriod reads as_of (empty: today), to (empty: as_of) and from
// (empty: the first of January of to's year).
func readPeriod(asOfText, fromText, toText string) (period, error) {
	asOf, err := request.AsOf(asOfText, "as_of")
	if err != nil {
		return period{}, err
	}
	p := period{asOf: asOf, to: asOf}
	if toText != "" {
		if p.to, err = request.Date(toText, "to"); err != nil {
			return period{}, err
		}
	}
	p.from = date.Of(p.to.Year(), time.January, 1)
	if fromText != "" {
		if p.from, err = request.Date(fromText, "from"); err != nil {
			return period{}, err
		}
	}
	if p.from.After(p.to) {
		return period{}, fault.Invalid("from", "%s is after to, %s", p.from, p.to)
	}
	return p, nil
}

// until is the last day whose disbursements count: the period's end, or
// as_of when that comes first (the day did not know later ones).
func (p period) until() date.Date {
	if p.asOf.Before(p.to) {
		return p.asOf
	}
	return p.to
}
