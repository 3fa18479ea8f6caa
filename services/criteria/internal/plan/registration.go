// Package plan is the programme's plans as the offices keep them:
// registrations of units to reach a level in a year, targets of a unit for a
// year or a phase, and estimates (dự ước) of year-end results. It checks what
// a request says against the map and the catalogs it is handed, and works out
// what a registered unit still misses; it reads and writes nothing itself.
package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// Registration is a unit's registration (đăng ký) to reach Level in Year.
// There is at most one per unit, level and year.
type Registration struct {
	ID       int64
	UnitCode string
	// UnitType is the unit's type on RegisteredOn: with the year it chose
	// the set.
	UnitType registryv1.UnitType
	// UnitPath is the unit and its ancestors up to its province on
	// RegisteredOn, the unit first: the units whose lists the registration
	// belongs to, whatever the map became since (a commune since merged away
	// or become a ward stays in its district's list of the year).
	UnitPath       []string
	Level          registryv1.RecognitionLevel
	Year           int
	RegisteredOn   date.Date
	DecisionNumber string
	Note           string
	// SetCode and Gap are worked out when the registration is recorded and
	// kept with it: the set for the unit's type that Year is measured under
	// (catalog.SetForYear), and what the unit missed of it on the day the
	// list was approved.
	SetCode   string
	Gap       Gap
	CreatedAt time.Time
}

// RegistrationName is a registration's resource name, as the API gives it
// and the audit trail records it.
func RegistrationName(unitCode string, id int64) string {
	return fmt.Sprintf("units/%s/registrations/%d", unitCode, id)
}

// Name is r's resource name.
func (r Registration) Name() string { return RegistrationName(r.UnitCode, r.ID) }

// CheckRegistration checks what a registration says on its own, before the
// registry and the catalog are asked. Errors name the request's fields.
func CheckRegistration(r Registration, today date.Date) error {
	var vs []fault.Violation
	if r.RegisteredOn.After(today) {
		// The gap is read from the assessments up to the date: one still to
		// come would be computed before the assessments it should see.
		vs = append(vs, fault.Violation{Field: "registration.registered_on",
			Description: fmt.Sprintf("%s is in the future: a registration is recorded once the list is approved", r.RegisteredOn)})
	}
	if r.Year < r.RegisteredOn.Year() {
		vs = append(vs, fault.Violation{Field: "registration.year",
			Description: fmt.Sprintf("%d is before the registration's date %s: a unit registers for the year it registers in or a later one", r.Year, r.RegisteredOn)})
	}
	if len(vs) > 0 {
		return fault.Invalids(vs...)
	}
	return nil
}

// Placement is what the registry says of a registration's unit on its date
// and the catalog of the set its type is measured under in the
// registration's year: the one in force at the end of the year, else the
// last one in force during it. A commune registering in 2025 for 2026 is
// recognised under the 2026-2030 set, whatever was in force when it
// registered; a district registering for 2025 under the district set that
// ended on 2025-06-30, when districts were abolished.
type Placement struct {
	// Exists is false when the unit does not exist on the registration's date.
	Exists bool
	Type   registryv1.UnitType
	// Assessed is true when some criteria set assesses units of Type (not
	// wards nor townships).
	Assessed bool
	// SetCode is the criteria set assessing units of Type in the
	// registration's year, for the unit's province; "" when none is in
	// force during the year. Levels are the levels it defines.
	SetCode string
	Levels  []registryv1.RecognitionLevel
}

// CheckPlacement checks that r's unit exists on its date and is of a type
// some criteria set assesses, that a set for that type is in force during
// r's year, and that it defines r's level: a village cannot register as a
// district would, nor a ward at all, nor a district for a year after the
// one districts were abolished in.
func CheckPlacement(r Registration, p Placement) error {
	switch {
	case !p.Exists:
		return fault.Invalid("unit_code", "unit %s does not exist on %s", r.UnitCode, r.RegisteredOn)
	case !p.Assessed:
		return fault.Invalid("unit_code", "unit %s is a %s on %s: no criteria set assesses a %s, so it has no level to register for",
			r.UnitCode, p.Type, r.RegisteredOn, p.Type)
	case p.SetCode == "":
		return fault.Invalid("registration.year", "no criteria set for %s units is in force during %d: there is no level to reach that year",
			p.Type, r.Year)
	case !slices.Contains(p.Levels, r.Level):
		return fault.Invalid("registration.level", "unit %s is a %s, and criteria set %s, under which %d is measured, defines %s, not %s",
			r.UnitCode, p.Type, p.SetCode, r.Year, levelList(p.Levels), r.Level)
	}
	return nil
}

// levelList is how a refusal names the levels a set defines: "STANDARD, MODEL".
func levelList(ls []registryv1.RecognitionLevel) string {
	if len(ls) == 0 {
		return "no level"
	}
	names := make([]string, len(ls))
	for i, l := range ls {
		names[i] = l.String()
	}
	return strings.Join(names, ", ")
}

// SameRegistration reports whether b repeats a: the same request sent again
// (a retry after a timeout), which gets the first record back. What the
// server works out (set, gap) is not compared: a retry cannot change it.
func SameRegistration(a, b Registration) bool {
	return a.UnitCode == b.UnitCode && a.Level == b.Level && a.Year == b.Year && a.RegisteredOn.Equal(b.RegisteredOn) &&
		a.DecisionNumber == b.DecisionNumber && a.Note == b.Note
}

// RegistrationConflict is the refusal of r when existing holds its unit,
// level and year with other details.
func RegistrationConflict(existing, r Registration) error {
	return fault.AlreadyExists("registration", existing.Name(),
		"unit %s is already registered for %s in %d as %s, with other details; a retry must repeat the first request exactly",
		r.UnitCode, r.Level, r.Year, existing.Name())
}
