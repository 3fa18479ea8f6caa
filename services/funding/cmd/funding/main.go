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
	"log/slog"

	"github.com/ntmsuite/ntm/platform/servicemain"
	"github.com/ntmsuite/ntm/services/funding"
)

func main() { servicemain.Main("funding", run) }

func run(ctx context.Context, args []string, logger *slog.Logger) error {
	return servicemain.RunDependent(ctx, args, logger, servicemain.Dependent{
		Name: "funding", GRPCAddr: "127.0.0.1:9104", MetricsAddr: "127.0.0.1:9204",
		SQLitePath: "data/funding.db", PostgresSchema: "funding",
		RedisHelp:   "Redis address (host:port) of the summary cache shared by replicas; empty caches in this process only",
		CatalogHelp: "directory of extra catalog files (sources, purposes), read after the shipped one",
	}, func(ctx context.Context, d servicemain.Deps) (servicemain.Service, error) {
		return funding.Open(ctx, funding.Config{SQLitePath: d.SQLitePath, PostgresURL: d.PostgresURL, PostgresSchema: d.PostgresSchema,
			CatalogDir: d.CatalogDir, Registry: d.Registry, Cache: d.Cache,
			Logger: d.Logger, Metrics: d.Metrics, Registerer: d.Registerer, Reflection: d.Reflection, AuthKeys: d.AuthKeys,
			RateLimit: d.RateLimit})
	})
}
