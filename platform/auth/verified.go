package auth

import (
	"crypto/sha256"
	"sync"
	"time"
)

// maxVerified bounds the tokens remembered as verified: the callers of a
// province's offices and systems, many times over.
const maxVerified = 10000

// verifiedToken is what Verify needs to accept a token again without its
// signature check (an EdDSA verification is about half the cost of a cached
// REST read): the claims that stay checked on every call, and the key set it
// was verified against, so that a rotation forgets it.
type verifiedToken struct {
	id        Identity
	jti       string
	issuedAt  time.Time
	notBefore time.Time // iat, or nbf when later
	expiresAt time.Time
	keys      *[]Key
}

// verifiedTokens remembers tokens whose signature was found good, keyed by
// their hash (the token itself is a credential and is not kept).
type verifiedTokens struct {
	mu     sync.Mutex
	tokens map[[sha256.Size]byte]verifiedToken
}

func (v *verifiedTokens) get(key [sha256.Size]byte) (verifiedToken, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	t, ok := v.tokens[key]
	return t, ok
}

// put remembers t. When full it first drops the tokens expired at now, and
// forgets everything if that is not enough: a burst of new tokens costs one
// round of signature checks, never unbounded memory.
func (v *verifiedTokens) put(key [sha256.Size]byte, t verifiedToken, now time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.tokens == nil {
		v.tokens = make(map[[sha256.Size]byte]verifiedToken)
	}
	if len(v.tokens) >= maxVerified {
		for k, old := range v.tokens {
			if !now.Before(old.expiresAt) {
				delete(v.tokens, k)
			}
		}
		if len(v.tokens) >= maxVerified {
			clear(v.tokens)
		}
	}
	v.tokens[key] = t
}

func (v *verifiedTokens) len() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.tokens)
}
