package servicemain

import (
	"context"
	"net"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/grpcserver"
)

// Opened is what every service's Open builds and returns inside its own
// Service type: the service's database (none for a service that owns no
// data), its gRPC server and, where it caches, the healing of that cache,
// released together by Close.
type Opened struct {
	db          *db.DB
	srv         *grpcserver.Server
	stopHealing func()
	beforeClose []func()
}

// NewOpened starts healing h (nil when the service caches nothing) every
// cache.HealInterval, so that a replica that sees no traffic still makes
// good the bumps lost while the cache was unreachable. The result owns d,
// which is nil for a service without a database.
func NewOpened(d *db.DB, srv *grpcserver.Server, h *cache.Healing) Opened {
	o := Opened{db: d, srv: srv, stopHealing: func() {}}
	if h != nil {
		o.stopHealing = h.Start(cache.HealInterval)
	}
	return o
}

// Server is the gRPC server, for tests that dial it over bufconn.
func (o *Opened) Server() *grpcserver.Server { return o.srv }

// Serve answers on lis until ctx is done, then shuts down gracefully.
func (o *Opened) Serve(ctx context.Context, lis net.Listener) error { return o.srv.Serve(ctx, lis) }

// OnClose has Close run stop first, before the database is released: a
// runner of operations marks those it stops as failed in it.
func (o *Opened) OnClose(stop func()) { o.beforeClose = append(o.beforeClose, stop) }

// Close stops what OnClose registered and healing the cache, and releases
// the database.
func (o *Opened) Close() error {
	for _, stop := range o.beforeClose {
		stop()
	}
	o.stopHealing()
	if o.db == nil {
		return nil
	}
	return o.db.Close()
}
