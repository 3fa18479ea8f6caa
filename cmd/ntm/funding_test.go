package main

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// million is a million đồng (triệu đồng), the unit the demo's amounts are
// written in below.
const million = 1_000_000

type fundingProgress struct {
	PlannedVnd, DisbursedVnd int64 `json:",string"`
	DisbursedPercent         float64
}

type fundingSummary struct {
	Total        fundingProgress
	MobilisedVnd int64 `json:",string"`
	BySource     []struct {
		Source                             string
		Progress                           fundingProgress
		PlannedQuantity, DisbursedQuantity string
	}
	ByUnit []struct {
		UnitCode string
		Progress fundingProgress
	}
}

// rows writes the lines of a summary as "code planned/disbursed" in
// millions, goods as "CEMENT 370.5/350t 180/180".
func (s fundingSummary) rows() (sources, units []string) {
	for _, r := range s.BySource {
		line := fmt.Sprintf("%s %d/%d", r.Source, r.Progress.PlannedVnd/million, r.Progress.DisbursedVnd/million)
		if r.PlannedQuantity != "" {
			line = fmt.Sprintf("%s %s/%st %d/%d", r.Source, r.PlannedQuantity, r.DisbursedQuantity, r.Progress.PlannedVnd/million, r.Progress.DisbursedVnd/million)
		}
		sources = append(sources, line)
	}
	for _, r := range s.ByUnit {
		units = append(units, fmt.Sprintf("%s %d/%d", r.UnitCode, r.Progress.PlannedVnd/million, r.Progress.DisbursedVnd/million))
	}
	return sources, units
}

// The demo province's money over REST against funding.json summed by hand
// (amounts in millions of đồng; P1..P19 are the file's plans in order),
// before and after the 2025 reorganisation: as of 2020-12-31 the money
// sits under the districts (Phúc Chu, merged into Bảo Cường on 2020-01-01,
// already with Định Hóa's 167 through Bảo Cường); as of 2025-12-31 the
// districts are gone, the communes merged on 2025-07-01 bring their money
// to the new communes, and district-level money is the province's own.
func TestDemoFundingSummaryMatchesHandSums(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	for _, tc := range []struct {
		name, query                   string
		planned, disbursed, mobilised int64
		percent                       float64
		sources, units                []string
	}{{
		name:  "2016-2020, as the districts stood",
		query: "from=2016-01-01&to=2020-12-31&as_of=2020-12-31",
		// Money plans of 2019-2020: P1 2000, P3 800, P4 300, P5 400, P6 1500,
		// P7 600, P8 500 = 6100; disbursed 1900+800+250+400+1600+450+500 = 5900.
		planned: 6100, disbursed: 5900, percent: 96.72,
		// Cement P2 150 t (valued 180, all delivered) and P9 220.5 t (200 delivered, not valued).
		mobilised: 5900 + 180,
		sources: []string{"CENTRAL_BUDGET 3500/3500", "PROVINCIAL_BUDGET 1300/1300", "DISTRICT_BUDGET 300/250",
			"INTEGRATED 600/450", "COMMUNITY 400/400", "CEMENT 370.5/350t 180/180"},
		// 167: P3 (Phúc Chu) + P6 (Bảo Cường); 170: P1, P4, P5, P7; 19: P8.
		units: []string{"167 2300/2400", "170 3300/3000", "19 500/500"},
	}, {
		name:  "2016-2025, after the merger date",
		query: "from=2016-01-01&to=2025-12-31&as_of=2025-12-31",
		// Plus 2024: P10 1000, P11 2500, P12 700 (disbursed 600+2200+700);
		// 2025: P13 900, P14 1200, P15 1800 (disbursed 500+900+1000).
		planned: 14200, disbursed: 11800, percent: 83.1,
		// Cement adds P16: 300 t valued 330, 120 t delivered valued 132.
		mobilised: 11800 + 180 + 132,
		sources: []string{"CENTRAL_BUDGET 7200/6600", "PROVINCIAL_BUDGET 3100/2300", "DISTRICT_BUDGET 1200/750",
			"INTEGRATED 600/450", "CREDIT 1000/600", "ENTERPRISE 700/700", "COMMUNITY 400/400", "CEMENT 670.5/470t 510/312"},
		// 05004: P3+P6; 05101 (Phượng Tiến…): P11; 06002 (with Cúc Đường): P5+P7;
		// 06005: P14; 06101 (Đình Cả, Lâu Thượng, Phú Thượng): P1+P12+P15;
		// 07101 (Đông Cao…): P10; 19 (with the abolished districts): P4+P8+P13.
		units: []string{"05004 2300/2400", "05101 2500/2200", "06002 1000/850", "06005 1200/900",
			"06101 4500/3600", "07101 1000/600", "19 1700/1250"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			var s fundingSummary
			getJSON(t, base+"/v1/units/19/fundingSummary?"+tc.query, http.StatusOK, &s)
			if s.Total.PlannedVnd != tc.planned*million || s.Total.DisbursedVnd != tc.disbursed*million || s.Total.DisbursedPercent != tc.percent {
				t.Errorf("total = %+v, want %d/%d million (%v%%)", s.Total, tc.planned, tc.disbursed, tc.percent)
			}
			if s.MobilisedVnd != tc.mobilised*million {
				t.Errorf("mobilised = %d, want %d million", s.MobilisedVnd, tc.mobilised)
			}
			sources, units := s.rows()
			if !reflect.DeepEqual(sources, tc.sources) {
				t.Errorf("by source:\n got %s\nwant %s", strings.Join(sources, ", "), strings.Join(tc.sources, ", "))
			}
			if !reflect.DeepEqual(units, tc.units) {
				t.Errorf("by unit:\n got %s\nwant %s", strings.Join(units, ", "), strings.Join(tc.units, ", "))
			}
		})
	}
}

// A disbursement above its plan over REST: 400 (FAILED_PRECONDITION) until
// it states why; bad input names the field and writes nothing.
func TestFundingOverrunAndBadInputOverREST(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	var plan struct{ Id string }
	postJSON(t, base+"/v1/plans", `{"year":2026,"unitCode":"06005","source":"CENTRAL_BUDGET","purpose":"TRANSPORT","amountVnd":"500000000","allocatedOn":"2026-02-01"}`, http.StatusCreated, &plan)
	postJSON(t, base+"/v1/disbursements", `{"planId":"`+plan.Id+`","disbursedOn":"2026-03-01","amountVnd":"400000000"}`, http.StatusCreated, nil)
	over := `{"planId":"` + plan.Id + `","disbursedOn":"2026-04-01","amountVnd":"200000000"}`
	if b := postJSON(t, base+"/v1/disbursements", over, http.StatusBadRequest, nil); !strings.Contains(string(b), "DISBURSEMENT_ABOVE_PLAN") {
		t.Errorf("overrun answer %s, want DISBURSEMENT_ABOVE_PLAN", b)
	}
	withReason := strings.TrimSuffix(over, "}") + `,"overrunReason":"Phát sinh khối lượng nền đường"}`
	postJSON(t, base+"/v1/disbursements", withReason, http.StatusCreated, nil)

	for _, tc := range []struct{ path, body, field string }{
		{"/v1/plans", `{"year":2026,"unitCode":"06005","source":"CENTRAL_BUDGET","purpose":"TRANSPORT","amountVnd":"-5","allocatedOn":"2026-02-01"}`, "plan.amount_vnd"},
		{"/v1/plans", `{"year":2026,"unitCode":"170","source":"DISTRICT_BUDGET","purpose":"TRANSPORT","amountVnd":"5","allocatedOn":"2026-02-01"}`, "plan.source"},
		{"/v1/plans", `{"year":2026,"unitCode":"06005","source":"CEMENT","purpose":"TRANSPORT","allocatedOn":"2026-02-01"}`, "plan.quantity"},
		{"/v1/disbursements", `{"planId":"` + plan.Id + `","disbursedOn":"2026-01-01","amountVnd":"1"}`, "disbursement.disbursed_on"},
	} {
		b := postJSON(t, base+tc.path, tc.body, http.StatusBadRequest, nil)
		if !strings.Contains(string(b), fmt.Sprintf("%q", tc.field)) {
			t.Errorf("POST %s %s: %s, want a violation of %s", tc.path, tc.body, b, tc.field)
		}
	}
	var got struct {
		DisbursedVnd int64 `json:",string"`
	}
	getJSON(t, base+"/v1/plans/"+plan.Id+"?as_of=2026-11-01", http.StatusOK, &got)
	if got.DisbursedVnd != 600*million {
		t.Errorf("plan disbursed %d, want 600 million (400 + the overrun of 200 with its reason)", got.DisbursedVnd)
	}
}
