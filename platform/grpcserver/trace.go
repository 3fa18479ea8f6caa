package grpcserver

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
)

// Span attributes of the request ids: the id the server minted (the audit
// trail's request_id) and the one its caller sent (the gateway's, or the
// calling service's), so that a trace is found from a log line or an audit
// event.
const (
	requestIDAttr       = attribute.Key("ntm.request_id")
	clientRequestIDAttr = attribute.Key("ntm.client_request_id")
)

// traceLink puts the call's request ids on the span the stats handler
// (telemetry.ServerHandler) started for it; nothing else of the call, and
// nothing when the span is not recorded.
func traceLink() link {
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
