// Package auth is who a caller is and how the suite proves it: signed bearer
// tokens (JWT, HS256 or EdDSA) carrying a role and a unit, keys loaded from
// a file or the environment, several at once so that keys rotate without a
// restart (the first signs, every one verifies).
package auth

import (
	"fmt"
	"regexp"
)

// Role is what a caller may do; the unit says where.
type Role string

const (
	// Admin may do everything everywhere, and read the audit.
	Admin Role = "admin"
	// ProvinceOfficer writes inside their province's subtree.
	ProvinceOfficer Role = "province_officer"
	// CommuneOfficer writes for their commune (and its villages) and reads their province.
	CommuneOfficer Role = "commune_officer"
	// Viewer reads only.
	Viewer Role = "viewer"
	// System is a service calling another one.
	System Role = "system"
)

// Roles are every role, in the order an office ranks them.
var Roles = []Role{Admin, ProvinceOfficer, CommuneOfficer, Viewer, System}

// Identity is a verified caller.
type Identity struct {
	// Subject names the person or service (the token's sub), for the audit.
	Subject string
	Role    Role
	// Unit is the officer's unit code; empty for admin, system, and a
	// viewer of the whole country.
	Unit string
}

var unitCode = regexp.MustCompile(`^[0-9]{1,12}$`)

// Check reports what makes an identity unusable: an unknown role, an
// officer without a unit, a unit that is not a unit code.
func (id Identity) Check() error {
	switch id.Role {
	case Admin, System, Viewer:
	case ProvinceOfficer, CommuneOfficer:
		if id.Unit == "" {
			return fmt.Errorf("a %s needs a unit", id.Role)
		}
	default:
		return fmt.Errorf("unknown role %q (one of %v)", id.Role, Roles)
	}
	if id.Unit != "" && !unitCode.MatchString(id.Unit) {
		return fmt.Errorf("unit %q is not a unit code", id.Unit)
	}
	if id.Unit == CountryCode {
		// The country is above every province: an officer of it would be
		// an admin by another name. A country-wide viewer has no unit.
		return fmt.Errorf("unit %s is the whole country, not a unit one holds", CountryCode)
	}
	if id.Subject == "" {
		return fmt.Errorf("no subject: the audit must say who")
	}
	return nil
}
