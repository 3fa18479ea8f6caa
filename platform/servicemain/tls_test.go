package servicemain_test

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/servicemain"
	"github.com/ntmsuite/ntm/platform/tlstest"
)

// transport parses args as a serving command does and loads its transport.
func transport(t *testing.T, args ...string) (servicemain.Transport, error) {
	t.Helper()
	fs := flag.NewFlagSet("svc", flag.ContinueOnError)
	a := servicemain.NewAuthFlags(fs)
	f := servicemain.NewTLSFlags(fs)
	if err := config.Parse(fs, args, "NTM_"); err != nil {
		t.Fatal(err)
	}
	return f.Load(a, "the registry (--registry-addr)")
}

// serve runs a gRPC server (health only) with tr on loopback and returns
// its address.
func serve(t *testing.T, tr servicemain.Transport) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpcserver.New(grpcserver.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tr.Serving(srv.Serve)(ctx, lis) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return lis.Addr().String()
}

// check asks addr's health with opts and returns the status code.
func check(t *testing.T, addr string, opts ...grpc.DialOption) codes.Code {
	t.Helper()
	conn, err := grpcclient.Dial(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = healthgrpc.NewHealthClient(conn).Check(t.Context(), &healthgrpc.HealthCheckRequest{})
	return status.Code(err)
}

// A service given --tls-cert and --tls-key serves TLS: a plaintext client
// is refused, one verifying with the CA is answered. With --tls-ca it also
// requires a client certificate the CA signed (mTLS), which its own
// clients present.
func TestTransportServesTLSAndMTLS(t *testing.T) {
	files := tlstest.New(t)
	caOnly, err := config.TLSFiles{CA: files.CA}.Client()
	if err != nil {
		t.Fatal(err)
	}
	withoutCert := grpcclient.WithTLS(caOnly)

	tlsOnly, err := transport(t, "--no-auth", "--tls-cert", files.Cert, "--tls-key", files.Key)
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, tlsOnly)
	if code := check(t, addr); code != codes.Unavailable {
		t.Errorf("TLS service, plaintext client: %v, want Unavailable", code)
	}
	if code := check(t, addr, withoutCert); code != codes.OK {
		t.Errorf("TLS service, TLS client: %v, want OK", code)
	}

	mutual, err := transport(t, "--no-auth", "--tls-cert", files.Cert, "--tls-key", files.Key, "--tls-ca", files.CA)
	if err != nil {
		t.Fatal(err)
	}
	addr = serve(t, mutual)
	if code := check(t, addr); code != codes.Unavailable {
		t.Errorf("mTLS service, plaintext client: %v, want Unavailable", code)
	}
	if code := check(t, addr, withoutCert); code != codes.Unavailable {
		t.Errorf("mTLS service, TLS client without a certificate: %v, want Unavailable", code)
	}
	other := tlstest.New(t) // a certificate another CA signed
	foreign, err := config.TLSFiles{CA: files.CA, Cert: other.Cert, Key: other.Key}.Client()
	if err != nil {
		t.Fatal(err)
	}
	if code := check(t, addr, grpcclient.WithTLS(foreign)); code != codes.Unavailable {
		t.Errorf("mTLS service, client certificate of another CA: %v, want Unavailable", code)
	}
	if code := check(t, addr, mutual.Dial()); code != codes.OK {
		t.Errorf("mTLS service, its own transport's client: %v, want OK", code)
	}
}

// The production profile (--profile or NTM_PROFILE) refuses to start with
// a plaintext listener, a plaintext dial or --no-auth, naming each; with
// TLS it starts.
func TestProductionProfileRefusesPlaintextAndNoAuth(t *testing.T) {
	files := tlstest.New(t)
	_, err := transport(t, "--profile", "production", "--no-auth")
	for _, want := range []string{
		"the production profile refuses to start",
		"the gRPC listener serves plaintext: give --tls-cert and --tls-key",
		"dials the registry (--registry-addr) in plaintext: give --tls-ca",
		"--no-auth serves without authentication",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("production, plaintext and --no-auth: %v, want it to say %q", err, want)
		}
	}
	t.Setenv("NTM_PROFILE", "production")
	// Serving TLS, a service dials with TLS too (the system's roots
	// without --tls-ca, the CA and mTLS with it).
	for _, args := range [][]string{{"--tls-cert", files.Cert, "--tls-key", files.Key}, {"--tls-cert", files.Cert, "--tls-key", files.Key, "--tls-ca", files.CA}} {
		if _, err := transport(t, args...); err != nil {
			t.Errorf("NTM_PROFILE=production, %v: %v", args, err)
		}
	}
	if _, err := transport(t, "--profile", "producton"); err == nil {
		t.Error("a misspelt profile was accepted")
	}
	t.Setenv("NTM_PROFILE", "")
	if _, err := transport(t, "--no-auth"); err != nil {
		t.Errorf("development, plaintext and --no-auth: %v", err)
	}
}

// A CA without a certificate to present, or half a key pair, stops the
// command rather than serving or dialling otherwise than asked.
func TestTransportRefusesIncompleteFiles(t *testing.T) {
	files := tlstest.New(t)
	for _, args := range [][]string{
		{"--tls-ca", files.CA},
		{"--tls-cert", files.Cert},
		{"--tls-key", files.Key, "--tls-ca", files.CA},
		{"--tls-cert", files.Cert, "--tls-key", files.Cert},
		{"--tls-cert", files.Cert, "--tls-key", files.Key, "--tls-ca", files.Key},
	} {
		if _, err := transport(t, append([]string{"--no-auth"}, args...)...); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}

// RunDependent checks the profile before it opens anything.
func TestRunDependentRefusesPlaintextInProduction(t *testing.T) {
	err := servicemain.RunDependent(t.Context(), []string{"--profile", "production", "--no-auth"}, slog.New(slog.NewTextHandler(io.Discard, nil)), testDependent,
		func(context.Context, servicemain.Deps) (servicemain.Service, error) {
			t.Fatal("opened in production without TLS")
			return nil, nil
		})
	if err == nil || !strings.Contains(err.Error(), "the production profile refuses to start") {
		t.Fatalf("got %v, want the production profile's refusal", err)
	}
}
