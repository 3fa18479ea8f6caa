// Package server is the OCOP service's gRPC API: it maps requests to the
// catalog and rating rules, asks the registry where producers are on a date,
// stores through the store, and serves summaries through the shared cache.
package server

import (
	"context"
	"errors"
	"log/slog"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/ocop/internal/catalog"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// Generation is the cache generation this service advances on every write;
// summaries depend on it and on the registry's (units move, merge).
const Generation = "ocop"

// SummaryGenerations are the cache generations a summary depends on.
var SummaryGenerations = []string{Generation, registryclient.Generation}

// CountryCode names the whole country where a request takes a unit code.
const CountryCode = "0"

// Registry is what the service asks the registry (registryclient.Client).
type Registry interface {
	Unit(ctx context.Context, code string, d date.Date) (registryclient.Unit, error)
	Under(ctx context.Context, parent string, d date.Date, types ...registryv1.UnitType) ([]string, error)
	Lineage(ctx context.Context, gen int64) (*registryclient.Lineage, error)
}

// Options are the parts a Server works with.
type Options struct {
	Store    *store.Store
	Catalog  *catalog.Catalog
	Registry Registry
	Cache    cache.Cache
	Loader   *cache.Loader
	Logger   *slog.Logger
	// Guard decides who may call what; nil allows everything (as without keys).
	Guard *auth.Guard
}

// Server implements ocopv1.OcopServiceServer.
type Server struct {
	ocopv1.UnimplementedOcopServiceServer
	store    *store.Store
	catalog  *catalog.Catalog
	registry Registry
	cache    cache.Cache
	loader   *cache.Loader
	// units caches the units under a unit on a date (see unitsOn), apart
	// from the summaries so that their metrics count summaries only.
	units *cache.Loader
	log   *slog.Logger
	guard *auth.Guard
	// central is which evaluations propose a product to the central
	// council, and summaryRules fingerprints the catalog data summaries
	// read (see summaryRulesOf); both are fixed for the catalog loaded.
	central      store.CentralProposal
	summaryRules string
}

func New(o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	central := centralProposal(o.Catalog)
	return &Server{store: o.Store, catalog: o.Catalog, registry: o.Registry, cache: o.Cache, loader: o.Loader,
		units: cache.NewLoader(o.Cache, cache.LoaderOptions{Logger: o.Logger, Name: "ocop_units"}), log: o.Logger, guard: o.Guard,
		central: central, summaryRules: summaryRulesOf(o.Catalog, central)}
}

// changed advances this service's cache generation after a committed write
// (see cache.Invalidate).
func (s *Server) changed(ctx context.Context) { cache.Invalidate(ctx, s.cache, Generation, s.log) }

func productNotFound(id int64) error {
	return fault.NotFound("product", store.ProductName(id), "no product %d", id)
}

// notFound turns the store's ErrNotFound into the resource's NotFound.
func notFound(err error, resource error) error {
	if errors.Is(err, store.ErrNotFound) {
		return resource
	}
	return err
}
