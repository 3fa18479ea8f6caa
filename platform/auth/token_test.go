package auth

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

var officer = Identity{Subject: "can-bo-xa-06005", Role: CommuneOfficer, Unit: "06005"}

func newKeys(t *testing.T, id, alg string) *KeySet {
	t.Helper()
	data, err := NewKeySet(id, alg)
	if err != nil {
		t.Fatal(err)
	}
	ks, err := ParseKeySet(data)
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

func TestSignAndVerify(t *testing.T) {
	for _, alg := range []string{EdDSA, HS256} {
		ks := newKeys(t, "k1", alg)
		token, err := ks.Sign(officer, 24*time.Hour, now)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ks.Verify(token, now.Add(23*time.Hour))
		if err != nil || got != officer {
			t.Errorf("%s: Verify = %+v, %v; want %+v", alg, got, err, officer)
		}
	}
}

func TestRefusedTokens(t *testing.T) {
	ks := newKeys(t, "k1", EdDSA)
	good, err := ks.Sign(officer, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	other := newKeys(t, "k1", EdDSA) // same kid, another key: a forgery
	forged, _ := other.Sign(officer, time.Hour, now)
	hmac := newKeys(t, "k1", HS256)
	wrongAlg, _ := hmac.Sign(officer, time.Hour, now)
	sign := func(c claims) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
		tok.Header["kid"] = "k1"
		s, err := tok.SignedString(ks.current()[0].private)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// base is valid but for what each case changes, so that each is refused for its own reason.
	base := jwt.RegisteredClaims{Issuer: Issuer, Audience: jwt.ClaimStrings{Audience}, Subject: "x",
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}
	if _, err := ks.Verify(sign(claims{RegisteredClaims: base, Role: Viewer}), now); err != nil {
		t.Fatalf("the cases' base token is refused: %v", err)
	}
	wrongAudience, wrongIssuer, noExpiry, noIssuedAt := base, base, base, base
	wrongAudience.Audience = jwt.ClaimStrings{"another-api"}
	wrongIssuer.Issuer = "someone"
	noExpiry.ExpiresAt = nil
	noIssuedAt.IssuedAt = nil
	unsigned, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims{RegisteredClaims: base, Role: Admin}).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		token string
		at    time.Time
	}{
		"expired":           {good, now.Add(time.Hour + time.Second)},
		"not yet valid":     {good, now.Add(-time.Minute)},
		"forged":            {forged, now},
		"tampered":          {good[:strings.LastIndex(good, ".")] + ".AAAA", now},
		"other algorithm":   {wrongAlg, now},
		"wrong audience":    {sign(claims{RegisteredClaims: wrongAudience, Role: Viewer}), now},
		"wrong issuer":      {sign(claims{RegisteredClaims: wrongIssuer, Role: Viewer}), now},
		"no expiry":         {sign(claims{RegisteredClaims: noExpiry, Role: Viewer}), now},
		"no issued-at":      {sign(claims{RegisteredClaims: noIssuedAt, Role: Viewer}), now},
		"alg none":          {unsigned, now},
		"unknown role":      {sign(claims{RegisteredClaims: base, Role: "mayor"}), now},
		"officer sans unit": {sign(claims{RegisteredClaims: base, Role: ProvinceOfficer}), now},
		"not a token":       {"abc", now},
	} {
		if _, err := ks.Verify(tc.token, tc.at); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("%s: Verify error = %v, want ErrInvalidToken", name, err)
		}
	}
}

// A rotation lists the new key first: new tokens are signed with it, and
// tokens of the old key stay valid until it is dropped.
func TestRotation(t *testing.T) {
	old := newKeys(t, "2026-05", EdDSA)
	oldToken, _ := old.Sign(officer, time.Hour, now)
	next := newKeys(t, "2026-11", HS256)
	both := append(append([]Key{}, next.current()...), old.current()...)
	rotated := &KeySet{}
	rotated.keys.Store(&both)
	newToken, err := rotated.Sign(officer, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{oldToken, newToken} {
		if _, err := rotated.Verify(token, now); err != nil {
			t.Errorf("rotated set refuses a token: %v", err)
		}
	}
	if _, err := old.Verify(newToken, now); err == nil {
		t.Error("the old set accepts a token of the new key")
	}
	if _, err := next.Verify(oldToken, now); err == nil {
		t.Error("after the old key is dropped its tokens still pass")
	}
}

func TestParseKeySet(t *testing.T) {
	seed := base64.StdEncoding.EncodeToString(make([]byte, ed25519.SeedSize))
	pub := base64.StdEncoding.EncodeToString(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey))
	verifyOnly, err := ParseKeySet([]byte(`{"keys": [{"kid": "a", "alg": "EdDSA", "public": "` + pub + `"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := verifyOnly.Sign(officer, time.Hour, now); err == nil {
		t.Error("a public key signed a token")
	}
	for name, data := range map[string]string{
		"empty":        `{"keys": []}`,
		"not json":     `keys`,
		"repeated kid": `{"keys": [{"kid": "a", "alg": "EdDSA", "key": "` + seed + `"}, {"kid": "a", "alg": "EdDSA", "key": "` + seed + `"}]}`,
		"short secret": `{"keys": [{"kid": "a", "alg": "HS256", "key": "c2hvcnQ="}]}`,
		"bad seed":     `{"keys": [{"kid": "a", "alg": "EdDSA", "key": "c2hvcnQ="}]}`,
		"unknown alg":  `{"keys": [{"kid": "a", "alg": "RS256", "key": "` + seed + `"}]}`,
	} {
		if _, err := ParseKeySet([]byte(data)); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

func TestSignRefusesBadIdentities(t *testing.T) {
	ks := newKeys(t, "k1", EdDSA)
	for _, id := range []Identity{
		{Subject: "x", Role: CommuneOfficer},
		{Subject: "x", Role: "mayor"},
		{Subject: "x", Role: Viewer, Unit: "ab"},
		{Subject: "x", Role: ProvinceOfficer, Unit: CountryCode},
		{Role: Admin},
	} {
		if _, err := ks.Sign(id, time.Hour, now); err == nil {
			t.Errorf("signed %+v", id)
		}
	}
	if _, err := ks.Sign(officer, 0, now); err == nil {
		t.Error("signed a token without a lifetime")
	}
}
