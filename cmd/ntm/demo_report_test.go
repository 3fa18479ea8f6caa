package main

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// demoReport is the part of GET /v1/units/{code}/report the hand counts check.
type demoReport struct {
	Title, AsOf, PeriodFrom, PeriodTo string
	Recognitions                      struct {
		Communes, Villages, Districts []levelCount
		Decided                       []struct{ UnitCode, Level, EffectiveDate, OverrideReason string }
	}
	Registrations struct {
		ByLevel []struct {
			UnitType, Level     string
			Registered, Reached int
		}
		Rows []struct {
			UnitType, UnitCode, Level  string
			Reached                    bool
			AssessedOn                 string
			CriteriaMet, CriteriaCount int
			Missing                    []string
		}
	}
	Targets struct {
		Rows []struct {
			Kind                         string
			Target, Result, Estimate     float64
			PercentOfPlan                float64
			HasResult, HasEstimate       bool
			Status, Summary, EstimatedOn string
			EstimateSummary              string
		}
	}
	Criteria struct {
		Basis     struct{ CriteriaSet, CountMode string }
		Aggregate aggregate
	}
	Ocop struct {
		Registered, Eligible, NotEligible       int
		Evaluated, CertifiedInPeriod, Certified []struct{ Stars, Products int }
		CertifiedInPeriodTotal, CertifiedTotal  int
		ProposedCentral                         int
	}
	Funding struct {
		Summary struct {
			Total struct {
				PlannedVnd, DisbursedVnd string
				DisbursedPercent         float64
			}
			MobilisedVnd string
			BySource     []struct{ Source, PlannedQuantity, DisbursedQuantity, QuantityUnit string }
		}
	}
}

type levelCount struct {
	Level                                          string
	InPeriod, Cumulative, FormerUnits, Denominator int
	Percent                                        float64
}

// The demo province's reports of 2019 and 2020, counted by hand from the
// demo files (cmd/ntm/internal/demo): recognitions.json, registrations.json,
// targets.json, estimates.json, assessments.csv, ocop.json, funding.json.
// They are compared field by field over REST, on SQLite and PostgreSQL; the
// 2020 workbook must hold the JSON's figures, and GET /v1/recognitions must
// agree with the aggregate on every count.
func TestDemoReportsMatchHandCounts(t *testing.T) {
	for _, engine := range storageConfigs {
		t.Run(engine.name, func(t *testing.T) {
			t.Parallel()
			base := startTestSuite(t, engine.cfg(t)).httpURL
			t.Run("2019", func(t *testing.T) { checkDemoReport2019(t, base) })
			t.Run("2020", func(t *testing.T) { checkDemoReport2020(t, base) })
			t.Run("2020 in October", func(t *testing.T) { checkDemoReportOctober2020(t, base) })
			t.Run("2021-2025 after the districts", func(t *testing.T) { checkDemoReport2021To2025(t, base) })
			t.Run("workbook", func(t *testing.T) { checkDemoWorkbook(t, base) })
			t.Run("recognitions agree with the aggregate", func(t *testing.T) { checkRecognitionsAgree(t, base) })
		})
	}
}

func getReport(t *testing.T, base, query string) demoReport {
	t.Helper()
	var r demoReport
	getJSON(t, base+"/v1/units/19/report?"+query, http.StatusOK, &r)
	return r
}

func checkDemoReport2019(t *testing.T, base string) {
	r := getReport(t, base, "period=2019")
	if r.Title != "Báo cáo kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới năm 2019" || r.PeriodFrom != "2019-01-01" ||
		r.PeriodTo != "2019-12-31" || r.AsOf != "2019-12-31" {
		t.Errorf("head: %q %s..%s as of %s", r.Title, r.PeriodFrom, r.PeriodTo, r.AsOf)
	}
	// Five communes recognised on 2019-03-15 (05007, 05009, 06002, 07002,
	// 07003), all still communes at the end of 2019: 5 of the 34 communes of
	// that day (05007 merged into 05004 only on 2020-01-01). Two villages of
	// La Hiên on 2019-11-20, of the 14 villages. No district yet. Only the
	// levels of the sets in force by then are rows: no MODERN commune (a
	// level of 2026-2030), no ADVANCED or MODEL district (of the district set
	// of 2021-2025, from 2022-03-08).
	equalLines(t, "communes", levelLines(r.Recognitions.Communes), []string{
		"STANDARD 5 in period, 5 in force (0 former) of 34 = 14.71%", "ADVANCED 0 in period, 0 in force (0 former) of 34 = 0%",
		"MODEL 0 in period, 0 in force (0 former) of 34 = 0%"})
	equalLines(t, "villages", levelLines(r.Recognitions.Villages), []string{
		"STANDARD 2 in period, 2 in force (0 former) of 14 = 14.29%", "MODEL 0 in period, 0 in force (0 former) of 14 = 0%"})
	equalLines(t, "districts", levelLines(r.Recognitions.Districts), []string{
		"STANDARD 0 in period, 0 in force (0 former) of 3 = 0%", "COMPLETED 0 in period, 0 in force (0 former) of 3 = 0%"})
	if n := len(r.Recognitions.Decided); n != 7 {
		t.Errorf("%d decisions in 2019, want 7", n)
	}
	// Registered on 2019-01-20, listed by unit code: 8 communes, 5 recognised that year; 06003
	// and 06004 met all 19 criteria by the end of the year but were
	// recognised only in March 2020; 06010 misses 2, 11 (cơ bản đạt is not
	// met) and 17. Three villages, two recognised; Xóm Mỏ Gà misses 6 and 11.
	equalLines(t, "registrations", registrationLines(r), []string{
		"COMMUNE STANDARD 5/8", "VILLAGE STANDARD 2/3",
		"not reached VILLAGE 0600203 STANDARD: 10/12 on 2019-10-31, missing [6 Thu nhập; 11 Môi trường và an toàn thực phẩm]",
		"not reached COMMUNE 06003 STANDARD: 19/19 on 2019-12-31, missing []",
		"not reached COMMUNE 06004 STANDARD: 19/19 on 2019-12-31, missing []",
		"not reached COMMUNE 06010 STANDARD: 16/19 on 2019-12-31, missing [2 Giao thông; 11 Hộ nghèo; 17 Môi trường và an toàn thực phẩm]",
	})
	// Targets of DEMO-10/KH-UBND against the results above and the
	// aggregate below, in the order of the target kinds; no OCOP product was
	// certified in 2019.
	equalLines(t, "targets", targetLines(r), []string{
		"COMMUNES_STANDARD_NEW 7 -> 5 (71.43%) BELOW_PLAN: 5/7 xã, đạt 71,43% kế hoạch, còn thiếu 2 xã",
		"VILLAGES_STANDARD_NEW 3 -> 2 (66.67%) BELOW_PLAN: 2/3 thôn, đạt 66,67% kế hoạch, còn thiếu 1 thôn",
		"AVERAGE_CRITERIA 16 -> 15.18 (94.88%) BELOW_PLAN: 15,18 tiêu chí/xã (kế hoạch 16 tiêu chí/xã), chưa đạt kế hoạch",
		"MIN_CRITERIA 10 -> 9 (90%) BELOW_PLAN: Còn 1 xã dưới 10 tiêu chí, chưa đạt kế hoạch",
		"OCOP_3_STARS_NEW 1 -> 0 (0%) BELOW_PLAN: 0/1 sản phẩm, đạt 0% kế hoạch, còn thiếu 1 sản phẩm",
	})
	// The 34 communes' assessments of 2019-12-31: 516 criteria met, 15.18 on
	// average; 06015 alone under 10 (at 9).
	a := r.Criteria.Aggregate
	if r.Criteria.Basis.CriteriaSet != "NTM_COMMUNE_2016_2020" || r.Criteria.Basis.CountMode != "reported" || a.Communes != 34 || a.AssessedCommunes != 34 {
		t.Errorf("criteria: %+v, %d communes, %d assessed", r.Criteria.Basis, a.Communes, a.AssessedCommunes)
	}
	if got, want := metPerCriterion(a), []int{34, 14, 33, 34, 22, 27, 34, 34, 34, 14, 19, 34, 12, 28, 30, 34, 11, 34, 34}; !slices.Equal(got, want) {
		t.Errorf("communes meeting each criterion = %v, want %v", got, want)
	}
	if a.AverageMet != 15.18 || !slices.Equal(a.MetHistogram, []int{9: 1, 10: 1, 11: 4, 12: 2, 13: 2, 14: 5, 15: 3, 16: 3, 17: 2, 18: 3, 19: 8}) {
		t.Errorf("average %v, histogram %v", a.AverageMet, a.MetHistogram)
	}
	if o := r.Ocop; o.Registered != 0 || o.CertifiedInPeriodTotal != 0 || o.CertifiedTotal != 0 || o.ProposedCentral != 0 {
		t.Errorf("OCOP 2019 = %+v, want nothing", o)
	}
	// funding.json, plans of 2019: money 2,000 + 800 + 300 + 400 million
	// planned, 1,900 + 800 + 250 + 400 disbursed (95.71%); 150 tonnes of
	// cement valued at 180 million delivered, so 3,530 million mobilised.
	equalLines(t, "funding", fundingLines(r), []string{"3500000000 planned, 3350000000 disbursed (95.71%), 3530000000 mobilised", "CEMENT 150/150 tấn"})
}

func checkDemoReport2020(t *testing.T, base string) {
	r := getReport(t, base, "period=2020")
	// 2020: 06003, 06004, 06013 (March) and 05006, 06005, 06011, 07008,
	// 07010 (December): 8 new, 13 in force with the 5 of 2019. 05007 merged
	// away on 2020-01-01 and is counted as a former commune, over the 33
	// communes of the day plus it. 05009 became advanced in September. No
	// MODERN row: that level comes with the 2026-2030 set.
	equalLines(t, "communes", levelLines(r.Recognitions.Communes), []string{
		"STANDARD 8 in period, 13 in force (1 former) of 34 = 38.24%", "ADVANCED 1 in period, 1 in force (0 former) of 34 = 2.94%",
		"MODEL 0 in period, 0 in force (0 former) of 34 = 0%"})
	// Three villages standard and Xóm Làng Lai model on 2020-11-25.
	equalLines(t, "villages", levelLines(r.Recognitions.Villages), []string{
		"STANDARD 3 in period, 5 in force (0 former) of 14 = 35.71%", "MODEL 1 in period, 1 in force (0 former) of 14 = 7.14%"})
	if n := len(r.Recognitions.Decided); n != 13 {
		t.Errorf("%d decisions in 2020, want 13", n)
	}
	// Registered on 2020-01-15: 10 communes, 8 recognised; 06010 and 07009
	// miss one criterion each on their October assessments.
	equalLines(t, "registrations", registrationLines(r), []string{
		"COMMUNE STANDARD 8/10", "COMMUNE ADVANCED 1/1", "VILLAGE STANDARD 3/4", "VILLAGE MODEL 1/1",
		"not reached VILLAGE 0600203 STANDARD: 11/12 on 2020-10-31, missing [6 Thu nhập]",
		"not reached COMMUNE 06010 STANDARD: 18/19 on 2020-10-31, missing [17 Môi trường và an toàn thực phẩm]",
		"not reached COMMUNE 07009 STANDARD: 18/19 on 2020-10-31, missing [13 Tổ chức sản xuất]",
	})
	// Targets of DEMO-11/KH-UBND; estimates of 2020-10-31 beside them.
	equalLines(t, "targets", targetLines(r), []string{
		"COMMUNES_STANDARD_NEW 5 -> 8 (160%) ABOVE_PLAN: 8/5 xã, đạt 160% kế hoạch, vượt 3 xã | estimate 7 on 2020-10-31: Dự ước 7 xã, vượt kế hoạch (5 xã)",
		"COMMUNES_STANDARD_TOTAL 10 -> 13 (130%) ABOVE_PLAN: 13/10 xã, đạt 130% kế hoạch, vượt 3 xã | estimate 12 on 2020-10-31: Dự ước 12 xã, vượt kế hoạch (10 xã)",
		"COMMUNES_ADVANCED_NEW 1 -> 1 (100%) MET: 1/1 xã, đạt 100% kế hoạch | estimate 1 on 2020-10-31: Dự ước 1 xã, đạt kế hoạch (1 xã)",
		"VILLAGES_STANDARD_NEW 3 -> 3 (100%) MET: 3/3 thôn, đạt 100% kế hoạch",
		"VILLAGES_MODEL_NEW 1 -> 1 (100%) MET: 1/1 thôn, đạt 100% kế hoạch",
		"AVERAGE_CRITERIA 16 -> 16.15 (100.94%) ABOVE_PLAN: 16,15 tiêu chí/xã (kế hoạch 16 tiêu chí/xã), vượt kế hoạch",
		"MIN_CRITERIA 10 -> 10 (100%) MET: Không còn xã dưới 10 tiêu chí, đạt kế hoạch",
		"OCOP_3_STARS_NEW 2 -> 2 (100%) MET: 2/2 sản phẩm, đạt 100% kế hoạch | estimate 2 on 2020-10-31: Dự ước 2 sản phẩm, đạt kế hoạch (2 sản phẩm)",
	})
	a := r.Criteria.Aggregate
	if a.Communes != 33 || a.AverageMet != 16.15 || a.Below[1].Communes != 0 {
		t.Errorf("criteria: %d communes, average %v, under 10: %+v; want 33, 16.15 (533/33), none", a.Communes, a.AverageMet, a.Below)
	}
	// La Hiên's green tea (4 stars, 2020-10-20) and its đinh tea, scored 92
	// by the province (proposed to the central council), certified 5 stars
	// by the central council on 2020-12-15.
	o := r.Ocop
	if o.Registered != 2 || o.Eligible != 2 || o.CertifiedInPeriodTotal != 2 || o.CertifiedTotal != 2 || o.ProposedCentral != 1 ||
		!slices.Equal(starLines(o.CertifiedInPeriod), []string{"4★ 1", "5★ 1"}) || !slices.Equal(starLines(o.Evaluated), []string{"4★ 1", "5★ 1"}) {
		t.Errorf("OCOP 2020 = %+v", o)
	}
	// Plans of 2020: 1,500 + 600 + 500 million planned, 1,600 (an overrun
	// with its reason) + 450 + 500 disbursed; 220.5 tonnes of cement
	// planned, 200 delivered, not valued.
	equalLines(t, "funding", fundingLines(r), []string{"2600000000 planned, 2550000000 disbursed (98.08%), 2550000000 mobilised", "CEMENT 220.5/200 tấn"})
}

// As the October 2020 report wrote it: 3 of the 5 communes planned so
// far, the estimate of 7 by the end of the year beside it.
func checkDemoReportOctober2020(t *testing.T, base string) {
	r := getReport(t, base, "period=2020&as_of=2020-10-31")
	got := targetLines(r)
	want := "COMMUNES_STANDARD_NEW 5 -> 3 (60%) BELOW_PLAN: 3/5 xã, đạt 60% kế hoạch, còn thiếu 2 xã | estimate 7 on 2020-10-31: Dự ước 7 xã, vượt kế hoạch (5 xã)"
	if len(got) == 0 || got[0] != want {
		t.Errorf("October 2020: %q, want first %q", got, want)
	}
	if c := r.Recognitions.Communes[0]; c.InPeriod != 3 || c.Cumulative != 8 || c.Denominator != 34 {
		t.Errorf("October 2020 standard communes = %+v, want 3 in the period, 8 in force of 34", c)
	}
}

// The 2021-2025 report counted on the phase's last day, after districts
// were abolished on 2025-07-01: Thị xã Phổ Yên (172), recognised COMPLETED
// on 2021-12-20, is no district any more but still counts, as a former one,
// over a denominator of no district of the day plus it; the province's
// target DISTRICTS_COMPLETED_TOTAL (2, DEMO-6/NQ-HĐND of 2021-08-05) is half met.
func checkDemoReport2021To2025(t *testing.T, base string) {
	r := getReport(t, base, "period=2021-2025&as_of=2025-12-31")
	equalLines(t, "districts", levelLines(r.Recognitions.Districts), []string{
		"STANDARD 0 in period, 0 in force (0 former) of 1 = 0%", "ADVANCED 0 in period, 0 in force (0 former) of 1 = 0%",
		"MODEL 0 in period, 0 in force (0 former) of 1 = 0%", "COMPLETED 1 in period, 1 in force (1 former) of 1 = 100%"})
	var got []string
	for _, line := range targetLines(r) {
		if strings.HasPrefix(line, "DISTRICTS_") {
			got = append(got, line)
		}
	}
	equalLines(t, "district targets", got, []string{
		"DISTRICTS_COMPLETED_TOTAL 2 -> 1 (50%) BELOW_PLAN: 1/2 huyện, đạt 50% kế hoạch, còn thiếu 1 huyện"})
}

// The 2020 workbook holds the JSON report's figures.
func checkDemoWorkbook(t *testing.T, base string) {
	r := getReport(t, base, "period=2020")
	code, _, body := send(t, http.MethodGet, base+"/v1/units/19/report.xlsx?period=2020", tokenOf(t, demoAdmin), "")
	if code != http.StatusOK {
		t.Fatalf("report.xlsx: %d", code)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("report.xlsx does not open: %v", err)
	}
	defer f.Close()
	// rowOf is the row of sheet whose cells hold every one of want.
	rowOf := func(sheet string, want ...string) []string {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatalf("sheet %s: %v", sheet, err)
		}
		for _, row := range rows {
			if !slices.ContainsFunc(want, func(w string) bool { return !slices.Contains(row, w) }) {
				return row
			}
		}
		t.Errorf("sheet %s has no row with %q", sheet, want)
		return nil
	}
	c := r.Recognitions.Communes[0]
	rowOf("Công nhận", "Xã", "STANDARD", strconv.Itoa(c.InPeriod), strconv.Itoa(c.Cumulative), strconv.Itoa(c.FormerUnits), strconv.Itoa(c.Denominator), "38.24%")
	for _, row := range r.Targets.Rows {
		rowOf("Kế hoạch và kết quả", row.Kind, row.Summary)
	}
	for _, crit := range r.Criteria.Aggregate.Criteria {
		rowOf("Tiêu chí", crit.Code, strconv.Itoa(crit.Met), strconv.Itoa(crit.Denominator))
	}
	rowOf("OCOP", strconv.Itoa(r.Ocop.ProposedCentral))
	rowOf("Nguồn vốn", "2,600,000,000", "2,550,000,000", "98.08%")
}

// GET /v1/recognitions and the aggregate agree on every count, on dates
// across the demo's history, in both counting modes: for the province (Phổ
// Yên counted as a former district after 2025-07-01 in reported mode), and
// for Phổ Yên (172) itself while it exists, which counts itself among
// districts. The demo recognises no province: the aggregate has no tally
// of provinces, and a province's recognition would be a disagreement.
func checkRecognitionsAgree(t *testing.T, base string) {
	for _, unit := range []struct {
		code  string
		dates []string
	}{
		{"19", []string{"2019-12-31", "2020-10-31", "2021-12-31", "2022-12-31", "2024-12-31", "2025-12-31", "2026-06-30"}},
		{"172", []string{"2019-12-31", "2021-12-31", "2022-12-31", "2024-12-31", "2025-06-30"}},
	} {
		for _, asOf := range unit.dates {
			checkRecognitionsAgreeOn(t, base, unit.code, asOf)
		}
	}
}

func checkRecognitionsAgreeOn(t *testing.T, base, unit, asOf string) {
	for _, mode := range []string{"current", "reported"} {
		var list struct {
			Recognitions []struct {
				Recognition struct{ Level, UnitType string }
			}
		}
		getJSON(t, base+"/v1/recognitions?parent="+unit+"&as_of="+asOf+"&include_former="+strconv.FormatBool(mode == "reported"), http.StatusOK, &list)
		counted := map[string]int{}
		for _, r := range list.Recognitions {
			counted[r.Recognition.UnitType+" "+r.Recognition.Level]++
		}
		var a struct {
			Recognitions, VillageRecognitions, DistrictRecognitions []struct {
				Level string
				Units int
			}
		}
		getJSON(t, base+"/v1/units/"+unit+"/aggregate?as_of="+asOf+"&count_mode="+mode, http.StatusOK, &a)
		tallied := map[string]int{}
		for typ, tallies := range map[string][]struct {
			Level string
			Units int
		}{"COMMUNE": a.Recognitions, "VILLAGE": a.VillageRecognitions, "DISTRICT": a.DistrictRecognitions} {
			for _, r := range tallies {
				if r.Units > 0 {
					tallied[typ+" "+r.Level] = r.Units
				}
			}
		}
		if fmt.Sprint(counted) != fmt.Sprint(tallied) {
			t.Errorf("%s on %s %s: the list counts %v, the aggregate %v", unit, asOf, mode, counted, tallied)
		}
	}
}

func levelLines(counts []levelCount) []string {
	var out []string
	for _, c := range counts {
		out = append(out, fmt.Sprintf("%s %d in period, %d in force (%d former) of %d = %v%%", c.Level, c.InPeriod, c.Cumulative, c.FormerUnits, c.Denominator, c.Percent))
	}
	return out
}

func registrationLines(r demoReport) []string {
	var out []string
	for _, t := range r.Registrations.ByLevel {
		out = append(out, fmt.Sprintf("%s %s %d/%d", t.UnitType, t.Level, t.Reached, t.Registered))
	}
	for _, row := range r.Registrations.Rows {
		if !row.Reached {
			out = append(out, fmt.Sprintf("not reached %s %s %s: %d/%d on %s, missing [%s]", row.UnitType, row.UnitCode, row.Level,
				row.CriteriaMet, row.CriteriaCount, row.AssessedOn, strings.Join(row.Missing, "; ")))
		}
	}
	return out
}

func targetLines(r demoReport) []string {
	var out []string
	for _, row := range r.Targets.Rows {
		s := fmt.Sprintf("%s %v -> %v (%v%%) %s: %s", row.Kind, row.Target, row.Result, row.PercentOfPlan, row.Status, row.Summary)
		if row.HasEstimate {
			s += fmt.Sprintf(" | estimate %v on %s: %s", row.Estimate, row.EstimatedOn, row.EstimateSummary)
		}
		out = append(out, s)
	}
	return out
}

func starLines(tallies []struct{ Stars, Products int }) []string {
	var out []string
	for _, s := range tallies {
		if s.Products > 0 {
			out = append(out, fmt.Sprintf("%d★ %d", s.Stars, s.Products))
		}
	}
	return out
}

func fundingLines(r demoReport) []string {
	s := r.Funding.Summary
	out := []string{fmt.Sprintf("%s planned, %s disbursed (%v%%), %s mobilised", s.Total.PlannedVnd, s.Total.DisbursedVnd, s.Total.DisbursedPercent, s.MobilisedVnd)}
	for _, src := range s.BySource {
		if src.QuantityUnit != "" {
			out = append(out, fmt.Sprintf("%s %s/%s %s", src.Source, src.PlannedQuantity, src.DisbursedQuantity, src.QuantityUnit))
		}
	}
	return out
}

// equalLines reports the lines of got that differ from want.
func equalLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}
