// Package grpcserver builds the gRPC server every NTM service runs: a tap
// handle that checks the bearer token before a request's message is read,
// one interceptor chain (recovery, request id, metrics, logging, rate
// limits, If-Match, validation, the text check, replays of retried creates,
// error mapping; see interceptors), the standard health service driven by a
// readiness check, optional reflection, and a bounded graceful shutdown.
package grpcserver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"runtime"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/idempotency"
	"github.com/ntmsuite/ntm/platform/ratelimit"
	"github.com/ntmsuite/ntm/platform/telemetry"
)

// MaxMessageBytes is the largest message of the suite: the registry's
// unit import (a province's units), and what clients accept as an answer.
const MaxMessageBytes = 32 << 20

// DefaultMaxRecvMsgSize is the largest request of a service whose Options
// say nothing: gRPC's own default.
const DefaultMaxRecvMsgSize = 4 << 20

// Options configures New. The zero value is a usable server without metrics
// or reflection that is always ready.
type Options struct {
	Logger *slog.Logger // nil = slog.Default()
	// Metrics is shared by all servers of a process (see NewMetrics); nil = no metrics.
	Metrics *Metrics
	// Reflection registers the gRPC reflection service (for grpcurl and friends).
	Reflection bool
	// ShutdownTimeout bounds GracefulStop; after it in-flight calls are cut off.
	// Zero means 10s.
	ShutdownTimeout time.Duration
	// Ready reports whether the server can do useful work (e.g. a store ping).
	// Health reports NOT_SERVING while it fails. It must honour ctx. nil = always ready.
	Ready func(context.Context) error
	// ServiceNames are the fully-qualified services reported in health besides
	// the overall "" entry, e.g. "ntm.registry.v1.RegistryService".
	ServiceNames []string
	// Wire (optional) holds responses already in wire form (see Wire).
	Wire *Wire
	// AuthKeys (optional) verify the bearer token of every call (health and
	// reflection excepted); nil serves without authentication.
	AuthKeys *auth.KeySet
	// MaxRecvMsgSize is the largest request message the server reads, which
	// each service sizes by its largest batch: every call may make the
	// server hold this much. Zero means DefaultMaxRecvMsgSize.
	MaxRecvMsgSize int
	// RateLimit (optional) refuses calls over its rules per principal and
	// per client address (RESOURCE_EXHAUSTED with a RetryInfo), and answers
	// an address failing authentication too often the same way; nil
	// limits nothing.
	RateLimit *ratelimit.Policy
	// Idempotency (optional) remembers the answers of calls carrying a
	// request id (AIP-155), so that retries do not write twice; nil runs
	// every call.
	Idempotency *idempotency.Store
}

// Server is a *grpc.Server plus the lifecycle around it.
type Server struct {
	grpc     *grpc.Server
	health   *health.Server
	log      *slog.Logger
	metrics  *Metrics
	ready    func(context.Context) error
	services []string
	timeout  time.Duration
	// readyEvery is how often Ready is polled; a field so tests can shorten it.
	readyEvery time.Duration
}

const (
	defaultShutdownTimeout = 10 * time.Second
	defaultReadyEvery      = time.Second
)

// New builds a server; register services on GRPC() before calling Serve.
// streamWorkersPerCPU sizes the pool of stream workers: idle ones cost
// their stacks only (some KB each).
const streamWorkersPerCPU = 32

func New(o Options) *Server {
	s := &Server{
		health:     health.NewServer(),
		log:        o.Logger,
		metrics:    o.Metrics,
		ready:      o.Ready,
		services:   append([]string{""}, o.ServiceNames...),
		timeout:    o.ShutdownTimeout,
		readyEvery: defaultReadyEvery,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.timeout <= 0 {
		s.timeout = defaultShutdownTimeout
	}
	unary, stream := interceptors(s.log, s.metrics, o.RateLimit, o.Idempotency)
	maxRecv := o.MaxRecvMsgSize
	if maxRecv <= 0 {
		maxRecv = DefaultMaxRecvMsgSize
	}
	opts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(unary...),
		grpc.ChainStreamInterceptor(stream...),
		grpc.MaxRecvMsgSize(maxRecv),
		// Long-lived workers keep the stacks the interceptor chain grew:
		// a goroutine per call grows a fresh stack each time (runtime.newstack
		// was 6% of a cached read's CPU). A call that finds every worker
		// busy gets a goroutine of its own, so there are enough for the
		// calls in flight while each waits on Redis or the database (with
		// one per CPU, copying stacks was still a quarter of a cached read).
		grpc.NumStreamWorkers(uint32(streamWorkersPerCPU * runtime.GOMAXPROCS(0))),
	}
	opts = append(opts, keepaliveOptions()...)
	// When tracing, the call's span starts (continuing the caller's trace)
	// before any link runs, so that the log line carries the trace id.
	opts = append(opts, telemetry.ServerOptions()...)
	if o.Wire != nil {
		opts = append(opts, grpc.ForceServerCodecV2(newWireCodec(o.Wire)))
	}
	if h := authnTap(o.AuthKeys, o.RateLimit, s.log); h != nil {
		opts = append(opts, grpc.InTapHandle(h))
	}
	s.grpc = grpc.NewServer(opts...)
	healthgrpc.RegisterHealthServer(s.grpc, s.health)
	if o.Reflection {
		reflection.Register(s.grpc)
	}
	// Until the first readiness check has passed, a server with a Ready
	// check must not attract traffic.
	s.setServing(s.ready == nil)
	return s
}

// GRPC is the underlying server, to register services on.
func (s *Server) GRPC() *grpc.Server { return s.grpc }

// Serve serves on lis until ctx is done, then reports NOT_SERVING for every
// service, stops gracefully within ShutdownTimeout and then hard. It returns
// nil on a clean shutdown and the listener's error if serving fails.
func (s *Server) Serve(ctx context.Context, lis net.Listener) error {
	if s.metrics != nil {
		// Zero-valued series for every method, so dashboards show idle methods.
		s.metrics.initialize(s.grpc)
	}
	readyCtx, stopReady := context.WithCancel(ctx)
	readyDone := make(chan struct{})
	go func() {
		defer close(readyDone)
		s.watchReady(readyCtx)
	}()

	served := make(chan error, 1)
	go func() { served <- s.grpc.Serve(lis) }()

	select {
	case err := <-served:
		// The listener failed before anyone asked us to stop.
		stopReady()
		<-readyDone
		s.health.Shutdown()
		s.grpc.Stop() // connections accepted earlier outlive Serve otherwise
		return err
	case <-ctx.Done():
	}

	// Stop the readiness loop first so it cannot flip health back to SERVING.
	stopReady()
	<-readyDone
	s.health.Shutdown()
	s.log.Info("grpc server shutting down", "timeout", s.timeout)

	stopped := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(stopped)
	}()
	timer := time.NewTimer(s.timeout)
	defer timer.Stop()
	select {
	case <-stopped:
	case <-timer.C:
		s.log.Warn("grpc graceful stop timed out; closing remaining calls")
		s.grpc.Stop()
		<-stopped
	}
	if err := <-served; !errors.Is(err, grpc.ErrServerStopped) {
		return err
	}
	// Stopped before Serve got going (ctx was done at once): still a clean stop.
	return nil
}
