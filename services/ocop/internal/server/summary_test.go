package server_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/grpctest"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

// summaryCase is one summary request and its figures counted by hand from
// the story.
type summaryCase struct {
	why        string
	unit, asOf string
	year, days int32
	want       figures
}

// The story's figures, counted by hand (see story). Units on 2024-12-31:
// province 19 holds communes 100, 101, 102 (with 103 merged in), 104, 110
// and ward 200; district 170 all but 110; the country adds province 20 (120).
var summaryCases = []summaryCase{
	{"the province at the end of 2024", province, "2024-12-31", 0, 0, figures{
		producers: 5, products: 6, registered: 5, eligible: 3, notEligible: 1,
		evaluated: "2★1 3★1 4★1", newly: "3★2 4★1", certified: "3★2 4★1", total: 3,
		groups: "BEVERAGE 1/1/1, FOOD 3/2/2, HANDICRAFT 1/1/0, HERBAL 1/1/0"}},
	{"a district: all but Hóa Thượng (110)", district, "2024-12-31", 0, 0, figures{
		producers: 4, products: 5, registered: 4, eligible: 2, notEligible: 1,
		evaluated: "3★1 4★1", newly: "3★2 4★1", certified: "3★2 4★1", total: 3,
		groups: "BEVERAGE 1/1/1, FOOD 3/2/2, HANDICRAFT 1/1/0"}},
	{"a commune with the commune merged into it", "102", "2024-12-31", 0, 0, figures{
		producers: 1, products: 1, newly: "3★1", certified: "3★1", total: 1, groups: "FOOD 1/0/1"}},
	{"the country: province 20 adds a producer, a registration, a revoked certificate", country, "2024-12-31", 0, 0, figures{
		producers: 6, products: 7, registered: 6, eligible: 4, notEligible: 1,
		evaluated: "2★1 3★1 4★1", newly: "3★2 4★1", certified: "3★2 4★1", total: 3,
		groups: "BEVERAGE 1/1/1, FOOD 4/3/2, HANDICRAFT 1/1/0, HERBAL 1/1/0"}},
	{"the country the day before the revocation", country, "2024-09-30", 0, 0, figures{
		producers: 6, products: 7, registered: 6, eligible: 4, notEligible: 1,
		evaluated: "2★1 3★1 4★1", newly: "3★2 4★1", certified: "3★3 4★1", total: 4,
		groups: "BEVERAGE 1/1/1, FOOD 4/3/3, HANDICRAFT 1/1/0, HERBAL 1/1/0"}},
	{"a certificate revoked from a later day still reads as expiring that day", province2, "2024-09-30", 0, 245, figures{
		producers: 1, products: 1, registered: 1, eligible: 1, certified: "3★1", total: 1, expiring: 1, groups: "FOOD 1/1/1"}},
	{"mid-2024: Lâu Thượng's producer not yet registered, herb's first sheet the latest", province, "2024-06-30", 0, 0, figures{
		producers: 4, products: 5, registered: 4, eligible: 3, notEligible: 1,
		evaluated: "3★2 4★1", newly: "3★2 4★1", certified: "3★2 4★1", total: 3,
		groups: "BEVERAGE 1/1/1, FOOD 3/2/2, HERBAL 1/1/0"}},
	{"April 2024: reviews after the date still pending; tea's 2020 certificate expired", province, "2024-04-01", 0, 0, figures{
		producers: 4, products: 5, registered: 4, eligible: 1,
		newly: "3★1", certified: "3★1", total: 1,
		groups: "BEVERAGE 1/1/0, FOOD 3/2/1, HERBAL 1/1/0"}},
	{"2021", province, "2021-12-31", 0, 0, figures{
		producers: 4, products: 5, registered: 1, eligible: 1,
		evaluated: "4★1", newly: "4★1", certified: "4★2", total: 2,
		groups: "BEVERAGE 1/0/1, FOOD 3/1/1, HERBAL 1/0/0"}},
	{"the 2020 cycle as of the end of 2024", province, "2024-12-31", 2020, 0, figures{
		producers: 5, products: 6, registered: 1, eligible: 1,
		evaluated: "4★1", newly: "4★1", certified: "3★2 4★1", total: 3,
		groups: "BEVERAGE 1/1/1, FOOD 3/0/2, HANDICRAFT 1/0/0, HERBAL 1/0/0"}},

	// A producer registered later is not counted earlier.
	{"Lâu Thượng before its producer", "101", "2024-08-31", 0, 0, figures{}},
	{"Lâu Thượng the day its producer registered", "101", "2024-09-01", 0, 0, figures{producers: 1, products: 1, groups: "HANDICRAFT 1/0/0"}},
	{"Lâu Thượng the day its product registered", "101", "2024-09-15", 0, 0, figures{producers: 1, products: 1, registered: 1, groups: "HANDICRAFT 1/1/0"}},
	// Dân Tiến's producer counts where its commune went.
	{"Dân Tiến before the merger", "103", "2019-12-31", 0, 0, figures{producers: 1, products: 1, groups: "FOOD 1/0/0"}},
	{"Phú Thượng before the merger", "102", "2019-12-31", 0, 0, figures{}},
	{"Phú Thượng from the merger", "102", "2020-01-01", 0, 0, figures{producers: 1, products: 1, groups: "FOOD 1/0/0"}},

	// Supersession and expiry. Honey's 4★ (until 2024-05-01) is superseded on 2024-01-15.
	// Read as of the day before the renewal, it is expiring: what a day
	// reads never changes when a later day's decision is recorded.
	{"honey's 4★ within 120 days of its end, renewed the next day", province, "2024-01-14", 0, 120, figures{
		producers: 4, products: 5, certified: "4★1", total: 1, expiring: 1,
		groups: "BEVERAGE 1/0/0, FOOD 3/0/1, HERBAL 1/0/0"}},
	{"honey's 3★ replaces it and does not expire soon", province, "2024-01-15", 0, 120, figures{
		producers: 4, products: 5, newly: "3★1", certified: "3★1", total: 1,
		groups: "BEVERAGE 1/0/0, FOOD 3/0/1, HERBAL 1/0/0"}},
	{"the day before honey's 3★ expires", province, "2027-01-14", 0, 0, figures{
		producers: 5, products: 6, certified: "3★2 4★1", total: 3, expiring: 1,
		groups: "BEVERAGE 1/0/1, FOOD 3/0/2, HANDICRAFT 1/0/0, HERBAL 1/0/0"}},
	{"the day it expires", province, "2027-01-15", 0, 0, figures{
		producers: 5, products: 6, certified: "3★1 4★1", total: 2,
		groups: "BEVERAGE 1/0/1, FOOD 3/0/1, HANDICRAFT 1/0/0, HERBAL 1/0/0"}},
	{"the day before noodles' 3★ expires (tea's 4★ within 90 days too)", province, "2027-05-31", 0, 0, figures{
		producers: 5, products: 6, certified: "3★1 4★1", total: 2, expiring: 2,
		groups: "BEVERAGE 1/0/1, FOOD 3/0/1, HANDICRAFT 1/0/0, HERBAL 1/0/0"}},
	{"the day it expires", province, "2027-06-01", 0, 0, figures{
		producers: 5, products: 6, certified: "4★1", total: 1, expiring: 1,
		groups: "BEVERAGE 1/0/1, FOOD 3/0/0, HANDICRAFT 1/0/0, HERBAL 1/0/0"}},
	{"the day tea's 4★ expires", province, "2027-06-15", 0, 0, figures{
		producers: 5, products: 6,
		groups: "BEVERAGE 1/0/0, FOOD 3/0/0, HANDICRAFT 1/0/0, HERBAL 1/0/0"}},
	// Noodles until 2027-06-01, tea until 2027-06-15: expiring within n days of 2027-03-01.
	{"within 91 days", province, "2027-03-01", 0, 91, figures{
		producers: 5, products: 6, certified: "3★1 4★1", total: 2,
		groups: "BEVERAGE 1/0/1, FOOD 3/0/1, HANDICRAFT 1/0/0, HERBAL 1/0/0"}},
	{"within 92 days", province, "2027-03-01", 0, 92, figures{
		producers: 5, products: 6, certified: "3★1 4★1", total: 2, expiring: 1,
		groups: "BEVERAGE 1/0/1, FOOD 3/0/1, HANDICRAFT 1/0/0, HERBAL 1/0/0"}},
	{"within 106 days", province, "2027-03-01", 0, 106, figures{
		producers: 5, products: 6, certified: "3★1 4★1", total: 2, expiring: 2,
		groups: "BEVERAGE 1/0/1, FOOD 3/0/1, HANDICRAFT 1/0/0, HERBAL 1/0/0"}},
	{"within the default 90 days", province, "2027-03-01", 0, 0, figures{
		producers: 5, products: 6, certified: "3★1 4★1", total: 2,
		groups: "BEVERAGE 1/0/1, FOOD 3/0/1, HANDICRAFT 1/0/0, HERBAL 1/0/0"}},
}

// The summaries of the story equal the hand counts, for a commune, a
// district, a province and the country, on SQLite and PostgreSQL.
func TestSummaryMatchesHandCount(t *testing.T) {
	onBothBackends(t, func(t *testing.T, e *env) {
		tell(t, e.api)
		for _, tc := range summaryCases {
			if got := e.api.figuresAt(t, tc.unit, tc.asOf, tc.year, tc.days); got != tc.want {
				t.Errorf("%s (%s as of %s, year %d, %d days):\n got %+v\nwant %+v", tc.why, tc.unit, tc.asOf, tc.year, tc.days, got, tc.want)
			}
			if n := e.api.expiringListed(t, tc.unit, tc.asOf, tc.days); n != int(tc.want.expiring) {
				t.Errorf("%s: %d products listed as expiring, the summary counts %d", tc.why, n, tc.want.expiring)
			}
		}
	})
}

func TestSummaryNamesGroupsAndRefusesBadRequests(t *testing.T) {
	e := newEnv(t)
	tell(t, e.api)
	ctx := context.Background()
	s := e.api.summary(t, &ocopv1.GetOcopSummaryRequest{UnitCode: province, AsOf: "2024-12-31"})
	names := map[string]string{}
	for _, g := range s.GetByGroup() {
		names[g.GetProductGroup()] = g.GetDisplayName()
	}
	if names["FOOD"] != "Thực phẩm" || names["BEVERAGE"] != "Đồ uống" || names["HANDICRAFT"] != "Hàng thủ công mỹ nghệ" {
		t.Errorf("group names %v", names)
	}

	for _, tc := range []struct {
		req  *ocopv1.GetOcopSummaryRequest
		code codes.Code
	}{
		{&ocopv1.GetOcopSummaryRequest{UnitCode: "103", AsOf: mergedAt}, codes.NotFound},     // merged away
		{&ocopv1.GetOcopSummaryRequest{UnitCode: "104", AsOf: "2021-05-31"}, codes.NotFound}, // not yet created
		{&ocopv1.GetOcopSummaryRequest{UnitCode: "999", AsOf: "2024-12-31"}, codes.NotFound},
	} {
		_, err := e.api.GetOcopSummary(ctx, tc.req)
		grpctest.WantCode(t, err, tc.code)
	}
	for _, tc := range []struct {
		req   *ocopv1.GetOcopSummaryRequest
		field string
	}{
		{&ocopv1.GetOcopSummaryRequest{UnitCode: "1000", AsOf: "2024-12-31"}, "unit_code"}, // a village: no producer is there
		{&ocopv1.GetOcopSummaryRequest{UnitCode: province, AsOf: "2024-02-30"}, "as_of"},
		{&ocopv1.GetOcopSummaryRequest{UnitCode: "", AsOf: "2024-12-31"}, "unit_code"},
		{&ocopv1.GetOcopSummaryRequest{UnitCode: province, ExpiringWithinDays: -1}, "expiring_within_days"},
		{&ocopv1.GetOcopSummaryRequest{UnitCode: province, Year: 2101}, "year"},
	} {
		_, err := e.api.GetOcopSummary(ctx, tc.req)
		grpctest.WantViolations(t, err, tc.field)
	}
}

// expiringListed is the number of products ListProducts answers as expiring
// within days (the summary's default when 0) of asOf under unit, a page of
// one at a time so that the filter holds across pages; each has a
// certificate in force that ends within the window.
func (a *api) expiringListed(t *testing.T, unit, asOf string, days int32) int {
	t.Helper()
	if days == 0 {
		days = 90
	}
	limit := date.MustParse(asOf).AddDays(int(days))
	n := 0
	token := ""
	for {
		resp, err := a.ListProducts(context.Background(), &ocopv1.ListProductsRequest{UnitCode: unit, AsOf: asOf, ExpiringWithinDays: days, PageSize: 1, PageToken: token})
		if err != nil {
			t.Fatalf("ListProducts expiring within %d days of %s: %v", days, asOf, err)
		}
		for _, p := range resp.GetProducts() {
			until, err := date.Parse(p.GetCertifiedUntil())
			if err != nil || p.GetCertifiedStars() < 3 || until.After(limit) {
				t.Errorf("listed as expiring within %d days of %s: %v", days, asOf, p)
			}
			n++
		}
		if token = resp.GetNextPageToken(); token == "" {
			return n
		}
	}
}
