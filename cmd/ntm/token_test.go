package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/auth"
)

// keygenFile is a key set made by `ntm token keygen`, and the file it is in.
func keygenFile(t *testing.T) ([]byte, string) {
	t.Helper()
	var keys bytes.Buffer
	if err := run(t.Context(), []string{"token", "keygen", "--kid", "test"}, &keys, nil); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(file, keys.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return keys.Bytes(), file
}

// keygen writes a key set file and token create signs with it: the token
// verifies with the same keys and carries the role and unit asked for.
func TestTokenKeygenAndCreate(t *testing.T) {
	keys, file := keygenFile(t)
	var out bytes.Buffer
	if err := run(t.Context(), []string{"token", "create", "--role", "commune_officer", "--unit", "06005", "--ttl", "1h", "--keys-file", file}, &out, nil); err != nil {
		t.Fatal(err)
	}
	ks, err := auth.ParseKeySet(keys)
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

// token create refuses a lifetime over --auth-max-ttl (30 days unless
// set) and a unit whose official code is of the wrong type for the role;
// token id shows the id a revocation file lists.
func TestTokenCreateRefusesLongTTLsAndWrongUnits(t *testing.T) {
	_, file := keygenFile(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--role", "admin", "--ttl", "876000h"}, "longer than the maximum 720h0m0s"},
		{[]string{"--role", "admin", "--ttl", "48h", "--auth-max-ttl", "24h"}, "longer than the maximum 24h0m0s"},
		{[]string{"--role", "commune_officer", "--unit", "19"}, "must be a commune: 19 is the code of a province"},
		{[]string{"--role", "commune_officer", "--unit", "170"}, "must be a commune: 170 is the code of a province (2 digits) or a district (3)"},
		{[]string{"--role", "province_officer", "--unit", "06005"}, "06005 is the code of a commune"},
	} {
		err := run(t.Context(), append([]string{"token", "create", "--keys-file", file}, tc.args...), io.Discard, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"token", "create", "--keys-file", file, "--role", "province_officer", "--unit", "170", "--ttl", "720h"}, &out, nil); err != nil {
		t.Fatalf("a district's officer for the maximum: %v", err)
	}
	var id bytes.Buffer
	if err := run(t.Context(), []string{"token", "id", strings.TrimSpace(out.String())}, &id, nil); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^jti [A-Za-z0-9_-]{22}\nsub province_officer@170\n$`).MatchString(id.String()) {
		t.Errorf("token id printed %q", id.String())
	}
}
