package server_test

import (
	"testing"

	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
)

// storyPlan is a plan of the story with its disbursements.
type storyPlan struct {
	plan          *fundingv1.Plan
	disbursements []storyDisbursement
}

type storyDisbursement struct {
	on     string
	amount int64 // VND
	tonnes string
}

func paid(on string, amount int64) storyDisbursement {
	return storyDisbursement{on: on, amount: amount}
}

// story is eight years of money in the test map (made-up decisions), the
// fixture summaries are counted against by hand. Amounts in millions of
// VND; "→ 150" says where the unit's money counts in views from 2025-07-01.
//
//	#   unit        year source            purpose      planned   allocated   disbursed
//	P1  100 → 150   2019 CENTRAL_BUDGET    TRANSPORT    1000      2019-01-15  400 2019-03-01, 200 2019-09-01
//	P2  103 → 102   2019 PROVINCIAL_BUDGET SCHOOLS       800      2019-02-01  300 2019-06-01, 100 2020-02-01
//	P3  102         2020 COMMUNE_BUDGET    IRRIGATION    500      2020-01-10  200 2020-05-01
//	P4  170 → 19    2021 DISTRICT_BUDGET   TRAINING      300      2021-01-20  300 2021-04-01
//	P5  101 → 150   2021 CENTRAL_BUDGET    TRANSPORT     600      2021-02-01  150 2021-08-01
//	P6  110         2024 PROVINCIAL_BUDGET HEALTH        400      2024-01-15  100 2024-07-01, 50 2025-01-10
//	P7  100 → 150   2024 CEMENT (120.5 t)  TRANSPORT     241      2024-03-01  50.25 t valued 100.5, 2024-05-01
//	P8  19          2024 PROVINCIAL_BUDGET MANAGEMENT    200      2024-01-10  50 2024-10-01
//	P9  120         2024 CENTRAL_BUDGET    TRANSPORT     700      2024-02-01  350 2024-06-01
//	P10 1000        2024 COMMUNITY         CULTURE       100      2024-04-01  40 2024-08-01
//	P11 101 → 150   2024 COMMUNE_BUDGET    ICT            50      2025-01-05  (allocated the year after)
//	P12 171 → 19    2025 DISTRICT_BUDGET   EDUCATION     250      2025-01-10  100 2025-03-01
//	P13 100 → 150   2025 CENTRAL_BUDGET    ELECTRICITY   200      2025-02-01  80 2025-05-01, 40 2025-09-01
//	P14 102         2025 CENTRAL_BUDGET    SCHOOLS       300      2025-08-01  150 2025-09-01
//	P15 150         2026 CENTRAL_BUDGET    TRANSPORT     900      2026-01-15  300 2026-03-01
//	P16 150         2026 PROVINCIAL_BUDGET IRRIGATION    100      2026-01-15
//
// Criteria sets by budget year: 2016-2021 NTM_COMMUNE_2016_2020 (2021
// included), 2022-2025 NTM_COMMUNE_2021_2025, 2026- NTM_COMMUNE_2026_2030
// (where TRANSPORT and IRRIGATION both serve criterion 2).
var storyPlans = []storyPlan{
	{money("100", 2019, "CENTRAL_BUDGET", "TRANSPORT", 1000*M, "2019-01-15"), []storyDisbursement{paid("2019-03-01", 400*M), paid("2019-09-01", 200*M)}},
	{money("103", 2019, "PROVINCIAL_BUDGET", "SCHOOLS", 800*M, "2019-02-01"), []storyDisbursement{paid("2019-06-01", 300*M), paid("2020-02-01", 100*M)}},
	{money("102", 2020, "COMMUNE_BUDGET", "IRRIGATION", 500*M, "2020-01-10"), []storyDisbursement{paid("2020-05-01", 200*M)}},
	{money(district, 2021, "DISTRICT_BUDGET", "TRAINING", 300*M, "2021-01-20"), []storyDisbursement{paid("2021-04-01", 300*M)}},
	{money("101", 2021, "CENTRAL_BUDGET", "TRANSPORT", 600*M, "2021-02-01"), []storyDisbursement{paid("2021-08-01", 150*M)}},
	{money("110", 2024, "PROVINCIAL_BUDGET", "HEALTH", 400*M, "2024-01-15"), []storyDisbursement{paid("2024-07-01", 100*M), paid("2025-01-10", 50*M)}},
	{cement("100", 2024, "120.5", 241*M, "2024-03-01"), []storyDisbursement{{on: "2024-05-01", amount: 100_500_000, tonnes: "50.25"}}},
	{money(province, 2024, "PROVINCIAL_BUDGET", "MANAGEMENT", 200*M, "2024-01-10"), []storyDisbursement{paid("2024-10-01", 50*M)}},
	{money("120", 2024, "CENTRAL_BUDGET", "TRANSPORT", 700*M, "2024-02-01"), []storyDisbursement{paid("2024-06-01", 350*M)}},
	{money("1000", 2024, "COMMUNITY", "CULTURE", 100*M, "2024-04-01"), []storyDisbursement{paid("2024-08-01", 40*M)}},
	{money("101", 2024, "COMMUNE_BUDGET", "ICT", 50*M, "2025-01-05"), nil},
	{money(district2, 2025, "DISTRICT_BUDGET", "EDUCATION", 250*M, "2025-01-10"), []storyDisbursement{paid("2025-03-01", 100*M)}},
	{money("100", 2025, "CENTRAL_BUDGET", "ELECTRICITY", 200*M, "2025-02-01"), []storyDisbursement{paid("2025-05-01", 80*M), paid("2025-09-01", 40*M)}},
	{money("102", 2025, "CENTRAL_BUDGET", "SCHOOLS", 300*M, "2025-08-01"), []storyDisbursement{paid("2025-09-01", 150*M)}},
	{money("150", 2026, "CENTRAL_BUDGET", "TRANSPORT", 900*M, "2026-01-15"), []storyDisbursement{paid("2026-03-01", 300*M)}},
	{money("150", 2026, "PROVINCIAL_BUDGET", "IRRIGATION", 100*M, "2026-01-15"), nil},
}

// story holds the ids the fixture was given: plan[n] is Pn, paid[n] its
// disbursements in table order.
type story struct {
	plan [17]int64
	paid [17][]int64
}

// tell records the story: the plans in one batch (one allocation decision),
// then each disbursement on its own, in table order.
func tell(t *testing.T, a *api) *story {
	t.Helper()
	in := make([]*fundingv1.Plan, len(storyPlans))
	for i, p := range storyPlans {
		in[i] = p.plan
	}
	s := &story{}
	for i, p := range a.plans(t, in...) {
		s.plan[i+1] = p.GetId()
	}
	for i, p := range storyPlans {
		for _, d := range p.disbursements {
			s.paid[i+1] = append(s.paid[i+1], a.disburse(t, s.plan[i+1], d.on, d.amount, d.tonnes).GetId())
		}
	}
	return s
}
