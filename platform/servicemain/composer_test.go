package servicemain_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/servicemain"
)

var testComposer = servicemain.Composer{
	Name: "composer", GRPCAddr: "127.0.0.1:0",
	Backends: []servicemain.Backend{{Name: "registry", Addr: "127.0.0.1:9101"}, {Name: "criteria", Addr: "127.0.0.1:9102"}},
}

// A composer dials one connection per backend (--<name>-addr), opens with
// them and serves until the service stops.
func TestRunComposerDialsEveryBackend(t *testing.T) {
	var got servicemain.ComposerDeps
	svc := &fakeService{}
	err := servicemain.RunComposer(t.Context(), []string{"--criteria-addr", "127.0.0.1:19102", "--reflection", "--no-auth"},
		slog.New(slog.NewTextHandler(io.Discard, nil)), testComposer,
		func(_ context.Context, d servicemain.ComposerDeps) (servicemain.Service, error) {
			got = d
			return svc, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name, conn := range got.Conns {
		if conn == nil {
			t.Errorf("%s: no connection", name)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"criteria", "registry"}) || !got.Reflection || got.Logger == nil || got.Metrics == nil || got.AuthKeys != nil {
		t.Errorf("deps = %+v, want both backends, reflection, no keys", got)
	}
	if !svc.served || !svc.closed {
		t.Errorf("served %v, closed %v; want both", svc.served, svc.closed)
	}
}

func TestRunComposerRefusesToServeWithoutKeys(t *testing.T) {
	t.Setenv(auth.KeysEnv, "")
	err := servicemain.RunComposer(t.Context(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)), testComposer,
		func(context.Context, servicemain.ComposerDeps) (servicemain.Service, error) {
			t.Fatal("opened without keys")
			return nil, nil
		})
	if !errors.Is(err, servicemain.ErrNoAuthKeys) {
		t.Fatalf("got %v, want ErrNoAuthKeys", err)
	}
}
