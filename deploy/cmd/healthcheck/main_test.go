package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/tlstest"
)

// serveHealth serves the standard health service on a loopback port, over
// TLS with mTLS when files has a certificate.
func serveHealth(t *testing.T, files config.TLSFiles) (*health.Server, string) {
	t.Helper()
	var opts []grpc.ServerOption
	if files.Cert != "" {
		c, err := files.Server()
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, grpc.Creds(credentials.NewTLS(c)))
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(opts...)
	h := health.NewServer()
	healthpb.RegisterHealthServer(srv, h)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return h, lis.Addr().String()
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// The service's listen address from NTM_GRPC_ADDR is checked on loopback:
// SERVING passes, NOT_SERVING (a store that does not answer) fails.
func TestGRPCFromEnvironment(t *testing.T) {
	h, addr := serveHealth(t, config.TLSFiles{})
	_, port, _ := net.SplitHostPort(addr)
	getenv := env(map[string]string{"NTM_GRPC_ADDR": ":" + port})
	if err := run(t.Context(), nil, getenv); err != nil {
		t.Fatalf("serving: %v", err)
	}
	h.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	if err := run(t.Context(), nil, getenv); err == nil {
		t.Fatal("not serving: want an error")
	}
}

// Under TLS with a CA (mTLS, as --profile production runs), the check
// presents the service's own certificate from NTM_TLS_* and passes; a
// plaintext check of the same listener fails.
func TestGRPCMutualTLS(t *testing.T) {
	pem := tlstest.New(t)
	files := config.TLSFiles{Cert: pem.Cert, Key: pem.Key, CA: pem.CA}
	_, addr := serveHealth(t, files)
	getenv := env(map[string]string{"NTM_TLS_CERT": pem.Cert, "NTM_TLS_KEY": pem.Key, "NTM_TLS_CA": pem.CA})
	if err := run(t.Context(), []string{"--grpc-addr", addr, "--server-name", "localhost"}, getenv); err != nil {
		t.Fatalf("mTLS: %v", err)
	}
	if err := run(t.Context(), []string{"--grpc-addr", addr}, env(nil)); err == nil {
		t.Fatal("plaintext against TLS: want an error")
	}
}

// The gateway's NTM_HTTP_ADDR is checked with GET /healthz: 200 passes,
// 503 (a service behind it down) fails.
func TestHTTPFromEnvironment(t *testing.T) {
	code := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(code)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	getenv := env(map[string]string{"NTM_HTTP_ADDR": "0.0.0.0:" + port})
	if err := run(t.Context(), nil, getenv); err != nil {
		t.Fatalf("200: %v", err)
	}
	code = http.StatusServiceUnavailable
	if err := run(t.Context(), nil, getenv); err == nil {
		t.Fatal("503: want an error")
	}
}

func TestNothingToCheck(t *testing.T) {
	if err := run(context.Background(), nil, env(nil)); err == nil {
		t.Fatal("no target: want an error")
	}
}
