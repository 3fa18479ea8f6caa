package server

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/services/funding/internal/planindex"
	"github.com/ntmsuite/ntm/services/funding/internal/store"
	"github.com/ntmsuite/ntm/services/funding/internal/store/migrations"
)

// Two replicas' indexes of plans, following one store that both write,
// answer every summary's question as the store's SQL does, after each of
// 300 random writes of plans and disbursements, on SQLite and PostgreSQL.
func TestFollowedPlansAgreeWithTheStore(t *testing.T) {
	for name, open := range map[string]func(*testing.T) *store.Store{
		"sqlite":   func(t *testing.T) *store.Store { return store.New(dbtest.SQLite(t, migrations.SQLite)) },
		"postgres": func(t *testing.T) *store.Store { return store.New(dbtest.Postgres(t, migrations.Postgres)) },
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st := open(t)
			replicas := []*followedPlans{newFollowedPlans(st), newFollowedPlans(st)}
			r := rand.New(rand.NewPCG(16, 2026))
			units := []string{"00100", "00101", "00102", "00200", "00201"}
			day := func() date.Date {
				return date.MustParse(fmt.Sprintf("%d-%02d-%02d", 2023+r.IntN(3), 1+r.IntN(12), 1+r.IntN(28)))
			}
			var plans []store.Plan
			for i := range 300 {
				if len(plans) == 0 || r.IntN(3) == 0 {
					batch := make([]store.Plan, 1+r.IntN(3))
					for j := range batch {
						batch[j] = store.Plan{Year: 2023 + r.IntN(3), UnitCode: units[r.IntN(len(units))], Source: "CENTRAL_BUDGET",
							Purpose: "TRANSPORT", AmountVND: int64(1 + r.IntN(1_000_000)), QuantityMilli: int64(r.IntN(3)), AllocatedOn: day()}
					}
					made, err := st.CreatePlans(ctx, batch)
					if err != nil {
						t.Fatal(err)
					}
					plans = append(plans, made...)
				} else {
					batch := make([]store.Disbursement, 1+r.IntN(2))
					for j := range batch {
						batch[j] = store.Disbursement{PlanID: plans[r.IntN(len(plans))].ID, DisbursedOn: day(), AmountVND: int64(r.IntN(1000))}
					}
					if _, err := st.CreateDisbursements(ctx, batch, func(int, *store.Plan, store.Totals, store.Disbursement) error { return nil }); err != nil {
						t.Fatal(err)
					}
				}
				q := planindex.Query{FromYear: 2022 + r.IntN(3), ToYear: 2024 + r.IntN(3), EveryUnit: r.IntN(3) == 0,
					Units: []string{units[r.IntN(len(units))], units[r.IntN(len(units))], "09999"}}
				if r.IntN(2) == 0 {
					q.AllocatedBy = day()
				}
				if r.IntN(2) == 0 {
					q.DisbursedFrom, q.DisbursedTo = day(), day()
				}
				want, err := st.Facts(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				replica := r.IntN(len(replicas))
				got, err := replicas[replica].facts(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("after write %d, replica %d answers %+v\nwith\n%+v\nthe store\n%+v", i, replica, q, got, want)
				}
			}
		})
	}
}

// An index that passed a plan over (its id committed after a higher one
// was read, as while a replica of an older version still writes without
// db.OrderIDs) is read anew when a disbursement of that plan comes, and
// answers as the store does.
func TestFollowedPlansRereadAPlanPassedOver(t *testing.T) {
	ctx := context.Background()
	st := store.New(dbtest.SQLite(t, migrations.SQLite))
	f := newFollowedPlans(st)
	// The index has read up to plan 1000, so it will never ask for plan 1.
	if err := f.index.Add([]planindex.Plan{{ID: 1000, Unit: "09999", Year: 2024}}, nil); err != nil {
		t.Fatal(err)
	}
	ps, err := st.CreatePlans(ctx, []store.Plan{{Year: 2024, UnitCode: "00100", Source: "CENTRAL_BUDGET", Purpose: "TRANSPORT",
		AmountVND: 100, AllocatedOn: date.MustParse("2024-01-01")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateDisbursements(ctx, []store.Disbursement{{PlanID: ps[0].ID, DisbursedOn: date.MustParse("2024-02-01"), AmountVND: 40}},
		func(int, *store.Plan, store.Totals, store.Disbursement) error { return nil }); err != nil {
		t.Fatal(err)
	}
	q := planindex.Query{EveryUnit: true}
	got, err := f.facts(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	want, err := st.Facts(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) || len(want) != 1 {
		t.Fatalf("facts %+v, want the store's %+v", got, want)
	}
}
