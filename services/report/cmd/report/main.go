// Command report runs the report service alone, as in production:
//
//	report --grpc-addr :9105 --registry-addr registry:9101 --criteria-addr criteria:9102 \
//	       --ocop-addr ocop:9103 --funding-addr funding:9104
//
// Every flag can also be set from the environment (NTM_GRPC_ADDR, NTM_REGISTRY_ADDR, …).
// It owns no data: it composes what the four services answer.
package main

import (
	"context"
	"log/slog"

	"github.com/ntmsuite/ntm/platform/servicemain"
	"github.com/ntmsuite/ntm/services/report"
)

func main() { servicemain.Main("report", run) }

func run(ctx context.Context, args []string, logger *slog.Logger) error {
	return servicemain.RunComposer(ctx, args, logger, servicemain.Composer{
		Name: "report", GRPCAddr: "127.0.0.1:9105", MetricsAddr: "127.0.0.1:9205",
		Backends: []servicemain.Backend{
			{Name: "registry", Addr: "127.0.0.1:9101"}, {Name: "criteria", Addr: "127.0.0.1:9102"},
			{Name: "ocop", Addr: "127.0.0.1:9103"}, {Name: "funding", Addr: "127.0.0.1:9104"},
		},
	}, func(ctx context.Context, d servicemain.ComposerDeps) (servicemain.Service, error) {
		return report.Open(ctx, report.Config{Registry: d.Conns["registry"], Criteria: d.Conns["criteria"], Ocop: d.Conns["ocop"],
			Funding: d.Conns["funding"], Logger: d.Logger, Metrics: d.Metrics, Reflection: d.Reflection, AuthKeys: d.AuthKeys,
			RateLimit: d.RateLimit})
	})
}
