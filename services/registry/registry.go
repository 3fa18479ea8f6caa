// Package registry runs the registry service: the administrative map of
// provinces, districts, communes, wards, townships and villages over time. It
// is what both cmd/registry (one service per process, as in production) and
// the all-in-one `ntm up` start.
package registry

import (
	"context"
	"fmt"
	"log/slog"

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
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/internal/criteriaclient"
	"github.com/ntmsuite/ntm/services/registry/internal/server"
	"github.com/ntmsuite/ntm/services/registry/internal/store"
	"github.com/ntmsuite/ntm/services/registry/internal/store/migrations"
)

// Config says where the registry keeps its data and how it serves.
type Config struct {
	// SQLitePath is the database file used when PostgresURL is empty.
	SQLitePath string
	// PostgresURL selects PostgreSQL; PostgresSchema (optional) isolates the
	// registry's tables when services share one database.
	PostgresURL    string
	PostgresSchema string
	Logger         *slog.Logger
	Metrics        *grpcserver.Metrics
	Reflection     bool
	// Cache is told when the map or a recognition changes, so cached
	// aggregates of other services are recomputed; nil when nothing caches.
	Cache cache.Cache
	// AuthKeys (optional) verify every call's bearer token; nil serves
	// without authentication.
	AuthKeys *auth.KeySet
	// RateLimit (optional) limits calls per principal and client address
	// (grpcserver.Options.RateLimit); nil limits nothing.
	RateLimit *ratelimit.Policy
	// Criteria is a connection to the criteria service, which a recognition
	// is checked against; nil refuses recognitions (UNAVAILABLE), for tests
	// of services that never record one.
	Criteria grpc.ClientConnInterface
}

// Service is an opened registry, ready to serve: Server, Serve and Close
// come with servicemain.Opened.
type Service struct{ servicemain.Opened }

// maxRequestBytes is the registry's largest request: ImportUnits of up to
// 100,000 units (a province's whole map, about 200 bytes of protobuf each,
// 20 MB) with room to spare; the gateway accepts as much for /v1/units:import.
const maxRequestBytes = grpcserver.MaxMessageBytes

// Open opens (and migrates) the registry's database and builds its gRPC server.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	d, err := db.OpenEither(ctx, db.Choice{SQLitePath: cfg.SQLitePath, PostgresURL: cfg.PostgresURL, PostgresSchema: cfg.PostgresSchema,
		SQLiteMigrations: migrations.SQLite, PostgresMigrations: migrations.Postgres, Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("registry database: %w", err)
	}
	st := store.New(d)
	srv := grpcserver.New(grpcserver.Options{
		Logger: cfg.Logger, Metrics: cfg.Metrics, Reflection: cfg.Reflection, AuthKeys: cfg.AuthKeys,
		MaxRecvMsgSize: maxRequestBytes, RateLimit: cfg.RateLimit,
		Ready: st.Ping, ServiceNames: []string{registryv1.RegistryService_ServiceDesc.ServiceName, auditv1.AuditService_ServiceDesc.ServiceName},
		// Retries of a create with the same request id write once.
		Idempotency: idempotency.New(d, idempotency.Options{}),
	})
	// The guard looks unit paths up in the registry's own store: other
	// services ask the registry over gRPC (registryclient.Path).
	guard := auth.NewGuard(cfg.AuthKeys != nil, st.Path)
	audit.Register(srv, "registry", d, guard)
	var (
		h   *cache.Healing // nil: nothing caches registry data
		inv cache.Bumper   // stays a nil interface then, not a nil *Healing
	)
	if cfg.Cache != nil {
		// Bumps lost while the cache was unreachable are made good when it
		// answers again, or cached aggregates would outlive the writes.
		h = cache.NewHealing(cfg.Cache, server.Generation)
		inv = h
	}
	var crit server.Criteria // stays a nil interface without a connection
	if cfg.Criteria != nil {
		crit = criteriaclient.New(cfg.Criteria)
	}
	// File imports run as operations, which outlive the request that starts them.
	ops := operation.NewRunner("registry", d, cfg.Logger)
	operation.Register(srv, ops, guard)
	registryv1.RegisterRegistryServiceServer(srv.GRPC(), server.New(st, guard, inv, crit, ops, cfg.Logger))
	opened := servicemain.NewOpened(d, srv, h)
	opened.OnClose(ops.Close)
	return &Service{opened}, nil
}
