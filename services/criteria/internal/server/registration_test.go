package server_test

import (
	"context"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/grpctest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria"
)

const (
	standard  = registryv1.RecognitionLevel_STANDARD
	advanced  = registryv1.RecognitionLevel_ADVANCED
	modelLvl  = registryv1.RecognitionLevel_MODEL
	modern    = registryv1.RecognitionLevel_MODERN
	completed = registryv1.RecognitionLevel_COMPLETED
)

func registration(level registryv1.RecognitionLevel, year int32, on string) *criteriav1.Registration {
	return &criteriav1.Registration{Level: level, Year: year, RegisteredOn: on, DecisionNumber: "245/QĐ-UBND", Note: "Danh sách xã đăng ký năm " + on[:4]}
}

func (a *authEnv) register(t *testing.T, unit string, r *criteriav1.Registration) *criteriav1.Registration {
	t.Helper()
	var ans answered
	out, err := a.crit.CreateRegistration(a.admin(t), &criteriav1.CreateRegistrationRequest{UnitCode: unit, Registration: r}, ans.option())
	if err != nil {
		t.Fatalf("register %s for %s in %d: %v", unit, r.GetLevel(), r.GetYear(), err)
	}
	if !ans.created() {
		t.Fatalf("register %s for %s in %d: answered 200, want 201 Created", unit, r.GetLevel(), r.GetYear())
	}
	return out
}

// assessAsAdmin records x as the admin of a.
func (a *authEnv) assessAsAdmin(t *testing.T, x *criteriav1.Assessment) *criteriav1.Assessment {
	t.Helper()
	out, err := a.crit.CreateAssessment(a.admin(t), &criteriav1.CreateAssessmentRequest{UnitCode: x.GetUnitCode(), Assessment: x})
	if err != nil {
		t.Fatalf("assess %s on %s under %s: %v", x.GetUnitCode(), x.GetAssessedOn(), x.GetCriteriaSet(), err)
	}
	return out
}

// withVerdicts is an assessment of unit under set2016 with the given
// statuses by criterion; criteria not given have no verdict (not met).
func withVerdicts(unit, on string, statuses map[string]criteriav1.CriterionStatus) *criteriav1.Assessment {
	a := &criteriav1.Assessment{UnitCode: unit, AssessedOn: on, CriteriaSet: set2016, Author: author}
	for code, st := range statuses {
		a.Verdicts = append(a.Verdicts, &criteriav1.CriterionVerdict{CriterionCode: code, Status: st})
	}
	return a
}

// The gap of Xã Lâu Thượng (101) registered on 2020-01-15, counted by hand:
// of its three assessments, the one of 2019-11-30 is the latest on or before
// that day (the one of 2020-02-01 comes after). It met every criterion but
// 5 (no verdict), 10 (not met) and 17 (basically met, which is not met):
// 16 of 19, missing "5 Trường học, 10 Thu nhập, 17 Môi trường và an toàn
// thực phẩm". Xã Hóa Thượng (110), never assessed, misses all 19.
func TestRegistrationGapCountedByHand(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *authEnv) {
		ctx := a.admin(t)
		assess := func(x *criteriav1.Assessment) *criteriav1.Assessment { return a.assessAsAdmin(t, x) }
		assess(verdicts("101", "2019-06-01", 12))
		statuses := map[string]criteriav1.CriterionStatus{}
		for _, c := range []string{"1", "2", "3", "4", "6", "7", "8", "9", "11", "12", "13", "14", "15", "16", "18", "19"} {
			statuses[c] = criteriav1.CriterionStatus_MET
		}
		statuses["10"] = criteriav1.CriterionStatus_NOT_MET
		statuses["17"] = criteriav1.CriterionStatus_BASICALLY_MET
		counted := assess(withVerdicts("101", "2019-11-30", statuses))
		assess(verdicts("101", "2020-02-01", 19))

		r := a.register(t, "101", registration(standard, 2020, "2020-01-15"))
		g := r.GetGap()
		want := []string{"5 Trường học", "10 Thu nhập", "17 Môi trường và an toàn thực phẩm"}
		if r.GetCriteriaSet() != set2016 || g.GetAssessment() != counted.GetName() || g.GetAssessedOn() != "2019-11-30" ||
			g.GetCriteriaMet() != 16 || g.GetCriteriaCount() != 19 || !slices.Equal(missing(g), want) {
			t.Errorf("registration = %v, want under %s from %s of 2019-11-30: 16 of 19, missing %q", r, set2016, counted.GetName(), want)
		}
		if r.GetName() != "units/101/registrations/"+strconv.FormatInt(r.GetId(), 10) || r.GetUnitCode() != "101" || r.GetCreateTime() == "" {
			t.Errorf("registration names %s (id %d) of unit %s created %q", r.GetName(), r.GetId(), r.GetUnitCode(), r.GetCreateTime())
		}

		never := a.register(t, "110", registration(standard, 2020, "2020-01-15"))
		if g := never.GetGap(); g.GetAssessment() != "" || g.GetAssessedOn() != "" || g.GetCriteriaMet() != 0 || g.GetCriteriaCount() != 19 || len(g.GetMissing()) != 19 ||
			g.GetMissing()[0].GetCode() != "1" || g.GetMissing()[18].GetCode() != "19" {
			t.Errorf("gap of a commune never assessed = %v, want all 19 criteria, in set order", g)
		}
		// The gap is the one of the registration's day: later assessments
		// do not change what is listed.
		assess(verdicts("110", "2020-03-01", 19))
		resp, err := a.crit.ListRegistrations(ctx, &criteriav1.ListRegistrationsRequest{Parent: district2, Year: 2020})
		if err != nil || len(resp.GetRegistrations()) != 1 || len(resp.GetRegistrations()[0].GetGap().GetMissing()) != 19 {
			t.Errorf("listed %v (%v), want 110's registration with its 19 missing criteria", resp.GetRegistrations(), err)
		}
	})
}

// A registration is measured under the set in force at the end of its
// year, whatever was in force when it registered, or the last one in force
// during the year when none is at its end; its gap is read from the latest
// assessment under that set on or before the registration's day.
func TestRegistrationSetFollowsTheYear(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *authEnv) {
		assess := func(x *criteriav1.Assessment) *criteriav1.Assessment { return a.assessAsAdmin(t, x) }
		under2016 := assess(verdicts("101", "2021-10-01", 15))
		later := verdicts("101", "2022-06-01", 17)
		later.CriteriaSet = set2021
		under2021 := assess(later)

		for _, tc := range []struct {
			name, unit string
			r          *criteriav1.Registration
			set        string
			assessment string
			met, count int32
		}{
			// The 2016-2020 set is in force until 2022-03-07: the end of 2021 is under it.
			{"this year", "101", registration(standard, 2021, "2021-11-01"), set2016, under2016.GetName(), 15, 19},
			// No assessment under the 2021-2025 set on the day: every criterion is missing.
			{"next year, under the next set", "101", registration(advanced, 2022, "2021-11-01"), set2021, "", 0, 19},
			{"a later year, assessed under its set", "101", registration(modelLvl, 2023, "2022-07-01"), set2021, under2021.GetName(), 17, 19},
			// MODERN exists only in the 2026-2030 set, in force from 2026-02-15.
			{"a level of a set not yet in force", "100", registration(modern, 2026, "2025-12-20"), set2026, "", 0, 10},
			// Districts were abolished on 2025-07-01: their last set ended the
			// day before, and measures the districts registered for 2025.
			{"a district for the year districts ended", district, registration(completed, 2025, "2021-01-15"), "NTM_DISTRICT_2021_2025", "", 0, 9},
			// No village set is in force on 2026-12-31; the 2021-2025 one is until 2026-02-14.
			{"a village for the year its set ends", "1000", registration(modelLvl, 2026, "2021-01-15"), "NTM_VILLAGE_2021_2025", "", 0, 12},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := a.register(t, tc.unit, tc.r)
				g := r.GetGap()
				if r.GetCriteriaSet() != tc.set || g.GetAssessment() != tc.assessment || g.GetCriteriaMet() != tc.met || g.GetCriteriaCount() != tc.count ||
					len(g.GetMissing()) != int(tc.count-tc.met) {
					t.Errorf("registration under %s, gap %v; want under %s from %q, %d of %d met", r.GetCriteriaSet(), g, tc.set, tc.assessment, tc.met, tc.count)
				}
			})
		}
	})
}

func missing(g *criteriav1.PlanGap) []string {
	var out []string
	for _, m := range g.GetMissing() {
		out = append(out, m.GetCode()+" "+m.GetDisplayName())
	}
	return out
}

// A retry gets the first record back with 200 and writes nothing; another
// registration of the same unit, level and year is refused naming the first.
func TestRegistrationRetryAndConflict(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *authEnv) {
		ctx := a.admin(t)
		first := a.register(t, "100", registration(advanced, 2021, "2020-12-20"))
		var ans answered
		again, err := a.crit.CreateRegistration(ctx, &criteriav1.CreateRegistrationRequest{UnitCode: "100", Registration: registration(advanced, 2021, "2020-12-20")}, ans.option())
		if err != nil || ans.created() || again.GetName() != first.GetName() || again.GetCreateTime() != first.GetCreateTime() {
			t.Errorf("retry = %v (%v, created %v), want the first record %v with 200", again, err, ans.created(), first)
		}
		// The body may repeat the path's unit.
		withUnit := registration(advanced, 2021, "2020-12-20")
		withUnit.UnitCode = "100"
		if again, err := a.crit.CreateRegistration(ctx, &criteriav1.CreateRegistrationRequest{UnitCode: "100", Registration: withUnit}); err != nil || again.GetName() != first.GetName() {
			t.Errorf("retry naming the unit = %v (%v), want the first record", again, err)
		}
		for name, change := range map[string]func(*criteriav1.Registration){
			"another date":     func(r *criteriav1.Registration) { r.RegisteredOn = "2021-01-05" },
			"another decision": func(r *criteriav1.Registration) { r.DecisionNumber = "12/QĐ-UBND" },
			"another note":     func(r *criteriav1.Registration) { r.Note = "" },
		} {
			r := registration(advanced, 2021, "2020-12-20")
			change(r)
			_, err := a.crit.CreateRegistration(ctx, &criteriav1.CreateRegistrationRequest{UnitCode: "100", Registration: r})
			t.Run(name, func(t *testing.T) { wantAlreadyExists(t, err, first.GetName()) })
		}
		// Another level or year is another registration.
		otherLevel := a.register(t, "100", registration(standard, 2021, "2020-12-20"))
		otherYear := a.register(t, "100", registration(advanced, 2022, "2020-12-20"))
		if got, want := a.trail(t), []string{first.GetName(), otherLevel.GetName(), otherYear.GetName()}; !slices.Equal(got, want) {
			t.Errorf("trail = %q, want one event per registration recorded: %q", got, want)
		}
	})
}

// Every bad registration is refused naming its field, and nothing is written.
func TestRegistrationRefusals(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *authEnv) {
		ctx := a.admin(t)
		tomorrow := date.Today().AddDays(1).String()
		for _, tc := range []struct {
			name   string
			unit   string
			r      *criteriav1.Registration
			fields []string
		}{
			{"a ward, which no set assesses", "200", registration(standard, 2020, "2020-01-15"), []string{"unit_code"}},
			{"a unit never on the map", "999", registration(standard, 2020, "2020-01-15"), []string{"unit_code"}},
			{"a commune not yet created", "104", registration(standard, 2021, "2021-05-31"), []string{"unit_code"}},
			{"a commune merged away", "103", registration(standard, 2020, mergedAt), []string{"unit_code"}},
			{"a commune for a district's level", "100", registration(completed, 2020, "2020-01-15"), []string{"registration.level"}},
			{"a village for a commune's level", "1000", registration(advanced, 2020, "2020-01-15"), []string{"registration.level"}},
			{"a district for a level of 2021-2025 in 2020", district, registration(modelLvl, 2020, "2020-01-15"), []string{"registration.level"}},
			{"a province for a commune's level", province, registration(standard, 2020, "2020-01-15"), []string{"registration.level"}},
			// The village sets end on 2026-02-14, the district sets on 2025-06-30.
			{"a village for a year no village set reaches", "1000", registration(standard, 2027, "2021-01-15"), []string{"registration.year"}},
			{"a district for a year after districts", district, registration(completed, 2026, "2021-01-15"), []string{"registration.year"}},
			{"MODERN under the 2016-2020 set", "100", registration(modern, 2020, "2020-01-15"), []string{"registration.level"}},
			// The 2016-2020 set is in force until 2022-03-07, so at the end of 2021 too.
			{"MODERN for 2021", "100", registration(modern, 2021, "2021-01-15"), []string{"registration.level"}},
			{"a year already past", "100", registration(standard, 2019, "2020-01-15"), []string{"registration.year"}},
			{"a date to come", "100", registration(standard, 2099, tomorrow), []string{"registration.registered_on"}},
			{"a day that does not exist", "100", registration(standard, 2020, "2020-02-30"), []string{"registration.registered_on"}},
			{"a malformed date", "100", registration(standard, 2020, "15/01/2020"), []string{"registration.registered_on"}},
			{"the body names another unit", "100", func() *criteriav1.Registration {
				r := registration(standard, 2020, "2020-01-15")
				r.UnitCode = "101"
				return r
			}(), []string{"registration.unit_code"}},
			{"no level", "100", registration(0, 2020, "2020-01-15"), []string{"registration.level"}},
			{"a level that is not one", "100", registration(42, 2020, "2020-01-15"), []string{"registration.level"}},
			{"no year", "100", registration(standard, 0, "2020-01-15"), []string{"registration.year"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := a.crit.CreateRegistration(ctx, &criteriav1.CreateRegistrationRequest{UnitCode: tc.unit, Registration: tc.r})
				grpctest.WantViolations(t, err, tc.fields...)
			})
		}
		_, err := a.crit.CreateRegistration(ctx, &criteriav1.CreateRegistrationRequest{UnitCode: "100"})
		grpctest.WantViolations(t, err, "registration")

		for _, year := range []int32{2019, 2020, 2021, 2025, 2026, 2099} {
			if got := a.registrations(t, "", year, "2021-12-31"); len(got) != 0 {
				t.Errorf("refused requests registered %q for %d", got, year)
			}
		}
		if got := a.trail(t); len(got) != 0 {
			t.Errorf("refused requests left audit events %q", got)
		}
	})
}

// Communes, villages, districts and provinces register for the levels of
// their own sets; a year's list holds those under the parent on the day each
// registered, by unit code.
func TestListRegistrations(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *authEnv) {
		ctx := a.admin(t)
		for _, tc := range []struct {
			unit  string
			level registryv1.RecognitionLevel
			typ   registryv1.UnitType
			set   string
		}{
			{"1000", standard, registryv1.UnitType_VILLAGE, "NTM_VILLAGE_2016_2020"},
			{district, completed, registryv1.UnitType_DISTRICT, "NTM_DISTRICT_2016_2020"},
			{province, completed, registryv1.UnitType_PROVINCE, "NTM_PROVINCE_2016_2020"},
			{"110", standard, registryv1.UnitType_COMMUNE, set2016},
		} {
			if r := a.register(t, tc.unit, registration(tc.level, 2020, "2020-01-15")); r.GetCriteriaSet() != tc.set || r.GetUnitType() != tc.typ {
				t.Errorf("%s registered as a %s under %s, want a %s under %s", tc.unit, r.GetUnitType(), r.GetCriteriaSet(), tc.typ, tc.set)
			}
		}
		for _, u := range []string{"101", "100"} {
			a.register(t, u, registration(standard, 2020, "2020-01-15"))
		}
		a.register(t, "100", registration(advanced, 2020, "2020-01-16"))
		a.register(t, otherCommune, registration(standard, 2020, "2020-01-15"))
		a.register(t, "103", registration(standard, 2019, "2019-02-01")) // merged into 102 on 2020-01-01
		a.register(t, "101", registration(standard, 2021, "2020-01-15"))

		for _, tc := range []struct {
			parent string
			year   int32
			asOf   string
			want   []string
		}{
			{province, 2020, "", []string{"100 STANDARD", "100 ADVANCED", "1000 STANDARD", "101 STANDARD", "110 STANDARD", "170 COMPLETED", "19 COMPLETED"}},
			{district, 2020, "", []string{"100 STANDARD", "100 ADVANCED", "1000 STANDARD", "101 STANDARD", "170 COMPLETED"}},
			{district2, 2020, "", []string{"110 STANDARD"}},
			{"100", 2020, "", []string{"100 STANDARD", "100 ADVANCED", "1000 STANDARD"}},
			{"", 2020, "", []string{"100 STANDARD", "100 ADVANCED", "1000 STANDARD", "101 STANDARD", "110 STANDARD", "170 COMPLETED", "19 COMPLETED", "300 STANDARD"}},
			{province, 2021, "", []string{"101 STANDARD"}},
			// 103 merged into 102 on 2020-01-01: its registration stays in the
			// list it was made in, looked up on the day it registered.
			{province, 2019, "", []string{"103 STANDARD"}},
			{province, 2019, mergedAt, []string{"103 STANDARD"}},
			{district, 2019, "2021-12-31", []string{"103 STANDARD"}},
			// Registrations made after as_of are not yet known then.
			{province, 2019, "2019-01-31", nil},
			{district, 2020, "2020-01-15", []string{"100 STANDARD", "1000 STANDARD", "101 STANDARD", "170 COMPLETED"}},
			{province, 2022, "", nil},
		} {
			if got := a.registrations(t, tc.parent, tc.year, tc.asOf); !slices.Equal(got, tc.want) {
				t.Errorf("registrations of %d under %q on %q = %q, want %q", tc.year, tc.parent, tc.asOf, got, tc.want)
			}
		}

		// Pages of two, the later ones asked without as_of.
		var paged []string
		req := &criteriav1.ListRegistrationsRequest{Parent: province, Year: 2020, PageSize: 2}
		for pages := 0; ; pages++ {
			resp, err := a.crit.ListRegistrations(ctx, req)
			if err != nil || pages > 5 || len(resp.GetRegistrations()) > 2 {
				t.Fatalf("page %d: %v, %v", pages, resp, err)
			}
			for _, r := range resp.GetRegistrations() {
				paged = append(paged, r.GetUnitCode()+" "+r.GetLevel().String())
			}
			if resp.GetNextPageToken() == "" {
				break
			}
			req = &criteriav1.ListRegistrationsRequest{Parent: province, Year: 2020, PageSize: 2, PageToken: resp.GetNextPageToken()}
		}
		if want := a.registrations(t, province, 2020, ""); !slices.Equal(paged, want) {
			t.Errorf("paged = %q, want %q", paged, want)
		}
		first, err := a.crit.ListRegistrations(ctx, &criteriav1.ListRegistrationsRequest{Parent: province, Year: 2020, PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.crit.ListRegistrations(ctx, &criteriav1.ListRegistrationsRequest{Parent: district, Year: 2020, PageToken: first.GetNextPageToken()})
		grpctest.WantViolations(t, err, "page_token")
		_, err = a.crit.ListRegistrations(ctx, &criteriav1.ListRegistrationsRequest{Parent: province, Year: 2020, AsOf: "2020-13-01"})
		grpctest.WantViolations(t, err, "as_of")
		_, err = a.crit.ListRegistrations(ctx, &criteriav1.ListRegistrationsRequest{Parent: province})
		grpctest.WantViolations(t, err, "year")
		for _, year := range []int32{2020, 2023} { // with registrations, and without
			_, err = a.crit.ListRegistrations(ctx, &criteriav1.ListRegistrationsRequest{Parent: "999", Year: year})
			grpctest.WantCode(t, err, codes.NotFound)
			_, err = a.crit.ListRegistrations(ctx, &criteriav1.ListRegistrationsRequest{Parent: "104", Year: year, AsOf: "2021-05-31"})
			grpctest.WantCode(t, err, codes.NotFound)
		}
	})
}

// A registration belongs to the list of the parent its unit was under on
// the day it registered: a commune moved to another district, or become a
// ward, since stays in the list it registered in, and nowhere else.
func TestRegistrationsStayInTheListTheyRegisteredIn(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *authEnv) {
		a.register(t, "110", registration(standard, 2020, "2020-01-15"))
		a.register(t, "101", registration(standard, 2020, "2020-01-15"))
		a.register(t, "100", registration(advanced, 2020, "2020-03-01"))
		a.change(t, &registryv1.UnitChange{DecisionNumber: "1/NQ-UBTVQH", EffectiveDate: "2020-06-01",
			Kind: &registryv1.UnitChange_Transfer{Transfer: &registryv1.TransferUnit{Code: "110", NewParentCode: district}}})
		a.change(t, &registryv1.UnitChange{DecisionNumber: "2/NQ-UBTVQH", EffectiveDate: "2020-07-01",
			Kind: &registryv1.UnitChange_Reclassify{Reclassify: &registryv1.ReclassifyUnit{Code: "101", NewType: registryv1.UnitType_WARD,
				NewDisplayName: "Phường Lâu Thượng"}}})
		for _, tc := range []struct {
			parent, asOf string
			want         []string
		}{
			{district2, "", []string{"110 STANDARD"}},
			{district, "", []string{"100 ADVANCED", "101 STANDARD"}},
			{province, "", []string{"100 ADVANCED", "101 STANDARD", "110 STANDARD"}},
			{"", "", []string{"100 ADVANCED", "101 STANDARD", "110 STANDARD"}},
			{district, "2020-02-29", []string{"101 STANDARD"}},
			{"101", "", []string{"101 STANDARD"}}, // a ward now, a commune when it registered
		} {
			if got := a.registrations(t, tc.parent, 2020, tc.asOf); !slices.Equal(got, tc.want) {
				t.Errorf("registrations of 2020 under %q on %q = %q, want %q", tc.parent, tc.asOf, got, tc.want)
			}
		}
	})
}

// A province's own set, where it has one, is the one a commune registers under.
func TestRegistrationUnderTheProvincesSet(t *testing.T) {
	e := newProvinceEnv(t)
	r, err := e.crit.CreateRegistration(context.Background(), &criteriav1.CreateRegistrationRequest{UnitCode: "100",
		Registration: registration(standard, 2019, "2019-01-15")})
	if err != nil || r.GetCriteriaSet() != setP19 {
		t.Errorf("registration = %v (%v), want it under %s", r, err, setP19)
	}
}

// countedConn is a connection to the registry that records the methods
// called through it.
type countedConn struct {
	grpc.ClientConnInterface
	mu      sync.Mutex
	methods []string
}

func (c *countedConn) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	c.mu.Lock()
	c.methods = append(c.methods, path.Base(method))
	c.mu.Unlock()
	return c.ClientConnInterface.Invoke(ctx, method, args, reply, opts...)
}

// calls returns the methods called since the last time, and forgets them.
func (c *countedConn) calls() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.methods
	c.methods = nil
	return out
}

// A list is read from the paths stored with the registrations, a page a
// query: the registry is asked nothing, however many units lie under the
// parent, but whether an unknown parent exists when nothing is listed.
func TestListRegistrationsAsksTheRegistryOnlyWhenEmpty(t *testing.T) {
	e := startRegistry(t, cache.NewMemory())
	reg := &countedConn{ClientConnInterface: e.regConn}
	crit := criteriav1.NewCriteriaServiceClient(dialCriteria(t, reg, criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "criteria.db"), Cache: cache.NewMemory()}))
	ctx := context.Background()
	for _, r := range []struct {
		unit string
		r    *criteriav1.Registration
	}{
		{"100", registration(standard, 2020, "2020-01-15")},
		{"101", registration(standard, 2020, "2020-01-15")},
		{"1000", registration(standard, 2020, "2020-02-01")},
		{"110", registration(standard, 2020, "2020-03-01")},
		{"103", registration(standard, 2019, "2019-02-01")}, // merged into 102 on 2020-01-01
	} {
		if _, err := crit.CreateRegistration(ctx, &criteriav1.CreateRegistrationRequest{UnitCode: r.unit, Registration: r.r}); err != nil {
			t.Fatalf("register %s: %v", r.unit, err)
		}
	}
	reg.calls()

	var listed []string
	req := &criteriav1.ListRegistrationsRequest{Parent: province, Year: 2020, PageSize: 1}
	for {
		resp, err := crit.ListRegistrations(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range resp.GetRegistrations() {
			listed = append(listed, r.GetUnitCode())
		}
		if req.PageToken = resp.GetNextPageToken(); req.PageToken == "" {
			break
		}
	}
	if want := []string{"100", "1000", "101", "110"}; !slices.Equal(listed, want) {
		t.Errorf("listed %q, want %q", listed, want)
	}
	if got := reg.calls(); len(got) != 0 {
		t.Errorf("four pages asked the registry %q, want nothing", got)
	}

	for _, tc := range []struct {
		name   string
		parent string
		year   int32
		code   codes.Code
		asked  bool
	}{
		// Units with registrations under them, in some year: no question.
		{"a district with nothing this year", district, 2023, codes.OK, false},
		{"a commune merged away, with nothing this year", "103", 2023, codes.OK, false},
		// Units without: whether they exist on as_of.
		{"a commune that never registered", "111", 2021, codes.OK, true},
		{"a code never on the map", "999", 2020, codes.NotFound, true},
		{"a commune created after as_of", "104", 2020, codes.NotFound, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := crit.ListRegistrations(ctx, &criteriav1.ListRegistrationsRequest{Parent: tc.parent, Year: tc.year, AsOf: "2021-05-31"})
			if status.Code(err) != tc.code || len(resp.GetRegistrations()) != 0 {
				t.Fatalf("list under %s = %v, %v; want nothing listed, code %v", tc.parent, resp, err, tc.code)
			}
			got := reg.calls()
			if asked := len(got) > 0; asked != tc.asked || slices.Contains(got, "ListUnits") {
				t.Errorf("the registry was asked %q; want a question: %v, and never a list of units", got, tc.asked)
			}
		})
	}
}
