// Package storetest is the conformance suite every funding store backend
// passes: SQLite and PostgreSQL run the same cases, so dialect differences in
// dates, 64-bit sums, constraints, locking and transactions show up here
// rather than in production.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/funding/internal/planindex"
	"github.com/ntmsuite/ntm/services/funding/internal/progress"
	"github.com/ntmsuite/ntm/services/funding/internal/store"
)

// Run runs the suite; open returns an empty store of its own for each case.
func Run(t *testing.T, open func(t *testing.T) *store.Store) {
	cases := []struct {
		name string
		fn   func(*testing.T, *store.Store)
	}{
		{"RoundTripsVietnameseTextAndMaxAmounts", testRoundTrip},
		{"MissingPlan", testMissing},
		{"PlansAllOrNone", testPlansAtomic},
		{"CheckSeesEarlierItemsOfTheBatch", testCheckBefore},
		{"CheckRefusalWritesNothing", testCheckRefusal},
		{"CheckGetsNilForMissingPlan", testCheckMissingPlan},
		{"ConstraintsRefuseBadDisbursements", testDisbursementConstraints},
		{"ConcurrentDisbursementsNeverExceedThePlan", testConcurrentDisbursements},
		{"OppositeOrderBatchesDoNotDeadlock", testOppositeOrder},
		{"DisbursedAsOf", testDisbursedAsOf},
		{"ListPlansFiltersAndPagination", testListPlans},
		{"ListDisbursementsByPlanAndUnits", testListDisbursements},
		{"ManyUnitsAcrossChunks", testManyUnits},
		{"FactsFixture", testFacts},
		{"FactsSumPerPlanOnly", testFactsPerPlan},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, open(t))
		})
	}
}

var d = date.MustParse

// errOverrun is what the test checks refuse with.
var errOverrun = errors.New("overrun")

// accept is a check that lets every disbursement through.
func accept(int, *store.Plan, store.Totals, store.Disbursement) error { return nil }

func plan(year int, unit, source, purpose string, amount, quantity int64, allocatedOn string) store.Plan {
	return store.Plan{Year: year, UnitCode: unit, Source: source, Purpose: purpose, AmountVND: amount, QuantityMilli: quantity,
		AllocatedOn: d(allocatedOn), DecisionNumber: "QĐ " + allocatedOn}
}

func newPlans(t *testing.T, s *store.Store, ps ...store.Plan) []store.Plan {
	t.Helper()
	out, err := s.CreatePlans(context.Background(), ps)
	if err != nil {
		t.Fatalf("CreatePlans: %v", err)
	}
	if len(out) != len(ps) {
		t.Fatalf("CreatePlans returned %d plans, want %d", len(out), len(ps))
	}
	return out
}

func disbursement(p store.Plan, on string, amount, quantity int64) store.Disbursement {
	return store.Disbursement{PlanID: p.ID, DisbursedOn: d(on), AmountVND: amount, QuantityMilli: quantity}
}

func disburse(t *testing.T, s *store.Store, ds ...store.Disbursement) []store.Disbursement {
	t.Helper()
	out, err := s.CreateDisbursements(context.Background(), ds, accept)
	if err != nil {
		t.Fatalf("CreateDisbursements: %v", err)
	}
	if len(out) != len(ds) {
		t.Fatalf("CreateDisbursements returned %d, want %d", len(out), len(ds))
	}
	return out
}

func listPlans(t *testing.T, s *store.Store, f store.PlanFilter) []int64 {
	t.Helper()
	ps, err := s.ListPlans(context.Background(), f)
	if err != nil {
		t.Fatalf("ListPlans(%+v): %v", f, err)
	}
	return planIDs(ps)
}

func listDisbursements(t *testing.T, s *store.Store, f store.DisbursementFilter) []store.Disbursement {
	t.Helper()
	ds, err := s.ListDisbursements(context.Background(), f)
	if err != nil {
		t.Fatalf("ListDisbursements(%+v): %v", f, err)
	}
	return ds
}

func disbursed(t *testing.T, s *store.Store, ids []int64, asOf date.Date) map[int64]store.Totals {
	t.Helper()
	m, err := s.Disbursed(context.Background(), ids, asOf)
	if err != nil {
		t.Fatalf("Disbursed(%s): %v", asOf, err)
	}
	if m == nil {
		t.Fatalf("Disbursed(%s) = nil map", asOf)
	}
	return m
}

// facts is Facts of q, checked against the in-memory index loaded with
// the store's rows (DisbursementsAfter, then PlansAfter): summaries count
// from the index, so both must say the same in every case of the suite.
func facts(t *testing.T, s *store.Store, q planindex.Query) []planindex.Fact {
	t.Helper()
	ctx := context.Background()
	fs, err := s.Facts(ctx, q)
	if err != nil {
		t.Fatalf("Facts(%+v): %v", q, err)
	}
	ds, err := s.DisbursementsAfter(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.PlansAfter(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	x := planindex.New()
	if err := x.Add(ps, ds); err != nil {
		t.Fatal(err)
	}
	if got := x.Facts(q); !slices.Equal(got, fs) {
		t.Fatalf("Facts(%+v): the index gives\n%+v\nthe store\n%+v", q, got, fs)
	}
	return fs
}

func planIDs(ps []store.Plan) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func disbursementIDs(ds []store.Disbursement) []int64 {
	out := make([]int64, len(ds))
	for i, x := range ds {
		out[i] = x.ID
	}
	return out
}

// pages reads every page of list, limit at a time.
func pages(list func(after int64, limit int) []int64, limit int) []int64 {
	var all []int64
	var after int64
	for range 10000 {
		page := list(after, limit)
		all = append(all, page...)
		if len(page) < limit {
			break
		}
		after = page[len(page)-1]
	}
	return all
}

// recent checks a database-set creation time.
func recent(t *testing.T, what string, at time.Time) {
	t.Helper()
	if at.Location() != time.UTC || time.Since(at) > time.Minute || time.Until(at) > time.Minute {
		t.Errorf("%s CreatedAt = %v, want a UTC time of now", what, at)
	}
}

// samePlan reports whether a and b are equal, their times as instants.
func samePlan(a, b store.Plan) bool {
	if a.CreatedAt.Equal(b.CreatedAt) {
		b.CreatedAt = a.CreatedAt
	}
	return a == b
}

// sameDisbursements reports whether a and b are equal, times as instants.
func sameDisbursements(a, b []store.Disbursement) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.CreatedAt.Equal(y.CreatedAt) {
			y.CreatedAt = x.CreatedAt
		}
		if x != y {
			return false
		}
	}
	return true
}

func testRoundTrip(t *testing.T, s *store.Store) {
	ctx := context.Background()
	in := []store.Plan{{
		Year: 2024, UnitCode: "05611", Source: "CEMENT", Purpose: "TRANSPORT", AmountVND: 1_250_000_000, QuantityMilli: 120_500,
		AllocatedOn: d("2024-02-29"), DecisionNumber: "125/QĐ-UBND", Note: "Hỗ trợ xi măng làm đường giao thông nông thôn",
	}, {
		Year: 2100, UnitCode: "05611", Source: "CENTRAL_BUDGET", Purpose: "IRRIGATION", AmountVND: math.MaxInt64, QuantityMilli: math.MaxInt64,
		AllocatedOn: d("2099-12-31"),
	}}
	ps, err := s.CreatePlans(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].ID <= 0 || ps[1].ID <= ps[0].ID {
		t.Fatalf("CreatePlans = %+v, want two plans with increasing ids", ps)
	}
	for i, p := range ps {
		recent(t, "plan", p.CreatedAt)
		want := in[i]
		want.ID, want.CreatedAt = p.ID, p.CreatedAt
		if p != want {
			t.Errorf("CreatePlans[%d] = %+v, want %+v", i, p, want)
		}
		got, err := s.GetPlan(ctx, p.ID)
		if err != nil || !samePlan(got, want) {
			t.Errorf("GetPlan(%d) = %+v, %v; want %+v", p.ID, got, err, want)
		}
	}

	// UnitCode is the plan's whatever the caller says; check sees it so.
	ds := []store.Disbursement{{
		PlanID: ps[0].ID, DisbursedOn: d("2024-03-15"), AmountVND: 300_000_000, QuantityMilli: 40_250,
		Note: "Đợt 1: 40,25 tấn xi măng PCB40 – thôn Bản Pjè, xã Đồng Hỷ", UnitCode: "99999",
	}, {
		PlanID: ps[1].ID, DisbursedOn: d("2100-01-01"), AmountVND: math.MaxInt64, QuantityMilli: math.MaxInt64,
		OverrunReason: "Vượt kế hoạch do trượt giá vật liệu; đã có ý kiến của Sở Tài chính",
	}}
	var seen []string
	got, err := s.CreateDisbursements(ctx, ds, func(i int, p *store.Plan, before store.Totals, x store.Disbursement) error {
		seen = append(seen, x.UnitCode)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, []string{"05611", "05611"}) {
		t.Errorf("check saw units %q, want the plans'", seen)
	}
	if len(got) != 2 || got[0].ID <= 0 || got[1].ID <= got[0].ID {
		t.Fatalf("CreateDisbursements = %+v, want two rows with increasing ids", got)
	}
	for i := range ds {
		recent(t, "disbursement", got[i].CreatedAt)
		ds[i].ID, ds[i].CreatedAt, ds[i].UnitCode = got[i].ID, got[i].CreatedAt, "05611"
	}
	if !sameDisbursements(got, ds) {
		t.Errorf("CreateDisbursements =\n%+v\nwant\n%+v", got, ds)
	}
	for i, p := range ps {
		if list := listDisbursements(t, s, store.DisbursementFilter{PlanID: p.ID, Limit: 10}); !sameDisbursements(list, ds[i:i+1]) {
			t.Errorf("ListDisbursements(plan %d) =\n%+v\nwant\n%+v", p.ID, list, ds[i:i+1])
		}
	}
	want := map[int64]store.Totals{
		ps[0].ID: {AmountVND: 300_000_000, QuantityMilli: 40_250},
		ps[1].ID: {AmountVND: math.MaxInt64, QuantityMilli: math.MaxInt64},
	}
	if m := disbursed(t, s, planIDs(ps), date.Date{}); !maps.Equal(m, want) {
		t.Errorf("Disbursed = %v, want %v", m, want)
	}
	// Years at both ends of the range are accepted.
	newPlans(t, s, plan(2010, "05611", "OTHER", "PLANNING", 0, 0, "2010-01-01"))
}

func testMissing(t *testing.T, s *store.Store) {
	ctx := context.Background()
	p := newPlans(t, s, plan(2024, "100", "CENTRAL_BUDGET", "TRANSPORT", 1000, 0, "2024-01-01"))[0]
	if got, err := s.GetPlan(ctx, p.ID+100); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetPlan(missing) = %+v, %v; want ErrNotFound", got, err)
	}
	if got := listDisbursements(t, s, store.DisbursementFilter{PlanID: p.ID + 100, Limit: 10}); len(got) != 0 {
		t.Errorf("ListDisbursements(missing plan) = %+v", got)
	}
	if got := disbursed(t, s, []int64{p.ID, p.ID + 100}, date.Date{}); len(got) != 0 {
		t.Errorf("Disbursed(no disbursements, missing plan) = %v, want empty", got)
	}
	if got := disbursed(t, s, nil, date.Date{}); len(got) != 0 {
		t.Errorf("Disbursed(no ids) = %v, want empty", got)
	}
}

func testPlansAtomic(t *testing.T, s *store.Store) {
	ctx := context.Background()
	units := []string{"100", "101"}
	good := plan(2024, "100", "CENTRAL_BUDGET", "TRANSPORT", 1000, 0, "2024-01-01")
	for name, mutate := range map[string]func(*store.Plan){
		"negative amount":   func(p *store.Plan) { p.AmountVND = -1 },
		"negative quantity": func(p *store.Plan) { p.QuantityMilli = -1 },
		"year 2009":         func(p *store.Plan) { p.Year = 2009 },
		"year 2101":         func(p *store.Plan) { p.Year = 2101 },
		"no unit":           func(p *store.Plan) { p.UnitCode = "" },
		"no source":         func(p *store.Plan) { p.Source = "" },
		"no purpose":        func(p *store.Plan) { p.Purpose = "" },
		"no allocation day": func(p *store.Plan) { p.AllocatedOn = date.Date{} },
	} {
		bad := good
		bad.UnitCode = "101"
		mutate(&bad)
		second := good
		second.Note = "Dòng thứ hai"
		if got, err := s.CreatePlans(ctx, []store.Plan{good, second, bad}); err == nil {
			t.Errorf("CreatePlans with a 3rd row of %s succeeded: %+v", name, got)
		}
	}
	if got := listPlans(t, s, store.PlanFilter{Units: units, Limit: 100}); len(got) != 0 {
		t.Fatalf("refused batches wrote plans %v", got)
	}
	ps := newPlans(t, s, good, good)
	if got := listPlans(t, s, store.PlanFilter{Units: units, Limit: 100}); !slices.Equal(got, planIDs(ps)) {
		t.Errorf("after a good batch: plans %v, want %v", got, planIDs(ps))
	}
	if got, err := s.CreatePlans(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("CreatePlans(none) = %v, %v", got, err)
	}
}

// call is one call of a check, as the tests record it.
type call struct {
	I      int
	PlanID int64 // 0 for a nil plan
	Before store.Totals
	Unit   string
}

func testCheckBefore(t *testing.T, s *store.Store) {
	ps := newPlans(t, s,
		plan(2024, "100", "CEMENT", "TRANSPORT", 1000, 5000, "2024-01-01"),
		plan(2024, "101", "CENTRAL_BUDGET", "TRANSPORT", 500, 0, "2024-01-01"))
	p, q := ps[0], ps[1]
	// Dated after the batch's items: before counts every date.
	disburse(t, s, disbursement(p, "2024-12-01", 100, 1000))
	var calls []call
	_, err := s.CreateDisbursements(context.Background(), []store.Disbursement{
		disbursement(p, "2024-03-01", 200, 0),
		disbursement(q, "2024-03-02", 50, 0),
		disbursement(p, "2024-03-03", 300, 2000),
		disbursement(p, "2024-01-01", 0, 500),
	}, func(i int, got *store.Plan, before store.Totals, x store.Disbursement) error {
		if got == nil {
			return fmt.Errorf("item %d: nil plan", i)
		}
		want := p
		if got.ID == q.ID {
			want = q
		}
		if !samePlan(*got, want) {
			t.Errorf("item %d: check got plan %+v, want %+v", i, *got, want)
		}
		got.AmountVND = -7 // must not reach later items or the store
		calls = append(calls, call{i, got.ID, before, x.UnitCode})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []call{
		{0, p.ID, store.Totals{AmountVND: 100, QuantityMilli: 1000}, "100"},
		{1, q.ID, store.Totals{}, "101"},
		{2, p.ID, store.Totals{AmountVND: 300, QuantityMilli: 1000}, "100"},
		{3, p.ID, store.Totals{AmountVND: 600, QuantityMilli: 3000}, "100"},
	}
	if !slices.Equal(calls, want) {
		t.Errorf("check calls =\n%+v\nwant\n%+v", calls, want)
	}
	wantTotals := map[int64]store.Totals{p.ID: {AmountVND: 600, QuantityMilli: 3500}, q.ID: {AmountVND: 50}}
	if got := disbursed(t, s, []int64{p.ID, q.ID}, date.Date{}); !maps.Equal(got, wantTotals) {
		t.Errorf("Disbursed = %v, want %v", got, wantTotals)
	}
	if got, err := s.GetPlan(context.Background(), p.ID); err != nil || got.AmountVND != 1000 {
		t.Errorf("GetPlan after check changed its copy = %+v, %v", got, err)
	}
}

func testCheckRefusal(t *testing.T, s *store.Store) {
	ps := newPlans(t, s,
		plan(2024, "100", "CENTRAL_BUDGET", "TRANSPORT", 1000, 0, "2024-01-01"),
		plan(2024, "100", "PROVINCIAL_BUDGET", "TRANSPORT", 1000, 0, "2024-01-01"))
	existing := disburse(t, s, disbursement(ps[0], "2024-02-01", 400, 0))
	var refused *fault.Error
	var calls []int
	_, err := s.CreateDisbursements(context.Background(), []store.Disbursement{
		disbursement(ps[1], "2024-03-01", 100, 0),
		disbursement(ps[0], "2024-03-01", 500, 0),
		disbursement(ps[0], "2024-03-02", 200, 0),
		disbursement(ps[1], "2024-03-03", 1, 0),
	}, func(i int, p *store.Plan, before store.Totals, x store.Disbursement) error {
		calls = append(calls, i)
		if before.AmountVND+x.AmountVND > p.AmountVND {
			refused = fault.Invalid(fmt.Sprintf("disbursements[%d].amount_vnd", i), "%d over the plan", before.AmountVND+x.AmountVND-p.AmountVND)
			return refused
		}
		return nil
	})
	if refused == nil || err != error(refused) || !errors.Is(err, refused) {
		t.Errorf("CreateDisbursements err = %#v, want the check's %#v unchanged", err, refused)
	}
	if f, ok := fault.As(err); !ok || f.Violations[0].Field != "disbursements[2].amount_vnd" {
		t.Errorf("err = %v, want the fault of item 2", err)
	}
	if !slices.Equal(calls, []int{0, 1, 2}) {
		t.Errorf("check called for %v, want 0, 1, 2 and no more after the refusal", calls)
	}
	got := listDisbursements(t, s, store.DisbursementFilter{Units: []string{"100"}, Limit: 100})
	if !sameDisbursements(got, existing) {
		t.Errorf("after a refused batch: %+v, want only %+v", got, existing)
	}
}

func testCheckMissingPlan(t *testing.T, s *store.Store) {
	ctx := context.Background()
	p := newPlans(t, s, plan(2024, "100", "CENTRAL_BUDGET", "TRANSPORT", 1000, 0, "2024-01-01"))[0]
	missing := p.ID + 100
	batch := []store.Disbursement{disbursement(p, "2024-03-01", 100, 0), {PlanID: missing, DisbursedOn: d("2024-03-01"), AmountVND: 1, UnitCode: "100"}}
	var calls []call
	refusal := fault.Invalid("disbursements[1].plan", "plan %d does not exist", missing)
	_, err := s.CreateDisbursements(ctx, batch, func(i int, got *store.Plan, before store.Totals, x store.Disbursement) error {
		c := call{I: i, Before: before, Unit: x.UnitCode}
		if got != nil {
			c.PlanID = got.ID
		}
		calls = append(calls, c)
		if got == nil {
			return refusal
		}
		return nil
	})
	if err != error(refusal) {
		t.Errorf("CreateDisbursements err = %v, want the check's refusal", err)
	}
	want := []call{{0, p.ID, store.Totals{}, "100"}, {1, 0, store.Totals{}, ""}}
	if !slices.Equal(calls, want) {
		t.Errorf("check calls = %+v, want %+v (a nil plan, zero before and no unit for the missing one)", calls, want)
	}
	// A check that lets a missing plan through gets NotFound from the store.
	_, err = s.CreateDisbursements(ctx, batch, accept)
	if f, ok := fault.As(err); !ok || f.Kind != fault.KindNotFound || f.ResourceName != fmt.Sprintf("plans/%d", missing) {
		t.Errorf("CreateDisbursements(missing plan, accepted) err = %v, want NotFound of plans/%d", err, missing)
	}
	if got := listDisbursements(t, s, store.DisbursementFilter{PlanID: p.ID, Limit: 10}); len(got) != 0 {
		t.Errorf("refused batches wrote %+v", got)
	}
}

func testDisbursementConstraints(t *testing.T, s *store.Store) {
	ctx := context.Background()
	p := newPlans(t, s, plan(2024, "100", "CEMENT", "TRANSPORT", 1000, 1000, "2024-01-01"))[0]
	good := disbursement(p, "2024-03-01", 10, 10)
	for name, mutate := range map[string]func(*store.Disbursement){
		"negative amount":   func(x *store.Disbursement) { x.AmountVND = -1 },
		"negative quantity": func(x *store.Disbursement) { x.QuantityMilli = -1000 },
		"no date":           func(x *store.Disbursement) { x.DisbursedOn = date.Date{} },
	} {
		bad := good
		mutate(&bad)
		if got, err := s.CreateDisbursements(ctx, []store.Disbursement{good, good, bad}, accept); err == nil {
			t.Errorf("CreateDisbursements with %s succeeded: %+v", name, got)
		}
	}
	if got, err := s.CreateDisbursements(ctx, []store.Disbursement{good}, nil); err == nil {
		t.Errorf("CreateDisbursements without a check succeeded: %+v", got)
	}
	if got := listDisbursements(t, s, store.DisbursementFilter{PlanID: p.ID, Limit: 10}); len(got) != 0 {
		t.Errorf("refused batches wrote %+v", got)
	}
	if got, err := s.CreateDisbursements(ctx, nil, accept); err != nil || len(got) != 0 {
		t.Errorf("CreateDisbursements(none) = %v, %v", got, err)
	}
}

// race runs n calls of fn at once, released together, and waits for them.
func race(n int, fn func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

// raceRounds is how many races the concurrency cases run one after the
// other. On PostgreSQL the first mostly finds a single warm connection in the
// pool and runs its transactions one by one; the later ones interleave.
const raceRounds = 6

// refuseOverrun is the overrun rule of the concurrency cases. It sleeps
// between reading the sum and the insert, so that without the plan's lock
// racing writers would all read the same sum and all insert.
func refuseOverrun(_ int, p *store.Plan, before store.Totals, x store.Disbursement) error {
	if p == nil {
		return errors.New("no plan")
	}
	time.Sleep(2 * time.Millisecond)
	if before.AmountVND+x.AmountVND > p.AmountVND {
		return errOverrun
	}
	return nil
}

// testConcurrentDisbursements races 8 writers of 300 against a plan of
// 1,000: exactly three fit, whatever the order.
func testConcurrentDisbursements(t *testing.T, s *store.Store) {
	const n = 8
	for round := range raceRounds {
		p := newPlans(t, s, plan(2024, "100", "CENTRAL_BUDGET", "TRANSPORT", 1000, 0, "2024-01-01"))[0]
		errs := make([]error, n)
		race(n, func(i int) {
			_, errs[i] = s.CreateDisbursements(context.Background(),
				[]store.Disbursement{disbursement(p, fmt.Sprintf("2024-03-%02d", i+1), 300, 0)}, refuseOverrun)
		})
		wins := 0
		for i, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, errOverrun):
				t.Errorf("round %d: writer %d: %v, want success or the overrun refusal", round, i, err)
			}
		}
		got := disbursed(t, s, []int64{p.ID}, date.Date{})[p.ID]
		if got.AmountVND > p.AmountVND || wins != 3 || got.AmountVND != 900 {
			t.Fatalf("round %d: %d writers won, %d VND recorded; want 3 and 900 (the plan is %d)", round, wins, got.AmountVND, p.AmountVND)
		}
	}
}

// testOppositeOrder races batches naming two plans in opposite orders: all
// must succeed (no deadlock aborts one of them).
func testOppositeOrder(t *testing.T, s *store.Store) {
	const n = 8
	for round := range raceRounds {
		ps := newPlans(t, s,
			plan(2024, "100", "CENTRAL_BUDGET", "TRANSPORT", 1000, 0, "2024-01-01"),
			plan(2024, "100", "PROVINCIAL_BUDGET", "TRANSPORT", 1000, 0, "2024-01-01"))
		errs := make([]error, n)
		race(n, func(i int) {
			a, b := ps[i%2], ps[1-i%2]
			_, errs[i] = s.CreateDisbursements(context.Background(),
				[]store.Disbursement{disbursement(a, "2024-03-01", 1, 0), disbursement(b, "2024-03-01", 2, 0)}, refuseOverrun)
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d: batch %d: %v", round, i, err)
			}
		}
		want := map[int64]store.Totals{ps[0].ID: {AmountVND: n * 3 / 2}, ps[1].ID: {AmountVND: n * 3 / 2}}
		if got := disbursed(t, s, planIDs(ps), date.Date{}); !maps.Equal(got, want) {
			t.Fatalf("round %d: Disbursed = %v, want %v", round, got, want)
		}
	}
}

func testDisbursedAsOf(t *testing.T, s *store.Store) {
	ps := newPlans(t, s,
		plan(2024, "100", "CEMENT", "TRANSPORT", 1000, 5000, "2024-01-01"),
		plan(2024, "100", "CENTRAL_BUDGET", "TRANSPORT", 1000, 0, "2024-01-01"),
		plan(2024, "100", "COMMUNITY", "TRANSPORT", 1000, 0, "2024-01-01"))
	p, q, r := ps[0], ps[1], ps[2]
	disburse(t, s,
		disbursement(p, "2024-06-01", 200, 0),
		disbursement(q, "2024-07-01", 50, 0),
		disbursement(p, "2024-03-01", 100, 1000),
		disbursement(p, "2024-09-01", 0, 500))
	ids := []int64{p.ID, q.ID, r.ID, r.ID + 100, p.ID}
	for _, tc := range []struct {
		asOf string
		want map[int64]store.Totals
	}{
		{"2024-02-29", map[int64]store.Totals{}},
		{"2024-03-01", map[int64]store.Totals{p.ID: {AmountVND: 100, QuantityMilli: 1000}}},
		{"2024-06-30", map[int64]store.Totals{p.ID: {AmountVND: 300, QuantityMilli: 1000}}},
		{"2024-07-01", map[int64]store.Totals{p.ID: {AmountVND: 300, QuantityMilli: 1000}, q.ID: {AmountVND: 50}}},
		{"2024-12-31", map[int64]store.Totals{p.ID: {AmountVND: 300, QuantityMilli: 1500}, q.ID: {AmountVND: 50}}},
		{"", map[int64]store.Totals{p.ID: {AmountVND: 300, QuantityMilli: 1500}, q.ID: {AmountVND: 50}}},
	} {
		var asOf date.Date
		if tc.asOf != "" {
			asOf = d(tc.asOf)
		}
		if got := disbursed(t, s, ids, asOf); !maps.Equal(got, tc.want) {
			t.Errorf("Disbursed as of %q = %v, want %v", tc.asOf, got, tc.want)
		}
	}
	if got := disbursed(t, s, []int64{q.ID}, d("2024-12-31")); !maps.Equal(got, map[int64]store.Totals{q.ID: {AmountVND: 50}}) {
		t.Errorf("Disbursed(q) = %v", got)
	}
}

func testListPlans(t *testing.T, s *store.Store) {
	ps := newPlans(t, s,
		plan(2024, "00100", "CENTRAL_BUDGET", "TRANSPORT", 100, 0, "2024-01-15"),  // a1
		plan(2024, "00100", "CEMENT", "TRANSPORT", 0, 5000, "2024-03-01"),         // a2
		plan(2024, "00100", "CENTRAL_BUDGET", "IRRIGATION", 100, 0, "2024-06-30"), // a3
		plan(2023, "00100", "CENTRAL_BUDGET", "TRANSPORT", 100, 0, "2023-02-01"),  // a4
		plan(2024, "00101", "COMMUNITY", "TRANSPORT", 100, 0, "2024-12-31"),       // b1
		plan(2025, "00101", "CENTRAL_BUDGET", "TRANSPORT", 100, 0, "2025-01-02"),  // b2
		plan(2024, "00200", "CENTRAL_BUDGET", "TRANSPORT", 100, 0, "2024-01-01"))  // c1, outside
	a1, a2, a3, a4, b1, b2, c1 := ps[0].ID, ps[1].ID, ps[2].ID, ps[3].ID, ps[4].ID, ps[5].ID, ps[6].ID
	units := []string{"00101", "00100", "00101", "09999"}
	for _, tc := range []struct {
		name string
		f    store.PlanFilter
		want []int64
	}{
		{"all", store.PlanFilter{}, []int64{a1, a2, a3, a4, b1, b2}},
		{"2024 by its end", store.PlanFilter{Year: 2024, AsOf: d("2024-12-31")}, []int64{a1, a2, a3, b1}},
		{"2024 the day before", store.PlanFilter{Year: 2024, AsOf: d("2024-12-30")}, []int64{a1, a2, a3}},
		{"allocated by 2024-01-15", store.PlanFilter{AsOf: d("2024-01-15")}, []int64{a1, a4}},
		{"allocated by 2024-01-14", store.PlanFilter{AsOf: d("2024-01-14")}, []int64{a4}},
		{"central budget", store.PlanFilter{Source: "CENTRAL_BUDGET"}, []int64{a1, a3, a4, b2}},
		{"transport in 2024", store.PlanFilter{Year: 2024, Purpose: "TRANSPORT"}, []int64{a1, a2, b1}},
		{"central budget irrigation", store.PlanFilter{Source: "CENTRAL_BUDGET", Purpose: "IRRIGATION"}, []int64{a3}},
		{"2025 as of 2025-01-01", store.PlanFilter{Year: 2025, AsOf: d("2025-01-01")}, nil},
		{"unknown source", store.PlanFilter{Source: "NONE"}, nil},
		{"after a3", store.PlanFilter{AfterID: a3}, []int64{a4, b1, b2}},
		{"after a3, two", store.PlanFilter{AfterID: a3, Limit: 2}, []int64{a4, b1}},
	} {
		f := tc.f
		f.Units = units
		if f.Limit == 0 {
			f.Limit = 100
		}
		if got := listPlans(t, s, f); !slices.Equal(got, tc.want) {
			t.Errorf("ListPlans %s = %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := listPlans(t, s, store.PlanFilter{Units: []string{"00200"}, Limit: 10}); !slices.Equal(got, []int64{c1}) {
		t.Errorf("ListPlans(00200) = %v, want %v", got, []int64{c1})
	}
	if got := listPlans(t, s, store.PlanFilter{Limit: 10}); len(got) != 0 {
		t.Errorf("ListPlans(no units) = %v, want none", got)
	}
	all := []int64{a1, a2, a3, a4, b1, b2}
	for _, limit := range []int{1, 2, 3, 5} {
		if got := pages(func(after int64, limit int) []int64 {
			return listPlans(t, s, store.PlanFilter{Units: units, AfterID: after, Limit: limit})
		}, limit); !slices.Equal(got, all) {
			t.Errorf("plan pages of %d = %v, want %v", limit, got, all)
		}
	}
	got, err := s.ListPlans(context.Background(), store.PlanFilter{Units: units, Year: 2024, AsOf: d("2024-01-15"), Limit: 10})
	if err != nil || len(got) != 1 || !samePlan(got[0], ps[0]) {
		t.Errorf("ListPlans reads = %+v, %v; want %+v", got, err, ps[0])
	}
	for _, limit := range []int{0, -1} {
		if _, err := s.ListPlans(context.Background(), store.PlanFilter{Units: units, Limit: limit}); err == nil {
			t.Errorf("ListPlans with limit %d succeeded", limit)
		}
	}
}

func testListDisbursements(t *testing.T, s *store.Store) {
	ps := newPlans(t, s,
		plan(2024, "00100", "CENTRAL_BUDGET", "TRANSPORT", 1000, 0, "2024-01-01"),
		plan(2024, "00100", "CEMENT", "TRANSPORT", 1000, 1000, "2024-01-01"),
		plan(2024, "00101", "COMMUNITY", "TRANSPORT", 1000, 0, "2024-01-01"),
		plan(2024, "00200", "CENTRAL_BUDGET", "TRANSPORT", 1000, 0, "2024-01-01"))
	a1, a2, b1, c1 := ps[0], ps[1], ps[2], ps[3]
	xs := disburse(t, s,
		disbursement(a1, "2024-01-31", 1, 0),  // x1
		disbursement(b1, "2024-02-15", 2, 0),  // x2
		disbursement(a2, "2024-03-01", 3, 30), // x3
		disbursement(a1, "2024-03-31", 4, 0),  // x4
		disbursement(c1, "2024-04-01", 5, 0),  // x5
		disbursement(a1, "2024-12-31", 6, 0),  // x6
		disbursement(b1, "2025-01-01", 7, 0))  // x7
	ids := disbursementIDs(xs)
	x := func(ns ...int) []int64 {
		var out []int64
		for _, n := range ns {
			out = append(out, ids[n-1])
		}
		return out
	}
	units := []string{"00101", "00100", "00100"}
	for _, tc := range []struct {
		name string
		f    store.DisbursementFilter
		want []int64
	}{
		{"a1", store.DisbursementFilter{PlanID: a1.ID}, x(1, 4, 6)},
		{"a1 from February", store.DisbursementFilter{PlanID: a1.ID, From: d("2024-02-01"), To: d("2024-12-31")}, x(4, 6)},
		{"a1 on the bounds", store.DisbursementFilter{PlanID: a1.ID, From: d("2024-01-31"), To: d("2024-03-31")}, x(1, 4)},
		{"a1 until 2024-03-30", store.DisbursementFilter{PlanID: a1.ID, To: d("2024-03-30")}, x(1)},
		{"a1, units ignored", store.DisbursementFilter{PlanID: a1.ID, Units: []string{"00200"}}, x(1, 4, 6)},
		{"missing plan", store.DisbursementFilter{PlanID: c1.ID + 100, Units: units}, nil},
		{"units", store.DisbursementFilter{Units: units}, x(1, 2, 3, 4, 6, 7)},
		{"units in a window", store.DisbursementFilter{Units: units, From: d("2024-02-15"), To: d("2024-12-31")}, x(2, 3, 4, 6)},
		{"units from 2024-03-01", store.DisbursementFilter{Units: units, From: d("2024-03-01")}, x(3, 4, 6, 7)},
		{"00101 in 2024", store.DisbursementFilter{Units: []string{"00101"}, To: d("2024-12-31")}, x(2)},
		{"outside", store.DisbursementFilter{Units: []string{"00200"}}, x(5)},
		{"no units", store.DisbursementFilter{}, nil},
		{"units after x3", store.DisbursementFilter{Units: units, AfterID: ids[2], Limit: 2}, x(4, 6)},
	} {
		f := tc.f
		if f.Limit == 0 {
			f.Limit = 100
		}
		got := listDisbursements(t, s, f)
		if !slices.Equal(disbursementIDs(got), tc.want) {
			t.Errorf("ListDisbursements %s = %v, want %v", tc.name, disbursementIDs(got), tc.want)
		}
		for _, g := range got {
			i := slices.Index(ids, g.ID)
			if want := xs[i]; i < 0 || !sameDisbursements([]store.Disbursement{g}, []store.Disbursement{want}) {
				t.Errorf("ListDisbursements %s read %+v, want %+v", tc.name, g, want)
			}
		}
	}
	if xs[2].UnitCode != "00100" || xs[1].UnitCode != "00101" || xs[2].QuantityMilli != 30 {
		t.Errorf("created disbursements = %+v", xs)
	}
	for _, limit := range []int{1, 2, 4} {
		if got := pages(func(after int64, limit int) []int64 {
			return disbursementIDs(listDisbursements(t, s, store.DisbursementFilter{Units: units, AfterID: after, Limit: limit}))
		}, limit); !slices.Equal(got, x(1, 2, 3, 4, 6, 7)) {
			t.Errorf("unit pages of %d = %v", limit, got)
		}
		if got := pages(func(after int64, limit int) []int64 {
			return disbursementIDs(listDisbursements(t, s, store.DisbursementFilter{PlanID: a1.ID, AfterID: after, Limit: limit}))
		}, limit); !slices.Equal(got, x(1, 4, 6)) {
			t.Errorf("plan pages of %d = %v", limit, got)
		}
	}
	for _, f := range []store.DisbursementFilter{{PlanID: a1.ID}, {Units: units, Limit: -1}} {
		if _, err := s.ListDisbursements(context.Background(), f); err == nil {
			t.Errorf("ListDisbursements(%+v) with limit %d succeeded", f, f.Limit)
		}
	}
}

// testManyUnits spreads plans over 1,203 communes, listed in reverse order
// with repeats and unknown codes, so that lists, sums and facts cross several
// 500-value chunks and pages take rows from more than one.
func testManyUnits(t *testing.T, s *store.Store) {
	const communes = 1203
	code := func(i int) string { return fmt.Sprintf("1%05d", i) }
	var in []store.Plan
	for i := 0; i < communes; i += 3 {
		in = append(in, plan(2024, code(i), "CENTRAL_BUDGET", "TRANSPORT", int64(10*i+10), 0, "2024-01-10"))
		if i%6 == 0 {
			in = append(in, plan(2025, code(i), "CEMENT", "TRANSPORT", 0, int64(i+1), "2025-01-10"))
		}
	}
	ps := newPlans(t, s, in...)
	var all, of2025 []int64
	var ds []store.Disbursement
	wantDisbursed := map[int64]store.Totals{}
	for _, p := range ps {
		all = append(all, p.ID)
		if p.Year == 2025 {
			of2025 = append(of2025, p.ID)
			continue
		}
		ds = append(ds, disbursement(p, "2024-06-01", p.AmountVND/2, 0), disbursement(p, "2025-06-01", 1, 0))
		wantDisbursed[p.ID] = store.Totals{AmountVND: p.AmountVND / 2}
	}
	xs := disburse(t, s, ds...)
	var inWindow []int64
	for _, x := range xs {
		if x.DisbursedOn == d("2024-06-01") {
			inWindow = append(inWindow, x.ID)
		}
	}
	if len(ps) != 602 || len(of2025) != 201 {
		t.Fatalf("fixture: %d plans, %d of 2025", len(ps), len(of2025))
	}
	var units []string
	for i := communes - 1; i >= 0; i-- {
		units = append(units, code(i))
		if i%300 == 0 {
			// A repeat of a commune with plans, in another chunk than its
			// first occurrence, and an unknown code.
			units = append(units, code((communes-1-i)/3*3), code(i+communes))
		}
	}
	if got := listPlans(t, s, store.PlanFilter{Units: units, Limit: 1000}); !slices.Equal(got, all) {
		t.Errorf("ListPlans over %d codes: %d plans, want %d in id order", len(units), len(got), len(all))
	}
	for _, limit := range []int{45, 250} {
		if got := pages(func(after int64, limit int) []int64 {
			return listPlans(t, s, store.PlanFilter{Units: units, AfterID: after, Limit: limit})
		}, limit); !slices.Equal(got, all) {
			t.Errorf("plan pages of %d: %d plans, want %d in id order", limit, len(got), len(all))
		}
		if got := pages(func(after int64, limit int) []int64 {
			return listPlans(t, s, store.PlanFilter{Units: units, Year: 2025, Source: "CEMENT", AfterID: after, Limit: limit})
		}, limit); !slices.Equal(got, of2025) {
			t.Errorf("2025 plan pages of %d: %d plans, want %d in id order", limit, len(got), len(of2025))
		}
		if got := pages(func(after int64, limit int) []int64 {
			return disbursementIDs(listDisbursements(t, s, store.DisbursementFilter{Units: units, To: d("2024-12-31"), AfterID: after, Limit: limit}))
		}, limit); !slices.Equal(got, inWindow) {
			t.Errorf("disbursement pages of %d: %d rows, want %d in id order", limit, len(got), len(inWindow))
		}
	}
	if got := disbursed(t, s, append(slices.Clone(all), all[:10]...), d("2024-12-31")); !maps.Equal(got, wantDisbursed) {
		t.Errorf("Disbursed over %d plans: %d totals, want %d", len(all), len(got), len(wantDisbursed))
	}
	fs := facts(t, s, planindex.Query{Units: units, FromYear: 2024, ToYear: 2025, AllocatedBy: d("2025-12-31"),
		DisbursedFrom: d("2024-01-01"), DisbursedTo: d("2024-12-31")})
	if len(fs) != len(ps) {
		t.Fatalf("Facts over %d codes: %d plans, want %d", len(units), len(fs), len(ps))
	}
	for i, f := range fs {
		p := ps[i]
		want := planindex.Fact{PlanID: p.ID, UnitCode: p.UnitCode, Source: p.Source, Purpose: p.Purpose, Year: p.Year,
			Planned: progress.Totals{AmountVND: p.AmountVND, QuantityMilli: p.QuantityMilli}, Disbursed: progress.Totals(wantDisbursed[p.ID])}
		if f != want {
			t.Fatalf("Facts[%d] = %+v, want %+v", i, f, want)
		}
	}
}

// factsFixture builds two communes of the province (00100, 00101) and one
// outside it (00200); the comments of testFacts say what each row is for.
func factsFixture(t *testing.T, s *store.Store) []store.Plan {
	ps := newPlans(t, s,
		plan(2024, "00100", "CENTRAL_BUDGET", "TRANSPORT", 1_000_000_000, 0, "2024-01-15"),   // p1
		plan(2024, "00101", "CEMENT", "TRANSPORT", 250_000_000, 120_500, "2024-02-01"),       // p2
		plan(2023, "00100", "PROVINCIAL_BUDGET", "IRRIGATION", 500_000_000, 0, "2023-03-01"), // p3
		plan(2025, "00100", "COMMUNE_BUDGET", "TRANSPORT", 300_000_000, 0, "2025-01-10"),     // p4: a later year
		plan(2024, "00100", "CENTRAL_BUDGET", "TRANSPORT", 200_000_000, 0, "2025-01-05"),     // p5: allocated late
		plan(2024, "00200", "CENTRAL_BUDGET", "TRANSPORT", 900_000_000, 0, "2024-01-01"),     // p6: outside
		plan(2024, "00101", "COMMUNITY", "CULTURE", 80_000_000, 0, "2024-05-20"),             // p7
		plan(2022, "00101", "CENTRAL_BUDGET", "TRANSPORT", 700_000_000, 0, "2022-01-01"))     // p8: an earlier year
	p1, p2, p3, p4, p5, p6, p7, p8 := ps[0], ps[1], ps[2], ps[3], ps[4], ps[5], ps[6], ps[7]
	disburse(t, s,
		disbursement(p1, "2024-03-01", 300_000_000, 0),
		disbursement(p1, "2024-06-30", 200_000_000, 0),
		disbursement(p1, "2025-01-02", 100_000_000, 0),
		disbursement(p1, "2023-12-31", 1, 0),
		disbursement(p2, "2024-04-10", 0, 50_250),
		disbursement(p2, "2024-12-31", 35_000_000, 20_000),
		disbursement(p3, "2023-05-01", 100_000_000, 0),
		disbursement(p3, "2024-01-01", 50_000_000, 0),
		disbursement(p4, "2024-12-01", 7, 0),
		disbursement(p5, "2024-12-01", 8, 0),
		disbursement(p6, "2024-12-01", 9, 0),
		disbursement(p7, "2025-02-01", 10_000_000, 0),
		disbursement(p8, "2024-02-01", 11, 0))
	return ps
}

func testFacts(t *testing.T, s *store.Store) {
	ps := factsFixture(t, s)
	fact := func(i int, amount, quantity int64) planindex.Fact {
		p := ps[i-1]
		return planindex.Fact{PlanID: p.ID, UnitCode: p.UnitCode, Source: p.Source, Purpose: p.Purpose, Year: p.Year,
			Planned:   progress.Totals{AmountVND: p.AmountVND, QuantityMilli: p.QuantityMilli},
			Disbursed: progress.Totals{AmountVND: amount, QuantityMilli: quantity}}
	}
	units := []string{"00100", "00101", "00100", "09999"}
	for _, tc := range []struct {
		name string
		q    planindex.Query
		want []planindex.Fact
	}{{
		name: "2023-2024 as of 2024-12-31, disbursed in 2024",
		q: planindex.Query{Units: units, FromYear: 2023, ToYear: 2024, AllocatedBy: d("2024-12-31"),
			DisbursedFrom: d("2024-01-01"), DisbursedTo: d("2024-12-31")},
		want: []planindex.Fact{
			fact(1, 500_000_000, 0),     // 2023-12-31 and 2025-01-02 are outside the window
			fact(2, 35_000_000, 70_250), // 2024-12-31 is its last day
			fact(3, 50_000_000, 0),      // 2024-01-01 its first; 2023's is outside
			fact(7, 0, 0),               // nothing in the window, still planned
		},
	}, {
		name: "2024 in 00101, disbursed in 2025",
		q: planindex.Query{Units: []string{"00101"}, FromYear: 2024, ToYear: 2024, AllocatedBy: d("2025-12-31"),
			DisbursedFrom: d("2025-01-01"), DisbursedTo: d("2025-12-31")},
		want: []planindex.Fact{fact(2, 0, 0), fact(7, 10_000_000, 0)},
	}, {
		name: "2024 allocated by 2025-01-05",
		q: planindex.Query{Units: units, FromYear: 2024, ToYear: 2024, AllocatedBy: d("2025-01-05"),
			DisbursedFrom: d("2024-01-01"), DisbursedTo: d("2025-12-31")},
		want: []planindex.Fact{fact(1, 600_000_000, 0), fact(2, 35_000_000, 70_250), fact(5, 8, 0), fact(7, 10_000_000, 0)},
	}, {
		name: "allocated by 2024-01-14",
		q: planindex.Query{Units: units, FromYear: 2020, ToYear: 2030, AllocatedBy: d("2024-01-14"),
			DisbursedFrom: d("2024-01-01"), DisbursedTo: d("2024-12-31")},
		want: []planindex.Fact{fact(3, 50_000_000, 0), fact(8, 11, 0)},
	}, {
		name: "allocated by 2024-01-15",
		q: planindex.Query{Units: units, FromYear: 2020, ToYear: 2030, AllocatedBy: d("2024-01-15"),
			DisbursedFrom: d("2024-01-01"), DisbursedTo: d("2024-12-31")},
		want: []planindex.Fact{fact(1, 500_000_000, 0), fact(3, 50_000_000, 0), fact(8, 11, 0)},
	}, {
		name: "open bounds",
		q:    planindex.Query{Units: units},
		want: []planindex.Fact{fact(1, 600_000_001, 0), fact(2, 35_000_000, 70_250), fact(3, 150_000_000, 0), fact(4, 7, 0),
			fact(5, 8, 0), fact(7, 10_000_000, 0), fact(8, 11, 0)},
	}, {
		name: "outside",
		q:    planindex.Query{Units: []string{"00200"}, FromYear: 2024, ToYear: 2024, DisbursedTo: d("2024-11-30")},
		want: []planindex.Fact{fact(6, 0, 0)},
	}, {
		name: "no units",
		q:    planindex.Query{FromYear: 2020, ToYear: 2030},
	}, {
		name: "every unit, the units ignored",
		q:    planindex.Query{EveryUnit: true, Units: []string{"00200"}, FromYear: 2024, ToYear: 2024, DisbursedTo: d("2024-11-30")},
		want: []planindex.Fact{fact(1, 500_000_001, 0), fact(2, 0, 50_250), fact(5, 0, 0), fact(6, 0, 0), fact(7, 0, 0)},
	}, {
		name: "every unit, none allocated by the date",
		q:    planindex.Query{EveryUnit: true, AllocatedBy: d("2021-12-31")},
	}} {
		if got := facts(t, s, tc.q); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Facts %s =\n%+v\nwant\n%+v", tc.name, got, tc.want)
		}
	}
}

// testFactsPerPlan: each plan's sum is the largest int64, so a store adding
// plans together in SQL would overflow (an error on both dialects).
func testFactsPerPlan(t *testing.T, s *store.Store) {
	ps := newPlans(t, s,
		plan(2024, "00100", "CENTRAL_BUDGET", "TRANSPORT", math.MaxInt64, math.MaxInt64, "2024-01-01"),
		plan(2024, "00100", "CEMENT", "TRANSPORT", math.MaxInt64, math.MaxInt64, "2024-01-01"))
	p, q := ps[0], ps[1]
	disburse(t, s,
		disbursement(p, "2024-02-01", math.MaxInt64-1, 1),
		disbursement(p, "2024-03-01", 1, math.MaxInt64-1),
		disbursement(q, "2024-02-01", math.MaxInt64, math.MaxInt64))
	most := progress.Totals{AmountVND: math.MaxInt64, QuantityMilli: math.MaxInt64}
	want := []planindex.Fact{
		{PlanID: p.ID, UnitCode: "00100", Source: "CENTRAL_BUDGET", Purpose: "TRANSPORT", Year: 2024, Planned: most, Disbursed: most},
		{PlanID: q.ID, UnitCode: "00100", Source: "CEMENT", Purpose: "TRANSPORT", Year: 2024, Planned: most, Disbursed: most},
	}
	got := facts(t, s, planindex.Query{Units: []string{"00100"}, FromYear: 2024, ToYear: 2024, AllocatedBy: d("2024-12-31"),
		DisbursedFrom: d("2024-01-01"), DisbursedTo: d("2024-12-31")})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Facts =\n%+v\nwant\n%+v", got, want)
	}
	if got := disbursed(t, s, []int64{p.ID, q.ID}, d("2024-12-31")); !maps.Equal(got, map[int64]store.Totals{p.ID: store.Totals(most), q.ID: store.Totals(most)}) {
		t.Errorf("Disbursed = %v", got)
	}
}
