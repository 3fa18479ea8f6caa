package servicemain

import (
	"context"
	"errors"
	"flag"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/ratelimit"
	"github.com/ntmsuite/ntm/platform/telemetry"
)

// Composer describes a command whose service owns no data and composes
// what other services answer (the report): its name, listen defaults and
// the services it reads, each reached at a --<name>-addr flag.
type Composer struct {
	Name                  string
	GRPCAddr, MetricsAddr string
	Backends              []Backend
}

// Backend is a service a Composer reads and its default address.
type Backend struct{ Name, Addr string }

// ComposerDeps is what RunComposer gives the service's Open.
type ComposerDeps struct {
	// Conns are connections to the backends, by name; they forward the
	// caller's token and request id (grpcclient).
	Conns      map[string]grpc.ClientConnInterface
	Reflection bool
	Logger     *slog.Logger
	Metrics    *grpcserver.Metrics
	// AuthKeys are the key set of --auth-keys-file; nil serves without
	// authentication.
	AuthKeys *auth.KeySet
	// RateLimit is the policy of the --rate-limit-* flags, counted in Redis
	// at --redis-addr when given.
	RateLimit *ratelimit.Policy
}

// RunComposer is the run function (see Main) of a Composer command: it
// parses args (and NTM_* environment variables), dials the backends, opens
// the service with open and serves it until ctx is done.
func RunComposer(ctx context.Context, args []string, logger *slog.Logger, c Composer, open func(context.Context, ComposerDeps) (Service, error)) (err error) {
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	sf := newServingFlags(fs, c.GRPCAddr, c.MetricsAddr)
	addrs := make(map[string]*string, len(c.Backends))
	for _, b := range c.Backends {
		addrs[b.Name] = fs.String(b.Name+"-addr", b.Addr, b.Name+" gRPC address")
	}
	redisAddr := fs.String("redis-addr", "", "Redis address sharing the rate limits between replicas; empty counts in this process")
	keys, err := sf.parse(ctx, fs, args, logger, c.Name)
	if err != nil {
		return err
	}
	stopTracing, err := telemetry.Setup(ctx, telemetry.Config{Service: c.Name, Endpoint: *sf.otlp, Logger: logger})
	if err != nil {
		return err
	}
	defer stopTracing() // last: flushes the spans of the calls just drained

	var r *cache.Redis // nil: rate limits counted in this process
	if *redisAddr != "" {
		r = sf.limits.Redis(*redisAddr)
		defer r.Close()
	}
	dials := make([]string, 0, len(c.Backends))
	for _, b := range c.Backends {
		dials = append(dials, b.Name+" (--"+b.Name+"-addr)")
	}
	transport, err := sf.tls.Load(sf.auth, dials...)
	if err != nil {
		return err
	}
	conns := make(map[string]grpc.ClientConnInterface, len(addrs))
	for name, addr := range addrs {
		conn, err := grpcclient.Dial(*addr, transport.Dial(), grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(grpcserver.MaxMessageBytes)))
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, conn.Close()) }()
		conns[name] = conn
	}
	reg := prometheus.NewRegistry()
	svc, err := open(ctx, ComposerDeps{Conns: conns, Reflection: *sf.reflection, Logger: logger,
		Metrics: grpcserver.NewMetrics(reg), AuthKeys: keys, RateLimit: sf.limits.Policy(r, logger)})
	if err != nil {
		return err
	}
	defer svc.Close()
	return Serve(ctx, logger, *sf.grpcAddr, *sf.metricsAddr, reg, transport.Serving(svc.Serve))
}
