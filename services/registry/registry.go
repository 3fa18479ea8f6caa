// Package registry runs the registry service: the administrative map of
// provinces, districts, communes, wards, townships and villages over time. It
// is what both cmd/registry (one service per process, as in production) and
// the all-in-one `ntm up` start.
package registry

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
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
}

// Service is an opened registry, ready to serve.
type Service struct {
	db          *db.DB
	srv         *grpcserver.Server
	stopHealing func()
}

// Open opens (and migrates) the registry's database and builds its gRPC server.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	opts := db.Options{Dialect: db.SQLite, DSN: cfg.SQLitePath, Migrations: migrations.SQLite, Logger: cfg.Logger}
	if cfg.PostgresURL != "" {
		opts = db.Options{Dialect: db.Postgres, DSN: cfg.PostgresURL, Schema: cfg.PostgresSchema, Migrations: migrations.Postgres, Logger: cfg.Logger}
	}
	d, err := db.Open(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("registry database: %w", err)
	}
	st := store.New(d)
	srv := grpcserver.New(grpcserver.Options{
		Logger: cfg.Logger, Metrics: cfg.Metrics, Reflection: cfg.Reflection,
		Ready: st.Ping, ServiceNames: []string{registryv1.RegistryService_ServiceDesc.ServiceName},
	})
	svc := &Service{db: d, srv: srv, stopHealing: func() {}}
	var inv server.Invalidator // nil: nothing caches registry data
	if cfg.Cache != nil {
		// Bumps lost while the cache was unreachable are made good when it
		// answers again, or cached aggregates would outlive the writes.
		h := cache.NewHealing(cfg.Cache, server.Generation)
		svc.stopHealing = h.Start(cache.HealInterval)
		inv = h
	}
	registryv1.RegisterRegistryServiceServer(srv.GRPC(), server.New(st, inv, cfg.Logger))
	return svc, nil
}

// Server is the gRPC server, for tests that dial it over bufconn.
func (s *Service) Server() *grpcserver.Server { return s.srv }

// Serve answers on lis until ctx is done, then shuts down gracefully.
func (s *Service) Serve(ctx context.Context, lis net.Listener) error { return s.srv.Serve(ctx, lis) }

// Close stops healing the cache and releases the database.
func (s *Service) Close() error {
	s.stopHealing()
	return s.db.Close()
}
