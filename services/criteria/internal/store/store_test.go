package store_test

import (
	"fmt"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
	"github.com/ntmsuite/ntm/services/criteria/internal/store/migrations"
	"github.com/ntmsuite/ntm/services/criteria/internal/store/storetest"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *db.DB { return dbtest.SQLite(t, migrations.SQLite) })
}

func TestPostgres(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *db.DB { return dbtest.Postgres(t, migrations.Postgres) })
}

// BenchmarkLatestStates10k is an aggregate cache miss for a large province:
// the latest of two assessments of each of 10,000 communes, 19 criteria each.
func BenchmarkLatestStates10k(b *testing.B) {
	const units, criteria = 10_000, 19
	s := store.New(dbtest.SQLite(b, migrations.SQLite))
	res := scoring.Result{Total: criteria}
	for i := range criteria {
		st := scoring.Met
		if i%4 == 3 {
			st = scoring.NotMet
		}
		res.Criteria = append(res.Criteria, scoring.CriterionResult{Code: fmt.Sprint(i + 1), Name: "Tiêu chí", Status: st, Basis: scoring.BasisVerdict})
	}
	codes := make([]string, units)
	batch := make([]store.Assessment, 0, 2*units)
	for i := range codes {
		codes[i] = fmt.Sprintf("%05d", i)
		for _, on := range []string{"2019-06-01", "2020-06-01"} {
			batch = append(batch, store.Assessment{UnitCode: codes[i], AssessedOn: date.MustParse(on),
				SetCode: "NTM_COMMUNE_2016_2020", Author: "bench", Result: res})
		}
	}
	if _, err := s.Create(b.Context(), batch); err != nil {
		b.Fatal(err)
	}
	asOf := date.MustParse("2021-01-01")
	for b.Loop() {
		states, err := s.LatestStates(b.Context(), "NTM_COMMUNE_2016_2020", asOf, codes)
		if err != nil || len(states) != units || states[units-1].Statuses == nil {
			b.Fatalf("LatestStates: %d states, %v", len(states), err)
		}
	}
}
