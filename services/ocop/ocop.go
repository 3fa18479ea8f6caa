// Package ocop runs the OCOP service (Mỗi xã một sản phẩm): producers,
// products, their yearly cycle, scoring sheets, certificates and the
// summaries offices report. It is what both cmd/ocop (one service per
// process) and the all-in-one `ntm up` start.
package ocop

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
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop/catalogs"
	"github.com/ntmsuite/ntm/services/ocop/internal/catalog"
	"github.com/ntmsuite/ntm/services/ocop/internal/server"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
	"github.com/ntmsuite/ntm/services/ocop/internal/store/migrations"
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
	// a new scoring sheet or council rule without a release.
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

// Service is an opened OCOP service, ready to serve: Server, Serve and
// Close come with servicemain.Opened.
type Service struct{ servicemain.Opened }

// maxRequestBytes is the OCOP service's largest request: a file import of
// up to 25 MiB, which the gateway accepts on /v1/imports/{kind} (one
// record, an evaluation of at most 200 score lines, is some 10 KB).
const maxRequestBytes = grpcserver.MaxMessageBytes

// Open loads the catalog, opens (and migrates) the database and builds the
// gRPC server: the OCOP API and its audit trail.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	cat, err := yamlsrc.LoadWithDir(catalogs.FS, cfg.CatalogDir, catalog.Load)
	if err != nil {
		return nil, fmt.Errorf("ocop catalogs: %w", err)
	}
	d, err := db.OpenEither(ctx, db.Choice{SQLitePath: cfg.SQLitePath, PostgresURL: cfg.PostgresURL, PostgresSchema: cfg.PostgresSchema,
		SQLiteMigrations: migrations.SQLite, PostgresMigrations: migrations.Postgres, Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("ocop database: %w", err)
	}
	st := store.New(d)
	srv := grpcserver.New(grpcserver.Options{
		Logger: cfg.Logger, Metrics: cfg.Metrics, Reflection: cfg.Reflection, AuthKeys: cfg.AuthKeys,
		MaxRecvMsgSize: maxRequestBytes, RateLimit: cfg.RateLimit,
		Ready: st.Ping, ServiceNames: []string{ocopv1.OcopService_ServiceDesc.ServiceName},
		// Retries of a create with the same request id write once.
		Idempotency: idempotency.New(d, idempotency.Options{}),
	})
	// Writes whose bump was lost while the cache was unreachable must not
	// leave older summaries readable once it answers again.
	// Values are keyed with this database's identity, so a stack sharing
	// Redis, or a restored copy of this database, never reads them.
	hc := cache.NewHealing(cache.Namespaced(cfg.Cache, d.Identity()), server.SummaryGenerations...)
	loader := cache.NewLoader(hc, cache.LoaderOptions{TTL: cfg.CacheTTL, Logger: cfg.Logger, Metrics: cfg.Registerer, Name: "ocop_summary"})
	reg := registryclient.New(cfg.Registry)
	// Without keys there is no caller to scope: the guard allows everything.
	guard := auth.NewGuard(cfg.AuthKeys != nil, reg.Path)
	// File imports run as operations, which outlive the request that starts them.
	ops := operation.NewRunner("ocop", d, cfg.Logger)
	operation.Register(srv, ops, guard)
	ocopv1.RegisterOcopServiceServer(srv.GRPC(), server.New(server.Options{
		Store: st, Catalog: cat, Registry: reg, Cache: hc, Loader: loader, Logger: cfg.Logger, Guard: guard, Operations: ops,
	}))
	audit.Register(srv, "ocop", d, guard)
	opened := servicemain.NewOpened(d, srv, hc)
	opened.OnClose(ops.Close)
	return &Service{opened}, nil
}
