package progress

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"testing"

	"github.com/ntmsuite/ntm/services/funding/catalogs"
	"github.com/ntmsuite/ntm/services/funding/internal/catalog"
)

func shipped(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Load(catalogs.FS)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func money(planned, disbursed int64) (Totals, Totals) {
	return Totals{AmountVND: planned}, Totals{AmountVND: disbursed}
}

func fact(unit, source, purpose string, year int, planned, disbursed Totals) Fact {
	return Fact{Unit: unit, Source: source, Purpose: purpose, Year: year, Planned: planned, Disbursed: disbursed}
}

func TestSummariseAgainstHandSums(t *testing.T) {
	p1, d1 := money(1_000, 800)
	p2, d2 := money(500, 500)
	p3, d3 := money(300, 0)
	p4, d4 := money(200, 100)
	facts := []Fact{
		fact("170", "CENTRAL_BUDGET", "TRANSPORT", 2019, p1, d1),
		fact("170", "COMMUNITY", "TRANSPORT", 2022, p2, d2),
		fact("167", "CENTRAL_BUDGET", "SCHOOLS", 2026, p3, d3),
		fact("19", "PROVINCIAL_BUDGET", "OCOP", 2022, p4, d4),
		// 40 tonnes planned, 25.5 delivered, valued at 30 and 19 (VND for the test).
		fact("170", "CEMENT", "TRANSPORT", 2019, Totals{AmountVND: 30, QuantityMilli: 40_000}, Totals{AmountVND: 19, QuantityMilli: 25_500}),
	}
	s, err := Summarise(shipped(t), facts)
	if err != nil {
		t.Fatal(err)
	}
	// Money: 1000+500+300+200 planned, 800+500+0+100 disbursed; goods apart.
	if want := (Line{Planned: Totals{AmountVND: 2_000}, Disbursed: Totals{AmountVND: 1_400}}); s.Total != want {
		t.Errorf("total = %+v, want %+v", s.Total, want)
	}
	if s.MobilisedVND != 1_419 {
		t.Errorf("mobilised = %d, want 1400 money + 19 cement", s.MobilisedVND)
	}
	type row struct {
		key                  string
		planned, disbursed   int64
		plannedQ, disbursedQ int64
	}
	var sources []row
	for _, l := range s.BySource {
		sources = append(sources, row{l.Source.Code, l.Planned.AmountVND, l.Disbursed.AmountVND, l.Planned.QuantityMilli, l.Disbursed.QuantityMilli})
	}
	wantSources := []row{{"CENTRAL_BUDGET", 1_300, 800, 0, 0}, {"PROVINCIAL_BUDGET", 200, 100, 0, 0}, {"COMMUNITY", 500, 500, 0, 0}, {"CEMENT", 30, 19, 40_000, 25_500}}
	if !reflect.DeepEqual(sources, wantSources) {
		t.Errorf("by source = %v, want %v (catalog order)", sources, wantSources)
	}
	var purposes []row
	for _, l := range s.ByPurpose {
		purposes = append(purposes, row{key: l.Purpose.Code, planned: l.Planned.AmountVND, disbursed: l.Disbursed.AmountVND})
	}
	if want := []row{{key: "TRANSPORT", planned: 1_500, disbursed: 1_300}, {key: "SCHOOLS", planned: 300}, {key: "OCOP", planned: 200, disbursed: 100}}; !reflect.DeepEqual(purposes, want) {
		t.Errorf("by purpose = %v, want %v", purposes, want)
	}
	var transport []row
	for _, l := range s.ByPurpose[0].BySource {
		transport = append(transport, row{key: l.Source.Code, planned: l.Planned.AmountVND, disbursed: l.Disbursed.AmountVND})
	}
	// The cement delivered for roads is goods: not the purpose's money.
	if want := []row{{key: "CENTRAL_BUDGET", planned: 1_000, disbursed: 800}, {key: "COMMUNITY", planned: 500, disbursed: 500}}; !reflect.DeepEqual(transport, want) {
		t.Errorf("transport by source = %v, want %v", transport, want)
	}
	var criteria []row
	for _, l := range s.ByCriterion {
		criteria = append(criteria, row{key: l.Criterion.Set + "/" + l.Criterion.Code, planned: l.Planned.AmountVND, disbursed: l.Disbursed.AmountVND})
	}
	// Transport 2019 is criterion 2 of 2016-2020, transport 2022 criterion 2
	// of 2021-2025, schools 2026 criterion 2 of 2026-2030; OCOP serves none.
	if want := []row{{key: "NTM_COMMUNE_2016_2020/2", planned: 1_000, disbursed: 800}, {key: "NTM_COMMUNE_2021_2025/2", planned: 500, disbursed: 500},
		{key: "NTM_COMMUNE_2026_2030/2", planned: 300}}; !reflect.DeepEqual(criteria, want) {
		t.Errorf("by criterion = %v, want %v", criteria, want)
	}
	if c := s.ByCriterion[2].Criterion; c.Confirmed || c.Name != "Hạ tầng kinh tế - xã hội" {
		t.Errorf("2026 criterion row = %+v, want unconfirmed Hạ tầng kinh tế - xã hội", c)
	}
	var years []row
	for _, l := range s.ByYear {
		years = append(years, row{key: strconv.Itoa(l.Year), planned: l.Planned.AmountVND, disbursed: l.Disbursed.AmountVND})
	}
	if want := []row{{key: "2019", planned: 1_000, disbursed: 800}, {key: "2022", planned: 700, disbursed: 600}, {key: "2026", planned: 300}}; !reflect.DeepEqual(years, want) {
		t.Errorf("by year = %v, want %v", years, want)
	}
	var units []row
	for _, l := range s.ByUnit {
		units = append(units, row{key: l.Unit, planned: l.Planned.AmountVND, disbursed: l.Disbursed.AmountVND})
	}
	if want := []row{{key: "167", planned: 300}, {key: "170", planned: 1_500, disbursed: 1_300}, {key: "19", planned: 200, disbursed: 100}}; !reflect.DeepEqual(units, want) {
		t.Errorf("by unit = %v, want %v", units, want)
	}
}

func TestSummariseKeepsCodesTheCatalogLost(t *testing.T) {
	p, d := money(10, 5)
	s, err := Summarise(shipped(t), []Fact{fact("1", "OLD_FUND", "OLD_PURPOSE", 2020, p, d)})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.BySource) != 1 || s.BySource[0].Source.Name != "OLD_FUND" || s.Total.Planned.AmountVND != 10 || len(s.ByPurpose) != 1 || s.ByPurpose[0].Purpose.Code != "OLD_PURPOSE" {
		t.Errorf("summary = %+v", s)
	}
}

func TestSummariseReportsOverflow(t *testing.T) {
	p, d := money(math.MaxInt64, 0)
	for _, facts := range [][]Fact{
		{fact("1", "CENTRAL_BUDGET", "TRANSPORT", 2020, p, d), fact("2", "COMMUNITY", "SCHOOLS", 2021, Totals{AmountVND: 1}, d)},
		{fact("1", "CEMENT", "TRANSPORT", 2020, Totals{QuantityMilli: 1}, Totals{AmountVND: math.MaxInt64}), fact("1", "CEMENT", "TRANSPORT", 2021, Totals{}, Totals{AmountVND: 1})},
	} {
		if _, err := Summarise(shipped(t), facts); !errors.Is(err, ErrOverflow) {
			t.Errorf("Summarise error = %v, want ErrOverflow", err)
		}
	}
}
