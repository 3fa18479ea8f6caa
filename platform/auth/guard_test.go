package auth

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
)

// registry is a fake PathFunc over the demo province of policy_test.go,
// recording every unit it is asked about and the day it was asked for.
type registry struct {
	paths map[string]Path
	// errs answers these units with an error instead of a path.
	errs  map[string]error
	calls []string
	days  []date.Date
}

func newRegistry() *registry {
	r := &registry{paths: map[string]Path{}, errs: map[string]error{}}
	for _, p := range []Path{commune, neighbour, village, district, province, elsewhere} {
		r.paths[p.Unit()] = p
	}
	return r
}

func (r *registry) lookup(_ context.Context, unit string, day date.Date) (Path, error) {
	r.calls = append(r.calls, unit)
	r.days = append(r.days, day)
	if err, ok := r.errs[unit]; ok {
		return nil, err
	}
	if p, ok := r.paths[unit]; ok {
		return slices.Clone(p), nil
	}
	return nil, fmt.Errorf("registry: %w: %s", ErrUnknownUnit, unit)
}

var (
	guardAdmin           = Identity{Subject: "a", Role: Admin}
	guardSystem          = Identity{Subject: "criteria", Role: System}
	guardCountryViewer   = Identity{Subject: "v", Role: Viewer}
	guardProvinceViewer  = Identity{Subject: "pv", Role: Viewer, Unit: "19"}
	guardProvinceOfficer = Identity{Subject: "p", Role: ProvinceOfficer, Unit: "19"}
	guardCommuneOfficer  = Identity{Subject: "c", Role: CommuneOfficer, Unit: "06005"}
)

// as is a context carrying id.
func as(id Identity) context.Context { return NewContext(context.Background(), id) }

// wantDenied fails t unless err is a PermissionDenied fault naming
// resourceType and name.
func wantDenied(t *testing.T, err error, resourceType, name string) *fault.Error {
	t.Helper()
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.KindPermissionDenied || f.Reason != "PERMISSION_DENIED" ||
		f.ResourceType != resourceType || f.ResourceName != name {
		t.Fatalf("error %v (%#v), want PermissionDenied naming %s %s", err, f, resourceType, name)
	}
	return f
}

// wantCalls fails t unless the registry was asked exactly about units, in order.
func wantCalls(t *testing.T, r *registry, units ...string) {
	t.Helper()
	if !slices.Equal(r.calls, units) {
		t.Errorf("PathFunc asked about %q, want %q", r.calls, units)
	}
}

func TestGuardOffAndNilGuardAllowEverything(t *testing.T) {
	r := newRegistry()
	off := NewGuard(false, r.lookup)
	var none *Guard
	for name, g := range map[string]*Guard{"off": off, "nil": none} {
		// Neither with a caller refused everywhere nor without any caller.
		for ctxName, ctx := range map[string]context.Context{
			"no identity":  context.Background(),
			"viewer":       as(Identity{Subject: "v", Role: Viewer, Unit: "20"}),
			"unknown role": as(Identity{Subject: "x", Role: "mayor"}),
		} {
			for _, a := range []Action{Read, Write, ReadAudit, Decide} {
				if err := g.Unit(ctx, a, "06005"); err != nil {
					t.Errorf("%s guard, %s: Unit(%s) = %v", name, ctxName, a, err)
				}
				if err := g.Units(ctx, a, "06005", "08001", "99999"); err != nil {
					t.Errorf("%s guard, %s: Units(%s) = %v", name, ctxName, a, err)
				}
				if err := g.Global(ctx, a); err != nil {
					t.Errorf("%s guard, %s: Global(%s) = %v", name, ctxName, a, err)
				}
				for _, found := range []bool{true, false} {
					if err := g.Resource(ctx, a, "plan", "plans/12", "08001", found); err != nil {
						t.Errorf("%s guard, %s: Resource(%s, found %v) = %v", name, ctxName, a, found, err)
					}
				}
			}
		}
	}
	wantCalls(t, r)
}

func TestGuardUnscopedCallersNeverAskTheRegistry(t *testing.T) {
	r := newRegistry()
	g := NewGuard(true, r.lookup)
	for _, tc := range []struct {
		id      Identity
		actions []Action
	}{
		{guardAdmin, []Action{Read, Write, ReadAudit, Decide}},
		{guardSystem, []Action{Read, Write, Decide}},
		{guardCountryViewer, []Action{Read}},
	} {
		ctx := as(tc.id)
		for _, a := range tc.actions {
			for _, unit := range []string{"06005", "08001", "0", "99999"} {
				if err := g.Unit(ctx, a, unit); err != nil {
					t.Errorf("%s Unit(%s, %s) = %v", tc.id.Role, a, unit, err)
				}
			}
			if err := g.Units(ctx, a, "06005", "08001", "99999"); err != nil {
				t.Errorf("%s Units(%s) = %v", tc.id.Role, a, err)
			}
			for _, found := range []bool{true, false} {
				if err := g.Resource(ctx, a, "plan", "plans/12", "08001", found); err != nil {
					t.Errorf("%s Resource(%s, found %v) = %v", tc.id.Role, a, found, err)
				}
			}
		}
	}
	if len(r.calls) != 0 {
		t.Errorf("PathFunc called %d times (%q), want 0", len(r.calls), r.calls)
	}
}

func TestGuardCommuneOfficerWritesOwnCommuneOnly(t *testing.T) {
	r := newRegistry()
	g := NewGuard(true, r.lookup)
	ctx := as(guardCommuneOfficer)
	before := date.Today()
	for _, unit := range []string{"06005", "0600501"} {
		if err := g.Unit(ctx, Write, unit); err != nil {
			t.Errorf("write %s: %v", unit, err)
		}
	}
	after := date.Today()
	// Writes need the target's path only, as of today.
	wantCalls(t, r, "06005", "0600501")
	for _, day := range r.days {
		if day != before && day != after {
			t.Errorf("paths looked up as of %s, want today (%s)", day, before)
		}
	}

	for _, unit := range []string{"06006", "170", "19", "08001"} {
		f := wantDenied(t, g.Unit(ctx, Write, unit), "unit", "units/"+unit)
		want := "a commune_officer of unit 06005 may not write unit " + unit
		if f.Message != want {
			t.Errorf("write %s: message %q, want %q", unit, f.Message, want)
		}
	}
}

func TestGuardCommuneOfficerReadsReachTheProvince(t *testing.T) {
	r := newRegistry()
	g := NewGuard(true, r.lookup)
	ctx := as(guardCommuneOfficer)
	for _, unit := range []string{"06005", "06006", "0600501", "170", "19"} {
		r.calls = nil
		if err := g.Unit(ctx, Read, unit); err != nil {
			t.Errorf("read %s: %v", unit, err)
		}
		// The target's path, then the caller's own.
		wantCalls(t, r, unit, "06005")
	}
	for _, unit := range []string{"08001", "20"} {
		r.calls = nil
		wantDenied(t, g.Unit(ctx, Read, unit), "unit", "units/"+unit)
		wantCalls(t, r, unit, "06005")
	}

	// The reach comes from the caller's path as the registry gives it: a
	// commune the registry has moved to province 20 reads there, not in 19.
	r.paths["06005"] = Path{"06005", "200", "20"}
	if err := g.Unit(ctx, Read, "08001"); err != nil {
		t.Errorf("read 08001 from a commune of province 20: %v", err)
	}
	wantDenied(t, g.Unit(ctx, Read, "06006"), "unit", "units/06006")
}

func TestGuardUnitsStopsAtTheFirstRefusal(t *testing.T) {
	r := newRegistry()
	g := NewGuard(true, r.lookup)
	ctx := as(guardCommuneOfficer)

	err := g.Units(ctx, Write, "06005", "", "0600501", "06005", "06006", "08001", "0600501")
	wantDenied(t, err, "unit", "units/06006")
	// Each distinct non-empty code once, none after the refusal.
	wantCalls(t, r, "06005", "0600501", "06006")

	r.calls = nil
	if err := g.Units(ctx, Write, "", "0600501", "06005", "0600501", "", "06005"); err != nil {
		t.Errorf("Units inside the commune: %v", err)
	}
	wantCalls(t, r, "0600501", "06005")

	r.calls = nil
	if err := g.Units(ctx, Write); err != nil {
		t.Errorf("Units of nothing: %v", err)
	}
	if err := g.Units(ctx, Write, "", ""); err != nil {
		t.Errorf("Units of empty codes: %v", err)
	}
	wantCalls(t, r)
}

func TestGuardUnknownUnitIsItsOwnPath(t *testing.T) {
	r := newRegistry() // answers ErrUnknownUnit, wrapped, for 99999
	g := NewGuard(true, r.lookup)

	wantDenied(t, g.Unit(as(guardCommuneOfficer), Write, "99999"), "unit", "units/99999")
	wantDenied(t, g.Unit(as(guardProvinceOfficer), Write, "99999"), "unit", "units/99999")
	// A read looks up the caller too; an unknown unit is in no province.
	wantDenied(t, g.Unit(as(guardCommuneOfficer), Read, "99999"), "unit", "units/99999")
	if err := g.Unit(as(guardAdmin), Write, "99999"); err != nil {
		t.Errorf("admin write to an unknown unit: %v", err)
	}
	// Only a caller holding that very code reaches it.
	holder := Identity{Subject: "h", Role: CommuneOfficer, Unit: "99999"}
	for _, a := range []Action{Read, Write} {
		if err := g.Unit(as(holder), a, "99999"); err != nil {
			t.Errorf("officer of 99999 %s 99999: %v", a, err)
		}
	}
	// With its own unit unknown, a commune officer reads nothing else.
	wantDenied(t, g.Unit(as(holder), Read, "06005"), "unit", "units/06005")

	// The bare sentinel works as well as a wrapped one.
	r.errs["88888"] = ErrUnknownUnit
	wantDenied(t, g.Unit(as(guardCommuneOfficer), Write, "88888"), "unit", "units/88888")
}

func TestGuardRegistryErrorsPassThrough(t *testing.T) {
	down := errors.New("registry unreachable")
	unavailable := fault.Unavailable("registry is down")
	r := newRegistry()
	r.errs["06006"] = down
	r.errs["08001"] = unavailable
	g := NewGuard(true, r.lookup)
	ctx := as(guardCommuneOfficer)

	for _, a := range []Action{Read, Write, Decide} {
		if err := g.Unit(ctx, a, "06006"); err != down {
			t.Errorf("Unit(%s, 06006) = %v, want the registry's error itself", a, err)
		}
		if err := g.Unit(ctx, a, "08001"); err != unavailable {
			t.Errorf("Unit(%s, 08001) = %v, want the registry's fault itself", a, err)
		}
		if err := g.Units(ctx, a, "06006", "06005"); err != down {
			t.Errorf("Units(%s) = %v, want the registry's error itself", a, err)
		}
	}
	// A found resource whose unit cannot be looked up: the error, not a refusal.
	if err := g.Resource(ctx, Write, "plan", "plans/12", "06006", true); err != down {
		t.Errorf("Resource = %v, want the registry's error itself", err)
	}
	if err := g.Resource(ctx, Write, "plan", "plans/12", "08001", true); err != unavailable {
		t.Errorf("Resource = %v, want the registry's fault itself", err)
	}

	// A read fails as well when the caller's own unit cannot be looked up.
	r.errs = map[string]error{"06005": down}
	if err := g.Unit(ctx, Read, "06006"); err != down {
		t.Errorf("Unit(read) with the caller's path unknown = %v, want the registry's error itself", err)
	}
}

func TestGuardResourceHidesWhatIsOutOfScope(t *testing.T) {
	r := newRegistry()
	g := NewGuard(true, r.lookup)
	ctx := as(guardCommuneOfficer)

	outside := g.Resource(ctx, Write, "plan", "plans/12", "06006", true)
	missing := g.Resource(ctx, Write, "plan", "plans/12", "", false)
	fo := wantDenied(t, outside, "plan", "plans/12")
	fm := wantDenied(t, missing, "plan", "plans/12")
	want := "a commune_officer of unit 06005 may not write plans/12"
	if fo.Message != want || fm.Message != want {
		t.Errorf("messages %q and %q, want both %q", fo.Message, fm.Message, want)
	}
	if !reflect.DeepEqual(fo, fm) {
		t.Errorf("out of scope %#v and missing %#v differ", fo, fm)
	}
	if strings.Contains(fo.Message, "06006") {
		t.Errorf("message %q names the resource's unit", fo.Message)
	}

	// Reads: the same for a plan of another province and a missing one.
	outside = g.Resource(ctx, Read, "plan", "plans/7", "08001", true)
	missing = g.Resource(ctx, Read, "plan", "plans/7", "", false)
	fo = wantDenied(t, outside, "plan", "plans/7")
	fm = wantDenied(t, missing, "plan", "plans/7")
	if !reflect.DeepEqual(fo, fm) || fo.Message != "a commune_officer of unit 06005 may not read plans/7" {
		t.Errorf("read refusals %#v and %#v, want equal, message naming plans/7", fo, fm)
	}

	// In scope and found: allowed.
	r.calls = nil
	for _, a := range []Action{Read, Write} {
		if err := g.Resource(ctx, a, "plan", "plans/12", "0600501", true); err != nil {
			t.Errorf("Resource(%s) of the officer's village: %v", a, err)
		}
	}
	if err := g.Resource(ctx, Read, "plan", "plans/12", "19", true); err != nil {
		t.Errorf("Resource(read) of the officer's province: %v", err)
	}
	// Not found asks the registry about the caller, as a found resource
	// would, so that a registry down answers alike for both.
	r.calls = nil
	_ = g.Resource(ctx, Write, "plan", "plans/12", "06005", false)
	wantCalls(t, r, "06005")

	// Unscoped callers get nil for a missing resource (for the handler's
	// NotFound).
	for _, tc := range []struct {
		id Identity
		a  Action
	}{{guardAdmin, Write}, {guardAdmin, Decide}, {guardSystem, Write}, {guardCountryViewer, Read}} {
		if err := g.Resource(as(tc.id), tc.a, "plan", "plans/12", "", false); err != nil {
			t.Errorf("%s Resource(%s) not found = %v, want nil", tc.id.Role, tc.a, err)
		}
	}
}

func TestGuardGlobalReadAuditIsForAdmins(t *testing.T) {
	r := newRegistry()
	g := NewGuard(true, r.lookup)
	if err := g.Global(as(guardAdmin), ReadAudit); err != nil {
		t.Errorf("admin: %v", err)
	}
	for _, id := range []Identity{guardSystem, guardCountryViewer, guardProvinceViewer, guardProvinceOfficer, guardCommuneOfficer} {
		wantDenied(t, g.Global(as(id), ReadAudit), "unit", "units/0")
	}
	wantCalls(t, r)
}

func TestGuardWithoutIdentityIsUnauthenticated(t *testing.T) {
	r := newRegistry()
	g := NewGuard(true, r.lookup)
	ctx := context.Background()
	for name, err := range map[string]error{
		"Unit":               g.Unit(ctx, Read, "06005"),
		"Units":              g.Units(ctx, Write, "06005"),
		"Global":             g.Global(ctx, ReadAudit),
		"Resource found":     g.Resource(ctx, Read, "plan", "plans/1", "06005", true),
		"Resource not found": g.Resource(ctx, Read, "plan", "plans/1", "", false),
	} {
		f, ok := fault.As(err)
		if !ok || f.Kind != fault.KindUnauthenticated || f.Reason != "UNAUTHENTICATED" {
			t.Errorf("%s: error %v, want an Unauthenticated fault", name, err)
		}
	}
	// Units of nothing to check still needs no caller.
	if err := g.Units(ctx, Write); err != nil {
		t.Errorf("Units of nothing: %v", err)
	}
	wantCalls(t, r)
}

func TestGuardDecide(t *testing.T) {
	r := newRegistry()
	g := NewGuard(true, r.lookup)
	for _, unit := range []string{"19", "170", "06005", "0600501"} {
		if err := g.Unit(as(guardProvinceOfficer), Decide, unit); err != nil {
			t.Errorf("province officer decides about %s: %v", unit, err)
		}
	}
	wantDenied(t, g.Unit(as(guardProvinceOfficer), Decide, "08001"), "unit", "units/08001")
	for _, unit := range []string{"06005", "0600501"} {
		f := wantDenied(t, g.Unit(as(guardCommuneOfficer), Decide, unit), "unit", "units/"+unit)
		if want := "a commune_officer of unit 06005 may not record decisions about unit " + unit; f.Message != want {
			t.Errorf("message %q, want %q", f.Message, want)
		}
	}
	// Decide reaches no further than the subtree: the caller's own path is
	// never needed.
	wantCalls(t, r, "19", "170", "06005", "0600501", "08001", "06005", "0600501")
}

// A commune officer's token must name a commune: one naming province 19
// would otherwise write anywhere in it. A province officer's names a
// province or a district, not a commune. The registry's paths say which
// (a province is the top of its path), for writes and reads alike.
func TestGuardRefusesAUnitOfTheWrongTypeForTheRole(t *testing.T) {
	r := newRegistry()
	g := NewGuard(true, r.lookup)
	communeOfProvince := Identity{Subject: "x", Role: CommuneOfficer, Unit: "19"}
	for _, tc := range []struct {
		a    Action
		unit string
	}{{Write, "06005"}, {Write, "19"}, {Read, "06005"}, {Read, "08001"}} {
		f := wantDenied(t, g.Unit(as(communeOfProvince), tc.a, tc.unit), "unit", "units/19")
		if !strings.Contains(f.Message, "must name a commune, and unit 19 is a province") {
			t.Errorf("%s %s: message %q does not say why", tc.a, tc.unit, f.Message)
		}
	}
	provinceOfCommune := Identity{Subject: "y", Role: ProvinceOfficer, Unit: "06005"}
	for _, a := range []Action{Write, Decide, Read} {
		f := wantDenied(t, g.Unit(as(provinceOfCommune), a, "0600501"), "unit", "units/06005")
		if !strings.Contains(f.Message, "must name a province (or, before 2025, a district), and unit 06005 lies under 170") {
			t.Errorf("%s: message %q does not say why", a, f.Message)
		}
	}
	// The right types still work: a district's officer holds the province
	// officer's role before 2025, a commune officer their commune.
	districtOfficer := Identity{Subject: "z", Role: ProvinceOfficer, Unit: "170"}
	if err := g.Unit(as(districtOfficer), Decide, "06005"); err != nil {
		t.Errorf("district officer decides in 06005: %v", err)
	}
	if err := g.Unit(as(guardCommuneOfficer), Write, "0600501"); err != nil {
		t.Errorf("commune officer writes their village: %v", err)
	}
	// A resource of the wrong-typed officer is refused as any out of scope.
	wantDenied(t, g.Resource(as(communeOfProvince), Write, "plan", "plans/1", "06005", true), "plan", "plans/1")
}

// Somewhere lets every caller who may do the action to their own unit (or
// the country), and refuses one who may do it nowhere.
func TestGuardSomewhere(t *testing.T) {
	g := NewGuard(true, newRegistry().lookup)
	for _, id := range []Identity{guardAdmin, guardSystem, guardProvinceOfficer, guardCommuneOfficer} {
		if err := g.Somewhere(as(id), Write); err != nil {
			t.Errorf("%s writes somewhere: %v", id.Role, err)
		}
	}
	wantDenied(t, g.Somewhere(as(guardCountryViewer), Write), "unit", "units/"+CountryCode)
	wantDenied(t, g.Somewhere(as(guardProvinceViewer), Write), "unit", "units/19")
	wantDenied(t, g.Somewhere(as(guardCommuneOfficer), Decide), "unit", "units/06005")
}
