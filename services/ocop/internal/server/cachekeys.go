package server

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/date"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop/internal/catalog"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// What this service caches, under which keys, and what makes it stale: the
// one place to look when a cached figure is wrong.

// Generation is the cache generation this service advances on every write;
// summaries depend on it and on the registry's (units move, merge).
const Generation = "ocop"

// SummaryGenerations are the cache generations a summary depends on.
var SummaryGenerations = []string{Generation, registryclient.Generation}

// changed advances this service's cache generation after a committed write
// (see cache.Invalidate): every cached summary is then recomputed.
func (s *Server) changed(ctx context.Context) { cache.Invalidate(ctx, s.cache, Generation, s.log) }

// summaryKey is what a summary is of: the request, its defaults applied.
type summaryKey struct {
	Unit         string
	AsOf         date.Date
	Year         int
	ExpiringDays int
}

func (k summaryKey) String() string {
	return k.Unit + ":" + k.AsOf.String() + ":" + strconv.Itoa(k.Year) + ":" + strconv.Itoa(k.ExpiringDays)
}

// unitsKey is whose units a list or summary counts (see lineageOn).
type unitsKey struct {
	Unit string
	AsOf date.Date
}

func (k unitsKey) String() string { return k.Unit + ":" + k.AsOf.String() }

// unitsGenerations are the cache generations the units depend on: the map alone.
var unitsGenerations = []string{registryclient.Generation}

// caches are the cached computations of a Server.
type caches struct {
	summaries *cache.Cached[summaryKey, *ocopv1.OcopSummary]
	// units are cached apart from the summaries, through a loader of their
	// own, so that the summaries' metrics count summaries only. Lists and
	// summaries ask them on every request and they cost a listing of the
	// units from the registry; they depend on the map alone.
	units *cache.Cached[unitsKey, []string]
	// held keeps the units decoded per registry generation (unitsAt): a
	// country's are 10,000 codes, which decoding took a millisecond of
	// every summary.
	held *cache.Held[unitsKey, []string]
}

// maxHeldUnits bounds the lists of units held: a dashboard asks a few
// dozen units on a few dates.
const maxHeldUnits = 256

// unitsAt returns the units of k at least as current as registry
// generation gen (see registryclient.GenerationIn): the list held for gen,
// or else the cached one, held from then on for gen. With
// UnknownGeneration nothing is held (cache.Held). Callers must not modify
// the list.
func (c caches) unitsAt(ctx context.Context, k unitsKey, gen int64) ([]string, error) {
	return c.held.Get(gen, k, func() ([]string, error) { return c.units.Get(ctx, k) })
}

// newCaches reads summaries through summaries (whose metrics are the
// service's) and units through a loader of their own on c.
func newCaches(s *Server, c cache.Cache, summaries *cache.Loader, log *slog.Logger) caches {
	return caches{
		held: cache.NewHeld[unitsKey, []string](maxHeldUnits),
		summaries: cache.NewCached(summaries, cache.Spec[summaryKey, *ocopv1.OcopSummary]{
			Name: "ocop.summary", Version: summaryRulesOf(s.catalog, s.central), Generations: SummaryGenerations,
			Codec: cache.ProtoCodec[ocopv1.OcopSummary](),
			Compute: func(ctx context.Context, k summaryKey, gens []int64) (*ocopv1.OcopSummary, error) {
				return s.computeSummary(ctx, k, registryclient.GenerationIn(SummaryGenerations, gens))
			},
		}),
		units: cache.NewCached(cache.NewLoader(c, cache.LoaderOptions{Logger: log, Name: "ocop_units"}), cache.Spec[unitsKey, []string]{
			Name: "ocop.units", Version: "1", Generations: unitsGenerations,
			Codec: cache.JSONCodec[[]string](),
			Compute: func(ctx context.Context, k unitsKey, gens []int64) ([]string, error) {
				return s.lineageOn(ctx, k, registryclient.GenerationIn(unitsGenerations, gens))
			},
		}),
	}
}

// summaryVersion changes when a summary gains or changes a figure, so that
// no replica reads a summary cached by a release that did not compute it.
const summaryVersion = "2" // 2: proposed_central

// summaryRulesOf fingerprints what a summary reads besides the request and
// the database: the summary version and the catalog data it counts and names
// with. It is the summaries' cache version, so a replica started with other
// catalogs (--catalog-dir) never serves figures cached under the old rules,
// while the cache generations only move on writes.
func summaryRulesOf(c *catalog.Catalog, central store.CentralProposal) string {
	var b strings.Builder
	fmt.Fprintf(&b, "v%s;certified from %d;%s", summaryVersion, c.CertifiedFromStars, central.Level)
	for _, w := range central.Windows {
		fmt.Fprintf(&b, ";%s..%s %v", w.Valid.From, w.Valid.To, w.Stars)
	}
	for _, g := range c.ProductGroups {
		fmt.Fprintf(&b, ";%s=%s", g.Code, g.Name)
	}
	h := fnv.New64a()
	h.Write([]byte(b.String()))
	return strconv.FormatUint(h.Sum64(), 36)
}
