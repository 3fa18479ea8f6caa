package gateway

import (
	"context"
	"net/http"

	"github.com/google/uuid"
)

const (
	requestIDHeader      = "X-Request-Id"
	requestIDMetadataKey = "x-request-id"
	// maxRequestIDLen keeps a client-chosen id from bloating logs and metadata.
	maxRequestIDLen = 128
)

type requestIDKey struct{}

// RequestID returns the id withRequestID gave the request, or "" outside it.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// withRequestID gives every request an id: the caller's X-Request-Id when it
// is usable, so a trace can start upstream, or else a new UUID. The id is
// echoed in the response and forwarded to the services (see forwardRequestID).
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeader)
		if !validRequestID(id) {
			id = uuid.NewString()
		}
		w.Header().Set(requestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// validRequestID accepts short printable ASCII: anything else is not a valid
// gRPC metadata value and would be dropped or break log lines.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}
