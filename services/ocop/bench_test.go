package ocop_test

// Benchmarks of the country's OCOP summary on a synthetic country of 10,000
// communes, cold (issue 16: ≤ 20 ms):
//
//	BenchmarkSummaryCountryCold10k/after_write       an OCOP write invalidated the summary
//	BenchmarkSummaryCountryCold10k/after_map_change  a registry write invalidated it, and with it what the service keeps of the map
//
// The real registry and OCOP services run in process on SQLite, over one
// Redis under a prefix of their own; without Redis the benchmark skips (or
// fails under NTM_TEST_REQUIRE_SERVICES=1).

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/cache/cachetest"
	"github.com/ntmsuite/ntm/platform/grpctest"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria/synthetic"
	"github.com/ntmsuite/ntm/services/ocop"
	"github.com/ntmsuite/ntm/services/ocop/internal/server"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
	"github.com/ntmsuite/ntm/services/registry/registrytest"
)

const (
	benchCommunes = 10_000
	// benchProducers are spread over the communes, one in every tenth.
	benchProducers = benchCommunes / 10
)

func BenchmarkSummaryCountryCold10k(b *testing.B) {
	ctx := context.Background()
	rc := cache.NewRedis(cache.RedisOptions{Addr: cachetest.RedisAddr(), Prefix: cachetest.Prefix(b)})
	b.Cleanup(func() { _ = rc.Close() })
	regConn := registrytest.Start(b, rc)
	country, err := synthetic.New(synthetic.Options{Communes: benchCommunes, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := registryv1.NewRegistryServiceClient(regConn).ImportUnits(ctx, country.ImportUnitsRequest()); err != nil {
		b.Fatal(err)
	}
	svc, err := ocop.Open(ctx, ocop.Config{SQLitePath: filepath.Join(b.TempDir(), "ocop.db"), Registry: regConn, Cache: rc,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = svc.Close() })
	client := ocopv1.NewOcopServiceClient(grpctest.Dial(b, svc.Server()))
	for i := 0; i < benchProducers; i++ {
		c := country.Communes[i*(benchCommunes/benchProducers)]
		_, err := client.CreateProducer(ctx, &ocopv1.CreateProducerRequest{Producer: &ocopv1.Producer{
			DisplayName: "HTX Giả lập " + c.Code, Kind: ocopv1.ProducerKind_COOPERATIVE, UnitCode: c.Code, RegisteredOn: country.AssessedOn}})
		if err != nil {
			b.Fatalf("producer in %s: %v", c.Code, err)
		}
	}
	req := &ocopv1.GetOcopSummaryRequest{UnitCode: server.CountryCode, AsOf: country.AssessedOn}
	read := func(b *testing.B) {
		s, err := client.GetOcopSummary(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		if s.GetProducers() != benchProducers {
			b.Fatalf("summary counts %d producers, want %d", s.GetProducers(), benchProducers)
		}
	}
	for _, bc := range []struct{ name, generation string }{
		{"after_write", server.Generation},
		{"after_map_change", registryclient.Generation},
	} {
		b.Run(bc.name, func(b *testing.B) {
			read(b) // what the map gives is cached before the first write
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				if err := rc.Bump(ctx, bc.generation); err != nil {
					b.Fatal(fmt.Errorf("bump %s: %w", bc.generation, err))
				}
				b.StartTimer()
				read(b)
			}
		})
	}
}
