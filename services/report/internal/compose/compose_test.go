package compose

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/period"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
)

// equalLines fails t showing the lines that differ when got is not want.
func equalLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

func levelLines(counts []*reportv1.LevelCount) []string {
	var out []string
	for _, c := range counts {
		out = append(out, fmt.Sprintf("%s %q: %d in period, %d cumulative (%d former) of %d = %v%%",
			c.GetLevel(), c.GetDisplayName(), c.GetInPeriod(), c.GetCumulative(), c.GetFormerUnits(), c.GetDenominator(), c.GetPercent()))
	}
	return out
}

func TestReportNamesTheUnitPeriodAndDate(t *testing.T) {
	r := Compose(fixture(t, "2020", "2020-12-31"))
	got := []string{r.GetUnitCode(), r.GetDisplayName(), r.GetPeriod(), r.GetPeriodFrom(), r.GetPeriodTo(), r.GetAsOf(), r.GetTitle(), r.GetComputedAt()}
	want := []string{"19", "Tỉnh Thái Nguyên", "2020", "2020-01-01", "2020-12-31", "2020-12-31",
		"Báo cáo kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới năm 2020", "2026-11-23T10:00:00Z"}
	equalLines(t, "report", got, want)
	for _, tc := range []struct{ period, title string }{
		{"2020-H1", "Báo cáo kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới 6 tháng đầu năm 2020"},
		{"2016-2020", "Báo cáo kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới giai đoạn 2016-2020"},
	} {
		if got := Title(period.MustParse(tc.period)); got != tc.title {
			t.Errorf("Title(%s) = %q", tc.period, got)
		}
	}
}

// Every section says how it was counted: the date, the period, and where
// they apply the criteria set and the counting mode.
func TestEverySectionHasItsBasis(t *testing.T) {
	r := Compose(fixture(t, "2020-H1", "2020-06-30"))
	for name, b := range map[string]*reportv1.Basis{
		"recognitions": r.GetRecognitions().GetBasis(), "registrations": r.GetRegistrations().GetBasis(),
		"targets": r.GetTargets().GetBasis(), "criteria": r.GetCriteria().GetBasis(), "ocop": r.GetOcop().GetBasis(),
		"funding": r.GetFunding().GetBasis(),
	} {
		if b.GetAsOf() != "2020-06-30" || b.GetFrom() == "" || b.GetTo() == "" || b.GetNote() == "" {
			t.Errorf("%s basis = %v", name, b)
		}
	}
	if b := r.GetTargets().GetBasis(); b.GetFrom() != "2020-01-01" || b.GetTo() != "2020-12-31" || b.GetCountMode() != "reported" || b.GetCriteriaSet() != communeSet {
		t.Errorf("a six-month report's targets are the year's, counted as reports count: %v", b)
	}
	if b := r.GetRecognitions().GetBasis(); b.GetFrom() != "2020-01-01" || b.GetTo() != "2020-06-30" || b.GetCountMode() != "reported" ||
		!strings.Contains(b.GetNote(), "đã lên phường, thị trấn hoặc sáp nhập") {
		t.Errorf("recognitions basis = %v", b)
	}
	if b := r.GetCriteria().GetBasis(); b.GetCriteriaSet() != communeSet || b.GetCountMode() != "reported" || !strings.Contains(b.GetNote(), "30/06/2020") {
		t.Errorf("criteria basis = %v", b)
	}
}

func TestRecognitionsInPeriodAndCumulative(t *testing.T) {
	s := Compose(fixture(t, "2020", "2020-12-31")).GetRecognitions()
	equalLines(t, "communes", levelLines(s.GetCommunes()), []string{
		`STANDARD "Xã đạt chuẩn nông thôn mới": 2 in period, 5 cumulative (1 former) of 9 = 55.56%`,
		`ADVANCED "Xã đạt chuẩn nông thôn mới nâng cao": 1 in period, 2 cumulative (0 former) of 9 = 22.22%`,
		`MODEL "Xã nông thôn mới kiểu mẫu": 1 in period, 1 cumulative (0 former) of 9 = 11.11%`,
	})
	equalLines(t, "villages", levelLines(s.GetVillages()), []string{
		`STANDARD "Thôn đạt chuẩn nông thôn mới": 1 in period, 2 cumulative (0 former) of 20 = 10%`,
		`MODEL "Thôn nông thôn mới kiểu mẫu": 1 in period, 1 cumulative (0 former) of 20 = 5%`,
	})
	equalLines(t, "districts", levelLines(s.GetDistricts()), []string{
		`STANDARD "Huyện đạt chuẩn nông thôn mới": 0 in period, 0 cumulative (0 former) of 2 = 0%`,
		`COMPLETED "Thị xã, thành phố thuộc tỉnh hoàn thành nhiệm vụ xây dựng nông thôn mới": 1 in period, 1 cumulative (0 former) of 2 = 50%`,
	})
	var decided []string
	for _, r := range s.GetDecided() {
		decided = append(decided, strings.Join([]string{r.GetEffectiveDate(), r.GetUnitCode(), r.GetDisplayName(), r.GetUnitType(), r.GetLevel(), r.GetDecisionNumber(), r.GetCriteriaSet()}, " "))
	}
	equalLines(t, "decided in 2020, by date", decided, []string{
		"2020-02-01 301 Đơn vị 301 VILLAGE STANDARD 301/QĐ-UBND NTM_COMMUNE_2016_2020",
		"2020-03-10 102 Đơn vị 102 COMMUNE STANDARD 102/QĐ-UBND NTM_COMMUNE_2016_2020",
		"2020-06-01 103 Đơn vị 103 COMMUNE STANDARD 103/QĐ-UBND NTM_COMMUNE_2016_2020",
		"2020-09-01 302 Đơn vị 302 VILLAGE MODEL 1302/QĐ-UBND NTM_COMMUNE_2016_2020",
		"2020-10-20 106 Đơn vị 106 COMMUNE MODEL 2106/QĐ-UBND NTM_COMMUNE_2016_2020",
		"2020-11-15 102 Đơn vị 102 COMMUNE ADVANCED 1102/QĐ-UBND NTM_COMMUNE_2016_2020",
		"2020-12-01 170 Đơn vị 170 DISTRICT COMPLETED 170/QĐ-TTg NTM_COMMUNE_2016_2020",
	})
}

// Districts abolished on 2025-07-01 and a village merged away still count,
// as former communes do: in their level and in the denominator, and in the
// targets measured by recognitions. Thị xã 172 completed the programme on
// 2021-12-20, 170 on 2020-12-01; village 302 merged away with its levels.
func TestFormerDistrictsAndVillagesCount(t *testing.T) {
	in := fixture(t, "2021-2025", "2025-12-31")
	// The aggregate on 2025-12-31: no district under the province any more,
	// 170 and 172 former districts, village 302 a former village.
	setTallies(in, district, tally(standard, "Huyện đạt chuẩn nông thôn mới", 0, 0, 2),
		tally(complete, "Thị xã, thành phố thuộc tỉnh hoàn thành nhiệm vụ xây dựng nông thôn mới", 2, 2, 2))
	setTallies(in, village, tally(standard, "Thôn đạt chuẩn nông thôn mới", 2, 1, 21), tally(model, "Thôn nông thôn mới kiểu mẫu", 1, 1, 21))
	in.Recognitions = append(in.Recognitions, rec("172", district, complete, "2021-12-20", "172/QĐ-TTg"))
	for _, r := range in.Recognitions {
		if code := r.GetRecognition().GetUnitCode(); code == "170" || code == "172" || code == "302" {
			gone(r)
		}
	}
	in.Targets = []*criteriav1.Target{target("2021-2025", "DISTRICTS_COMPLETED_NEW", 2)}
	r := Compose(in)
	s := r.GetRecognitions()
	equalLines(t, "districts", levelLines(s.GetDistricts()), []string{
		`STANDARD "Huyện đạt chuẩn nông thôn mới": 0 in period, 0 cumulative (0 former) of 2 = 0%`,
		`COMPLETED "Thị xã, thành phố thuộc tỉnh hoàn thành nhiệm vụ xây dựng nông thôn mới": 1 in period, 2 cumulative (2 former) of 2 = 100%`,
	})
	equalLines(t, "villages", levelLines(s.GetVillages()), []string{
		`STANDARD "Thôn đạt chuẩn nông thôn mới": 0 in period, 2 cumulative (1 former) of 21 = 9.52%`,
		`MODEL "Thôn nông thôn mới kiểu mẫu": 0 in period, 1 cumulative (1 former) of 21 = 4.76%`,
	})
	equalLines(t, "targets", targetLines(r.GetTargets().GetRows()), []string{
		"DISTRICTS_COMPLETED_NEW [2021-2025] BELOW_PLAN: 2 -> 1 (50%) | 1/2 huyện, đạt 50% kế hoạch, còn thiếu 1 huyện",
	})
}

// A district's report counts the district itself among the districts (of
// a denominator of itself), as a commune's counts the commune.
func TestRecognitionsOfADistrict(t *testing.T) {
	in := fixture(t, "2020", "2020-12-31")
	in.UnitCode, in.Unit = "170", &registryv1.Unit{Code: "170", DisplayName: "Thị xã Phổ Yên", Type: district}
	// The district's own aggregate: itself among the districts.
	setTallies(in, district, tally(standard, "Huyện đạt chuẩn nông thôn mới", 0, 0, 1),
		tally(complete, "Thị xã, thành phố thuộc tỉnh hoàn thành nhiệm vụ xây dựng nông thôn mới", 1, 0, 1))
	in.Recognitions = slices.DeleteFunc(in.Recognitions, func(r *registryv1.RecognitionInForce) bool {
		return r.GetRecognition().GetUnitType() != district
	})
	equalLines(t, "the district itself", levelLines(Compose(in).GetRecognitions().GetDistricts()), []string{
		`STANDARD "Huyện đạt chuẩn nông thôn mới": 0 in period, 0 cumulative (0 former) of 1 = 0%`,
		`COMPLETED "Thị xã, thành phố thuộc tỉnh hoàn thành nhiệm vụ xây dựng nông thôn mới": 1 in period, 1 cumulative (0 former) of 1 = 100%`,
	})
}

// A second half counts from July; the cumulative figures are those of its
// last day; a report written before the period ends counts up to its date.
func TestRecognitionsOfAHalfAndBeforeTheEnd(t *testing.T) {
	s := Compose(fixture(t, "2020-H2", "2020-12-31")).GetRecognitions()
	equalLines(t, "communes in the second half", levelLines(s.GetCommunes()), []string{
		`STANDARD "Xã đạt chuẩn nông thôn mới": 0 in period, 5 cumulative (1 former) of 9 = 55.56%`,
		`ADVANCED "Xã đạt chuẩn nông thôn mới nâng cao": 1 in period, 2 cumulative (0 former) of 9 = 22.22%`,
		`MODEL "Xã nông thôn mới kiểu mẫu": 1 in period, 1 cumulative (0 former) of 9 = 11.11%`,
	})
	october := fixture(t, "2020", "2020-10-31")
	// The aggregate on 2020-10-31: 102 is not advanced yet.
	october.Aggregate.Recognitions[1] = tally(advanced, "Xã đạt chuẩn nông thôn mới nâng cao", 1, 0, 9)
	s = Compose(october).GetRecognitions()
	equalLines(t, "communes as of October", levelLines(s.GetCommunes()), []string{
		`STANDARD "Xã đạt chuẩn nông thôn mới": 2 in period, 5 cumulative (1 former) of 9 = 55.56%`,
		`ADVANCED "Xã đạt chuẩn nông thôn mới nâng cao": 0 in period, 1 cumulative (0 former) of 9 = 11.11%`,
		`MODEL "Xã nông thôn mới kiểu mẫu": 1 in period, 1 cumulative (0 former) of 9 = 11.11%`,
	})
	if n := len(s.GetDecided()); n != 5 {
		t.Errorf("decided by 2020-10-31: %d rows, want 5", n)
	}
}

// A commune's own report counts the commune itself; the country's has no
// unit of its own.
func TestRecognitionsOfACommuneAndOfTheCountry(t *testing.T) {
	in := fixture(t, "2020", "2020-12-31")
	in.UnitCode, in.Unit = "102", &registryv1.Unit{Code: "102", DisplayName: "Xã Phú Thượng", Type: commune}
	// The commune's own aggregate: itself among the communes.
	setTallies(in, commune, tally(standard, "Xã đạt chuẩn nông thôn mới", 1, 0, 1), tally(advanced, "Xã đạt chuẩn nông thôn mới nâng cao", 1, 0, 1))
	in.Recognitions = []*registryv1.RecognitionInForce{in.Recognitions[1], in.Recognitions[2]}
	s := Compose(in).GetRecognitions()
	equalLines(t, "the commune itself", levelLines(s.GetCommunes())[:2], []string{
		`STANDARD "Xã đạt chuẩn nông thôn mới": 1 in period, 1 cumulative (0 former) of 1 = 100%`,
		`ADVANCED "Xã đạt chuẩn nông thôn mới nâng cao": 1 in period, 1 cumulative (0 former) of 1 = 100%`,
	})
	in = fixture(t, "2020", "2020-12-31")
	in.UnitCode, in.Unit = auth.CountryCode, nil
	r := Compose(in)
	if r.GetDisplayName() != "Cả nước" || r.GetRecognitions().GetCommunes()[0].GetDenominator() != 9 {
		t.Errorf("country: %q, denominator %d", r.GetDisplayName(), r.GetRecognitions().GetCommunes()[0].GetDenominator())
	}
}
