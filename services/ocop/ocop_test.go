package ocop_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpctest"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop"
	"github.com/ntmsuite/ntm/services/ocop/internal/store/migrations"
)

// open starts an OCOP service with cfg (no registry: these calls need none).
func open(t *testing.T, cfg ocop.Config) ocopv1.OcopServiceClient {
	t.Helper()
	cfg.Cache = cache.NewMemory()
	cfg.Logger = slog.New(slog.DiscardHandler)
	svc, err := ocop.Open(context.Background(), cfg)
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
		resp, err := h.Check(context.Background(), &healthpb.HealthCheckRequest{Service: "ntm.ocop.v1.OcopService"})
		if err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("health: %v, %v", resp, err)
		}
	}
	return ocopv1.NewOcopServiceClient(conn)
}

func catalogs(t *testing.T, c ocopv1.OcopServiceClient) *ocopv1.ListCatalogsResponse {
	t.Helper()
	resp, err := c.ListCatalogs(context.Background(), &ocopv1.ListCatalogsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func lines(c *ocopv1.Catalog) string {
	var out []string
	for _, l := range c.GetLines() {
		out = append(out, fmt.Sprintf("%s%s %v", l.GetPart(), l.GetCode(), l.GetMaxPoints()))
	}
	return strings.Join(out, ", ")
}

func TestServesTheShippedCatalogs(t *testing.T) {
	resp := catalogs(t, open(t, ocop.Config{SQLitePath: filepath.Join(t.TempDir(), "ocop.db")}))
	var sets []string
	for _, c := range resp.GetCatalogs() {
		var parts []string
		for _, p := range c.GetParts() {
			parts = append(parts, fmt.Sprintf("%s %v", p.GetCode(), p.GetMaxPoints()))
		}
		confirmed := 0
		for _, l := range c.GetLines() {
			if l.GetConfirmed() {
				confirmed++
			}
		}
		sets = append(sets, fmt.Sprintf("%s %s..%s [%s] %d lines (%d confirmed)", c.GetCode(), c.GetValidFrom(), c.GetValidTo(), strings.Join(parts, ", "), len(c.GetLines()), confirmed))
	}
	want := []string{
		"OCOP_2019 2019-08-21..2023-02-24 [A 35, B 25, C 40] 3 lines (3 confirmed)",
		"OCOP_2023 2023-02-24.. [A 40, B 25, C 35] 15 lines (0 confirmed)",
	}
	if !slices.Equal(sets, want) {
		t.Errorf("catalogs\n %q\nwant %q", sets, want)
	}
	// 2019 is scored per part: its lines are the parts.
	if got := lines(resp.GetCatalogs()[0]); got != "AA 35, BB 25, CC 40" {
		t.Errorf("OCOP_2019 lines %s", got)
	}
	if got := lines(resp.GetCatalogs()[1]); !strings.HasPrefix(got, "AA1 6, AA2 4, ") || !strings.HasSuffix(got, "CC4 7") {
		t.Errorf("OCOP_2023 lines %s", got)
	}
	if resp.GetCertificateValidMonths() != 36 {
		t.Errorf("certificates valid %d months, want 36", resp.GetCertificateValidMonths())
	}
	var groups []string
	for _, g := range resp.GetProductGroups() {
		groups = append(groups, g.GetCode())
	}
	if want := "FOOD BEVERAGE HERBAL HANDICRAFT ORNAMENTAL TOURISM"; strings.Join(groups, " ") != want {
		t.Errorf("product groups %v, want %s", groups, want)
	}
	var bands []string
	for _, b := range resp.GetStarBands() {
		bands = append(bands, fmt.Sprintf("%d★ %v..%v", b.GetStars(), b.GetMin(), b.GetBelow()))
	}
	if want := "1★ 0..30, 2★ 30..50, 3★ 50..70, 4★ 70..90, 5★ 90..101"; strings.Join(bands, ", ") != want {
		t.Errorf("star bands %v, want %s", bands, want)
	}
	var periods []string
	for _, p := range resp.GetCouncilPeriods() {
		var rules []string
		for _, r := range p.GetRules() {
			rules = append(rules, fmt.Sprintf("%s %v", r.GetLevel(), r.GetCertifiesStars()))
		}
		periods = append(periods, p.GetValidFrom()+".."+p.GetValidTo()+": "+strings.Join(rules, ", "))
	}
	wantPeriods := []string{
		"2019-08-21..2023-02-24: DISTRICT [], PROVINCE [3 4], CENTRAL [5]",
		"2023-02-24..2025-07-06: DISTRICT [3], PROVINCE [4], CENTRAL [5]",
		"2025-07-06..: COMMUNE [], PROVINCE [3 4], CENTRAL [5]",
	}
	if !slices.Equal(periods, wantPeriods) {
		t.Errorf("council periods\n %q\nwant %q", periods, wantPeriods)
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
		open(t, ocop.Config{PostgresURL: url, PostgresSchema: "ocop"})
	}
	var tables int
	if err := d.QueryRowContext(t.Context(), "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'ocop' AND table_name IN ('producers', 'products', 'registrations', 'evaluations', 'certificates')").Scan(&tables); err != nil || tables != 5 {
		t.Fatalf("tables in schema ocop: %d, %v", tables, err)
	}
}

// A province's sheet for OCOP_2023 and a shorter validity, from a catalog directory.
const provinceSheet = `schema: ocop-scoring-catalog/v1
catalogs:
  - code: OCOP_2023
    name_vi: "Bộ tiêu chí 148 (phiếu của tỉnh)"
    legal_basis: [{doc: "148/QĐ-TTg", date: 2023-02-24}, {doc: "1489/QĐ-TTg", date: 2025-07-06}]
    applies_from: 2023-02-24
    total_max_points: 100
    parts:
      - {code: A, name_vi: "A", max_points: 40, confirmed: true}
      - {code: B, name_vi: "B", max_points: 25, confirmed: true}
      - {code: C, name_vi: "C", max_points: 35, confirmed: true}
    lines:
      - {part: A, code: "1", name_vi: "Nguồn nguyên liệu", max_points: 40, confirmed: true}
      - {part: B, code: "2", name_vi: "Tiếp thị", max_points: 25, confirmed: true}
      - {part: C, code: "3", name_vi: "Chất lượng", max_points: 35, confirmed: true}
certificate: {valid_months: 24, renewal: {notice_days_before_expiry: 30}}
`

func TestCatalogDir(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p19.yaml")
	if err := os.WriteFile(file, []byte(provinceSheet), 0o644); err != nil {
		t.Fatal(err)
	}
	resp := catalogs(t, open(t, ocop.Config{SQLitePath: filepath.Join(t.TempDir(), "ocop.db"), CatalogDir: dir}))
	if got := lines(resp.GetCatalogs()[1]); got != "A1 40, B2 25, C3 35" || resp.GetCatalogs()[1].GetDisplayName() != "Bộ tiêu chí 148 (phiếu của tỉnh)" {
		t.Errorf("OCOP_2023 from the directory: %s %s", resp.GetCatalogs()[1].GetDisplayName(), got)
	}
	if resp.GetCertificateValidMonths() != 24 || len(resp.GetCatalogs()) != 2 || len(resp.GetCouncilPeriods()) != 3 {
		t.Errorf("valid %d months, %d catalogs, %d council periods", resp.GetCertificateValidMonths(), len(resp.GetCatalogs()), len(resp.GetCouncilPeriods()))
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "broken.yaml"), []byte(strings.Replace(provinceSheet, "max_points: 40, confirmed: true}\n      - {part: B", "max_points: 41, confirmed: true}\n      - {part: B", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	// A file given for the directory would be globbed as an empty directory.
	for _, dir := range []string{bad, filepath.Join(t.TempDir(), "missing"), file} {
		_, err := ocop.Open(context.Background(), ocop.Config{SQLitePath: filepath.Join(t.TempDir(), "ocop.db"), CatalogDir: dir, Cache: cache.NewMemory()})
		if err == nil || !strings.Contains(err.Error(), "ocop catalogs") {
			t.Errorf("Open with catalog dir %s: %v, want a catalog error", dir, err)
		}
	}
}
