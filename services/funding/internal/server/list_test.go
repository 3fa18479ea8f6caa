package server_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/grpctest"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
)

// planPages lists every page of req (later pages without as_of: they keep
// the first page's), checking that each holds at most its size.
func planPages(t *testing.T, a *api, req *fundingv1.ListPlansRequest) [][]int64 {
	t.Helper()
	var out [][]int64
	for {
		resp, err := a.ListPlans(context.Background(), req)
		if err != nil {
			t.Fatalf("list %v: %v", req, err)
		}
		var ids []int64
		for _, p := range resp.GetPlans() {
			ids = append(ids, p.GetId())
		}
		if req.GetPageSize() > 0 && len(ids) > int(req.GetPageSize()) {
			t.Fatalf("page of %d holds %d", req.GetPageSize(), len(ids))
		}
		out = append(out, ids)
		if resp.GetNextPageToken() == "" {
			return out
		}
		if len(out) > 20 {
			t.Fatal("more than 20 pages")
		}
		req = proto.CloneOf(req)
		req.AsOf, req.PageToken = "", resp.GetNextPageToken()
	}
}

func disbursementPages(t *testing.T, a *api, req *fundingv1.ListDisbursementsRequest) [][]int64 {
	t.Helper()
	var out [][]int64
	for {
		resp, err := a.ListDisbursements(context.Background(), req)
		if err != nil {
			t.Fatalf("list %v: %v", req, err)
		}
		var ids []int64
		for _, d := range resp.GetDisbursements() {
			ids = append(ids, d.GetId())
		}
		if req.GetPageSize() > 0 && len(ids) > int(req.GetPageSize()) {
			t.Fatalf("page of %d holds %d", req.GetPageSize(), len(ids))
		}
		out = append(out, ids)
		if resp.GetNextPageToken() == "" {
			return out
		}
		if len(out) > 20 {
			t.Fatal("more than 20 pages")
		}
		req = proto.CloneOf(req)
		req.AsOf, req.PageToken = "", resp.GetNextPageToken()
	}
}

// Plans are listed under a unit as of a date (the units of that day with
// those merged into them; plans allocated by then), by id, page by page,
// each once.
func TestListPlans(t *testing.T) {
	e := newEnv(t)
	a := e.api
	s := tell(t, a)
	ctx := context.Background()
	p := func(ns ...int) []int64 {
		out := make([]int64, len(ns))
		for i, n := range ns {
			out[i] = s.plan[n]
		}
		return out
	}
	for _, tc := range []struct {
		req  *fundingv1.ListPlansRequest
		want [][]int64
	}{
		// Every plan, 16 in pages of 5.
		{&fundingv1.ListPlansRequest{UnitCode: country, AsOf: "2026-10-31", PageSize: 5},
			[][]int64{p(1, 2, 3, 4, 5), p(6, 7, 8, 9, 10), p(11, 12, 13, 14, 15), p(16)}},
		// Exactly a page: no empty page after it.
		{&fundingv1.ListPlansRequest{UnitCode: country, AsOf: "2026-10-31", PageSize: 16}, [][]int64{p(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)}},
		// The province on 2024-12-31: not P9 (province 20), nor P11 (allocated in 2025) and later.
		{&fundingv1.ListPlansRequest{UnitCode: province, AsOf: "2024-12-31", PageSize: 4}, [][]int64{p(1, 2, 3, 4), p(5, 6, 7, 8), p(10)}},
		{&fundingv1.ListPlansRequest{UnitCode: province, AsOf: "2024-12-31", Year: 2024}, [][]int64{p(6, 7, 8, 10)}},
		{&fundingv1.ListPlansRequest{UnitCode: province, AsOf: "2024-12-31", Source: "CEMENT"}, [][]int64{p(7)}},
		{&fundingv1.ListPlansRequest{UnitCode: district, AsOf: "2024-12-31", Purpose: "TRANSPORT"}, [][]int64{p(1, 5, 7)}},
		// A commune and its village.
		{&fundingv1.ListPlansRequest{UnitCode: "100", AsOf: "2024-12-31"}, [][]int64{p(1, 7, 10)}},
		// 103 is 102's from 2020-01-01.
		{&fundingv1.ListPlansRequest{UnitCode: "102", AsOf: "2019-12-31"}, [][]int64{nil}},
		{&fundingv1.ListPlansRequest{UnitCode: "103", AsOf: "2019-12-31"}, [][]int64{p(2)}},
		{&fundingv1.ListPlansRequest{UnitCode: "102", AsOf: "2020-12-31"}, [][]int64{p(2, 3)}},
		// 150 holds 100's and 101's from 2025-07-01; the province the districts'.
		{&fundingv1.ListPlansRequest{UnitCode: "150", AsOf: "2025-12-31", PageSize: 2}, [][]int64{p(1, 5), p(7, 10), p(11, 13)}},
		{&fundingv1.ListPlansRequest{UnitCode: province, AsOf: "2025-12-31", Year: 2025}, [][]int64{p(12, 13, 14)}},
	} {
		if got := planPages(t, a, tc.req); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%v: pages %v, want %v", tc.req, got, tc.want)
		}
	}

	// What was disbursed by the date asked.
	for _, tc := range []struct {
		unit, asOf string
		want       string
	}{
		{"103", "2019-12-31", `P2 300000000 ""`},
		{"102", "2020-12-31", `P2 400000000 "", P3 200000000 ""`},
		{"100", "2024-04-30", `P1 600000000 "", P7 0 "0", P10 0 ""`},
		{"100", "2024-12-31", `P1 600000000 "", P7 100500000 "50.25", P10 40000000 ""`},
	} {
		resp, err := a.ListPlans(ctx, &fundingv1.ListPlansRequest{UnitCode: tc.unit, AsOf: tc.asOf})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, pl := range resp.GetPlans() {
			got = append(got, fmt.Sprintf("P%d %d %q", slices.Index(s.plan[:], pl.GetId()), pl.GetDisbursedVnd(), pl.GetDisbursedQuantity()))
		}
		if strings.Join(got, ", ") != tc.want {
			t.Errorf("plans of %s as of %s: %s, want %s", tc.unit, tc.asOf, strings.Join(got, ", "), tc.want)
		}
	}
	want := &fundingv1.Plan{Name: fmt.Sprintf("plans/%d", s.plan[7]), Id: s.plan[7], Year: 2024, UnitCode: "100", Source: "CEMENT", Purpose: "TRANSPORT",
		AmountVnd: 241 * M, Quantity: "120.5", QuantityUnit: "tấn", AllocatedOn: "2024-03-01", DisbursedVnd: 100_500_000, DisbursedQuantity: "50.25"}
	got := a.get(t, s.plan[7], "2024-12-31")
	if got.GetCreateTime() == "" {
		t.Error("plan without create_time")
	}
	got.CreateTime = ""
	if !proto.Equal(got, want) {
		t.Errorf("GetPlan = %v\nwant %v", got, want)
	}

	// A page token belongs to its query.
	first, err := a.ListPlans(ctx, &fundingv1.ListPlansRequest{UnitCode: country, AsOf: "2026-10-31", PageSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range []*fundingv1.ListPlansRequest{
		{UnitCode: country, AsOf: "2026-10-31", Year: 2024, PageSize: 5, PageToken: first.GetNextPageToken()},
		{UnitCode: province, AsOf: "2026-10-31", PageSize: 5, PageToken: first.GetNextPageToken()},
		{UnitCode: country, AsOf: "2025-10-31", PageSize: 5, PageToken: first.GetNextPageToken()},
		{UnitCode: country, AsOf: "2026-10-31", Source: "CEMENT", PageSize: 5, PageToken: first.GetNextPageToken()},
	} {
		_, err := a.ListPlans(ctx, req)
		grpctest.WantViolations(t, err, "page_token")
	}
}

// Disbursements are listed by plan, or under a unit, in a period, by id.
func TestListDisbursements(t *testing.T) {
	e := newEnv(t)
	a := e.api
	s := tell(t, a)
	ctx := context.Background()
	d := func(plan int, is ...int) []int64 {
		var out []int64
		for _, i := range is {
			out = append(out, s.paid[plan][i])
		}
		return out
	}
	cat := func(parts ...[]int64) []int64 { return slices.Concat(parts...) }
	for _, tc := range []struct {
		why  string
		req  *fundingv1.ListDisbursementsRequest
		want [][]int64
	}{
		{"a plan, in the year of as_of", &fundingv1.ListDisbursementsRequest{PlanId: s.plan[6], AsOf: "2024-12-31"}, [][]int64{d(6, 0)}},
		{"a plan, over two years", &fundingv1.ListDisbursementsRequest{PlanId: s.plan[6], AsOf: "2025-12-31", From: "2024-01-01"}, [][]int64{d(6, 0, 1)}},
		{"a plan, a unit given too (the plan wins)", &fundingv1.ListDisbursementsRequest{PlanId: s.plan[6], UnitCode: "120", AsOf: "2025-12-31", From: "2025-01-01"}, [][]int64{d(6, 1)}},
		// P1 (100), P2 (103), P3 (102) in 2019-2020.
		{"a district, two years, pages of 2", &fundingv1.ListDisbursementsRequest{UnitCode: district, AsOf: "2024-12-31", From: "2019-01-01", To: "2020-12-31", PageSize: 2},
			[][]int64{d(1, 0, 1), d(2, 0, 1), d(3, 0)}},
		{"a district, 2021", &fundingv1.ListDisbursementsRequest{UnitCode: district, AsOf: "2024-12-31", From: "2021-01-01", To: "2021-12-31"}, [][]int64{cat(d(4, 0), d(5, 0))}},
		// to after as_of: the day did not know later disbursements.
		{"a commune, to after as_of", &fundingv1.ListDisbursementsRequest{UnitCode: "110", AsOf: "2024-06-30", From: "2024-01-01", To: "2024-12-31"}, [][]int64{nil}},
		{"the new commune holds 100's disbursements", &fundingv1.ListDisbursementsRequest{UnitCode: "150", AsOf: "2025-12-31", From: "2025-01-01"}, [][]int64{d(13, 0, 1)}},
		{"the province holds the districts'", &fundingv1.ListDisbursementsRequest{UnitCode: province, AsOf: "2025-12-31", From: "2025-01-01", To: "2025-06-30"},
			[][]int64{cat(d(6, 1), d(12, 0), d(13, 0))}},
	} {
		if got := disbursementPages(t, a, tc.req); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: pages %v, want %v", tc.why, got, tc.want)
		}
	}

	// Each with its plan's unit.
	resp, err := a.ListDisbursements(ctx, &fundingv1.ListDisbursementsRequest{UnitCode: district, AsOf: "2020-12-31", From: "2019-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range resp.GetDisbursements() {
		got = append(got, fmt.Sprintf("%s %s %d %q", x.GetUnitCode(), x.GetDisbursedOn(), x.GetAmountVnd(), x.GetQuantity()))
	}
	diff(t, "disbursements of 170 in 2019-2020", got, text(`
		100 2019-03-01 400000000 ""
		100 2019-09-01 200000000 ""
		103 2019-06-01 300000000 ""
		103 2020-02-01 100000000 ""
		102 2020-05-01 200000000 ""`))
	cementPaid, err := a.ListDisbursements(ctx, &fundingv1.ListDisbursementsRequest{PlanId: s.plan[7], AsOf: "2024-12-31"})
	if err != nil || len(cementPaid.GetDisbursements()) != 1 || cementPaid.GetDisbursements()[0].GetQuantity() != "50.25" {
		t.Errorf("cement disbursements %v, %v", cementPaid, err)
	}

	// A page token belongs to its query.
	first, err := a.ListDisbursements(ctx, &fundingv1.ListDisbursementsRequest{UnitCode: district, AsOf: "2024-12-31", From: "2019-01-01", PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range []*fundingv1.ListDisbursementsRequest{
		{UnitCode: district, AsOf: "2024-12-31", From: "2020-01-01", PageSize: 2, PageToken: first.GetNextPageToken()},
		{UnitCode: district, AsOf: "2024-12-31", From: "2019-01-01", To: "2023-12-31", PageSize: 2, PageToken: first.GetNextPageToken()},
		{UnitCode: province, AsOf: "2024-12-31", From: "2019-01-01", PageSize: 2, PageToken: first.GetNextPageToken()},
		{PlanId: s.plan[1], AsOf: "2024-12-31", From: "2019-01-01", PageSize: 2, PageToken: first.GetNextPageToken()},
	} {
		_, err := a.ListDisbursements(ctx, req)
		grpctest.WantViolations(t, err, "page_token")
	}
	// Nor is it a token of the other list, even for the same unit and date.
	_, err = a.ListPlans(ctx, &fundingv1.ListPlansRequest{UnitCode: district, AsOf: "2024-12-31", PageSize: 2, PageToken: first.GetNextPageToken()})
	grpctest.WantViolations(t, err, "page_token")
}

// The catalog is served as loaded: sources in file order, purposes with
// their criteria, the criteria set of each budget year.
func TestCatalog(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	src, err := e.api.ListFundingSources(ctx, &fundingv1.ListFundingSourcesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range src.GetSources() {
		got = append(got, fmt.Sprintf("%s %s %q %d-%d", s.GetCode(), s.GetKind(), s.GetQuantityUnit(), s.GetFromYear(), s.GetToYear()))
	}
	diff(t, "sources", got, text(`
		CENTRAL_BUDGET MONEY "" 0-0
		PROVINCIAL_BUDGET MONEY "" 0-0
		DISTRICT_BUDGET MONEY "" 0-2025
		COMMUNE_BUDGET MONEY "" 0-0
		INTEGRATED MONEY "" 0-0
		CREDIT MONEY "" 0-0
		ENTERPRISE MONEY "" 0-0
		COMMUNITY MONEY "" 0-0
		OTHER MONEY "" 0-0
		CEMENT IN_KIND "tấn" 0-0`))
	ps, err := e.api.ListPurposes(ctx, &fundingv1.ListPurposesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, cs := range ps.GetCriteriaSets() {
		got = append(got, fmt.Sprintf("%s %d-%d", cs.GetCode(), cs.GetFromYear(), cs.GetToYear()))
	}
	for _, p := range ps.GetPurposes() {
		if p.GetCode() != "IRRIGATION" && p.GetCode() != "OCOP" {
			continue
		}
		got = append(got, p.GetCode()+" "+p.GetDisplayName())
		for _, l := range p.GetCriteria() {
			got = append(got, fmt.Sprintf("serves %s %s %s %v", l.GetCriteriaSet(), l.GetCriterionCode(), l.GetCriterionName(), l.GetConfirmed()))
		}
	}
	diff(t, "purposes", got, text(`
		NTM_COMMUNE_2016_2020 2016-2021
		NTM_COMMUNE_2021_2025 2022-2025
		NTM_COMMUNE_2026_2030 2026-2030
		IRRIGATION Thủy lợi
		serves NTM_COMMUNE_2016_2020 3 Thủy lợi true
		serves NTM_COMMUNE_2021_2025 3 Thủy lợi và phòng, chống thiên tai true
		serves NTM_COMMUNE_2026_2030 2 Hạ tầng kinh tế - xã hội false
		OCOP Chương trình Mỗi xã một sản phẩm (OCOP)`))
	if n := len(ps.GetPurposes()); n != 19 {
		t.Errorf("%d purposes, want the catalog's 19", n)
	}
}
