// Package telemetry sets up OpenTelemetry tracing once per process and
// gives the gRPC servers and clients their instrumentation (otelgrpc), so
// that one request is one trace across the gateway, the service it
// reaches and the registry that service asks.
//
// Spans are exported over OTLP/gRPC only when configured (Setup). Otherwise
// nothing is instrumented and no span is recorded, but a trace context
// arriving with a call (W3C traceparent) still passes on to the calls it
// makes and into the log lines (Continue, DialOptions), so a process
// without an exporter does not cut a trace in two.
//
// What spans hold is the instrumentation's semantic attributes (method,
// status code, addresses, the HTTP path) and the request ids: never
// metadata, headers, tokens or messages.
package telemetry

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
)

const endpointFlag = "otlp-endpoint"

// EndpointFlag defines --otlp-endpoint on fs, the same in every command;
// its value is Config.Endpoint.
func EndpointFlag(fs *flag.FlagSet) *string {
	return fs.String(endpointFlag, "", "OTLP/gRPC collector URL receiving this process's traces, e.g. http://otel-collector:4317 (https:// for TLS); empty exports only when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set")
}

// Propagator reads and writes the trace context and baggage of a call as
// W3C headers (traceparent, tracestate, baggage), in gRPC metadata and
// HTTP headers alike.
var Propagator propagation.TextMapPropagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// Config says what Setup sets up.
type Config struct {
	// Service is the resource's service.name (registry, criteria, gateway,
	// ntm, …); OTEL_SERVICE_NAME overrides it.
	Service string
	// Endpoint is --otlp-endpoint: an http:// or https:// URL of an
	// OTLP/gRPC collector. Empty leaves the choice to the standard
	// environment (Enabled).
	Endpoint string
	// Logger receives export failures; nil = slog.Default().
	Logger *slog.Logger
}

// shutdownTimeout bounds the flush of the spans still buffered at exit.
const shutdownTimeout = 5 * time.Second

// Setup installs the process's tracer provider (Use) and propagator as
// OpenTelemetry's globals, which ServerOptions and DialOptions (and the
// gateway's HTTP middleware) use; call it before building servers and
// clients. It exports when Enabled says so, sampling as
// OTEL_TRACES_SAMPLER says (every trace its caller sampled, by default).
// stop flushes the spans not yet exported and stops exporting; call it on
// exit. The exporter connects lazily: a collector not up yet costs spans,
// never the start.
func Setup(ctx context.Context, c Config) (stop func(), err error) {
	otel.SetTextMapPropagator(Propagator)
	on, err := Enabled(c.Endpoint)
	if err != nil {
		return nil, err
	}
	if !on {
		return func() {}, nil
	}
	logger := c.Logger
	if logger == nil {
		logger = slog.Default()
	}
	var opts []otlptracegrpc.Option
	if c.Endpoint != "" {
		// The URL's scheme chooses TLS; the other OTEL_EXPORTER_OTLP_*
		// settings (headers, certificates, timeout) still apply.
		opts = append(opts, otlptracegrpc.WithEndpointURL(c.Endpoint))
	}
	exporter, err := otlptracegrpc.New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("telemetry: OTLP exporter: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithTelemetrySDK(),
		// host.name is the pod's name: it tells replicas apart. Not
		// WithProcess: the command line may hold a database password.
		resource.WithHost(),
		resource.WithAttributes(semconv.ServiceName(c.Service)),
		resource.WithFromEnv(), // last, so OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win
	)
	if err != nil {
		// A detector failing leaves the resource partial, not empty: still export.
		logger.Warn("telemetry: resource incomplete", "error", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	Use(tp)
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		logger.Warn("telemetry: exporting traces failed", "error", err)
	}))
	logger.Info("exporting traces over OTLP", "service", c.Service, "endpoint", endpointOf(c.Endpoint))
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if err := tp.Shutdown(ctx); err != nil {
			logger.Warn("telemetry: flushing traces at exit failed", "error", err)
		}
	}, nil
}

// Enabled reports whether Setup exports: when endpoint (the flag) is
// given, or else when OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, or OTEL_TRACES_EXPORTER is
// "otlp"; never when OTEL_SDK_DISABLED is true or OTEL_TRACES_EXPORTER is
// "none" and the flag is not given. OpenTelemetry's own default would
// export to localhost:4317 unasked; here nothing is exported unless
// someone said where. An endpoint that is not an http(s) URL, or an
// exporter other than otlp, is an error rather than silently no traces.
func Enabled(endpoint string) (bool, error) {
	if endpoint != "" {
		if !strings.HasPrefix(endpoint, "http://") && !strings.HasPrefix(endpoint, "https://") {
			return false, fmt.Errorf("--%s %q: give a URL, http://host:4317 (plaintext) or https://host:4317 (TLS)", endpointFlag, endpoint)
		}
		return true, nil
	}
	if strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") {
		return false, nil
	}
	switch exp := os.Getenv("OTEL_TRACES_EXPORTER"); exp {
	case "none":
		return false, nil
	case "otlp":
		return true, nil
	case "":
	default:
		return false, errors.New("OTEL_TRACES_EXPORTER=" + exp + ": only otlp (or none) is supported")
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "", nil
}

// endpointOf is where the exporter sends, for the log line.
func endpointOf(flag string) string {
	for _, v := range []string{flag, os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT")} {
		if v != "" {
			return v
		}
	}
	return "localhost:4317"
}

// Use makes tp the provider of the spans of the servers, clients and HTTP
// handlers built after the call (Setup's exporting provider, or a test's
// recording one); nil records nothing again, the default.
func Use(tp trace.TracerProvider) {
	if tp == nil {
		otel.SetTracerProvider(tracenoop.NewTracerProvider())
		recording.Store(false)
		return
	}
	otel.SetTracerProvider(tp)
	recording.Store(true)
}

// recording is set by Use: whether spans are recorded at all.
var recording atomic.Bool

// Recording reports whether a tracer provider was installed (Use, Setup).
// When not, servers, clients and the gateway only pass the caller's trace
// context on (Continue, DialOptions): instrumenting them would cost a
// cached read (bench: BenchmarkP2CachedGRPC) a third more allocations to record
// nothing.
func Recording() bool { return recording.Load() }

// ServerOptions trace every call a gRPC server serves when Recording,
// continuing the caller's trace, health checks and reflection excepted;
// otherwise there are none, and the server calls Continue itself.
func ServerOptions() []grpc.ServerOption {
	if !Recording() {
		return nil
	}
	return []grpc.ServerOption{grpc.StatsHandler(otelgrpc.NewServerHandler(grpcOptions()...))}
}

// DialOptions make every call of a gRPC client a span of the trace of the
// call being served, health checks and reflection excepted, and send that
// trace on (traceparent); when not Recording, they only send it on.
func DialOptions() []grpc.DialOption {
	if !Recording() {
		return []grpc.DialOption{grpc.WithChainUnaryInterceptor(passOnUnary), grpc.WithChainStreamInterceptor(passOnStream)}
	}
	return []grpc.DialOption{grpc.WithStatsHandler(otelgrpc.NewClientHandler(grpcOptions()...))}
}

func grpcOptions() []otelgrpc.Option {
	return []otelgrpc.Option{
		otelgrpc.WithPropagators(Propagator),
		otelgrpc.WithFilter(func(info *stats.RPCTagInfo) bool { return !IsInfra(info.FullMethodName) }),
		// Only traces: the calls' metrics are Prometheus's (grpcserver.Metrics).
		otelgrpc.WithMeterProvider(metricnoop.NewMeterProvider()),
	}
}

// Continue returns ctx with the trace context (and baggage) of the
// incoming call's metadata, for a server that records no spans: its log
// lines name the caller's trace and its own calls carry it on. A call
// without any costs two map lookups.
func Continue(ctx context.Context) context.Context {
	if metadata.ValueFromIncomingContext(ctx, "traceparent") == nil && metadata.ValueFromIncomingContext(ctx, "baggage") == nil {
		return ctx
	}
	return Propagator.Extract(ctx, incoming{ctx})
}

// incoming reads the propagator's headers from a call's metadata.
type incoming struct{ ctx context.Context }

func (c incoming) Get(key string) string {
	if v := metadata.ValueFromIncomingContext(c.ctx, key); len(v) > 0 {
		return v[0]
	}
	return ""
}

func (incoming) Set(string, string) {}

func (incoming) Keys() []string { return nil }

// outgoing collects what the propagator writes, as metadata pairs.
type outgoing []string

func (o *outgoing) Set(key, value string) { *o = append(*o, key, value) }

func (*outgoing) Get(string) string { return "" }

func (*outgoing) Keys() []string { return nil }

// passOn adds the trace context and baggage of ctx to the call's metadata.
func passOn(ctx context.Context) context.Context {
	if !trace.SpanContextFromContext(ctx).IsValid() && baggage.FromContext(ctx).Len() == 0 {
		return ctx
	}
	var kv outgoing
	Propagator.Inject(ctx, &kv)
	return metadata.AppendToOutgoingContext(ctx, kv...)
}

func passOnUnary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	return invoker(passOn(ctx), method, req, reply, cc, opts...)
}

func passOnStream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	return streamer(passOn(ctx), desc, cc, method, opts...)
}

// IsInfra reports calls to the health and reflection services: probes
// every few seconds would bury the traces of real requests.
func IsInfra(fullMethod string) bool {
	return strings.HasPrefix(fullMethod, "/grpc.health.v1.Health/") ||
		strings.HasPrefix(fullMethod, "/grpc.reflection.")
}
