package auth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// mustTokenID is the jti of token, as `ntm token id` shows it.
func mustTokenID(t *testing.T, token string) string {
	t.Helper()
	jti, sub, err := TokenID(token)
	if err != nil || jti == "" || sub == "" {
		t.Fatalf("TokenID = %q, %q, %v", jti, sub, err)
	}
	return jti
}

// Tokens are signed for at most MaxTTL (30 days unless set), and a token
// whose exp − iat is longer, signed by anyone holding a key, is refused.
func TestMaxTTL(t *testing.T) {
	ks := newKeys(t, "k1", EdDSA)
	if ks.MaxTTL() != 30*24*time.Hour {
		t.Fatalf("default MaxTTL = %v, want 30 days", ks.MaxTTL())
	}
	if _, err := ks.Sign(officer, 876000*time.Hour, now); err == nil || !strings.Contains(err.Error(), "longer than the maximum") {
		t.Errorf("a century's token: %v, want refused", err)
	}
	month, err := ks.Sign(officer, 30*24*time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Verify(month, now); err != nil {
		t.Errorf("a token of the maximum: %v", err)
	}
	// Lowering the maximum refuses tokens already issued for longer.
	ks.SetMaxTTL(24 * time.Hour)
	if _, err := ks.Verify(month, now); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("a month's token under a day's maximum: %v, want ErrInvalidToken", err)
	}
	day, err := ks.Sign(officer, 24*time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Verify(day, now); err != nil {
		t.Errorf("a day's token under a day's maximum: %v", err)
	}
	// Signed outside Sign: a century, or no iat to measure from.
	sign := func(c jwt.RegisteredClaims) string {
		c.Issuer, c.Audience, c.Subject = Issuer, jwt.ClaimStrings{Audience}, "x"
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims{RegisteredClaims: c, Role: Admin})
		tok.Header["kid"] = "k1"
		s, err := tok.SignedString(ks.current()[0].private)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for name, token := range map[string]string{
		"a century": sign(jwt.RegisteredClaims{IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(876000 * time.Hour))}),
		"no iat":    sign(jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}),
	} {
		if _, err := ks.Verify(token, now); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("%s: %v, want ErrInvalidToken", name, err)
		}
	}
}

// A token is revoked by its id or with every token of its subject (or
// those issued before a time) by editing the revocation file, without a
// restart; other tokens keep working, and a broken file revokes no less.
func TestUseRevocationsRevokesWithoutRestart(t *testing.T) {
	ks := newKeys(t, "k1", EdDSA)
	file := filepath.Join(t.TempDir(), "revoked.json")
	// write replaces the file whole, as an operator's editor or a deploy
	// does, so that the watcher never reads it half-written.
	write := func(s string) {
		t.Helper()
		tmp := file + ".tmp"
		if err := os.WriteFile(tmp, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, file); err != nil {
			t.Fatal(err)
		}
	}
	write(`{}`)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	errs := make(chan error, 10)
	report := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	if err := ks.UseRevocations(ctx, file, time.Millisecond, report); err != nil {
		t.Fatal(err)
	}
	other := Identity{Subject: "other", Role: Viewer}
	first, _ := ks.Sign(officer, time.Hour, now)
	second, _ := ks.Sign(officer, time.Hour, now.Add(time.Minute))
	bystander, _ := ks.Sign(other, time.Hour, now)
	at := now.Add(2 * time.Minute)
	verifies := func(token string) bool { _, err := ks.Verify(token, at); return err == nil }
	// waitFor polls until the watcher has applied the file.
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not in force", what)
			}
			time.Sleep(time.Millisecond)
		}
	}
	if !verifies(first) || !verifies(second) || !verifies(bystander) {
		t.Fatal("a token is refused with nothing revoked")
	}

	write(`{"tokens": ["` + mustTokenID(t, first) + `"]}`)
	waitFor("revoking one token", func() bool { return !verifies(first) })
	if !verifies(second) || !verifies(bystander) {
		t.Error("revoking one token refused another")
	}

	// The subject's tokens issued before issued_before: the first, not the second.
	write(`{"subjects": [{"sub": "` + officer.Subject + `", "issued_before": "` + now.Add(30*time.Second).Format(time.RFC3339) + `"}]}`)
	waitFor("revoking a subject's older tokens", func() bool { return len(ks.revoked.Load().list.Load().subjects) == 1 })
	if verifies(first) || !verifies(second) || !verifies(bystander) {
		t.Error("revoking a subject's older tokens: the older verifies, or the newer or another's does not")
	}

	write(`{"subjects": [{"sub": "` + officer.Subject + `"}]}`)
	waitFor("revoking a whole subject", func() bool { return !verifies(second) })
	if verifies(first) || !verifies(bystander) {
		t.Error("revoking a subject: its tokens verify, or another's does not")
	}

	// A broken file (or a misspelt key) is reported and the list stays.
	write(`{"subject": []}`)
	if err := <-errs; err == nil || !strings.Contains(err.Error(), "subject") {
		t.Errorf("a misspelt key: reported %v", err)
	}
	if verifies(second) {
		t.Error("a broken file brought a revoked token back")
	}

	// A file that cannot be read at start is an error, not an empty list.
	if err := newKeys(t, "k2", EdDSA).UseRevocations(ctx, filepath.Join(t.TempDir(), "missing.json"), time.Millisecond, report); err == nil {
		t.Error("a missing revocation file was accepted")
	}
}
