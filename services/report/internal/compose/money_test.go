package compose

import (
	"fmt"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/period"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
)

func progress(planned, disbursed int64) *fundingv1.Progress {
	return &fundingv1.Progress{PlannedVnd: planned, DisbursedVnd: disbursed}
}

func purpose(code string, links ...*fundingv1.CriterionLink) *fundingv1.Purpose {
	return &fundingv1.Purpose{Code: code, Criteria: links}
}

func link(set, code string, confirmed bool) *fundingv1.CriterionLink {
	return &fundingv1.CriterionLink{CriteriaSet: set, CriterionCode: code, Confirmed: confirmed}
}

func TestMoneyPerResultAgainstHandSums(t *testing.T) {
	const set = "NTM_COMMUNE_2021_2025"
	in := MoneyInputs{UnitCode: "19", Period: period.MustParse("2021-2025"), From: date.MustParse("2021-01-01"), To: date.MustParse("2025-12-31"),
		Gains: &criteriav1.CriterionGains{CriteriaSet: set, Communes: 30, Criteria: []*criteriav1.CriterionGain{
			{Code: "2", DisplayName: "Giao thông", CameToMeet: 3, Confirmed: true},
			{Code: "3", DisplayName: "Thủy lợi và phòng, chống thiên tai", CameToMeet: 0, UnknownAtStart: 2, Confirmed: true},
			{Code: "5", DisplayName: "Trường học", CameToMeet: 2, Confirmed: true},
		}},
		Funding: &fundingv1.FundingSummary{
			BySource: []*fundingv1.SourceProgress{{Source: "CENTRAL_BUDGET"}, {Source: "PROVINCIAL_BUDGET"}, {Source: "COMMUNITY"}},
			ByPurpose: []*fundingv1.PurposeProgress{
				{Purpose: "TRANSPORT", Progress: progress(10_000_000_000, 8_000_000_001), BySource: []*fundingv1.PurposeSourceProgress{
					{Source: "COMMUNITY", Progress: progress(1_000_000_000, 1_000_000_000)},
					{Source: "CENTRAL_BUDGET", Progress: progress(9_000_000_000, 7_000_000_001)}}},
				{Purpose: "IRRIGATION", Progress: progress(500, 400)},
				{Purpose: "SCHOOLS", Progress: progress(3_000, 1_001), BySource: []*fundingv1.PurposeSourceProgress{
					{Source: "PROVINCIAL_BUDGET", Progress: progress(3_000, 1_001)}}},
				{Purpose: "OCOP", Progress: progress(7_000, 7_000)},
			},
		},
		Purposes: []*fundingv1.Purpose{
			purpose("TRANSPORT", link("NTM_COMMUNE_2016_2020", "2", true), link(set, "2", true)),
			purpose("IRRIGATION", link(set, "3", true)),
			purpose("SCHOOLS", link(set, "5", true)),
			purpose("SCHOOL_EQUIPMENT", link(set, "5", false)), // no money in the period
			purpose("OCOP"),
		},
	}
	got := MoneyPerResult(in)
	var lines []string
	for _, c := range got.GetCriteria() {
		s := fmt.Sprintf("%s %v planned %d disbursed %d came %d unknown %d", c.GetCode(), c.GetPurposes(), c.GetPlannedVnd(), c.GetDisbursedVnd(), c.GetCameToMeet(), c.GetUnknownAtStart())
		if c.GetHasDisbursedPerCommune() {
			s += fmt.Sprintf(" per commune %d", c.GetDisbursedPerCommuneVnd())
		} else {
			s += " per commune missing"
		}
		s += fmt.Sprintf(" confirmed %v", c.GetConfirmed())
		for _, sm := range c.GetBySource() {
			s += fmt.Sprintf(" | %s %d/%d per commune %d", sm.GetSource(), sm.GetPlannedVnd(), sm.GetDisbursedVnd(), sm.GetDisbursedPerCommuneVnd())
		}
		lines = append(lines, s)
	}
	equalLines(t, "money per result", lines, []string{
		// 8,000,000,001 / 3 = 2,666,666,667 exactly; central 7,000,000,001 / 3 =
		// 2,333,333,333.67 -> ...334; community 1,000,000,000 / 3 = 333,333,333.33 -> ...333.
		"2 [TRANSPORT] planned 10000000000 disbursed 8000000001 came 3 unknown 0 per commune 2666666667 confirmed true" +
			" | CENTRAL_BUDGET 9000000000/7000000001 per commune 2333333334 | COMMUNITY 1000000000/1000000000 per commune 333333333",
		// Nobody came to meet it: no figure, not 400 or 0.
		"3 [IRRIGATION] planned 500 disbursed 400 came 0 unknown 2 per commune missing confirmed true",
		// 1,001 / 2 = 500.5 -> 501; an unconfirmed link makes the row unconfirmed.
		"5 [SCHOOLS SCHOOL_EQUIPMENT] planned 3000 disbursed 1001 came 2 unknown 0 per commune 501 confirmed false" +
			" | PROVINCIAL_BUDGET 3000/1001 per commune 501",
	})
	if got.GetCriteriaSet() != set || got.GetCommunes() != 30 || got.GetPeriod() != "2021-2025" || got.GetTo() != "2025-12-31" {
		t.Errorf("head = %v", got)
	}
}

func TestPerCommuneRoundsHalvesUp(t *testing.T) {
	for _, tt := range []struct{ vnd, n, want int64 }{
		{10, 4, 3}, {9, 4, 2}, {0, 3, 0}, {7, 1, 7}, {1<<63 - 1, 2, 1 << 62},
	} {
		if got := perCommune(tt.vnd, tt.n); got != tt.want {
			t.Errorf("perCommune(%d, %d) = %d, want %d", tt.vnd, tt.n, got, tt.want)
		}
	}
}

// A province's variant of a set shares its base's criteria: the purposes'
// links, which name the national set, still find them.
func TestMoneyPerResultOfAProvincialVariant(t *testing.T) {
	got := MoneyPerResult(MoneyInputs{UnitCode: "19", Period: period.MustParse("2024"), From: date.MustParse("2024-01-01"), To: date.MustParse("2024-12-31"),
		Gains: &criteriav1.CriterionGains{CriteriaSet: "TN_COMMUNE_2021_2025", NationalSet: "NTM_COMMUNE_2021_2025",
			Criteria: []*criteriav1.CriterionGain{{Code: "2", CameToMeet: 2, Confirmed: true}}},
		Funding:  &fundingv1.FundingSummary{ByPurpose: []*fundingv1.PurposeProgress{{Purpose: "TRANSPORT", Progress: progress(900, 600)}}},
		Purposes: []*fundingv1.Purpose{purpose("TRANSPORT", link("NTM_COMMUNE_2021_2025", "2", true))},
	})
	if c := got.GetCriteria()[0]; c.GetDisbursedVnd() != 600 || c.GetDisbursedPerCommuneVnd() != 300 || got.GetCriteriaSet() != "TN_COMMUNE_2021_2025" {
		t.Errorf("variant: %v", got)
	}
}
