// Package registrytest runs the real registry in memory for tests of the
// services that read it, so units resolve through the same server, store and
// interceptors as in production, without a port or a database server.
package registrytest

import (
	"context"
	"path/filepath"
	"testing"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpctest"
	"github.com/ntmsuite/ntm/services/registry"
)

// Start opens an empty registry on a SQLite file in t.TempDir() and returns
// a client connection to it, both closed at cleanup. The registry tells c
// when the map or a recognition changes, as in production, so a test can
// share c with the services whose cached aggregates depend on the map; nil
// means nothing caches. Each test seeds the map it needs.
func Start(t testing.TB, c cache.Cache) *grpc.ClientConn {
	t.Helper()
	svc, err := registry.Open(context.Background(), registry.Config{
		SQLitePath: filepath.Join(t.TempDir(), "registry.db"), Cache: c, Logger: grpctest.Logger()})
	if err != nil {
		t.Fatalf("registrytest: open registry: %v", err)
	}
	// Registered before Dial's cleanup, so it runs after it: the server has
	// stopped serving by the time its database closes.
	t.Cleanup(func() { _ = svc.Close() })
	return grpctest.Dial(t, svc.Server())
}
