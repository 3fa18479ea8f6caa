package server_test

import (
	"context"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/grpctest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// pages lists every page of req, checking that each holds at most its size.
func pages(t *testing.T, c criteriav1.CriteriaServiceClient, req *criteriav1.ListAssessmentsRequest) [][]string {
	t.Helper()
	var out [][]string
	for {
		resp, err := c.ListAssessments(context.Background(), req)
		if err != nil {
			t.Fatalf("list %v: %v", req, err)
		}
		var names []string
		for _, a := range resp.GetAssessments() {
			names = append(names, a.GetName())
		}
		out = append(out, names)
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

func TestListAssessmentsPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a2019 := e.assess(t, verdicts("101", "2019-06-01", 12))
	a2021 := e.assess(t, verdicts("101", "2021-06-01", 19))
	a2020 := e.assess(t, verdicts("101", "2020-06-01", 15))
	e.assess(t, verdicts("100", "2020-06-01", 19)) // another unit: never listed under 101
	a2020b := e.assess(t, verdicts("101", "2020-06-01", 16))
	n := func(as ...*criteriav1.Assessment) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.GetName())
		}
		return out
	}
	for _, tc := range []struct {
		asOf string
		size int32
		want [][]string
	}{
		{"", 1, [][]string{n(a2021), n(a2020b), n(a2020), n(a2019)}},
		{"", 3, [][]string{n(a2021, a2020b, a2020), n(a2019)}},
		{"", 4, [][]string{n(a2021, a2020b, a2020, a2019)}},
		{"", 0, [][]string{n(a2021, a2020b, a2020, a2019)}},
		{"2020-12-31", 1, [][]string{n(a2020b), n(a2020), n(a2019)}},
		{"2020-06-01", 2, [][]string{n(a2020b, a2020), n(a2019)}},
		{"2019-05-31", 1, [][]string{nil}},
	} {
		got := pages(t, e.crit, &criteriav1.ListAssessmentsRequest{UnitCode: "101", AsOf: tc.asOf, PageSize: tc.size})
		if !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("as of %q, pages of %d: %v, want %v", tc.asOf, tc.size, got, tc.want)
		}
	}

	first, err := e.crit.ListAssessments(ctx, &criteriav1.ListAssessmentsRequest{UnitCode: "101", AsOf: "2020-12-31", PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	got := first.GetAssessments()[0]
	if !proto.Equal(got.GetScore(), a2020b.GetScore()) || len(got.GetVerdicts()) != 17 || got.GetAuthor() != author || got.GetCreateTime() == "" {
		t.Errorf("listed assessment differs from the recorded one: %v", got)
	}
	for _, req := range []*criteriav1.ListAssessmentsRequest{
		{UnitCode: "101", AsOf: "2021-12-31", PageToken: first.GetNextPageToken()}, // another date
		{UnitCode: "100", AsOf: "2020-12-31", PageToken: first.GetNextPageToken()}, // another unit
		{UnitCode: "101", PageToken: "not-a-token"},
	} {
		_, err := e.crit.ListAssessments(ctx, req)
		grpctest.WantViolations(t, err, "page_token")
	}
}
