package server

import (
	"context"
	"errors"
	"strings"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/request"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/plan"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// CreateTarget records a unit's target for a year or a phase once: a retry
// gets the first record (200), another target of the same unit, period and
// kind is refused (409) naming it.
func (s *Server) CreateTarget(ctx context.Context, req *criteriav1.CreateTargetRequest) (*criteriav1.Target, error) {
	if err := s.guard.Unit(ctx, auth.Write, req.GetUnitCode()); err != nil {
		return nil, err
	}
	t, err := s.checkedTarget(ctx, req.GetUnitCode(), req.GetTarget())
	if err != nil {
		return nil, err
	}
	saved, created, err := s.plans.CreateTarget(ctx, t)
	if err != nil {
		return nil, err
	}
	if err := answerCreate(ctx, created, plan.SameTarget(saved, t), func() error { return plan.TargetConflict(saved, t) }); err != nil {
		return nil, err
	}
	return targetToProto(saved), nil
}

// checkedTarget is p, a target of unit, checked against the catalog's
// kinds and the unit in the target's period.
func (s *Server) checkedTarget(ctx context.Context, unit string, p *criteriav1.Target) (plan.Target, error) {
	t, err := targetFromProto(unit, p, s.catalog.Phases())
	if err != nil {
		return t, err
	}
	kind := s.targetKind(t.Kind)
	if err := plan.CheckTarget(t, kind, date.Today()); err != nil {
		return t, err
	}
	// A unit of the period: one abolished or created within it set targets too.
	u, err := s.unitIn(ctx, t.UnitCode, t.Period.From, t.Period.To)
	if err != nil {
		return t, err
	}
	return t, plan.CheckKindForUnit("target.kind", t.UnitCode, u.Type, *kind)
}

// ListTargets lists a unit's targets of one period, or of every period;
// with as_of, only those decided on or before it (or with no decision
// date): a report counted on a date shows the plan known then.
func (s *Server) ListTargets(ctx context.Context, req *criteriav1.ListTargetsRequest) (*criteriav1.ListTargetsResponse, error) {
	if err := s.guard.Unit(ctx, auth.Read, req.GetUnitCode()); err != nil {
		return nil, err
	}
	q := store.TargetQuery{UnitCode: req.GetUnitCode()}
	var err error
	if req.GetPeriod() != "" {
		if q.Period, err = plan.TargetPeriod(req.GetPeriod(), "period", s.catalog.Phases()); err != nil {
			return nil, err
		}
	}
	if req.GetAsOf() != "" {
		if q.AsOf, err = request.Date(req.GetAsOf(), "as_of"); err != nil {
			return nil, err
		}
	}
	ts, err := s.plans.ListTargets(ctx, q)
	if err != nil {
		return nil, err
	}
	resp := &criteriav1.ListTargetsResponse{}
	for _, t := range ts {
		resp.Targets = append(resp.Targets, targetToProto(t))
	}
	return resp, nil
}

// targetKind is what the checks need of the catalog's kind code; nil when
// there is none.
func (s *Server) targetKind(code string) *plan.Kind {
	k, ok := s.catalog.TargetKind(code)
	if !ok {
		return nil
	}
	return &plan.Kind{Code: k.Code, ValueUnit: k.ValueUnit, UnitType: unitTypeToProto(k.UnitType)}
}

// unitIn is the unit a target or an estimate belongs to, on the first of
// days it exists on, asked in order: bad input naming unit_code when it
// exists on none. The whole country exists every day and has no type.
func (s *Server) unitIn(ctx context.Context, code string, days ...date.Date) (registryclient.Unit, error) {
	if code == CountryCode {
		return registryclient.Unit{Code: code}, nil
	}
	for _, d := range days {
		u, err := s.registry.Unit(ctx, code, d)
		if !errors.Is(err, registryclient.ErrUnitNotFound) {
			return u, err
		}
	}
	return registryclient.Unit{}, fault.Invalid("unit_code", "unit %s does not exist on %s", code, dayList(days))
}

// dayList is how a refusal names the days a unit was looked for: "2021-01-01 nor on 2025-12-31".
func dayList(days []date.Date) string {
	names := make([]string, len(days))
	for i, d := range days {
		names[i] = d.String()
	}
	return strings.Join(names, " nor on ")
}
