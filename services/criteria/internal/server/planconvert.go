package server

import (
	"fmt"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/period"
	"github.com/ntmsuite/ntm/platform/request"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/plan"
)

// The plans take their unit from the path; a body may repeat it but not
// name another, so the unit the guard checked is the one written.

// bodyUnit is a violation of field when a body names another unit than the path.
func bodyUnit(field, body, path string) []fault.Violation {
	if body == "" || body == path {
		return nil
	}
	return []fault.Violation{{Field: field, Description: fmt.Sprintf("is %s but the path names unit %s", body, path)}}
}

// dateField adds to vs a violation of field when s does not read as a date;
// optional dates may be empty.
func dateField(vs []fault.Violation, s, field string, optional bool) (date.Date, []fault.Violation) {
	if optional && s == "" {
		return date.Date{}, vs
	}
	d, err := request.Date(s, field)
	if f, ok := fault.As(err); ok {
		return d, append(vs, f.Violations...)
	}
	return d, vs
}

func invalid(vs []fault.Violation) error {
	if len(vs) > 0 {
		return fault.Invalids(vs...)
	}
	return nil
}

func registrationFromProto(unit string, p *criteriav1.Registration) (plan.Registration, error) {
	r := plan.Registration{UnitCode: unit, Level: p.GetLevel(), Year: int(p.GetYear()), DecisionNumber: p.GetDecisionNumber(), Note: p.GetNote()}
	vs := bodyUnit("registration.unit_code", p.GetUnitCode(), unit)
	r.RegisteredOn, vs = dateField(vs, p.GetRegisteredOn(), "registration.registered_on", false)
	return r, invalid(vs)
}

func registrationToProto(r plan.Registration) *criteriav1.Registration {
	g := &criteriav1.PlanGap{Assessment: r.Gap.Assessment, AssessedOn: r.Gap.AssessedOn.String(),
		CriteriaMet: int32(r.Gap.Met), CriteriaCount: int32(r.Gap.Count)}
	for _, m := range r.Gap.Missing {
		g.Missing = append(g.Missing, &criteriav1.MissingCriterion{Code: m.Code, DisplayName: m.Name})
	}
	return &criteriav1.Registration{Name: r.Name(), Id: r.ID, UnitCode: r.UnitCode, Level: r.Level, Year: int32(r.Year),
		RegisteredOn: r.RegisteredOn.String(), DecisionNumber: r.DecisionNumber, Note: r.Note,
		CriteriaSet: r.SetCode, Gap: g, CreateTime: createTime(r.CreatedAt), UnitType: r.UnitType}
}

// targetFromProto reads a target's body; phases are the programme phases
// its period may name besides a year.
func targetFromProto(unit string, p *criteriav1.Target, phases []period.Period) (plan.Target, error) {
	t := plan.Target{UnitCode: unit, Kind: p.GetKind(), Value: p.GetValue(), DecisionNumber: p.GetDecisionNumber(), Note: p.GetNote()}
	vs := bodyUnit("target.unit_code", p.GetUnitCode(), unit)
	var err error
	if t.Period, err = plan.TargetPeriod(p.GetPeriod(), "target.period", phases); err != nil {
		f, _ := fault.As(err)
		vs = append(vs, f.Violations...)
	}
	t.DecidedOn, vs = dateField(vs, p.GetDecidedOn(), "target.decided_on", true)
	return t, invalid(vs)
}

func targetToProto(t plan.Target) *criteriav1.Target {
	return &criteriav1.Target{Name: t.Name(), Id: t.ID, UnitCode: t.UnitCode, Period: t.Period.Text, Kind: t.Kind, Value: t.Value,
		DecisionNumber: t.DecisionNumber, DecidedOn: t.DecidedOn.String(), Note: t.Note, CreateTime: createTime(t.CreatedAt)}
}

func estimateFromProto(unit string, p *criteriav1.Estimate) (plan.Estimate, error) {
	e := plan.Estimate{UnitCode: unit, Year: int(p.GetYear()), Kind: p.GetKind(), Value: p.GetValue(), Note: p.GetNote()}
	vs := bodyUnit("estimate.unit_code", p.GetUnitCode(), unit)
	e.EstimatedOn, vs = dateField(vs, p.GetEstimatedOn(), "estimate.estimated_on", false)
	return e, invalid(vs)
}

func estimateToProto(e plan.Estimate) *criteriav1.Estimate {
	return &criteriav1.Estimate{Name: e.Name(), Id: e.ID, UnitCode: e.UnitCode, Year: int32(e.Year), Kind: e.Kind, Value: e.Value,
		EstimatedOn: e.EstimatedOn.String(), Note: e.Note, CreateTime: createTime(e.CreatedAt)}
}

// createTime is how records give the server time they were recorded.
func createTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
