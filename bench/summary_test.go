//go:build unix

package bench_test

import (
	"testing"

	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

// BenchmarkSummaryCold is the OCOP and the funding summary of the country
// (10,000 communes: a producer in every tenth, a plan in every one) read
// right after a write the summary counts (a producer, a plan), so that no
// cached value answers it. The write is not timed. Target: ≤ 20 ms each.
func BenchmarkSummaryCold(b *testing.B) {
	e := setup(b)
	b.Run("ocop", func(b *testing.B) {
		req := &ocopv1.GetOcopSummaryRequest{UnitCode: countryCode, AsOf: e.country.AssessedOn}
		b.ResetTimer()
		for i := range b.N {
			b.StopTimer()
			if _, err := e.ocop.CreateProducer(e.ctx, e.producer(i%communes)); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := e.ocop.GetOcopSummary(e.ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("funding", func(b *testing.B) {
		req := &fundingv1.GetFundingSummaryRequest{UnitCode: countryCode, AsOf: e.country.AssessedOn}
		b.ResetTimer()
		for i := range b.N {
			b.StopTimer()
			p, err := e.plan(i%communes, 1_000_000)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.funding.CreatePlan(e.ctx, &fundingv1.CreatePlanRequest{Plan: p}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := e.funding.GetFundingSummary(e.ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
}
