package criteria_test

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpctest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria"
	"github.com/ntmsuite/ntm/services/criteria/internal/store/migrations"
)

// province19 is a provincial variant of the 2016-2020 set (made-up values),
// shared with the server's tests.
var province19 = func() string {
	b, err := os.ReadFile("testdata/province19.yaml")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// open starts a criteria service with cfg (no registry: these calls need none).
func open(t *testing.T, cfg criteria.Config) criteriav1.CriteriaServiceClient {
	t.Helper()
	cfg.Cache = cache.NewMemory()
	cfg.Logger = slog.New(slog.DiscardHandler)
	svc, err := criteria.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := svc.Close(); err != nil {
			t.Error(err)
		}
	})
	conn := grpctest.Dial(t, svc.Server())
	// Ready (the database answers) within a few polls.
	h := healthpb.NewHealthClient(conn)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := h.Check(context.Background(), &healthpb.HealthCheckRequest{Service: "ntm.criteria.v1.CriteriaService"})
		if err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("health: %v, %v", resp, err)
		}
	}
	return criteriav1.NewCriteriaServiceClient(conn)
}

func TestServesTheShippedCatalogs(t *testing.T) {
	c := open(t, criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "criteria.db")})
	ctx := context.Background()
	list, err := c.ListCriteriaSets(ctx, &criteriav1.ListCriteriaSetsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range list.GetCriteriaSets() {
		got = append(got, s.GetId()+" "+s.GetValidFrom()+".."+s.GetValidTo()+" phase "+s.GetPhase())
	}
	// A set stays in force past its phase until its successor starts.
	want := []string{"NTM_COMMUNE_2016_2020 2016-12-01..2022-03-08 phase 2016-2020", "NTM_COMMUNE_2021_2025 2022-03-08..2026-02-15 phase 2021-2025",
		"NTM_COMMUNE_2026_2030 2026-02-15.. phase 2026-2030",
		"NTM_VILLAGE_2016_2020 2016-12-01..2022-03-08 phase 2016-2020", "NTM_VILLAGE_2021_2025 2022-03-08..2026-02-15 phase 2021-2025",
		"NTM_DISTRICT_2016_2020 2016-04-05..2022-03-08 phase 2016-2020", "NTM_DISTRICT_2021_2025 2022-03-08..2025-07-01 phase 2021-2025",
		"NTM_PROVINCE_2016_2020 2016-12-30..2022-03-08 phase 2016-2020", "NTM_PROVINCE_2021_2025 2022-03-08..2026-02-15 phase 2021-2025",
		"NTM_PROVINCE_2026_2030 2026-02-15.. phase 2026-2030"}
	if !slices.Equal(got, want) {
		t.Fatalf("sets = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		id, dimension, bands string
		criteria, indicators int
		below                []int32
	}{
		{"NTM_COMMUNE_2016_2020", "region", "19 15-18 10-14 5-9 <5", 19, 50, []int32{5, 10, 15}},
		{"NTM_COMMUNE_2026_2030", "commune_group", "10 8-9 5-7 <5", 10, 47, []int32{5}},
	} {
		s, err := c.GetCriteriaSet(ctx, &criteriav1.GetCriteriaSetRequest{Id: tc.id})
		if err != nil {
			t.Fatal(err)
		}
		var bands []string
		for _, b := range s.GetReportBands() {
			bands = append(bands, b.GetLabel())
		}
		indicators := 0
		for _, cr := range s.GetCriteria() {
			indicators += len(cr.GetIndicators())
		}
		if s.GetName() != "criteriaSets/"+tc.id || s.GetThresholdDimension() != tc.dimension || len(s.GetCriteria()) != tc.criteria ||
			indicators != tc.indicators || strings.Join(bands, " ") != tc.bands || !slices.Equal(s.GetReportBelow(), tc.below) {
			t.Errorf("%s: dimension %s, %d criteria, %d indicators, bands %q, below %v", tc.id, s.GetThresholdDimension(), len(s.GetCriteria()), indicators, bands, s.GetReportBelow())
		}
	}
	if _, err := c.GetCriteriaSet(ctx, &criteriav1.GetCriteriaSetRequest{Id: "NTM_COMMUNE_1999"}); status.Code(err) != codes.NotFound {
		t.Errorf("unknown set: %v, want NotFound", err)
	}
}

func TestOpensPostgresInItsSchema(t *testing.T) {
	url := dbtest.PostgresDatabase(t, migrations.Postgres)
	d, err := sql.Open("pgx", url) // registered by platform/db's PostgreSQL driver
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// Twice: the second finds its schema migrated.
	for range 2 {
		open(t, criteria.Config{PostgresURL: url, PostgresSchema: "criteria"})
	}
	var tables int
	if err := d.QueryRowContext(t.Context(), "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'criteria' AND table_name = 'assessments'").Scan(&tables); err != nil || tables != 1 {
		t.Fatalf("assessments in schema criteria: %d, %v", tables, err)
	}
}

func TestCatalogDir(t *testing.T) {
	dir := t.TempDir()
	// A province's village set: its own level titles and a model village
	// that needs no standard recognition first.
	levels := `schema: ntm-criteria-levels/v1
sets:
  NTM_VILLAGE_2021_2025:
    - {level: STANDARD, name_vi: "Xóm đạt chuẩn nông thôn mới", legal_basis: ["2/QĐ-UBND"], confirmed: true}
    - {level: MODEL, name_vi: "Xóm nông thôn mới kiểu mẫu", legal_basis: ["2/QĐ-UBND"], confirmed: true}
`
	for name, data := range map[string]string{"p19.yaml": province19, "levels.yaml": levels} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := open(t, criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "criteria.db"), CatalogDir: dir})
	v, err := c.GetCriteriaSet(context.Background(), &criteriav1.GetCriteriaSetRequest{Id: "NTM_VILLAGE_2021_2025"})
	if err != nil {
		t.Fatal(err)
	}
	if l := v.GetLevels(); len(l) != 2 || l[0].GetDisplayName() != "Xóm đạt chuẩn nông thôn mới" || len(l[1].GetRequires()) != 0 || !l[1].GetConfirmed() {
		t.Errorf("village levels = %v, want the directory's", l)
	}
	if d, err := c.GetCriteriaSet(context.Background(), &criteriav1.GetCriteriaSetRequest{Id: "NTM_VILLAGE_2016_2020"}); err != nil || len(d.GetLevels()[1].GetRequires()) != 1 {
		t.Errorf("the 2016-2020 village levels, which the directory does not name: %v, %v; want the shipped ones", d.GetLevels(), err)
	}
	s, err := c.GetCriteriaSet(context.Background(), &criteriav1.GetCriteriaSetRequest{Id: "NTM_COMMUNE_2016_2020_P19"})
	if err != nil {
		t.Fatal(err)
	}
	if s.GetProvinceCode() != "19" || s.GetBaseSet() != "NTM_COMMUNE_2016_2020" || s.GetValidFrom() != "2018-01-01" || s.GetValidTo() != "2022-03-08" || len(s.GetCriteria()) != 19 ||
		s.GetUnitType() != registryv1.UnitType_COMMUNE || len(s.GetLevels()) != 3 || s.GetPhase() != "2016-2020" {
		t.Errorf("provincial set = %s %s %s..%s, %d criteria, %v, %d levels, phase %q", s.GetProvinceCode(), s.GetBaseSet(), s.GetValidFrom(), s.GetValidTo(),
			len(s.GetCriteria()), s.GetUnitType(), len(s.GetLevels()), s.GetPhase())
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "broken.yaml"), []byte(strings.Replace(province19, "base: NTM_COMMUNE_2016_2020", "base: NTM_NOPE", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{bad, filepath.Join(t.TempDir(), "missing")} {
		_, err := criteria.Open(context.Background(), criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "criteria.db"), CatalogDir: dir, Cache: cache.NewMemory()})
		if err == nil || !strings.Contains(err.Error(), "criteria catalogs") {
			t.Errorf("Open with catalog dir %s: %v, want a catalog error", dir, err)
		}
	}
}
