package grpcserver

import (
	"context"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// RequestIDHeader is the metadata key that carries a call's request id, in
// both directions and across every hop (see grpcclient).
const RequestIDHeader = "x-request-id"

type requestIDKey struct{}

// RequestIDFromContext returns the id of the call ctx belongs to, or "" outside one.
func RequestIDFromContext(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// Every call without an id gets a new one: draw them from a buffered pool
// of randomness rather than a getrandom syscall each (the ids need to be
// unique, not secret).
func init() { uuid.EnableRandPool() }

// maxRequestIDLen keeps a hostile client from stuffing logs through the id.
const maxRequestIDLen = 128

// requestID takes the caller's id if it is sane, otherwise makes a new one.
func requestID(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get(RequestIDHeader); len(v) > 0 && validRequestID(v[0]) {
		return v[0]
	}
	return uuid.NewString()
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

func withRequestID(ctx context.Context, id string) context.Context {
	if ci, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
		ci.requestID = id
	}
	return context.WithValue(ctx, requestIDKey{}, id)
}

func requestIDLink() link {
	return link{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			id := requestID(ctx)
			// Fails only if headers were already sent, which cannot happen before the handler.
			_ = grpc.SetHeader(ctx, metadata.Pairs(RequestIDHeader, id))
			return h(withRequestID(ctx, id), req)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			id := requestID(ss.Context())
			_ = ss.SetHeader(metadata.Pairs(RequestIDHeader, id))
			return h(srv, &stream{ServerStream: ss, ctx: withRequestID(ss.Context(), id)})
		},
	}
}
