package config

import (
	"strings"
	"testing"
)

// Production names every plaintext listener and dial and --no-auth;
// development allows them; an unknown profile is refused.
func TestCheckProfile(t *testing.T) {
	plain := Settings{Listeners: map[string]bool{"HTTP (--http-addr)": false, "gRPC": true},
		Dials: map[string]bool{"the registry": false, "criteria": true}, NoAuth: true}
	err := CheckProfile(Production, plain)
	want := "the production profile refuses to start: HTTP (--http-addr) serves plaintext: give --tls-cert and --tls-key; " +
		"dials the registry in plaintext: give --tls-ca; --no-auth serves without authentication: give --auth-keys-file"
	if err == nil || err.Error() != want {
		t.Errorf("production, plaintext: %v\nwant %s", err, want)
	}
	secure := Settings{Listeners: map[string]bool{"gRPC": true}, Dials: map[string]bool{"criteria": true}}
	if err := CheckProfile(Production, secure); err != nil {
		t.Errorf("production, TLS and keys: %v", err)
	}
	for _, p := range []string{"", Development} {
		if err := CheckProfile(p, plain); err != nil {
			t.Errorf("profile %q: %v", p, err)
		}
	}
	if err := CheckProfile("prod", secure); err == nil || !strings.Contains(err.Error(), `unknown profile "prod"`) {
		t.Errorf("unknown profile: %v", err)
	}
}
