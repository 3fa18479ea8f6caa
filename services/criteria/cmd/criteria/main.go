// Command criteria runs the criteria service alone, as in production:
//
//	criteria --grpc-addr :9102 --registry-addr registry:9101 --redis-addr redis:6379 \
//	         --postgres-url postgres://… --postgres-schema criteria
//
// Every flag can also be set from the environment (NTM_GRPC_ADDR, NTM_REDIS_ADDR, …).
// Run the registry with the same --redis-addr so its writes reach the cache.
package main

import (
	"context"
	"log/slog"

	"github.com/ntmsuite/ntm/platform/servicemain"
	"github.com/ntmsuite/ntm/services/criteria"
)

func main() { servicemain.Main("criteria", run) }

func run(ctx context.Context, args []string, logger *slog.Logger) error {
	return servicemain.RunDependent(ctx, args, logger, servicemain.Dependent{
		Name: "criteria", GRPCAddr: "127.0.0.1:9102", MetricsAddr: "127.0.0.1:9202",
		SQLitePath: "data/criteria.db", PostgresSchema: "criteria",
		RedisHelp:   "Redis address (host:port) of the aggregate cache shared by replicas; empty caches in this process only",
		CatalogHelp: "directory of extra catalog files (a province's thresholds), read after the shipped ones",
	}, func(ctx context.Context, d servicemain.Deps) (servicemain.Service, error) {
		return criteria.Open(ctx, criteria.Config{SQLitePath: d.SQLitePath, PostgresURL: d.PostgresURL, PostgresSchema: d.PostgresSchema,
			CatalogDir: d.CatalogDir, Registry: d.Registry, Cache: d.Cache,
			Logger: d.Logger, Metrics: d.Metrics, Registerer: d.Registerer, Reflection: d.Reflection, AuthKeys: d.AuthKeys,
			RateLimit: d.RateLimit})
	})
}
