package server_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpctest"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/funding"
	"github.com/ntmsuite/ntm/services/funding/internal/store"
	"github.com/ntmsuite/ntm/services/funding/internal/store/migrations"
)

// summaryCase is one summary request of the story and its figures counted
// by hand (millions of VND; percent = disbursed / planned, 2 decimals,
// halves away from zero).
type summaryCase struct {
	why                  string
	unit, asOf, from, to string
	want                 string
}

// Units on 2024-12-31: 19 holds 170 (100 with village 1000, 101, 102 with
// 103 merged in) and 171 (110); the country adds 20 (180, 120). Period
// 2019-2024 as of 2024-12-31: P1-P10 (P11 was allocated in 2025, P6's
// 2025-01-10 disbursement is after the period).
var rollupCases = []summaryCase{
	{"a commune with the commune merged into it (P2 of 103, P3)", "102", "2024-12-31", "2019-01-01", "", `
		102 as of 2024-12-31: 2019-01-01..2024-12-31
		total 1300/600 46.15%
		mobilised 600
		source PROVINCIAL_BUDGET 800/400 50%
		source COMMUNE_BUDGET 500/200 40%
		purpose IRRIGATION 500/200 40%
		purpose SCHOOLS 800/400 50%
		criterion NTM_COMMUNE_2016_2020 3 Thủy lợi 500/200 40%
		criterion NTM_COMMUNE_2016_2020 5 Trường học 800/400 50%
		year 2019 800/400 50%
		year 2020 500/200 40%
		unit 102 Xã Phú Thượng 1300/600 46.15%`},
	// Cement is under by_source (tonnes and valuation) and in mobilised
	// (640 + 100.5), never in the money rows; the village is a row of its own.
	{"a commune with its village and cement (P1, P7, P10)", "100", "2024-12-31", "2019-01-01", "", `
		100 as of 2024-12-31: 2019-01-01..2024-12-31
		total 1100/640 58.18%
		mobilised 740.5
		source CENTRAL_BUDGET 1000/600 60%
		source COMMUNITY 100/40 40%
		source CEMENT 241/100.5 41.7% 120.5/50.25 tấn
		purpose TRANSPORT 1000/600 60%
		purpose CULTURE 100/40 40%
		criterion NTM_COMMUNE_2016_2020 2 Giao thông 1000/600 60%
		criterion NTM_COMMUNE_2021_2025 16 Văn hóa 100/40 40%
		year 2019 1000/600 60%
		year 2024 100/40 40%
		unit 100 Xã La Hiên 1000/600 60%
		unit 1000 Xóm Làng Lai 100/40 40%`},
	// P1 P2 P3 P4 P5 P7 P10. CENTRAL 1000+600 / 600+150 = 46.875% → 46.88;
	// P5 (2021) still serves the 2016-2020 set; TRAINING serves no criterion.
	{"a district with its own plan", district, "2024-12-31", "2019-01-01", "", `
		170 as of 2024-12-31: 2019-01-01..2024-12-31
		total 3300/1690 51.21%
		mobilised 1790.5
		source CENTRAL_BUDGET 1600/750 46.88%
		source PROVINCIAL_BUDGET 800/400 50%
		source DISTRICT_BUDGET 300/300 100%
		source COMMUNE_BUDGET 500/200 40%
		source COMMUNITY 100/40 40%
		source CEMENT 241/100.5 41.7% 120.5/50.25 tấn
		purpose TRANSPORT 1600/750 46.88%
		purpose IRRIGATION 500/200 40%
		purpose SCHOOLS 800/400 50%
		purpose CULTURE 100/40 40%
		purpose TRAINING 300/300 100%
		criterion NTM_COMMUNE_2016_2020 2 Giao thông 1600/750 46.88%
		criterion NTM_COMMUNE_2016_2020 3 Thủy lợi 500/200 40%
		criterion NTM_COMMUNE_2016_2020 5 Trường học 800/400 50%
		criterion NTM_COMMUNE_2021_2025 16 Văn hóa 100/40 40%
		year 2019 1800/1000 55.56%
		year 2020 500/200 40%
		year 2021 900/450 50%
		year 2024 100/40 40%
		unit 100 Xã La Hiên 1100/640 58.18%
		unit 101 Xã Lâu Thượng 600/150 25%
		unit 102 Xã Phú Thượng 1300/600 46.15%
		unit 170 Huyện Võ Nhai 300/300 100%`},
	// District 170 plus P6 (110, 100 disbursed by then) and P8 (the province's own).
	{"the province", province, "2024-12-31", "2019-01-01", "", `
		19 as of 2024-12-31: 2019-01-01..2024-12-31
		total 3900/1840 47.18%
		mobilised 1940.5
		source CENTRAL_BUDGET 1600/750 46.88%
		source PROVINCIAL_BUDGET 1400/550 39.29%
		source DISTRICT_BUDGET 300/300 100%
		source COMMUNE_BUDGET 500/200 40%
		source COMMUNITY 100/40 40%
		source CEMENT 241/100.5 41.7% 120.5/50.25 tấn
		purpose TRANSPORT 1600/750 46.88%
		purpose IRRIGATION 500/200 40%
		purpose SCHOOLS 800/400 50%
		purpose HEALTH 400/100 25%
		purpose CULTURE 100/40 40%
		purpose TRAINING 300/300 100%
		purpose MANAGEMENT 200/50 25%
		criterion NTM_COMMUNE_2016_2020 2 Giao thông 1600/750 46.88%
		criterion NTM_COMMUNE_2016_2020 3 Thủy lợi 500/200 40%
		criterion NTM_COMMUNE_2016_2020 5 Trường học 800/400 50%
		criterion NTM_COMMUNE_2021_2025 15 Y tế 400/100 25%
		criterion NTM_COMMUNE_2021_2025 16 Văn hóa 100/40 40%
		year 2019 1800/1000 55.56%
		year 2020 500/200 40%
		year 2021 900/450 50%
		year 2024 700/190 27.14%
		unit 170 Huyện Võ Nhai 3300/1690 51.21%
		unit 171 Huyện Đồng Hỷ 400/100 25%
		unit 19 Tỉnh Thái Nguyên 200/50 25%`},
	// The province plus P9 (120 in province 20): 2024 TRANSPORT serves the 2021-2025 set.
	{"the country", country, "2024-12-31", "2019-01-01", "", `
		0 as of 2024-12-31: 2019-01-01..2024-12-31
		total 4600/2190 47.61%
		mobilised 2290.5
		source CENTRAL_BUDGET 2300/1100 47.83%
		source PROVINCIAL_BUDGET 1400/550 39.29%
		source DISTRICT_BUDGET 300/300 100%
		source COMMUNE_BUDGET 500/200 40%
		source COMMUNITY 100/40 40%
		source CEMENT 241/100.5 41.7% 120.5/50.25 tấn
		purpose TRANSPORT 2300/1100 47.83%
		purpose IRRIGATION 500/200 40%
		purpose SCHOOLS 800/400 50%
		purpose HEALTH 400/100 25%
		purpose CULTURE 100/40 40%
		purpose TRAINING 300/300 100%
		purpose MANAGEMENT 200/50 25%
		criterion NTM_COMMUNE_2016_2020 2 Giao thông 1600/750 46.88%
		criterion NTM_COMMUNE_2016_2020 3 Thủy lợi 500/200 40%
		criterion NTM_COMMUNE_2016_2020 5 Trường học 800/400 50%
		criterion NTM_COMMUNE_2021_2025 2 Giao thông 700/350 50%
		criterion NTM_COMMUNE_2021_2025 15 Y tế 400/100 25%
		criterion NTM_COMMUNE_2021_2025 16 Văn hóa 100/40 40%
		year 2019 1800/1000 55.56%
		year 2020 500/200 40%
		year 2021 900/450 50%
		year 2024 1400/540 38.57%
		unit 19 Tỉnh Thái Nguyên 3900/1840 47.18%
		unit 20 Tỉnh Lạng Sơn 700/350 50%`},
}

// The same plans seen before and after the mergers: money counts in the
// unit that holds it on as_of.
var lineageCases = []summaryCase{
	// 2019 only: P1 and P2 (its 2020 disbursement is after the period); 103 is still a commune.
	{"before 103 merges: its own row", district, "2019-12-31", "", "", `
		170 as of 2019-12-31: 2019-01-01..2019-12-31
		total 1800/900 50%
		mobilised 900
		source CENTRAL_BUDGET 1000/600 60%
		source PROVINCIAL_BUDGET 800/300 37.5%
		purpose TRANSPORT 1000/600 60%
		purpose SCHOOLS 800/300 37.5%
		criterion NTM_COMMUNE_2016_2020 2 Giao thông 1000/600 60%
		criterion NTM_COMMUNE_2016_2020 5 Trường học 800/300 37.5%
		year 2019 1800/900 50%
		unit 100 Xã La Hiên 1000/600 60%
		unit 103 Xã Dân Tiến 800/300 37.5%`},
	// P1, P2 (300 + 100), P3: 103's money with 102's.
	{"after 103 merges: in 102's row", district, "2020-12-31", "2019-01-01", "", `
		170 as of 2020-12-31: 2019-01-01..2020-12-31
		total 2300/1200 52.17%
		mobilised 1200
		source CENTRAL_BUDGET 1000/600 60%
		source PROVINCIAL_BUDGET 800/400 50%
		source COMMUNE_BUDGET 500/200 40%
		purpose TRANSPORT 1000/600 60%
		purpose IRRIGATION 500/200 40%
		purpose SCHOOLS 800/400 50%
		criterion NTM_COMMUNE_2016_2020 2 Giao thông 1000/600 60%
		criterion NTM_COMMUNE_2016_2020 3 Thủy lợi 500/200 40%
		criterion NTM_COMMUNE_2016_2020 5 Trường học 800/400 50%
		year 2019 1800/1000 55.56%
		year 2020 500/200 40%
		unit 100 Xã La Hiên 1000/600 60%
		unit 102 Xã Phú Thượng 1300/600 46.15%`},
	// P1-P8, P10-P14, everything disbursed by then (P6 100 + 50). Rows:
	// 102 = P2 P3 P14; 110 = P6; 150 = P1 P5 P10 P11 P13 (100, 101 and the
	// village); 19 = P4 P8 P12 (the abolished districts' own plans).
	{"after the 2025 reform: 100 and 101 in 150, the districts in the province", province, "2025-12-31", "2019-01-01", "", `
		19 as of 2025-12-31: 2019-01-01..2025-12-31
		total 4700/2260 48.09%
		mobilised 2360.5
		source CENTRAL_BUDGET 2100/1020 48.57%
		source PROVINCIAL_BUDGET 1400/600 42.86%
		source DISTRICT_BUDGET 550/400 72.73%
		source COMMUNE_BUDGET 550/200 36.36%
		source COMMUNITY 100/40 40%
		source CEMENT 241/100.5 41.7% 120.5/50.25 tấn
		purpose TRANSPORT 1600/750 46.88%
		purpose IRRIGATION 500/200 40%
		purpose ELECTRICITY 200/120 60%
		purpose SCHOOLS 1100/550 50%
		purpose ICT 50/0 0%
		purpose EDUCATION 250/100 40%
		purpose HEALTH 400/150 37.5%
		purpose CULTURE 100/40 40%
		purpose TRAINING 300/300 100%
		purpose MANAGEMENT 200/50 25%
		criterion NTM_COMMUNE_2016_2020 2 Giao thông 1600/750 46.88%
		criterion NTM_COMMUNE_2016_2020 3 Thủy lợi 500/200 40%
		criterion NTM_COMMUNE_2016_2020 5 Trường học 800/400 50%
		criterion NTM_COMMUNE_2021_2025 4 Điện 200/120 60%
		criterion NTM_COMMUNE_2021_2025 5 Trường học 300/150 50%
		criterion NTM_COMMUNE_2021_2025 8 Thông tin và Truyền thông 50/0 0%
		criterion NTM_COMMUNE_2021_2025 14 Giáo dục và Đào tạo 250/100 40%
		criterion NTM_COMMUNE_2021_2025 15 Y tế 400/150 37.5%
		criterion NTM_COMMUNE_2021_2025 16 Văn hóa 100/40 40%
		year 2019 1800/1000 55.56%
		year 2020 500/200 40%
		year 2021 900/450 50%
		year 2024 750/240 32%
		year 2025 750/370 49.33%
		unit 102 Xã Phú Thượng 1600/750 46.88%
		unit 110 Xã Hóa Thượng 400/150 37.5%
		unit 150 Xã Võ Nhai Mới 1950/910 46.67%
		unit 19 Tỉnh Thái Nguyên 750/450 60%`},
	// The country after the reform: province 19 as above, the districts'
	// money in it through their abolition; 20 adds P9 (2024).
	{"the country after the reform", country, "2025-12-31", "2019-01-01", "", `
		0 as of 2025-12-31: 2019-01-01..2025-12-31
		total 5400/2610 48.33%
		mobilised 2710.5
		source CENTRAL_BUDGET 2800/1370 48.93%
		source PROVINCIAL_BUDGET 1400/600 42.86%
		source DISTRICT_BUDGET 550/400 72.73%
		source COMMUNE_BUDGET 550/200 36.36%
		source COMMUNITY 100/40 40%
		source CEMENT 241/100.5 41.7% 120.5/50.25 tấn
		purpose TRANSPORT 2300/1100 47.83%
		purpose IRRIGATION 500/200 40%
		purpose ELECTRICITY 200/120 60%
		purpose SCHOOLS 1100/550 50%
		purpose ICT 50/0 0%
		purpose EDUCATION 250/100 40%
		purpose HEALTH 400/150 37.5%
		purpose CULTURE 100/40 40%
		purpose TRAINING 300/300 100%
		purpose MANAGEMENT 200/50 25%
		criterion NTM_COMMUNE_2016_2020 2 Giao thông 1600/750 46.88%
		criterion NTM_COMMUNE_2016_2020 3 Thủy lợi 500/200 40%
		criterion NTM_COMMUNE_2016_2020 5 Trường học 800/400 50%
		criterion NTM_COMMUNE_2021_2025 2 Giao thông 700/350 50%
		criterion NTM_COMMUNE_2021_2025 4 Điện 200/120 60%
		criterion NTM_COMMUNE_2021_2025 5 Trường học 300/150 50%
		criterion NTM_COMMUNE_2021_2025 8 Thông tin và Truyền thông 50/0 0%
		criterion NTM_COMMUNE_2021_2025 14 Giáo dục và Đào tạo 250/100 40%
		criterion NTM_COMMUNE_2021_2025 15 Y tế 400/150 37.5%
		criterion NTM_COMMUNE_2021_2025 16 Văn hóa 100/40 40%
		year 2019 1800/1000 55.56%
		year 2020 500/200 40%
		year 2021 900/450 50%
		year 2024 1450/590 40.69%
		year 2025 750/370 49.33%
		unit 19 Tỉnh Thái Nguyên 4700/2260 48.09%
		unit 20 Tỉnh Lạng Sơn 700/350 50%`},
	// 2025 budgets only: P12, P13, P14 (P6's 2025 disbursement is of a 2024 plan).
	{"2025 alone", province, "2025-12-31", "", "", `
		19 as of 2025-12-31: 2025-01-01..2025-12-31
		total 750/370 49.33%
		mobilised 370
		source CENTRAL_BUDGET 500/270 54%
		source DISTRICT_BUDGET 250/100 40%
		purpose ELECTRICITY 200/120 60%
		purpose SCHOOLS 300/150 50%
		purpose EDUCATION 250/100 40%
		criterion NTM_COMMUNE_2021_2025 4 Điện 200/120 60%
		criterion NTM_COMMUNE_2021_2025 5 Trường học 300/150 50%
		criterion NTM_COMMUNE_2021_2025 14 Giáo dục và Đào tạo 250/100 40%
		year 2025 750/370 49.33%
		unit 102 Xã Phú Thượng 300/150 50%
		unit 150 Xã Võ Nhai Mới 200/120 60%
		unit 19 Tỉnh Thái Nguyên 250/100 40%`},
	// 150's own row holds 100's and 101's plans: P1 P5 P11 P13 (1850/870); P7 is cement.
	{"the new commune holds 100's and 101's money", "150", "2025-12-31", "2019-01-01", "", `
		150 as of 2025-12-31: 2019-01-01..2025-12-31
		total 1950/910 46.67%
		mobilised 1010.5
		source CENTRAL_BUDGET 1800/870 48.33%
		source COMMUNE_BUDGET 50/0 0%
		source COMMUNITY 100/40 40%
		source CEMENT 241/100.5 41.7% 120.5/50.25 tấn
		purpose TRANSPORT 1600/750 46.88%
		purpose ELECTRICITY 200/120 60%
		purpose ICT 50/0 0%
		purpose CULTURE 100/40 40%
		criterion NTM_COMMUNE_2016_2020 2 Giao thông 1600/750 46.88%
		criterion NTM_COMMUNE_2021_2025 4 Điện 200/120 60%
		criterion NTM_COMMUNE_2021_2025 8 Thông tin và Truyền thông 50/0 0%
		criterion NTM_COMMUNE_2021_2025 16 Văn hóa 100/40 40%
		year 2019 1000/600 60%
		year 2021 600/150 25%
		year 2024 150/40 26.67%
		year 2025 200/120 60%
		unit 1000 Xóm Làng Lai 100/40 40%
		unit 150 Xã Võ Nhai Mới 1850/870 47.03%`},
	// 100 before the reform: its own plans only (P1, P10, cement P7), not 101's (P5, P11).
	{"100 before the reform: only its own money", "100", "2024-12-31", "2019-01-01", "", `
		100 as of 2024-12-31: 2019-01-01..2024-12-31
		total 1100/640 58.18%
		mobilised 740.5
		source CENTRAL_BUDGET 1000/600 60%
		source COMMUNITY 100/40 40%
		source CEMENT 241/100.5 41.7% 120.5/50.25 tấn
		purpose TRANSPORT 1000/600 60%
		purpose CULTURE 100/40 40%
		criterion NTM_COMMUNE_2016_2020 2 Giao thông 1000/600 60%
		criterion NTM_COMMUNE_2021_2025 16 Văn hóa 100/40 40%
		year 2019 1000/600 60%
		year 2024 100/40 40%
		unit 100 Xã La Hiên 1000/600 60%
		unit 1000 Xóm Làng Lai 100/40 40%`},
	// 2026: TRANSPORT and IRRIGATION both serve criterion 2 of the 2026-2030 set.
	{"2026: two purposes, one criterion", "150", "2026-10-31", "", "", `
		150 as of 2026-10-31: 2026-01-01..2026-10-31
		total 1000/300 30%
		mobilised 300
		source CENTRAL_BUDGET 900/300 33.33%
		source PROVINCIAL_BUDGET 100/0 0%
		purpose TRANSPORT 900/300 33.33%
		purpose IRRIGATION 100/0 0%
		criterion NTM_COMMUNE_2026_2030 2 Hạ tầng kinh tế - xã hội 1000/300 30%
		year 2026 1000/300 30%
		unit 150 Xã Võ Nhai Mới 1000/300 30%`},
}

// Which plans and disbursements a period counts: plans of its years
// allocated by as_of, their disbursements dated from `from` to the earlier
// of `to` and as_of.
var periodCases = []summaryCase{
	{"P6 read before its first disbursement", "110", "2024-06-30", "2024-01-01", "2024-12-31", `
		110 as of 2024-06-30: 2024-01-01..2024-12-31
		total 400/0 0%
		mobilised 0
		source PROVINCIAL_BUDGET 400/0 0%
		purpose HEALTH 400/0 0%
		criterion NTM_COMMUNE_2021_2025 15 Y tế 400/0 0%
		year 2024 400/0 0%
		unit 110 Xã Hóa Thượng 400/0 0%`},
	{"P6's 2025 disbursement is after `to`", "110", "2025-06-30", "2024-01-01", "2024-12-31", `
		110 as of 2025-06-30: 2024-01-01..2024-12-31
		total 400/100 25%
		mobilised 100
		source PROVINCIAL_BUDGET 400/100 25%
		purpose HEALTH 400/100 25%
		criterion NTM_COMMUNE_2021_2025 15 Y tế 400/100 25%
		year 2024 400/100 25%
		unit 110 Xã Hóa Thượng 400/100 25%`},
	{"P6's 2025 disbursement is in a period to as_of", "110", "2025-06-30", "2024-01-01", "", `
		110 as of 2025-06-30: 2024-01-01..2025-06-30
		total 400/150 37.5%
		mobilised 150
		source PROVINCIAL_BUDGET 400/150 37.5%
		purpose HEALTH 400/150 37.5%
		criterion NTM_COMMUNE_2021_2025 15 Y tế 400/150 37.5%
		year 2024 400/150 37.5%
		unit 110 Xã Hóa Thượng 400/150 37.5%`},
	{"P11 the day before its allocation", "101", "2025-01-04", "2024-01-01", "2024-12-31", `
		101 as of 2025-01-04: 2024-01-01..2024-12-31
		total 0/0 0%
		mobilised 0`},
	{"P11 the day of its allocation", "101", "2025-01-05", "2024-01-01", "2024-12-31", `
		101 as of 2025-01-05: 2024-01-01..2024-12-31
		total 50/0 0%
		mobilised 0
		source COMMUNE_BUDGET 50/0 0%
		purpose ICT 50/0 0%
		criterion NTM_COMMUNE_2021_2025 8 Thông tin và Truyền thông 50/0 0%
		year 2024 50/0 0%
		unit 101 Xã Lâu Thượng 50/0 0%`},
	{"a period of years before any plan", province, "2024-12-31", "2016-01-01", "2018-12-31", `
		19 as of 2024-12-31: 2016-01-01..2018-12-31
		total 0/0 0%
		mobilised 0`},
}

// The summaries of the story equal the hand sums, on SQLite and PostgreSQL.
func TestSummaryMatchesHandSums(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := funding.Config{SQLitePath: filepath.Join(t.TempDir(), "funding.db")}
			if backend == "postgres" {
				cfg = funding.Config{PostgresURL: dbtest.PostgresDatabase(t, migrations.Postgres)}
			}
			c := cache.NewMemory()
			cfg.Cache = c
			e := startRegistry(t, c)
			e.api = startFunding(t, e.regConn, cfg)
			tell(t, e.api)
			for _, cases := range [][]summaryCase{rollupCases, lineageCases, periodCases} {
				for _, tc := range cases {
					got := lines(e.api.summary(t, &fundingv1.GetFundingSummaryRequest{UnitCode: tc.unit, AsOf: tc.asOf, From: tc.from, To: tc.to}))
					diff(t, tc.why, got, text(tc.want))
				}
			}
		})
	}
}

// Rows carry the catalog's names and kinds.
func TestSummaryNamesRows(t *testing.T) {
	e := newEnv(t)
	tell(t, e.api)
	s := e.api.summary(t, &fundingv1.GetFundingSummaryRequest{UnitCode: province, AsOf: "2024-12-31", From: "2019-01-01"})
	var got []string
	for _, r := range s.GetBySource() {
		got = append(got, fmt.Sprintf("%s %s %s", r.GetSource(), r.GetKind(), r.GetDisplayName()))
	}
	for _, r := range s.GetByPurpose() {
		got = append(got, r.GetPurpose()+" "+r.GetDisplayName())
	}
	diff(t, "names", got, text(`
		CENTRAL_BUDGET MONEY Ngân sách Trung ương
		PROVINCIAL_BUDGET MONEY Ngân sách tỉnh
		DISTRICT_BUDGET MONEY Ngân sách huyện
		COMMUNE_BUDGET MONEY Ngân sách xã
		COMMUNITY MONEY Nhân dân đóng góp
		CEMENT IN_KIND Xi măng hỗ trợ
		TRANSPORT Giao thông
		IRRIGATION Thủy lợi
		SCHOOLS Trường học
		HEALTH Y tế
		CULTURE Văn hóa
		TRAINING Đào tạo, tập huấn, truyền thông
		MANAGEMENT Quản lý, giám sát, đánh giá chương trình`))
}

// Sums too large for int64 are OUT_OF_RANGE, never a wrapped figure. The
// API caps a record at 10^15 VND, so two plans of 5·10^18 VND (together
// above 2^63-1 ≈ 9.22·10^18) are written into the database directly.
func TestSummaryOverflowIsOutOfRange(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const huge = 5_000_000_000_000_000_000
	const limit = 1_000_000_000_000_000 // 10^15 VND, the API's cap on one record
	d, err := db.Open(ctx, db.Options{Dialect: db.SQLite, DSN: e.sqlite, Migrations: migrations.SQLite, Logger: grpctest.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	st := store.New(d)
	insert := func() int64 {
		t.Helper()
		ps, err := st.CreatePlans(ctx, []store.Plan{{Year: 2024, UnitCode: "110", Source: "CENTRAL_BUDGET", Purpose: "TRANSPORT",
			AmountVND: huge, AllocatedOn: date.MustParse("2024-01-10")}})
		if err != nil {
			t.Fatal(err)
		}
		return ps[0].ID
	}
	// The API's cap: 10^15 is the most one plan may carry.
	_, err = e.api.CreatePlan(ctx, &fundingv1.CreatePlanRequest{Plan: money("102", 2024, "CENTRAL_BUDGET", "TRANSPORT", limit+1, "2024-01-10")})
	grpctest.WantViolations(t, err, "plan.amount_vnd")
	e.api.plan(t, money("102", 2024, "CENTRAL_BUDGET", "TRANSPORT", limit, "2024-01-10"))

	first := insert()
	req := &fundingv1.GetFundingSummaryRequest{UnitCode: "110", AsOf: "2024-12-31"}
	if got := e.api.summary(t, req).GetTotal().GetPlannedVnd(); got != huge {
		t.Fatalf("one plan of %d VND: planned %d", int64(huge), got)
	}
	second := insert()
	e.api.plan(t, money("120", 2024, "CENTRAL_BUDGET", "TRANSPORT", 1*M, "2024-01-10")) // a write through the API: the summaries are recomputed
	for _, unit := range []string{"110", district2, province, country} {
		s, err := e.api.GetFundingSummary(ctx, &fundingv1.GetFundingSummaryRequest{UnitCode: unit, AsOf: "2024-12-31"})
		grpctest.WantCode(t, err, codes.OutOfRange)
		if s != nil {
			t.Errorf("%s: OUT_OF_RANGE with a summary %v", unit, s)
		}
	}
	// Each plan still reads exactly; units without them still add up.
	for _, id := range []int64{first, second} {
		if got := e.api.get(t, id, "2024-12-31").GetAmountVnd(); got != huge {
			t.Errorf("plan %d: amount %d, want %d", id, got, int64(huge))
		}
	}
	diff(t, "district 170", lines(e.api.summary(t, &fundingv1.GetFundingSummaryRequest{UnitCode: district, AsOf: "2024-12-31"})), text(`
		170 as of 2024-12-31: 2024-01-01..2024-12-31
		total 1000000000/0 0%
		mobilised 0
		source CENTRAL_BUDGET 1000000000/0 0%
		purpose TRANSPORT 1000000000/0 0%
		criterion NTM_COMMUNE_2021_2025 2 Giao thông 1000000000/0 0%
		year 2024 1000000000/0 0%
		unit 102 Xã Phú Thượng 1000000000/0 0%`))
}
