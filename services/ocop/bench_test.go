package ocop_test

// Benchmarks of the country's OCOP summary on a synthetic country of 10,000
// communes, cold (issue 16: ≤ 20 ms):
//
//	BenchmarkSummaryCountryCold10k/after_write       an OCOP write invalidated the summary
//	BenchmarkSummaryCountryCold10k/after_map_change  a registry write invalidated it, and with it what the service keeps of the map
//	BenchmarkSummaryCountryCold10k/new_as_of         a day not asked before (nothing cached for it), the map unchanged
//
// The map has the communes merged in threes on 2025-07-01, after the days
// read (synthetic.Country.MergeInThrees). The real registry and OCOP services run in process on
// SQLite, over one Redis under a prefix of their own; without Redis the
// benchmark skips (or fails under NTM_TEST_REQUIRE_SERVICES=1).

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/cache/cachetest"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/grpctest"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop"
	"github.com/ntmsuite/ntm/services/ocop/internal/server"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
	"github.com/ntmsuite/ntm/services/registry/registrytest"
)

const (
	benchCommunes = 10_000
	// benchFirstDay is the first day with figures: the benchmarks read
	// days from it to the synthetic country's assessment day (2024-12-31).
	benchFirstDay = "2024-01-10"
	// benchProducers are spread over the communes, one in every tenth.
	benchProducers = benchCommunes / 10
)

func BenchmarkSummaryCountryCold10k(b *testing.B) {
	ctx := context.Background()
	rc := cache.NewRedis(cache.RedisOptions{Addr: cachetest.RedisAddr(), Prefix: cachetest.Prefix(b)})
	b.Cleanup(func() { _ = rc.Close() })
	regConn, country := registrytest.StartCountry(b, rc, benchCommunes)
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
			DisplayName: "HTX Giả lập " + c.Code, Kind: ocopv1.ProducerKind_COOPERATIVE, UnitCode: c.Code, RegisteredOn: benchFirstDay}})
		if err != nil {
			b.Fatalf("producer in %s: %v", c.Code, err)
		}
	}
	read := func(b *testing.B, asOf string) {
		s, err := client.GetOcopSummary(ctx, &ocopv1.GetOcopSummaryRequest{UnitCode: server.CountryCode, AsOf: asOf})
		if err != nil {
			b.Fatal(err)
		}
		if s.GetProducers() != benchProducers {
			b.Fatalf("summary counts %d producers, want %d", s.GetProducers(), benchProducers)
		}
	}
	cachetest.ColdReads(b, rc, server.Generation, registryclient.Generation, date.MustParse(benchFirstDay), date.MustParse(country.AssessedOn), read)
}
