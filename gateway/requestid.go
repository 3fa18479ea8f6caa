package gateway

import (
	"context"
	"net/http"

	"github.com/google/uuid"
)

const (
	requestIDHeader      = "X-Request-Id"
	requestIDMetadataKey = "x-request-id"
	// maxRequestIDLen keeps a client-chosen id from bloating logs.
	maxRequestIDLen = 128
)

type (
	requestIDKey       struct{}
	clientRequestIDKey struct{}
)

// RequestID returns the id withRequestID gave the request, or "" outside it.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// ClientRequestID returns the X-Request-Id the client sent, if it was
// usable, or "".
func ClientRequestID(ctx context.Context) string {
	id, _ := ctx.Value(clientRequestIDKey{}).(string)
	return id
}

// withRequestID gives every request an id of the gateway's own making,
// whatever the client sent, and answers it as X-Request-Id. A usable
// X-Request-Id from the client is kept as the client request id, logged
// beside the gateway's.
//
// The services never see the client's id: the gateway forwards its own as
// x-request-id (forwardRequestID), which a service keeps as its call's client
// request id (in its log and the audit trail's client_request_id) beside the
// id it mints itself. So a client cannot choose what the trail records, and
// the logs still join: a service's client_request_id is the gateway's
// request_id, whose access log line holds the client's id; and the id a
// client got back in X-Request-Id finds its writes in the trail.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := uuid.NewString()
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		if clientID := r.Header.Get(requestIDHeader); validRequestID(clientID) {
			ctx = context.WithValue(ctx, clientRequestIDKey{}, clientID)
		}
		w.Header().Set(requestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// validRequestID accepts short printable ASCII: anything else would break
// log lines.
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
