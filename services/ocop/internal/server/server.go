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
	"github.com/ntmsuite/ntm/platform/operation"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/ocop/internal/catalog"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

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
	// Operations runs file imports, which outlive the request that starts them.
	Operations *operation.Runner
}

// Server implements ocopv1.OcopServiceServer.
type Server struct {
	ocopv1.UnimplementedOcopServiceServer
	store    *store.Store
	catalog  *catalog.Catalog
	registry Registry
	cache    cache.Cache
	caches   caches
	log      *slog.Logger
	guard    *auth.Guard
	// operations runs file imports.
	operations *operation.Runner
	// central is which evaluations propose a product to the central
	// council, fixed for the catalog loaded.
	central store.CentralProposal
}

func New(o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Server{store: o.Store, catalog: o.Catalog, registry: o.Registry, cache: o.Cache, log: o.Logger, guard: o.Guard,
		operations: o.Operations, central: centralProposal(o.Catalog)}
	s.caches = newCaches(s, o.Cache, o.Loader, o.Logger)
	return s
}

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
