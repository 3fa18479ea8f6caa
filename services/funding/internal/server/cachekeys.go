package server

import (
	"context"
	"log/slog"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/date"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// What this service caches, under which keys, and what makes it stale: the
// one place to look when a cached figure is wrong.

// Generation is the cache generation this service advances on every write;
// summaries depend on it and on the registry's (units move, merge).
const Generation = "funding"

// SummaryGenerations are the cache generations a summary depends on.
var SummaryGenerations = []string{Generation, registryclient.Generation}

// changed advances this service's cache generation after a committed write
// (see cache.Invalidate): every cached summary is then recomputed.
func (s *Server) changed(ctx context.Context) { cache.Invalidate(ctx, s.cache, Generation, s.log) }

// summaryKey is what a summary is of: the request, its defaults applied.
type summaryKey struct {
	Unit   string
	Period period
}

func (k summaryKey) String() string {
	return k.Unit + ":" + k.Period.asOf.String() + ":" + k.Period.from.String() + ":" + k.Period.to.String()
}

// rollupKey is whose money a list or summary counts (see computeRollup).
type rollupKey struct {
	Unit string
	AsOf date.Date
}

func (k rollupKey) String() string { return k.Unit + ":" + k.AsOf.String() }

// rollupGenerations are the cache generations the rollups depend on: the map alone.
var rollupGenerations = []string{registryclient.Generation}

// caches are the cached computations of a Server.
type caches struct {
	summaries *cache.Cached[summaryKey, *fundingv1.FundingSummary]
	// rollups are cached apart from the summaries, through a loader of
	// their own, so that the summaries' metrics count summaries only.
	// Lists and summaries ask them on every request and they cost a
	// listing of the units from the registry; they depend on the map alone.
	rollups *cache.Cached[rollupKey, rollup]
	// held are rollups decoded once and kept for one registry generation:
	// a country's is maps of 10,000 entries, which cost a summary more to
	// decode from the cache than the rest of its roll-up.
	held *cache.Held[rollupKey, rollup]
}

// maxHeldRollups bounds the rollups held: each is a unit on a date, and a
// country's takes a few MB.
const maxHeldRollups = 16

// rollupAt returns the rollup of k at least as current as registry
// generation gen (see registryclient.GenerationIn): the one held for gen,
// or else the cached one (the cache reads the registry's generation anew,
// so it is of gen or later), held from then on for gen. With
// UnknownGeneration nothing is held (cache.Held).
func (c caches) rollupAt(ctx context.Context, k rollupKey, gen int64) (rollup, error) {
	return c.held.Get(gen, k, func() (rollup, error) { return c.rollups.Get(ctx, k) })
}

// newCaches reads summaries through summaries (whose metrics are the
// service's) and rollups through a loader of their own on c.
func newCaches(s *Server, c cache.Cache, summaries *cache.Loader, log *slog.Logger) caches {
	return caches{
		held: cache.NewHeld[rollupKey, rollup](maxHeldRollups),
		summaries: cache.NewCached(summaries, cache.Spec[summaryKey, *fundingv1.FundingSummary]{
			Name: "funding.summary", Version: "1", Generations: SummaryGenerations,
			Codec: cache.ProtoCodec[fundingv1.FundingSummary](),
			Compute: func(ctx context.Context, k summaryKey, gens []int64) (*fundingv1.FundingSummary, error) {
				return s.computeSummary(ctx, k, registryclient.GenerationIn(SummaryGenerations, gens))
			},
		}),
		rollups: cache.NewCached(cache.NewLoader(c, cache.LoaderOptions{Logger: log, Name: "funding_rollup"}), cache.Spec[rollupKey, rollup]{
			Name: "funding.rollup", Version: "1", Generations: rollupGenerations,
			Codec: cache.JSONCodec[rollup](),
			Compute: func(ctx context.Context, k rollupKey, gens []int64) (rollup, error) {
				return s.computeRollup(ctx, k, registryclient.GenerationIn(rollupGenerations, gens))
			},
		}),
	}
}
