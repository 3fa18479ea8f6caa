package gateway

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/ntmsuite/ntm/gateway/web"
)

// DemoToken is a token the dashboard's sign-in page offers as a button,
// under a label in each of its languages. Only `ntm up --demo` gives them:
// they are credentials, served to anyone who can reach the gateway.
type DemoToken struct {
	LabelVI string `json:"labelVi"`
	LabelEN string `json:"labelEn"`
	Token   string `json:"token"`
}

// demoTokensPath answers the demo's tokens when there are some; otherwise
// the route does not exist (404 from the mux, after authentication).
const demoTokensPath = "/demo/tokens.json"

// serveDashboard answers the dashboard's page and assets, and the demo's
// tokens, before authentication: the page is what signs in. Everything
// else, the API the page calls with its token included, goes to next.
func serveDashboard(tokens []DemoToken, next http.Handler) http.Handler {
	page := web.Handler()
	demo, err := json.Marshal(struct {
		Tokens []DemoToken `json:"tokens"`
	}{tokens})
	if err != nil {
		panic(err) // strings only: cannot fail
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		switch {
		case r.URL.Path == web.PagePath || strings.HasPrefix(r.URL.Path, web.StaticPath):
			page.ServeHTTP(w, r)
		case r.URL.Path == demoTokensPath && len(tokens) > 0:
			web.SecurityHeaders(w.Header())
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write(demo)
		default:
			next.ServeHTTP(w, r)
		}
	})
}
