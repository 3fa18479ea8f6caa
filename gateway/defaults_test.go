package gateway

import (
	"io"
	"net/http"
	"testing"
)

// The gateway exposes only the API: no profiler, no debug or metrics pages on
// the public port, and no CORS grant, so a page of another origin cannot use
// an officer's browser against the API (the "safe defaults" point of
// docs/SECURITY.md). Metrics have their own listener (--metrics-addr).
func TestSafeDefaults(t *testing.T) {
	e := newEnv(t, &stubRegistry{})
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap", "/debug/vars", "/metrics"} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, e.http.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := e.http.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, resp.StatusCode)
		}
	}

	req, err := http.NewRequestWithContext(t.Context(), http.MethodOptions, e.http.URL+"/v1/units/1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Access-Control-Request-Method", http.MethodPost)
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("preflight from another origin: Access-Control-Allow-Origin %q, want none", got)
	}
}
