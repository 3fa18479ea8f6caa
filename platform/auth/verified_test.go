package auth

import (
	"fmt"
	"testing"
	"time"
)

// A token accepted once is accepted again without its signature check, but
// what may have changed since is checked on every call: its expiry, the
// maximum lifetime and the keys in force (revocations:
// TestUseRevocationsRevokesWithoutRestart, which verifies before it revokes).
func TestVerifiedTokenStaysChecked(t *testing.T) {
	ks := newKeys(t, "k1", EdDSA)
	token, err := ks.Sign(officer, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Verify(token, now); err != nil {
		t.Fatal(err)
	}
	if ks.verified.len() != 1 {
		t.Fatalf("%d tokens remembered after one verification, want 1", ks.verified.len())
	}
	if id, err := ks.Verify(token, now.Add(time.Minute)); err != nil || id != officer {
		t.Fatalf("again = %+v, %v; want %+v", id, err, officer)
	}
	if _, err := ks.Verify(token, now.Add(time.Hour)); err == nil {
		t.Error("a remembered token is accepted at its expiry")
	}
	if _, err := ks.Verify(token, now.Add(-time.Second)); err == nil {
		t.Error("a remembered token is accepted before it was issued")
	}
	ks.SetMaxTTL(time.Minute)
	if _, err := ks.Verify(token, now.Add(time.Second)); err == nil {
		t.Error("a remembered token outliving a lowered maximum lifetime is accepted")
	}
	ks.SetMaxTTL(0)
	// The key file now lists another key only (the old one was dropped).
	ks.keys.Store(newKeys(t, "k2", EdDSA).keys.Load())
	if _, err := ks.Verify(token, now.Add(time.Second)); err == nil {
		t.Error("a remembered token signed with a key no longer in force is accepted")
	}
	// Refusals are not remembered.
	forged := token[:len(token)-4] + "AAAA"
	for range 2 {
		if _, err := ks.Verify(forged, now); err == nil {
			t.Fatal("a forged token is accepted")
		}
	}
}

// However many tokens come, the remembered ones stay bounded.
func TestVerifiedTokensAreBounded(t *testing.T) {
	ks := newKeys(t, "k1", HS256)
	for i := range maxVerified + 10 {
		token, err := ks.Sign(Identity{Subject: fmt.Sprintf("caller-%d", i), Role: Viewer}, time.Hour, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ks.Verify(token, now); err != nil {
			t.Fatal(err)
		}
	}
	if n := ks.verified.len(); n > maxVerified || n == 0 {
		t.Errorf("%d tokens remembered, want 1 to %d", n, maxVerified)
	}
}

// The signature check that a remembered token skips.
func BenchmarkVerify(b *testing.B) {
	data, err := NewKeySet("k1", EdDSA)
	if err != nil {
		b.Fatal(err)
	}
	ks, err := ParseKeySet(data)
	if err != nil {
		b.Fatal(err)
	}
	at := time.Now()
	token, err := ks.Sign(Identity{Subject: "admin", Role: Admin}, time.Hour, at)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("remembered", func(b *testing.B) {
		for b.Loop() {
			if _, err := ks.Verify(token, at); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("signature", func(b *testing.B) {
		for b.Loop() {
			ks.verified = verifiedTokens{}
			if _, err := ks.Verify(token, at); err != nil {
				b.Fatal(err)
			}
		}
	})
}
