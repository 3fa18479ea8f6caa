package storetest

import (
	"context"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
)

// testProposedCentral counts the products proposed to the central council
// under a rule that is not the shipped one (4 and 5 stars propose from
// 2023-02-24 to 2025-07-05), so the windows visibly come from the argument.
//
//	product (unit)  cycle  sheets (council, date, stars)                    proposed
//	a (100)         2022   PROVINCE 2022-06-01 5, CENTRAL 2022-10-01 5      yes, once
//	b (100)         2024   DISTRICT 2024-03-01 4, DISTRICT 2024-08-01 3     yes: the 4 (a later, lower sheet changes nothing)
//	c (101)         2024   PROVINCE 2024-05-01 3                            no
//	d (101)         2024   CENTRAL 2024-06-01 3                             yes: the central council's own sheet
//	e (101)         2023   PROVINCE 2024-01-15 5                            yes, for the 2023 cycle
//	f (100)         2025   PROVINCE 2025-07-05 4                            yes: the last day 4 stars propose
//	g (100)         2025   PROVINCE 2025-07-06 4                            no: from that day only 5
//	h (101)         2025   PROVINCE 2025-09-01 5                            yes
//	i (200)         2024   CENTRAL 2024-04-01 5                             outside the units
//	j (100)         2024   PROVINCE 2024-12-31 5                            yes, from that day
func testProposedCentral(t *testing.T, s *store.Store) {
	in1 := newProducer(t, s, "HTX Chè Tân Cương", "COOPERATIVE", "100", "2019-01-01")
	in2 := newProducer(t, s, "Hộ kinh doanh Nguyễn Thị Lan", "HOUSEHOLD_BUSINESS", "101", "2019-01-01")
	out := newProducer(t, s, "HTX Ngoài Tỉnh", "COOPERATIVE", "200", "2019-01-01")
	product := func(p store.Producer, name string) store.Product { return newProduct(t, s, p, name, "FOOD") }
	a, b, c, d := product(in1, "a"), product(in1, "b"), product(in2, "c"), product(in2, "d")
	e, f, g, h := product(in2, "e"), product(in1, "f"), product(in1, "g"), product(in2, "h")
	i, j := product(out, "i"), product(in1, "j")
	for _, ev := range []struct {
		p     store.Product
		year  int
		on    string
		level string
		stars int
	}{
		{a, 2022, "2022-06-01", "PROVINCE", 5}, {a, 2022, "2022-10-01", "CENTRAL", 5},
		{b, 2024, "2024-03-01", "DISTRICT", 4}, {b, 2024, "2024-08-01", "DISTRICT", 3},
		{c, 2024, "2024-05-01", "PROVINCE", 3},
		{d, 2024, "2024-06-01", "CENTRAL", 3},
		{e, 2023, "2024-01-15", "PROVINCE", 5},
		{f, 2025, "2025-07-05", "PROVINCE", 4},
		{g, 2025, "2025-07-06", "PROVINCE", 4},
		{h, 2025, "2025-09-01", "PROVINCE", 5},
		{i, 2024, "2024-04-01", "CENTRAL", 5},
		{j, 2024, "2024-12-31", "PROVINCE", 5},
	} {
		evaluateBy(t, s, ev.p, ev.year, ev.on, ev.level, ev.stars)
	}
	rule := store.CentralProposal{Level: "CENTRAL", Windows: []store.StarWindow{
		{Valid: date.Range{From: date.MustParse("2010-01-01"), To: date.MustParse("2019-08-21")}}, // no stars: never proposes
		{Valid: date.Range{From: date.MustParse("2019-08-21"), To: date.MustParse("2023-02-24")}, Stars: []int{5}},
		{Valid: date.Range{From: date.MustParse("2023-02-24"), To: date.MustParse("2025-07-06")}, Stars: []int{4, 5}},
		{Valid: date.Range{From: date.MustParse("2025-07-06")}, Stars: []int{5}},
	}}
	units := []string{"101", "100", "100", "999"}
	for _, tc := range []struct {
		why   string
		units []string
		year  int
		asOf  string
		rule  store.CentralProposal
		want  int
	}{
		{"2022: a, proposed by the province then scored by the central council", units, 2022, "2022-12-31", rule, 1},
		{"2022 on the day of a's provincial sheet", units, 2022, "2022-06-01", rule, 1},
		{"2022 the day before", units, 2022, "2022-05-31", rule, 0},
		{"2024: b, d, j", units, 2024, "2024-12-31", rule, 3},
		{"2024 the day before j's sheet", units, 2024, "2024-12-30", rule, 2},
		{"2024 on the day of b's 4-star sheet", units, 2024, "2024-03-01", rule, 1},
		{"2024 the day before", units, 2024, "2024-02-29", rule, 0},
		{"the 2023 cycle: e, scored in January 2024", units, 2023, "2024-12-31", rule, 1},
		{"the 2023 cycle before e's sheet", units, 2023, "2023-12-31", rule, 0},
		{"2025: f on the last day of 4 stars, h; not g", units, 2025, "2025-12-31", rule, 2},
		{"one commune: b, j", []string{"100"}, 2024, "2024-12-31", rule, 2},
		{"outside: i, the central council's own sheet", []string{"200"}, 2024, "2024-12-31", rule, 1},
		{"only 5 stars propose: d, j", units, 2024, "2024-12-31", centralFives, 2},
		{"only 5 stars propose: h", units, 2025, "2025-12-31", centralFives, 1},
		{"no rule proposes nothing", units, 2024, "2024-12-31", store.CentralProposal{}, 0},
		{"the central council's own sheets only: d", units, 2024, "2024-12-31", store.CentralProposal{Level: "CENTRAL"}, 1},
	} {
		got, err := s.SummaryFacts(context.Background(), tc.units, tc.year, date.MustParse(tc.asOf), 90, tc.rule)
		if err != nil {
			t.Fatalf("%s: %v", tc.why, err)
		}
		if got.ProposedCentral != tc.want {
			t.Errorf("%s (%d as of %s): %d proposed, want %d", tc.why, tc.year, tc.asOf, got.ProposedCentral, tc.want)
		}
	}
}
