package funding_test

// Benchmarks of the country's funding summary on a synthetic country of
// 10,000 communes, each with a plan, cold (issue 16: ≤ 20 ms):
//
//	BenchmarkSummaryCountryCold10k/after_write       a funding write invalidated the summary
//	BenchmarkSummaryCountryCold10k/after_map_change  a registry write invalidated it, and with it what the service keeps of the map
//	BenchmarkSummaryCountryCold10k/new_as_of         a day not asked before (nothing cached for it), the map unchanged
//
// The map has the communes merged in threes on 2025-07-01, after the days
// read (synthetic.Country.MergeInThrees). The real registry and funding services run in process on
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
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/funding"
	"github.com/ntmsuite/ntm/services/funding/internal/server"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
	"github.com/ntmsuite/ntm/services/registry/registrytest"
)

const (
	benchCommunes = 10_000
	// benchFirstDay is the first day with figures: the benchmarks read
	// days from it to the synthetic country's assessment day (2024-12-31).
	benchFirstDay = "2024-01-10"
	benchPlan     = 1_000_000_000 // VND per commune
	// benchBatch is the most plans one BatchCreatePlans takes.
	benchBatch = 1000
)

func BenchmarkSummaryCountryCold10k(b *testing.B) {
	ctx := context.Background()
	rc := cache.NewRedis(cache.RedisOptions{Addr: cachetest.RedisAddr(), Prefix: cachetest.Prefix(b)})
	b.Cleanup(func() { _ = rc.Close() })
	regConn, country := registrytest.StartCountry(b, rc, benchCommunes)
	svc, err := funding.Open(ctx, funding.Config{SQLitePath: filepath.Join(b.TempDir(), "funding.db"), Registry: regConn, Cache: rc,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = svc.Close() })
	client := fundingv1.NewFundingServiceClient(grpctest.Dial(b, svc.Server()))
	year := int32(date.MustParse(benchFirstDay).Year())
	for lo := 0; lo < benchCommunes; lo += benchBatch {
		var plans []*fundingv1.Plan
		for _, c := range country.Communes[lo:min(lo+benchBatch, benchCommunes)] {
			plans = append(plans, &fundingv1.Plan{Year: year, UnitCode: c.Code, Source: "CENTRAL_BUDGET", Purpose: "TRANSPORT",
				AmountVnd: benchPlan, AllocatedOn: benchFirstDay})
		}
		if _, err := client.BatchCreatePlans(ctx, &fundingv1.BatchCreatePlansRequest{Plans: plans}); err != nil {
			b.Fatalf("plans %d..: %v", lo, err)
		}
	}
	read := func(b *testing.B, asOf string) {
		s, err := client.GetFundingSummary(ctx, &fundingv1.GetFundingSummaryRequest{UnitCode: server.CountryCode, AsOf: asOf})
		if err != nil {
			b.Fatal(err)
		}
		if got := s.GetTotal().GetPlannedVnd(); got != benchCommunes*benchPlan {
			b.Fatalf("summary plans %d VND, want %d", got, benchCommunes*benchPlan)
		}
	}
	cachetest.ColdReads(b, rc, server.Generation, registryclient.Generation, date.MustParse(benchFirstDay), date.MustParse(country.AssessedOn), read)
}
