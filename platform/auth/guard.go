package auth

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
)

// ErrUnknownUnit is what a PathFunc answers for a unit that has never
// existed.
var ErrUnknownUnit = errors.New("unknown unit")

// PathFunc looks up the path of unit as of day: the registry's ancestors,
// or for a unit no longer in existence, its path on its last day (its
// province keeps the say over its records).
type PathFunc func(ctx context.Context, unit string, day date.Date) (Path, error)

// Guard applies Authorize to the caller of a request, looking the paths
// of units up as of today. Handlers call it before they read anything about
// the resource, so an answer never depends on what lies outside the
// caller's scope.
type Guard struct {
	on    bool
	paths PathFunc
}

// NewGuard returns a guard; on is false when the service runs without
// authentication (no keys), and then every call is allowed.
func NewGuard(on bool, paths PathFunc) *Guard { return &Guard{on: on, paths: paths} }

// Unit checks that the caller may do a to unit: nil, PermissionDenied
// naming the unit, or the registry's error when it cannot be asked.
func (g *Guard) Unit(ctx context.Context, a Action, unit string) error {
	id, err := g.caller(ctx)
	if err != nil || id == nil || !scoped(*id, a) {
		return err
	}
	target, caller, known, err := g.pathsOf(ctx, *id, a, unit)
	if err != nil {
		return err
	}
	if err := unitOfRole(*id, known...); err != nil {
		return err
	}
	return Authorize(*id, a, target, caller)
}

// unitOfRole refuses an officer whose token names a unit of the wrong
// type, as far as paths the registry knows show it: a commune officer's
// unit has a unit above it (a province is the top of its path, and a
// commune officer of one would write anywhere in it), and a province
// officer's has at most one (a province, or a district before 2025), for
// a unit under two others is a commune or a village.
func unitOfRole(id Identity, paths ...Path) error {
	for _, p := range paths {
		i := slices.Index(p, id.Unit)
		if i < 0 {
			continue
		}
		above := len(p) - 1 - i
		switch {
		case id.Role == CommuneOfficer && above == 0:
			return fault.PermissionDenied("unit", "units/"+id.Unit,
				"a %s's token must name a commune, and unit %s is a province (no unit above it today): ask for a %s token", id.Role, id.Unit, ProvinceOfficer)
		case id.Role == ProvinceOfficer && above >= 2:
			return fault.PermissionDenied("unit", "units/"+id.Unit,
				"a %s's token must name a province (or, before 2025, a district), and unit %s lies under %s: ask for a %s token",
				id.Role, id.Unit, p[i+1], CommuneOfficer)
		}
	}
	return nil
}

// Units checks a on every distinct unit of codes, in order, as a batch
// needs before it writes anything: the first refusal refuses it all.
// Empty codes are skipped; the request's validation names them.
func (g *Guard) Units(ctx context.Context, a Action, codes ...string) error {
	seen := map[string]bool{"": true}
	for _, code := range codes {
		if seen[code] {
			continue
		}
		seen[code] = true
		if err := g.Unit(ctx, a, code); err != nil {
			return err
		}
	}
	return nil
}

// Somewhere checks that the caller may do a to some unit: their own (the
// whole country for one without a unit). A file import asks it before it
// reads the file, refusing a viewer outright, then checks each row's unit.
func (g *Guard) Somewhere(ctx context.Context, a Action) error {
	id, _ := FromContext(ctx)
	return g.Unit(ctx, a, cmp.Or(id.Unit, CountryCode))
}

// Global checks an action that concerns no one unit, such as reading the
// audit (admins only).
func (g *Guard) Global(ctx context.Context, a Action) error {
	id, err := g.caller(ctx)
	if err != nil || id == nil {
		return err
	}
	return Authorize(*id, a, Path{CountryCode}, nil)
}

// Resource checks that the caller may do a to a resource addressed by its
// own name (plans/12), which belongs to unit; found is false when there is
// no such resource. A scoped caller gets the same PermissionDenied, naming
// the resource and not its unit, whether it is outside their scope or does
// not exist, so they cannot probe what lies outside it. Unscoped callers
// get nil for a missing resource, for the handler's NotFound.
func (g *Guard) Resource(ctx context.Context, a Action, resourceType, name, unit string, found bool) error {
	id, err := g.caller(ctx)
	if err != nil || id == nil || !scoped(*id, a) {
		return err
	}
	if found {
		err = g.Unit(ctx, a, unit)
		if f, ok := fault.As(err); err == nil || !ok || f.Kind != fault.KindPermissionDenied {
			return err
		}
	} else if id.Unit != "" {
		// Ask the registry as a found resource would, so that a registry
		// down or slow answers alike for both.
		if _, err := g.paths(ctx, id.Unit, date.Today()); err != nil && !errors.Is(err, ErrUnknownUnit) {
			return err
		}
	}
	if id.Unit == "" {
		return fault.PermissionDenied(resourceType, name, "a %s may not %s %s", id.Role, a, name)
	}
	return fault.PermissionDenied(resourceType, name, "a %s of unit %s may not %s %s", id.Role, id.Unit, a, name)
}

// caller is the verified identity of ctx: nil with authentication off
// (or no guard at all, as in tests of handlers alone).
func (g *Guard) caller(ctx context.Context) (*Identity, error) {
	if g == nil || !g.on {
		return nil, nil
	}
	id, ok := FromContext(ctx)
	if !ok {
		// The server's authentication tap lets no call through without an
		// identity; reaching here means a handler served outside it.
		return nil, &fault.Error{Kind: fault.KindUnauthenticated, Reason: "UNAUTHENTICATED", Message: "a valid bearer token is required"}
	}
	return &id, nil
}

// scoped reports whether id's right to do a depends on the unit: not for
// admins, the system, nor a viewer of the whole country reading.
func scoped(id Identity, a Action) bool {
	switch {
	case id.Role == Admin, id.Role == System && a != ReadAudit:
		return false
	case id.Role == Viewer && id.Unit == "" && a == Read:
		return false
	}
	return true
}

// pathsOf looks up the paths of the target unit and the caller's own unit
// as of today; the caller's only for a read, the one action that reaches
// past their subtree. A unit the registry has never known has the path of
// itself alone: only a caller holding that very code could reach it.
// known are those of the two paths the registry gave.
func (g *Guard) pathsOf(ctx context.Context, id Identity, a Action, unit string) (target, caller Path, known []Path, err error) {
	today := date.Today()
	lookup := func(code string) (Path, error) {
		if code == CountryCode {
			return Path{CountryCode}, nil // above every province: no registry unit
		}
		p, err := g.paths(ctx, code, today)
		if errors.Is(err, ErrUnknownUnit) {
			return Path{code}, nil
		}
		if err == nil {
			known = append(known, p)
		}
		return p, err
	}
	if target, err = lookup(unit); err != nil {
		return nil, nil, nil, err
	}
	if id.Unit == "" || a != Read {
		return target, nil, known, nil
	}
	if caller, err = lookup(id.Unit); err != nil {
		return nil, nil, nil, err
	}
	return target, caller, known, nil
}
