package grpcserver

import (
	"context"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// RequestIDHeader is the metadata key of request ids. A caller may send one
// (the gateway sends its own, a service calling another sends the id of the
// call it is serving, see grpcclient); the server answers with the id it
// minted for the call.
const RequestIDHeader = "x-request-id"

type requestIDKey struct{}

type clientRequestIDKey struct{}

// RequestIDFromContext returns the id the server minted for the call ctx
// belongs to, or "" outside one. It is the id of the audit trail, so no
// caller can choose it.
func RequestIDFromContext(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// ClientRequestIDFromContext returns the x-request-id the caller sent with
// the call ctx belongs to, if it was sane, or "". It joins the server's log
// and trail with the caller's: the gateway's access log, or the log of the
// service whose call this one serves.
func ClientRequestIDFromContext(ctx context.Context) string {
	id, _ := ctx.Value(clientRequestIDKey{}).(string)
	return id
}

// Every call gets a new id: draw them from a buffered pool of randomness
// rather than a getrandom syscall each (the ids need to be unique, not
// secret).
func init() { uuid.EnableRandPool() }

// maxRequestIDLen keeps a hostile client from stuffing logs through the id.
const maxRequestIDLen = 128

// clientRequestID is the caller's id if it is sane, otherwise "".
func clientRequestID(ctx context.Context) string {
	if v := metadata.ValueFromIncomingContext(ctx, RequestIDHeader); len(v) > 0 && validRequestID(v[0]) {
		return v[0]
	}
	return ""
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}

func withRequestID(ctx context.Context, id, clientID string) context.Context {
	if ci, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
		ci.requestID, ci.clientRequestID = id, clientID
	}
	ctx = context.WithValue(ctx, requestIDKey{}, id)
	if clientID != "" {
		ctx = context.WithValue(ctx, clientRequestIDKey{}, clientID)
	}
	return ctx
}

// idHeader is the header answering with id; the key is lower case
// already, which metadata.Pairs would make it at a cost on every call.
func idHeader(id string) metadata.MD { return metadata.MD{RequestIDHeader: {id}} }

// requestIDLink mints the call's own id whatever the caller sent: a caller
// choosing the trail's request id could make its writes look like another
// request's. What the caller sent is kept beside it as the client request id.
func requestIDLink() link {
	return link{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			id := uuid.NewString()
			// Fails only if headers were already sent, which cannot happen before the handler.
			_ = grpc.SetHeader(ctx, idHeader(id))
			return h(withRequestID(ctx, id, clientRequestID(ctx)), req)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			id := uuid.NewString()
			_ = ss.SetHeader(idHeader(id))
			return h(srv, &stream{ServerStream: ss, ctx: withRequestID(ss.Context(), id, clientRequestID(ss.Context()))})
		},
	}
}
