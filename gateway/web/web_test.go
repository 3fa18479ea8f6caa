package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The committed ECharts is the version package.json pins: make web copies
// it from npm's install, and a bump without the copy (or the reverse) fails here.
func TestEChartsIsThePinnedVersion(t *testing.T) {
	var pkg struct{ Dependencies map[string]string }
	b, err := os.ReadFile("package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	pinned := pkg.Dependencies["echarts"]
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(pinned) {
		t.Fatalf("package.json pins echarts %q, want an exact version", pinned)
	}
	lib, err := files.ReadFile("static/vendor/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	// The library's exported version, as its build writes it.
	m := regexp.MustCompile(`\.version="(\d+\.\d+\.\d+)"`).FindSubmatch(lib)
	if m == nil || string(m[1]) != pinned {
		t.Errorf("static/vendor/echarts.min.js is version %q, package.json pins %s: run make web", m, pinned)
	}
	var lock struct {
		Packages map[string]struct{ Version string }
	}
	b, err = os.ReadFile("package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		t.Fatal(err)
	}
	if got := lock.Packages["node_modules/echarts"].Version; got != pinned {
		t.Errorf("package-lock.json has echarts %q, package.json %s: run npm install --package-lock-only", got, pinned)
	}
}

// The page runs no inline script and has no inline style, so the CSP can
// forbid both; every file it names is served.
func TestPageAndAssets(t *testing.T) {
	h := Handler()
	get := func(path string, header http.Header) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for k, v := range header {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	page := get("/", nil)
	if page.Code != http.StatusOK || !strings.HasPrefix(page.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", page.Code, page.Header().Get("Content-Type"))
	}
	csp := page.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	html := page.Body.String()
	if regexp.MustCompile(`<script(\s[^>]*)?>[^<]+</script>|\sstyle=|\son[a-z]+=`).MatchString(html) {
		t.Errorf("index.html has an inline script, style or handler:\n%s", html)
	}
	for _, m := range regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(html, -1) {
		rec := get(m[1], nil)
		if rec.Code != http.StatusOK || rec.Body.Len() == 0 {
			t.Errorf("GET %s = %d, %d bytes", m[1], rec.Code, rec.Body.Len())
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", m[1])
		}
		// A module script must be served as JavaScript, or the browser refuses it.
		if strings.HasSuffix(m[1], ".js") && !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") {
			t.Errorf("GET %s: Content-Type %q", m[1], rec.Header().Get("Content-Type"))
		}
		etag := rec.Header().Get("ETag")
		if again := get(m[1], http.Header{"If-None-Match": {etag}}); etag == "" || again.Code != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match %q = %d, want 304", m[1], etag, again.Code)
		}
	}
	for _, path := range []string{"/static/js/none.js", "/web.go", "/index.html/", "/static/../web.go"} {
		if rec := get(path, nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, rec.Code)
		}
	}
}
