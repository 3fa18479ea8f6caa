package gateway

import (
	"net/http"
	"strings"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/auth"
)

// authenticate answers 401 before routing when a request has no valid
// bearer token, so a bad token costs neither body parsing nor a call to a
// service. The services verify the token again: a client may reach them
// directly, and nothing the gateway lets through is trusted for that.
// /healthz and /openapi.json need no token (probes and API browsers).
// nil keys leave the decision to the services.
func authenticate(keys *auth.KeySet, next http.Handler) http.Handler {
	if keys == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/openapi.json" {
			next.ServeHTTP(w, r)
			return
		}
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if _, err := keys.Verify(strings.TrimSpace(token), time.Now()); err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ntm"`)
			writeStatus(w, http.StatusUnauthorized, codes.Unauthenticated, "a valid bearer token is required (Authorization: Bearer …)")
			return
		}
		next.ServeHTTP(w, r)
	})
}
