package servicemain_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/auth"
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
	err := servicemain.RunDependent(t.Context(), []string{"--catalog-dir", "extra", "--reflection", "--no-auth"},
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
	err := servicemain.RunDependent(t.Context(), []string{"--no-auth"}, slog.New(slog.NewTextHandler(io.Discard, nil)), testDependent,
		func(context.Context, servicemain.Deps) (servicemain.Service, error) { return nil, broken })
	if !errors.Is(err, broken) {
		t.Fatalf("got %v, want %v", err, broken)
	}
}

// --auth-keys-file gives the service its keys; no keys, an unreadable or
// malformed file, or keys together with --no-auth stop the command rather
// than serving without authentication; only --no-auth alone does.
func TestRunDependentAuthKeys(t *testing.T) {
	t.Setenv(auth.KeysEnv, "")
	data, err := auth.NewKeySet("k1", auth.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "keys.json"), filepath.Join(dir, "bad.json")
	if err := os.WriteFile(good, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(`{"keys": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (*auth.KeySet, error) {
		var keys *auth.KeySet
		err := servicemain.RunDependent(t.Context(), args, slog.New(slog.NewTextHandler(io.Discard, nil)), testDependent,
			func(_ context.Context, d servicemain.Deps) (servicemain.Service, error) {
				keys = d.AuthKeys
				return &fakeService{}, nil
			})
		return keys, err
	}
	if keys, err := run("--auth-keys-file", good); err != nil || keys == nil {
		t.Errorf("with a key file: keys %v, err %v", keys, err)
	}
	if _, err := run(); !errors.Is(err, servicemain.ErrNoAuthKeys) {
		t.Errorf("without keys: %v, want ErrNoAuthKeys", err)
	}
	if keys, err := run("--no-auth"); err != nil || keys != nil {
		t.Errorf("--no-auth: keys %v, err %v; want none (no authentication)", keys, err)
	}
	if _, err := run("--no-auth", "--auth-keys-file", good); err == nil {
		t.Error("--no-auth with a key file: served")
	}
	for _, file := range []string{bad, filepath.Join(dir, "missing.json")} {
		if _, err := run("--auth-keys-file", file); err == nil {
			t.Errorf("%s: served", file)
		}
	}
	// The maximum TTL and the revocation list go with the keys; a
	// revocation file that cannot be read stops the command rather than
	// revoking nothing.
	if keys, err := run("--auth-keys-file", good, "--auth-max-ttl", "1h"); err != nil || keys.MaxTTL() != time.Hour {
		t.Errorf("--auth-max-ttl 1h: err %v", err)
	}
	revoked := filepath.Join(dir, "revoked.json")
	if err := os.WriteFile(revoked, []byte(`{"subjects": [{"sub": "x"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := run("--auth-keys-file", good, "--auth-revoked-file", revoked); err != nil {
		t.Errorf("with a revocation file: %v", err)
	}
	for _, file := range []string{bad, filepath.Join(dir, "missing.json")} {
		if _, err := run("--auth-keys-file", good, "--auth-revoked-file", file); err == nil {
			t.Errorf("revocation file %s: served", file)
		}
	}
}
