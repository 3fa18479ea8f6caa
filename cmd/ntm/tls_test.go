package main

import (
	"bytes"
	"flag"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/servicemain"
	"github.com/ntmsuite/ntm/platform/tlstest"
)

// `ntm up --tls-cert --tls-key --tls-ca` serves the REST API over HTTPS and
// every service over mTLS: the demo loads and the gateway answers through
// them, while a plaintext gRPC client, or a TLS one without a certificate,
// is refused.
func TestUpServesHTTPSAndMTLS(t *testing.T) {
	files := tlstest.New(t)
	fs := flag.NewFlagSet("ntm up", flag.ContinueOnError)
	authFlags, tlsFlags := servicemain.NewAuthFlags(fs), servicemain.NewTLSFlags(fs)
	if err := fs.Parse([]string{"--tls-cert", files.Cert, "--tls-key", files.Key, "--tls-ca", files.CA, "--profile", "production", "--auth-keys-file", "unused"}); err != nil {
		t.Fatal(err)
	}
	transport, err := tlsFlags.Load(authFlags, "the services")
	if err != nil {
		t.Fatal(err)
	}
	s := startTestSuite(t, upConfig{transport: transport})
	if !strings.HasPrefix(s.httpURL, "https://") {
		t.Fatalf("gateway at %s, want HTTPS", s.httpURL)
	}
	roots, err := config.TLSFiles{CA: files.CA}.Client()
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: roots}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.httpURL+"/v1/units/19/aggregate?as_of=2020-12-31", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tokenOf(t, demoAdmin))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil {
		t.Errorf("GET over HTTPS: %d (TLS %v), want 200 over TLS", resp.StatusCode, resp.TLS != nil)
	}
	// Plain HTTP gets the server's 400 for an HTTP request to HTTPS, never the API.
	if resp, err := http.Get("http" + strings.TrimPrefix(s.httpURL, "https") + "/healthz"); err == nil {
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("plain HTTP to the gateway: %d, want 400", resp.StatusCode)
		}
	}

	health := func(opts ...grpc.DialOption) codes.Code {
		conn, err := grpcclient.Dial(s.criteriaAddr, opts...)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_, err = healthgrpc.NewHealthClient(conn).Check(t.Context(), &healthgrpc.HealthCheckRequest{})
		return status.Code(err)
	}
	if code := health(); code != codes.Unavailable {
		t.Errorf("plaintext gRPC client: %v, want Unavailable", code)
	}
	noCert := transport.Client().Clone()
	noCert.Certificates = nil
	if code := health(grpcclient.WithTLS(noCert)); code != codes.Unavailable {
		t.Errorf("gRPC client without a certificate: %v, want Unavailable", code)
	}
	if code := health(transport.Dial()); code != codes.OK {
		t.Errorf("gRPC client with the suite's certificate: %v, want OK", code)
	}

	// The commands that dial a running suite take the same files.
	report := []string{"report", "19", "--period", "2020", "--report-addr", s.reportAddr, "--token", tokenOf(t, demoAdmin)}
	var out bytes.Buffer
	if err := run(t.Context(), append(report, "--tls-ca", files.CA, "--tls-cert", files.Cert, "--tls-key", files.Key), &out, nil); err != nil {
		t.Errorf("ntm report over mTLS: %v", err)
	}
	if err := run(t.Context(), report, &out, nil); status.Code(err) != codes.Unavailable {
		t.Errorf("ntm report in plaintext to an mTLS suite: %v, want Unavailable", err)
	}
	if err := run(t.Context(), append(report, "--tls-cert", files.Cert, "--tls-key", files.Key), &out, nil); err == nil || !strings.Contains(err.Error(), "need --tls-ca") {
		t.Errorf("ntm report with a certificate but no CA: %v", err)
	}
}

// `ntm up --profile production` refuses plaintext and --no-auth before
// starting anything, naming what is missing.
func TestUpProductionProfileRefusesPlaintextAndNoAuth(t *testing.T) {
	var out bytes.Buffer
	err := run(t.Context(), []string{"up", "--profile", "production", "--no-auth", "--data-dir", t.TempDir()}, &out, slog.Default())
	for _, want := range []string{"serves plaintext: give --tls-cert and --tls-key", "dials the services (--tls-ca) in plaintext", "--no-auth serves without authentication"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ntm up --profile production --no-auth: %v, want it to say %q", err, want)
		}
	}
	if out.Len() > 0 {
		t.Errorf("the suite started: %s", out.String())
	}
}
