package grpcserver

import (
	"context"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/fault"
)

// authnLink verifies the bearer token in the call's "authorization"
// metadata with keys and puts the caller's identity in the context; a call
// without a valid token is UNAUTHENTICATED, with one message whatever the
// reason, so a caller learns nothing about keys or claims. The gateway
// forwards the client's Authorization header as that metadata, so a client
// talking gRPC to a service directly is checked the same way. nil keys
// disable the link (a suite run without authentication).
func authnLink(keys *auth.KeySet) link {
	if keys == nil {
		return link{}
	}
	authenticate := func(ctx context.Context) (context.Context, error) {
		id, err := keys.Verify(bearer(ctx), time.Now())
		if err != nil {
			return nil, Status(&fault.Error{Kind: fault.KindUnauthenticated, Reason: "UNAUTHENTICATED",
				Message: "a valid bearer token is required (Authorization: Bearer …)"}).Err()
		}
		return auth.NewContext(ctx, id), nil
	}
	return link{
		unary: func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			ctx, err := authenticate(ctx)
			if err != nil {
				return nil, err
			}
			return h(ctx, req)
		},
		stream: func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			ctx, err := authenticate(ss.Context())
			if err != nil {
				return err
			}
			return h(srv, &stream{ServerStream: ss, ctx: ctx})
		},
	}
}

// bearer is the token of the call's "authorization" metadata, "" if none.
func bearer(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	for _, v := range md.Get("authorization") {
		if token, ok := strings.CutPrefix(v, "Bearer "); ok {
			return strings.TrimSpace(token)
		}
	}
	return ""
}
