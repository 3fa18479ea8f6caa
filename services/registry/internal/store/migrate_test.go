package store_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/services/registry/internal/store"
	"github.com/ntmsuite/ntm/services/registry/internal/store/migrations"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// before is the registry's schema before recognitions were checked: the
// migrations up to 00002.
func before(t *testing.T, dir fs.FS) fs.FS {
	t.Helper()
	old := fstest.MapFS{}
	err := fs.WalkDir(dir, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path > "00003" {
			return err
		}
		data, err := fs.ReadFile(dir, path)
		old[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil || len(old) != 2 {
		t.Fatalf("migrations before 00003: %v (%d files)", err, len(old))
	}
	return old
}

// A database holding recognitions from before the check migrates, and its
// recognitions keep being listed, with the type their unit had on their date.
func TestRecognitionsRecordedBeforeTheCheckMigrate(t *testing.T) {
	for _, tc := range []struct {
		name string
		// where gives the database's place, migrated to 00002.
		where func(t *testing.T) db.Choice
	}{
		{"sqlite", func(t *testing.T) db.Choice {
			return db.Choice{SQLitePath: filepath.Join(t.TempDir(), "registry.db")}
		}},
		{"postgres", func(t *testing.T) db.Choice {
			return db.Choice{PostgresURL: dbtest.PostgresDatabase(t, before(t, migrations.Postgres))}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			oldChoice := tc.where(t)
			oldChoice.SQLiteMigrations, oldChoice.PostgresMigrations = before(t, migrations.SQLite), before(t, migrations.Postgres)
			old := openDB(t, oldChoice)
			c := unit.Change{Kind: unit.KindCreate, Effective: date.MustParse("2008-01-01"), DecisionNumber: "import", EffectiveField: "valid_from",
				Create: []unit.Spec{{Code: "19", Name: "Tỉnh Thái Nguyên", Type: unit.Province, Field: "u"},
					{Code: "100", Name: "Xã La Hiên", Type: unit.Commune, ParentCode: "19", Field: "u"}}}
			if _, err := store.New(old).ApplyChanges(ctx, []unit.Change{c}); err != nil {
				t.Fatal(err)
			}
			if _, err := old.ExecContext(ctx, `INSERT INTO recognitions (unit_code, level, decision_number, effective_date, criteria_set, year)
				VALUES ('100', 'STANDARD', '2345/QĐ-UBND', $1, 'NTM_COMMUNE_2016_2020', 2019)`, date.MustParse("2019-12-20")); err != nil {
				t.Fatal(err)
			}
			if err := old.Close(); err != nil {
				t.Fatal(err)
			}
			choice := oldChoice
			choice.SQLiteMigrations, choice.PostgresMigrations = migrations.SQLite, migrations.Postgres
			rs, err := store.New(openDB(t, choice)).RecognitionsUnder(ctx, store.RecognitionsQuery{Parent: "19", AsOf: date.MustParse("2020-01-01")})
			if err != nil || len(rs) != 1 || rs[0].UnitType != unit.Commune || rs[0].Name != "Xã La Hiên" || rs[0].OverrideReason != "" ||
				rs[0].Check.CriteriaCount != 0 || len(rs[0].Check.Unmet) != 0 {
				t.Fatalf("after migrating: %+v, %v; want the old recognition of a commune, with no check", rs, err)
			}
		})
	}
}

func openDB(t *testing.T, c db.Choice) *db.DB {
	t.Helper()
	d, err := db.OpenEither(context.Background(), c)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}
