// Package funding runs the funding service: sources and purposes as data,
// plans (allocations) and disbursements, and the progress summaries offices
// report. It is what both cmd/funding (one service per process) and the
// all-in-one `ntm up` start.
package funding

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/idempotency"
	"github.com/ntmsuite/ntm/platform/operation"
	"github.com/ntmsuite/ntm/platform/ratelimit"
	"github.com/ntmsuite/ntm/platform/servicemain"
	"github.com/ntmsuite/ntm/platform/yamlsrc"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/funding/catalogs"
	"github.com/ntmsuite/ntm/services/funding/internal/catalog"
	"github.com/ntmsuite/ntm/services/funding/internal/server"
	"github.com/ntmsuite/ntm/services/funding/internal/store"
	"github.com/ntmsuite/ntm/services/funding/internal/store/migrations"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// Config says where the service keeps its data, what it talks to and how it serves.
type Config struct {
	// SQLitePath is the database file used when PostgresURL is empty.
	SQLitePath string
	// PostgresURL selects PostgreSQL; PostgresSchema (optional) isolates the
	// service's tables when services share one database.
	PostgresURL    string
	PostgresSchema string
	// CatalogDir (optional) holds catalog files read after the shipped one:
	// a province's sources or purposes without a release.
	CatalogDir string
	// Registry is a connection to the registry service.
	Registry grpc.ClientConnInterface
	// Cache holds summaries (Redis shared by replicas, or in-process); the
	// registry must bump the same cache.
	Cache cache.Cache
	// CacheTTL bounds how long an unread summary stays cached; 0 is 5 minutes.
	CacheTTL   time.Duration
	Logger     *slog.Logger
	Metrics    *grpcserver.Metrics
	Registerer prometheus.Registerer // cache metrics; nil = not registered
	Reflection bool
	// AuthKeys (optional) verify every call's bearer token; nil serves
	// without authentication.
	AuthKeys *auth.KeySet
	// RateLimit (optional) limits calls per principal and client address
	// (grpcserver.Options.RateLimit); nil limits nothing.
	RateLimit *ratelimit.Policy
}

// Service is an opened funding service, ready to serve: Server, Serve and
// Close come with servicemain.Opened.
type Service struct{ servicemain.Opened }

// maxRequestBytes is the funding service's largest request: a file import
// of up to 25 MiB (a batch of 1,000 plans or disbursements is some 2.3 MB;
// the gateway accepts 4 MiB for both batch routes and 1 MiB for one record).
const maxRequestBytes = grpcserver.MaxMessageBytes

// Open loads the catalog, opens (and migrates) the database and builds the gRPC server.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	cat, err := yamlsrc.LoadWithDir(catalogs.FS, cfg.CatalogDir, catalog.Load)
	if err != nil {
		return nil, fmt.Errorf("funding catalog: %w", err)
	}
	d, err := db.OpenEither(ctx, db.Choice{SQLitePath: cfg.SQLitePath, PostgresURL: cfg.PostgresURL, PostgresSchema: cfg.PostgresSchema,
		SQLiteMigrations: migrations.SQLite, PostgresMigrations: migrations.Postgres, Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("funding database: %w", err)
	}
	st := store.New(d)
	srv := grpcserver.New(grpcserver.Options{
		Logger: cfg.Logger, Metrics: cfg.Metrics, Reflection: cfg.Reflection, AuthKeys: cfg.AuthKeys,
		MaxRecvMsgSize: maxRequestBytes, RateLimit: cfg.RateLimit,
		Ready: st.Ping, ServiceNames: []string{fundingv1.FundingService_ServiceDesc.ServiceName},
		// Retries of a create with the same request id write once.
		Idempotency: idempotency.New(d, idempotency.Options{}),
	})
	// Writes whose bump was lost while the cache was unreachable must not
	// leave older summaries readable once it answers again.
	// Values are keyed with this database's identity, so a stack sharing
	// Redis, or a restored copy of this database, never reads them.
	hc := cache.NewHealing(cache.Namespaced(cfg.Cache, d.Identity()), server.SummaryGenerations...)
	loader := cache.NewLoader(hc, cache.LoaderOptions{TTL: cfg.CacheTTL, Logger: cfg.Logger, Metrics: cfg.Registerer, Name: "funding_summary"})
	registry := registryclient.New(cfg.Registry)
	guard := auth.NewGuard(cfg.AuthKeys != nil, registry.Path)
	audit.Register(srv, "funding", d, guard)
	// File imports run as operations, which outlive the request that starts them.
	ops := operation.NewRunner("funding", d, cfg.Logger)
	operation.Register(srv, ops, guard)
	fundingv1.RegisterFundingServiceServer(srv.GRPC(), server.New(server.Options{
		Store: st, Catalog: cat, Registry: registry, Cache: hc, Loader: loader, Guard: guard, Logger: cfg.Logger,
		Operations: ops,
	}))
	opened := servicemain.NewOpened(d, srv, hc)
	opened.OnClose(ops.Close)
	return &Service{opened}, nil
}
