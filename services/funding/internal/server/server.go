// Package server is the funding service's gRPC API: it checks requests
// against the catalog and the registry, records plans and disbursements
// through the store (the overrun rule is progress's), and serves summaries
// rolled up over the units of a date through the shared cache.
package server

import (
	"context"
	"github.com/ntmsuite/ntm/platform/auth"
	"log/slog"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/operation"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/funding/internal/catalog"
	"github.com/ntmsuite/ntm/services/funding/internal/store"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// CountryCode names the whole country where a request takes a unit code.
const CountryCode = "0"

// Registry is what the service asks the registry (registryclient.Client).
type Registry interface {
	Unit(ctx context.Context, code string, d date.Date) (registryclient.Unit, error)
	Descendants(ctx context.Context, parent string, d date.Date) ([]registryclient.Node, error)
	NamedCommunes(ctx context.Context, parent string, d date.Date) ([]registryclient.Node, error)
	Lineage(ctx context.Context, gen int64) (*registryclient.Lineage, error)
}

// Options are the parts a Server works with.
type Options struct {
	Store    *store.Store
	Catalog  *catalog.Catalog
	Registry Registry
	Cache    cache.Cache
	// Loader serves summaries from Cache (one computation for concurrent misses).
	Loader *cache.Loader
	// Guard scopes every call to the caller's units; nil serves everyone
	// (authentication off).
	Guard  *auth.Guard
	Logger *slog.Logger
	// Operations runs the file imports, which outlive their request.
	Operations *operation.Runner
}

// Server implements fundingv1.FundingServiceServer.
type Server struct {
	fundingv1.UnimplementedFundingServiceServer
	store      *store.Store
	catalog    *catalog.Catalog
	registry   Registry
	cache      cache.Cache
	caches     caches
	plans      *followedPlans
	guard      *auth.Guard
	log        *slog.Logger
	operations *operation.Runner
}

func New(o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Server{store: o.Store, catalog: o.Catalog, registry: o.Registry, cache: o.Cache, guard: o.Guard, log: o.Logger, operations: o.Operations}
	s.caches = newCaches(s, o.Cache, o.Loader, o.Logger)
	s.plans = newFollowedPlans(o.Store)
	return s
}
