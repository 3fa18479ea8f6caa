package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/auth"
)

// keygen writes a key set file and token create signs with it: the token
// verifies with the same keys and carries the role and unit asked for.
func TestTokenKeygenAndCreate(t *testing.T) {
	var keys bytes.Buffer
	if err := run(t.Context(), []string{"token", "keygen", "--kid", "test"}, &keys, nil); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(file, keys.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"token", "create", "--role", "commune_officer", "--unit", "06005", "--ttl", "1h", "--keys-file", file}, &out, nil); err != nil {
		t.Fatal(err)
	}
	ks, err := auth.ParseKeySet(keys.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	id, err := ks.Verify(strings.TrimSpace(out.String()), time.Now())
	want := auth.Identity{Subject: "commune_officer@06005", Role: auth.CommuneOfficer, Unit: "06005"}
	if err != nil || id != want {
		t.Fatalf("token identifies %+v, %v; want %+v", id, err, want)
	}
	if _, err := ks.Verify(strings.TrimSpace(out.String()), time.Now().Add(61*time.Minute)); err == nil {
		t.Error("the token outlives its --ttl")
	}
	for _, args := range [][]string{
		{"token", "create", "--role", "commune_officer", "--keys-file", file}, // an officer needs a unit
		{"token", "create", "--role", "mayor", "--keys-file", file},
		{"token", "create", "--role", "admin", "--keys-file", filepath.Join(t.TempDir(), "missing.json")},
	} {
		if err := run(t.Context(), args, &out, nil); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
