package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issuer and Audience are what every NTM token says and every verifier
// checks: a token made for another system is refused even if it shares a key.
const (
	Issuer   = "ntm-suite"
	Audience = "ntm-api"
)

// ErrInvalidToken wraps every reason a token is refused (forged, expired,
// wrong audience, unknown key…): callers answer Unauthenticated without
// saying which.
var ErrInvalidToken = errors.New("invalid token")

// claims are a token's contents.
type claims struct {
	jwt.RegisteredClaims
	Role Role   `json:"role"`
	Unit string `json:"unit,omitempty"`
}

// DefaultMaxTTL is the longest a token may live unless SetMaxTTL says
// otherwise: a token that leaks is good for at most this long, even if no
// one revokes it.
const DefaultMaxTTL = 30 * 24 * time.Hour

// SetMaxTTL sets the longest lifetime (exp − iat) a token may have, to
// sign and to verify; zero or less restores DefaultMaxTTL. It is meant to
// be set once, before the keys are used.
func (ks *KeySet) SetMaxTTL(d time.Duration) { ks.maxTTL.Store(int64(d)) }

// MaxTTL is the longest lifetime a token may have.
func (ks *KeySet) MaxTTL() time.Duration {
	if d := time.Duration(ks.maxTTL.Load()); d > 0 {
		return d
	}
	return DefaultMaxTTL
}

// Sign issues a token for id, valid for ttl from now, with the first key.
// Each token gets its own id (jti), by which it can be revoked.
func (ks *KeySet) Sign(id Identity, ttl time.Duration, now time.Time) (string, error) {
	if err := id.Check(); err != nil {
		return "", err
	}
	if ttl <= 0 {
		return "", fmt.Errorf("ttl %v must be positive", ttl)
	}
	if max := ks.MaxTTL(); ttl > max {
		return "", fmt.Errorf("ttl %v is longer than the maximum %v", ttl, max)
	}
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	k := ks.current()[0]
	c := claims{RegisteredClaims: jwt.RegisteredClaims{
		Issuer: Issuer, Audience: jwt.ClaimStrings{Audience}, Subject: id.Subject, ID: base64.RawURLEncoding.EncodeToString(jti),
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}, Role: id.Role, Unit: id.Unit}
	var t *jwt.Token
	var key any
	switch {
	case k.Alg == HS256:
		t, key = jwt.NewWithClaims(jwt.SigningMethodHS256, c), k.secret
	case k.private != nil:
		t, key = jwt.NewWithClaims(jwt.SigningMethodEdDSA, c), k.private
	default:
		return "", fmt.Errorf("key %s can only verify (no private half)", k.ID)
	}
	t.Header["kid"] = k.ID
	return t.SignedString(key)
}

// Verify checks a token's signature against the key its header names (with
// that key's algorithm only, so an EdDSA public key can never be used as an
// HMAC secret), its issuer, audience and validity at now, and returns who
// it identifies. A token must say when it was issued and live no longer
// than MaxTTL (one signed elsewhere for a century is refused however valid
// its signature), and must not be revoked (see UseRevocations).
//
// A token verified before, against the keys still in force, is accepted
// without checking its signature again; its validity at now, its lifetime
// and its revocation are checked on every call.
func (ks *KeySet) Verify(token string, now time.Time) (Identity, error) {
	hash := sha256.Sum256([]byte(token))
	keys := ks.keys.Load()
	if t, ok := ks.verified.get(hash); ok && t.keys == keys {
		return ks.stillValid(t, now)
	}
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, ks.keyFor,
		jwt.WithValidMethods([]string{HS256, EdDSA}), jwt.WithIssuer(Issuer), jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if c.IssuedAt == nil {
		return Identity{}, fmt.Errorf("%w: no iat", ErrInvalidToken)
	}
	id := Identity{Subject: c.Subject, Role: c.Role, Unit: c.Unit}
	if err := id.Check(); err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	t := verifiedToken{id: id, jti: c.ID, issuedAt: c.IssuedAt.Time, notBefore: c.IssuedAt.Time, expiresAt: c.ExpiresAt.Time, keys: keys}
	if c.NotBefore != nil && c.NotBefore.After(t.notBefore) {
		t.notBefore = c.NotBefore.Time
	}
	if _, err := ks.stillValid(t, now); err != nil {
		return Identity{}, err
	}
	ks.verified.put(hash, t, now)
	return id, nil
}

// stillValid checks what can change after a token's signature was found
// good: the time (as jwt checks it: not before iat or nbf, before exp), the
// maximum lifetime (SetMaxTTL) and the revocations.
func (ks *KeySet) stillValid(t verifiedToken, now time.Time) (Identity, error) {
	if now.Before(t.notBefore) || !now.Before(t.expiresAt) {
		return Identity{}, fmt.Errorf("%w: not valid at %v", ErrInvalidToken, now)
	}
	if life := t.expiresAt.Sub(t.issuedAt); life > ks.MaxTTL() {
		return Identity{}, fmt.Errorf("%w: lives %v, longer than the maximum %v", ErrInvalidToken, life, ks.MaxTTL())
	}
	if r := ks.revoked.Load(); r != nil && r.revokes(t.jti, t.id.Subject, t.issuedAt) {
		return Identity{}, fmt.Errorf("%w: revoked", ErrInvalidToken)
	}
	return t.id, nil
}

// keyFor finds the key a token's header names and refuses a token signed
// with another algorithm than that key's.
func (ks *KeySet) keyFor(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	for _, k := range ks.current() {
		if k.ID != kid {
			continue
		}
		if t.Method.Alg() != k.Alg {
			return nil, fmt.Errorf("key %s is %s, the token says %s", k.ID, k.Alg, t.Method.Alg())
		}
		if k.Alg == HS256 {
			return k.secret, nil
		}
		return k.public, nil
	}
	return nil, fmt.Errorf("no key %q", kid)
}
