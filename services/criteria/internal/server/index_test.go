package server

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
	"github.com/ntmsuite/ntm/services/criteria/internal/statusindex"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
	"github.com/ntmsuite/ntm/services/criteria/internal/store/migrations"
)

// Two replicas share a database and a cache; random batches are written
// through either, as create does (commit, bump, wrote). After each, every
// replica, made current with the generation it reads as an aggregate would,
// agrees with a recomputation from the store (store.LatestStates) on every
// set, date and unit. On SQLite and PostgreSQL.
func TestIndexAgreesWithTheStoreOnEveryReplica(t *testing.T) {
	for _, dialect := range []struct {
		name string
		open func(t *testing.T) *db.DB
	}{
		{"sqlite", func(t *testing.T) *db.DB { return dbtest.SQLite(t, migrations.SQLite) }},
		{"postgres", func(t *testing.T) *db.DB { return dbtest.Postgres(t, migrations.Postgres) }},
	} {
		t.Run(dialect.name, func(t *testing.T) {
			t.Parallel()
			checkReplicasAgainstStore(t, store.New(dialect.open(t)))
		})
	}
}

func checkReplicasAgainstStore(t *testing.T, st *store.Store) {
	ctx := context.Background()
	c := cache.NewMemory()
	replicas := []*followedIndex{newFollowedIndex(st), newFollowedIndex(st)}
	for _, r := range replicas {
		if err := r.catchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(20261206, 16))
	sets := []string{"NTM_COMMUNE_2016_2020", "NTM_COMMUNE_2021_2025"}
	units := []string{"100", "101", "102", "103", "104"}
	first := date.MustParse("2020-01-01")
	for step := range 40 {
		// One or two batches through either replica before the replicas read.
		for range 1 + rng.IntN(2) {
			var batch []store.Assessment
			for range 1 + rng.IntN(4) {
				batch = append(batch, randomAssessment(rng, units[rng.IntN(len(units))], sets[rng.IntN(len(sets))], first.AddDays(rng.IntN(60))))
			}
			saved, err := st.Create(ctx, batch)
			if err != nil {
				t.Fatal(err)
			}
			rows := make([]statusindex.Row, len(saved))
			for i, a := range saved {
				rows[i] = store.StateOf(a)
			}
			gen, err := c.Bump(ctx, Generation)
			if err != nil {
				t.Fatal(err)
			}
			replicas[rng.IntN(len(replicas))].wrote(rows, gen, true)
		}
		stamp, _, _, err := c.Get(ctx, []string{Generation}, "k")
		if err != nil {
			t.Fatal(err)
		}
		var gen int64
		if _, err := fmt.Sscanf(stamp, "g%d", &gen); err != nil {
			t.Fatal(err)
		}
		for i, r := range replicas {
			if err := r.currentWith(ctx, gen); err != nil {
				t.Fatal(err)
			}
			for _, set := range sets {
				for day := range 62 {
					asOf := first.AddDays(day - 1)
					got, _ := r.Latest(set, asOf, r.Resolve(units))
					want, err := st.LatestStates(ctx, set, asOf, units)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.EqualFunc(got, want, func(a, b scoring.CommuneState) bool {
						return a.Code == b.Code && a.MetCount == b.MetCount && slices.Equal(a.Statuses, b.Statuses) && (a.Statuses == nil) == (b.Statuses == nil)
					}) {
						t.Fatalf("step %d, replica %d, %s on %s: index %v, store %v", step, i, set, asOf, got, want)
					}
				}
			}
		}
	}
}

// randomAssessment is an assessment of three criteria with random statuses.
func randomAssessment(rng *rand.Rand, unit, set string, on date.Date) store.Assessment {
	res := scoring.Result{Total: 3}
	for i := range 3 {
		st := scoring.Status(1 + rng.IntN(3))
		if st == scoring.Met {
			res.MetCount++
		}
		res.Criteria = append(res.Criteria, scoring.CriterionResult{Code: fmt.Sprint(i + 1), Name: fmt.Sprint("Tiêu chí ", i+1), Status: st, Basis: scoring.BasisVerdict})
	}
	return store.Assessment{UnitCode: unit, SetCode: set, AssessedOn: on, Author: "cán bộ", Result: res}
}
