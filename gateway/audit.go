package gateway

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
)

// auditPath is the one REST route the gateway serves itself: each service
// keeps the trail of its own writes, and an admin asks for all of them.
const auditPath = "/v1/auditEvents"

const (
	defaultAuditPage = 100
	// maxAuditPage keeps page_size plus a resumed page's skip within the
	// 1000 events a service answers at once.
	maxAuditPage = 500
)

// auditSource is a service's trail.
type auditSource struct {
	name   string
	client auditv1.AuditServiceClient
}

// auditCursor is where a page of the merged trail stopped in one service's:
// at the page token Token, after its first Skip events; Done once it has
// given everything.
type auditCursor struct {
	Token string `json:"t,omitempty"`
	Skip  int    `json:"s,omitempty"`
	Done  bool   `json:"d,omitempty"`
}

// auditToken is the merged trail's page token: a cursor per service, and
// the filter the pages belong to, so a token is not replayed on another.
type auditToken struct {
	Filter  *auditv1.ListAuditEventsRequest `json:"f"`
	Cursors map[string]auditCursor          `json:"c"`
}

// serveAuditEvents answers GET /v1/auditEvents?resource=&actor=&from=&to=:
// every service's trail, merged by time. The caller's token goes to each
// service, which lets admins only; one service failing fails the whole
// answer rather than giving an audit with a hole in it.
func (g *Gateway) serveAuditEvents(mux *runtime.ServeMux) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
		_, out := runtime.MarshalerForRequest(mux, r)
		ctx, err := runtime.AnnotateContext(r.Context(), mux, r, "/ntm.audit.v1.AuditService/ListAuditEvents", runtime.WithHTTPPathPattern(auditPath))
		if err == nil {
			var resp *auditv1.ListAuditEventsResponse
			if resp, err = g.mergedAudit(ctx, r); err == nil {
				runtime.ForwardResponseMessage(ctx, mux, out, w, r, resp)
				return
			}
		}
		runtime.HTTPError(ctx, mux, out, w, r, err)
	}
}

func (g *Gateway) mergedAudit(ctx context.Context, r *http.Request) (*auditv1.ListAuditEventsResponse, error) {
	q := r.URL.Query()
	filter := &auditv1.ListAuditEventsRequest{Resource: q.Get("resource"), Actor: q.Get("actor"), From: q.Get("from"), To: q.Get("to")}
	size := defaultAuditPage
	if s := q.Get("page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, status.Errorf(codes.InvalidArgument, "page_size %q is not a whole number", s)
		}
		size = min(cmp.Or(n, defaultAuditPage), maxAuditPage)
	}
	cursors, err := g.readAuditToken(q.Get("page_token"), filter)
	if err != nil {
		return nil, err
	}
	pages, err := g.fetchAudit(ctx, filter, cursors, size)
	if err != nil {
		return nil, err
	}
	events, next := mergeAudit(pages, cursors, size)
	resp := &auditv1.ListAuditEventsResponse{AuditEvents: events}
	if next != nil {
		b, _ := json.Marshal(auditToken{Filter: filter, Cursors: next})
		resp.NextPageToken = base64.RawURLEncoding.EncodeToString(b)
	}
	return resp, nil
}

// auditPage is what one service answered, past the cursor's skip.
type auditPage struct {
	events []*auditv1.AuditEvent
	next   string
}

// fetchAudit asks every service not done at once.
func (g *Gateway) fetchAudit(ctx context.Context, filter *auditv1.ListAuditEventsRequest, cursors map[string]auditCursor, size int) (map[string]auditPage, error) {
	pages := make(map[string]auditPage, len(g.audits))
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for _, src := range g.audits {
		c := cursors[src.name]
		if c.Done {
			continue
		}
		wg.Go(func() {
			req := &auditv1.ListAuditEventsRequest{Resource: filter.Resource, Actor: filter.Actor, From: filter.From, To: filter.To,
				PageToken: c.Token, PageSize: int32(size + c.Skip)}
			resp, err := src.client.ListAuditEvents(ctx, req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			events := resp.GetAuditEvents()
			pages[src.name] = auditPage{events: events[min(c.Skip, len(events)):], next: resp.GetNextPageToken()}
		})
	}
	wg.Wait()
	return pages, firstErr
}

// mergeAudit takes up to size events from the pages, oldest first (by
// time, then service), and the cursors of the next page (nil at the end).
// It stops early when a service with more pages has given all it fetched,
// since its next events might come before the others'.
func mergeAudit(pages map[string]auditPage, cursors map[string]auditCursor, size int) ([]*auditv1.AuditEvent, map[string]auditCursor) {
	taken := map[string]int{}
	var out []*auditv1.AuditEvent
	for len(out) < size {
		best := ""
		for name, p := range pages {
			i := taken[name]
			if i == len(p.events) {
				if p.next != "" {
					return out, nextCursors(pages, cursors, taken)
				}
				continue
			}
			if best == "" || earlier(p.events[i], pages[best].events[taken[best]]) {
				best = name
			}
		}
		if best == "" {
			return out, nil
		}
		out = append(out, pages[best].events[taken[best]])
		taken[best]++
	}
	return out, nextCursors(pages, cursors, taken)
}

func earlier(a, b *auditv1.AuditEvent) bool {
	if c := a.GetTime().AsTime().Compare(b.GetTime().AsTime()); c != 0 {
		return c < 0
	}
	if a.GetService() != b.GetService() {
		return a.GetService() < b.GetService()
	}
	return a.GetId() < b.GetId()
}

// nextCursors is where each service resumes; nil when all are done.
func nextCursors(pages map[string]auditPage, cursors map[string]auditCursor, taken map[string]int) map[string]auditCursor {
	next := map[string]auditCursor{}
	more := false
	for name, c := range cursors {
		next[name] = c // services done before this page stay done
	}
	for name, p := range pages {
		c := cursors[name]
		switch n := taken[name]; {
		case n < len(p.events):
			next[name] = auditCursor{Token: c.Token, Skip: c.Skip + n}
			more = true
		case p.next != "":
			next[name] = auditCursor{Token: p.next}
			more = true
		default:
			next[name] = auditCursor{Done: true}
		}
	}
	if !more {
		return nil
	}
	return next
}

// readAuditToken reads a page token of the merged trail; it must have been
// made for the same filter, by this gateway: a client may send anything,
// and a cursor out of bounds must be refused, not sliced with.
func (g *Gateway) readAuditToken(token string, filter *auditv1.ListAuditEventsRequest) (map[string]auditCursor, error) {
	if token == "" {
		return map[string]auditCursor{}, nil
	}
	invalid := status.Error(codes.InvalidArgument, "page_token is not a token of this query: start again without it")
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, invalid
	}
	var t auditToken
	if err := json.Unmarshal(b, &t); err != nil || t.Filter == nil || t.Cursors == nil ||
		t.Filter.Resource != filter.Resource || t.Filter.Actor != filter.Actor || t.Filter.From != filter.From || t.Filter.To != filter.To {
		return nil, invalid
	}
	for name, c := range t.Cursors {
		known := slices.ContainsFunc(g.audits, func(a auditSource) bool { return a.name == name })
		if !known || c.Skip < 0 || c.Skip >= maxAuditPage || c.Done && (c.Token != "" || c.Skip != 0) {
			return nil, invalid
		}
	}
	return t.Cursors, nil
}
