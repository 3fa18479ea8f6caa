// Command funding runs the funding service alone, as in production:
//
//	funding --grpc-addr :9104 --registry-addr registry:9101 --redis-addr redis:6379 \
//	        --postgres-url postgres://… --postgres-schema funding
//
// Every flag can also be set from the environment (NTM_GRPC_ADDR, NTM_REDIS_ADDR, …).
// Run the registry with the same --redis-addr so its writes reach the cache.
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
	"github.com/ntmsuite/ntm/services/funding"
)

func main() { servicemain.Main("funding", run) }

func run(ctx context.Context, args []string, logger *slog.Logger) error {
	fs := flag.NewFlagSet("funding", flag.ContinueOnError)
	grpcAddr := fs.String("grpc-addr", "127.0.0.1:9104", "gRPC listen address")
	metricsAddr := fs.String("metrics-addr", "127.0.0.1:9204", "Prometheus /metrics listen address; empty disables")
	registryAddr := fs.String("registry-addr", "127.0.0.1:9101", "registry gRPC address")
	redisAddr := fs.String("redis-addr", "", "Redis address (host:port) of the summary cache shared by replicas; empty caches in this process only")
	sqlitePath := fs.String("sqlite-path", "data/funding.db", "SQLite database file, used when --postgres-url is empty")
	pgURL := fs.String("postgres-url", "", "PostgreSQL URL; selects PostgreSQL")
	pgSchema := fs.String("postgres-schema", "funding", "PostgreSQL schema of the service's tables")
	catalogDir := fs.String("catalog-dir", "", "directory of extra catalog files (sources, purposes), read after the shipped one")
	reflection := fs.Bool("reflection", false, "register gRPC reflection (for grpcurl)")
	if err := config.Parse(fs, args, "NTM_"); err != nil {
		return err
	}
	logger.Info("starting funding", config.Redacted(fs)...)

	var c cache.Cache = cache.NewMemory()
	if *redisAddr != "" {
		r := cache.NewRedis(cache.RedisOptions{Addr: *redisAddr, Prefix: cache.DefaultPrefix})
		defer r.Close()
		c = r
	}
	conn, err := grpcclient.Dial(*registryAddr)
	if err != nil {
		return err
	}
	defer conn.Close()
	reg := prometheus.NewRegistry()
	svc, err := funding.Open(ctx, funding.Config{SQLitePath: *sqlitePath, PostgresURL: *pgURL, PostgresSchema: *pgSchema,
		CatalogDir: *catalogDir, Registry: conn, Cache: c,
		Logger: logger, Metrics: grpcserver.NewMetrics(reg), Registerer: reg, Reflection: *reflection})
	if err != nil {
		return err
	}
	defer svc.Close()
	return servicemain.Serve(ctx, logger, *grpcAddr, *metricsAddr, reg, svc.Serve)
}
