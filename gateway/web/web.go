// Package web is the dashboard the gateway serves at /: a page of plain ES
// modules that reads the REST API with the token the user signs in with.
// Its assets are embedded, so the binary fetches nothing at run time.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed index.html static
var files embed.FS

// Paths is what Handler serves: the page at "/" and its assets under "/static/".
const (
	PagePath   = "/"
	StaticPath = "/static/"
)

// contentSecurityPolicy allows the page only its own scripts, styles and
// API. style-src keeps 'unsafe-inline' for ECharts alone: its tooltips are
// HTML with style attributes (the page's own HTML has none, and no inline
// script runs: script-src is 'self').
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// asset is one embedded file, read once, with the etag of its content.
type asset struct {
	content     []byte
	etag        string
	contentType string
}

// Handler serves the dashboard: index.html at "/" and the files under
// "/static/". Assets are revalidated by etag on each load (no-cache): they
// are not versioned in their names, and a new binary must not be hidden by
// a browser's copy of the old one.
func Handler() http.Handler {
	assets := map[string]asset{}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = http.DetectContentType(b)
		}
		assets["/"+name] = asset{content: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, contentType: ct}
		return nil
	})
	if err != nil {
		panic("web: embedded assets unreadable: " + err.Error()) // a broken build, not a runtime condition
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Path
		if name == PagePath {
			name = "/index.html"
		}
		a, ok := assets[name]
		if !ok || (name != "/index.html" && !strings.HasPrefix(name, StaticPath)) {
			http.NotFound(w, r)
			return
		}
		SecurityHeaders(w.Header())
		w.Header().Set("Content-Type", a.contentType)
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("ETag", a.etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.content))
	})
}

// SecurityHeaders sets the headers every answer of the dashboard carries.
func SecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}
