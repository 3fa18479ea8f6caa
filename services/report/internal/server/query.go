package server

import (
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/period"
	"github.com/ntmsuite/ntm/platform/request"
)

// query is the period a report covers and the day it is counted on.
type query struct {
	period period.Period
	asOf   date.Date
}

// readQuery reads period and as_of: as_of must fall in the period; empty,
// it is the period's last day, or today when the period has not ended. A
// period that has not begun by today cannot be reported.
func readQuery(periodText, asOfText string, today date.Date) (query, error) {
	p, err := period.Parse(periodText)
	if err != nil {
		return query{}, fault.Invalid("period", "%v", err)
	}
	if asOfText == "" {
		if today.Before(p.From) {
			return query{}, fault.Invalid("period", "%s has not begun on %s: there is nothing to report yet", p, today)
		}
		asOf := p.To
		if today.Before(asOf) {
			asOf = today
		}
		return query{p, asOf}, nil
	}
	asOf, err := request.Date(asOfText, "as_of")
	if err != nil {
		return query{}, err
	}
	if !p.Contains(asOf) {
		return query{}, fault.Invalid("as_of", "%s is outside the period %s (%s to %s): a report is counted on a day of its period", asOf, p, p.From, p.To)
	}
	return query{p, asOf}, nil
}
