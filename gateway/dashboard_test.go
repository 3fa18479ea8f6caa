package gateway

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/auth"
)

// newDashboardGateway is a gateway verifying tokens, offering tokens on
// its sign-in page; it returns the server and a valid token.
func newDashboardGateway(t *testing.T, tokens []DemoToken) (*httptest.Server, string) {
	t.Helper()
	data, err := auth.NewKeySet("k1", auth.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.ParseKeySet(data)
	if err != nil {
		t.Fatal(err)
	}
	token, err := keys.Sign(auth.Identity{Subject: "a", Role: auth.Admin}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// No registry listens there: these requests never reach one.
	gw, err := New(t.Context(), Options{RegistryAddr: "127.0.0.1:1", AuthKeys: keys, DemoTokens: tokens,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gw.Close() })
	hts := httptest.NewServer(gw.Handler())
	t.Cleanup(hts.Close)
	return hts, token
}

// getAs reads url with token ("" sends none).
func getAs(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// The page and its assets need no token (the page is what signs in); the
// API still does, and the request id and access log cover the page too.
func TestDashboardServedWithoutToken(t *testing.T) {
	hts, _ := newDashboardGateway(t, nil)
	for _, path := range []string{"/", "/static/js/app.js", "/static/css/app.css", "/static/vendor/echarts.min.js"} {
		resp, _ := getAs(t, hts.URL+path, "")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("GET %s = %d, CSP %q, request id %q", path, resp.StatusCode, resp.Header.Get("Content-Security-Policy"), resp.Header.Get("X-Request-Id"))
		}
	}
	for _, path := range []string{"/v1/units/19", "/static"} {
		if resp, _ := getAs(t, hts.URL+path, ""); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s without a token = %d, want 401", path, resp.StatusCode)
		}
	}
	resp, err := http.Post(hts.URL+"/", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST / = %d, want 401: only GET and HEAD are the page's", resp.StatusCode)
	}
}

// Only a gateway given demo tokens serves them; without, the route does
// not exist, even to a signed-in caller.
func TestDemoTokensRoute(t *testing.T) {
	plain, token := newDashboardGateway(t, nil)
	if resp, b := getAs(t, plain.URL+demoTokensPath, token); resp.StatusCode != http.StatusNotFound {
		t.Errorf("without demo tokens: %d %s, want 404", resp.StatusCode, b)
	}
	want := []DemoToken{{LabelVI: "Quản trị (demo)", LabelEN: "Administrator (demo)", Token: "t1"}}
	demo, _ := newDashboardGateway(t, want)
	resp, b := getAs(t, demo.URL+demoTokensPath, "")
	var got struct{ Tokens []DemoToken }
	if err := json.Unmarshal(b, &got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("demo tokens: %d %s (%v)", resp.StatusCode, b, err)
	}
	if len(got.Tokens) != 1 || got.Tokens[0] != want[0] || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("demo tokens %+v, Cache-Control %q; want %+v, no-store", got.Tokens, resp.Header.Get("Cache-Control"), want)
	}
}
