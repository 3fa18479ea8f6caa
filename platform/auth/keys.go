package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
)

// Algorithms a key may use. HS256 is one shared secret (every verifier can
// also sign); EdDSA (Ed25519) lets services verify with the public half.
const (
	HS256 = "HS256"
	EdDSA = "EdDSA"
)

// minSecret is the shortest HS256 secret accepted: 256 bits, as RFC 7518
// asks of HMAC-SHA256 keys.
const minSecret = 32

// Key is one signing key, named by its kid (the token header says which).
type Key struct {
	ID  string
	Alg string
	// secret is the HS256 key.
	secret []byte
	// private is the Ed25519 key; public its verifying half.
	private ed25519.PrivateKey
	public  ed25519.PublicKey
}

// KeySet is the keys in force: the first signs new tokens, every one
// verifies, so a rotation lists the new key first and drops the old one
// once its tokens have expired.
type KeySet struct {
	// keys is swapped whole when the key file changes (see Watch).
	keys atomic.Pointer[[]Key]
	// maxTTL is SetMaxTTL's duration; zero is DefaultMaxTTL.
	maxTTL atomic.Int64
	// revoked is the revocation list in force (see UseRevocations); nil
	// revokes nothing.
	revoked atomic.Pointer[revocations]
	// verified remembers tokens whose signature Verify found good.
	verified verifiedTokens
}

// current is the keys in force now.
func (ks *KeySet) current() []Key { return *ks.keys.Load() }

// keyFile is the JSON form of a key set, in a file or an environment
// variable: {"keys": [{"kid": "2026-11", "alg": "EdDSA", "key": "<base64>"}]}.
// For EdDSA the key is the 32-byte seed (or only "public", to verify);
// for HS256 the secret.
type keyFile struct {
	Keys []keyEntry `json:"keys"`
}

type keyEntry struct {
	ID     string `json:"kid"`
	Alg    string `json:"alg"`
	Key    string `json:"key,omitempty"`
	Public string `json:"public,omitempty"`
}

// ParseKeySet reads a key set from its JSON form.
func ParseKeySet(data []byte) (*KeySet, error) {
	var f keyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("auth keys: %w", err)
	}
	if len(f.Keys) == 0 {
		return nil, errors.New("auth keys: no keys")
	}
	var keys []Key
	seen := map[string]bool{}
	for i, k := range f.Keys {
		if k.ID == "" || seen[k.ID] {
			return nil, fmt.Errorf("auth keys: keys[%d]: kid %q is empty or repeated", i, k.ID)
		}
		seen[k.ID] = true
		key, err := readKey(k.ID, k.Alg, k.Key, k.Public)
		if err != nil {
			return nil, fmt.Errorf("auth keys: keys[%d] (%s): %w", i, k.ID, err)
		}
		keys = append(keys, key)
	}
	ks := &KeySet{}
	ks.keys.Store(&keys)
	return ks, nil
}

func readKey(id, alg, private, public string) (Key, error) {
	k := Key{ID: id, Alg: alg}
	switch alg {
	case HS256:
		secret, err := base64.StdEncoding.DecodeString(private)
		if err != nil || len(secret) < minSecret {
			return Key{}, fmt.Errorf("key must be at least %d bytes in base64", minSecret)
		}
		k.secret = secret
	case EdDSA:
		if private != "" {
			seed, err := base64.StdEncoding.DecodeString(private)
			if err != nil || len(seed) != ed25519.SeedSize {
				return Key{}, fmt.Errorf("key must be a %d-byte Ed25519 seed in base64", ed25519.SeedSize)
			}
			k.private = ed25519.NewKeyFromSeed(seed)
			k.public = k.private.Public().(ed25519.PublicKey)
			return k, nil
		}
		pub, err := base64.StdEncoding.DecodeString(public)
		if err != nil || len(pub) != ed25519.PublicKeySize {
			return Key{}, fmt.Errorf("public must be a %d-byte Ed25519 public key in base64", ed25519.PublicKeySize)
		}
		k.public = pub
	default:
		return Key{}, fmt.Errorf("alg %q is not %s or %s", alg, HS256, EdDSA)
	}
	return k, nil
}

// NewKeySet generates a key set of one new key (for `ntm token keygen`
// and for a demo run): EdDSA unless alg says HS256.
func NewKeySet(id, alg string) ([]byte, error) {
	entry := keyEntry{ID: id, Alg: alg}
	switch alg {
	case HS256:
		secret := make([]byte, minSecret)
		if _, err := rand.Read(secret); err != nil {
			return nil, err
		}
		entry.Key = base64.StdEncoding.EncodeToString(secret)
	case EdDSA:
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		entry.Key = base64.StdEncoding.EncodeToString(priv.Seed())
		entry.Public = base64.StdEncoding.EncodeToString(pub)
	default:
		return nil, fmt.Errorf("alg %q is not %s or %s", alg, HS256, EdDSA)
	}
	return json.MarshalIndent(keyFile{Keys: []keyEntry{entry}}, "", "  ")
}
