package server_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/grpctest"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

// producerPages lists every page of req, checking that each holds at most its size.
func producerPages(t *testing.T, a *api, req *ocopv1.ListProducersRequest) [][]int64 {
	t.Helper()
	var out [][]int64
	for {
		resp, err := a.ListProducers(context.Background(), req)
		if err != nil {
			t.Fatalf("list %v: %v", req, err)
		}
		var ids []int64
		for _, p := range resp.GetProducers() {
			ids = append(ids, p.GetId())
		}
		if req.GetPageSize() > 0 && len(ids) > int(req.GetPageSize()) {
			t.Fatalf("page of %d holds %d", req.GetPageSize(), len(ids))
		}
		out = append(out, ids)
		if resp.GetNextPageToken() == "" {
			return out
		}
		if len(out) > 10 {
			t.Fatal("more than 10 pages")
		}
		req = proto.CloneOf(req)
		req.AsOf, req.PageToken = "", resp.GetNextPageToken() // later pages keep the first page's date
	}
}

func productPages(t *testing.T, a *api, req *ocopv1.ListProductsRequest) [][]int64 {
	t.Helper()
	var out [][]int64
	for {
		resp, err := a.ListProducts(context.Background(), req)
		if err != nil {
			t.Fatalf("list %v: %v", req, err)
		}
		var ids []int64
		for _, p := range resp.GetProducts() {
			ids = append(ids, p.GetId())
		}
		if req.GetPageSize() > 0 && len(ids) > int(req.GetPageSize()) {
			t.Fatalf("page of %d holds %d", req.GetPageSize(), len(ids))
		}
		out = append(out, ids)
		if resp.GetNextPageToken() == "" {
			return out
		}
		if len(out) > 10 {
			t.Fatal("more than 10 pages")
		}
		req = proto.CloneOf(req)
		req.AsOf, req.PageToken = "", resp.GetNextPageToken()
	}
}

func ids(ns ...int64) []int64 { return ns }

// Producers and products are listed under a unit as of a date (the units of
// that day, with the communes merged into them; those registered by then),
// by ID, page by page.
func TestListsPageAsOfADate(t *testing.T) {
	e := newEnv(t)
	a := e.api
	s := tell(t, a)
	for _, tc := range []struct {
		unit, asOf string
		size       int32
		want       [][]int64
	}{
		{province, "2024-12-31", 2, [][]int64{ids(s.p1, s.p2), ids(s.p3, s.p4), ids(s.p6)}},
		{province, "2024-12-31", 0, [][]int64{ids(s.p1, s.p2, s.p3, s.p4, s.p6)}},
		{province, "2024-08-31", 2, [][]int64{ids(s.p1, s.p2), ids(s.p3, s.p4)}},
		{province, "2020-12-31", 1, [][]int64{ids(s.p1), ids(s.p2), ids(s.p4)}},
		{province, "2019-03-01", 1, [][]int64{ids(s.p1)}},
		{province, "2019-02-28", 1, [][]int64{nil}},
		{country, "2024-12-31", 4, [][]int64{ids(s.p1, s.p2, s.p3, s.p4), ids(s.p5, s.p6)}},
		{province2, "2024-12-31", 0, [][]int64{ids(s.p5)}},
		{district, "2019-12-31", 0, [][]int64{ids(s.p1, s.p2)}},
		{district2, "2024-12-31", 0, [][]int64{ids(s.p4)}},
		{"103", "2019-12-31", 0, [][]int64{ids(s.p2)}},
		{"102", "2019-12-31", 0, [][]int64{nil}},
		{"102", mergedAt, 0, [][]int64{ids(s.p2)}},
		{"200", "2024-12-31", 0, [][]int64{ids(s.p3)}},
	} {
		got := producerPages(t, a, &ocopv1.ListProducersRequest{UnitCode: tc.unit, AsOf: tc.asOf, PageSize: tc.size})
		if !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("producers under %s as of %s, pages of %d: %v, want %v", tc.unit, tc.asOf, tc.size, got, tc.want)
		}
	}
	for _, tc := range []struct {
		unit, group, asOf string
		size              int32
		want              [][]int64
	}{
		{province, "FOOD", "2024-12-31", 2, [][]int64{ids(s.noodles, s.honey), ids(s.sauce)}},
		{province, "", "2024-12-31", 3, [][]int64{ids(s.tea, s.noodles, s.honey), ids(s.sauce, s.herb, s.broom)}},
		{province, "", "2024-08-31", 3, [][]int64{ids(s.tea, s.noodles, s.honey), ids(s.sauce, s.herb)}},
		{country, "FOOD", "2024-12-31", 0, [][]int64{ids(s.noodles, s.honey, s.sauce, s.custard)}},
		{country, "FOOD", "2024-12-31", 1, [][]int64{ids(s.noodles), ids(s.honey), ids(s.sauce), ids(s.custard)}},
		{district, "", "2021-01-31", 0, [][]int64{ids(s.tea, s.noodles, s.honey)}},
		{"102", "", "2024-12-31", 0, [][]int64{ids(s.honey)}},
		{province, "HANDICRAFT", "2024-08-31", 0, [][]int64{nil}},
		{province, "HANDICRAFT", "2024-09-01", 0, [][]int64{ids(s.broom)}},
	} {
		got := productPages(t, a, &ocopv1.ListProductsRequest{UnitCode: tc.unit, ProductGroup: tc.group, AsOf: tc.asOf, PageSize: tc.size})
		if !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("%q products under %s as of %s, pages of %d: %v, want %v", tc.group, tc.unit, tc.asOf, tc.size, got, tc.want)
		}
	}
	// Expiring: noodles' 3★ ends 2027-06-01, tea's 4★ 2027-06-15; the
	// filter keeps its window and group across pages.
	for _, tc := range []struct {
		group, asOf string
		days, size  int32
		want        [][]int64
	}{
		{"", "2027-05-31", 90, 0, [][]int64{ids(s.tea, s.noodles)}},
		{"", "2027-05-31", 90, 1, [][]int64{ids(s.tea), ids(s.noodles)}},
		{"FOOD", "2027-05-31", 90, 0, [][]int64{ids(s.noodles)}},
		{"BEVERAGE", "2027-05-31", 90, 0, [][]int64{ids(s.tea)}},
		{"", "2027-03-01", 91, 0, [][]int64{nil}},
		{"", "2027-03-01", 92, 0, [][]int64{ids(s.noodles)}},
		{"", "2027-06-01", 3650, 0, [][]int64{ids(s.tea)}}, // noodles' ended that day
	} {
		got := productPages(t, a, &ocopv1.ListProductsRequest{UnitCode: province, ProductGroup: tc.group, AsOf: tc.asOf, ExpiringWithinDays: tc.days, PageSize: tc.size})
		if !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("%q products expiring within %d days of %s, pages of %d: %v, want %v", tc.group, tc.days, tc.asOf, tc.size, got, tc.want)
		}
	}

	ctx := context.Background()
	resp, err := a.ListProducts(ctx, &ocopv1.ListProductsRequest{UnitCode: "102", AsOf: "2024-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	want := &ocopv1.Product{Name: fmt.Sprintf("products/%d", s.honey), Id: s.honey, DisplayName: "Mật ong Dân Tiến", ProducerId: s.p2, ProductGroup: "FOOD", UnitCode: "103",
		CertifiedStars: 3, CertifiedUntil: "2027-01-15"} // honey's 3★ of 2024-01-15
	// The list gives the product without its history, with the stars it holds on the date and their end.
	if got := resp.GetProducts()[0]; !proto.Equal(got, want) {
		t.Errorf("listed %v, want %v", got, want)
	}
	producers, err := a.ListProducers(ctx, &ocopv1.ListProducersRequest{UnitCode: "102", AsOf: "2024-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	wantProducer := &ocopv1.Producer{Name: fmt.Sprintf("producers/%d", s.p2), Id: s.p2, DisplayName: "Hộ kinh doanh Dân Tiến",
		Kind: ocopv1.ProducerKind_HOUSEHOLD_BUSINESS, UnitCode: "103", RegisteredOn: "2019-05-01"}
	if got := producers.GetProducers(); len(got) != 1 || !proto.Equal(got[0], wantProducer) {
		t.Errorf("listed %v, want %v", got, wantProducer)
	}
	if got, err := a.GetProducer(ctx, &ocopv1.GetProducerRequest{Id: s.p2}); err != nil || !proto.Equal(got, wantProducer) {
		t.Errorf("GetProducer = %v, %v; want %v", got, err, wantProducer)
	}
	_, err = a.GetProducer(ctx, &ocopv1.GetProducerRequest{Id: 999})
	grpctest.WantCode(t, err, codes.NotFound)
	_, err = a.GetProduct(ctx, &ocopv1.GetProductRequest{Id: 999})
	grpctest.WantCode(t, err, codes.NotFound)
	_, err = a.GetProduct(ctx, &ocopv1.GetProductRequest{Id: s.honey, AsOf: "2024-13-01"})
	grpctest.WantViolations(t, err, "as_of")

	// A page token belongs to its query.
	first, err := a.ListProducers(ctx, &ocopv1.ListProducersRequest{UnitCode: province, AsOf: "2024-12-31", PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	firstProducts, err := a.ListProducts(ctx, &ocopv1.ListProductsRequest{UnitCode: province, ProductGroup: "FOOD", AsOf: "2024-12-31", PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range []*ocopv1.ListProducersRequest{
		{UnitCode: province, AsOf: "2024-08-31", PageToken: first.GetNextPageToken()}, // another date
		{UnitCode: district, AsOf: "2024-12-31", PageToken: first.GetNextPageToken()}, // another unit
		{UnitCode: province, AsOf: "2024-12-31", PageToken: firstProducts.GetNextPageToken()},
		{UnitCode: province, PageToken: "not-a-token"},
	} {
		_, err := a.ListProducers(ctx, req)
		grpctest.WantViolations(t, err, "page_token")
	}
	for _, req := range []*ocopv1.ListProductsRequest{
		{UnitCode: province, AsOf: "2024-12-31", PageToken: firstProducts.GetNextPageToken()}, // another group
		{UnitCode: province, ProductGroup: "FOOD", AsOf: "2024-12-31", PageToken: first.GetNextPageToken()},
		{UnitCode: province, ProductGroup: "FOOD", AsOf: "2024-12-31", PageToken: "MTI"}, // a bare ID ("12")
		{UnitCode: province, ProductGroup: "FOOD", AsOf: "2024-12-31", ExpiringWithinDays: 90, PageToken: firstProducts.GetNextPageToken()},
	} {
		_, err := a.ListProducts(ctx, req)
		grpctest.WantViolations(t, err, "page_token")
	}
	for _, tc := range []struct {
		unit, asOf string
		code       codes.Code
	}{
		{"103", mergedAt, codes.NotFound},
		{"999", "2024-12-31", codes.NotFound},
	} {
		_, err := a.ListProducers(ctx, &ocopv1.ListProducersRequest{UnitCode: tc.unit, AsOf: tc.asOf})
		grpctest.WantCode(t, err, tc.code)
		_, err = a.ListProducts(ctx, &ocopv1.ListProductsRequest{UnitCode: tc.unit, AsOf: tc.asOf})
		grpctest.WantCode(t, err, tc.code)
	}
	_, err = a.ListProducers(ctx, &ocopv1.ListProducersRequest{UnitCode: province, AsOf: "2024-02-30"})
	grpctest.WantViolations(t, err, "as_of")
	_, err = a.ListProducers(ctx, &ocopv1.ListProducersRequest{UnitCode: "1000"}) // a village
	grpctest.WantViolations(t, err, "unit_code")
	_, err = a.ListProducts(ctx, &ocopv1.ListProductsRequest{UnitCode: "1000"})
	grpctest.WantViolations(t, err, "unit_code")
}
