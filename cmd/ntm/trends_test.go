package main

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

type trends struct {
	UnitCode, Onto, Step string
	Dates                []struct {
		Date, CriteriaSet string
		Communes          int
	}
	Criteria []struct {
		Code, DisplayName string
		Points            []struct {
			CriteriaSet                     string
			Missing, Confirmed, Approximate bool
			Gap                             string
			Met, Assessed                   int
		}
	}
}

// line writes criterion code's series as "met/assessed" per date, with ~
// for an approximate point and "-GAP" for a missing one.
func (tr trends) line(code string) string {
	var out []string
	for _, c := range tr.Criteria {
		if c.Code != code {
			continue
		}
		for _, p := range c.Points {
			switch {
			case p.Missing:
				out = append(out, "-"+strings.TrimPrefix(p.Gap, "TREND_GAP_"))
			case p.Approximate:
				out = append(out, fmt.Sprintf("%d/%d~", p.Met, p.Assessed))
			default:
				out = append(out, fmt.Sprintf("%d/%d", p.Met, p.Assessed))
			}
		}
	}
	return strings.Join(out, " ")
}

// The demo province's trends onto the 2026-2030 criteria over REST,
// counted by hand from assessments.csv and changes.json: on each 31
// December the communes of the day (34 until Phúc Chu merges on
// 2020-01-01, 33, 30 once three communes of Phổ Yên become wards on
// 2022-05-01, 27 after the 2025 mergers), each by its latest assessment
// under the set in force that day. 2022: the 2021-2025 set is in force and
// no commune has an assessment under it. 2025: the two new communes
// (06101, 05101) have none either, so 25 of 27 are assessed.
func TestDemoTrendsMatchHandCount(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	var tr trends
	getJSON(t, base+"/v1/units/19/trends?from=2018&to=2026&onto=NTM_COMMUNE_2026_2030", http.StatusOK, &tr)
	var sets, communes []string
	for _, d := range tr.Dates {
		sets = append(sets, strings.TrimPrefix(d.CriteriaSet, "NTM_COMMUNE_"))
		communes = append(communes, fmt.Sprint(d.Communes))
	}
	if got := strings.Join(sets, " "); got != "2016_2020 2016_2020 2016_2020 2016_2020 2021_2025 2021_2025 2021_2025 2021_2025 2026_2030" {
		t.Errorf("sets in force = %s", got)
	}
	if got := strings.Join(communes, " "); got != "34 34 33 33 30 30 30 27 27" {
		t.Errorf("communes = %s", got)
	}
	if d := tr.Dates[0].Date; d != "2018-12-31" {
		t.Errorf("first point on %s", d)
	}
	for _, tt := range []struct{ code, want string }{
		// Quy hoạch: every assessed commune met it in every set.
		{"1", "34/34 34/34 33/33 33/33 -NO_ASSESSMENT 30/30 30/30 25/25 27/27"},
		// Hạ tầng kinh tế - xã hội: all of the 2021-2025 criteria 2, 3, 4, 5,
		// 6, 7 and 9 (from 2016-2020 through 3 Thủy lợi, partly: approximate).
		{"2", "11/34~ 14/34~ 18/33~ 22/33~ -NO_ASSESSMENT 8/30 13/30 11/25 11/27"},
		// Đào tạo nguồn nhân lực: 2021-2025 criterion 12 (Lao động), which is
		// 2016-2020 criterion 14 (its indicator 14.3).
		{"4", "23/34~ 28/34~ 28/33~ 29/33~ -NO_ASSESSMENT 30/30 30/30 25/25 26/27"},
		// Khoa học công nghệ và chuyển đổi số: no older counterpart.
		{"7", "-NO_COUNTERPART -NO_COUNTERPART -NO_COUNTERPART -NO_COUNTERPART -NO_COUNTERPART -NO_COUNTERPART -NO_COUNTERPART -NO_COUNTERPART 21/27"},
	} {
		if got := tr.line(tt.code); got != tt.want {
			t.Errorf("criterion %s:\n got %s\nwant %s", tt.code, got, tt.want)
		}
	}
	for _, c := range tr.Criteria {
		if p := c.Points[0]; p.Confirmed {
			t.Errorf("criterion %s in 2018 is confirmed; the 2021 -> 2026 crosswalk is a proposal", c.Code)
		}
	}
	// A commune's own series: Lâu Thượng (06003) merged into Xã Võ Nhai on
	// 2025-07-01, after which it has no points.
	getJSON(t, base+"/v1/units/06003/trends?from=2023&to=2025&onto=NTM_COMMUNE_2021_2025", http.StatusOK, &tr)
	if got := tr.line("2"); got != "1/1 1/1 -NO_UNIT" {
		t.Errorf("06003 Giao thông = %s", got)
	}
	code, header, body := send(t, http.MethodGet, base+"/v1/units/19/trends.xlsx?from=2020&to=2026&onto=NTM_COMMUNE_2026_2030", tokenOf(t, demoAdmin), "")
	if code != http.StatusOK || !strings.Contains(header.Get("Content-Disposition"), "xu-huong-tieu-chi-19-2020-2026.xlsx") {
		t.Fatalf("trends.xlsx: %d %q", code, header.Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("trends.xlsx does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Diễn biến tiêu chí")
	if err != nil {
		t.Fatal(err)
	}
	// Columns: TT, code, name, then one per date from 31/12/2020; a
	// missing point is a dash.
	want := map[string]string{"Quy hoạch": "33 33 — 30 30 25 27", "Khoa học công nghệ và chuyển đổi số": "— — — — — — 21"}
	for _, row := range rows {
		if len(row) < 4 {
			continue
		}
		if w, ok := want[row[2]]; ok {
			if got := strings.Join(row[3:], " "); got != w {
				t.Errorf("%s: %q, want %q", row[2], got, w)
			}
			delete(want, row[2])
		}
	}
	if len(want) > 0 {
		t.Errorf("rows not found: %v", want)
	}
}

type moneyPerResult struct {
	CriteriaSet, From, To string
	Communes              int
	Criteria              []struct {
		Code, DisplayName          string
		Purposes                   []string
		PlannedVnd, DisbursedVnd   int64 `json:",string"`
		CameToMeet, UnknownAtStart int
		DisbursedPerCommuneVnd     int64 `json:",string"`
		HasDisbursedPerCommune     bool
		BySource                   []struct {
			Source                                           string
			PlannedVnd, DisbursedVnd, DisbursedPerCommuneVnd int64 `json:",string"`
		}
	}
}

// Money per result of the demo province in 2021-2025, summed by hand from
// funding.json (P1..P19 in file order) and assessments.csv. A commune
// came to meet a 2021-2025 criterion when its latest assessment by
// 2025-12-31 meets it and its 2020-10-31 assessment (2016-2020, read
// through the crosswalk) did not.
//   - Giao thông (2): TRANSPORT money of 2024-2025: P11 central 2,500 planned,
//     1,000 + 1,200 disbursed; P13 district 900, 500 (millions). Came to meet
//     it: 06008, 06009, 07006. 2,700 / 3 = 900 million per commune; central
//     2,200 / 3 = 733,333,333.3 -> 733,333,333 đồng; district 500 / 3 ->
//     166,666,667.
//   - Trường học (5): SCHOOLS, P15 provincial 1,800 planned, 1,000 disbursed.
//     Came to meet it: 05010, 07006: 500 million each.
//   - Thủy lợi (3): only cement (goods, not money) and no commune came to
//     meet it: no figure per commune.
func TestDemoMoneyPerResultMatchesHandSums(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	var m moneyPerResult
	getJSON(t, base+"/v1/units/19/moneyPerResult?period=2021-2025", http.StatusOK, &m)
	if m.CriteriaSet != "NTM_COMMUNE_2021_2025" || m.From != "2021-01-01" || m.To != "2025-12-31" || m.Communes != 27 {
		t.Fatalf("head: %s %s..%s, %d communes", m.CriteriaSet, m.From, m.To, m.Communes)
	}
	var lines []string
	for _, c := range m.Criteria {
		if c.Code != "2" && c.Code != "3" && c.Code != "5" {
			continue
		}
		l := fmt.Sprintf("%s %v %d/%d came %d", c.Code, c.Purposes, c.PlannedVnd/million, c.DisbursedVnd/million, c.CameToMeet)
		if c.HasDisbursedPerCommune {
			l += fmt.Sprintf(" per commune %d", c.DisbursedPerCommuneVnd)
		} else {
			l += " per commune -"
		}
		for _, s := range c.BySource {
			l += fmt.Sprintf(" | %s %d/%d %d", s.Source, s.PlannedVnd/million, s.DisbursedVnd/million, s.DisbursedPerCommuneVnd)
		}
		lines = append(lines, l)
	}
	equalLines(t, "money per result", lines, []string{
		"2 [TRANSPORT] 3400/2700 came 3 per commune 900000000 | CENTRAL_BUDGET 2500/2200 733333333 | DISTRICT_BUDGET 900/500 166666667",
		"3 [IRRIGATION] 0/0 came 0 per commune -",
		"5 [SCHOOLS] 1800/1000 came 2 per commune 500000000 | PROVINCIAL_BUDGET 1800/1000 500000000",
	})
}
