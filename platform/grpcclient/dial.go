// Package grpcclient dials other NTM services with the same conventions the
// servers expect, chiefly that each hop passes on the id of the call it serves
// (the next hop keeps it as its client request id, so logs join across hops)
// and the caller's bearer token: a service asking the registry on a caller's
// behalf asks as that caller, never with more rights.
package grpcclient

import (
	"context"
	"crypto/tls"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/telemetry"
)

// Dial creates a client for addr (any grpc.NewClient target, or a
// comma-separated list of replicas: see Target), balanced over the
// service's replicas (Balanced). Transport is plaintext unless opts hold
// WithTLS: opts are applied after the defaults, so callers may add to or
// override them.
func Dial(addr string, opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	base := []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithChainUnaryInterceptor(forwardUnary),
		grpc.WithChainStreamInterceptor(forwardStream),
	}
	base = append(base, Balanced()...)
	// Each call is a span of the trace of the call being served, and
	// carries that trace on (traceparent) to the next hop.
	base = append(base, telemetry.DialOptions()...)
	return grpc.NewClient(Target(addr), append(base, opts...)...)
}

// WithTLS dials with TLS configured by c (config.TLSFiles.Client: the
// suite's CA, and this process's certificate for mTLS); nil dials in
// plaintext, as on one machine.
func WithTLS(c *tls.Config) grpc.DialOption {
	if c == nil {
		return grpc.WithTransportCredentials(insecure.NewCredentials())
	}
	return grpc.WithTransportCredentials(credentials.NewTLS(c))
}

// withRequestID copies the request id of the call being served (if any) to
// the outgoing metadata, unless the caller already set one explicitly.
func withRequestID(ctx context.Context) context.Context {
	if out, _ := metadata.FromOutgoingContext(ctx); len(out.Get(grpcserver.RequestIDHeader)) > 0 {
		return ctx
	}
	id := grpcserver.RequestIDFromContext(ctx)
	if id == "" {
		// A context that did not pass through grpcserver's chain may still
		// carry the caller's id in its raw metadata.
		if in := metadata.ValueFromIncomingContext(ctx, grpcserver.RequestIDHeader); len(in) > 0 {
			id = in[0]
		}
	}
	if id == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, grpcserver.RequestIDHeader, id)
}

// withAuthorization copies the bearer token of the call being served (if
// any) to the outgoing metadata, unless the caller set one explicitly.
func withAuthorization(ctx context.Context) context.Context {
	if out, _ := metadata.FromOutgoingContext(ctx); len(out.Get(authorizationKey)) > 0 {
		return ctx
	}
	if v := metadata.ValueFromIncomingContext(ctx, authorizationKey); len(v) > 0 {
		return metadata.AppendToOutgoingContext(ctx, authorizationKey, v[0])
	}
	return ctx
}

// authorizationKey is the metadata the gateway puts the client's
// Authorization header in, and the servers read the token from.
const authorizationKey = "authorization"

func forward(ctx context.Context) context.Context { return withAuthorization(withRequestID(ctx)) }

func forwardUnary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	return invoker(forward(ctx), method, req, reply, cc, opts...)
}

func forwardStream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	return streamer(forward(ctx), desc, cc, method, opts...)
}
