package grpcserver

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"time"

	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/tap"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/ratelimit"
)

// authnTap verifies the bearer token in the call's "authorization"
// metadata with keys and puts the caller's identity in the context; a call
// without a valid token is UNAUTHENTICATED, with one message whatever the
// reason, so a caller learns nothing about keys or claims. The gateway
// forwards the client's Authorization header as that metadata, so a client
// talking gRPC to a service directly is checked the same way. Health and
// reflection need no token (probes and grpcurl).
//
// It is a tap handle, not an interceptor, because interceptors run after
// the request message was read and decoded: an anonymous client could make
// the server allocate up to MaxRecvMsgSize per call (40 calls of 31 MB took
// a process from 50 MB to 1.3 GB). The tap runs on the headers alone, and
// a refused call's message is never read.
//
// An address failing authentication more often than the policy's
// FailedAuth rule is answered RESOURCE_EXHAUSTED instead; those failures
// are counted in this process (ratelimit.Policy.LocalFailure) because the
// tap runs under the connection's lock, where a Redis round trip would
// stall every call of the connection.
//
// A refused call never reaches the interceptors, so the tap logs it
// itself (the logging link's line, without request ids): failed
// authentications must show in the log.
//
// nil keys serve without authentication: no tap.
func authnTap(keys *auth.KeySet, limits *ratelimit.Policy, log *slog.Logger) tap.ServerInHandle {
	if keys == nil {
		return nil
	}
	return func(ctx context.Context, info *tap.Info) (context.Context, error) {
		if isInfra(info.FullMethodName) {
			return ctx, nil
		}
		id, err := keys.Verify(bearer(info.Header), time.Now())
		if err == nil {
			return auth.NewContext(ctx, id), nil
		}
		addr := clientAddr(ctx)
		refusal := Status(&fault.Error{Kind: fault.KindUnauthenticated, Reason: "UNAUTHENTICATED",
			Message: "a valid bearer token is required (Authorization: Bearer …)"}).Err()
		if d := limits.LocalFailure("grpc", addr); !d.Allowed {
			refusal = tooManyCalls(d)
		}
		service, method := splitMethod(info.FullMethodName)
		st := status.Convert(refusal)
		log.LogAttrs(ctx, slog.LevelInfo, "grpc call", slog.String("grpc.service", service), slog.String("grpc.method", method),
			slog.String("grpc.code", st.Code().String()), slog.String("grpc.message", st.Message()), slog.String("client_addr", addr))
		return nil, refusal
	}
}

// bearer is the token of the call's "authorization" metadata, "" if none.
func bearer(md metadata.MD) string {
	for _, v := range md.Get("authorization") {
		if token, ok := strings.CutPrefix(v, "Bearer "); ok {
			return strings.TrimSpace(token)
		}
	}
	return ""
}

// clientAddr is the caller's IP address (without the port: a client opens
// connections from many ports), or "unknown".
func clientAddr(ctx context.Context) string {
	p, ok := peer.FromContext(ctx)
	if !ok || p.Addr == nil {
		return "unknown"
	}
	host, _, err := net.SplitHostPort(p.Addr.String())
	if err != nil {
		return p.Addr.String()
	}
	return host
}
