// Command ocop runs the OCOP service alone, as in production:
//
//	ocop --grpc-addr :9103 --registry-addr registry:9101 --redis-addr redis:6379 \
//	         --postgres-url postgres://… --postgres-schema ocop
//
// Every flag can also be set from the environment (NTM_GRPC_ADDR, NTM_REDIS_ADDR, …).
// Run the registry with the same --redis-addr so its writes reach the cache.
package main

import (
	"context"
	"log/slog"

	"github.com/ntmsuite/ntm/platform/servicemain"
	"github.com/ntmsuite/ntm/services/ocop"
)

func main() { servicemain.Main("ocop", run) }

func run(ctx context.Context, args []string, logger *slog.Logger) error {
	return servicemain.RunDependent(ctx, args, logger, servicemain.Dependent{
		Name: "ocop", GRPCAddr: "127.0.0.1:9103", MetricsAddr: "127.0.0.1:9203",
		SQLitePath: "data/ocop.db", PostgresSchema: "ocop",
		RedisHelp:   "Redis address (host:port) of the summary cache shared by replicas; empty caches in this process only",
		CatalogHelp: "directory of extra catalog files (scoring sheets, council rules), read after the shipped one",
	}, func(ctx context.Context, d servicemain.Deps) (servicemain.Service, error) {
		return ocop.Open(ctx, ocop.Config{SQLitePath: d.SQLitePath, PostgresURL: d.PostgresURL, PostgresSchema: d.PostgresSchema,
			CatalogDir: d.CatalogDir, Registry: d.Registry, Cache: d.Cache,
			Logger: d.Logger, Metrics: d.Metrics, Registerer: d.Registerer, Reflection: d.Reflection, AuthKeys: d.AuthKeys,
			RateLimit: d.RateLimit})
	})
}
