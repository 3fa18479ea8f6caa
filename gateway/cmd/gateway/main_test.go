package main

import (
	"context"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/tlstest"
)

func TestRunStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // already asked to stop: run must start, drain and return cleanly
	if err := run(ctx, []string{"--http-addr", "127.0.0.1:0", "--registry-addr", "127.0.0.1:1"}); err != nil {
		t.Fatal(err)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	if err := run(t.Context(), []string{"--no-such-flag"}); err == nil {
		t.Error("unknown flag: want error")
	}
	if err := run(t.Context(), []string{"extra"}); err == nil {
		t.Error("positional argument: want error")
	}
}

// The production profile refuses a plaintext HTTP listener and plaintext
// dials, naming both; with HTTPS and TLS dials it starts.
func TestRunProductionProfileRefusesPlaintext(t *testing.T) {
	err := run(t.Context(), []string{"--profile", "production", "--http-addr", "127.0.0.1:0", "--registry-addr", "127.0.0.1:1"})
	for _, want := range []string{"HTTP (--http-addr) serves plaintext: give --tls-cert and --tls-key", "dials registry (--registry-addr) in plaintext: give --tls-ca"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("production, plaintext: %v, want it to say %q", err, want)
		}
	}
	files := tlstest.New(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	t.Setenv("NTM_PROFILE", "production")
	if err := run(ctx, []string{"--http-addr", "127.0.0.1:0", "--registry-addr", "127.0.0.1:1", "--criteria-addr", "", "--ocop-addr", "", "--funding-addr", "", "--report-addr", "",
		"--tls-cert", files.Cert, "--tls-key", files.Key, "--tls-ca", files.CA}); err != nil {
		t.Errorf("production with TLS: %v", err)
	}
}
