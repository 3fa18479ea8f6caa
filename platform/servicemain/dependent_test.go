package servicemain_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/ntmsuite/ntm/platform/servicemain"
)

var testDependent = servicemain.Dependent{
	Name: "svc", GRPCAddr: "127.0.0.1:0", MetricsAddr: "",
	SQLitePath: "data/svc.db", PostgresSchema: "svc",
	CatalogHelp: "extra catalog files", RedisHelp: "the cache",
}

// fakeService records how RunDependent used it.
type fakeService struct{ served, closed bool }

func (s *fakeService) Serve(_ context.Context, lis net.Listener) error {
	s.served = true
	return lis.Close()
}

func (s *fakeService) Close() error {
	s.closed = true
	return nil
}

func TestRunDependentOpensWithFlagsAndDefaults(t *testing.T) {
	var got servicemain.Deps
	svc := &fakeService{}
	err := servicemain.RunDependent(t.Context(), []string{"--catalog-dir", "extra", "--reflection"},
		slog.New(slog.NewTextHandler(io.Discard, nil)), testDependent,
		func(_ context.Context, d servicemain.Deps) (servicemain.Service, error) {
			got = d
			return svc, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if got.SQLitePath != "data/svc.db" || got.PostgresSchema != "svc" || got.PostgresURL != "" || got.CatalogDir != "extra" || !got.Reflection {
		t.Errorf("settings = %q %q %q %q %v, want the defaults, the catalog dir given and reflection",
			got.SQLitePath, got.PostgresSchema, got.PostgresURL, got.CatalogDir, got.Reflection)
	}
	if got.Registry == nil || got.Cache == nil || got.Logger == nil || got.Metrics == nil || got.Registerer == nil {
		t.Errorf("connections = %+v, want all set", got)
	}
	if !svc.served || !svc.closed {
		t.Errorf("served %v, closed %v; want both", svc.served, svc.closed)
	}
}

func TestRunDependentReturnsTheOpenError(t *testing.T) {
	broken := errors.New("no database")
	err := servicemain.RunDependent(t.Context(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)), testDependent,
		func(context.Context, servicemain.Deps) (servicemain.Service, error) { return nil, broken })
	if !errors.Is(err, broken) {
		t.Fatalf("got %v, want %v", err, broken)
	}
}
