package grpcserver

import (
	"context"
	"log/slog"
	"strings"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/idempotency"
	"github.com/ntmsuite/ntm/platform/ratelimit"
	"github.com/ntmsuite/ntm/platform/telemetry"
)

// link is one position of the interceptor chain, for both call kinds.
type link struct {
	unary  grpc.UnaryServerInterceptor
	stream grpc.StreamServerInterceptor
	// infra links also run for health and reflection calls.
	infra bool
}

// interceptors returns the chain, outermost first. The order is the design:
// each position relies on what the outer ones have set up.
//
// Authentication is not a link: the tap handle (authnTap) refuses a call
// without a valid token before its message is read (logging the refusal
// itself, as no link sees it), and puts the caller's identity in the
// context every link sees.
func interceptors(log *slog.Logger, m *Metrics, rl *ratelimit.Policy, idem *idempotency.Store) ([]grpc.UnaryServerInterceptor, []grpc.StreamServerInterceptor) {
	links := []link{
		recoveryLink(log),  // 1 outermost: a panic anywhere below becomes INTERNAL, never a dead process
		requestIDLink(),    // 2 before anything that logs or measures, so they all carry the id
		traceLink(),        // 2b the call's span carries the request ids, which find a trace from the log or the audit trail
		metricsLink(m),     // 3 counts and times calls with their final (mapped) code
		loggingLink(log),   // 4 one line per call (successful reads at debug); sees the hidden cause of INTERNAL errors
		rateLimitLink(rl),  // 5 refuses a principal (the tap's identity) or address over its rate before any work is done
		ifMatchLink(),      // 6 the If-Match metadata becomes the request's etag, which validation then checks
		validationLink(),   // 7 rejects requests breaking their buf.validate rules before service code runs
		textLink(),         // 8 rejects NUL and invalid UTF-8 in any string, which PostgreSQL cannot store
		replayLink(idem),   // 9 a retry with a request id gets the first answer; only valid requests (etag included) are remembered, per caller
		errorMappingLink(), // 10 innermost, wraps the handler: domain errors become statuses
	}
	var unary []grpc.UnaryServerInterceptor
	var stream []grpc.StreamServerInterceptor
	for _, l := range links {
		if l.unary == nil {
			continue // disabled (no metrics, no keys)
		}
		if !l.infra {
			l = skipInfra(l)
		}
		unary = append(unary, l.unary)
		stream = append(stream, l.stream)
	}
	return unary, stream
}

// isInfra reports calls to the health and reflection services: probes must
// keep working however the application-level links behave.
func isInfra(fullMethod string) bool { return telemetry.IsInfra(fullMethod) }

func skipInfra(l link) link {
	u, s := l.unary, l.stream
	return link{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			if isInfra(info.FullMethod) {
				return h(ctx, req)
			}
			return u(ctx, req, info, h)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			if isInfra(info.FullMethod) {
				return h(srv, ss)
			}
			return s(srv, ss, info, h)
		},
	}
}

// messageLink runs check on the request message before the handler sees
// it (a stream's messages one by one, as the handler receives them): an
// error refuses the call and is what the client gets; check may also
// complete the message (the If-Match link sets its etag).
func messageLink(check func(ctx context.Context, m any) error) link {
	return link{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			if err := check(ctx, req); err != nil {
				return nil, err
			}
			return h(ctx, req)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			ctx := ss.Context()
			return h(srv, &stream{ServerStream: ss, ctx: ctx, recv: func(m any) error { return check(ctx, m) }})
		},
	}
}

// splitMethod turns "/ntm.registry.v1.RegistryService/GetUnit" into its service and method.
func splitMethod(fullMethod string) (service, method string) {
	service, method, ok := strings.Cut(strings.TrimPrefix(fullMethod, "/"), "/")
	if !ok {
		return "unknown", fullMethod
	}
	return service, method
}

// stream is a ServerStream with a replaced context and, optionally, a hook on
// every received message.
type stream struct {
	grpc.ServerStream
	ctx  context.Context
	recv func(m any) error
}

func (s *stream) Context() context.Context { return s.ctx }

func (s *stream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	if s.recv != nil {
		return s.recv(m)
	}
	return nil
}
