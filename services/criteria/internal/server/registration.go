package server

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
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
// the registration's date and the set for that type at the end of the
// registration's year, works out what the unit misses of that set on the
// registration's date, and records it once: a retry gets the first record
// (200), another registration of the same unit, level and year is refused
// (409) naming it.
func (s *Server) CreateRegistration(ctx context.Context, req *criteriav1.CreateRegistrationRequest) (*criteriav1.Registration, error) {
	if err := s.guard.Unit(ctx, auth.Write, req.GetUnitCode()); err != nil {
		return nil, err
	}
	r, err := registrationFromProto(req.GetUnitCode(), req.GetRegistration())
	if err != nil {
		return nil, err
	}
	if err := plan.CheckRegistration(r, date.Today()); err != nil {
		return nil, err
	}
	set, err := s.placeRegistration(ctx, &r)
	if err != nil {
		return nil, err
	}
	if r.Gap, err = s.gap(ctx, r.UnitCode, set, r.RegisteredOn); err != nil {
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

// placeRegistration asks the registry for r's unit on its date and the
// catalog for the set assessing units of its type, for its province, on
// r's SetDay; checks r against both, and fills in the unit's type and the set.
func (s *Server) placeRegistration(ctx context.Context, r *plan.Registration) (*catalog.Set, error) {
	u, err := s.registry.Unit(ctx, r.UnitCode, r.RegisteredOn)
	if err != nil && !errors.Is(err, registryclient.ErrUnitNotFound) {
		return nil, err
	}
	t := catalog.UnitType(u.Type.String())
	p := plan.Placement{Exists: err == nil, Type: u.Type, Assessed: t.Assessed()}
	set, ok := s.catalog.SetFor(r.SetDay(), u.ProvinceCode, t)
	if p.Exists && ok {
		p.SetCode = set.Code
		for _, l := range set.Levels {
			p.Levels = append(p.Levels, registryv1.RecognitionLevel(registryv1.RecognitionLevel_value[string(l.Level)]))
		}
	}
	if err := plan.CheckPlacement(*r, p); err != nil {
		return nil, err
	}
	r.UnitType, r.SetCode = u.Type, set.Code
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

// ListRegistrations lists the registrations of a year of the units under
// the parent on as_of (and of the parent itself), by unit code. A unit is
// looked up among the units of the type it had when it registered: a
// commune that has become a ward by as_of is no longer listed.
func (s *Server) ListRegistrations(ctx context.Context, req *criteriav1.ListRegistrationsRequest) (*criteriav1.ListRegistrationsResponse, error) {
	if err := s.guard.Unit(ctx, auth.Read, cmp.Or(req.GetParent(), auth.CountryCode)); err != nil {
		return nil, err
	}
	year := int(req.GetYear())
	q := registrationsQuery{Parent: req.GetParent(), Year: year, AsOf: req.GetAsOf()}
	if q.AsOf == "" {
		// Later pages keep the first page's day, so paging across midnight
		// neither fails nor mixes two maps.
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
	types, err := s.plans.RegisteredTypes(ctx, year)
	if err != nil {
		return nil, err
	}
	if len(types) == 0 {
		// Nothing to look up, but a parent missing on the day is still one.
		if q.Parent != "" {
			_, err = s.unitAt(ctx, q.Parent, asOf)
		}
		return &criteriav1.ListRegistrationsResponse{}, err
	}
	units, err := s.registry.Under(ctx, q.Parent, asOf, types...)
	if errors.Is(err, registryclient.ErrUnitNotFound) {
		return nil, fault.NotFound("unit", "units/"+q.Parent, "unit %s does not exist on %s", q.Parent, asOf)
	}
	if err != nil {
		return nil, err
	}
	if q.Parent != "" {
		units = append(units, q.Parent)
	}
	limit := request.PageSize(req.GetPageSize(), defaultRegistrationPage, maxRegistrationPage)
	rows, err := s.plans.ListRegistrations(ctx, store.RegistrationQuery{Year: year, Units: units, After: after, Limit: limit + 1})
	if err != nil {
		return nil, err
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

// yearEndOrToday is the day a year's registrations are listed on by
// default: the end of the year, or today while it runs.
func yearEndOrToday(year int) date.Date {
	end, today := date.Of(year, time.December, 31), date.Today()
	if today.Before(end) {
		return today
	}
	return end
}
