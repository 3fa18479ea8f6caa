package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/services/registry/internal/store"
	"github.com/ntmsuite/ntm/services/registry/internal/store/migrations"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// An import of a province's 10,000 communes into an empty store, as
// ImportUnits writes it: one change, with a row of the audit trail per unit.
func BenchmarkImportSQLite(b *testing.B) {
	benchImport(b, func(b *testing.B) *store.Store { return store.New(dbtest.SQLite(b, migrations.SQLite)) })
}

func BenchmarkImportPostgres(b *testing.B) {
	benchImport(b, func(b *testing.B) *store.Store { return store.New(dbtest.Postgres(b, migrations.Postgres)) })
}

func benchImport(b *testing.B, open func(b *testing.B) *store.Store) {
	c := unit.Change{Kind: unit.KindCreate, Effective: date.MustParse("2008-01-01"), DecisionNumber: "import",
		Field: "units", EffectiveField: "units", Create: []unit.Spec{{Code: "1", Name: "Tỉnh Một", Type: unit.Province}}}
	for i := range 10000 {
		c.Create = append(c.Create, unit.Spec{Code: fmt.Sprint(1000 + i), Name: "Xã Mới", Type: unit.Commune, ParentCode: "1"})
	}
	for b.Loop() {
		b.StopTimer()
		s := open(b)
		b.StartTimer()
		if _, err := s.ApplyChanges(context.Background(), []unit.Change{c}); err != nil {
			b.Fatal(err)
		}
	}
}
