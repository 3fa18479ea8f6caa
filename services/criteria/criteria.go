// Package criteria runs the criteria service: criteria sets as data,
// assessments of communes, scores, and the aggregate figures offices report,
// cached so that the next read after any write sees it; and the programme's
// plans: registrations, targets and estimates. It is what both
// cmd/criteria (one service per process) and the all-in-one `ntm up` start.
package criteria

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
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria/catalogs"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/criteria/internal/server"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
	"github.com/ntmsuite/ntm/services/criteria/internal/store/migrations"
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
	// CatalogDir (optional) holds catalog files read after the shipped ones:
	// a province's thresholds, or a newer national set, without a release.
	CatalogDir string
	// Registry is a connection to the registry service.
	Registry grpc.ClientConnInterface
	// Cache holds aggregates: cache.NewRedis shared by every replica, or
	// cache.NewMemory for one process. The registry must bump the same cache.
	Cache cache.Cache
	// CacheTTL bounds how long an unread aggregate stays cached; 0 is 5 minutes.
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

// Service is an opened criteria service, ready to serve: Server, Serve and
// Close come with servicemain.Opened.
type Service struct{ servicemain.Opened }

// maxRequestBytes is the criteria service's largest request:
// BatchCreateAssessments of up to 20,000 assessments. A full one carries
// about 60 indicator values of some 18 bytes of protobuf each, plus codes,
// a date and an author: about 1.2 KB, so 20,000 take 24 MB; 32 MiB, as the
// gateway accepts for /v1/assessments:batchCreate (1 MiB for one record).
const maxRequestBytes = grpcserver.MaxMessageBytes

// Open loads the catalogs, opens (and migrates) the database and builds the gRPC server.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	cat, err := yamlsrc.LoadWithDir(catalogs.FS, cfg.CatalogDir, catalog.Load)
	if err != nil {
		return nil, fmt.Errorf("criteria catalogs: %w", err)
	}
	digest, err := server.CatalogDigest(cat)
	if err != nil {
		return nil, fmt.Errorf("criteria catalogs: %w", err)
	}
	d, err := db.OpenEither(ctx, db.Choice{SQLitePath: cfg.SQLitePath, PostgresURL: cfg.PostgresURL, PostgresSchema: cfg.PostgresSchema,
		SQLiteMigrations: migrations.SQLite, PostgresMigrations: migrations.Postgres, Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("criteria database: %w", err)
	}
	st := store.New(d)
	wire := &grpcserver.Wire{}
	srv := grpcserver.New(grpcserver.Options{
		Logger: cfg.Logger, Metrics: cfg.Metrics, Reflection: cfg.Reflection, AuthKeys: cfg.AuthKeys, Wire: wire,
		MaxRecvMsgSize: maxRequestBytes, RateLimit: cfg.RateLimit,
		Ready: st.Ping, ServiceNames: []string{criteriav1.CriteriaService_ServiceDesc.ServiceName},
		// Retries of a create with the same request id write once.
		Idempotency: idempotency.New(d, idempotency.Options{}),
	})
	// Writes whose bump was lost while the cache was unreachable must not
	// leave older aggregates readable once it answers again.
	// Values are keyed with this database's identity, so a stack sharing
	// Redis, or a restored copy of this database, never reads them.
	hc := cache.NewHealing(cache.Namespaced(cfg.Cache, d.Identity()), server.AggregateGenerations...)
	loader := cache.NewLoader(hc, cache.LoaderOptions{TTL: cfg.CacheTTL, Logger: cfg.Logger, Metrics: cfg.Registerer, Name: "criteria_aggregate"})
	// Its hits are the aggregates a write did not reach (narrow invalidation).
	content := cache.NewLoader(hc, cache.LoaderOptions{TTL: cfg.CacheTTL, Logger: cfg.Logger, Metrics: cfg.Registerer, Name: "criteria_aggregate_content"})
	registry := registryclient.New(cfg.Registry)
	// Without keys there are no identities to scope, and the guard lets every call through.
	guard := auth.NewGuard(cfg.AuthKeys != nil, registry.Path)
	audit.Register(srv, "criteria", d, guard)
	// File imports run as operations, which outlive the request that starts them.
	ops := operation.NewRunner("criteria", d, cfg.Logger)
	operation.Register(srv, ops, guard)
	impl := server.New(server.Options{
		Store: st, Catalog: cat, CatalogDigest: digest, Registry: registry, Cache: hc, Loader: loader, ContentLoader: content, Wire: wire, Guard: guard, Logger: cfg.Logger,
		Operations: ops,
	})
	if err := impl.LoadIndex(ctx); err != nil {
		ops.Close()
		_ = d.Close()
		return nil, fmt.Errorf("criteria: load the assessments into memory: %w", err)
	}
	criteriav1.RegisterCriteriaServiceServer(srv.GRPC(), impl)
	opened := servicemain.NewOpened(d, srv, hc)
	opened.OnClose(ops.Close)
	return &Service{opened}, nil
}
