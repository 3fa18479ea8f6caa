package server

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/request"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/criteria/internal/plan"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

const (
	defaultRegistrationPage = 100
	maxRegistrationPage     = 1000
)

// CreateRegistration checks the registration against the unit's type on
// the registration's date and the set that type is measured under in the
// registration's year, works out what the unit misses of that set on the
// registration's date, and records it once: a retry gets the first record
// (200), another registration of the same unit, level and year is refused
// (409) naming it.
func (s *Server) CreateRegistration(ctx context.Context, req *criteriav1.CreateRegistrationRequest) (*criteriav1.Registration, error) {
	if err := s.guard.Unit(ctx, auth.Write, req.GetUnitCode()); err != nil {
		return nil, err
	}
	r, err := s.checkedRegistration(ctx, req.GetUnitCode(), req.GetRegistration())
	if err != nil {
		return nil, err
	}
	saved, created, err := s.plans.CreateRegistration(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := answerCreate(ctx, created, plan.SameRegistration(saved, r), func() error { return plan.RegistrationConflict(saved, r) }); err != nil {
		return nil, err
	}
	return registrationToProto(saved), nil
}

// checkedRegistration is p, a registration of unit, checked against the
// unit on its date and the set of its year, with what the unit misses of
// that set.
func (s *Server) checkedRegistration(ctx context.Context, unit string, p *criteriav1.Registration) (plan.Registration, error) {
	r, err := registrationFromProto(unit, p)
	if err != nil {
		return r, err
	}
	if err := plan.CheckRegistration(r, date.Today()); err != nil {
		return r, err
	}
	set, err := s.placeRegistration(ctx, &r)
	if err != nil {
		return r, err
	}
	r.Gap, err = s.gap(ctx, r.UnitCode, set, r.RegisteredOn)
	return r, err
}

// placeRegistration asks the registry for r's unit on its date and the
// catalog for the set units of its type, in its province, are measured
// under in r's year; checks r against both, and fills in the unit's type,
// its path on its date (the lists it belongs to) and the set.
func (s *Server) placeRegistration(ctx context.Context, r *plan.Registration) (*catalog.Set, error) {
	u, err := s.registry.Unit(ctx, r.UnitCode, r.RegisteredOn)
	if err != nil && !errors.Is(err, registryclient.ErrUnitNotFound) {
		return nil, err
	}
	t := catalog.UnitType(u.Type.String())
	p := plan.Placement{Exists: err == nil, Type: u.Type, Assessed: t.Assessed()}
	set, ok := s.catalog.SetForYear(r.Year, u.ProvinceCode, t)
	if p.Exists && ok {
		p.SetCode = set.Code
		for _, l := range set.Levels {
			p.Levels = append(p.Levels, registryv1.RecognitionLevel(registryv1.RecognitionLevel_value[string(l.Level)]))
		}
	}
	if err := plan.CheckPlacement(*r, p); err != nil {
		return nil, err
	}
	r.UnitType, r.UnitPath, r.SetCode = u.Type, append([]string{u.Code}, u.Ancestors...), set.Code
	return set, nil
}

// gap is what unit misses of set on its latest assessment under it on or
// before d.
func (s *Server) gap(ctx context.Context, unit string, set *catalog.Set, d date.Date) (plan.Gap, error) {
	a, err := s.store.Latest(ctx, unit, set.Code, d)
	if errors.Is(err, store.ErrNotFound) {
		return plan.GapOf(set, nil), nil
	}
	if err != nil {
		return plan.Gap{}, err
	}
	return plan.GapOf(set, &plan.Assessed{Name: store.Name(a.UnitCode, a.ID), On: a.AssessedOn, Criteria: a.Result.Criteria}), nil
}

// ListRegistrations lists the registrations of a year made on or before
// as_of by the parent itself and by the units under it on the day each
// registered (the path stored with it), by unit code, a page a query. A
// commune that has since become a ward, merged away or moved to another
// district stays in the list it registered in. The registry is asked
// nothing unless the list is empty, to tell a parent with nothing listed
// from one that never was.
func (s *Server) ListRegistrations(ctx context.Context, req *criteriav1.ListRegistrationsRequest) (*criteriav1.ListRegistrationsResponse, error) {
	if err := s.guard.Unit(ctx, auth.Read, cmp.Or(req.GetParent(), auth.CountryCode)); err != nil {
		return nil, err
	}
	year := int(req.GetYear())
	q := registrationsQuery{Parent: req.GetParent(), Year: year, AsOf: req.GetAsOf()}
	if q.AsOf == "" {
		// Later pages keep the first page's day, so paging across midnight
		// neither fails nor mixes two lists.
		first, _ := readRegistrationsToken(req.GetPageToken())
		q.AsOf = cmp.Or(first.Query.AsOf, yearEndOrToday(year).String())
	}
	asOf, err := request.Date(q.AsOf, "as_of")
	if err != nil {
		return nil, err
	}
	after, err := registrationsAfter(req.GetPageToken(), q)
	if err != nil {
		return nil, err
	}
	limit := request.PageSize(req.GetPageSize(), defaultRegistrationPage, maxRegistrationPage)
	rows, err := s.plans.ListRegistrations(ctx, store.RegistrationQuery{Year: year, Parent: q.Parent, AsOf: asOf, After: after, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 && q.Parent != "" {
		if err := s.parentKnown(ctx, q.Parent, asOf); err != nil {
			return nil, err
		}
	}
	resp := &criteriav1.ListRegistrationsResponse{}
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		resp.NextPageToken = registrationsToken{Query: q, Unit: last.UnitCode, ID: last.ID}.encode()
	}
	for _, r := range rows {
		resp.Registrations = append(resp.Registrations, registrationToProto(r))
	}
	return resp, nil
}

// parentKnown is nil when parent has registrations of any year in its list
// or exists on asOf (it then has none that year), and NotFound naming it
// when neither: a code that was never a unit is not an empty list.
func (s *Server) parentKnown(ctx context.Context, parent string, asOf date.Date) error {
	known, err := s.plans.AnyRegistrationUnder(ctx, parent)
	if err != nil || known {
		return err
	}
	_, err = s.unitAt(ctx, parent, asOf)
	return err
}

// yearEndOrToday is the day a year's registrations are listed on by
// default: the end of the year, or today while it runs.
func yearEndOrToday(year int) date.Date {
	end, today := date.Of(year, time.December, 31), date.Today()
	if today.Before(end) {
		return today
	}
	return end
}
