// Command registry runs the registry service alone, as in production:
//
//	registry --grpc-addr :9101 --criteria-addr criteria:9102 --postgres-url postgres://… --postgres-schema registry
//
// Every flag can also be set from the environment (NTM_GRPC_ADDR, NTM_POSTGRES_URL, …).
package main

import (
	"context"
	"flag"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/servicemain"
	"github.com/ntmsuite/ntm/platform/telemetry"
	"github.com/ntmsuite/ntm/services/registry"
)

func main() { servicemain.Main("registry", run) }

func run(ctx context.Context, args []string, logger *slog.Logger) error {
	fs := flag.NewFlagSet("registry", flag.ContinueOnError)
	grpcAddr := fs.String("grpc-addr", "127.0.0.1:9101", "gRPC listen address")
	metricsAddr := fs.String("metrics-addr", "127.0.0.1:9201", "Prometheus /metrics listen address; empty disables")
	sqlitePath := fs.String("sqlite-path", "data/registry.db", "SQLite database file, used when --postgres-url is empty")
	pgURL := fs.String("postgres-url", "", "PostgreSQL URL; selects PostgreSQL")
	pgSchema := fs.String("postgres-schema", "registry", "PostgreSQL schema of the registry's tables")
	criteriaAddr := fs.String("criteria-addr", "127.0.0.1:9102", "criteria service gRPC address: a recognition is checked against its criteria set and the unit's score there")
	redisAddr := fs.String("redis-addr", "", "Redis address of the aggregate cache: every write advances the registry's generation there, so cached aggregates of other services are recomputed, and the rate limits count there across replicas; empty when nothing caches (rate limits then count in this process)")
	reflection := fs.Bool("reflection", false, "register gRPC reflection (for grpcurl)")
	authFlags := servicemain.NewAuthFlags(fs)
	limitFlags := servicemain.NewLimitFlags(fs)
	tlsFlags := servicemain.NewTLSFlags(fs)
	otlp := telemetry.EndpointFlag(fs)
	if err := config.Parse(fs, args, "NTM_"); err != nil {
		return err
	}
	logger.Info("starting registry", config.Redacted(fs)...)
	stopTracing, err := telemetry.Setup(ctx, telemetry.Config{Service: "registry", Endpoint: *otlp, Logger: logger})
	if err != nil {
		return err
	}
	defer stopTracing() // last: flushes the spans of the calls just drained
	keys, err := authFlags.Load(ctx, logger)
	if err != nil {
		return err
	}
	transport, err := tlsFlags.Load(authFlags, "criteria (--criteria-addr)")
	if err != nil {
		return err
	}

	// The criteria service asks the registry too: each dials the other, and
	// a connection waits for its peer rather than failing when it is not up yet.
	crit, err := grpcclient.Dial(*criteriaAddr, transport.Dial())
	if err != nil {
		return err
	}
	defer crit.Close()
	reg := prometheus.NewRegistry()
	metrics := grpcserver.NewMetrics(reg)
	cfg := registry.Config{SQLitePath: *sqlitePath, PostgresURL: *pgURL, PostgresSchema: *pgSchema,
		Logger: logger, Metrics: metrics, Reflection: *reflection, AuthKeys: keys, Criteria: crit}
	var r *cache.Redis // nil: rate limits counted in this process
	if *redisAddr != "" {
		r = limitFlags.Redis(*redisAddr)
		defer r.Close()
		cfg.Cache = r
	}
	cfg.RateLimit = limitFlags.Policy(r, logger)
	svc, err := registry.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer svc.Close()
	return servicemain.Serve(ctx, logger, *grpcAddr, *metricsAddr, reg, transport.Serving(svc.Serve))
}
