package server_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ntmsuite/ntm/platform/cache"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop"
)

// proposals are sheets that propose products to the central council, and
// some that do not, under the shipped council rules (the central council
// certifies 5 stars throughout):
//
//	product (unit)            cycle  sheets                                        proposed
//	tea (100)                 2022   PROVINCE 05-10 95 pts 5★ (OCOP_2019),          yes, once
//	                                 CENTRAL 09-01 95 pts 5★
//	rice (101)                2024   DISTRICT 04-10 92 pts 5★, DISTRICT 06-01 3★    yes
//	herb (110)                2024   PROVINCE 05-10 89.5 pts 4★                     no
//	cinnamon (110)            2024   CENTRAL 07-01 80 pts 4★                        yes: the central council's own sheet
//	custard apple (120)       2024   PROVINCE 08-01 95 pts 5★                       yes, in province 20
//	honey (100)               2025   PROVINCE 07-05 91 pts 5★                       yes, the last day of QĐ 148
//	ginger (101)              2025   PROVINCE 07-06 89.9 pts 4★                     no
func tellProposals(t *testing.T, a *api) {
	t.Helper()
	p1 := a.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2019-03-01")
	p2 := a.producer(t, "HTX Gạo Lâu Thượng", ocopv1.ProducerKind_COOPERATIVE, "101", "2019-03-01")
	p3 := a.producer(t, "HTX Dược liệu Hóa Thượng", ocopv1.ProducerKind_COOPERATIVE, "110", "2019-03-01")
	p4 := a.producer(t, "HTX Na Chi Lăng", ocopv1.ProducerKind_COOPERATIVE, "120", "2019-03-01")
	tea := a.product(t, p1, "Chè xanh La Hiên", "BEVERAGE")
	a.evaluate(t, tea, 2022, "2022-05-10", byProvince, parts19(35, 25, 35))
	a.evaluate(t, tea, 2022, "2022-09-01", byCentral, parts19(35, 25, 35))
	rice := a.product(t, p2, "Gạo nếp Lâu Thượng", "FOOD")
	a.evaluate(t, rice, 2024, "2024-04-10", byDistrict, fill23(92))
	a.evaluate(t, rice, 2024, "2024-06-01", byDistrict, fill23(60))
	herb := a.product(t, p3, "Trà dược liệu Hóa Thượng", "HERBAL")
	a.evaluate(t, herb, 2024, "2024-05-10", byProvince, fill23(89.5))
	cinnamon := a.product(t, p3, "Quế Hóa Thượng", "HERBAL")
	a.evaluate(t, cinnamon, 2024, "2024-07-01", byCentral, fill23(80))
	custard := a.product(t, p4, "Na Chi Lăng", "FOOD")
	a.evaluate(t, custard, 2024, "2024-08-01", byProvince, fill23(95))
	honey := a.product(t, p1, "Mật ong La Hiên", "FOOD")
	a.evaluate(t, honey, 2025, "2025-07-05", byProvince, fill23(91))
	ginger := a.product(t, p2, "Gừng Lâu Thượng", "FOOD")
	a.evaluate(t, ginger, 2025, "2025-07-06", byProvince, fill23(89.9))
}

func proposedCentral(t *testing.T, a *api, unit, asOf string, year int32) int32 {
	t.Helper()
	return a.summary(t, &ocopv1.GetOcopSummaryRequest{UnitCode: unit, AsOf: asOf, Year: year}).GetProposedCentral()
}

// The products proposed to the central council equal the hand count, for a
// commune, a district, a province and the country, on SQLite and PostgreSQL.
func TestProposedCentralMatchesHandCount(t *testing.T) {
	onBothBackends(t, func(t *testing.T, e *env) {
		tellProposals(t, e.api)
		for _, tc := range []struct {
			why        string
			unit, asOf string
			year       int32
			want       int32
		}{
			{"2022: tea, proposed by the province, then scored by the central council", province, "2022-12-31", 0, 1},
			{"2022, the day before tea's provincial sheet", province, "2022-05-09", 0, 0},
			{"2024: rice (a district's 5 stars), cinnamon (the central council's 4); not herb", province, "2024-12-31", 0, 2},
			{"2024 in mid-year, before cinnamon's sheet", province, "2024-06-30", 0, 1},
			{"2024, the district of rice", district, "2024-12-31", 0, 1},
			{"2024, the district of cinnamon", district2, "2024-12-31", 0, 1},
			{"2024, the commune of rice", "101", "2024-12-31", 0, 1},
			{"2024, province 20: custard apple", province2, "2024-12-31", 0, 1},
			{"2024, the country", country, "2024-12-31", 0, 3},
			{"the 2024 cycle as of 2025", province, "2025-12-31", 2024, 2},
			{"2025: honey; not ginger", province, "2025-12-31", 0, 1},
			{"2023: none", province, "2023-12-31", 0, 0},
		} {
			if got := proposedCentral(t, e.api, tc.unit, tc.asOf, tc.year); got != tc.want {
				t.Errorf("%s (%s as of %s, year %d): %d proposed, want %d", tc.why, tc.unit, tc.asOf, tc.year, got, tc.want)
			}
		}
	})
}

// Which stars propose is data: a replica loaded with council rules in
// which the central council certifies 4 and 5 stars counts herb's
// provincial 4 stars too, and does not read the figure another replica
// cached under the shipped rules from the same cache.
func TestProposedCentralFollowsTheCouncilRules(t *testing.T) {
	c := cache.NewMemory()
	e := startRegistry(t, c)
	file := filepath.Join(t.TempDir(), "ocop.db") // one database, two services
	shipped := startOcop(t, e.regConn, ocop.Config{SQLitePath: file, Cache: c})
	tellProposals(t, shipped)
	dir := t.TempDir()
	rules := `schema: ocop-scoring-catalog/v1
councils:
  - rules:
      - {level: DISTRICT, certifies_stars: []}
      - {level: PROVINCE, certifies_stars: [3]}
      - {level: CENTRAL, certifies_stars: [4, 5]}
`
	if err := os.WriteFile(filepath.Join(dir, "councils.yaml"), []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	wider := startOcop(t, e.regConn, ocop.Config{SQLitePath: file, Cache: c, CatalogDir: dir})
	if got := proposedCentral(t, shipped, province, "2024-12-31", 0); got != 2 {
		t.Fatalf("shipped rules: %d proposed, want 2 (rice, cinnamon)", got)
	}
	if got := proposedCentral(t, wider, province, "2024-12-31", 0); got != 3 {
		t.Errorf("central council certifying 4 and 5 stars: %d proposed, want 3 (rice, cinnamon, herb)", got)
	}
	if got := proposedCentral(t, shipped, province, "2024-12-31", 0); got != 2 {
		t.Errorf("shipped rules, read again: %d proposed, want 2", got)
	}
}
