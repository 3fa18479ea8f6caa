package server

import (
	"context"
	"slices"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/period"
	"github.com/ntmsuite/ntm/platform/request"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// query is the period a report covers and the day it is counted on.
type query struct {
	period period.Period
	asOf   date.Date
	// asOfAsked is whether the caller gave as_of, or the report chose it.
	asOfAsked bool
}

// readQuery reads period and as_of. A period that has not begun by today
// cannot be reported. as_of must fall in the period and not after today (a
// report counts what has happened); empty, it is the period's last day, or
// today while the period runs.
func readQuery(periodText, asOfText string, today date.Date) (query, error) {
	p, err := period.Parse(periodText)
	if err != nil {
		return query{}, fault.Invalid("period", "%v", err)
	}
	if today.Before(p.From) {
		return query{}, fault.Invalid("period", "%s has not begun on %s: there is nothing to report yet", p, today)
	}
	if asOfText == "" {
		asOf := p.To
		if today.Before(asOf) {
			asOf = today
		}
		return query{period: p, asOf: asOf}, nil
	}
	asOf, err := request.Date(asOfText, "as_of")
	if err != nil {
		return query{}, err
	}
	if !p.Contains(asOf) {
		return query{}, fault.Invalid("as_of", "%s is outside the period %s (%s to %s): a report is counted on a day of its period", asOf, p, p.From, p.To)
	}
	if asOf.After(today) {
		return query{}, fault.Invalid("as_of", "%s is after today (%s): a report counts what has happened, leave as_of empty to count today", asOf, today)
	}
	return query{period: p, asOf: asOf, asOfAsked: true}, nil
}

// knownPhase refuses a period of several years that is not a phase of the
// programme: the phases are those the national criteria catalogs name
// (sets is every set the criteria service knows). Halves and years need
// no phase.
func knownPhase(p period.Period, sets []*criteriav1.CriteriaSet) error {
	if p.Kind != period.Phase {
		return nil
	}
	var phases []string
	for _, s := range sets {
		if s.GetProvinceCode() == "" && s.GetPhase() != "" && !slices.Contains(phases, s.GetPhase()) {
			phases = append(phases, s.GetPhase())
		}
	}
	if slices.Contains(phases, p.String()) {
		return nil
	}
	slices.Sort(phases)
	known := "none"
	if len(phases) > 0 {
		known = strings.Join(phases, ", ")
	}
	return fault.Invalid("period", "%s is not a phase of the programme: a report of several years covers one phase, and the criteria catalogs name %s", p, known)
}

// reportable refuses a unit that has no report: reports are of communes,
// of the districts and provinces above them, and of the whole country. u
// is the unit code names on asOf (nil for the country).
func reportable(code string, u *registryv1.Unit, asOf date.Date) error {
	if code == auth.CountryCode {
		return nil
	}
	switch u.GetType() {
	case registryv1.UnitType_COMMUNE, registryv1.UnitType_DISTRICT, registryv1.UnitType_PROVINCE:
		return nil
	}
	return fault.Invalid("unit_code", "%s (%s) is a %s on %s: reports are of communes, districts, provinces or the whole country (%s)",
		code, u.GetDisplayName(), strings.ToLower(u.GetType().String()), asOf, auth.CountryCode)
}

// refusal puts a service's refusal of what the report asked it in the
// report's own terms: the services are asked for the report's unit, period
// and date, so bad input there is the report's period, or its as_of when
// the caller chose the date; the caller never sent the service's fields.
// Any other error passes as it came.
func (q query) refusal(err error) error {
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.InvalidArgument {
		return err
	}
	field := "period"
	if q.asOfAsked {
		field = "as_of"
	}
	return fault.Invalid(field, "no report of %s can be counted on %s: %s", q.period, q.asOf, reasons(st))
}

// reasons are what a refusal says is wrong, without the service's field
// names: the descriptions of its field violations, else its message.
func reasons(st *status.Status) string {
	var out []string
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out = append(out, v.GetDescription())
			}
		}
	}
	if len(out) == 0 {
		// "invalid unit_code: ..." without details: keep what follows the field.
		msg := st.Message()
		if rest, ok := strings.CutPrefix(msg, "invalid "); ok {
			if _, reason, ok := strings.Cut(rest, ": "); ok {
				return reason
			}
		}
		return msg
	}
	return strings.Join(out, "; ")
}

// reportedUnit reads a report's period and as_of, checks the caller may
// read unit, that a phase is one of the catalogs', and that the unit can be
// reported on that day, and returns the query and the unit as it stood.
func (s *Server) reportedUnit(ctx context.Context, unit, periodText, asOfText string) (query, *registryv1.Unit, error) {
	q, err := readQuery(periodText, asOfText, date.Today())
	if err != nil {
		return q, nil, err
	}
	if err := s.guard.Unit(ctx, auth.Read, unit); err != nil {
		return q, nil, err
	}
	if q.period.Kind == period.Phase {
		// Only a phase is checked against the catalogs: a half or a year is
		// any the calendar has, and the sets are long to send.
		sets, err := s.sources.CriteriaSets(ctx)
		if err != nil {
			return q, nil, err
		}
		if err := knownPhase(q.period, sets); err != nil {
			return q, nil, err
		}
	}
	u, err := s.sources.Unit(ctx, unit, q.asOf)
	if err != nil {
		return q, nil, q.refusal(err)
	}
	return q, u, reportable(unit, u, q.asOf)
}
