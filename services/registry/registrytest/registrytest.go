// Package registrytest runs the real registry in memory for tests of the
// services that read it, so units resolve through the same server, store and
// interceptors as in production, without a port or a database server.
package registrytest

import (
	"context"
	"path/filepath"
	"testing"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpctest"
	"github.com/ntmsuite/ntm/services/registry"
)

// Options are what a test gives the registry it starts.
type Options struct {
	// Cache is told when the map or a recognition changes, as in
	// production, so a test can share it with the services whose cached
	// aggregates depend on the map; nil means nothing caches.
	Cache cache.Cache
	// Keys verify every call's token; nil serves without authentication.
	Keys *auth.KeySet
	// Criteria is a connection to the criteria service that recognitions
	// are checked with (a grpctest.Late when the criteria service is opened
	// on this registry afterwards); nil refuses recognitions.
	Criteria grpc.ClientConnInterface
}

// Start opens an empty registry on a SQLite file in t.TempDir() that tells
// c of its writes (see Options.Cache) and refuses recognitions, and returns
// a client connection to it, both closed at cleanup. Each test seeds the
// map it needs.
func Start(t testing.TB, c cache.Cache) *grpc.ClientConn {
	t.Helper()
	return StartWith(t, Options{Cache: c})
}

// StartWith opens an empty registry as o says, like Start.
func StartWith(t testing.TB, o Options) *grpc.ClientConn {
	t.Helper()
	svc, err := registry.Open(context.Background(), registry.Config{
		SQLitePath: filepath.Join(t.TempDir(), "registry.db"), Cache: o.Cache, Logger: grpctest.Logger(),
		AuthKeys: o.Keys, Criteria: o.Criteria})
	if err != nil {
		t.Fatalf("registrytest: open registry: %v", err)
	}
	// Registered before Dial's cleanup, so it runs after it: the server has
	// stopped serving by the time its database closes.
	t.Cleanup(func() { _ = svc.Close() })
	return grpctest.Dial(t, svc.Server())
}
