package grpcserver

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/telemetry"
)

// Span attributes of the request ids: the id the server minted (the audit
// trail's request_id) and the one its caller sent (the gateway's, or the
// calling service's), so that a trace is found from a log line or an audit
// event.
const (
	requestIDAttr       = attribute.Key("ntm.request_id")
	clientRequestIDAttr = attribute.Key("ntm.client_request_id")
)

// traceLink puts the call's request ids on the span the instrumentation
// (telemetry.ServerOptions) started for it; nothing else of the call.
// When the process records no spans it only continues the caller's trace
// (telemetry.Continue), so the log line names it and the calls made while
// serving carry it on.
func traceLink() link {
	if !telemetry.Recording() {
		return link{
			unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
				return h(telemetry.Continue(ctx), req)
			},
			stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
				return h(srv, &stream{ServerStream: ss, ctx: telemetry.Continue(ss.Context())})
			},
		}
	}
	annotate := func(ctx context.Context) {
		span := trace.SpanFromContext(ctx)
		if !span.IsRecording() {
			return
		}
		span.SetAttributes(requestIDAttr.String(RequestIDFromContext(ctx)))
		if id := ClientRequestIDFromContext(ctx); id != "" {
			span.SetAttributes(clientRequestIDAttr.String(id))
		}
	}
	return link{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			annotate(ctx)
			return h(ctx, req)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			annotate(ss.Context())
			return h(srv, ss)
		},
	}
}

// traceID is the id of the trace the call is part of, for its log line, or
// "" when it is part of none. A trace the caller sent is continued even
// when this process records no spans, so logs join across hops either way.
func traceID(ctx context.Context) string {
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		return sc.TraceID().String()
	}
	return ""
}
