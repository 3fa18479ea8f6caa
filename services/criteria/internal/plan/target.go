package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/period"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// Target is a target (chỉ tiêu kế hoạch) a unit set for a year or a phase,
// e.g. "2021: 7 communes reach NTM". There is at most one per unit, period
// and kind.
type Target struct {
	ID       int64
	UnitCode string
	// Period is a year or a phase, never a half.
	Period         period.Period
	Kind           string
	Value          float64
	DecisionNumber string
	DecidedOn      date.Date // zero when not given
	Note           string
	CreatedAt      time.Time
}

// TargetName is a target's resource name.
func TargetName(unitCode string, id int64) string {
	return fmt.Sprintf("units/%s/targets/%d", unitCode, id)
}

// Name is t's resource name.
func (t Target) Name() string { return TargetName(t.UnitCode, t.ID) }

// Kind is what the checks need of a target kind of the catalog.
type Kind struct {
	Code string
	// ValueUnit is the unit values are given in; "%" bounds them to 100.
	ValueUnit string
	// UnitType is the type of the units whose recognitions the kind counts
	// (districts completing the task); UNIT_TYPE_UNSPECIFIED for kinds
	// that count no recognitions (criteria, OCOP products).
	UnitType registryv1.UnitType
}

// CheckKindForUnit checks that kind can have a result for unit, of
// unitType in the period (UNIT_TYPE_UNSPECIFIED: the whole country); field
// names the kind in the request ("target.kind"). A kind counting
// recognitions of units of a type counts the unit itself or the units of
// that type under it, so none lies under a unit of a lower rank: a commune's
// district target, or a village's commune target, could never be met nor
// missed. Wards and townships rank as communes.
func CheckKindForUnit(field, unit string, unitType registryv1.UnitType, kind Kind) error {
	if kind.UnitType == registryv1.UnitType_UNIT_TYPE_UNSPECIFIED || rank(unitType) <= rank(kind.UnitType) {
		return nil
	}
	return fault.Invalid(field, "%s counts %s recognitions and unit %s is a %s: no %s lies under it, so the kind never has a result for it",
		kind.Code, kind.UnitType, unit, unitType, kind.UnitType)
}

// rank is how far below the whole country (no type) a unit type lies.
func rank(t registryv1.UnitType) int {
	switch t {
	case registryv1.UnitType_PROVINCE:
		return 1
	case registryv1.UnitType_DISTRICT:
		return 2
	case registryv1.UnitType_COMMUNE, registryv1.UnitType_WARD, registryv1.UnitType_TOWNSHIP:
		return 3
	case registryv1.UnitType_VILLAGE:
		return 4
	}
	return 0
}

// PercentUnit is the value unit of kinds given in percent.
const PercentUnit = "%"

// TargetPeriod reads the period of a target, or of a list of targets, in
// field: a year, or one of phases, the programme phases the catalogs name
// (a span of years the programme never had would hold targets no report
// asks for). Six-month reports are measured against the year's targets, so
// a half holds none.
func TargetPeriod(s, field string, phases []period.Period) (period.Period, error) {
	p, err := period.Parse(s)
	if err != nil {
		return p, fault.Invalid(field, "%v", err)
	}
	switch {
	case p.Kind == period.Half:
		return p, fault.Invalid(field, "%s is six months: targets are set for a year (%s) or a phase (2021-2025)", s, p.YearPeriod())
	case p.Kind == period.Phase && !slices.ContainsFunc(phases, func(k period.Period) bool { return k.Text == p.Text }):
		return p, fault.Invalid(field, "%s is not a phase of the programme: the criteria catalogs name %s", s, phaseList(phases))
	}
	return p, nil
}

// phaseList is how a refusal names the known phases: "2016-2020, 2021-2025".
func phaseList(phases []period.Period) string {
	if len(phases) == 0 {
		return "none"
	}
	texts := make([]string, len(phases))
	for i, p := range phases {
		texts[i] = p.Text
	}
	return strings.Join(texts, ", ")
}

// CheckTarget checks t's kind (nil: no such kind in the catalog), value and
// decision date, reporting every bad field at once.
func CheckTarget(t Target, kind *Kind, today date.Date) error {
	vs := checkKindAndValue(nil, "target.", t.Kind, kind, t.Value)
	if t.DecidedOn.After(today) {
		vs = append(vs, fault.Violation{Field: "target.decided_on",
			Description: fmt.Sprintf("%s is in the future: give the date of the decision that set the target", t.DecidedOn)})
	}
	if len(vs) > 0 {
		return fault.Invalids(vs...)
	}
	return nil
}

// checkKindAndValue adds to vs what is wrong with a kind code (nil kind:
// unknown) and a value given in it; prefix is the message's field path.
func checkKindAndValue(vs []fault.Violation, prefix, code string, kind *Kind, value float64) []fault.Violation {
	switch {
	case kind == nil:
		return append(vs, fault.Violation{Field: prefix + "kind",
			Description: fmt.Sprintf("no target kind %q (GET /v1/targetKinds lists them)", code)})
	case value < 0:
		return append(vs, fault.Violation{Field: prefix + "value", Description: fmt.Sprintf("%g is negative", value)})
	case kind.ValueUnit == PercentUnit && value > 100:
		return append(vs, fault.Violation{Field: prefix + "value",
			Description: fmt.Sprintf("%g is above 100: %s is a percentage", value, kind.Code)})
	}
	return vs
}

// SameTarget reports whether b repeats a, so that a retry gets the first
// record back.
func SameTarget(a, b Target) bool {
	return a.UnitCode == b.UnitCode && a.Period.Text == b.Period.Text && a.Kind == b.Kind && a.Value == b.Value &&
		a.DecisionNumber == b.DecisionNumber && a.DecidedOn.Equal(b.DecidedOn) && a.Note == b.Note
}

// TargetConflict is the refusal of t when existing holds its unit, period
// and kind with other details.
func TargetConflict(existing, t Target) error {
	return fault.AlreadyExists("target", existing.Name(),
		"unit %s already has a target %s for %s (%s), with other details; a retry must repeat the first request exactly",
		t.UnitCode, t.Kind, t.Period, existing.Name())
}
