package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/dbtest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria"
	"github.com/ntmsuite/ntm/services/criteria/internal/store/migrations"
)

// verdictsUnder is verdicts under set, whose criteria number n.
func verdictsUnder(unit, on, set string, met, n int) *criteriav1.Assessment {
	a := verdicts(unit, on, met)
	a.CriteriaSet = set
	a.Verdicts = a.Verdicts[:min(met+1, n)]
	return a
}

// trendEnv has, in district 170: La Hiên (100) meeting every 2016-2020
// criterion on 2019-12-31, every 2021-2025 one on 2023-12-31 and 2026-2030
// criteria 1 to 9 on 2026-06-30 (10 basically met); Lâu Thượng (101)
// meeting 2016-2020 criterion 1 (2 basically met) on 2019-12-31 and
// 2021-2025 criteria 1 and 2 (3 basically met) on 2023-12-31. Hóa Thượng
// (110, district 171) meets 5 criteria on 2020-06-30.
func trendEnv(t *testing.T) *env {
	e := newEnv(t)
	e.assess(t, verdictsUnder("100", "2019-12-31", set2016, 19, 19))
	e.assess(t, verdictsUnder("101", "2019-12-31", set2016, 1, 19))
	e.assess(t, verdictsUnder("110", "2020-06-30", set2016, 5, 19))
	e.assess(t, verdictsUnder("100", "2023-12-31", set2021, 19, 19))
	e.assess(t, verdictsUnder("101", "2023-12-31", set2021, 2, 19))
	e.assess(t, verdictsUnder("100", "2026-06-30", set2026, 9, 10))
	return e
}

func (e *env) trends(t *testing.T, req *criteriav1.GetTrendsRequest) *criteriav1.Trends {
	t.Helper()
	tr, err := e.crit.GetTrends(context.Background(), req)
	if err != nil {
		t.Fatalf("trends %v: %v", req, err)
	}
	return tr
}

// series writes a criterion's points as "set:met/assessed/communes" with
// flags c (confirmed) and ~ (approximate), or "-GAP" for a missing point.
func series(tr *criteriav1.Trends, code string) string {
	var out []string
	for _, c := range tr.GetCriteria() {
		if c.GetCode() != code {
			continue
		}
		for i, p := range c.GetPoints() {
			if p.GetMissing() {
				out = append(out, "-"+strings.TrimPrefix(p.GetGap().String(), "TREND_GAP_"))
				continue
			}
			s := fmt.Sprintf("%s:%d/%d/%d", strings.TrimPrefix(p.GetCriteriaSet(), "NTM_COMMUNE_"), p.GetMet(), p.GetAssessed(), tr.GetDates()[i].GetCommunes())
			if p.GetConfirmed() {
				s += "c"
			}
			if p.GetApproximate() {
				s += "~"
			}
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

func TestTrendsAcrossSetsOfADistrict(t *testing.T) {
	e := trendEnv(t)
	tr := e.trends(t, &criteriav1.GetTrendsRequest{UnitCode: district, From: "2019", To: "2025", Onto: set2026})
	var dates []string
	for _, d := range tr.GetDates() {
		dates = append(dates, d.GetDate())
	}
	if strings.Join(dates, " ") != "2019-12-31 2020-12-31 2021-12-31 2022-12-31 2023-12-31 2024-12-31 2025-12-31" || tr.GetStep() != "year" {
		t.Fatalf("dates %v by %s", dates, tr.GetStep())
	}
	// Hand-counted. 2019: 100, 101, 102, 103 (103 merges into 102 on
	// 2020-01-01); 104 from 2021-06-01. 2022: the 2021-2025 set is in force
	// and no commune has an assessment under it.
	for _, tt := range []struct{ code, want string }{
		// Quy hoạch: 100 and 101 met 1 in every set.
		{"1", "2016_2020:2/2/4 2016_2020:2/2/3 2016_2020:2/2/4 -NO_ASSESSMENT 2021_2025:2/2/4 2021_2025:2/2/4 2021_2025:2/2/4"},
		// Hạ tầng: all of seven criteria; 101 never met them all. From
		// 2016-2020 through a partly mapping (3 Thủy lợi): approximate.
		{"2", "2016_2020:1/2/4~ 2016_2020:1/2/3~ 2016_2020:1/2/4~ -NO_ASSESSMENT 2021_2025:1/2/4 2021_2025:1/2/4 2021_2025:1/2/4"},
		// Khoa học công nghệ và chuyển đổi số: nothing older stands for it.
		{"7", "-NO_COUNTERPART -NO_COUNTERPART -NO_COUNTERPART -NO_COUNTERPART -NO_COUNTERPART -NO_COUNTERPART -NO_COUNTERPART"},
	} {
		if got := series(tr, tt.code); got != tt.want {
			t.Errorf("criterion %s:\n got %s\nwant %s", tt.code, got, tt.want)
		}
	}
	if p := tr.GetCriteria()[0].GetPoints()[0]; p.GetPercent() != 50 {
		t.Errorf("2019 percent of criterion 1 = %v, want 2 of 4 communes = 50", p.GetPercent())
	}
	// Under the 2026-2030 set itself: own statuses, confirmed.
	tr = e.trends(t, &criteriav1.GetTrendsRequest{UnitCode: district, From: "2026-H1", To: "2026-H1", Step: "half"})
	if tr.GetOnto() != set2026 {
		t.Errorf("onto = %s, want the set in force on 2026-06-30", tr.GetOnto())
	}
	for code, want := range map[string]string{"1": "2026_2030:1/1/4c", "7": "2026_2030:1/1/4c", "10": "2026_2030:0/1/4c"} {
		if got := series(tr, code); got != want {
			t.Errorf("2026 criterion %s = %s, want %s", code, got, want)
		}
	}
}

func TestTrendsOfACommuneAreItsOwn(t *testing.T) {
	e := trendEnv(t)
	tr := e.trends(t, &criteriav1.GetTrendsRequest{UnitCode: "101", From: "2019", To: "2023", Onto: set2021})
	// 2016 criterion 2 basically met, 2021 criterion 2 met; 2021 criterion
	// 12 (trained labour) is 2016 criterion 14, never met by 101.
	for code, want := range map[string]string{
		"2":  "2016_2020:0/1/1c 2016_2020:0/1/1c 2016_2020:0/1/1c -NO_ASSESSMENT 2021_2025:1/1/1c",
		"12": "2016_2020:0/1/1~ 2016_2020:0/1/1~ 2016_2020:0/1/1~ -NO_ASSESSMENT 2021_2025:0/1/1c",
	} {
		if got := series(tr, code); got != want {
			t.Errorf("101 criterion %s:\n got %s\nwant %s", code, got, want)
		}
	}
	// 104 exists from 2021-06-01: before, its points are missing.
	tr = e.trends(t, &criteriav1.GetTrendsRequest{UnitCode: "104", From: "2020", To: "2021", Onto: set2021})
	if got := series(tr, "1"); got != "-NO_UNIT -NO_ASSESSMENT" {
		t.Errorf("104 criterion 1 = %s", got)
	}
}

func TestTrendsRefusals(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		req   *criteriav1.GetTrendsRequest
		code  codes.Code
		field string
	}{
		{&criteriav1.GetTrendsRequest{UnitCode: district, From: "2026", To: "2019"}, codes.InvalidArgument, "to"},
		{&criteriav1.GetTrendsRequest{UnitCode: district, From: "năm 2019", To: "2020"}, codes.InvalidArgument, "from"},
		{&criteriav1.GetTrendsRequest{UnitCode: district, From: "2019", To: "2020", Step: "month"}, codes.InvalidArgument, "step"},
		{&criteriav1.GetTrendsRequest{UnitCode: district, From: "2019", To: "2020", Onto: "NTM_VILLAGE_2021_2025"}, codes.InvalidArgument, "onto"},
		{&criteriav1.GetTrendsRequest{UnitCode: "999", From: "2019", To: "2020"}, codes.NotFound, ""},
	} {
		_, err := e.crit.GetTrends(context.Background(), tt.req)
		if status.Code(err) != tt.code || !strings.Contains(fmt.Sprint(err), tt.field) {
			t.Errorf("%v: %v, want %s naming %q", tt.req, err, tt.code, tt.field)
		}
	}
}

func TestCriterionGains(t *testing.T) {
	e := trendEnv(t)
	g, err := e.crit.GetCriterionGains(context.Background(), &criteriav1.GetCriterionGainsRequest{UnitCode: district, From: "2020-01-01", To: "2023-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if g.GetCriteriaSet() != set2021 || g.GetNationalSet() != set2021 || g.GetCommunes() != 4 {
		t.Fatalf("set %s, %d communes", g.GetCriteriaSet(), g.GetCommunes())
	}
	// Start: 2019-12-31 under 2016-2020. 101 came to meet Giao thông (2);
	// both met Quy hoạch (1) throughout; Thủy lợi (3) 101 still does not meet.
	want := map[string]string{
		"1": "end 2 start 2 came [] unknown 0 confirmed true approximate false",
		"2": "end 2 start 1 came [101] unknown 0 confirmed true approximate false",
		"3": "end 1 start 1 came [] unknown 0 confirmed false approximate true",
	}
	for _, c := range g.GetCriteria() {
		w, ok := want[c.GetCode()]
		if !ok {
			continue
		}
		got := fmt.Sprintf("end %d start %d came %v unknown %d confirmed %v approximate %v", c.GetMetAtEnd(), c.GetMetAtStart(), c.GetCommuneCodes(), c.GetUnknownAtStart(), c.GetConfirmed(), c.GetApproximate())
		if got != w || int(c.GetCameToMeet()) != len(c.GetCommuneCodes()) {
			t.Errorf("criterion %s: %s, want %s", c.GetCode(), got, w)
		}
	}
	// A period starting before any 2021-2025 assessment and after 2019:
	// 100 and 101 start from their first assessment in it (2023-12-31), the
	// same as their end: no gain.
	g, err = e.crit.GetCriterionGains(context.Background(), &criteriav1.GetCriterionGainsRequest{UnitCode: "101", From: "2022-06-01", To: "2023-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if c := g.GetCriteria()[1]; c.GetCameToMeet() != 0 || c.GetMetAtStart() != 1 {
		t.Errorf("101 criterion 2 from 2022-06-01: %+v", c)
	}
}

// Two replicas on one PostgreSQL database: a trend read on B after A
// records an assessment counts it (trends are uncached and B's index
// catches up with the store), and B answers the same series as A.
func TestTrendsOfReplicasOnPostgres(t *testing.T) {
	url := dbtest.PostgresDatabase(t, migrations.Postgres)
	c := cache.NewMemory()
	e := startRegistry(t, c)
	a := e.startCriteria(t, criteria.Config{PostgresURL: url, Cache: c})
	b := e.startCriteria(t, criteria.Config{PostgresURL: url, Cache: c})
	e.crit = a
	e.assess(t, verdictsUnder("100", "2019-12-31", set2016, 19, 19))
	req := &criteriav1.GetTrendsRequest{UnitCode: district, From: "2019", To: "2020", Onto: set2021}
	e.crit = b
	if got := series(e.trends(t, req), "2"); got != "2016_2020:1/1/4c 2016_2020:1/1/3c" {
		t.Fatalf("B before A's second write: %s", got)
	}
	e.crit = a
	e.assess(t, verdictsUnder("101", "2020-06-30", set2016, 2, 19))
	for name, c := range map[string]criteriav1.CriteriaServiceClient{"A": a, "B": b} {
		e.crit = c
		// 2019: only 100; 2020: 101 met Giao thông too.
		if got := series(e.trends(t, req), "2"); got != "2016_2020:1/1/4c 2016_2020:2/2/3c" {
			t.Errorf("%s after A's write: %s", name, got)
		}
	}
}
