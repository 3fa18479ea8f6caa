package gateway

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
)

// trailStart is when the trails of these tests begin.
var trailStart = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// trail is a service's events at the given seconds past trailStart.
func trail(service string, seconds ...int) []*auditv1.AuditEvent {
	base := trailStart
	var out []*auditv1.AuditEvent
	for i, s := range seconds {
		out = append(out, &auditv1.AuditEvent{Id: int64(i + 1), Service: service, Time: timestamppb.New(base.Add(time.Duration(s) * time.Second))})
	}
	return out
}

// pager serves a trail page by page as a service does: tokens are the
// offset of the next page.
func pager(events []*auditv1.AuditEvent) func(token string, size int) auditPage {
	return func(token string, size int) auditPage {
		from := 0
		if token != "" {
			_, _ = fmt.Sscan(token, &from)
		}
		to := min(from+size, len(events))
		p := auditPage{events: events[from:to]}
		if to < len(events) {
			p.next = fmt.Sprint(to)
		}
		return p
	}
}

// Merging page by page gives every event of every service once, oldest
// first, whatever the page size.
func TestMergeAuditPagesThroughEveryTrail(t *testing.T) {
	trails := map[string][]*auditv1.AuditEvent{
		"registry": trail("registry", 1, 2, 3, 50, 51),
		"criteria": trail("criteria", 4, 5, 6, 7, 8, 9, 10),
		"funding":  trail("funding", 3, 60),
		"ocop":     nil,
	}
	var want []string
	for _, s := range []int{1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 50, 51, 60} {
		want = append(want, fmt.Sprint(s))
	}
	for _, size := range []int{1, 2, 3, 5, 100} {
		var got []string
		cursors := map[string]auditCursor{}
		for pages := 0; ; pages++ {
			if pages > 50 {
				t.Fatalf("size %d: no end after 50 pages", size)
			}
			fetched := map[string]auditPage{}
			for name, events := range trails {
				c := cursors[name]
				if c.Done {
					continue
				}
				p := pager(events)(c.Token, size+c.Skip)
				p.events = p.events[min(c.Skip, len(p.events)):]
				fetched[name] = p
			}
			events, next := mergeAudit(fetched, cursors, size)
			if len(events) > size {
				t.Fatalf("size %d: a page of %d", size, len(events))
			}
			for _, e := range events {
				got = append(got, fmt.Sprint(e.GetTime().AsTime().Sub(trailStart).Seconds()))
			}
			if next == nil {
				break
			}
			cursors = next
		}
		if !slices.Equal(got, want) {
			t.Errorf("size %d: merged %v, want %v", size, got, want)
		}
	}
}

// A page token is bound to its filter, and its cursors must be ones this
// gateway could have made: a crafted skip must not reach a slice.
func TestAuditTokenIsCheckedBeforeUse(t *testing.T) {
	g := &Gateway{audits: []auditSource{{name: "registry"}, {name: "criteria"}}}
	filter := &auditv1.ListAuditEventsRequest{Actor: "a"}
	token := func(f *auditv1.ListAuditEventsRequest, c map[string]auditCursor) string {
		b, err := json.Marshal(auditToken{Filter: f, Cursors: c})
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	if c, err := g.readAuditToken("", filter); err != nil || len(c) != 0 {
		t.Errorf("no token: %v, %v", c, err)
	}
	good := map[string]auditCursor{"registry": {Token: "x", Skip: 3}, "criteria": {Done: true}}
	if c, err := g.readAuditToken(token(filter, good), filter); err != nil || c["registry"].Skip != 3 {
		t.Errorf("a token of this gateway: %v, %v", c, err)
	}
	for name, bad := range map[string]string{
		"malformed":      "!!",
		"another filter": token(&auditv1.ListAuditEventsRequest{Actor: "b"}, good),
		"negative skip":  token(filter, map[string]auditCursor{"registry": {Skip: -1}}),
		"huge skip":      token(filter, map[string]auditCursor{"registry": {Skip: 1 << 40}}),
		"unknown trail":  token(filter, map[string]auditCursor{"billing": {}}),
		"done and more":  token(filter, map[string]auditCursor{"criteria": {Done: true, Token: "x"}}),
	} {
		if _, err := g.readAuditToken(bad, filter); status.Code(err) != codes.InvalidArgument {
			t.Errorf("%s: %v, want InvalidArgument", name, err)
		}
	}
}
