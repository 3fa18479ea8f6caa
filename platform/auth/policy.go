package auth

import (
	"slices"

	"github.com/ntmsuite/ntm/platform/fault"
)

// Action is what a call does, as far as permissions go.
type Action int

const (
	// Read is any read of figures or records.
	Read Action = iota + 1
	// Write records or changes something.
	Write
	// ReadAudit reads who changed what: admins only.
	ReadAudit
	// Decide records what an authority above the unit decided about it: a
	// recognition, a change of units, an OCOP council's review, score or
	// certificate. A commune does not recognise itself, so commune
	// officers may not; province officers may, inside their subtree.
	Decide
)

func (a Action) String() string {
	switch a {
	case Read:
		return "read"
	case Write:
		return "write"
	case ReadAudit:
		return "read the audit of"
	case Decide:
		return "record decisions about"
	}
	return "act on"
}

// CountryCode is the unit code of the whole country, above every province.
const CountryCode = "0"

// Path is a unit and its ancestors on a date, the unit first and its
// province last (["06005", "170", "19"]); the country is Path{"0"}. Scope is
// decided on paths so that the rules need no registry: the caller looks
// the paths up (as of today) and hands them in.
type Path []string

// Unit is the unit the path is of.
func (p Path) Unit() string {
	if len(p) == 0 {
		return CountryCode
	}
	return p[0]
}

// province is the top of the path: the province of its unit.
func (p Path) province() string {
	if len(p) == 0 {
		return CountryCode
	}
	return p[len(p)-1]
}

// under reports whether the path's unit is unit or lies under it.
func (p Path) under(unit string) bool { return slices.Contains(p, unit) }

// Authorize decides whether id may do a to the unit at target; caller is
// the path of id's own unit (needed for a commune officer's reads, which
// reach their whole province). It answers nil or a PermissionDenied fault
// naming the target unit.
//
//   - admin: everything;
//   - system (service to service): reads and writes, not the audit;
//   - province and commune officers: write inside their unit's subtree,
//     read inside their province (a district officer before 2025 holds a
//     province officer's role with the district's unit); province officers
//     also decide inside their subtree, commune officers never;
//   - viewer: reads, inside their unit's subtree when they have one.
func Authorize(id Identity, a Action, target, caller Path) error {
	if allowed(id, a, target, caller) {
		return nil
	}
	where, what := "units/"+target.Unit(), "unit "+target.Unit()
	if target.Unit() == CountryCode {
		what = "the whole country"
	}
	if id.Unit == "" {
		return fault.PermissionDenied("unit", where, "a %s may not %s %s", id.Role, a, what)
	}
	return fault.PermissionDenied("unit", where, "a %s of unit %s may not %s %s", id.Role, id.Unit, a, what)
}

func allowed(id Identity, a Action, target, caller Path) bool {
	switch id.Role {
	case Admin:
		return true
	case System:
		return a != ReadAudit
	case ProvinceOfficer, CommuneOfficer:
		switch a {
		case Decide:
			return id.Role == ProvinceOfficer && target.under(id.Unit)
		case Write:
			return target.under(id.Unit)
		case Read:
			return target.under(id.Unit) || caller.Unit() == id.Unit && target.under(caller.province())
		}
	case Viewer:
		return a == Read && (id.Unit == "" || target.under(id.Unit))
	}
	return false
}
