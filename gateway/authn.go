package gateway

import (
	"net/http"
	"strings"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/ratelimit"
)

// authenticate answers 401 before routing when a request has no valid
// bearer token, so a bad token costs neither body parsing nor a call to a
// service. The services verify the token again: a client may reach them
// directly, and nothing the gateway lets through is trusted for that.
// /healthz and /openapi.json need no token (probes and API browsers).
// nil keys leave the decision to the services.
//
// limits (optional) count every request per client address and per
// token subject, and failed authentications per address, answering 429
// with Retry-After over a rule; nil limits nothing.
func authenticate(keys *auth.KeySet, limits *ratelimit.Policy, next http.Handler) http.Handler {
	if keys == nil && limits == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/openapi.json" {
			next.ServeHTTP(w, r)
			return
		}
		var subject string // "" without keys: only the address is limited
		if keys != nil {
			token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			id, err := keys.Verify(strings.TrimSpace(token), time.Now())
			if err != nil {
				if d := limits.Failure(r.Context(), rateScope, clientAddr(r)); !d.Allowed {
					tooManyRequests(w, d)
					return
				}
				w.Header().Set("WWW-Authenticate", `Bearer realm="ntm"`)
				writeStatus(w, http.StatusUnauthorized, codes.Unauthenticated, "a valid bearer token is required (Authorization: Bearer …)")
				return
			}
			subject = id.Subject
		}
		if d := limits.Call(r.Context(), rateScope, subject, clientAddr(r)); !d.Allowed {
			tooManyRequests(w, d)
			return
		}
		next.ServeHTTP(w, r)
	})
}
