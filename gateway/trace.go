package gateway

import (
	"context"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc/metadata"

	"github.com/ntmsuite/ntm/platform/telemetry"
)

// traced makes every request a server span, continuing the trace of an
// incoming traceparent header (or starting one), with the gateway's
// request id on it; the gRPC calls the request makes are its children
// (telemetry.DialOptions). The span holds what otelhttp records (method,
// path, addresses, user agent, status, sizes), never headers or bodies.
// Probes of /healthz are not traced. When the process records no spans,
// the request only continues the client's trace, for the access log and
// the services.
func traced(next http.Handler) http.Handler {
	if !telemetry.Recording() {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("traceparent") != "" || r.Header.Get("baggage") != "" {
				r = r.WithContext(telemetry.Propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header)))
			}
			next.ServeHTTP(w, r)
		})
	}
	annotated := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if span := trace.SpanFromContext(r.Context()); span.IsRecording() {
			span.SetAttributes(requestIDAttr.String(RequestID(r.Context())))
		}
		next.ServeHTTP(w, r)
	})
	return otelhttp.NewHandler(annotated, "gateway",
		otelhttp.WithPropagators(telemetry.Propagator),
		otelhttp.WithFilter(func(r *http.Request) bool { return r.URL.Path != "/healthz" }),
		// Only traces: the gateway's metrics are not OpenTelemetry's.
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()),
	)
}

// requestIDAttr is the span attribute of the gateway's request id, the
// X-Request-Id a client got back: it finds the request's trace.
const requestIDAttr = attribute.Key("ntm.request_id")

// nameSpan names the request's span by its route once the mux has matched
// one ("POST /v1/units/{unit_code}/assessments"): otelhttp, outside the
// mux, knows only the method, and the path itself would make a name per
// unit. It is a runtime.WithMetadata hook, the first place the route is
// known, and adds no metadata.
func nameSpan(ctx context.Context, r *http.Request) metadata.MD {
	span := trace.SpanFromContext(ctx)
	if route, ok := runtime.HTTPPathPattern(ctx); ok && span.IsRecording() {
		span.SetName(r.Method + " " + route)
		span.SetAttributes(semconv.HTTPRoute(route))
	}
	return nil
}

// traceID is the id of the request's trace for the access log, or "" for
// a request not traced (/healthz).
func traceID(ctx context.Context) string {
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		return sc.TraceID().String()
	}
	return ""
}
