package gateway

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/grpctest"
	"github.com/ntmsuite/ntm/platform/ratelimit"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

func sign(t *testing.T, keys *auth.KeySet, id auth.Identity) string {
	t.Helper()
	token, err := keys.Sign(id, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// serveWith runs o.Server(h) on loopback and returns its address.
func serveWith(t *testing.T, o ServerOptions, h http.Handler) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := o.Server(h, nil)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(func() { _ = srv.Close() })
	return lis.Addr().String()
}

// dial opens a raw connection whose reads give up after a guard far beyond
// the server's timeouts, so a server that never cuts fails the test rather
// than hanging it.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.SetReadDeadline(time.Now().Add(20 * time.Second)); err != nil {
		t.Fatal(err)
	}
	return c
}

// closedByServer reads c to its end: true if the server closed it, false
// if the guard deadline ran out first.
func closedByServer(c net.Conn) bool {
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// A client that sends a body slower than ReadTimeout allows is cut off:
// the handler's read fails and the connection is closed.
func TestServerCutsSlowBody(t *testing.T) {
	o := DefaultServerOptions()
	o.ReadTimeout = 200 * time.Millisecond
	readErr := make(chan error, 1)
	addr := serveWith(t, o, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		readErr <- err
	}))
	c := dial(t, addr)
	// One byte of the hundred announced, then nothing.
	if _, err := io.WriteString(c, "POST /v1/units HTTP/1.1\r\nHost: ntm\r\nContent-Length: 100\r\n\r\nx"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-readErr:
		if err == nil {
			t.Fatal("the handler read a body that never came")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the slow body was still being read")
	}
	if !closedByServer(c) {
		t.Error("the connection of the slow body stayed open")
	}
}

// An idle keep-alive connection is closed after IdleTimeout, though
// ReadTimeout (which would otherwise stand in for it) is long.
func TestServerClosesIdleKeepAlive(t *testing.T) {
	o := DefaultServerOptions()
	o.ReadTimeout = time.Hour
	o.IdleTimeout = 200 * time.Millisecond
	addr := serveWith(t, o, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	c := dial(t, addr)
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: ntm\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err != nil || resp.Close {
		t.Fatalf("first answer: %v, close %v; want a kept-alive connection", err, resp.Close)
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("the idle keep-alive connection stayed open")
		}
	}
}

// Headers over MaxHeaderBytes are refused.
func TestServerRefusesHugeHeaders(t *testing.T) {
	o := DefaultServerOptions()
	o.MaxHeaderBytes = 1 << 10
	addr := serveWith(t, o, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/healthz", nil)
	req.Header.Set("X-Padding", strings.Repeat("x", 8<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("status %d, want 431", resp.StatusCode)
	}
}

// Each route takes the body its service reads: a funding batch up to
// 4 MiB, a unit import up to 32 MiB, one record up to 1 MiB.
func TestBodyLimitsFollowTheServices(t *testing.T) {
	h := limitBodies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	}))
	for _, c := range []struct {
		path string
		size int
		want int
	}{
		{"/v1/plans:batchCreate", 2 << 20, http.StatusOK},
		{"/v1/plans:batchCreate", 5 << 20, http.StatusRequestEntityTooLarge},
		{"/v1/units:import", 20 << 20, http.StatusOK},
		{"/v1/units/06005/recognitions", 2 << 20, http.StatusRequestEntityTooLarge},
		{"/v1/units/06005/recognitions", 1 << 10, http.StatusOK},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, c.path, strings.NewReader(strings.Repeat("x", c.size))))
		if w.Code != c.want {
			t.Errorf("%s with %d bytes: %d, want %d", c.path, c.size, w.Code, c.want)
		}
	}
}

// wantRetryAfter fails t unless w is a 429 with a Retry-After of 1..limit seconds.
func wantRetryAfter(t *testing.T, w *httptest.ResponseRecorder, limit int) {
	t.Helper()
	secs, err := strconv.Atoi(w.Header().Get("Retry-After"))
	if w.Code != http.StatusTooManyRequests || err != nil || secs < 1 || secs > limit {
		t.Errorf("got %d Retry-After %q, want 429 within %ds: %s", w.Code, w.Header().Get("Retry-After"), limit, w.Body)
	}
}

// A subject over its rate gets 429 with Retry-After while another subject
// does not; an address failing authentication too often gets 429 instead
// of 401; without keys the address alone is limited; health is never.
func TestRateLimits(t *testing.T) {
	keys := grpctest.Keys(t)
	policy := func() *ratelimit.Policy {
		return &ratelimit.Policy{Limiter: ratelimit.New(ratelimit.Options{}),
			Principal: ratelimit.Rule{Limit: 2, Window: time.Minute}, Address: ratelimit.Rule{Limit: 5, Window: time.Minute},
			FailedAuth: ratelimit.Rule{Limit: 1, Window: time.Minute}}
	}
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	h := authenticate(keys, policy(), ok)
	get := func(h http.Handler, path, token, addr string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.RemoteAddr = addr + ":40000"
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	admin, officer := sign(t, keys, auth.Identity{Subject: "admin", Role: auth.Admin}), sign(t, keys, auth.Identity{Subject: "can-bo", Role: auth.Admin})
	for range 2 {
		if w := get(h, "/v1/units/06", admin, "10.0.0.1"); w.Code != http.StatusOK {
			t.Fatalf("within the rate: %d", w.Code)
		}
	}
	wantRetryAfter(t, get(h, "/v1/units/06", admin, "10.0.0.2"), 60)
	if w := get(h, "/v1/units/06", officer, "10.0.0.1"); w.Code != http.StatusOK {
		t.Errorf("another subject: %d", w.Code)
	}

	if w := get(h, "/v1/units/06", "forged", "10.0.0.3"); w.Code != http.StatusUnauthorized {
		t.Errorf("first bad token: %d, want 401", w.Code)
	}
	wantRetryAfter(t, get(h, "/v1/units/06", "forged", "10.0.0.3"), 60)

	open := authenticate(nil, policy(), ok)
	for range 5 {
		if w := get(open, "/v1/units/06", "", "10.0.0.4"); w.Code != http.StatusOK {
			t.Fatalf("without keys, within the address rate: %d", w.Code)
		}
	}
	wantRetryAfter(t, get(open, "/v1/units/06", "", "10.0.0.4"), 60)
	if w := get(open, "/healthz", "", "10.0.0.4"); w.Code != http.StatusOK {
		t.Errorf("health limited: %d", w.Code)
	}
}

// A service over its own rate (RESOURCE_EXHAUSTED with a RetryInfo, as
// grpcserver answers) is 429 through the gateway with the Retry-After the
// service said, like the gateway's own limits.
func TestServiceRateLimitAnswersRetryAfter(t *testing.T) {
	stub := &stubRegistry{getUnit: func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		st, err := status.New(codes.ResourceExhausted, "too many requests; retry later").WithDetails(
			&errdetails.RetryInfo{RetryDelay: durationpb.New(29500 * time.Millisecond)})
		if err != nil {
			t.Fatal(err)
		}
		return nil, st.Err()
	}}
	e := newEnv(t, stub)
	resp, err := http.Get(e.http.URL + "/v1/units/06")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "30" {
		t.Errorf("got %d Retry-After %q, want 429 Retry-After 30", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
