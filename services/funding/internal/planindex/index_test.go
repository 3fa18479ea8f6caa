package planindex

import (
	"fmt"
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/services/funding/internal/progress"
)

func day(s string) date.Date { return date.MustParse(s) }

func money(vnd int64) progress.Totals { return progress.Totals{AmountVND: vnd} }

// Rows read twice (a catch-up that overlaps the one before) are added once,
// and a disbursement of a plan the index does not hold is refused with
// the ones after it, to be added once its plan is.
func TestAddFollowsIDs(t *testing.T) {
	x := New()
	p1 := Plan{ID: 1, Unit: "00100", Source: "S", Purpose: "P", Year: 2024, AllocatedOn: day("2024-01-01"), Planned: money(100)}
	p2 := Plan{ID: 2, Unit: "00101", Source: "S", Purpose: "P", Year: 2024, AllocatedOn: day("2024-01-01"), Planned: money(200)}
	d1 := Disbursement{ID: 1, PlanID: 1, DisbursedOn: day("2024-02-01"), Disbursed: money(10)}
	d2 := Disbursement{ID: 2, PlanID: 2, DisbursedOn: day("2024-02-01"), Disbursed: money(20)}
	if err := x.Add([]Plan{p1}, []Disbursement{d1, d2}); err == nil {
		t.Fatal("a disbursement of plan 2, not held, was added")
	}
	if plan, disbursement := x.Last(); plan != 1 || disbursement != 1 {
		t.Fatalf("Last() = %d, %d; want 1, 1", plan, disbursement)
	}
	if err := x.Add([]Plan{p1, p2}, []Disbursement{d1, d2}); err != nil {
		t.Fatal(err)
	}
	got := x.Facts(Query{EveryUnit: true})
	want := []Fact{
		{PlanID: 1, UnitCode: "00100", Source: "S", Purpose: "P", Year: 2024, Planned: money(100), Disbursed: money(10)},
		{PlanID: 2, UnitCode: "00101", Source: "S", Purpose: "P", Year: 2024, Planned: money(200), Disbursed: money(20)},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Facts = %+v, want %+v", got, want)
	}
}

// A unit's plans come in id order among the others', once however often
// the unit is named, and unknown units select nothing.
func TestFactsOfUnits(t *testing.T) {
	x := New()
	var plans []Plan
	for i := range 9 {
		plans = append(plans, Plan{ID: int64(10 + i), Unit: fmt.Sprint("0010", i%3), Year: 2024, Planned: money(int64(i))})
	}
	if err := x.Add(plans, nil); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, f := range x.Facts(Query{Units: []string{"00102", "00100", "00102", "09999"}}) {
		ids = append(ids, f.PlanID)
	}
	if want := []int64{10, 12, 13, 15, 16, 18}; !slices.Equal(ids, want) {
		t.Fatalf("plans of 00100 and 00102: %v, want %v", ids, want)
	}
}

// BenchmarkFacts100k is a country's facts: 100,000 plans, one disbursement
// each, selected by year, allocation date and disbursement window.
func BenchmarkFacts100k(b *testing.B) {
	x := New()
	plans := make([]Plan, 100_000)
	ds := make([]Disbursement, len(plans))
	for i := range plans {
		plans[i] = Plan{ID: int64(i + 1), Unit: fmt.Sprintf("%05d", i/10), Source: "CENTRAL_BUDGET", Purpose: "TRANSPORT",
			Year: 2024, AllocatedOn: day("2024-01-01"), Planned: money(1_000_000)}
		ds[i] = Disbursement{ID: int64(i + 1), PlanID: int64(i + 1), DisbursedOn: day("2024-06-01"), Disbursed: money(500_000)}
	}
	if err := x.Add(plans, ds); err != nil {
		b.Fatal(err)
	}
	q := Query{EveryUnit: true, FromYear: 2024, ToYear: 2024, AllocatedBy: day("2024-12-31"), DisbursedFrom: day("2024-01-01"), DisbursedTo: day("2024-12-31")}
	for b.Loop() {
		if n := len(x.Facts(q)); n != len(plans) {
			b.Fatalf("%d facts", n)
		}
	}
}
