package storetest

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/period"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/plan"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
)

// planCases are the cases of the plans; they read the audit trail from the
// database, so they are given it rather than a store.
var planCases = []struct {
	name string
	fn   func(*testing.T, *db.DB)
}{
	{"RegistrationRoundTrips", testRegistrationRoundTrip},
	{"RegistrationKeyIsUnitLevelYear", testRegistrationKey},
	{"RegistrationsListedUnderEveryUnitOfTheirPath", testRegistrationsUnderPath},
	{"RegistrationsPageByUnitThenID", testRegistrationPages},
	{"BatchesAreOneTransactionOrOnlyTried", testPlanBatches},
	{"TargetKeyOrderAndDecisionDate", testTargets},
	{"EstimatesLatestPerKindOnOrBeforeAsOf", testEstimates},
	{"ConcurrentDuplicateCreatesMakeOneRow", testConcurrentDuplicates},
	{"PlansAreAuditedInTheirTransaction", testPlansAudited},
	{"PlanConstraints", testPlanConstraints},
}

const (
	standard  = registryv1.RecognitionLevel_STANDARD
	advanced  = registryv1.RecognitionLevel_ADVANCED
	completed = registryv1.RecognitionLevel_COMPLETED
	commune   = registryv1.UnitType_COMMUNE
	village   = registryv1.UnitType_VILLAGE
)

// registration is a commune's registration, made under district 170 of
// province 19.
func registration(unit string, level registryv1.RecognitionLevel, year int, on string) plan.Registration {
	return plan.Registration{UnitCode: unit, UnitType: commune, UnitPath: []string{unit, "170", "19"}, Level: level, Year: year,
		RegisteredOn: d(on), DecisionNumber: "245/QĐ-UBND", SetCode: set2016, Gap: plan.Gap{Count: 19}}
}

// registrationUnder is registration made with path: the unit first, then
// its ancestors on the day.
func registrationUnder(level registryv1.RecognitionLevel, year int, on string, path ...string) plan.Registration {
	r := registration(path[0], level, year, on)
	r.UnitPath = path
	return r
}

func mustPeriod(t *testing.T, s string) period.Period {
	t.Helper()
	p, err := period.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func target(t *testing.T, unit, p, kind string, value float64) plan.Target {
	return plan.Target{UnitCode: unit, Period: mustPeriod(t, p), Kind: kind, Value: value}
}

func estimate(unit string, year int, kind, on string, value float64) plan.Estimate {
	return plan.Estimate{UnitCode: unit, Year: year, Kind: kind, EstimatedOn: d(on), Value: value}
}

// createOnce calls create and fails t on an error or when created is not want.
func createOnce[T any](t *testing.T, what string, create func(context.Context, T) (T, bool, error), v T, want bool) T {
	t.Helper()
	out, created, err := create(context.Background(), v)
	if err != nil || created != want {
		t.Fatalf("create %s = created %v, %v; want created %v", what, created, err, want)
	}
	return out
}

// sameWithoutStamp compares two plan rows, CreatedAt compared as instants
// (time.Time's location and monotonic reading differ between dialects).
func sameWithoutStamp[T any](t *testing.T, what string, got, want T, stamp func(*T) *time.Time) {
	t.Helper()
	g, w := got, want
	if !stamp(&g).Equal(*stamp(&w)) {
		t.Errorf("%s created at %v, want %v", what, *stamp(&g), *stamp(&w))
	}
	*stamp(&g), *stamp(&w) = time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s = %+v, want %+v", what, g, w)
	}
}

// sameRowsWithoutStamp is sameWithoutStamp for each row of a list.
func sameRowsWithoutStamp[T any](t *testing.T, what string, got, want []T, stamp func(*T) *time.Time) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s = %+v, want %+v", what, got, want)
	}
	for i := range got {
		sameWithoutStamp(t, fmt.Sprintf("%s, row %d", what, i), got[i], want[i], stamp)
	}
}

func regStamp(r *plan.Registration) *time.Time { return &r.CreatedAt }
func tgtStamp(t *plan.Target) *time.Time       { return &t.CreatedAt }
func estStamp(e *plan.Estimate) *time.Time     { return &e.CreatedAt }

// listRegistrations lists q, by default of every page and as of the end
// of its year.
func listRegistrations(t *testing.T, s *store.Store, q store.RegistrationQuery) []plan.Registration {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 1000
	}
	if q.AsOf.IsZero() {
		q.AsOf = d(fmt.Sprintf("%d-12-31", q.Year))
	}
	rs, err := s.ListRegistrations(context.Background(), q)
	if err != nil {
		t.Fatalf("ListRegistrations(%+v): %v", q, err)
	}
	return rs
}

func testRegistrationRoundTrip(t *testing.T, database *db.DB) {
	s := store.New(database)
	full := plan.Registration{UnitCode: "06002", UnitType: commune, UnitPath: []string{"06002", "170", "19"}, Level: advanced, Year: 2021, RegisteredOn: d("2020-12-20"),
		DecisionNumber: "3512/QĐ-UBND", Note: "Đăng ký đạt chuẩn nâng cao; đợt 2", SetCode: set2016,
		Gap: plan.Gap{Assessment: "units/06002/assessments/41", AssessedOn: d("2020-10-31"), Met: 17, Count: 19,
			Missing: []plan.Criterion{{Code: "10", Name: "Thu nhập"}, {Code: "17", Name: "Môi trường và an toàn thực phẩm"}}}}
	bare := plan.Registration{UnitCode: "0600201", UnitType: village, UnitPath: []string{"0600201", "06002", "170", "19"}, Level: standard, Year: 2020, RegisteredOn: d("2020-01-02"),
		SetCode: "NTM_VILLAGE_2016_2020", Gap: plan.Gap{Count: 2, Missing: []plan.Criterion{{Code: "1", Name: "Tiêu chí 1"}, {Code: "2", Name: "Tiêu chí 2"}}}}
	before := time.Now().Add(-time.Minute)
	for _, r := range []plan.Registration{full, bare} {
		got := createOnce(t, "registration", s.CreateRegistration, r, true)
		if got.ID <= 0 || got.CreatedAt.Before(before) || got.CreatedAt.After(time.Now().Add(time.Minute)) {
			t.Errorf("created %+v: want an id and a creation time of now", got)
		}
		want := r
		want.ID, want.CreatedAt = got.ID, got.CreatedAt
		sameWithoutStamp(t, "created registration", got, want, regStamp)
		listed := listRegistrations(t, s, store.RegistrationQuery{Year: r.Year, Parent: r.UnitCode, AsOf: r.RegisteredOn})
		sameRowsWithoutStamp(t, "listed registrations", listed, []plan.Registration{want}, regStamp)
	}
}

func testRegistrationKey(t *testing.T, database *db.DB) {
	s := store.New(database)
	first := createOnce(t, "first", s.CreateRegistration, registration("100", standard, 2020, "2020-01-15"), true)
	// Another body under the same key writes nothing and gets the first back.
	other := registration("100", standard, 2020, "2020-03-01")
	other.Note, other.UnitType = "Đăng ký lại", village
	again := createOnce(t, "same key, another body", s.CreateRegistration, other, false)
	sameWithoutStamp(t, "registration on file", again, first, regStamp)
	// Any other level, year or unit is another registration.
	for _, r := range []plan.Registration{
		registration("100", advanced, 2020, "2020-01-15"),
		registration("100", standard, 2021, "2020-01-15"),
		registration("101", standard, 2020, "2020-01-15"),
	} {
		if got := createOnce(t, fmt.Sprintf("%s %s %d", r.UnitCode, r.Level, r.Year), s.CreateRegistration, r, true); got.ID == first.ID {
			t.Errorf("%+v got the id of the first registration", got)
		}
	}
	if got := listRegistrations(t, s, store.RegistrationQuery{Year: 2020, Parent: "100"}); len(got) != 2 {
		t.Errorf("unit 100 has %d registrations for 2020, want 2 (standard and advanced)", len(got))
	}
}

// The test map's units as they stood when they registered in 2020:
//
//	19 Tỉnh Thái Nguyên
//	├── 170 Huyện Võ Nhai
//	│   ├── 100 Xã La Hiên ── 1000 Xóm Làng Lai (village)
//	│   ├── 101 Xã Lâu Thượng    (a ward since)
//	│   ├── 103 Xã Dân Tiến      (merged into 102 since)
//	│   └── 110 Xã Hóa Thượng    (moved here from 171 in June)
//	└── 171 Huyện Đồng Hỷ
//	17 Tỉnh Hòa Bình              (a code that starts 170's)
//	└── 1701 Xã Cao Phong
//
// The store keeps the path each registered with, so a list is what the
// map was on each registration's day, whatever it became since.
func testRegistrationsUnderPath(t *testing.T, database *db.DB) {
	s := store.New(database)
	ctx := context.Background()
	// Made in this order: a unit's registrations are listed by id.
	made := map[string]plan.Registration{}
	for _, m := range []struct {
		name string
		r    plan.Registration
	}{
		{"19", registrationUnder(completed, 2020, "2020-01-15", "19")},
		{"170", registrationUnder(completed, 2020, "2020-01-15", "170", "19")},
		{"100", registrationUnder(standard, 2020, "2020-01-15", "100", "170", "19")},
		{"100 later", registrationUnder(advanced, 2020, "2020-03-01", "100", "170", "19")},
		{"1000", registrationUnder(standard, 2020, "2020-01-15", "1000", "100", "170", "19")},
		{"101", registrationUnder(standard, 2020, "2020-01-15", "101", "170", "19")},
		{"103", registrationUnder(standard, 2020, "2020-01-15", "103", "170", "19")},
		{"110 in 171", registrationUnder(standard, 2020, "2020-01-15", "110", "171", "19")},
		{"110 in 170", registrationUnder(advanced, 2020, "2020-09-01", "110", "170", "19")},
		{"1701", registrationUnder(standard, 2020, "2020-01-15", "1701", "17")},
		{"103 in 2019", registrationUnder(standard, 2019, "2019-01-15", "103", "170", "19")},
		{"111 in 2021", registrationUnder(standard, 2021, "2020-12-20", "111", "171", "19")},
	} {
		made[m.name] = createOnce(t, m.name, s.CreateRegistration, m.r, true)
	}
	all := []string{"100", "100 later", "1000", "101", "103", "110 in 171", "110 in 170", "170", "1701", "19"}
	for _, tc := range []struct {
		parent, asOf string
		want         []string // by unit code, then id
	}{
		{"", "", all},
		{"19", "", []string{"100", "100 later", "1000", "101", "103", "110 in 171", "110 in 170", "170", "19"}},
		// Two levels up from the village; 101 and 103 as they were then.
		{"170", "", []string{"100", "100 later", "1000", "101", "103", "110 in 170", "170"}},
		{"171", "", []string{"110 in 171"}},
		{"100", "", []string{"100", "100 later", "1000"}},
		{"1000", "", []string{"1000"}},
		{"103", "", []string{"103"}},
		{"17", "", []string{"1701"}}, // a whole code, never the start of one
		{"1701", "", []string{"1701"}},
		{"10", "", nil},
		{"0", "", nil},
		{"999", "", nil},
		// Registrations made after as_of are not yet known; those of the day are.
		{"170", "2020-01-14", nil},
		{"170", "2020-01-15", []string{"100", "1000", "101", "103", "170"}},
		{"", "2020-03-01", []string{"100", "100 later", "1000", "101", "103", "110 in 171", "170", "1701", "19"}},
		// LIKE's wildcards in a code are matched as themselves.
		{"1_0", "", nil},
		{"%", "", nil},
		{`1\`, "", nil},
	} {
		q := store.RegistrationQuery{Year: 2020, Parent: tc.parent}
		if tc.asOf != "" {
			q.AsOf = d(tc.asOf)
		}
		var want []plan.Registration
		for _, name := range tc.want {
			want = append(want, made[name])
		}
		sameRowsWithoutStamp(t, fmt.Sprintf("registrations of 2020 under %q as of %q", tc.parent, tc.asOf), listRegistrations(t, s, q), want, regStamp)
	}
	for year, want := range map[int][]string{2019: {"103 in 2019"}, 2021: {"111 in 2021"}, 2022: nil} {
		var rows []plan.Registration
		for _, name := range want {
			rows = append(rows, made[name])
		}
		sameRowsWithoutStamp(t, fmt.Sprintf("registrations of %d", year), listRegistrations(t, s, store.RegistrationQuery{Year: year, Parent: "19"}), rows, regStamp)
	}

	// Whether a code is in any stored path, of any year.
	for unit, want := range map[string]bool{"19": true, "170": true, "103": true, "111": true, "1000": true, "17": true,
		"10": false, "999": false, "1_0": false, "%": false} {
		if got, err := s.AnyRegistrationUnder(ctx, unit); err != nil || got != want {
			t.Errorf("AnyRegistrationUnder(%q) = %v, %v; want %v", unit, got, err, want)
		}
	}
}

func testRegistrationPages(t *testing.T, database *db.DB) {
	s := store.New(database)
	ctx := context.Background()
	// Units registered out of code order, several levels each, and some
	// under another district: pages come by unit code, then id.
	var want []plan.Registration
	for i := 40; i > 0; i-- {
		unit := fmt.Sprintf("1%03d", i)
		parent := []string{"170", "171"}[i%3/2]
		for _, l := range []registryv1.RecognitionLevel{advanced, standard} {
			r := createOnce(t, unit, s.CreateRegistration, registrationUnder(l, 2020, "2020-02-01", unit, parent, "19"), true)
			if parent == "170" {
				want = append(want, r)
			}
		}
	}
	slices.SortFunc(want, func(a, b plan.Registration) int {
		return cmp.Or(cmp.Compare(a.UnitCode, b.UnitCode), cmp.Compare(a.ID, b.ID))
	})
	for _, limit := range []int{1, 3, len(want), len(want) + 1} {
		var paged []plan.Registration
		q := store.RegistrationQuery{Year: 2020, Parent: "170", AsOf: d("2020-12-31"), Limit: limit}
		for pages := 0; ; pages++ {
			if pages > len(want) {
				t.Fatalf("limit %d: more pages than registrations", limit)
			}
			page := listRegistrations(t, s, q)
			paged = append(paged, page...)
			if len(page) < limit {
				break
			}
			last := page[len(page)-1]
			q.After = &store.RegistrationCursor{UnitCode: last.UnitCode, ID: last.ID}
		}
		if !slices.Equal(regIDs(paged), regIDs(want)) {
			t.Errorf("limit %d: paged %v, want %v", limit, regIDs(paged), regIDs(want))
		}
	}
	for name, q := range map[string]store.RegistrationQuery{
		"a negative limit": {Year: 2020, Parent: "170", AsOf: d("2020-12-31"), Limit: -1},
		"no as_of":         {Year: 2020, Parent: "170", Limit: 10},
	} {
		if _, err := s.ListRegistrations(ctx, q); err == nil {
			t.Errorf("a list with %s was answered", name)
		}
	}
}

func regIDs(rs []plan.Registration) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func testTargets(t *testing.T, database *db.DB) {
	s := store.New(database)
	ctx := context.Background()
	full := target(t, "19", "2021", "COMMUNES_STANDARD_NEW", 7)
	full.DecisionNumber, full.DecidedOn, full.Note = "12/KH-UBND", d("2021-01-14"), "Kế hoạch năm 2021"
	first := createOnce(t, "target", s.CreateTarget, full, true)
	want := full
	want.ID, want.CreatedAt = first.ID, first.CreatedAt
	sameWithoutStamp(t, "created target", first, want, tgtStamp)
	// Another value under the same key writes nothing.
	again := createOnce(t, "same key", s.CreateTarget, target(t, "19", "2021", "COMMUNES_STANDARD_NEW", 8), false)
	sameWithoutStamp(t, "target on file", again, want, tgtStamp)

	fractional := createOnce(t, "average", s.CreateTarget, target(t, "19", "2021", "AVERAGE_CRITERIA", 13.25), true)
	phase := target(t, "19", "2021-2025", "COMMUNES_STANDARD_NEW", 30)
	phase.DecidedOn = d("2021-08-05")
	phase = createOnce(t, "phase", s.CreateTarget, phase, true)
	longer := createOnce(t, "longer phase", s.CreateTarget, target(t, "19", "2021-2030", "COMMUNES_STANDARD_NEW", 40), true)
	earlier := createOnce(t, "earlier year", s.CreateTarget, target(t, "19", "2020", "OCOP_3_STARS_NEW", 25), true)
	oldPhase := createOnce(t, "earlier phase", s.CreateTarget, target(t, "19", "2016-2020", "COMMUNES_STANDARD_PERCENT", 50), true)
	later := target(t, "19", "2022", "COMMUNES_STANDARD_NEW", 5)
	later.DecidedOn = d("2022-01-10")
	later = createOnce(t, "later year", s.CreateTarget, later, true)
	createOnce(t, "another unit", s.CreateTarget, target(t, "170", "2021", "COMMUNES_STANDARD_NEW", 1), true)

	for _, tc := range []struct {
		period, asOf string
		want         []plan.Target
	}{
		// By start, then end: phases after the year they start with.
		{"", "", []plan.Target{oldPhase, earlier, fractional, first, phase, longer, later}},
		{"2021", "", []plan.Target{fractional, first}},
		{"2021-2025", "", []plan.Target{phase}},
		{"2023", "", nil},
		// The plan known on a day: targets decided after it are left out,
		// those without a decision date never are.
		{"", "2021-01-13", []plan.Target{oldPhase, earlier, fractional, longer}},
		{"", "2021-01-14", []plan.Target{oldPhase, earlier, fractional, first, longer}},
		{"", "2021-12-31", []plan.Target{oldPhase, earlier, fractional, first, phase, longer}},
		{"2021", "2021-01-13", []plan.Target{fractional}},
		{"2021-2025", "2021-08-04", nil},
	} {
		q := store.TargetQuery{UnitCode: "19"}
		if tc.period != "" {
			q.Period = mustPeriod(t, tc.period)
		}
		if tc.asOf != "" {
			q.AsOf = d(tc.asOf)
		}
		got, err := s.ListTargets(ctx, q)
		if err != nil {
			t.Fatalf("ListTargets(%q, %q): %v", tc.period, tc.asOf, err)
		}
		sameRowsWithoutStamp(t, fmt.Sprintf("ListTargets(%q, as of %q)", tc.period, tc.asOf), got, tc.want, tgtStamp)
	}
}

func testEstimates(t *testing.T, database *db.DB) {
	s := store.New(database)
	ctx := context.Background()
	const total, advancedTotal = "COMMUNES_STANDARD_TOTAL", "COMMUNES_ADVANCED_TOTAL"
	june := createOnce(t, "june", s.CreateEstimate, estimate("19", 2020, total, "2020-06-30", 103), true)
	october := plan.Estimate{UnitCode: "19", Year: 2020, Kind: total, EstimatedOn: d("2020-10-31"), Value: 108, Note: "Dự ước đến hết năm 2020"}
	october = createOnce(t, "october", s.CreateEstimate, october, true)
	adv := createOnce(t, "advanced", s.CreateEstimate, estimate("19", 2020, advancedTotal, "2020-11-15", 6), true)
	// The same day again is the same key: nothing written.
	again := createOnce(t, "same day", s.CreateEstimate, estimate("19", 2020, total, "2020-10-31", 110), false)
	sameWithoutStamp(t, "estimate on file", again, october, estStamp)
	// Other years and units do not count.
	createOnce(t, "next year", s.CreateEstimate, estimate("19", 2021, total, "2020-12-01", 115), true)
	createOnce(t, "another unit", s.CreateEstimate, estimate("170", 2020, total, "2020-12-01", 30), true)

	for _, tc := range []struct {
		asOf string
		want []plan.Estimate
	}{
		{"2020-06-29", nil},
		{"2020-06-30", []plan.Estimate{june}},
		{"2020-10-30", []plan.Estimate{june}},
		{"2020-10-31", []plan.Estimate{october}},
		{"2021-06-30", []plan.Estimate{adv, october}},
	} {
		got, err := s.ListEstimates(ctx, "19", 2020, d(tc.asOf))
		if err != nil {
			t.Fatalf("ListEstimates(%s): %v", tc.asOf, err)
		}
		sameRowsWithoutStamp(t, "ListEstimates("+tc.asOf+")", got, tc.want, estStamp)
	}
}

// Several replicas receiving the same create at once (a client retrying
// against a load balancer) leave one row: one writer creates it, the others
// get it back, whatever their bodies say.
func testConcurrentDuplicates(t *testing.T, database *db.DB) {
	s := store.New(database)
	const writers = 8
	race := func(what string, create func(i int) (int64, bool, error)) {
		t.Helper()
		ids := make([]int64, writers)
		created := make([]bool, writers)
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() { ids[i], created[i], errs[i] = create(i) })
		}
		wg.Wait()
		wins := 0
		for i := range writers {
			if errs[i] != nil {
				t.Fatalf("%s, writer %d: %v", what, i, errs[i])
			}
			if created[i] {
				wins++
			}
			if ids[i] != ids[0] {
				t.Errorf("%s: writers got ids %v, want one", what, ids)
			}
		}
		if wins != 1 {
			t.Errorf("%s: %d writers created a row, want 1", what, wins)
		}
	}
	ctx := context.Background()
	race("registration", func(i int) (int64, bool, error) {
		r := registration("100", standard, 2020, fmt.Sprintf("2020-01-%02d", i+1))
		out, created, err := s.CreateRegistration(ctx, r)
		return out.ID, created, err
	})
	race("target", func(i int) (int64, bool, error) {
		out, created, err := s.CreateTarget(ctx, target(t, "19", "2021", "COMMUNES_STANDARD_NEW", float64(i)))
		return out.ID, created, err
	})
	race("estimate", func(i int) (int64, bool, error) {
		out, created, err := s.CreateEstimate(ctx, estimate("19", 2020, "COMMUNES_STANDARD_TOTAL", "2020-10-31", float64(100+i)))
		return out.ID, created, err
	})
	if got := listRegistrations(t, s, store.RegistrationQuery{Year: 2020, Parent: "100"}); len(got) != 1 {
		t.Errorf("%d registrations recorded, want 1", len(got))
	}
	if got, err := s.ListTargets(ctx, store.TargetQuery{UnitCode: "19"}); err != nil || len(got) != 1 {
		t.Errorf("%d targets recorded (%v), want 1", len(got), err)
	}
	if got, err := s.ListEstimates(ctx, "19", 2020, d("2020-12-31")); err != nil || len(got) != 1 {
		t.Errorf("%d estimates recorded (%v), want 1", len(got), err)
	}
	if events, err := audit.List(ctx, database, audit.Filter{}); err != nil || len(events) != 3 {
		t.Errorf("%d audit events (%v), want one per row", len(events), err)
	}
}

// Each plan created leaves one entry, by its caller, in its transaction; a
// create that finds its key taken leaves none, and one whose entry cannot
// be written leaves no row either.
func testPlansAudited(t *testing.T, database *db.DB) {
	s := store.New(database)
	officer := auth.Identity{Subject: "vpdp@thainguyen", Role: auth.ProvinceOfficer, Unit: "19"}
	ctx := auth.NewContext(context.Background(), officer)
	r, _, err := s.CreateRegistration(ctx, registration("100", standard, 2020, "2020-01-15"))
	if err != nil {
		t.Fatal(err)
	}
	tg, _, err := s.CreateTarget(ctx, target(t, "19", "2020", "COMMUNES_STANDARD_NEW", 5))
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := s.CreateEstimate(ctx, estimate("19", 2020, "COMMUNES_STANDARD_TOTAL", "2020-10-31", 108))
	if err != nil {
		t.Fatal(err)
	}
	// Retries: no entry.
	createOnce(t, "registration again", s.CreateRegistration, registration("100", standard, 2020, "2020-01-15"), false)
	createOnce(t, "target again", s.CreateTarget, target(t, "19", "2020", "COMMUNES_STANDARD_NEW", 5), false)
	createOnce(t, "estimate again", s.CreateEstimate, estimate("19", 2020, "COMMUNES_STANDARD_TOTAL", "2020-10-31", 108), false)

	refuseAuditOf(t, database, "666")
	if _, _, err := s.CreateRegistration(ctx, registration("666", standard, 2020, "2020-01-15")); err == nil {
		t.Error("a registration was recorded although its audit entry was refused")
	}
	if _, _, err := s.CreateTarget(ctx, target(t, "666", "2020", "COMMUNES_STANDARD_NEW", 1)); err == nil {
		t.Error("a target was recorded although its audit entry was refused")
	}
	if _, _, err := s.CreateEstimate(ctx, estimate("666", 2020, "COMMUNES_STANDARD_TOTAL", "2020-10-31", 1)); err == nil {
		t.Error("an estimate was recorded although its audit entry was refused")
	}
	if got := listRegistrations(t, s, store.RegistrationQuery{Year: 2020, Parent: "666"}); len(got) != 0 {
		t.Errorf("unit 666 has %d registrations from a create whose audit failed", len(got))
	}
	if got, _ := s.ListTargets(context.Background(), store.TargetQuery{UnitCode: "666"}); len(got) != 0 {
		t.Errorf("unit 666 has %d targets from a create whose audit failed", len(got))
	}
	if got, _ := s.ListEstimates(context.Background(), "666", 2020, d("2020-12-31")); len(got) != 0 {
		t.Errorf("unit 666 has %d estimates from a create whose audit failed", len(got))
	}

	events, err := audit.List(context.Background(), database, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		resource, unit string
		after          map[string]any
	}{
		{r.Name(), "100", map[string]any{"id": float64(r.ID), "unit_code": "100", "unit_type": "COMMUNE", "unit_path": "/100/170/19/", "level": "STANDARD", "year": float64(2020),
			"registered_on": "2020-01-15", "decision_number": "245/QĐ-UBND", "set_code": set2016}},
		{tg.Name(), "19", map[string]any{"id": float64(tg.ID), "period": "2020", "kind": "COMMUNES_STANDARD_NEW", "value": float64(5), "decided_on": ""}},
		{e.Name(), "19", map[string]any{"id": float64(e.ID), "year": float64(2020), "kind": "COMMUNES_STANDARD_TOTAL", "value": float64(108), "estimated_on": "2020-10-31"}},
	}
	if len(events) != len(want) {
		t.Fatalf("%d audit events, want %d: %+v", len(events), len(want), events)
	}
	for i, ev := range events {
		w := want[i]
		if ev.Resource != w.resource || ev.Unit != w.unit || ev.Before != "" || ev.Actor != officer.Subject || ev.ActorRole != string(officer.Role) {
			t.Errorf("event %d = %+v, want the creation of %s by %s", i, ev, w.resource, officer.Subject)
		}
		var after map[string]any
		if err := json.Unmarshal([]byte(ev.After), &after); err != nil {
			t.Fatalf("event %d after = %s: %v", i, ev.After, err)
		}
		for k, v := range w.after {
			if !reflect.DeepEqual(after[k], v) {
				t.Errorf("event %d after[%s] = %v, want %v", i, k, after[k], v)
			}
		}
	}
	var reg struct {
		Gap struct {
			Count int `json:"count"`
		} `json:"gap"`
	}
	if err := json.Unmarshal([]byte(events[0].After), &reg); err != nil || reg.Gap.Count != 19 {
		t.Errorf("the registration's entry holds gap %+v (%v), want its 19 criteria", reg.Gap, err)
	}
}

// The database refuses what the domain refuses, should a caller skip it.
func testPlanConstraints(t *testing.T, database *db.DB) {
	s := store.New(database)
	ctx := context.Background()
	elsewhere := registration("100", standard, 2020, "2020-01-15")
	elsewhere.UnitPath = []string{"101", "170", "19"}
	for name, r := range map[string]plan.Registration{
		"a year before the registration": registration("100", standard, 2019, "2020-01-15"),
		"no unit":                        registration("", standard, 2020, "2020-01-15"),
		"the path of another unit":       elsewhere,
		"no path":                        {UnitCode: "100", UnitType: commune, Level: standard, Year: 2020, RegisteredOn: d("2020-01-15"), SetCode: set2016},
		"a code holding the separator":   registrationUnder(standard, 2020, "2020-01-15", "100", "1/70", "19"),
	} {
		if _, _, err := s.CreateRegistration(ctx, r); err == nil {
			t.Errorf("registration with %s recorded", name)
		}
	}
	if _, _, err := s.CreateTarget(ctx, target(t, "19", "2020", "COMMUNES_STANDARD_NEW", -1)); err == nil {
		t.Error("negative target recorded")
	}
	if _, _, err := s.CreateEstimate(ctx, estimate("19", 2020, "COMMUNES_STANDARD_TOTAL", "2021-01-01", 1)); err == nil {
		t.Error("estimate made after its year recorded")
	}
	if _, _, err := s.CreateEstimate(ctx, estimate("19", 2020, "", "2020-10-01", 1)); err == nil {
		t.Error("estimate without a kind recorded")
	}
	if events, err := audit.List(ctx, database, audit.Filter{}); err != nil || len(events) != 0 {
		t.Errorf("refused rows left %d audit events (%v)", len(events), err)
	}
}

// A batch of plans is one transaction: each row is created once per key as
// a single create is; a tried batch (keep false) tells the same and leaves
// nothing, audit included.
func testPlanBatches(t *testing.T, database *db.DB) {
	s := store.New(database)
	ctx := context.Background()
	onFile := createOnce(t, "on file", s.CreateRegistration, registration("100", standard, 2026, "2026-01-15"), true)
	batch := []plan.Registration{registration("101", standard, 2026, "2026-01-15"), registration("100", standard, 2026, "2026-02-01")}
	out, created, err := s.CreateRegistrations(ctx, batch, false)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(created, []bool{true, false}) || out[1].ID != onFile.ID {
		t.Fatalf("tried batch: created %v, second row %+v, want [true false] and the row on file", created, out[1])
	}
	if got := listRegistrations(t, s, store.RegistrationQuery{Year: 2026, Parent: "101"}); len(got) != 0 {
		t.Fatalf("a tried batch left %d registrations of 101", len(got))
	}
	if events, err := audit.List(ctx, database, audit.Filter{}); err != nil || len(events) != 1 {
		t.Fatalf("after a tried batch the trail has %d events (%v), want the one on file's", len(events), err)
	}
	// Kept only when every row is new.
	if _, created, err = s.CreateRegistrations(ctx, batch, true); err != nil || !reflect.DeepEqual(created, []bool{true, false}) {
		t.Fatalf("batch with a key on file: created %v, %v", created, err)
	}
	if got := listRegistrations(t, s, store.RegistrationQuery{Year: 2026, Parent: "101"}); len(got) != 0 {
		t.Errorf("a batch with a key on file left %d registrations of 101, want none", len(got))
	}
	if _, created, err = s.CreateRegistrations(ctx, batch[:1], true); err != nil || !reflect.DeepEqual(created, []bool{true}) {
		t.Fatalf("batch of new rows: created %v, %v", created, err)
	}
	if got := listRegistrations(t, s, store.RegistrationQuery{Year: 2026, Parent: "101"}); len(got) != 1 {
		t.Errorf("a batch of new rows left %d registrations of 101, want 1", len(got))
	}
	targets := []plan.Target{target(t, "19", "2026", "COMMUNES_STANDARD_NEW", 5), target(t, "19", "2026", "COMMUNES_STANDARD_NEW", 6)}
	if _, created, err := s.CreateTargets(ctx, targets, true); err != nil || !reflect.DeepEqual(created, []bool{true, false}) {
		t.Errorf("targets with one key twice: created %v, %v; want the first only", created, err)
	}
	if got, _ := s.ListTargets(ctx, store.TargetQuery{UnitCode: "19"}); len(got) != 0 {
		t.Errorf("a batch with one key twice left %d targets, want none", len(got))
	}
}
