package audit_test

import (
	"context"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/fault"
)

// noPaths is a PathFunc for a guard that must never need one: reading the
// audit concerns no unit. It counts its calls.
type noPaths struct{ calls int }

func (p *noPaths) lookup(context.Context, string, date.Date) (auth.Path, error) {
	p.calls++
	return nil, auth.ErrUnknownUnit
}

var admin = auth.Identity{Subject: "root", Role: auth.Admin}

// newServer serves d's trail as service "funding" behind a guard that is on.
func newServer(t *testing.T, d *db.DB) *audit.Server {
	t.Helper()
	paths := &noPaths{}
	t.Cleanup(func() {
		if paths.calls != 0 {
			t.Errorf("the guard looked up %d paths to read the audit, want 0", paths.calls)
		}
	})
	return audit.NewServer("funding", d, auth.NewGuard(true, paths.lookup))
}

// listPages follows next_page_token from req until the last page, returning
// the ids of every page.
func listPages(t *testing.T, s *audit.Server, ctx context.Context, req *auditv1.ListAuditEventsRequest) [][]int64 {
	t.Helper()
	req = proto.Clone(req).(*auditv1.ListAuditEventsRequest)
	var pages [][]int64
	for range 100 {
		resp, err := s.ListAuditEvents(ctx, req)
		if err != nil {
			t.Fatalf("page %d: %v", len(pages)+1, err)
		}
		var page []int64
		for _, e := range resp.GetAuditEvents() {
			page = append(page, e.GetId())
		}
		pages = append(pages, page)
		if resp.GetNextPageToken() == "" {
			return pages
		}
		req.PageToken = resp.GetNextPageToken()
	}
	t.Fatal("more than 100 pages")
	return nil
}

// wantInvalid fails t unless err is InvalidArgument naming exactly field.
func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.KindInvalid || len(f.Violations) != 1 || f.Violations[0].Field != field {
		t.Errorf("error %v, want InvalidArgument naming %s", err, field)
	}
}

func TestServerPagesChainUntilExhausted(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		id := seedTrail(t, d)
		s := newServer(t, d)
		ctx := auth.NewContext(t.Context(), admin)
		for _, tc := range []struct {
			name string
			req  *auditv1.ListAuditEventsRequest
			want [][]int64
		}{
			{"pages of 3", &auditv1.ListAuditEventsRequest{PageSize: 3},
				[][]int64{{id[0], id[1], id[2]}, {id[3], id[4], id[5]}, {id[6]}}},
			{"pages of 1", &auditv1.ListAuditEventsRequest{PageSize: 1},
				[][]int64{{id[0]}, {id[1]}, {id[2]}, {id[3]}, {id[4]}, {id[5]}, {id[6]}}},
			{"one page", &auditv1.ListAuditEventsRequest{PageSize: 7}, [][]int64{id}},
			{"default size", &auditv1.ListAuditEventsRequest{}, [][]int64{id}},
			// A page that ends exactly at the last row says so: no token.
			{"filtered to a full page", &auditv1.ListAuditEventsRequest{Resource: "plans/1", PageSize: 3},
				[][]int64{{id[0], id[1], id[4]}}},
			{"filtered, pages of 2", &auditv1.ListAuditEventsRequest{Actor: "alice", PageSize: 2},
				[][]int64{{id[0], id[2]}, {id[4], id[6]}}},
			{"days, pages of 3", &auditv1.ListAuditEventsRequest{From: "2026-06-30", To: "2026-07-01", PageSize: 3},
				[][]int64{{id[1], id[2], id[3]}, {id[4]}}},
			{"one day", &auditv1.ListAuditEventsRequest{From: "2026-07-02", To: "2026-07-02"}, [][]int64{{id[5]}}},
			{"nothing", &auditv1.ListAuditEventsRequest{Actor: "nobody", PageSize: 3}, [][]int64{nil}},
		} {
			got := listPages(t, s, ctx, tc.req)
			if !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("%s: pages %v, want %v", tc.name, got, tc.want)
			}
		}
	})
}

func TestServerAnswersEventsInFull(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		officer := auth.Identity{Subject: "lan", Role: auth.CommuneOfficer, Unit: "06005"}
		ctx := inCall(auth.NewContext(t.Context(), officer), "/ntm.funding.v1.FundingService/UpdatePlan")
		record(t, ctx, d, audit.Change{Resource: "plans/4", Unit: "06005", Before: plan{Amount: 1}, After: plan{Amount: 2}})
		e := listAll(t, d)[0]
		at := instant(t, "2026-06-30T17:00:00.123Z")
		setAt(t, d, e.ID, at)

		resp, err := newServer(t, d).ListAuditEvents(auth.NewContext(t.Context(), admin), &auditv1.ListAuditEventsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		want := &auditv1.ListAuditEventsResponse{AuditEvents: []*auditv1.AuditEvent{{
			Id: e.ID, Service: "funding", Time: timestamppb.New(at),
			Actor: "lan", ActorRole: "commune_officer", ActorUnit: "06005",
			Method: "/ntm.funding.v1.FundingService/UpdatePlan", Resource: "plans/4", UnitCode: "06005",
			Before: `{"unit":"","amount":1}`, After: `{"unit":"","amount":2}`,
		}}}
		if !proto.Equal(resp, want) {
			t.Errorf("response\n%v\nwant\n%v", resp, want)
		}
	})
}

func TestServerPageSizeIsCapped(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		changes := make([]audit.Change, 1001)
		for i := range changes {
			changes[i] = audit.Change{Resource: "plans/9", Unit: "19"}
		}
		record(t, t.Context(), d, changes...)
		s := newServer(t, d)
		ctx := auth.NewContext(t.Context(), admin)
		for _, tc := range []struct {
			size      int32
			wantFirst int
		}{{0, 100}, {-5, 100}, {1000, 1000}, {5000, 1000}} {
			resp, err := s.ListAuditEvents(ctx, &auditv1.ListAuditEventsRequest{PageSize: tc.size})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(resp.GetAuditEvents()); n != tc.wantFirst || resp.GetNextPageToken() == "" {
				t.Errorf("page_size %d: %d events, token %q; want %d and a token", tc.size, n, resp.GetNextPageToken(), tc.wantFirst)
			}
		}
		pages := listPages(t, s, ctx, &auditv1.ListAuditEventsRequest{PageSize: 5000})
		if len(pages) != 2 || len(pages[0]) != 1000 || len(pages[1]) != 1 {
			t.Errorf("pages of %d sizes, want 1000 then 1", len(pages))
		}
	})
}

func TestServerRefusesATokenOfAnotherQuery(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		seedTrail(t, d)
		s := newServer(t, d)
		ctx := auth.NewContext(t.Context(), admin)
		first := &auditv1.ListAuditEventsRequest{Resource: "plans/1", From: "2026-06-29", To: "2026-07-02", PageSize: 1}
		resp, err := s.ListAuditEvents(ctx, first)
		if err != nil || resp.GetNextPageToken() == "" {
			t.Fatalf("first page: token %q, %v", resp.GetNextPageToken(), err)
		}
		token := resp.GetNextPageToken()
		// The same query with the token is served.
		next := proto.Clone(first).(*auditv1.ListAuditEventsRequest)
		next.PageToken = token
		if _, err := s.ListAuditEvents(ctx, next); err != nil {
			t.Errorf("next page of the same query: %v", err)
		}
		// A page size of its own is no other query.
		next.PageSize = 2
		if _, err := s.ListAuditEvents(ctx, next); err != nil {
			t.Errorf("next page with another page size: %v", err)
		}
		for name, change := range map[string]func(r *auditv1.ListAuditEventsRequest){
			"resource":  func(r *auditv1.ListAuditEventsRequest) { r.Resource = "plans/2" },
			"actor":     func(r *auditv1.ListAuditEventsRequest) { r.Actor = "alice" },
			"from":      func(r *auditv1.ListAuditEventsRequest) { r.From = "2026-06-30" },
			"to":        func(r *auditv1.ListAuditEventsRequest) { r.To = "" },
			"garbage":   func(r *auditv1.ListAuditEventsRequest) { r.PageToken = "not a token" },
			"truncated": func(r *auditv1.ListAuditEventsRequest) { r.PageToken = token[:len(token)-3] },
		} {
			req := proto.Clone(first).(*auditv1.ListAuditEventsRequest)
			req.PageToken = token
			change(req)
			resp, err := s.ListAuditEvents(ctx, req)
			if resp != nil {
				t.Errorf("changed %s: answered %v", name, resp)
			}
			if err == nil {
				t.Errorf("changed %s: no error", name)
				continue
			}
			wantInvalid(t, err, "page_token")
		}
	})
}

func TestServerValidatesDays(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		s := newServer(t, d)
		ctx := auth.NewContext(t.Context(), admin)
		for _, tc := range []struct {
			from, to, field string
		}{
			{"2026-07-02", "2026-07-01", "to"},
			{"2026-02-30", "", "from"},
			{"2026-7-1", "", "from"},
			{"", "01/07/2026", "to"},
			{"2026-07-01", "2026-13-01", "to"},
		} {
			resp, err := s.ListAuditEvents(ctx, &auditv1.ListAuditEventsRequest{From: tc.from, To: tc.to})
			if resp != nil || err == nil {
				t.Errorf("from %q to %q: %v, %v; want an error", tc.from, tc.to, resp, err)
				continue
			}
			wantInvalid(t, err, tc.field)
		}
		// The same day at both ends is a period of one day.
		if _, err := s.ListAuditEvents(ctx, &auditv1.ListAuditEventsRequest{From: "2026-07-01", To: "2026-07-01"}); err != nil {
			t.Errorf("from = to: %v", err)
		}
	})
}

func TestServerIsForAdminsOnly(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		seedTrail(t, d)
		s := newServer(t, d)
		for _, id := range []auth.Identity{
			{Subject: "lan", Role: auth.CommuneOfficer, Unit: "06005"},
			{Subject: "p", Role: auth.ProvinceOfficer, Unit: "19"},
			{Subject: "v", Role: auth.Viewer},
			{Subject: "criteria", Role: auth.System},
		} {
			// Refused before anything is read, even a bad request.
			for _, req := range []*auditv1.ListAuditEventsRequest{{}, {From: "2026-07-02", To: "2026-07-01", PageToken: "x"}} {
				resp, err := s.ListAuditEvents(auth.NewContext(t.Context(), id), req)
				f, ok := fault.As(err)
				if resp != nil || !ok || f.Kind != fault.KindPermissionDenied {
					t.Errorf("%s: %v, %v; want PermissionDenied", id.Role, resp, err)
				}
			}
		}
		resp, err := s.ListAuditEvents(t.Context(), &auditv1.ListAuditEventsRequest{})
		if f, ok := fault.As(err); resp != nil || !ok || f.Kind != fault.KindUnauthenticated {
			t.Errorf("no caller: %v, %v; want Unauthenticated", resp, err)
		}

		// Without authentication (no keys) the trail is served to anyone.
		for name, g := range map[string]*auth.Guard{"guard off": auth.NewGuard(false, nil), "no guard": nil} {
			resp, err := audit.NewServer("funding", d, g).ListAuditEvents(t.Context(), &auditv1.ListAuditEventsRequest{})
			if err != nil || len(resp.GetAuditEvents()) != len(trail) {
				t.Errorf("%s: %d events, %v; want %d", name, len(resp.GetAuditEvents()), err, len(trail))
			}
		}
	})
}
